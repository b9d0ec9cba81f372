/// The canonical name of a quantity, whatever the source called it (see CONTRACT.md).
///
/// VAR's own names (`Lm`, `L_mean`, `AR_ep_loss/L_mean`, ...) map to one canonical name each;
/// names from other sources are kept as they are.
public struct MetricName: RawRepresentable, Hashable, Comparable, Codable, Sendable,
    ExpressibleByStringLiteral, CustomStringConvertible
{
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }
    public static func < (a: MetricName, b: MetricName) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }
    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rawValue)
    }

    public static let trainLossMean: MetricName = "train/loss_mean"
    public static let trainLossTail: MetricName = "train/loss_tail"
    public static let trainAccMean: MetricName = "train/acc_mean"
    public static let trainAccTail: MetricName = "train/acc_tail"
    public static let valLossMean: MetricName = "val/loss_mean"
    public static let valLossTail: MetricName = "val/loss_tail"
    public static let valAccMean: MetricName = "val/acc_mean"
    public static let valAccTail: MetricName = "val/acc_tail"
    public static let learningRate: MetricName = "opt/lr"
    public static let weightDecay: MetricName = "opt/wd"
    public static let gradNorm: MetricName = "opt/grad_norm"
    public static let gradClip: MetricName = "opt/grad_clip"
    public static let fp16ScaleLog2: MetricName = "opt/fp16_scale_log2"
    public static let vocabUsage: MetricName = "vocab/usage"
    /// Seconds per training iteration, from VAR's `Total time: ... (2.544 s / it)` lines.
    public static let secondsPerIteration: MetricName = "time/sec_per_iter"
    /// Remaining hours as VAR estimates them (`AR_z_burnout/rest_hours`).
    public static let remainingHours: MetricName = "time/rest_hours"

    /// Per-scale loss or accuracy at resolution `reso` (16, 32, ... 256 for VAR at 256 px).
    public static func scaleLoss(_ reso: Int) -> MetricName { MetricName("scale/\(reso)/loss") }
    public static func scaleAcc(_ reso: Int) -> MetricName { MetricName("scale/\(reso)/acc") }

    /// A loss metric: lower is better; threshold crossings apply.
    public var isLoss: Bool {
        let last = rawValue.split(separator: "/").last.map(String.init) ?? rawValue
        return last.hasPrefix("loss") || last.hasSuffix("loss") || last.contains("loss_")
    }
    /// An accuracy metric: higher is better.
    public var isAccuracy: Bool {
        let last = rawValue.split(separator: "/").last.map(String.init) ?? rawValue
        return last.hasPrefix("acc")
    }
    /// The prefixes trainers give validation metrics: VAR's canonical `val/`, and the `val_`,
    /// `eval/`, `valid/` of forks and of Hugging Face / Lightning style logs.
    static let validationFolders = ["val/", "eval/", "valid/", "validation/"]
    static let validationPrefixes = ["val_", "eval_", "valid_", "validation_"]

    /// A validation metric (only exists at validation epochs).
    public var isValidation: Bool {
        Self.validationFolders.contains { rawValue.hasPrefix($0) } || Self.validationPrefixes.contains { rawValue.hasPrefix($0) }
    }
    /// The training metric a validation metric is compared with (`val/loss_tail` ->
    /// `train/loss_tail`, `eval/loss` -> `train/loss`, `val_loss` -> `loss`).
    public var trainingCounterpart: MetricName? {
        if let folder = Self.validationFolders.first(where: { rawValue.hasPrefix($0) }) {
            return MetricName("train/" + rawValue.dropFirst(folder.count))
        }
        if let prefix = Self.validationPrefixes.first(where: { rawValue.hasPrefix($0) }) {
            return MetricName(String(rawValue.dropFirst(prefix.count)))
        }
        return nil
    }
    /// The validation metric of a training metric (`train/loss_tail` -> `val/loss_tail`).
    public var validationCounterpart: MetricName? {
        guard rawValue.hasPrefix("train/") else { return nil }
        return MetricName("val/" + rawValue.dropFirst(6))
    }
}
