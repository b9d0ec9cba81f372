import TrainingLog

/// The analysis of one run, in the schema `varreport.summary/1` of CONTRACT.md.
///
/// Everything the reports say comes from here: figures and templates read a `Summary`, never
/// the raw logs, so that what the PDF states and what `summary --json` prints always agree.
/// Optional fields that the contract lists are written as `null` when absent.
public struct Summary: Codable, Sendable, Equatable {
    public var schema: String = "varreport.summary/1"
    public var run: RunFacts
    public var threshold: Double
    public var vocabSize: Int
    /// ln V, the loss of a uniform guess over the codebook.
    public var uniformLoss: Double
    public var metrics: [String: MetricSummary]
    public var overfitting: Overfitting
    @WrittenAsNull public var earlyStop: EarlyStop?
    /// The plateau that matters most: the one still going on at the end for the first training
    /// loss, else its latest one, else any ongoing one (see docs/ANALYSIS.md).
    @WrittenAsNull public var plateau: Plateau?
    /// Every plateau found on the training losses, by metric then start epoch.
    public var plateaus: [Plateau] = []
    public var instability: Instability
    public var verdict: Verdict
    /// One sentence that states the verdict with its key evidence.
    public var headline: String
    public var findings: [Finding]
    /// The smoothing the analysis used (TensorBoard's debiased EMA): figures draw their bold
    /// curves with it, so that a crossing is drawn on the curve it was judged on.
    public var smoothing: SmoothingUsed = SmoothingUsed()

    public init(run: RunFacts, threshold: Double, vocabSize: Int, uniformLoss: Double,
                metrics: [String: MetricSummary], overfitting: Overfitting, earlyStop: EarlyStop?,
                plateau: Plateau?, instability: Instability, verdict: Verdict, headline: String,
                findings: [Finding]) {
        self.run = run
        self.threshold = threshold
        self.vocabSize = vocabSize
        self.uniformLoss = uniformLoss
        self.metrics = metrics
        self.overfitting = overfitting
        self.earlyStop = earlyStop
        self.plateau = plateau
        self.instability = instability
        self.verdict = verdict
        self.headline = headline
        self.findings = findings
    }

    enum CodingKeys: String, CodingKey {
        case schema, run, threshold, metrics, overfitting, plateau, plateaus, instability, verdict, headline, findings
        case smoothing
        case vocabSize = "vocab_size", uniformLoss = "uniform_loss", earlyStop = "early_stop"
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schema = try c.decode(String.self, forKey: .schema)
        run = try c.decode(RunFacts.self, forKey: .run)
        threshold = try c.decode(Double.self, forKey: .threshold)
        vocabSize = try c.decode(Int.self, forKey: .vocabSize)
        uniformLoss = try c.decode(Double.self, forKey: .uniformLoss)
        metrics = try c.decode([String: MetricSummary].self, forKey: .metrics)
        overfitting = try c.decode(Overfitting.self, forKey: .overfitting)
        earlyStop = try c.decodeIfPresent(EarlyStop.self, forKey: .earlyStop)
        plateau = try c.decodeIfPresent(Plateau.self, forKey: .plateau)
        plateaus = try c.decodeIfPresent([Plateau].self, forKey: .plateaus) ?? []
        instability = try c.decode(Instability.self, forKey: .instability)
        verdict = try c.decode(Verdict.self, forKey: .verdict)
        headline = try c.decode(String.self, forKey: .headline)
        findings = try c.decode([Finding].self, forKey: .findings)
        smoothing = try c.decodeIfPresent(SmoothingUsed.self, forKey: .smoothing) ?? SmoothingUsed()
    }

}

/// The smoothing settings the analysis ran with (`ema_weight`, `ema_auto_span` of
/// docs/ANALYSIS.md). One home: the figures ask it for a series' weight instead of keeping their
/// own copy of the settings.
public struct SmoothingUsed: Codable, Sendable, Equatable {
    /// TensorBoard's smoothing weight, for epoch-level curves and the least for iteration curves.
    public var emaWeight: Double = 0.6
    /// For iteration curves, the share of the curve the average spans at least.
    public var emaAutoSpan: Double = 0.01

    public init(emaWeight: Double = 0.6, emaAutoSpan: Double = 0.01) {
        self.emaWeight = emaWeight
        self.emaAutoSpan = emaAutoSpan
    }

    /// The weight a curve of `points` points at `granularity` is smoothed with.
    public func weight(points: Int, granularity: Granularity) -> Double {
        Smoothing.weight(base: emaWeight, points: points, autoSpan: emaAutoSpan, granularity: granularity)
    }

    enum CodingKeys: String, CodingKey {
        case emaWeight = "ema_weight", emaAutoSpan = "ema_auto_span"
    }
}

/// What became of the run (CONTRACT.md `run.status`; see docs/ANALYSIS.md, "Run status").
public enum RunStatus: String, Codable, Sendable {
    /// An end marker, or every planned epoch done.
    case finished
    /// Incomplete and written recently: still training.
    case running
    /// Incomplete, no end marker, no crash evidence, not written for a long time.
    case stopped
    /// Incomplete, and the logs say the process died (a traceback, an exit code, ...).
    case crashed
    /// The loss became non-finite or blew up, and did not come back.
    case diverged
    /// No planned epoch count to compare with (a TensorBoard-only or step-only run).
    case unknown

    /// Readers of schema 1.0 may meet `incomplete`, which is now split: it reads as `stopped`;
    /// any other unknown word reads as `unknown`.
    public init(from decoder: Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = RunStatus(rawValue: raw) ?? (raw == "incomplete" ? .stopped : .unknown)
    }

    /// True for the statuses of a run that did not get to its end.
    public var isIncomplete: Bool { self == .running || self == .stopped || self == .crashed || self == .unknown }
}

/// A place in a log file: the evidence for a statement.
public struct LogPlace: Codable, Sendable, Equatable {
    public var path: String
    @WrittenAsNull public var line: Int?
    public init(path: String, line: Int?) {
        self.path = path
        self.line = line
    }
    enum CodingKeys: String, CodingKey { case path, line }
}

/// One start of the training script, as the summary reports it.
public struct LaunchSummary: Codable, Sendable, Equatable {
    /// 1-based, in order.
    public var index: Int
    /// `first` (the first launch that trained), `restart` (resumed training an earlier launch
    /// had begun), `idle-before-training`, `idle-after-end` or `idle` (trained nothing).
    public var role: String
    @WrittenAsNull public var startedAt: String?
    @WrittenAsNull public var resumeEpoch: Int?
    @WrittenAsNull public var firstEpoch: Int?
    @WrittenAsNull public var lastEpoch: Int?
    public var file: String
    @WrittenAsNull public var line: Int?
    /// Copies of its RESTART banner printed by other ranks at the same second (counted once).
    public var duplicateBanners: Int

    public init(index: Int, role: String, startedAt: String?, resumeEpoch: Int?, firstEpoch: Int?, lastEpoch: Int?,
                file: String, line: Int?, duplicateBanners: Int) {
        self.index = index
        self.role = role
        self.startedAt = startedAt
        self.resumeEpoch = resumeEpoch
        self.firstEpoch = firstEpoch
        self.lastEpoch = lastEpoch
        self.file = file
        self.line = line
        self.duplicateBanners = duplicateBanners
    }

    enum CodingKeys: String, CodingKey {
        case index, role, file, line
        case startedAt = "started_at", resumeEpoch = "resume_epoch", firstEpoch = "first_epoch"
        case lastEpoch = "last_epoch", duplicateBanners = "duplicate_banners"
    }

}

public enum Verdict: String, Codable, Sendable {
    case converged, converging, plateaued, overfitting, diverged
    case insufficientData = "insufficient-data"
}

public enum Severity: String, Codable, Sendable, Comparable {
    case info, warning, critical
    private var rank: Int { self == .info ? 0 : self == .warning ? 1 : 2 }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// What the logs say about the run itself.
public struct RunFacts: Codable, Sendable, Equatable {
    public var name: String
    public var path: String
    public var status: RunStatus
    /// Why the status is what it is, in one sentence.
    public var statusReason: String = ""
    /// The line the status rests on (a crash line, the end marker), when there is one.
    @WrittenAsNull public var statusEvidence: LogPlace? = nil
    public var epochsCompleted: Int
    @WrittenAsNull public var epochsPlanned: Int?
    /// Launches that resumed training an earlier launch had begun.
    public var restarts: Int
    /// Epochs at which those launches resumed.
    public var restartEpochs: [Int]
    /// Times the training script started (RESTART banners + 1, event files), and those that
    /// trained nothing (crashed at start, or relaunched after the end).
    public var launches: Int = 1
    public var idleLaunches: Int = 0
    /// Every launch, in order (empty when the logs do not show launches).
    public var launchHistory: [LaunchSummary] = []
    /// What the logs say the model is: `var`, `infinity`, `llamagen` or `other`.
    public var family: String = "other"
    @WrittenAsNull public var iterationsPerEpoch: Int?
    @WrittenAsNull public var parametersMillions: Double?
    /// Median seconds per training iteration.
    @WrittenAsNull public var secondsPerIteration: Double?
    /// Wall-clock hours of training the logs account for.
    @WrittenAsNull public var totalHours: Double?
    /// Estimated hours to finish, when incomplete.
    @WrittenAsNull public var etaHours: Double?
    /// Where the hours come from: `wall-time` (timestamps in the logs), `sec-per-iter` (VAR's
    /// `s / it` times iterations per epoch) or nil when neither is known.
    @WrittenAsNull public var clockBasis: String? = nil
    /// GPUs (processes) of the run, from `glb_batch_size / batch_size` in the config, when known.
    @WrittenAsNull public var gpus: Int? = nil
    /// The last global step of the iteration-level data, when there is any.
    public var lastStep: Int? = nil
    public var config: [String: String]
    public var sources: [SourceSummary]

    public init(name: String, path: String, status: RunStatus, epochsCompleted: Int, epochsPlanned: Int?,
                restarts: Int, restartEpochs: [Int], iterationsPerEpoch: Int?, parametersMillions: Double?,
                secondsPerIteration: Double?, totalHours: Double?, etaHours: Double?,
                config: [String: String], sources: [SourceSummary]) {
        self.name = name
        self.path = path
        self.status = status
        self.epochsCompleted = epochsCompleted
        self.epochsPlanned = epochsPlanned
        self.restarts = restarts
        self.restartEpochs = restartEpochs
        self.iterationsPerEpoch = iterationsPerEpoch
        self.parametersMillions = parametersMillions
        self.secondsPerIteration = secondsPerIteration
        self.totalHours = totalHours
        self.etaHours = etaHours
        self.config = config
        self.sources = sources
    }

    enum CodingKeys: String, CodingKey {
        case name, path, status, restarts, config, sources, launches, family
        case statusReason = "status_reason", statusEvidence = "status_evidence"
        case idleLaunches = "idle_launches", launchHistory = "launch_history"
        case epochsCompleted = "epochs_completed", epochsPlanned = "epochs_planned"
        case restartEpochs = "restart_epochs", iterationsPerEpoch = "iterations_per_epoch"
        case parametersMillions = "parameters_millions", secondsPerIteration = "seconds_per_iteration"
        case totalHours = "total_hours", etaHours = "eta_hours"
        case clockBasis = "clock_basis", gpus, lastStep = "last_step"
    }

}

/// One input file as the summary reports it.
public struct SourceSummary: Codable, Sendable, Equatable {
    public var path: String
    public var format: String
    @WrittenAsNull public var firstEpoch: Int?
    @WrittenAsNull public var lastEpoch: Int?
    public var warnings: [String]

    public init(path: String, format: String, firstEpoch: Int?, lastEpoch: Int?, warnings: [String]) {
        self.path = path
        self.format = format
        self.firstEpoch = firstEpoch
        self.lastEpoch = lastEpoch
        self.warnings = warnings
    }

    enum CodingKeys: String, CodingKey {
        case path, format, warnings
        case firstEpoch = "first_epoch", lastEpoch = "last_epoch"
    }

}

/// A value with the epoch and global step it was seen at.
public struct ValueAt: Codable, Sendable, Equatable {
    public var value: Double
    @WrittenAsNull public var epoch: Int?
    @WrittenAsNull public var step: Int?
    public init(value: Double, epoch: Int?, step: Int?) {
        self.value = value
        self.epoch = epoch
        self.step = step
    }
    enum CodingKeys: String, CodingKey { case value, epoch, step }
}

/// An epoch reference (`stays_below_from`, `early_stop`).
public struct EpochRef: Codable, Sendable, Equatable {
    public var epoch: Int
    public init(epoch: Int) { self.epoch = epoch }
}

/// Where a loss curve is heading when it has not reached the threshold yet: a fit of
/// L(t) = L_inf + A * t^(-alpha) on the late part of the curve.
public struct Projection: Codable, Sendable, Equatable {
    public var lossInfinity: Double
    public var amplitude: Double
    public var alpha: Double
    /// The epoch at which the fitted curve reaches the threshold; nil when it never does.
    public var projectedEpoch: Double?
    /// A rough 1-sigma range of the projected epoch.
    public var projectedEpochLow: Double?
    public var projectedEpochHigh: Double?
    /// False when L_inf lies above the threshold: the run is not expected to reach it.
    public var expectedToReach: Bool
    /// The threshold the projection aims at.
    public var threshold: Double? = nil
    /// Robust standard deviation of L_inf over the residual bootstrap (half its 16-84 % range).
    public var lossInfinityStdDev: Double? = nil
    /// Share of bootstrap resamples whose L_inf lies below the threshold.
    public var reachProbability: Double? = nil
    /// The global step at which the fitted curve reaches the threshold, when steps are known.
    public var projectedStep: Double? = nil
    /// Whether `projected_epoch` lies within the planned epochs (nil when either is unknown).
    public var withinPlannedEpochs: Bool? = nil
    /// Points the fit used, and its root-mean-square residual.
    public var fitPoints: Int? = nil
    public var rmse: Double? = nil
    /// The first and last epoch of the fitted window.
    public var fitStartEpoch: Int? = nil
    public var fitEndEpoch: Int? = nil
    /// Whether the data pin the floor down: the fit's exponent is inside its search range and the
    /// bootstrap spread of L_inf is under half the gap still to go. An undetermined floor is
    /// never stated.
    public var floorDetermined: Bool? = nil
    /// What may be said: `within-reach` (the bar is projected within about twice the epochs run
    /// so far, with a finite range), `not-expected` (a determined floor above the bar),
    /// `beyond-schedule` (further out, or a range that includes never), `undetermined`.
    public var reach: String? = nil
    /// False when the fitted window does not fall at its end (its last third is not lower than
    /// the third before): the curve has stopped falling, whatever the fit says.
    public var fallingAtEnd: Bool? = nil

    public init(lossInfinity: Double, amplitude: Double, alpha: Double, projectedEpoch: Double?,
                projectedEpochLow: Double?, projectedEpochHigh: Double?, expectedToReach: Bool) {
        self.lossInfinity = lossInfinity
        self.amplitude = amplitude
        self.alpha = alpha
        self.projectedEpoch = projectedEpoch
        self.projectedEpochLow = projectedEpochLow
        self.projectedEpochHigh = projectedEpochHigh
        self.expectedToReach = expectedToReach
    }

    enum CodingKeys: String, CodingKey {
        case amplitude, alpha
        case lossInfinity = "loss_infinity", projectedEpoch = "projected_epoch"
        case projectedEpochLow = "projected_epoch_low", projectedEpochHigh = "projected_epoch_high"
        case expectedToReach = "expected_to_reach"
        case threshold, rmse
        case lossInfinityStdDev = "loss_infinity_std_dev", reachProbability = "reach_probability"
        case projectedStep = "projected_step", withinPlannedEpochs = "within_planned_epochs"
        case fitPoints = "fit_points", fitStartEpoch = "fit_start_epoch", fitEndEpoch = "fit_end_epoch"
        case floorDetermined = "floor_determined", reach, fallingAtEnd = "falling_at_end"
    }
}

/// The numbers of one metric.
public struct MetricSummary: Codable, Sendable, Equatable {
    /// `loss`, `accuracy` or `other`: losses get threshold crossings, lower is better.
    public var kind: String
    /// `epoch` or `iteration`: which series the numbers below come from.
    public var granularity: String
    public var points: Int
    public var first: ValueAt
    public var last: ValueAt
    /// Lowest value for losses, highest for accuracies.
    public var best: ValueAt
    /// Last value of TensorBoard's debiased EMA.
    public var smoothedLast: Double?
    /// The EMA weight `smoothed_last` (and, for an iteration series, the threshold crossing) was
    /// computed with: `ema_weight`, raised for long iteration series (`ema_auto_span`).
    public var smoothingWeight: Double? = nil
    /// Mean of the last 10 % of the points.
    public var meanLast10Percent: Double?
    /// Loss metrics only: the first epoch-level value below the threshold.
    public var firstBelow: ValueAt?
    /// Loss metrics only: from this epoch on every epoch-level value is below the threshold.
    public var staysBelowFrom: EpochRef?
    /// Wall-clock hours from the start of training to `first_below`, when times are known.
    public var hoursToThreshold: Double?
    /// Loss metrics only: exp(last smoothed loss).
    public var perplexity: Double?
    /// Loss metrics only: (ln V - last) / (ln V - threshold), the share of the way to the bar.
    public var reducibleCovered: Double?
    public var projection: Projection?
    /// Loss metrics only: the threshold this metric was judged against.
    public var threshold: Double? = nil
    /// Loss metrics only: `epoch` when the crossing was judged on the epoch-level series,
    /// `smoothed-iteration` when on the TensorBoard-smoothed iteration series.
    public var thresholdBasis: String? = nil
    /// Loss metrics only: the step from which every value stays below (set even when the epoch
    /// is unknown because iterations per epoch are).
    public var staysBelowFromStep: Int? = nil
    /// Epochs of training it took to get below the threshold (`first_below.epoch + 1`).
    public var epochsToThreshold: Int? = nil
    /// `hours_to_threshold` times the number of GPUs, when both are known.
    public var gpuHoursToThreshold: Double? = nil
    /// Loss metrics with a projection: (ln V - last) / (ln V - L_inf), the share of the
    /// reducible loss (down to the fitted floor) already covered.
    public var reducibleCoveredToFloor: Double? = nil
    /// Loss metrics only: whether its values lie in the range of a V-way cross-entropy (about
    /// ln V at the start, a floor a few nats below). Off that scale the default threshold, the
    /// perplexity and the share of ln V covered do not apply.
    public var vocabScale: Bool? = nil

    public init(kind: String, granularity: String, points: Int, first: ValueAt, last: ValueAt, best: ValueAt,
                smoothedLast: Double? = nil, meanLast10Percent: Double? = nil, firstBelow: ValueAt? = nil,
                staysBelowFrom: EpochRef? = nil, hoursToThreshold: Double? = nil, perplexity: Double? = nil,
                reducibleCovered: Double? = nil, projection: Projection? = nil) {
        self.kind = kind
        self.granularity = granularity
        self.points = points
        self.first = first
        self.last = last
        self.best = best
        self.smoothedLast = smoothedLast
        self.meanLast10Percent = meanLast10Percent
        self.firstBelow = firstBelow
        self.staysBelowFrom = staysBelowFrom
        self.hoursToThreshold = hoursToThreshold
        self.perplexity = perplexity
        self.reducibleCovered = reducibleCovered
        self.projection = projection
    }

    enum CodingKeys: String, CodingKey {
        case kind, granularity, points, first, last, best, perplexity, projection
        case smoothedLast = "smoothed_last", meanLast10Percent = "mean_last_10_percent"
        case firstBelow = "first_below", staysBelowFrom = "stays_below_from"
        case hoursToThreshold = "hours_to_threshold", reducibleCovered = "reducible_covered"
        case threshold, thresholdBasis = "threshold_basis", staysBelowFromStep = "stays_below_from_step"
        case epochsToThreshold = "epochs_to_threshold", gpuHoursToThreshold = "gpu_hours_to_threshold"
        case reducibleCoveredToFloor = "reducible_covered_to_floor"
        case vocabScale = "vocab_scale", smoothingWeight = "smoothing_weight"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(kind, forKey: .kind)
        try c.encode(granularity, forKey: .granularity)
        try c.encode(points, forKey: .points)
        try c.encode(first, forKey: .first)
        try c.encode(last, forKey: .last)
        try c.encode(best, forKey: .best)
        try c.encodeIfPresent(smoothedLast, forKey: .smoothedLast)
        try c.encodeIfPresent(smoothingWeight, forKey: .smoothingWeight)
        try c.encodeIfPresent(meanLast10Percent, forKey: .meanLast10Percent)
        if kind == "loss" {
            try c.encode(firstBelow, forKey: .firstBelow)
            try c.encode(staysBelowFrom, forKey: .staysBelowFrom)
        } else {
            try c.encodeIfPresent(firstBelow, forKey: .firstBelow)
            try c.encodeIfPresent(staysBelowFrom, forKey: .staysBelowFrom)
        }
        try c.encodeIfPresent(hoursToThreshold, forKey: .hoursToThreshold)
        try c.encodeIfPresent(perplexity, forKey: .perplexity)
        try c.encodeIfPresent(reducibleCovered, forKey: .reducibleCovered)
        try c.encodeIfPresent(projection, forKey: .projection)
        try c.encodeIfPresent(threshold, forKey: .threshold)
        try c.encodeIfPresent(thresholdBasis, forKey: .thresholdBasis)
        try c.encodeIfPresent(staysBelowFromStep, forKey: .staysBelowFromStep)
        try c.encodeIfPresent(epochsToThreshold, forKey: .epochsToThreshold)
        try c.encodeIfPresent(gpuHoursToThreshold, forKey: .gpuHoursToThreshold)
        try c.encodeIfPresent(reducibleCoveredToFloor, forKey: .reducibleCoveredToFloor)
        try c.encodeIfPresent(vocabScale, forKey: .vocabScale)
    }
}

/// Validation loss rising while training loss falls.
public struct Overfitting: Codable, Sendable, Equatable {
    public var detected: Bool
    /// The validation metric judged (`val/loss_tail` or `val/loss_mean`), nil without validation data.
    @WrittenAsNull public var metric: String?
    /// Epoch of the validation minimum.
    @WrittenAsNull public var bestEpoch: Int?
    public var bestValue: Double?
    /// First epoch of the rise that lasted `patience` validation checks.
    @WrittenAsNull public var onsetEpoch: Int?
    /// Prechelt's generalization loss at the end: 100 * (last / min - 1).
    public var generalizationLoss: Double?
    /// The region [onset, end] to shade in charts.
    public var regionStartEpoch: Int?
    public var regionEndEpoch: Int?
    /// False when the run has no validation data (nothing is inferred from training curves).
    public var hasValidationData: Bool
    /// The training metric that had to keep falling (`train/loss_mean` for `val/loss_mean`).
    public var trainingMetric: String? = nil
    /// Validation checks (points) of `metric`.
    public var checks: Int? = nil
    /// The last validation value and its epoch.
    public var lastValue: Double? = nil
    public var lastEpoch: Int? = nil
    /// The same places as global steps, whenever the steps are known (also for epoch runs with
    /// iterations per epoch; the only places of a step-only run): the validation minimum, the
    /// onset, the region to shade (its end is the last step of the run's data when that is after
    /// the last check) and the last check.
    @WrittenAsNull public var bestStep: Int? = nil
    @WrittenAsNull public var onsetStep: Int? = nil
    public var regionStartStep: Int? = nil
    public var regionEndStep: Int? = nil
    public var lastStep: Int? = nil
    /// Worse checks after the best one that the rule needed for `metric` (2 for sparse checks).
    public var requiredChecks: Int? = nil
    /// Every validation metric judged on its own (losses and accuracies), by name.
    public var perMetric: [String: MetricOverfitting] = [:]

    public init(detected: Bool, metric: String?, bestEpoch: Int?, bestValue: Double?, onsetEpoch: Int?,
                generalizationLoss: Double?, regionStartEpoch: Int?, regionEndEpoch: Int?,
                hasValidationData: Bool) {
        self.detected = detected
        self.metric = metric
        self.bestEpoch = bestEpoch
        self.bestValue = bestValue
        self.onsetEpoch = onsetEpoch
        self.generalizationLoss = generalizationLoss
        self.regionStartEpoch = regionStartEpoch
        self.regionEndEpoch = regionEndEpoch
        self.hasValidationData = hasValidationData
    }

    enum CodingKeys: String, CodingKey {
        case detected, metric
        case bestEpoch = "best_epoch", bestValue = "best_value", onsetEpoch = "onset_epoch"
        case generalizationLoss = "generalization_loss", regionStartEpoch = "region_start_epoch"
        case regionEndEpoch = "region_end_epoch", hasValidationData = "has_validation_data"
        case trainingMetric = "training_metric", checks, lastValue = "last_value", lastEpoch = "last_epoch"
        case bestStep = "best_step", onsetStep = "onset_step", regionStartStep = "region_start_step"
        case regionEndStep = "region_end_step", lastStep = "last_step"
        case requiredChecks = "required_checks", perMetric = "per_metric"
    }

}

/// The overfitting rule on one validation metric.
public struct MetricOverfitting: Codable, Sendable, Equatable {
    /// `loss` (lower is better) or `accuracy` (higher is better).
    public var kind: String
    public var checks: Int
    @WrittenAsNull public var bestEpoch: Int?
    @WrittenAsNull public var bestStep: Int?
    public var bestValue: Double
    /// Checks after the best one, all worse than it, up to the end.
    public var worseChecksAfterBest: Int
    /// Worse checks the rule needs (depends on how far apart the checks are).
    public var requiredChecks: Int
    public var detected: Bool
    /// The first check after the best one, when detected.
    @WrittenAsNull public var onsetEpoch: Int?
    @WrittenAsNull public var onsetStep: Int?
    public var lastValue: Double
    @WrittenAsNull public var lastEpoch: Int?
    @WrittenAsNull public var lastStep: Int?
    /// The training loss the rule compared with, and its smoothed values at the best check and at
    /// the check that completed the evidence.
    @WrittenAsNull public var trainingMetric: String?
    @WrittenAsNull public var trainingAtBest: Double?
    @WrittenAsNull public var trainingAtEvidence: Double?
    /// Whether the training loss fell over that stretch (nil when unknown).
    @WrittenAsNull public var trainingFell: Bool?

    public init(kind: String, checks: Int, bestEpoch: Int?, bestStep: Int?, bestValue: Double, worseChecksAfterBest: Int,
                requiredChecks: Int, detected: Bool, lastValue: Double, lastEpoch: Int?, lastStep: Int?) {
        self.kind = kind
        self.checks = checks
        self.bestEpoch = bestEpoch
        self.bestStep = bestStep
        self.bestValue = bestValue
        self.worseChecksAfterBest = worseChecksAfterBest
        self.requiredChecks = requiredChecks
        self.detected = detected
        self.lastValue = lastValue
        self.lastEpoch = lastEpoch
        self.lastStep = lastStep
    }

    enum CodingKeys: String, CodingKey {
        case kind, checks, detected
        case bestEpoch = "best_epoch", bestStep = "best_step", bestValue = "best_value"
        case worseChecksAfterBest = "worse_checks_after_best", requiredChecks = "required_checks"
        case onsetEpoch = "onset_epoch", onsetStep = "onset_step"
        case lastValue = "last_value", lastEpoch = "last_epoch", lastStep = "last_step"
        case trainingMetric = "training_metric", trainingAtBest = "training_at_best"
        case trainingAtEvidence = "training_at_evidence", trainingFell = "training_fell"
    }

}

/// Where a patience / min_delta rule would have stopped, and what it would have saved.
///
/// The stop is placed at an epoch when the run has epochs, else at a step (`epoch` is then null
/// and `step`, `best_step` and `steps_saved` say where and how much).
public struct EarlyStop: Codable, Sendable, Equatable {
    /// The epoch at which the rule would have stopped; nil for a step-only run (no epochs known).
    @WrittenAsNull public var epoch: Int?
    public var metric: String
    /// Epochs of training after the stop; nil for a step-only run (see `stepsSaved`).
    @WrittenAsNull public var epochsSaved: Int?
    public var hoursSaved: Double?
    /// The epoch of the best value the rule saw (the checkpoint to keep).
    public var bestEpoch: Int? = nil
    public var bestValue: Double? = nil
    /// The rule: patience in `unit` (`validation checks` or `epochs`) and min_delta.
    public var patience: Int? = nil
    public var minDelta: Double? = nil
    public var unit: String? = nil
    /// The global step of the stop and of the best value, whenever steps are known (for epoch
    /// runs too, with iterations per epoch), and the steps of training after the stop.
    @WrittenAsNull public var step: Int? = nil
    public var bestStep: Int? = nil
    public var stepsSaved: Int? = nil
    /// `hours_saved` times the GPUs of the run, when both are known.
    public var gpuHoursSaved: Double? = nil
    /// Where the checkpoint of `best_epoch` is: VAR keeps `ar-ckpt-best.pth` by the lowest
    /// `val/loss_tail` since the last launch, which may not be `best_epoch` (nil when unknown).
    public var checkpointNote: String? = nil

    public init(epoch: Int?, metric: String, epochsSaved: Int?, hoursSaved: Double?) {
        self.epoch = epoch
        self.metric = metric
        self.epochsSaved = epochsSaved
        self.hoursSaved = hoursSaved
    }

    enum CodingKeys: String, CodingKey {
        case epoch, metric
        case epochsSaved = "epochs_saved", hoursSaved = "hours_saved"
        case bestEpoch = "best_epoch", bestValue = "best_value", patience, minDelta = "min_delta", unit
        case step, bestStep = "best_step", stepsSaved = "steps_saved"
        case gpuHoursSaved = "gpu_hours_saved", checkpointNote = "checkpoint_note"
    }

}

/// A stretch where the smoothed loss stopped improving (ReduceLROnPlateau semantics).
public struct Plateau: Codable, Sendable, Equatable {
    public var metric: String
    public var startEpoch: Int
    public var endEpoch: Int?
    /// Learning rate at the start of the plateau, relative to the peak learning rate.
    public var learningRateFraction: Double?
    /// True while VAR is still in warm-up or its constant-LR phase: a plateau is expected there.
    public var expected: Bool
    /// The epoch at which the rule fired (start + patience).
    public var detectedEpoch: Int? = nil
    /// Learning rate at the start of the plateau, when known.
    public var learningRate: Double? = nil
    /// VAR's schedule phase at the start: `warmup`, `constant` or `decay` (nil when unknown).
    public var phase: String? = nil
    /// The best smoothed value before the plateau, which it failed to beat.
    public var bestValue: Double? = nil

    public init(metric: String, startEpoch: Int, endEpoch: Int?, learningRateFraction: Double?, expected: Bool) {
        self.metric = metric
        self.startEpoch = startEpoch
        self.endEpoch = endEpoch
        self.learningRateFraction = learningRateFraction
        self.expected = expected
    }

    enum CodingKeys: String, CodingKey {
        case metric, expected
        case startEpoch = "start_epoch", endEpoch = "end_epoch"
        case learningRateFraction = "learning_rate_fraction"
        case detectedEpoch = "detected_epoch", learningRate = "learning_rate", phase, bestValue = "best_value"
    }
}

/// Signs of an unstable run.
public struct Instability: Codable, Sendable, Equatable {
    /// First non-finite loss, if any: its epoch and step. JSON numbers cannot be NaN, so `value`
    /// holds the last finite value of that metric before it (0 when there was none); `non_finite`
    /// says which metric it was and what the value was.
    public var firstNonFinite: ValueAt?
    public var lossSpikes: [ValueAt]
    public var gradNormSpikes: [ValueAt]
    /// Share of logged steps at which the gradient norm sat at the clip value (0...1).
    public var gradClipFraction: Double?
    /// Steps at which the fp16 loss scale dropped.
    public var lossScaleDrops: [ValueAt]
    /// The first non-finite loss in full (metric, place, `nan` / `inf` / `-inf`).
    public var nonFinite: NonFiniteValue? = nil
    /// Spikes found in all (the lists above hold at most `max_listed_spikes` of them).
    public var lossSpikeCount: Int = 0
    public var gradNormSpikeCount: Int = 0
    /// Every listed spike with its metric, baseline and robust z-score, ordered by step.
    public var spikes: [Spike] = []
    /// Logged gradient norms that were NaN or Inf (skipped steps under fp16).
    public var nonFiniteGradNormCount: Int = 0
    /// The clip value the gradient norm was compared with (`opt/grad_clip` or `tclip`).
    public var gradClipValue: Double? = nil
    /// Drops of the fp16 loss scale in all.
    public var lossScaleDropCount: Int = 0
    /// Windows in which an accuracy fell while its loss fell too.
    public var accuracyFallsWithLoss: [AccuracyLossDivergence] = []
    /// Every NaN / Inf of a loss metric (at most `max_listed_spikes`, earliest first), and the
    /// count in all.
    public var nonFiniteValues: [NonFiniteValue] = []
    public var nonFiniteCount: Int = 0
    /// True when the run ends diverged: a loss ends non-finite, or far above its best without
    /// coming back. Non-finite values followed by finite, recovering training are not that.
    public var diverged: Bool = false
    /// Why it counts as diverged (nil when it does not).
    public var divergedReason: String? = nil

    public init(firstNonFinite: ValueAt? = nil, lossSpikes: [ValueAt] = [], gradNormSpikes: [ValueAt] = [],
                gradClipFraction: Double? = nil, lossScaleDrops: [ValueAt] = []) {
        self.firstNonFinite = firstNonFinite
        self.lossSpikes = lossSpikes
        self.gradNormSpikes = gradNormSpikes
        self.gradClipFraction = gradClipFraction
        self.lossScaleDrops = lossScaleDrops
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        firstNonFinite = try c.decodeIfPresent(ValueAt.self, forKey: .firstNonFinite)
        lossSpikes = try c.decodeIfPresent([ValueAt].self, forKey: .lossSpikes) ?? []
        gradNormSpikes = try c.decodeIfPresent([ValueAt].self, forKey: .gradNormSpikes) ?? []
        gradClipFraction = try c.decodeIfPresent(Double.self, forKey: .gradClipFraction)
        lossScaleDrops = try c.decodeIfPresent([ValueAt].self, forKey: .lossScaleDrops) ?? []
        nonFinite = try c.decodeIfPresent(NonFiniteValue.self, forKey: .nonFinite)
        lossSpikeCount = try c.decodeIfPresent(Int.self, forKey: .lossSpikeCount) ?? lossSpikes.count
        gradNormSpikeCount = try c.decodeIfPresent(Int.self, forKey: .gradNormSpikeCount) ?? gradNormSpikes.count
        spikes = try c.decodeIfPresent([Spike].self, forKey: .spikes) ?? []
        nonFiniteGradNormCount = try c.decodeIfPresent(Int.self, forKey: .nonFiniteGradNormCount) ?? 0
        gradClipValue = try c.decodeIfPresent(Double.self, forKey: .gradClipValue)
        lossScaleDropCount = try c.decodeIfPresent(Int.self, forKey: .lossScaleDropCount) ?? lossScaleDrops.count
        accuracyFallsWithLoss = try c.decodeIfPresent([AccuracyLossDivergence].self,
                                                      forKey: .accuracyFallsWithLoss) ?? []
        nonFiniteValues = try c.decodeIfPresent([NonFiniteValue].self, forKey: .nonFiniteValues) ?? []
        nonFiniteCount = try c.decodeIfPresent(Int.self, forKey: .nonFiniteCount) ?? nonFiniteValues.count
        diverged = try c.decodeIfPresent(Bool.self, forKey: .diverged) ?? false
        divergedReason = try c.decodeIfPresent(String.self, forKey: .divergedReason)
    }

    enum CodingKeys: String, CodingKey {
        case firstNonFinite = "first_non_finite", lossSpikes = "loss_spikes"
        case gradNormSpikes = "grad_norm_spikes", gradClipFraction = "grad_clip_fraction"
        case lossScaleDrops = "loss_scale_drops"
        case nonFinite = "non_finite", lossSpikeCount = "loss_spike_count"
        case gradNormSpikeCount = "grad_norm_spike_count", spikes
        case nonFiniteGradNormCount = "non_finite_grad_norm_count", gradClipValue = "grad_clip_value"
        case lossScaleDropCount = "loss_scale_drop_count", accuracyFallsWithLoss = "accuracy_falls_with_loss"
        case nonFiniteValues = "non_finite_values", nonFiniteCount = "non_finite_count", diverged
        case divergedReason = "diverged_reason"
    }
}

/// A NaN or Inf where a number was expected, with the place it was first seen. The value is a
/// string (`nan`, `inf`, `-inf`) because JSON numbers cannot hold it.
public struct NonFiniteValue: Codable, Sendable, Equatable {
    public var metric: String
    public var epoch: Int?
    public var step: Int?
    public var value: String
    /// The last finite value of the metric before it, if any.
    public var lastFiniteValue: Double?
    /// `epoch` for an epoch average, `iteration` for a logged iteration (nil when unknown).
    public var granularity: String? = nil

    public init(metric: String, epoch: Int?, step: Int?, value: String, lastFiniteValue: Double?) {
        self.metric = metric
        self.epoch = epoch
        self.step = step
        self.value = value
        self.lastFiniteValue = lastFiniteValue
    }

    enum CodingKeys: String, CodingKey {
        case metric, epoch, step, value, granularity
        case lastFiniteValue = "last_finite_value"
    }
}

/// One spike: a point far above the median of its neighbours (`SpikeDetector`).
public struct Spike: Codable, Sendable, Equatable {
    public var metric: String
    public var value: Double
    public var epoch: Int?
    public var step: Int?
    /// The local baseline it is compared with, and its robust z-score (x - baseline) / sigma.
    public var baseline: Double
    public var robustZ: Double

    public init(metric: String, value: Double, epoch: Int?, step: Int?, baseline: Double, robustZ: Double) {
        self.metric = metric
        self.value = value
        self.epoch = epoch
        self.step = step
        self.baseline = baseline
        self.robustZ = robustZ
    }

    enum CodingKeys: String, CodingKey {
        case metric, value, epoch, step, baseline
        case robustZ = "robust_z"
    }
}

/// A window in which an accuracy fell while the matching loss fell too (usually a sign that the
/// loss is being won on easy tokens, or of a logging mix-up).
public struct AccuracyLossDivergence: Codable, Sendable, Equatable {
    public var accuracyMetric: String
    public var lossMetric: String
    public var startEpoch: Int
    public var endEpoch: Int
    /// Relative changes over the window (negative = fell).
    public var accuracyChange: Double
    public var lossChange: Double

    public init(accuracyMetric: String, lossMetric: String, startEpoch: Int, endEpoch: Int,
                accuracyChange: Double, lossChange: Double) {
        self.accuracyMetric = accuracyMetric
        self.lossMetric = lossMetric
        self.startEpoch = startEpoch
        self.endEpoch = endEpoch
        self.accuracyChange = accuracyChange
        self.lossChange = lossChange
    }

    enum CodingKeys: String, CodingKey {
        case accuracyMetric = "accuracy_metric", lossMetric = "loss_metric"
        case startEpoch = "start_epoch", endEpoch = "end_epoch"
        case accuracyChange = "accuracy_change", lossChange = "loss_change"
    }
}

/// One thing the analysis noticed, with its evidence and what to do about it.
public struct Finding: Codable, Sendable, Equatable {
    /// A stable identifier (`threshold-crossed`, `overfitting`, `plateau`, `loss-spike`, ...).
    public var kind: String
    public var severity: Severity
    public var message: String
    @WrittenAsNull public var epoch: Int?
    public var metric: String?
    public var recommendation: String?
    /// The numbers the sentence states that the rest of the summary does not hold (a trend's
    /// from and to), so that a report can word the finding in another language; nil for most
    /// findings, whose facts are the summary's own (metrics, overfitting, early_stop, ...).
    public var facts: [String: Fact]?

    public init(kind: String, severity: Severity, message: String, epoch: Int? = nil, metric: String? = nil,
                recommendation: String? = nil, facts: [String: Fact] = [:]) {
        self.kind = kind
        self.severity = severity
        self.message = message
        self.epoch = epoch
        self.metric = metric
        self.recommendation = recommendation
        self.facts = facts.isEmpty ? nil : facts
    }
}

/// A number, count, word or yes/no a finding states (JSON: a number, string or boolean).
public enum Fact: Codable, Sendable, Equatable {
    case number(Double)
    case count(Int)
    case text(String)
    case flag(Bool)

    public var number: Double? {
        switch self {
        case .number(let d): return d
        case .count(let i): return Double(i)
        default: return nil
        }
    }
    public var count: Int? { if case .count(let i) = self { return i }; return nil }
    public var text: String? { if case .text(let t) = self { return t }; return nil }
    public var flag: Bool? { if case .flag(let b) = self { return b }; return nil }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .flag(b) }
        else if let i = try? c.decode(Int.self) { self = .count(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .text(try c.decode(String.self)) }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .number(let d): try c.encode(d)
        case .count(let i): try c.encode(i)
        case .text(let t): try c.encode(t)
        case .flag(let b): try c.encode(b)
        }
    }
}
