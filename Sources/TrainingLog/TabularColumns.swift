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
/// row number as the step (with a warning). A file whose rows all have both a step and an epoch,
/// with each epoch on one row only (one row per epoch, the step at its end), is read as
/// epoch-level series (x = epoch).
struct RowCollector {
    var iter: SeriesCollector
    var epoch: SeriesCollector
    /// The same points keyed by epoch, while every row with a step has a distinct epoch.
    var perEpoch: SeriesCollector
    var perEpochActive = true
    var seenEpochs: Set<Int> = []
    var stepOnlyRows = 0
    var warnings: WarningSink
    var rows = 0
    var rowsWithoutIndex = 0
    var usedRowNumber = false

    init(path: String) {
        iter = SeriesCollector(.iteration, source: path)
        epoch = SeriesCollector(.epoch, source: path)
        perEpoch = SeriesCollector(.epoch, source: path)
        warnings = WarningSink(file: path)
    }

    /// Also keeps the row's points by epoch (see the type's comment); false once that is ruled out.
    mutating func keepPerEpoch(step: Int?, epoch ep: Int?, hasValues: Bool) -> Bool {
        guard perEpochActive, hasValues, step != nil else { return false }
        guard let e = ep, e >= 0, seenEpochs.insert(e).inserted else {
            if ep == nil { stepOnlyRows += 1 }
            perEpochActive = false
            perEpoch = SeriesCollector(.epoch, source: perEpoch.source)
            seenEpochs = []
            return false
        }
        return true
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

    /// Joins the collectors of later pieces of the same file (see `SplittableLineParser`), in
    /// order, as if their rows had come here one by one.
    mutating func absorb(_ parts: inout [RowCollector], lineOffsets: [Int]) {
        // The per-epoch copy survives only if every piece kept it and no epoch repeats across pieces.
        var keepsPerEpoch = perEpochActive
        var epochsSeen = seenEpochs, epochCount = seenEpochs.count
        for p in parts where keepsPerEpoch {
            keepsPerEpoch = p.perEpochActive
            epochsSeen.formUnion(p.seenEpochs)
            epochCount += p.seenEpochs.count
        }
        keepsPerEpoch = keepsPerEpoch && epochsSeen.count == epochCount
        for (k, p) in parts.enumerated() {
            warnings.absorb(p.warnings, lineOffset: lineOffsets[k])
            rows += p.rows
            rowsWithoutIndex += p.rowsWithoutIndex
            stepOnlyRows += p.stepOnlyRows
            usedRowNumber = usedRowNumber || p.usedRowNumber
        }
        var iters = [iter] + parts.map(\.iter)
        var epochs = [epoch] + parts.map(\.epoch)
        var perEpochs = keepsPerEpoch ? [perEpoch] + parts.map(\.perEpoch) : []
        parts.removeAll()
        iter = SeriesCollector.concatenate(&iters)
        epoch = SeriesCollector.concatenate(&epochs)
        if keepsPerEpoch {
            perEpoch = SeriesCollector.concatenate(&perEpochs)
            seenEpochs = epochsSeen
        } else {
            perEpochActive = false
            perEpoch = SeriesCollector(.epoch, source: perEpoch.source)
            seenEpochs = []
        }
    }

    /// `metrics` holds (name, value) pairs; values may be NaN/inf (kept as data).
    mutating func add(_ metrics: [(MetricName, Double)], step: Int?, epoch ep: Int?, time: Double?,
                      line: Int, hasIndexColumns: Bool) {
        guard let (x, g) = index(step: step, epoch: ep, line: line, hasIndexColumns: hasIndexColumns,
                                 hasValues: !metrics.isEmpty) else { return }
        let both = g == .iteration && keepPerEpoch(step: step, epoch: ep, hasValues: !metrics.isEmpty)
        for (name, v) in metrics {
            if g == .iteration { iter.append(name, x: x, value: v, wallTime: time) }
            else { epoch.append(name, x: x, value: v, wallTime: time) }
            if both, let e = ep { perEpoch.append(name, x: e, value: v, wallTime: time) }
        }
    }

    mutating func finish(path: String, format: SourceFormat, config: [ConfigEntry] = []) -> Run {
        if usedRowNumber {
            warnings.add("rownumber", "no step or epoch column: the row number is used as the step")
        }
        var its = iter.finish()
        var stepsPerEpoch: Int? = nil
        if perEpochActive, !perEpoch.series.isEmpty, stepOnlyRows == 0 {
            stepsPerEpoch = Self.iterationsPerEpoch(epochs: perEpoch.series, steps: its)
            for sr in perEpoch.series {
                for k in 0..<sr.count {
                    epoch.append(sr.name, x: sr.xs[k], value: sr.values[k], wallTime: sr.hasWallTimes ? sr.wallTimes[k] : nil)
                }
            }
            its = []
            warnings.add("per-epoch", "info: one row per epoch (step and epoch columns, each epoch once): read as epoch-level series")
            if let n = stepsPerEpoch {
                warnings.add("steps-per-epoch", "info: \(n) iterations per epoch, from the step and epoch columns")
            }
        }
        let eps = epoch.finish()
        var info = SourceInfo(path: path, format: format)
        if let (a, b) = eps.xRange { info.firstEpoch = a; info.lastEpoch = b }
        if let (a, b) = its.xRange { info.firstStep = a; info.lastStep = b }
        if its.isEmpty && eps.isEmpty { warnings.add("empty", "no numeric values found") }
        info.warnings = warnings.finish()
        return Run(name: RunNaming.name(forFile: path), path: path, config: config, iterationsPerEpoch: stepsPerEpoch,
                   series: its + eps, sources: [info])
    }

    /// Iterations per epoch when every row of a one-row-per-epoch file logs the last step of its
    /// epoch, `step = (epoch + 1) * n - 1`, or the first of the next, `step = (epoch + 1) * n`,
    /// with one n; nil when the rows disagree. `epochs` and `steps` are the same rows' series.
    static func iterationsPerEpoch(epochs: [Series], steps: [Series]) -> Int? {
        guard let e = epochs.first, let s = steps.first(where: { $0.name == e.name }), s.count == e.count, e.count >= 2 else { return nil }
        for shift in [1, 0] {
            var n: Int? = nil
            var agree = true
            for (epoch, step) in zip(e.xs, s.xs) {
                // Any number a file may hold: no overflow.
                let (done, o1) = step.addingReportingOverflow(shift), (epochs, o2) = epoch.addingReportingOverflow(1)
                guard !o1, !o2, done > 0, epochs > 0, done % epochs == 0, n == nil || n == done / epochs else { agree = false; break }
                n = done / epochs
            }
            if agree, let n, n > 1 { return n }
        }
        return nil
    }
}
