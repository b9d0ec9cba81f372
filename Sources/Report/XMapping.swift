import TrainingLog

/// Converts a series' own x (epoch index or global step) into the figure's x unit, so that
/// epoch-level and iteration-level series share one axis.
struct XMapping {
    let unit: XAxisUnit
    let iterationsPerEpoch: Int?
    /// Each source's first wall time. Sources keep different clocks (TensorBoard: Unix time;
    /// stdout: its own year-less timestamps), so hours are counted from each source's own start.
    let origins: [String: Double]
    /// Hours since the start at the end of each epoch, for placing epoch-level points and marks.
    let epochHours: [Int: Double]

    init(run: Run, requested: XAxisUnit) {
        iterationsPerEpoch = run.iterationsPerEpoch
        var origins: [String: Double] = [:]
        for s in run.series where s.hasWallTimes {
            if let w = s.wallTimes.lazy.filter({ $0.isFinite }).min() { origins[s.source] = min(origins[s.source] ?? w, w) }
        }
        var epochHours: [Int: Double] = [:]
        for s in run.series where s.hasWallTimes && s.granularity == .epoch {
            guard let o = origins[s.source] else { continue }
            for (x, w) in zip(s.xs, s.wallTimes) where w.isFinite && epochHours[x] == nil { epochHours[x] = (w - o) / 3600 }
        }
        self.origins = origins
        self.epochHours = epochHours
        // A log with steps only (a CSV or JSON Lines fork without epochs) is drawn by step.
        let knowsEpochs = run.iterationsPerEpoch != nil || run.series.contains { $0.granularity == .epoch }
        switch requested {
        case .hours where origins.isEmpty: unit = knowsEpochs ? .epoch : .step
        case .step where run.iterationsPerEpoch == nil: unit = knowsEpochs ? .epoch : .step
        case .epoch where !knowsEpochs: unit = .step
        default: unit = requested
        }
    }

    var axisLabel: String {
        switch unit {
        case .epoch: return "epoch"
        case .step: return "step"
        case .hours: return "hours"
        }
    }

    /// Mapped x arrays already made, by the identity of the series' x array: the metrics of one
    /// log usually share it (`Series.shareCoordinates`), so a million-point figure maps it once.
    private let memo = Memo()

    /// Shared by the panels of one figure (built one after the other).
    private final class Memo {
        var mapped: [Key: [Double]] = [:]
        struct Key: Hashable { let address: UInt; let count: Int; let source: String; let granularity: Granularity }
    }

    /// The x of every point of `series` in the figure's unit (NaN where it cannot be placed).
    func xs(_ series: Series) -> [Double] {
        let address = series.xs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        // Hours depend on the source's clock and the wall times: key by source too.
        let key = Memo.Key(address: address, count: series.count, source: unit == .hours ? series.source : "",
                           granularity: series.granularity)
        if address != 0, unit != .hours || !series.hasWallTimes, let done = memo.mapped[key] { return done }
        let mapped = map(series)
        if address != 0, unit != .hours || !series.hasWallTimes { memo.mapped[key] = mapped }
        return mapped
    }

    private func map(_ series: Series) -> [Double] {
        switch (unit, series.granularity) {
        case (.epoch, .epoch):
            return series.xs.map(Double.init)
        case (.epoch, .iteration):
            guard let ipe = iterationsPerEpoch, ipe > 0 else { return series.xs.map(Double.init) }
            let d = Double(ipe)
            return series.xs.map { Double($0) / d }
        case (.step, .iteration):
            return series.xs.map(Double.init)
        case (.step, .epoch):
            let ipe = Double(iterationsPerEpoch ?? 1)
            return series.xs.map { Double($0 + 1) * ipe }
        case (.hours, _):
            if series.hasWallTimes, let o = origins[series.source] { return series.wallTimes.map { ($0 - o) / 3600 } }
            if series.granularity == .epoch { return series.xs.map { epochHours[$0] ?? .nan } }
            return series.xs.map { _ in .nan }
        }
    }

    /// The x of a global step (for marks placed at a step), nil where the unit cannot place it.
    func x(step: Int) -> Double? {
        switch unit {
        case .step: return Double(step)
        case .epoch: return iterationsPerEpoch.flatMap { $0 > 0 ? Double(step) / Double($0) : nil }
        case .hours: return nil
        }
    }

    /// The x of a mark known by its epoch, its step or both (the epoch wins when it can be placed).
    func x(epoch: Int?, step: Int?) -> Double? {
        epoch.flatMap { x(epoch: $0) } ?? step.flatMap { x(step: $0) }
    }


    /// The x of an epoch index (for marks placed at an epoch).
    func x(epoch: Int) -> Double? {
        switch unit {
        case .epoch: return Double(epoch)
        case .step: return iterationsPerEpoch.map { Double((epoch + 1) * $0) }
        case .hours:
            return epochHours[epoch]
        }
    }
}
