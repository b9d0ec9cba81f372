import Analysis
import Foundation
import TrainingLog

/// Two or more runs side by side (`varreport compare`): the config values that differ between
/// them and the numbers a researcher compares, each run named by its own name. No scaling law:
/// that is the sweep's, for a family of sizes.
public struct RunComparison {
    public struct Entry {
        /// The run's name, made unique among the compared runs (`name`, `name-2`, ...).
        public var label: String
        public var run: Run
        public var summary: Summary
    }

    public var entries: [Entry]
    /// Config keys whose values differ between the runs (present in at least one), in the order
    /// the first run that has them lists them.
    public var differingKeys: [String]
    public var threshold: Double

    /// The rows of the numbers table, in order.
    public static let keyMetrics = ["train/loss_tail", "train/loss_mean", "val/loss_tail", "val/loss_mean", "train/acc_tail", "val/acc_tail"]

    /// Keys that always differ between runs and say nothing about the training.
    static let ignoredKeys: Set<String> = ["local_out_dir_path", "tb_log_dir_path", "log_txt_path", "last_ckpt_path",
                                           "cmd", "commit_id", "commit", "branch", "commit_msg", "is_master", "name"]

    public init(_ runs: [(run: Run, summary: Summary)]) {
        var used = Set<String>()
        let entries = runs.map { r in
            var label = r.run.name
            var k = 2
            while used.contains(label) { label = "\(r.run.name)-\(k)"; k += 1 }
            used.insert(label)
            return Entry(label: label, run: r.run, summary: r.summary)
        }
        self.entries = entries
        var order: [String] = []
        var seen = Set<String>()
        for e in entries {
            for c in e.run.config where !seen.contains(c.key) && !Self.ignoredKeys.contains(c.key) {
                seen.insert(c.key)
                order.append(c.key)
            }
        }
        differingKeys = order.filter { key in
            Set(entries.map { $0.run.configValue(key) ?? "" }).count > 1
        }
        threshold = runs.first?.summary.threshold ?? 5.5
    }

    /// A value of the table, as text.
    public struct Cell { public var text: String; public var numeric: Bool }

    /// The numbers table: one row per fact, one column per run.
    public func numberRows() -> [(label: String, cells: [Cell])] {
        func fixed(_ v: Double?) -> Cell { Cell(text: v.map { $0.isFinite ? String(format: "%.4f", $0) : "\($0)" } ?? "–", numeric: true) }
        func int(_ v: Int?) -> Cell { Cell(text: v.map(String.init) ?? "–", numeric: true) }
        var rows: [(String, [Cell])] = []
        rows.append(("status", entries.map { Cell(text: $0.summary.run.status.rawValue, numeric: false) }))
        rows.append(("epochs", entries.map { e in
            let r = e.summary.run
            return Cell(text: r.epochsPlanned.map { "\(r.epochsCompleted)/\($0)" } ?? "\(r.epochsCompleted)", numeric: true)
        }))
        rows.append(("hours of training", entries.map { e in Cell(text: e.summary.run.totalHours.map { String(format: "%.2f", $0) } ?? "–", numeric: true) }))
        for metric in Self.keyMetrics where entries.contains(where: { $0.summary.metrics[metric] != nil }) {
            rows.append(("\(metric) final", entries.map { fixed($0.summary.metrics[metric]?.last.value) }))
            rows.append(("\(metric) best", entries.map { e in
                guard let m = e.summary.metrics[metric] else { return Cell(text: "–", numeric: true) }
                return Cell(text: String(format: "%.4f", m.best.value) + (m.best.epoch.map { " (ep \($0))" } ?? ""), numeric: true)
            }))
            if metric.contains("loss") {
                rows.append(("\(metric) first below \(String(format: "%g", threshold))", entries.map { int($0.summary.metrics[metric]?.firstBelow?.epoch) }))
            }
        }
        rows.append(("overfitting from epoch", entries.map { e in
            e.summary.overfitting.detected ? int(e.summary.overfitting.onsetEpoch) : Cell(text: "no", numeric: false)
        }))
        rows.append(("verdict", entries.map { Cell(text: $0.summary.verdict.rawValue, numeric: false) }))
        return rows
    }

    /// The config table: one row per differing key, one column per run.
    public func configRows() -> [(key: String, values: [String])] {
        differingKeys.map { key in (key, entries.map { $0.run.configValue(key) ?? "–" }) }
    }
}
