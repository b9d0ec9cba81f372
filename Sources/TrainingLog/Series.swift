/// Whether a series holds one value per epoch or one per logged iteration.
public enum Granularity: String, Codable, Sendable {
    /// x is the 0-based epoch index, as VAR prints it (`[ep0]` is the first epoch).
    case epoch
    /// x is the global iteration (step).
    case iteration
}

/// One named series of values, stored as parallel arrays so that millions of points stay compact.
///
/// `xs` is the epoch index for `.epoch` series and the global step for `.iteration` series,
/// strictly increasing once a reader has finished with it. `wallTimes` is either empty (unknown)
/// or parallel to `xs`, in seconds since 1970 (or since an arbitrary origin: only differences
/// are used).
public struct Series: Sendable, Equatable {
    public var name: MetricName
    public var granularity: Granularity
    /// Where the values came from (a file path), for the report's sources section and warnings.
    public var source: String
    public private(set) var xs: [Int]
    public private(set) var values: [Double]
    public private(set) var wallTimes: [Double]

    public init(name: MetricName, granularity: Granularity, source: String,
                xs: [Int] = [], values: [Double] = [], wallTimes: [Double] = []) {
        precondition(xs.count == values.count, "xs and values must have the same length")
        precondition(wallTimes.isEmpty || wallTimes.count == xs.count, "wallTimes must be empty or parallel")
        self.name = name
        self.granularity = granularity
        self.source = source
        self.xs = xs
        self.values = values
        self.wallTimes = wallTimes
    }

    public var count: Int { xs.count }
    public var isEmpty: Bool { xs.isEmpty }
    public var hasWallTimes: Bool { !wallTimes.isEmpty }

    /// Appends a point. A wall time must be given for every point or for none.
    public mutating func append(x: Int, value: Double, wallTime: Double? = nil) {
        if let w = wallTime {
            if wallTimes.count == xs.count { wallTimes.append(w) }
        } else if !wallTimes.isEmpty {
            wallTimes.append(.nan)
        }
        xs.append(x)
        values.append(value)
    }

    /// Appends points as `append(x:value:wallTime:)` would one by one, `wallTimes` (when given)
    /// parallel to `xs`. An empty series takes the arrays themselves, so series filled from the
    /// same block share its x array.
    mutating func append(xs newXs: [Int], values newValues: [Double], wallTimes newTimes: [Double]?) {
        precondition(newXs.count == newValues.count && (newTimes == nil || newTimes!.count == newXs.count),
                     "a block's arrays must be parallel")
        if xs.isEmpty {
            xs = newXs
            values = newValues
            if let t = newTimes { wallTimes = t }
            return
        }
        if let t = newTimes {
            // One by one, a point's wall time is kept while the series has one for every point.
            if wallTimes.count == xs.count { wallTimes.append(contentsOf: t) }
        } else if !wallTimes.isEmpty {
            wallTimes.append(contentsOf: repeatElement(.nan, count: newXs.count))
        }
        xs.append(contentsOf: newXs)
        values.append(contentsOf: newValues)
    }

    /// Reserves room for `n` points (and their wall times, when `withWallTimes`).
    public mutating func reserveCapacity(_ n: Int, withWallTimes: Bool = false) {
        xs.reserveCapacity(n)
        values.reserveCapacity(n)
        if withWallTimes { wallTimes.reserveCapacity(n) }
    }

    /// The points of consecutive pieces of one series, in order (`xs`, when given, is their x
    /// arrays already joined). Wall times stay parallel: NaN for the points of a piece that has
    /// none, or none at all when no piece has any.
    static func joining(_ pieces: [Series], xs joinedXs: [Int]? = nil) -> Series {
        guard let first = pieces.first else { preconditionFailure("no pieces to join") }
        if pieces.count == 1 { return first }
        let total = pieces.reduce(0) { $0 + $1.count }
        var out = Series(name: first.name, granularity: first.granularity, source: first.source)
        if let joinedXs {
            precondition(joinedXs.count == total, "joined xs must cover every piece")
            out.xs = joinedXs
        } else {
            out.xs.reserveCapacity(total)
            for p in pieces { out.xs.append(contentsOf: p.xs) }
        }
        out.values.reserveCapacity(total)
        for p in pieces { out.values.append(contentsOf: p.values) }
        if pieces.contains(where: \.hasWallTimes) {
            out.wallTimes.reserveCapacity(total)
            for p in pieces {
                if p.hasWallTimes { out.wallTimes.append(contentsOf: p.wallTimes) }
                else { out.wallTimes.append(contentsOf: repeatElement(.nan, count: p.count)) }
            }
        }
        return out
    }

    /// Forgets the wall times (see `SeriesCollector.concatenate`).
    mutating func dropWallTimes() { wallTimes = [] }

    /// Takes new wall times, parallel to `xs` (see `ConsoleClock`).
    mutating func replaceWallTimes(_ times: [Double]) {
        precondition(times.count == xs.count, "wallTimes must be parallel to xs")
        wallTimes = times
    }

    /// Takes `other`'s x (and wall-time) arrays when they hold the same values, so the two series
    /// share one copy: the columns of a CSV or JSON Lines file all have the row's step, and a
    /// million-row file would otherwise keep that column once per metric.
    public mutating func shareCoordinates(with other: Series) {
        guard granularity == other.granularity, xs.count == other.xs.count, xs == other.xs else { return }
        xs = other.xs
        if wallTimes.count == other.wallTimes.count, wallTimes.elementsEqual(other.wallTimes, by: { $0 == $1 || ($0.isNaN && $1.isNaN) }) {
            wallTimes = other.wallTimes
        }
    }

    /// Sorts by x and keeps, for each x, the value appended last (the later occurrence is the
    /// truth after a restart). Stable and O(n) when the input is already sorted.
    public mutating func sortAndKeepLast() {
        guard xs.count > 1 else { return }
        var sorted = true
        var unique = true
        for i in 1..<xs.count {
            if xs[i] < xs[i - 1] { sorted = false; break }
            if xs[i] == xs[i - 1] { unique = false }
        }
        if sorted && unique { return }
        let order = xs.indices.sorted { (xs[$0], $0) < (xs[$1], $1) }
        var nx: [Int] = [], nv: [Double] = [], nw: [Double] = []
        nx.reserveCapacity(xs.count); nv.reserveCapacity(xs.count)
        for i in order {
            if let last = nx.last, last == xs[i] {
                nv[nv.count - 1] = values[i]
                if !wallTimes.isEmpty { nw[nw.count - 1] = wallTimes[i] }
            } else {
                nx.append(xs[i]); nv.append(values[i])
                if !wallTimes.isEmpty { nw.append(wallTimes[i]) }
            }
        }
        xs = nx; values = nv; wallTimes = nw
    }

    /// Drops every point with x >= `x` (TensorBoard's rule when a step goes backwards).
    /// Expects sorted xs (as readers keep them); scans from the end, so the cost is the number of
    /// points dropped (a restart a little way back stays cheap on a long series).
    public mutating func removePoints(fromX x: Int) {
        var cut = xs.count
        while cut > 0, xs[cut - 1] >= x { cut -= 1 }
        guard cut < xs.count else { return }
        xs.removeSubrange(cut...)
        values.removeSubrange(cut...)
        if !wallTimes.isEmpty { wallTimes.removeSubrange(cut...) }
    }

    /// The value at x, if the series has a point there (binary search).
    public func value(atX x: Int) -> Double? { index(ofX: x).map { values[$0] } }

    /// The index of the point at `x` (binary search over the sorted xs), if there is one.
    public func index(ofX x: Int) -> Int? {
        var lo = 0, hi = xs.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if xs[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo < xs.count && xs[lo] == x ? lo : nil
    }
}
