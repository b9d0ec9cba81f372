/// How data values map to positions along an axis.
public enum Scale: Sendable, Hashable {
    /// Equal distances for equal differences.
    case linear
    /// Equal distances for equal ratios; values <= 0 are not drawn.
    case log10
}

/// One axis of a chart: label, scale, optional fixed domain and tick label formatter.
public struct Axis: Sendable {
    /// Text under the x axis or beside the y axis; `nil` for none.
    public var label: String?
    /// Linear or log10.
    public var scale: Scale
    /// A fixed domain; `nil` to fit the data (plus `margin`).
    public var domain: ClosedRange<Double>?
    /// Fraction of the data range added on each side when the domain is fitted; `nil` uses
    /// 0.02 for x and 0.05 for y.
    public var margin: Double?
    /// Formats tick values; `nil` uses the automatic, compact formatter (`TickFormat.labels`).
    public var tickFormatter: (@Sendable (Double) -> String)?
    /// Rough number of ticks wanted; `nil` derives it from the axis length.
    public var tickCount: Int?
    /// A clock axis (values in seconds): ticks at whole minutes, hours or days, labelled with
    /// dates and times. Linear scale only.
    public var time: TimeAxis?

    public init(_ label: String? = nil, scale: Scale = .linear, domain: ClosedRange<Double>? = nil,
                margin: Double? = nil, tickCount: Int? = nil, time: TimeAxis? = nil,
                tickFormatter: (@Sendable (Double) -> String)? = nil) {
        self.label = label; self.scale = scale; self.domain = domain; self.margin = margin
        self.tickCount = tickCount; self.time = time; self.tickFormatter = tickFormatter
    }
}

/// Maps data values on one axis to device coordinates, once, for every mark.
public struct ScaleMapper: Sendable, Hashable {
    public let scale: Scale
    /// Data domain (for log10, both ends > 0).
    public let domain: ClosedRange<Double>
    /// Device coordinate of `domain.lowerBound`.
    public let start: Double
    /// Device coordinate of `domain.upperBound` (smaller than `start` for a y axis).
    public let end: Double

    public init(scale: Scale, domain: ClosedRange<Double>, start: Double, end: Double) {
        self.scale = scale; self.domain = domain; self.start = start; self.end = end
    }

    private func t(_ v: Double) -> Double {
        switch scale {
        case .linear:
            let span = domain.upperBound - domain.lowerBound
            return span == 0 ? 0.5 : (v - domain.lowerBound) / span
        case .log10:
            guard v > 0 else { return .nan }
            let lo = Foundation.log10(domain.lowerBound), hi = Foundation.log10(domain.upperBound)
            return hi == lo ? 0.5 : (Foundation.log10(v) - lo) / (hi - lo)
        }
    }

    /// The device coordinate of `value`; NaN when it cannot be shown (NaN, or <= 0 on a log scale).
    public func callAsFunction(_ value: Double) -> Double {
        guard value.isFinite else { return .nan }
        return start + t(value) * (end - start)
    }

    /// The data value at device coordinate `position`.
    public func invert(_ position: Double) -> Double {
        let t = end == start ? 0 : (position - start) / (end - start)
        switch scale {
        case .linear: return domain.lowerBound + t * (domain.upperBound - domain.lowerBound)
        case .log10:
            let lo = Foundation.log10(domain.lowerBound), hi = Foundation.log10(domain.upperBound)
            return Foundation.pow(10, lo + t * (hi - lo))
        }
    }

    /// Whether `value` lies in the domain (with a relative tolerance).
    public func inDomain(_ value: Double) -> Bool {
        let tol = 1e-9 * max(abs(domain.upperBound - domain.lowerBound), abs(domain.upperBound), 1e-300)
        return value >= domain.lowerBound - tol && value <= domain.upperBound + tol
    }
}

/// The plot rectangle of one chart with its two mappers: data (x, y) to device points.
public struct PlotArea: Sendable, Hashable {
    public let rect: Rect
    public let x: ScaleMapper
    public let y: ScaleMapper

    /// Builds the mappers for `rect`: x grows rightwards, y upwards.
    public init(rect: Rect, xScale: Scale, xDomain: ClosedRange<Double>, yScale: Scale, yDomain: ClosedRange<Double>) {
        self.rect = rect
        x = ScaleMapper(scale: xScale, domain: xDomain, start: rect.minX, end: rect.maxX)
        y = ScaleMapper(scale: yScale, domain: yDomain, start: rect.maxY, end: rect.minY)
    }

    /// The device point of data point (x, y); coordinates are NaN when not mappable.
    public func point(_ xv: Double, _ yv: Double) -> Point { Point(x: x(xv), y: y(yv)) }
}

import Foundation
