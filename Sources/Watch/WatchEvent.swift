import Analysis
import Foundation

/// What `varreport watch` tells about a run as it trains: each once, when it first shows.
public enum WatchEventKind: String, Codable, Sendable, CaseIterable {
    /// A loss went below its threshold (the analysis's `threshold-crossed` finding).
    case threshold = "threshold-crossed"
    /// ... and has stayed below since, for a few epochs (`stays_below_from`).
    case thresholdSettled = "stays-below"
    /// A validation loss reached a new best.
    case valBest = "validation-best"
    /// Validation began to get worse while training improved.
    case overfitting
    /// A loss stopped improving (with the learning-rate advice).
    case plateau
    /// A loss spike.
    case spike = "loss-spike"
    /// A gradient-norm spike.
    case gradNormSpike = "grad-norm-spike"
    /// A NaN or Inf in a loss.
    case nan = "non-finite"
    /// Training went on with finite values after a NaN/Inf.
    case recovered
    /// The loss ended non-finite or blew up for good.
    case diverged
    /// The logs show the process died (traceback, signal, out of memory, scheduler).
    case crashed
    /// The run ended normally (end marker, or all planned epochs).
    case finished
    /// Nothing was written for `--idle-timeout` seconds.
    case stopped
    /// A log file was truncated or replaced and read again from its start.
    case logReplaced = "log-replaced"
    /// A log file went away.
    case logRemoved = "log-removed"

    /// How much an event matters when the analysis gives no severity of its own.
    public var defaultSeverity: Severity {
        switch self {
        case .threshold, .thresholdSettled, .valBest, .finished, .recovered, .logReplaced: return .info
        case .overfitting, .plateau, .spike, .gradNormSpike, .stopped, .logRemoved: return .warning
        case .nan, .diverged, .crashed: return .critical
        }
    }

    /// Parses `overfitting,diverged,...` (`all` for every kind); throws naming an unknown word.
    public static func parseList(_ text: String) throws(UnknownKind) -> Set<WatchEventKind> {
        var out = Set<WatchEventKind>()
        for word in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !word.isEmpty {
            if word == "all" { out.formUnion(allCases); continue }
            guard let k = WatchEventKind(rawValue: word) else { throw UnknownKind(word: word) }
            out.insert(k)
        }
        return out
    }

    public struct UnknownKind: Error, CustomStringConvertible {
        public var word: String
        public var description: String {
            "unknown event '\(word)'; the events are: \(WatchEventKind.allCases.map(\.rawValue).joined(separator: ", ")), or all"
        }
    }
}

/// One event, as `watch` prints it and `--json` writes it (one object per line).
public struct WatchEvent: Codable, Sendable, Equatable {
    public var kind: WatchEventKind
    public var severity: Severity
    /// When watch saw it (ISO 8601, UTC).
    public var time: String
    public var epoch: Int?
    public var step: Int?
    public var metric: String?
    public var value: Double?
    public var message: String
    /// The analysis's advice, when it gives one (a plateau's learning-rate advice).
    public var recommendation: String?
    public var run: String

    public init(kind: WatchEventKind, severity: Severity? = nil, time: String, epoch: Int? = nil, step: Int? = nil,
                metric: String? = nil, value: Double? = nil, message: String, recommendation: String? = nil, run: String) {
        self.kind = kind
        self.severity = severity ?? kind.defaultSeverity
        self.time = time
        self.epoch = epoch
        self.step = step
        self.metric = metric
        self.value = value
        self.message = message
        self.recommendation = recommendation
        self.run = run
    }

    enum CodingKeys: String, CodingKey { case kind, severity, time, epoch, step, metric, value, message, recommendation, run }

    /// CONTRACT.md's shape: `metric`, `epoch`, `step` and `value` are always there, null when
    /// unknown; `recommendation` only when there is one.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(severity, forKey: .severity)
        try c.encode(time, forKey: .time)
        try c.encode(epoch, forKey: .epoch)
        try c.encode(step, forKey: .step)
        try c.encode(metric, forKey: .metric)
        try c.encode(value.flatMap { $0.isFinite ? $0 : nil }, forKey: .value)
        try c.encode(message, forKey: .message)
        try c.encodeIfPresent(recommendation, forKey: .recommendation)
        try c.encode(run, forKey: .run)
    }

    /// The environment an `--exec-on` command gets.
    public var environment: [String: String] {
        var env = ["VARREPORT_EVENT": kind.rawValue, "VARREPORT_MESSAGE": message, "VARREPORT_RUN": run,
                   "VARREPORT_TIME": time]
        if let epoch { env["VARREPORT_EPOCH"] = String(epoch) }
        if let step { env["VARREPORT_STEP"] = String(step) }
        if let metric { env["VARREPORT_METRIC"] = metric }
        if let value, value.isFinite { env["VARREPORT_VALUE"] = String(value) }
        return env
    }

    /// One line for a log: `2026-12-04T03:10:00Z  epoch 49  overfitting  val/loss_tail: message`.
    public var line: String {
        var parts = [time]
        if let epoch { parts.append("epoch \(epoch)") } else if let step { parts.append("step \(step)") }
        parts.append(kind.rawValue)
        parts.append((metric.map { "\($0): " } ?? "") + message + (recommendation.map { " \($0)" } ?? ""))
        return parts.joined(separator: "  ")
    }
}
