/// Every knob of the analysis, with the defaults documented in docs/ANALYSIS.md.
///
/// Codable so that `varreport --config FILE` can carry the same options; a key missing from the
/// file keeps its default (decoding is lenient, see `init(from:)`).
public struct AnalysisOptions: Sendable, Codable, Equatable {
    // MARK: Threshold and context

    /// The bar a loss metric should get below (per loss metric; `thresholds[metric]` overrides).
    public var threshold: Double = 5.5
    /// Per-metric thresholds, keyed by canonical metric name (`train/loss_mean`: 6.0).
    public var thresholds: [String: Double] = [:]
    /// True when the user set `threshold` (command line or config file): it then applies to
    /// every loss, also to losses that are not on the scale of a V-way cross-entropy, to which the
    /// default 5.5 does not apply. Not a config key of its own.
    public var thresholdExplicit: Bool = false
    /// False when the run's family is not VAR's and the user set no threshold: VAR's default bar
    /// is then not applied (`FamilyDefaults`). Not a config key.
    public var defaultBarApplies: Bool = true
    /// The time the analysis is made at (Unix seconds), to tell a run that is still being
    /// written (`running`) from one that `stopped`; nil: unknown (not a config key).
    public var now: Double? = nil
    /// Codebook size V: the uniform baseline is ln V (8.318 for 4096).
    public var vocabSize: Int = 4096
    /// True when the user set `vocab_size` (command line or config file); otherwise the run's
    /// family sets it (`FamilyDefaults`: LlamaGen's `vocab_size` argument, its 16384). Not a
    /// config key of its own.
    public var vocabExplicit: Bool = false
    /// What the analysis is for (not a config key): everything, or only what figures draw.
    public var scope: Scope = .full
    public enum Scope: Sendable, Equatable {
        /// The whole summary (`summary`, `report`, `check`, `sweep`).
        case full
        /// What `plot` draws: the losses' numbers and crossings, validation, overfitting, early
        /// stopping and gradient-norm spikes; no loss-spike scan, no projections, and no numbers
        /// for metrics other than losses (on a million-point log that halves the analysis).
        case figures
    }

    /// TensorBoard smoothing weight for the debiased EMA (0 = raw, 1 = flat).
    public var emaWeight: Double = 0.6
    /// For iteration curves, the share of the curve the average spans at least (see
    /// `Smoothing.weight`); 0 uses `emaWeight` everywhere.
    public var emaAutoSpan: Double = 0.01

    /// The smoothing weight for a curve: `emaWeight` for epoch-level curves, raised for long
    /// iteration curves.
    func smoothingWeight(_ c: Curve) -> Double {
        Smoothing.weight(base: emaWeight, points: c.count, autoSpan: emaAutoSpan, granularity: c.granularity)
    }
    /// Share of the last points averaged for `mean_last_10_percent`.
    public var lastFraction: Double = 0.1

    // MARK: Power-law projection L(t) = L_inf + A t^-alpha

    /// Share of the (epoch-level or smoothed iteration) curve, from the end, that the fit uses.
    public var fitFraction: Double = 0.5
    /// Fewest points the fit needs; below that no projection is made.
    public var fitMinPoints: Int = 5
    /// Exponent search range of the fit.
    public var fitAlphaMin: Double = 0.05
    public var fitAlphaMax: Double = 4.0
    /// Residual bootstrap resamples for the uncertainty (fixed seed: same input, same output).
    public var fitBootstrapSamples: Int = 200
    public var fitSeed: UInt64 = 0x5EED_0FA5

    // MARK: Plateau (ReduceLROnPlateau semantics, mode "min", threshold_mode "rel")

    /// Epochs without relative improvement before a plateau is declared (PyTorch default 10).
    public var plateauPatience: Int = 10
    /// Relative improvement that counts: better when L < best * (1 - plateauThreshold).
    public var plateauThreshold: Double = 1e-3
    /// Epochs after a declared plateau during which bad epochs are not counted.
    public var plateauCooldown: Int = 0
    /// A learning rate at or above this share of the peak is "still high": advise lowering it.
    public var highLearningRateFraction: Double = 0.5

    // MARK: Overfitting (validation checks, as Lightning counts them)

    /// Validation checks after the best one that must all be worse; nil = by cadence (see
    /// `requiredOverfittingChecks`).
    public var overfittingPatience: Int? = nil
    /// With the cadence rule: the evidence after the best check must span about this many epochs
    /// (at least 2 checks; 2 for VAR's every-10-epochs validation, 10 for every epoch).
    public var overfittingEvidenceEpochs: Int = 10
    /// A check counts as a rise when it exceeds the minimum by more than this (absolute).
    public var overfittingMinDelta: Double = 0.0
    /// Prechelt's GL above this (percent) makes the overfitting finding critical.
    public var generalizationLossCritical: Double = 5.0

    // MARK: Early stopping

    /// Validation checks without an improvement larger than `earlyStopMinDelta` before stopping;
    /// nil = the same count the overfitting rule needs.
    public var earlyStopPatience: Int? = nil
    /// Improvement that resets the patience counter (absolute, as Lightning's min_delta).
    public var earlyStopMinDelta: Double = 0.0
    /// Without validation data, also apply a rule to the smoothed training loss.
    public var earlyStopOnTrainingLoss: Bool = true
    /// Epochs without improvement of the smoothed training loss before stopping.
    public var earlyStopTrainingPatience: Int = 10
    /// Improvement of the smoothed training loss that resets the counter (absolute).
    public var earlyStopTrainingMinDelta: Double = 0.001
    /// First epoch at which the rule may stop; nil = after VAR's warm-up and constant-LR phase.
    public var earlyStopStartEpoch: Int? = nil

    // MARK: Instability

    /// Robust z-score (against the median of the neighbours, noise from their differences;
    /// `SpikeDetector`) above which a loss point is a spike.
    public var spikeZ: Double = 6.0
    /// Neighbours on each side of a point that its local baseline is taken from.
    public var spikeWindow: Int = 10
    /// A loss spike must also exceed its local baseline by this share of it (ignores tiny jumps).
    public var spikeMinRelativeJump: Double = 0.05
    /// Robust z-score above which a gradient-norm point is a spike.
    public var gradNormSpikeZ: Double = 6.0
    /// A gradient-norm spike must also be this many times its local baseline.
    public var gradNormSpikeMinRatio: Double = 2.0
    /// Relative tolerance for "the gradient norm sat at the clip value" (norm >= clip * (1 - tol)).
    public var clipTolerance: Double = 0.01
    /// Share of logged steps at the clip value above which a warning is given.
    public var clipWarnFraction: Double = 0.25
    /// fp16 loss-scale drops above which a warning (rather than a note) is given.
    public var lossScaleDropWarnCount: Int = 10
    /// Epoch-level points per window when looking for accuracy that falls while loss falls.
    public var accuracyWindow: Int = 10
    /// Relative fall of the accuracy over a window that counts (2 %).
    public var accuracyDropRelative: Double = 0.02
    /// Relative fall of the loss over the same window that counts (0.2 %).
    public var lossFallRelative: Double = 0.002
    /// Most spikes listed in the summary (the largest; the count is always complete).
    public var maxListedSpikes: Int = 20

    // MARK: Verdict

    /// Fewer epoch-level points than this (and fewer iteration points than
    /// `minIterationPoints`) make the verdict insufficient-data.
    public var minEpochPoints: Int = 3
    public var minIterationPoints: Int = 20

    // MARK: Run status

    /// A run not written for longer than the larger of this and `staleEpochs` epochs has stopped.
    public var staleMinutes: Double = 60
    public var staleEpochs: Double = 2
    /// Crash evidence in another file than the training log counts only when that file was
    /// written no earlier than this many seconds before the training log's last write.
    public var evidenceSlackSeconds: Double = 120
    public init() {}

    /// Every key an `analysis:` section of a config file may hold.
    public static var configKeys: Set<String> { Set(CodingKeys.allCases.map(\.rawValue)) }

    /// The threshold for one metric: `thresholds[metric]` or `threshold`.
    public func threshold(for metric: String) -> Double { thresholds[metric] ?? threshold }

    /// Lenient decoding: every key is optional and falls back to its default.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = AnalysisOptions()
        func v<T: Decodable>(_ k: CodingKeys, _ def: T) throws -> T { try c.decodeIfPresent(T.self, forKey: k) ?? def }
        threshold = try v(.threshold, d.threshold)
        thresholds = try v(.thresholds, d.thresholds)
        thresholdExplicit = c.contains(.threshold)
        vocabSize = try v(.vocabSize, d.vocabSize)
        // Set by a config file's `analysis.vocab_size` (any other than the default: an encoded
        // copy of the options carries the default too, and must decode to the same options).
        vocabExplicit = vocabSize != d.vocabSize
        emaWeight = try v(.emaWeight, d.emaWeight)
        emaAutoSpan = try v(.emaAutoSpan, d.emaAutoSpan)
        lastFraction = try v(.lastFraction, d.lastFraction)
        fitFraction = try v(.fitFraction, d.fitFraction)
        fitMinPoints = try v(.fitMinPoints, d.fitMinPoints)
        fitAlphaMin = try v(.fitAlphaMin, d.fitAlphaMin)
        fitAlphaMax = try v(.fitAlphaMax, d.fitAlphaMax)
        fitBootstrapSamples = try v(.fitBootstrapSamples, d.fitBootstrapSamples)
        fitSeed = try v(.fitSeed, d.fitSeed)
        plateauPatience = try v(.plateauPatience, d.plateauPatience)
        plateauThreshold = try v(.plateauThreshold, d.plateauThreshold)
        plateauCooldown = try v(.plateauCooldown, d.plateauCooldown)
        highLearningRateFraction = try v(.highLearningRateFraction, d.highLearningRateFraction)
        overfittingPatience = try c.decodeIfPresent(Int.self, forKey: .overfittingPatience)
        overfittingEvidenceEpochs = try v(.overfittingEvidenceEpochs, d.overfittingEvidenceEpochs)
        overfittingMinDelta = try v(.overfittingMinDelta, d.overfittingMinDelta)
        generalizationLossCritical = try v(.generalizationLossCritical, d.generalizationLossCritical)
        earlyStopPatience = try c.decodeIfPresent(Int.self, forKey: .earlyStopPatience)
        earlyStopMinDelta = try v(.earlyStopMinDelta, d.earlyStopMinDelta)
        earlyStopOnTrainingLoss = try v(.earlyStopOnTrainingLoss, d.earlyStopOnTrainingLoss)
        earlyStopTrainingPatience = try v(.earlyStopTrainingPatience, d.earlyStopTrainingPatience)
        earlyStopTrainingMinDelta = try v(.earlyStopTrainingMinDelta, d.earlyStopTrainingMinDelta)
        earlyStopStartEpoch = try c.decodeIfPresent(Int.self, forKey: .earlyStopStartEpoch)
        spikeZ = try v(.spikeZ, d.spikeZ)
        spikeWindow = try v(.spikeWindow, d.spikeWindow)
        spikeMinRelativeJump = try v(.spikeMinRelativeJump, d.spikeMinRelativeJump)
        gradNormSpikeZ = try v(.gradNormSpikeZ, d.gradNormSpikeZ)
        gradNormSpikeMinRatio = try v(.gradNormSpikeMinRatio, d.gradNormSpikeMinRatio)
        clipTolerance = try v(.clipTolerance, d.clipTolerance)
        clipWarnFraction = try v(.clipWarnFraction, d.clipWarnFraction)
        lossScaleDropWarnCount = try v(.lossScaleDropWarnCount, d.lossScaleDropWarnCount)
        accuracyWindow = try v(.accuracyWindow, d.accuracyWindow)
        accuracyDropRelative = try v(.accuracyDropRelative, d.accuracyDropRelative)
        lossFallRelative = try v(.lossFallRelative, d.lossFallRelative)
        maxListedSpikes = try v(.maxListedSpikes, d.maxListedSpikes)
        minEpochPoints = try v(.minEpochPoints, d.minEpochPoints)
        minIterationPoints = try v(.minIterationPoints, d.minIterationPoints)
        staleMinutes = try v(.staleMinutes, d.staleMinutes)
        staleEpochs = try v(.staleEpochs, d.staleEpochs)
        evidenceSlackSeconds = try v(.evidenceSlackSeconds, d.evidenceSlackSeconds)
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case threshold, thresholds
        case vocabSize = "vocab_size", emaWeight = "ema_weight", emaAutoSpan = "ema_auto_span", lastFraction = "last_fraction"
        case fitFraction = "fit_fraction", fitMinPoints = "fit_min_points", fitAlphaMin = "fit_alpha_min"
        case fitAlphaMax = "fit_alpha_max", fitBootstrapSamples = "fit_bootstrap_samples", fitSeed = "fit_seed"
        case plateauPatience = "plateau_patience", plateauThreshold = "plateau_threshold"
        case plateauCooldown = "plateau_cooldown", highLearningRateFraction = "high_learning_rate_fraction"
        case overfittingPatience = "overfitting_patience", overfittingMinDelta = "overfitting_min_delta"
        case overfittingEvidenceEpochs = "overfitting_evidence_epochs"
        case generalizationLossCritical = "generalization_loss_critical"
        case earlyStopPatience = "early_stop_patience", earlyStopMinDelta = "early_stop_min_delta"
        case earlyStopOnTrainingLoss = "early_stop_on_training_loss"
        case earlyStopTrainingPatience = "early_stop_training_patience"
        case earlyStopTrainingMinDelta = "early_stop_training_min_delta"
        case earlyStopStartEpoch = "early_stop_start_epoch"
        case spikeZ = "spike_z", spikeWindow = "spike_window", spikeMinRelativeJump = "spike_min_relative_jump"
        case gradNormSpikeZ = "grad_norm_spike_z", clipTolerance = "clip_tolerance"
        case gradNormSpikeMinRatio = "grad_norm_spike_min_ratio"
        case clipWarnFraction = "clip_warn_fraction", lossScaleDropWarnCount = "loss_scale_drop_warn_count"
        case accuracyWindow = "accuracy_window", accuracyDropRelative = "accuracy_drop_relative"
        case lossFallRelative = "loss_fall_relative", maxListedSpikes = "max_listed_spikes"
        case minEpochPoints = "min_epoch_points", minIterationPoints = "min_iteration_points"
        case staleMinutes = "stale_minutes", staleEpochs = "stale_epochs", evidenceSlackSeconds = "evidence_slack_seconds"
    }
}
