/// A point in device space (points, y down).
public struct Point: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// A rectangle in device space (points, y down), origin at the top-left corner.
public struct Rect: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double
    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    /// Edges and centre.
    public var minX: Double { x }
    public var minY: Double { y }
    public var maxX: Double { x + width }
    public var maxY: Double { y + height }
    public var midX: Double { x + width / 2 }
    public var midY: Double { y + height / 2 }

    /// The rectangle shrunk by the given insets (negative values grow it).
    public func inset(top: Double = 0, left: Double = 0, bottom: Double = 0, right: Double = 0) -> Rect {
        Rect(x: x + left, y: y + top, width: max(0, width - left - right), height: max(0, height - top - bottom))
    }
    public func inset(by d: Double) -> Rect { inset(top: d, left: d, bottom: d, right: d) }

    /// Whether `p` lies inside or on the edge.
    public func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }
    /// Whether `r` lies entirely inside.
    public func contains(_ r: Rect) -> Bool { r.minX >= minX - 1e-9 && r.maxX <= maxX + 1e-9 && r.minY >= minY - 1e-9 && r.maxY <= maxY + 1e-9 }
    /// Whether the interiors overlap.
    public func intersects(_ r: Rect) -> Bool { r.minX < maxX && r.maxX > minX && r.minY < maxY && r.maxY > minY }
    /// Area of the overlap with `r` (0 when disjoint).
    public func overlapArea(_ r: Rect) -> Double {
        max(0, min(maxX, r.maxX) - max(minX, r.minX)) * max(0, min(maxY, r.maxY) - max(minY, r.minY))
    }

    /// The shortest distance between the two rectangles (0 when they touch or overlap).
    public func distance(to r: Rect) -> Double {
        let dx = max(0, r.minX - maxX, minX - r.maxX), dy = max(0, r.minY - maxY, minY - r.maxY)
        return (dx * dx + dy * dy).squareRoot()
    }

    /// Whether the segment a-b crosses or touches this rectangle (Liang-Barsky clipping).
    func intersectsSegment(_ a: Point, _ b: Point) -> Bool { clippedLength(a, b) != nil }

    /// The length of segment a-b inside the rectangle (Liang-Barsky), or nil when it misses.
    func clippedLength(_ a: Point, _ b: Point) -> Double? {
        var t0 = 0.0, t1 = 1.0
        let dx = b.x - a.x, dy = b.y - a.y
        for (p, q) in [(-dx, a.x - minX), (dx, maxX - a.x), (-dy, a.y - minY), (dy, maxY - a.y)] {
            if p == 0 { if q < 0 { return nil } else { continue } }
            let r = q / p
            if p < 0 { if r > t1 { return nil }; if r > t0 { t0 = r } } else { if r < t0 { return nil }; if r < t1 { t1 = r } }
        }
        return (t1 - t0) * (dx * dx + dy * dy).squareRoot()
    }
}
