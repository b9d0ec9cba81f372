/// The mapping from VAR's names (stdout, log.txt, TensorBoard) to canonical metric names.
///
/// Used by every reader, including CSV and JSON Lines, so that a VAR column name means the same
/// quantity wherever it appears. Names that do not map are kept as they are.
public enum VARNames {
    /// stdout iteration-line and epoch-summary field names.
    public static let stdout: [String: MetricName] = [
        "Lm": .trainLossMean, "Lt": .trainLossTail, "Accm": .trainAccMean, "Acct": .trainAccTail,
        "tlr": .learningRate, "tnm": .gradNorm,
    ]
    /// log.txt dict keys (also used as CSV / JSON Lines column names).
    public static let logTxt: [String: MetricName] = [
        "L_mean": .trainLossMean, "L_tail": .trainLossTail,
        "acc_mean": .trainAccMean, "acc_tail": .trainAccTail,
        "vL_mean": .valLossMean, "vL_tail": .valLossTail,
        "vacc_mean": .valAccMean, "vacc_tail": .valAccTail,
        "lr": .learningRate, "wd": .weightDecay, "grad_norm": .gradNorm,
    ]
    /// Infinity's W&B keys (trainer.py's `wandb_log_dict`), as a W&B export's columns: its
    /// `Overall/L_mean` is the iteration's mean per-bit loss, `Overall/Acc_bit_mean` the bit
    /// accuracy. (`Overall/Acc_token_mean` and the per-scale `Detail/*` keep their names.)
    public static let infinityWandB: [String: MetricName] = [
        "Overall/L_mean": .trainLossMean, "Overall/Acc_bit_mean": .trainAccMean, "Overall/grad_norm_t": .gradNorm,
    ]
    /// TensorBoard epoch-level tags (`AR_ep_loss/*`, step = epoch + 1).
    public static let tensorBoardEpochTags: [String: MetricName] = [
        "AR_ep_loss/L_mean": .trainLossMean, "AR_ep_loss/L_tail": .trainLossTail,
        "AR_ep_loss/acc_mean": .trainAccMean, "AR_ep_loss/acc_tail": .trainAccTail,
        "AR_ep_loss/vL_mean": .valLossMean, "AR_ep_loss/vL_tail": .valLossTail,
        "AR_ep_loss/vacc_mean": .valAccMean, "AR_ep_loss/vacc_tail": .valAccTail,
        "AR_z_burnout/rest_hours": .remainingHours,
    ]
    /// TensorBoard iteration-level tags (step = global iteration).
    public static let tensorBoardIterationTags: [String: MetricName] = [
        "AR_opt_lr/lr_max/sche_tlr": .learningRate,
        "AR_opt_wd/wd_max/sche_twd": .weightDecay,
        "AR_opt_grad/grad/grad_norm": .gradNorm,
        "AR_opt_grad/grad/grad_clip": .gradClip,
        "AR_opt_grad/fp16/scale_log2": .fp16ScaleLog2,
        "AR_iter_loss/z_voc_usage": .vocabUsage,
        "AR_iter_loss/L_mean": .trainLossMean, "AR_iter_loss/L_tail": .trainLossTail,
        "AR_iter_loss/acc_mean": .trainAccMean, "AR_iter_loss/acc_tail": .trainAccTail,
    ]

    /// The canonical name for a TensorBoard tag, and whether it is an epoch-level tag.
    /// Per-scale tags `AR_iter_loss/L_{reso}` and `acc_{reso}` map to `scale/{reso}/loss|acc`.
    public static func canonical(tensorBoardTag tag: String) -> (name: MetricName, granularity: Granularity) {
        if let n = tensorBoardEpochTags[tag] { return (n, .epoch) }
        if let n = tensorBoardIterationTags[tag] { return (n, .iteration) }
        let prefix = "AR_iter_loss/"
        if tag.hasPrefix(prefix) {
            let rest = tag.dropFirst(prefix.count)
            if rest.hasPrefix("L_"), let reso = Int(rest.dropFirst(2)) { return (.scaleLoss(reso), .iteration) }
            if rest.hasPrefix("acc_"), let reso = Int(rest.dropFirst(4)) { return (.scaleAcc(reso), .iteration) }
        }
        // Other per-epoch tags VAR (or a fork) writes at step ep + 1: `AR_ep_*` additions and the
        // best-so-far `AR_y_result/*` / `AR_y_result_final/*`. They keep their names.
        if tag.hasPrefix("AR_ep_") || tag.hasPrefix("AR_y_result") || tag.hasPrefix("AR_z_burnout/") {
            return (MetricName(tag), .epoch)
        }
        return (MetricName(tag), .iteration)
    }

    /// The canonical name for a column of a CSV / JSON Lines file or a log.txt key.
    public static func canonical(column: String) -> MetricName {
        if let n = logTxt[column] ?? stdout[column] ?? infinityWandB[column] { return n }
        if tag(column) { return canonical(tensorBoardTag: column).name }
        return MetricName(column)
    }
    private static func tag(_ s: String) -> Bool { s.hasPrefix("AR_") }

    /// ln V: the loss of a model that guesses uniformly over a codebook of `vocabSize` entries.
    public static func uniformLoss(vocabSize: Int) -> Double { log(Double(vocabSize)) }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
