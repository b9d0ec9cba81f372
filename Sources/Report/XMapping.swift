import TrainingLog

/// Converts a series' own x (epoch index or global step) into the figure's x unit, so that
/// epoch-level and iteration-level series share one axis.
struct XMapping {
    let unit: XAxisUnit
    let iterationsPerEpoch: Int?
    /// Wall time of the run's first point, for hours.
    let origin: Double?
    /// Wall times per epoch end, for placing epoch-level points on an hours axis.
    let epochWallTimes: [Int: Double]

    init(run: Run, requested: XAxisUnit) {
        iterationsPerEpoch = run.iterationsPerEpoch
        var first: Double? = nil
        var epochTimes: [Int: Double] = [:]
        for s in run.series where s.hasWallTimes {
            if let w = s.wallTimes.first(where: { $0.isFinite }) { first = min(first ?? w, w) }
            if s.granularity == .epoch {
                for (x, w) in zip(s.xs, s.wallTimes) where w.isFinite { epochTimes[x] = epochTimes[x] ?? w }
            }
        }
        origin = first
        epochWallTimes = epochTimes
        switch requested {
        case .hours where first == nil: unit = .epoch
        case .step where run.iterationsPerEpoch == nil: unit = .epoch
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

    /// The x of every point of `series` in the figure's unit (NaN where it cannot be placed).
    func xs(_ series: Series) -> [Double] {
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
            guard let o = origin else { return series.xs.map(Double.init) }
            if series.hasWallTimes { return series.wallTimes.map { ($0 - o) / 3600 } }
            if series.granularity == .epoch { return series.xs.map { epochWallTimes[$0].map { ($0 - o) / 3600 } ?? .nan } }
            return series.xs.map { _ in .nan }
        }
    }

    /// The x of an epoch index (for marks placed at an epoch).
    func x(epoch: Int) -> Double? {
        switch unit {
        case .epoch: return Double(epoch)
        case .step: return iterationsPerEpoch.map { Double((epoch + 1) * $0) }
        case .hours:
            guard let o = origin, let w = epochWallTimes[epoch] else { return nil }
            return (w - o) / 3600
        }
    }
}
