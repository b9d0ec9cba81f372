import TrainingLog

/// Which metrics play which part: the losses the verdict is judged on, the validation loss the
/// overfitting rule watches, and what "best" means for each kind.
public enum MetricRoles {
    /// `loss`, `accuracy` or `other` (the `kind` field of a metric summary).
    public static func kind(_ m: MetricName) -> String {
        if m.isLoss { return "loss" }
        if m.isAccuracy { return "accuracy" }
        return "other"
    }

    /// Accuracies and codebook usage are better high; everything else is better low (for
    /// `opt/*` and `time/*` "best" is just the minimum).
    public static func higherIsBetter(_ m: MetricName) -> Bool {
        m.isAccuracy || m == .vocabUsage
    }

    /// Per-scale losses (`scale/{reso}/loss`) are summarised but not judged.
    public static func isPerScale(_ m: MetricName) -> Bool { m.rawValue.hasPrefix("scale/") }

    /// A loss the findings speak about: any loss that is not per-scale.
    public static func isHeadlineLoss(_ m: MetricName) -> Bool { m.isLoss && !isPerScale(m) }

    public static func isValidation(_ m: MetricName) -> Bool { m.isValidation }

    /// Training losses in the order the verdict looks at them: `train/loss_tail` (VAR's `Lt`,
    /// the metric known to cross 5.5 first), `train/loss_mean`, then any other training loss
    /// by name (e.g. `loss` from a CSV).
    public static func trainingLosses(_ names: [MetricName]) -> [MetricName] {
        let preferred: [MetricName] = [.trainLossTail, .trainLossMean]
        let rest = names.filter { isHeadlineLoss($0) && !isValidation($0) && !preferred.contains($0) }.sorted()
        return preferred.filter { names.contains($0) } + rest
    }

    /// Validation losses in order of preference: `val/loss_mean` (the overall measure),
    /// `val/loss_tail`, then any other validation loss by name.
    public static func validationLosses(_ names: [MetricName]) -> [MetricName] {
        let preferred: [MetricName] = [.valLossMean, .valLossTail]
        let rest = names.filter { isHeadlineLoss($0) && isValidation($0) && !preferred.contains($0) }.sorted()
        return preferred.filter { names.contains($0) } + rest
    }

    /// Every validation metric the overfitting rule judges: the validation losses (as above),
    /// then the validation accuracies (`val/acc_mean`, `val/acc_tail`, then others by name).
    public static func validationMetrics(_ names: [MetricName]) -> [MetricName] {
        validationLosses(names) + validationAccuracies(names)
    }

    /// Training accuracies in the order the figures draw them: `train/acc_tail`, `train/acc_mean`,
    /// then any other by name.
    public static func trainingAccuracies(_ names: [MetricName]) -> [MetricName] {
        let preferred: [MetricName] = [.trainAccTail, .trainAccMean]
        let rest = names.filter { $0.isAccuracy && !isValidation($0) && !isPerScale($0) && !preferred.contains($0) }.sorted()
        return preferred.filter { names.contains($0) } + rest
    }

    /// Validation accuracies: `val/acc_mean`, `val/acc_tail`, then any other by name.
    public static func validationAccuracies(_ names: [MetricName]) -> [MetricName] {
        let preferred: [MetricName] = [.valAccMean, .valAccTail]
        let acc = names.filter { $0.isAccuracy && isValidation($0) && !isPerScale($0) && !preferred.contains($0) }.sorted()
        return preferred.filter { names.contains($0) } + acc
    }

    /// The training loss a validation metric is compared with: its own training counterpart for a
    /// loss (`val/loss_tail` -> `train/loss_tail`, `val_loss` -> `loss`), the loss of the same
    /// scale for an accuracy (`val/acc_tail` -> `train/loss_tail`).
    public static func trainingLossCounterpart(_ m: MetricName) -> MetricName? {
        if m.isLoss { return trainingCounterpart(m) }
        switch m {
        case .valAccMean: return .trainLossMean
        case .valAccTail: return .trainLossTail
        default: return nil
        }
    }

    /// The training metric a validation metric is compared with (`val/loss_tail` ->
    /// `train/loss_tail`, `val_loss` -> `loss`).
    public static func trainingCounterpart(_ m: MetricName) -> MetricName? {
        if let t = m.trainingCounterpart { return t }
        return nil
    }

    /// Accuracy / loss pairs that should move in opposite directions.
    static let accuracyLossPairs: [(acc: MetricName, loss: MetricName)] = [
        (.trainAccMean, .trainLossMean), (.trainAccTail, .trainLossTail),
        (.valAccMean, .valLossMean), (.valAccTail, .valLossTail),
    ]
}
