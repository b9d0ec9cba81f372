/// The column roles shared by the CSV and JSON Lines readers: which names hold the step, the
/// epoch and the wall time (matched case-insensitively); every other numeric column is a metric.
enum TabularColumns {
    static let stepNames: Set<String> = ["step", "global_step", "iter", "iteration", "steps", "_step"]
    static let epochNames: Set<String> = ["epoch", "ep"]
    static let timeNames: Set<String> = ["time", "wall_time", "walltime", "timestamp", "_timestamp"]

    enum Role { case step, epoch, time, metric }

    static func role(_ name: String) -> Role {
        let l = name.lowercased()
        if stepNames.contains(l) { return .step }
        if epochNames.contains(l) { return .epoch }
        if timeNames.contains(l) { return .time }
        return .metric
    }

    /// A step or epoch value: an integer, or a float with no fraction (`100.0`).
    static func index(_ v: Double) -> Int? {
        guard v.isFinite, v >= -9.0e15, v <= 9.0e15, v.rounded() == v else { return nil }
        return Int(v)
    }
}

/// Turns rows (step / epoch / time plus metric values) into series: a row with a step gives
/// iteration points, a row with only an epoch gives epoch points; a file with neither uses the
/// row number as the step (with a warning).
struct RowCollector {
    var iter: SeriesCollector
    var epoch: SeriesCollector
    var warnings: WarningSink
    var rows = 0
    var rowsWithoutIndex = 0
    var usedRowNumber = false

    init(path: String) {
        iter = SeriesCollector(.iteration, source: path)
        epoch = SeriesCollector(.epoch, source: path)
        warnings = WarningSink(file: path)
    }

    /// Where a row's points go: (x, granularity), or nil when the row has no usable index
    /// (then it is skipped, with a warning when it had values).
    mutating func index(step: Int?, epoch ep: Int?, line: Int, hasIndexColumns: Bool, hasValues: Bool) -> (Int, Granularity)? {
        rows += 1
        let x: Int
        let g: Granularity
        if let s = step { x = s; g = .iteration }
        else if let e = ep { x = e; g = .epoch }
        else if !hasIndexColumns { x = rows - 1; g = .iteration; usedRowNumber = true }
        else {
            if hasValues {
                rowsWithoutIndex += 1
                warnings.add("index", line: line, "row without step or epoch value; skipped")
            }
            return nil
        }
        if x < 0 {
            warnings.add("negative", line: line, "negative \(g == .epoch ? "epoch" : "step") \(x); row skipped")
            return nil
        }
        return (x, g)
    }

    /// `metrics` holds (name, value) pairs; values may be NaN/inf (kept as data).
    mutating func add(_ metrics: [(MetricName, Double)], step: Int?, epoch ep: Int?, time: Double?,
                      line: Int, hasIndexColumns: Bool) {
        guard let (x, g) = index(step: step, epoch: ep, line: line, hasIndexColumns: hasIndexColumns,
                                 hasValues: !metrics.isEmpty) else { return }
        for (name, v) in metrics {
            if g == .iteration { iter.append(name, x: x, value: v, wallTime: time) }
            else { epoch.append(name, x: x, value: v, wallTime: time) }
        }
    }

    mutating func finish(path: String, format: SourceFormat, config: [ConfigEntry] = []) -> Run {
        if usedRowNumber {
            warnings.add("rownumber", "no step or epoch column: the row number is used as the step")
        }
        let its = iter.finish(), eps = epoch.finish()
        var info = SourceInfo(path: path, format: format)
        if let (a, b) = eps.xRange { info.firstEpoch = a; info.lastEpoch = b }
        if let (a, b) = its.xRange { info.firstStep = a; info.lastStep = b }
        if its.isEmpty && eps.isEmpty { warnings.add("empty", "no numeric values found") }
        info.warnings = warnings.finish()
        return Run(name: RunNaming.name(forFile: path), path: path, config: config, series: its + eps, sources: [info])
    }
}
