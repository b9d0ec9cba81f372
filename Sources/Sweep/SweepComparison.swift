import Report
import Foundation

/// Everything the comparison report shows, built from per-run outputs only (the plan, each
/// run's `sweep-run.json` and `curves.json`): the same code for one machine and for `--merge`,
/// so both give the same comparison by construction.
public struct SweepComparison: Sendable {
    /// One run as the comparison sees it.
    public struct Entry: Sendable {
        public var record: SweepRunRecord
        public var curves: SweepCurves?
        /// Parameters (not millions): from the logs, else from the depth with VAR's formula.
        public var parameters: Double?
        /// `logs`, `depth` or nil: where `parameters` came from.
        public var parametersSource: String?
        /// The report folder relative to the comparison's folder.
        public var reportDir: String
    }

    /// Runs that differ only by seed (or only by nothing at all).
    public struct Group: Sendable {
        public var label: String
        public var members: [Int]
    }

    /// Two hyperparameters whose values form a full grid, and the mean primary metric per cell.
    public struct Grid: Sendable {
        public var columnKey: String
        public var rowKey: String
        public var columns: [String]
        public var rows: [String]
        /// `values[row][column]`, NaN when no finished run fills the cell.
        public var values: [[Double]]
    }

    public var entries: [Entry]
    public var threshold: Double
    /// Hyperparameters whose values differ between runs, in column order.
    public var varyingKeys: [String]
    /// The varying hyperparameter the charts colour by (nil: colour per run).
    public var colorKey: String?
    /// The metric runs are ranked by: `val/loss_tail` when every usable run has it, else `train/loss_tail`.
    public var primaryMetric: String
    /// Index of the best run by `primaryMetric` among runs that did not fail or diverge.
    public var best: Int?
    public var seedGroups: [Group]
    public var grid: Grid?
    /// The contract's scaling law (raw loss of `primaryMetric`), or nil when it cannot be fitted.
    public var scaling: ScalingFit?
    /// Every fit made: raw and reducible, tail and mean.
    public var fits: [ScalingFit]
    /// Runs left out of every fit, with the reason (failed, diverged, unfinished, ...).
    public var excluded: [(name: String, reason: String)]
    /// Every run left out of any fit: `excluded`, then each fit's own exclusions, named by fit.
    public var allExclusions: [(name: String, reason: String)] {
        excluded + fits.flatMap { f in f.excluded.map { ($0.name, "left out of the \(f.kind) fit of \(f.metric): \($0.reason)") } }
    }
    /// Why there is no scaling law, when there is none.
    public var scalingNote: String?

    // MARK: - Loading

    /// Reads the plan of `directories[0]` (every folder must hold the same plan) and, for each
    /// run, the first record found in any of the folders. A run without a record counts as failed.
    public static func load(directories: [String], output: String,
                            irreducible: [String: Double] = SweepSettings.defaultIrreducible,
                            defaultThreshold: Double = 5.5) throws -> SweepComparison {
        guard let first = directories.first else { throw SweepError.noRuns("no sweep folder given") }
        let plan = try SweepPlan.read(from: first)
        for d in directories.dropFirst() where try SweepPlan.read(from: d) != plan {
            throw SweepError.input(path: d + "/" + SweepPlan.fileName,
                                   reason: "a different sweep than \(first) (the shards must be given the same RUNS)")
        }
        var entries: [Entry] = []
        for ref in plan.runs {
            var found: (SweepRunRecord, String)? = nil
            for d in directories {
                let dir = d + "/runs/" + ref.name
                if let r = try? SweepJSONCoding.decode(SweepRunRecord.self, from: dir + "/" + SweepRunRecord.fileName) {
                    found = (r, dir)
                    break
                }
            }
            guard let (record, dir) = found else {
                let r = SweepRunRecord.failed(ref: ref, error: "not rendered: no shard wrote runs/\(ref.name)/\(SweepRunRecord.fileName)",
                                              inputHash: nil, settingsHash: "")
                entries.append(Entry(record: r, curves: nil, parameters: nil, parametersSource: nil,
                                     reportDir: "runs/" + ref.name))
                continue
            }
            let curves = try? SweepJSONCoding.decode(SweepCurves.self, from: dir + "/" + SweepCurves.fileName)
            var params: Double? = nil, source: String? = nil
            if let m = record.parametersMillions, m > 0 { params = (m * 1e6).rounded(); source = "logs" }
            else if let d = record.hyperparameters["depth"].flatMap({ Int($0) }), d > 0 {
                params = ScalingLaw.parameters(depth: d); source = "depth"
            }
            entries.append(Entry(record: record, curves: curves, parameters: params, parametersSource: source,
                                 reportDir: relativePath(dir, from: output)))
        }
        let threshold = entries.compactMap(\.record.threshold).first ?? defaultThreshold
        return SweepComparison(entries: entries, threshold: threshold, irreducible: irreducible)
    }

    static func relativePath(_ path: String, from base: String) -> String {
        let p = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let b = URL(fileURLWithPath: base).standardizedFileURL.pathComponents
        var n = 0
        while n < p.count, n < b.count, p[n] == b[n] { n += 1 }
        let up = Array(repeating: "..", count: b.count - n)
        return (up + p[n...]).joined(separator: "/")
    }

    // MARK: - Analysis of the family

    public init(entries: [Entry], threshold: Double, irreducible: [String: Double]) {
        self.entries = entries
        self.threshold = threshold
        let usable = entries.indices.filter { !entries[$0].record.failed }

        // Hyperparameters that differ (a key missing in some runs counts as a value).
        var keys: [String] = []
        for key in SweepRunRecord.hyperparameterKeys {
            let values = Set(usable.map { entries[$0].record.hyperparameters[key] ?? "" })
            if values.count > 1 { keys.append(key) }
        }
        varyingKeys = keys
        let nonSeed = keys.filter { $0 != "seed" }
        colorKey = nonSeed.first
        if let k = colorKey {
            colorValues = Self.sortedValues(usable.map { entries[$0].record.hyperparameters[k] ?? "–" })
        }

        let ranked = usable.filter { entries[$0].record.status != "diverged" }
        primaryMetric = !ranked.isEmpty && ranked.allSatisfy({ entries[$0].record.final["val/loss_tail"] != nil })
            ? "val/loss_tail" : "train/loss_tail"
        let pm = primaryMetric
        best = ranked.filter { entries[$0].record.final[pm] != nil }
            .min { (entries[$0].record.final[pm]!, $0) < (entries[$1].record.final[pm]!, $1) }

        // Seed groups: same values of every varying hyperparameter but the seed.
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        for i in usable {
            let label = nonSeed.map { "\($0)=\(entries[i].record.hyperparameters[$0] ?? "–")" }.joined(separator: " ")
            if groups[label] == nil { order.append(label) }
            groups[label, default: []].append(i)
        }
        seedGroups = order.compactMap { l in
            let m = groups[l]!
            return m.count >= 2 ? Group(label: l.isEmpty ? "all runs" : l, members: m) : nil
        }

        grid = Self.findGrid(entries: entries, usable: ranked, keys: nonSeed, metric: pm)

        // Scaling law: finished, not diverged, with a parameter count and a final value.
        var excluded: [(String, String)] = []
        var fitRuns: [Int] = []
        for (i, e) in entries.enumerated() {
            let r = e.record
            if r.failed { excluded.append((r.name, "failed: \(r.error ?? "unknown error")")); continue }
            if r.status == "diverged" { excluded.append((r.name, "diverged")); continue }
            if r.status != "finished" {
                let ep = r.epochsPlanned.map { "\(r.epochsCompleted ?? 0)/\($0)" } ?? "\(r.epochsCompleted ?? 0)"
                excluded.append((r.name, "unfinished (\(ep) epochs)")); continue
            }
            if e.parameters == nil { excluded.append((r.name, "no parameter count (neither [#para] nor depth in the logs)")); continue }
            if r.final[pm] == nil { excluded.append((r.name, "no final \(pm)")); continue }
            fitRuns.append(i)
        }
        self.excluded = excluded
        var fits: [ScalingFit] = []
        let metrics = pm.hasPrefix("val/") ? ["val/loss_tail", "val/loss_mean"] : ["train/loss_tail", "train/loss_mean"]
        for m in metrics {
            let raw = fitRuns.compactMap { i -> ScalingPoint? in
                guard let v = entries[i].record.final[m], let n = entries[i].parameters else { return nil }
                return ScalingPoint(name: entries[i].record.name, parameters: n, loss: v)
            }
            if let f = ScalingLaw.fit(metric: m, kind: "raw", irreducible: nil, points: raw) { fits.append(f) }
            if let irr = irreducible[m] {
                // The reducible loss L - L_irr must be positive to be fitted in log-log axes: a run
                // at or below the assumed irreducible loss is left out, and said to be.
                var below: [ScalingExclusion] = []
                let red = raw.compactMap { p -> ScalingPoint? in
                    guard p.loss > irr else {
                        below.append(ScalingExclusion(name: p.name, reason: "its final \(m) \(NumberFormat.fixed(p.loss, 3)) is not above the irreducible loss \(NumberFormat.compact(irr)) assumed for the reducible fit"))
                        return nil
                    }
                    return ScalingPoint(name: p.name, parameters: p.parameters, loss: p.loss - irr)
                }
                if var f = ScalingLaw.fit(metric: m, kind: "reducible", irreducible: irr, points: red) {
                    f.excluded = below
                    fits.append(f)
                }
            }
        }
        self.fits = fits
        scaling = fits.first { $0.metric == pm && $0.kind == "raw" }
        let sizes = Set(fitRuns.compactMap { entries[$0].parameters })
        scalingNote = scaling != nil ? nil
            : "No scaling law: a fit needs at least \(ScalingLaw.minimumRuns) finished runs of at least two model sizes (two points always lie on a line); this sweep has \(fitRuns.count) usable run\(fitRuns.count == 1 ? "" : "s") of \(sizes.count) size\(sizes.count == 1 ? "" : "s")."
    }

    /// The first pair of hyperparameters (in column order) whose values form a full grid of at
    /// least 2 x 2 among the usable runs.
    static func findGrid(entries: [Entry], usable: [Int], keys: [String], metric: String) -> Grid? {
        guard keys.count >= 2 else { return nil }
        for a in 0..<keys.count {
            for b in (a + 1)..<keys.count {
                let ka = keys[a], kb = keys[b]
                let va = sortedValues(usable.map { entries[$0].record.hyperparameters[ka] ?? "–" })
                let vb = sortedValues(usable.map { entries[$0].record.hyperparameters[kb] ?? "–" })
                guard va.count >= 2, vb.count >= 2 else { continue }
                var cells: [String: [Double]] = [:]
                var present = Set<String>()
                for i in usable {
                    let x = entries[i].record.hyperparameters[ka] ?? "–", y = entries[i].record.hyperparameters[kb] ?? "–"
                    present.insert(x + "\u{1}" + y)
                    if let v = entries[i].record.final[metric] { cells[x + "\u{1}" + y, default: []].append(v) }
                }
                guard present.count == va.count * vb.count else { continue }
                let values = vb.map { y in va.map { x -> Double in
                    guard let c = cells[x + "\u{1}" + y], !c.isEmpty else { return .nan }
                    return c.reduce(0, +) / Double(c.count)
                } }
                return Grid(columnKey: ka, rowKey: kb, columns: va, rows: vb, values: values)
            }
        }
        return nil
    }

    /// Distinct values, numerically sorted when all are numbers, else as text.
    static func sortedValues(_ values: [String]) -> [String] {
        let distinct = Array(Set(values))
        if distinct.allSatisfy({ Double($0) != nil }) { return distinct.sorted { Double($0)! < Double($1)! } }
        return distinct.sorted()
    }

    /// The distinct values of the colour key in colour order.
    public var colorValues: [String] = []

    public var failedCount: Int { entries.filter(\.record.failed).count }
}
