/// Everything varreport knows about one training run: its configuration, the facts the logs
/// state (iterations per epoch, restarts, ...), and its metric series under canonical names.
public struct Run: Sendable {
    /// A short name for reports: the run folder's name (or the TensorBoard folder's `VARd16...`).
    public var name: String
    /// The folder or file the run was read from.
    public var path: String
    /// What the logs said about the run (`initial args` block, log.txt header), in file order.
    public var config: [ConfigEntry]
    /// Training iterations per epoch (`iters_train`), when known: converts epochs to steps.
    public var iterationsPerEpoch: Int?
    /// Epochs the run was configured for (`ep`), when known.
    public var epochsPlanned: Int?
    /// Model parameters in millions (`[INIT][#para] ... VAR=310.28`), when known.
    public var parametersMillions: Double?
    /// Epoch indices at which the run was resumed after a restart, in order.
    public var restartEpochs: [Int]
    /// True when the logs show the run ended normally (VAR's `final args` / `[PT finished]`).
    public var finishedMarker: Bool
    /// Validation values from VAR's `final args` block, when stdout is the only source
    /// (the one true validation point of a stdout-only run), keyed by canonical name.
    public var finalValidation: [MetricName: Double]
    /// The merged series, at most one per (name, granularity).
    public var series: [Series] { didSet { seriesIndex = Self.index(series) } }
    /// Where each (name, granularity) is in `series`: a run of 100,000 metrics is looked up
    /// metric by metric, and a scan per lookup made the analysis quadratic.
    private var seriesIndex: [SeriesKey: Int] = [:]
    /// Every file read, with coverage and warnings.
    public var sources: [SourceInfo]
    /// Every start of the training script the logs show, in order (RESTART banners, event
    /// files); empty when the logs do not say (CSV, JSON Lines).
    public var launches: [Launch] = []
    /// Lines that say the process died (a traceback, `ChildFailedError`, an exit code, out of
    /// memory, a scheduler's cancellation), with file and line, for the analysis to weigh.
    public var crashEvidence: [CrashEvidence] = []
    /// Where the logs say the run ended normally (`final args:` / `[PT finished]`), when they do.
    public var endMarker: LineRef? = nil
    /// The family a reader recognised from lines only that family prints (`infinity`: its
    /// `[Ep]: [ 0/100]:` iteration lines and `Lmean:` summaries), nil when the lines do not say.
    public var familyHint: String? = nil
    /// Where a precise source's series was kept apart from the console's rounded print of the
    /// same metric (VAR prints `tlr` with two significant digits): the rounded points
    /// fill only the steps beyond the precise ones, so a curve never interleaves the two.
    public var roundedConsoleValues: [RoundedConsoleValues] = []

    public init(name: String, path: String, config: [ConfigEntry] = [], iterationsPerEpoch: Int? = nil,
                epochsPlanned: Int? = nil, parametersMillions: Double? = nil, restartEpochs: [Int] = [],
                finishedMarker: Bool = false, finalValidation: [MetricName: Double] = [:],
                series: [Series] = [], sources: [SourceInfo] = []) {
        self.name = name
        self.path = path
        self.config = config
        self.iterationsPerEpoch = iterationsPerEpoch
        self.epochsPlanned = epochsPlanned
        self.parametersMillions = parametersMillions
        self.restartEpochs = restartEpochs
        self.finishedMarker = finishedMarker
        self.finalValidation = finalValidation
        self.series = series
        self.seriesIndex = Self.index(series)
        self.sources = sources
    }

    private struct SeriesKey: Hashable {
        var name: MetricName
        var granularity: Granularity
    }

    /// The first series of each (name, granularity), as a scan from the front would find it.
    private static func index(_ series: [Series]) -> [SeriesKey: Int] {
        var index: [SeriesKey: Int] = [:]
        index.reserveCapacity(series.count)
        for (i, s) in series.enumerated() where index[SeriesKey(name: s.name, granularity: s.granularity)] == nil {
            index[SeriesKey(name: s.name, granularity: s.granularity)] = i
        }
        return index
    }

    /// The series with this name and granularity, if the run has one.
    public func series(_ name: MetricName, _ granularity: Granularity) -> Series? {
        seriesIndex[SeriesKey(name: name, granularity: granularity)].map { series[$0] }
    }

    /// The epoch-level series if there is one, otherwise the iteration series.
    public func preferredSeries(_ name: MetricName) -> Series? {
        series(name, .epoch) ?? series(name, .iteration)
    }

    /// Every metric name the run has data for, sorted.
    public var metricNames: [MetricName] {
        Array(Set(series.filter { !$0.isEmpty }.map(\.name))).sorted()
    }

    /// All warnings of all sources.
    public var warnings: [Diagnostic] { sources.flatMap(\.warnings) }

    /// The config value for a key (last occurrence wins).
    public func configValue(_ key: String) -> String? { config.last { $0.key == key }?.value }

    /// The global step at the end of epoch `epoch`, when iterations per epoch are known.
    public func step(endOfEpoch epoch: Int) -> Int? {
        iterationsPerEpoch.map { ($0 * (epoch + 1)) }
    }

    /// The 0-based epoch that global step `step` belongs to, when iterations per epoch are known.
    public func epoch(ofStep step: Int) -> Int? {
        guard let ipe = iterationsPerEpoch, ipe > 0 else { return nil }
        return step / ipe
    }
}

/// A line of a file.
/// The console's rounded values of a metric that a precise source (TensorBoard, W&B) also has:
/// how many were left out, and the steps the precise source covers (console points outside it
/// are in the merged series, and a figure draws them apart).
public struct RoundedConsoleValues: Sendable, Equatable {
    public var name: MetricName
    public var granularity: Granularity
    /// The console file the rounded values came from.
    public var consoleSource: String
    /// The file the precise values came from, and its format.
    public var preciseSource: String
    public var preciseFormat: SourceFormat
    /// The x range (steps, or epochs) the precise source covers.
    public var preciseRange: ClosedRange<Int>
    /// Console points at x the precise source covers, dropped.
    public var leftOut: Int
    /// Console points outside that range, kept in the merged series.
    public var filledBeyond: Int

    public init(name: MetricName, granularity: Granularity, consoleSource: String, preciseSource: String,
                preciseFormat: SourceFormat, preciseRange: ClosedRange<Int>, leftOut: Int, filledBeyond: Int) {
        self.preciseFormat = preciseFormat
        self.name = name
        self.granularity = granularity
        self.consoleSource = consoleSource
        self.preciseSource = preciseSource
        self.preciseRange = preciseRange
        self.leftOut = leftOut
        self.filledBeyond = filledBeyond
    }
}

public struct LineRef: Sendable, Codable, Equatable {
    public var file: String
    public var line: Int
    public init(file: String, line: Int) {
        self.file = file
        self.line = line
    }
}

/// One start of the training script, as the logs show it.
public struct Launch: Sendable, Codable, Equatable {
    /// The file that shows it, and the line of its RESTART banner (nil for a file's first launch,
    /// which has no banner, and for a TensorBoard event file).
    public var file: String
    public var line: Int?
    /// When it started, as printed (`12-31 22:28:45`; nil when unknown).
    public var startedAt: String?
    /// The epoch it said it resumes from (VAR's `[auto_resume success] resume from ep85`).
    public var resumeEpoch: Int?
    /// The first and last epoch and global step it logged training for (nil: it trained nothing).
    public var firstEpoch: Int?
    public var lastEpoch: Int?
    public var firstStep: Int?
    public var lastStep: Int?
    /// Copies of its banner printed by other ranks at the same time, folded into this launch.
    public var duplicateBanners: Int = 0

    public init(file: String, line: Int? = nil, startedAt: String? = nil, resumeEpoch: Int? = nil,
                firstEpoch: Int? = nil, lastEpoch: Int? = nil, firstStep: Int? = nil, lastStep: Int? = nil) {
        self.file = file
        self.line = line
        self.startedAt = startedAt
        self.resumeEpoch = resumeEpoch
        self.firstEpoch = firstEpoch
        self.lastEpoch = lastEpoch
        self.firstStep = firstStep
        self.lastStep = lastStep
    }

    /// True when the launch logged any training (an iteration line, an epoch summary, a point).
    public var trained: Bool { firstEpoch != nil || firstStep != nil }

    /// The epochs at which launches resumed training that an earlier launch had begun: every
    /// launch that trained after the first one that trained (launches that trained nothing, a
    /// crash at start-up or a relaunch after the end, are not restarts).
    public static func resumeEpochs(_ launches: [Launch]) -> [Int] {
        guard let first = launches.firstIndex(where: \.trained) else { return [] }
        return launches[(first + 1)...].filter(\.trained).compactMap { $0.resumeEpoch ?? $0.firstEpoch }
    }
}

/// One `name : value` line of a run's configuration, kept as text in file order.
public struct ConfigEntry: Sendable, Codable, Equatable {
    public var key: String
    public var value: String
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}
