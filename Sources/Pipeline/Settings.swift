import Analysis
import Foundation
import Render
import Report
import TrainingLog

/// What the command line said; nil (or false) where an option was not given.
public struct CommandLineSettings: Sendable {
    public var threshold: Double?
    public var vocab: Int?
    public var x: XAxisUnit?
    /// `light` or `dark`.
    public var theme: String?
    public var transparent = false
    public var language: ReportLanguage?
    public var template: String?
    /// `--smoothing W`: the EMA weight everywhere (no automatic raise on long curves).
    public var smoothing: Double?
    /// `--log-y`.
    public var logY: Bool?
    /// `--ylim LO:HI`.
    public var yRange: ClosedRange<Double>?

    public init(threshold: Double? = nil, vocab: Int? = nil, x: XAxisUnit? = nil, theme: String? = nil,
                transparent: Bool = false, language: ReportLanguage? = nil, template: String? = nil) {
        self.threshold = threshold
        self.vocab = vocab
        self.x = x
        self.theme = theme
        self.transparent = transparent
        self.language = language
        self.template = template
    }
}

/// Every setting a command runs with, resolved once: the command line over the config file over
/// the defaults. Each setting has one home here; the analysis records what it used in the
/// `Summary` (each metric's threshold, the smoothing, the vocabulary), and the outputs read it
/// there, so no command keeps two copies in step by hand.
public struct Settings: Sendable {
    public var load = LoadOptions()
    public var analysis = AnalysisOptions()
    /// Figures, language, templates; `report.figures` is what `plot` draws with too.
    public var report = ReportSettings()

    public init() {}

    /// Resolves `commandLine` over `config` over the defaults. `now` is the clock the run
    /// status is judged by (nil: unknown).
    public static func resolve(_ commandLine: CommandLineSettings, config: ConfigFile, configPath: String = "config",
                               now: Double? = Date().timeIntervalSince1970) throws -> Settings {
        var s = Settings()
        s.load = LoadOptions(nameMap: config.names)

        var a = config.analysis ?? AnalysisOptions()
        if commandLine.threshold != nil || config.threshold != nil { a.thresholdExplicit = true }
        a.threshold = commandLine.threshold ?? config.threshold ?? a.threshold
        a.thresholds.merge(config.thresholds) { _, fromFile in fromFile }
        if commandLine.vocab != nil || config.vocab != nil { a.vocabExplicit = true }
        a.vocabSize = commandLine.vocab ?? config.vocab ?? a.vocabSize
        // The top-level keys are the short form of the `analysis:` ones; given both, they win.
        if let w = config.emaWeight { a.emaWeight = w }
        if let span = config.emaAutoSpan { a.emaAutoSpan = span }
        // `smoothing` (the command line's --smoothing, or the file's key) is the weight people
        // set on TensorBoard's slider: used as given on every curve, long ones included.
        if let w = commandLine.smoothing ?? config.smoothing {
            guard w >= 0 && w < 1 else { throw ConfigError(file: configPath, message: "'smoothing' must be at least 0 and below 1, not \(w)") }
            a.emaWeight = w
            a.emaAutoSpan = 0
        }
        a.now = now
        s.analysis = a

        var f = FigureSettings()
        if let x = commandLine.x { f.xAxis = x }
        else if let raw = config.x {
            guard let x = XAxisUnit(rawValue: raw) else {
                throw ConfigError(file: configPath, message: "'x' must be epoch, step, hours or wall, not '\(raw)'")
            }
            f.xAxis = x
        }
        switch commandLine.theme ?? config.theme ?? "light" {
        case "light": f.theme = .light
        case "dark": f.theme = .dark
        case let other: throw ConfigError(file: configPath, message: "'theme' must be light or dark, not '\(other)'")
        }
        f.transparent = commandLine.transparent
        f.logY = commandLine.logY ?? config.logY ?? false
        if let r = commandLine.yRange { f.yRange = r }
        else if let raw = config.ylim {
            guard let r = YRange.parse(raw) else {
                throw ConfigError(file: configPath, message: "'ylim' must be LO:HI or [LO, HI] with LO below HI, not '\(raw)'")
            }
            f.yRange = r
        }
        if f.logY, let r = f.yRange, r.lowerBound <= 0 {
            throw ConfigError(file: configPath, message: "'ylim' must be above 0 on a log scale (log_y)")
        }
        s.report.figures = f

        if let l = commandLine.language { s.report.language = l }
        else if let raw = config.lang {
            guard let l = ReportLanguage(rawValue: raw) else {
                throw ConfigError(file: configPath, message: "'lang' must be one of \(ReportLanguage.allCases.map(\.rawValue).joined(separator: ", ")), not '\(raw)'")
            }
            s.report.language = l
        }
        s.report.templateDirectory = commandLine.template ?? config.template
        // How long a writer waits for another writing into the same folder (seconds).
        if let w = ProcessInfo.processInfo.environment["VARREPORT_LOCK_WAIT"].flatMap(Double.init), w >= 0 {
            s.report.lockWaitSeconds = w
        }
        return s
    }
}
