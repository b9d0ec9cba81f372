import Foundation
import Render
import TrainingLog

/// Converts a series' own x (epoch index or global step) into the figure's x unit, so that
/// epoch-level and iteration-level series share one axis.
struct XMapping {
    let unit: XAxisUnit
    let iterationsPerEpoch: Int?
    /// The time each source's hours count from: the earliest Unix time of all sources for a
    /// source on the Unix clock (TensorBoard, W&B, a console put on their clock by
    /// `ConsoleClock`), else the source's own first time (a console's year-less clock).
    let origins: [String: Double]
    /// Hours since the start at the end of each epoch, for placing epoch-level points and marks.
    let epochHours: [Int: Double]
    /// For `.wall`: the clock every source is drawn on, the earliest Unix time if any source has
    /// one, else the earliest start. Sources on the Unix clock are drawn at their own times; a
    /// console left on its year-less clock is placed by its own start, as `.hours` does.
    let wallOrigin: Double

    init(run: Run, requested: XAxisUnit) {
        iterationsPerEpoch = run.iterationsPerEpoch
        var origins: [String: Double] = [:]
        for s in run.series where s.hasWallTimes {
            if let w = s.wallTimes.lazy.filter({ $0.isFinite }).min() { origins[s.source] = min(origins[s.source] ?? w, w) }
        }
        let unixStart = origins.values.filter(ConsoleClock.isUnixTime).min()
        if let unixStart {
            for (source, o) in origins where ConsoleClock.isUnixTime(o) { origins[source] = unixStart }
        }
        var epochHours: [Int: Double] = [:]
        for s in run.series where s.hasWallTimes && s.granularity == .epoch {
            guard let o = origins[s.source] else { continue }
            for (x, w) in zip(s.xs, s.wallTimes) where w.isFinite && epochHours[x] == nil { epochHours[x] = (w - o) / 3600 }
        }
        self.origins = origins
        self.epochHours = epochHours
        wallOrigin = unixStart ?? origins.values.min() ?? 0
        // A log with steps only (a CSV or JSON Lines fork without epochs) is drawn by step.
        let knowsEpochs = run.iterationsPerEpoch != nil || run.series.contains { $0.granularity == .epoch }
        switch requested {
        case .hours where origins.isEmpty, .wall where origins.isEmpty: unit = knowsEpochs ? .epoch : .step
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
        case .wall: return isUnixClock ? "date and time" : "the console's clock"
        }
    }

    /// True when `.wall` draws Unix time (labelled in the local time zone).
    var isUnixClock: Bool { ConsoleClock.isUnixTime(wallOrigin) }

    /// The x axis for the figure's unit: a clock axis with dates and times for `.wall`.
    func axis(_ label: String) -> Axis {
        guard unit == .wall else { return Axis(label) }
        let offset = isUnixClock ? Double(TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: wallOrigin))) : 0
        return Axis(label + (isUnixClock ? Self.zoneSuffix(offset) : ""), time: TimeAxis(displayOffset: offset))
    }

    /// " (UTC)" or " (UTC+05:30)".
    static func zoneSuffix(_ offset: Double) -> String {
        let minutes = Int(offset / 60)
        if minutes == 0 { return " (UTC)" }
        return String(format: " (UTC%@%02d:%02d)", minutes < 0 ? "-" : "+", abs(minutes) / 60, abs(minutes) % 60)
    }

    /// Mapped x arrays already made, by the identity of the series' x array: the metrics of one
    /// log usually share it (`Series.shareCoordinates`), so a million-point figure maps it once.
    private let memo = Memo()

    /// Shared by the panels of one figure (built one after the other).
    private final class Memo {
        var mapped: [Key: [Double]] = [:]
        struct Key: Hashable { let address: UInt; let count: Int; let source: String; let granularity: Granularity }
    }

    /// Where each point of `series` was logged, for the HTML tooltip (`PointOrigin`).
    func origin(_ series: Series) -> PointOrigin {
        PointOrigin(level: series.granularity == .epoch ? .epoch : .iteration, xs: series.xs, iterationsPerEpoch: iterationsPerEpoch)
    }

    /// The x of every point of `series` in the figure's unit (NaN where it cannot be placed).
    func xs(_ series: Series) -> [Double] {
        let address = series.xs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        // Hours depend on the source's clock and the wall times: key by source too.
        let key = Memo.Key(address: address, count: series.count, source: unit.isClock ? series.source : "",
                           granularity: series.granularity)
        if address != 0, !unit.isClock || !series.hasWallTimes, let done = memo.mapped[key] { return done }
        let mapped = map(series)
        if address != 0, !unit.isClock || !series.hasWallTimes { memo.mapped[key] = mapped }
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
        case (.wall, _):
            if series.hasWallTimes, let o = origins[series.source] {
                let shift = wallOrigin - o
                return series.wallTimes.map { $0 + shift }
            }
            if series.granularity == .epoch { return series.xs.map { epochHours[$0].map { wallOrigin + $0 * 3600 } ?? .nan } }
            return series.xs.map { _ in .nan }
        }
    }

    /// The x of a global step (for marks placed at a step), nil where the unit cannot place it.
    func x(step: Int) -> Double? {
        switch unit {
        case .step: return Double(step)
        case .epoch: return iterationsPerEpoch.flatMap { $0 > 0 ? Double(step) / Double($0) : nil }
        case .hours, .wall: return nil
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
        case .wall:
            return epochHours[epoch].map { wallOrigin + $0 * 3600 }
        }
    }
}
