import Report
import Analysis
import Foundation

/// What a sweep keeps of one run, in `DIR/runs/<name>/sweep-run.json`: enough to build the
/// comparison without reading the logs again, and the content hashes that let a re-run skip
/// the run when nothing changed. A shard writes it for each of its runs; `--merge` reads it.
public struct SweepRunRecord: Codable, Sendable, Equatable {
    public var schema = "varreport.sweep-run/1"
    public var name: String
    public var path: String
    /// The run's name as the logs give it (`summary.run.name`), when it was read.
    public var runName: String?
    /// finished | incomplete | diverged | failed
    public var status: String
    /// Why the run failed, when it did.
    public var error: String?
    /// `runs/<name>`, relative to the sweep folder.
    public var reportDir: String
    public var inputHash: String?
    public var settingsHash: String
    public var verdict: String?
    public var epochsCompleted: Int?
    public var epochsPlanned: Int?
    /// From the logs (`[INIT][#para] VAR=...`), in millions.
    public var parametersMillions: Double?
    /// The hyperparameters of the run (VAR's args that define a run of a sweep), as text.
    public var hyperparameters: [String: String]
    /// Last value of each key metric.
    public var final: [String: Double]
    /// Best value of each key metric (lowest loss, highest accuracy).
    public var best: [String: Double]
    /// First epoch below the threshold, per loss metric that crossed.
    public var firstBelowEpoch: [String: Int]
    /// Epoch from which each loss metric stays below the threshold.
    public var staysBelowEpoch: [String: Int]
    public var threshold: Double?

    enum CodingKeys: String, CodingKey {
        case schema, name, path, status, error, verdict, hyperparameters, final, best, threshold
        case runName = "run_name", reportDir = "report_dir", inputHash = "input_hash"
        case settingsHash = "settings_hash", epochsCompleted = "epochs_completed"
        case epochsPlanned = "epochs_planned", parametersMillions = "parameters_millions"
        case firstBelowEpoch = "first_below_epoch", staysBelowEpoch = "stays_below_epoch"
    }

    public static let fileName = "sweep-run.json"

    /// The metrics a sweep compares, in table order.
    public static let keyMetrics = ["train/loss_tail", "train/loss_mean", "val/loss_tail", "val/loss_mean",
                                    "train/acc_tail", "train/acc_mean", "val/acc_tail", "val/acc_mean"]

    /// VAR's arguments that define one run of a family (`utils/arg_util.py`), in column order.
    public static let hyperparameterKeys = ["depth", "bs", "ep", "tblr", "twd", "tclip", "alng", "ls", "pn", "fp16",
                                            "sche", "opt", "wp", "wp0", "wpe", "hd", "aln", "saln", "anorm", "pg",
                                            "ac", "ini", "seed"]

    /// The record of a run that was read and reported.
    public static func make(ref: SweepRunRef, summary: Summary, inputHash: String, settingsHash: String) -> SweepRunRecord {
        var final: [String: Double] = [:], best: [String: Double] = [:]
        var firstBelow: [String: Int] = [:], stays: [String: Int] = [:]
        for key in keyMetrics {
            guard let m = summary.metrics[key] else { continue }
            if m.last.value.isFinite { final[key] = m.last.value }
            if m.best.value.isFinite { best[key] = m.best.value }
            if let e = m.firstBelow?.epoch { firstBelow[key] = e }
            if let e = m.staysBelowFrom?.epoch { stays[key] = e }
        }
        var hp: [String: String] = [:]
        for key in hyperparameterKeys {
            if let v = summary.run.config[key], v != "None", !v.isEmpty { hp[key] = v }
        }
        return SweepRunRecord(name: ref.name, path: ref.path, runName: summary.run.name,
                              status: contractStatus(summary.run.status), error: nil, reportDir: "runs/" + ref.name,
                              inputHash: inputHash, settingsHash: settingsHash, verdict: summary.verdict.rawValue,
                              epochsCompleted: summary.run.epochsCompleted, epochsPlanned: summary.run.epochsPlanned,
                              parametersMillions: summary.run.parametersMillions, hyperparameters: hp,
                              final: final, best: best, firstBelowEpoch: firstBelow, staysBelowEpoch: stays,
                              threshold: summary.threshold)
    }

    /// The record of a run that could not be read or reported.
    public static func failed(ref: SweepRunRef, error: String, inputHash: String?, settingsHash: String) -> SweepRunRecord {
        SweepRunRecord(name: ref.name, path: ref.path, runName: nil, status: "failed", error: error,
                       reportDir: "runs/" + ref.name, inputHash: inputHash, settingsHash: settingsHash, verdict: nil,
                       epochsCompleted: nil, epochsPlanned: nil, parametersMillions: nil, hyperparameters: [:],
                       final: [:], best: [:], firstBelowEpoch: [:], staysBelowEpoch: [:], threshold: nil)
    }

    public var failed: Bool { status == "failed" }

    /// sweep.json's status words (`finished|incomplete|diverged|failed`, CONTRACT.md): a run that
    /// is running, stopped, crashed or of unknown length is `incomplete` there; the run's own
    /// report says which.
    static func contractStatus(_ s: RunStatus) -> String {
        switch s {
        case .finished: return "finished"
        case .diverged: return "diverged"
        case .running, .stopped, .crashed, .unknown: return "incomplete"
        }
    }
}
