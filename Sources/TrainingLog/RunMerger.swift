/// Merges the per-file `Run`s of one run folder into one `Run`.
///
/// - Series: one per (name, granularity). Sources are ranked: epoch-level TensorBoard
///   (`AR_ep_loss/*`, full precision) > stdout epoch summaries > log.txt > CSV / JSON Lines
///   (for epoch accuracy, log.txt's exact value before stdout's approximation);
///   iteration-level TensorBoard > stdout > CSV / JSON Lines; files of one format by path. The
///   best-ranked series is kept whole and the others fill the epochs / steps it lacks (union by x).
///   The merged series' `source` is the best-ranked file. Wall times of filled-in points are
///   shifted onto the kept series' clock by the median offset at shared x, or NaN when no x is
///   shared. Before that, a console's year-less clock is put on TensorBoard's or W&B's Unix time
///   (`ConsoleClock`), so a merged run keeps one clock wherever the logs allow it.
/// - Where two sources hold the same epoch and disagree beyond print rounding (relative difference
///   over 1e-3 plus the printed decimals: stdout prints losses with 3 decimals), a warning on the
///   lower-ranked file names both files, the first such epoch and the count. stdout's epoch
///   accuracy (an approximation, see `VARStdoutReader`) is not compared.
/// - Config from stdout's `initial args`, then log.txt header keys it lacks (then LlamaGen's
///   `Namespace(...)`, then TensorBoard's); facts
///   (iterations per epoch, planned epochs, parameters) from stdout, then log.txt, then others;
///   restart epochs from stdout, else from TensorBoard's backward steps; launches from the
///   console that logged training, else from the event files; crash evidence from every file.
/// - The console's rounded print of a smooth curve (`roundedOnConsole`: VAR's `tlr`, two
///   significant digits) does not fill the gaps of a precise series (TensorBoard, W&B): between
///   the precise points it would make a staircase with sawtooth glitches. It fills only the steps
///   beyond the precise series' range, and `Run.roundedConsoleValues` says so.
public enum RunMerger {
    /// Metrics VAR's console prints with two significant digits in its iteration lines, whose
    /// precise source logs a smooth curve: its gradient norm (`tnm`) is left as it was, since
    /// TensorBoard logs it at a tenth of the steps and the spikes are in the console's.
    static let roundedOnConsole: Set<MetricName> = [.learningRate]

    public static func merge(_ parts: [Run]) -> Run {
        let parts = ConsoleClock.align(parts)
        let ordered = parts.enumerated().sorted { a, b in
            let ra = rank(a.element), rb = rank(b.element)
            return ra != rb ? ra < rb : a.offset < b.offset
        }.map(\.element)

        var out = Run(name: parts.first?.name ?? "", path: parts.first?.path ?? "")
        let stdout = parts.filter { format($0) == .varStdout }
        let logTxt = parts.filter { format($0) == .varLogTxt }
        let tb = parts.filter { format($0) == .tensorBoard }
        let llamaGen = parts.filter { format($0) == .llamaGen }
        let factOrder = stdout + logTxt + parts.filter { ![.varStdout, .varLogTxt].contains(format($0)) }

        for p in stdout + logTxt + llamaGen + tb {
            for e in p.config where !out.config.contains(where: { $0.key == e.key }) { out.config.append(e) }
        }
        out.iterationsPerEpoch = factOrder.lazy.compactMap(\.iterationsPerEpoch).first
        out.epochsPlanned = factOrder.lazy.compactMap(\.epochsPlanned).first
        out.parametersMillions = factOrder.lazy.compactMap(\.parametersMillions).first
        out.restartEpochs = stdout.isEmpty ? tb.flatMap(\.restartEpochs) : stdout.flatMap(\.restartEpochs)
        // Launches from the console that logged training (stderr.txt repeats its banners), else
        // from the TensorBoard folder's event files.
        let consoles = (stdout + llamaGen).filter { $0.launches.contains(where: \.trained) }
        out.launches = consoles.max { $0.launches.filter(\.trained).count < $1.launches.filter(\.trained).count }?.launches
            ?? tb.first(where: { !$0.launches.isEmpty })?.launches ?? []
        out.crashEvidence = parts.flatMap(\.crashEvidence).sorted { ($0.file, $0.line) < ($1.file, $1.line) }
        out.finishedMarker = parts.contains { $0.finishedMarker }
        out.endMarker = parts.compactMap(\.endMarker).last
        out.familyHint = parts.compactMap(\.familyHint).first
        for p in stdout { out.finalValidation.merge(p.finalValidation) { _, new in new } }
        out.sources = parts.flatMap(\.sources)

        // Group series by (name, granularity), best-ranked first.
        var groups: [String: [(series: Series, format: SourceFormat)]] = [:]
        var keys: [String] = []
        for p in ordered {
            guard let f = format(p) else { continue }
            for s in p.series where !s.isEmpty {
                let key = s.name.rawValue + "\u{1}" + s.granularity.rawValue
                if groups[key] == nil { keys.append(key) }
                groups[key, default: []].append((s, f))
            }
        }
        var disagreements: [String: [Diagnostic]] = [:]
        var merged: [Series] = []
        for key in keys {
            guard let g = groups[key] else { continue }
            var sorted = g
            sorted.sort { seriesRank($0.format, $0.series.granularity, $0.series.name) < seriesRank($1.format, $1.series.granularity, $1.series.name) }
            var acc = sorted[0]
            for other in sorted.dropFirst() {
                if other.format == .varStdout, acc.format == .tensorBoard || acc.format == .wandb,
                   roundedOnConsole.contains(acc.series.name), let first = acc.series.xs.first, let last = acc.series.xs.last {
                    let range = first...last
                    let b = other.series
                    let beyond = b.xs.indices.filter { !range.contains(b.xs[$0]) }
                    out.roundedConsoleValues.append(RoundedConsoleValues(
                        name: b.name, granularity: b.granularity, consoleSource: b.source,
                        preciseSource: acc.series.source, preciseFormat: acc.format, preciseRange: range,
                        leftOut: b.count - beyond.count, filledBeyond: beyond.count))
                    guard !beyond.isEmpty else { continue }
                    let outside = Series(name: b.name, granularity: b.granularity, source: b.source,
                                         xs: beyond.map { b.xs[$0] }, values: beyond.map { b.values[$0] },
                                         wallTimes: b.hasWallTimes ? beyond.map { b.wallTimes[$0] } : [])
                    acc.series = union(acc.series, acc.format, outside, other.format).0
                    continue
                }
                let (m, issue) = union(acc.series, acc.format, other.series, other.format)
                acc.series = m
                if let issue { disagreements[other.series.source, default: []].append(issue) }
            }
            merged.append(acc.series)
        }
        for i in out.sources.indices {
            if let d = disagreements.removeValue(forKey: out.sources[i].path) { out.sources[i].warnings.append(contentsOf: d) }
        }
        out.series = merged.sorted { ($0.name, $0.granularity.rawValue) < ($1.name, $1.granularity.rawValue) }
        return out
    }

    static func format(_ r: Run) -> SourceFormat? { r.sources.first?.format }

    static func rank(_ r: Run) -> Int { format(r).map { seriesRank($0, .epoch) } ?? 9 }

    static func seriesRank(_ f: SourceFormat?, _ g: Granularity, _ name: MetricName? = nil) -> Int {
        switch f {
        case .tensorBoard?: return 0
        // stdout's epoch accuracy is an approximation (a running average before the epoch's end):
        // log.txt's exact value goes first.
        case .varStdout?: return g == .epoch && name?.isAccuracy == true ? 3 : 1
        case .varLogTxt?: return 2
        // W&B history holds full-precision values, like TensorBoard, but after it: TensorBoard is VAR's own.
        case .wandb?: return 1
        case .csv?, .jsonLines?, .llamaGen?, .mlflow?: return 4
        case .console?, nil: return 9
        }
    }

    /// Half a unit of the last printed decimal, for values that went through a print.
    static func printTolerance(_ f: SourceFormat, _ name: MetricName) -> Double {
        switch f {
        case .varStdout: return name.isLoss ? 5e-4 : 5e-3
        default: return 0
        }
    }

    /// `a` with the points of `b` at x that `a` lacks; plus a disagreement warning (on b's file).
    static func union(_ a: Series, _ fa: SourceFormat, _ b: Series, _ fb: SourceFormat) -> (Series, Diagnostic?) {
        let compare = a.granularity == .epoch
            && !((fa == .varStdout || fb == .varStdout) && a.name.isAccuracy)
        let tolAbs = printTolerance(fa, a.name) + printTolerance(fb, a.name)
        // Clock offset for b's wall times.
        var offsets: [Double] = []
        var xs: [Int] = [], vs: [Double] = [], ws: [Double] = []
        let keepWall = a.hasWallTimes
        xs.reserveCapacity(a.count + b.count)
        vs.reserveCapacity(a.count + b.count)
        var bad = 0
        var firstBad: (x: Int, va: Double, vb: Double)? = nil
        var i = 0, j = 0
        var fromB: [Int] = [] // indices into xs of points taken from b
        while i < a.count || j < b.count {
            if j >= b.count || (i < a.count && a.xs[i] < b.xs[j]) {
                xs.append(a.xs[i]); vs.append(a.values[i]); if keepWall { ws.append(a.wallTimes[i]) }
                i += 1
            } else if i >= a.count || b.xs[j] < a.xs[i] {
                fromB.append(xs.count)
                xs.append(b.xs[j]); vs.append(b.values[j]); if keepWall { ws.append(b.hasWallTimes ? b.wallTimes[j] : .nan) }
                j += 1
            } else { // same x: a wins
                let va = a.values[i], vb = b.values[j]
                if compare {
                    let same = (va.isNaN && vb.isNaN) || va == vb
                        || abs(va - vb) <= 1e-3 * max(abs(va), abs(vb)) + tolAbs
                    if !same {
                        bad += 1
                        if firstBad == nil { firstBad = (a.xs[i], va, vb) }
                    }
                }
                if keepWall, b.hasWallTimes {
                    let d = a.wallTimes[i] - b.wallTimes[j]
                    if d.isFinite { offsets.append(d) }
                }
                xs.append(a.xs[i]); vs.append(va); if keepWall { ws.append(a.wallTimes[i]) }
                i += 1; j += 1
            }
        }
        if keepWall, !fromB.isEmpty {
            offsets.sort()
            let off = offsets.isEmpty ? Double.nan : offsets[offsets.count / 2]
            for k in fromB { ws[k] += off }
        }
        let merged = Series(name: a.name, granularity: a.granularity, source: a.source,
                            xs: xs, values: vs, wallTimes: keepWall ? ws : [])
        var issue: Diagnostic? = nil
        if let fb0 = firstBad {
            issue = Diagnostic(file: b.source, message:
                "\(a.name): \(RunNaming.lastComponent(b.source)) and \(RunNaming.lastComponent(a.source)) disagree beyond print rounding at \(bad) epoch\(bad == 1 ? "" : "s") (first at epoch \(fb0.x): \(fb0.vb) here vs \(fb0.va) in \(a.source)); the values of \(a.source) are used")
        }
        return (merged, issue)
    }
}
