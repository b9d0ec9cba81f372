import TrainingLog

/// The epoch or step of each point of a curve, computed on access from the logged x (no
/// per-point arrays: a curve may hold millions of points).
struct Coordinates: RandomAccessCollection, Sendable {
    enum Kind: Sendable {
        /// x itself.
        case identity
        /// The epoch of step x: x / iterations per epoch (nil when that is unknown).
        case epochOfStep(Int?)
        /// The step at the end of epoch x: (x + 1) * iterations per epoch (nil when unknown).
        case stepAtEndOfEpoch(Int?)
    }
    let xs: [Int]
    let kind: Kind
    var startIndex: Int { 0 }
    var endIndex: Int { xs.count }
    subscript(i: Int) -> Int? {
        let x = xs[i]
        switch kind {
        case .identity: return x
        case .epochOfStep(let ipe): return ipe.map { x / $0 }
        case .stepAtEndOfEpoch(let ipe):
            guard let ipe else { return nil }
            let (next, o1) = x.addingReportingOverflow(1)
            let (step, o2) = next.multipliedReportingOverflow(by: ipe)
            return o1 || o2 ? nil : step
        }
    }
}

/// One metric's points with both coordinates resolved: the epoch and the global step of every
/// point, whichever of the two the series was logged against. The working form of a `Series`
/// inside the analysis.
struct Curve: Sendable {
    let name: MetricName
    let granularity: Granularity
    /// The logged x: the epoch for epoch-level curves, the step for iteration curves.
    let xs: [Int]
    let values: [Double]
    /// Wall times parallel to `values`, or empty.
    let wallTimes: [Double]
    /// Iterations per epoch (> 0), when known.
    let iterationsPerEpoch: Int?

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    /// 0-based epoch of each point (nil when an iteration curve has no iterations-per-epoch).
    var epochs: Coordinates {
        Coordinates(xs: xs, kind: granularity == .epoch ? .identity : .epochOfStep(iterationsPerEpoch))
    }
    /// Global step of each point (for an epoch-level point, the step at the end of that epoch;
    /// nil when iterations per epoch are unknown).
    var steps: Coordinates {
        Coordinates(xs: xs, kind: granularity == .epoch ? .stepAtEndOfEpoch(iterationsPerEpoch) : .identity)
    }

    init(name: MetricName, granularity: Granularity, xs: [Int], values: [Double], wallTimes: [Double] = [],
         iterationsPerEpoch: Int?) {
        self.name = name
        self.granularity = granularity
        self.xs = xs
        self.values = values
        self.wallTimes = wallTimes
        self.iterationsPerEpoch = iterationsPerEpoch.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The curve of a series. Iteration points at negative steps (VAR writes `z_voc_usage` at
    /// steps -10000 and -1000 as markers) are left out.
    init(_ s: Series, run: Run) {
        name = s.name
        granularity = s.granularity
        iterationsPerEpoch = run.iterationsPerEpoch.flatMap { $0 > 0 ? $0 : nil }
        if s.granularity == .iteration, let firstKept = s.xs.firstIndex(where: { $0 >= 0 }), firstKept > 0 {
            xs = Array(s.xs[firstKept...])
            values = Array(s.values[firstKept...])
            wallTimes = s.hasWallTimes ? Array(s.wallTimes[firstKept...]) : []
        } else if s.granularity == .iteration, s.xs.last.map({ $0 < 0 }) ?? false {
            xs = []; values = []; wallTimes = []
        } else {
            xs = s.xs
            values = s.values
            wallTimes = s.wallTimes
        }
    }

    func valueAt(_ i: Int) -> ValueAt { ValueAt(value: values[i], epoch: epochs[i], step: steps[i]) }
    func valueAt(_ i: Int, value: Double) -> ValueAt { ValueAt(value: value, epoch: epochs[i], step: steps[i]) }

    /// Indices of the finite values, in order.
    var finiteIndices: [Int] { values.indices.filter { values[$0].isFinite } }

    /// The same points with other values (e.g. smoothed), same coordinates.
    func with(values newValues: [Double]) -> Curve {
        Curve(name: name, granularity: granularity, xs: xs, values: newValues, wallTimes: wallTimes,
              iterationsPerEpoch: iterationsPerEpoch)
    }

    /// TensorBoard-smoothed copy.
    func smoothed(weight: Double) -> Curve { with(values: Smoothing.debiasedEMA(values, weight: weight)) }

    /// This curve at epoch level: itself when it is epoch-level, otherwise the mean of the finite
    /// iteration values of each epoch (needs iterations per epoch), with a NaN for an epoch whose
    /// values are all non-finite.
    func epochLevel(run: Run) -> Curve? {
        if granularity == .epoch { return self }
        guard iterationsPerEpoch != nil else { return nil }
        var outE: [Int] = [], outV: [Double] = [], outT: [Double] = []
        var sum = 0.0, n = 0, lastT = Double.nan
        var cur: Int? = nil
        func flush() {
            guard let e = cur else { return }
            outE.append(e)
            outV.append(n > 0 ? sum / Double(n) : .nan)
            outT.append(lastT)
        }
        let ep = epochs
        for i in 0..<count {
            guard let e = ep[i] else { continue }
            if e != cur { flush(); cur = e; sum = 0; n = 0 }
            let v = values[i]
            if v.isFinite { sum += v; n += 1 }
            if !wallTimes.isEmpty { lastT = wallTimes[i] }
        }
        flush()
        return Curve(name: name, granularity: .epoch, xs: outE, values: outV, wallTimes: wallTimes.isEmpty ? [] : outT,
                     iterationsPerEpoch: iterationsPerEpoch)
    }

    /// Index of the last point whose epoch is at most `epoch` (binary search: x is increasing).
    func lastIndex(atOrBefore epoch: Int) -> Int? { Self.lastIndex(in: epochs, atOrBefore: epoch) }

    /// Index of the last point whose global step is at most `step`; nil when no point is that
    /// early or the steps are unknown.
    func lastIndex(atOrBeforeStep step: Int) -> Int? { Self.lastIndex(in: steps, atOrBefore: step) }

    private static func lastIndex(in coordinates: Coordinates, atOrBefore limit: Int) -> Int? {
        var lo = 0, hi = coordinates.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if let c = coordinates[mid], c <= limit { lo = mid + 1 } else { hi = mid }
        }
        guard lo > 0, coordinates[lo - 1] != nil else { return nil }
        return lo - 1
    }
}

extension Run {
    /// The curve of a metric: epoch-level when the run has that, otherwise the iteration series.
    func curve(_ name: MetricName) -> Curve? {
        guard let s = preferredSeries(name), !s.isEmpty else { return nil }
        let c = Curve(s, run: self)
        return c.isEmpty ? nil : c
    }

    func curve(_ name: MetricName, _ g: Granularity) -> Curve? {
        guard let s = series(name, g), !s.isEmpty else { return nil }
        let c = Curve(s, run: self)
        return c.isEmpty ? nil : c
    }
}
