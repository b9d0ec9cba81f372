import TrainingLog

/// One metric's points with both coordinates resolved: the epoch and the global step of every
/// point, whichever of the two the series was logged against. The working form of a `Series`
/// inside the analysis.
struct Curve: Sendable {
    let name: MetricName
    let granularity: Granularity
    let values: [Double]
    /// 0-based epoch of each point (nil when an iteration series has no iterations-per-epoch).
    let epochs: [Int?]
    /// Global step of each point (nil when an epoch series has no iterations-per-epoch; for an
    /// epoch-level point it is the step at the end of that epoch).
    let steps: [Int?]
    /// Wall times parallel to `values`, or empty.
    let wallTimes: [Double]

    var count: Int { values.count }
    var isEmpty: Bool { values.isEmpty }

    init(name: MetricName, granularity: Granularity, values: [Double], epochs: [Int?], steps: [Int?],
         wallTimes: [Double] = []) {
        self.name = name
        self.granularity = granularity
        self.values = values
        self.epochs = epochs
        self.steps = steps
        self.wallTimes = wallTimes
    }

    /// The curve of a series. Iteration points at negative steps (VAR writes `z_voc_usage` at
    /// steps -10000 and -1000 as markers) are left out.
    init(_ s: Series, run: Run) {
        name = s.name
        granularity = s.granularity
        switch s.granularity {
        case .epoch:
            values = s.values
            epochs = s.xs.map { $0 }
            steps = s.xs.map { run.step(endOfEpoch: $0) }
            wallTimes = s.wallTimes
        case .iteration:
            let keep = s.xs.indices.filter { s.xs[$0] >= 0 }
            if keep.count == s.xs.count {
                values = s.values
                steps = s.xs.map { $0 }
                epochs = s.xs.map { run.epoch(ofStep: $0) }
                wallTimes = s.wallTimes
            } else {
                values = keep.map { s.values[$0] }
                steps = keep.map { s.xs[$0] }
                epochs = keep.map { run.epoch(ofStep: s.xs[$0]) }
                wallTimes = s.hasWallTimes ? keep.map { s.wallTimes[$0] } : []
            }
        }
    }

    func valueAt(_ i: Int) -> ValueAt { ValueAt(value: values[i], epoch: epochs[i], step: steps[i]) }
    func valueAt(_ i: Int, value: Double) -> ValueAt { ValueAt(value: value, epoch: epochs[i], step: steps[i]) }

    /// Indices of the finite values, in order.
    var finiteIndices: [Int] { values.indices.filter { values[$0].isFinite } }

    /// The same points with other values (e.g. smoothed), same coordinates.
    func with(values newValues: [Double]) -> Curve {
        Curve(name: name, granularity: granularity, values: newValues, epochs: epochs, steps: steps,
              wallTimes: wallTimes)
    }

    /// TensorBoard-smoothed copy.
    func smoothed(weight: Double) -> Curve { with(values: Smoothing.debiasedEMA(values, weight: weight)) }

    /// This curve at epoch level: itself when it is epoch-level, otherwise the mean of the finite
    /// iteration values of each epoch (needs iterations per epoch), with a NaN for an epoch whose
    /// values are all non-finite.
    func epochLevel(run: Run) -> Curve? {
        if granularity == .epoch { return self }
        guard run.iterationsPerEpoch != nil else { return nil }
        var outE: [Int] = [], outV: [Double] = [], outT: [Double] = []
        var sum = 0.0, n = 0, lastT = Double.nan
        var cur: Int? = nil
        func flush() {
            guard let e = cur else { return }
            outE.append(e)
            outV.append(n > 0 ? sum / Double(n) : .nan)
            outT.append(lastT)
        }
        for i in 0..<count {
            guard let e = epochs[i] else { continue }
            if e != cur { flush(); cur = e; sum = 0; n = 0 }
            let v = values[i]
            if v.isFinite { sum += v; n += 1 }
            if !wallTimes.isEmpty { lastT = wallTimes[i] }
        }
        flush()
        return Curve(name: name, granularity: .epoch, values: outV, epochs: outE.map { $0 },
                     steps: outE.map { run.step(endOfEpoch: $0) }, wallTimes: wallTimes.isEmpty ? [] : outT)
    }

    /// Index of the point at `epoch` (epoch-level curves), or of the last point of that epoch.
    func lastIndex(atOrBefore epoch: Int) -> Int? {
        var found: Int? = nil
        for i in 0..<count {
            guard let e = epochs[i] else { continue }
            if e <= epoch { found = i } else { break }
        }
        return found
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
