import Analysis
import ArgumentParser
import Foundation
import Report
import TextFormat
import TrainingLog

/// Options every command takes (CONTRACT.md): the threshold, the codebook size, a config file,
/// and how much to say.
struct CommonOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Loss threshold a run is judged by.", valueName: "LOSS"))
    var threshold: Double?

    @Option(help: ArgumentHelp("Codebook size V; the uniform baseline is ln V.", valueName: "V"))
    var vocab: Int?

    @Option(help: ArgumentHelp("A YAML file with the same options (command-line options win).", valueName: "FILE"))
    var config: String?

    @Flag(name: .shortAndLong, help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .shortAndLong, help: "Also print every warning the readers found.")
    var verbose = false

    func validate() throws {
        if let t = threshold, !(t.isFinite && t > 0) { throw ValidationError("--threshold must be a positive number") }
        if let v = vocab, v < 2 { throw ValidationError("--vocab must be at least 2") }
        if quiet && verbose { throw ValidationError("--quiet and --verbose exclude each other") }
    }

    /// The config file, or an empty one.
    func configFile() throws -> ConfigFile {
        try config.map(ConfigFile.load) ?? ConfigFile()
    }

    func analysisOptions(_ file: ConfigFile) -> AnalysisOptions {
        var o = file.analysis ?? AnalysisOptions()
        if threshold != nil || file.threshold != nil { o.thresholdExplicit = true }
        o.threshold = threshold ?? file.threshold ?? o.threshold
        o.now = Date().timeIntervalSince1970
        o.thresholds.merge(file.thresholds) { _, fromFile in fromFile }
        o.vocabSize = vocab ?? file.vocab ?? o.vocabSize
        if let w = file.emaWeight { o.emaWeight = w }
        if let a = file.emaAutoSpan { o.emaAutoSpan = a }
        return o
    }

    func loadOptions(_ file: ConfigFile) -> LoadOptions {
        LoadOptions(nameMap: file.names)
    }

    /// Reads and analyses one run, printing its warnings when --verbose (a count otherwise).
    /// Reads and analyses a run. `tuning` adjusts the analysis options after the config file's
    /// (`plot` narrows the analysis to what its figures draw).
    func loadAndAnalyse(_ path: String, _ file: ConfigFile, progress: ProgressLine? = nil,
                        tuning: (inout AnalysisOptions) -> Void = { _ in }) throws -> (Run, Summary) {
        let clock = PhaseClock(enabled: verbose)
        let line = progress ?? ProgressLine(quiet: quiet)
        defer { if progress == nil { line.finish() } }
        line.update("reading \(path)")
        let run = try RunLoader.load(path, options: loadOptions(file))
        line.update("analysing \(run.name)")
        clock.lap("read \(path): \(run.series.count) series, \(run.series.reduce(0) { $0 + $1.count }) points")
        var options = analysisOptions(file)
        tuning(&options)
        let summary = Analyzer.analyze(run, options: options)
        clock.lap("analysed")
        line.finish()
        reportWarnings(run)
        return (run, summary)
    }

    func reportWarnings(_ run: Run) {
        guard !quiet else { return }
        let warnings = run.warnings
        if verbose {
            for w in warnings { Console.info("warning: \(w)") }
        } else if !warnings.isEmpty {
            Console.info("\(run.name): \(warnings.count) warning\(warnings.count == 1 ? "" : "s") while reading (--verbose lists them)")
        }
    }
}

/// With --verbose, how long each phase took (on stderr): where the time goes on a large run.
final class PhaseClock {
    let enabled: Bool
    private var last = DispatchTime.now().uptimeNanoseconds

    init(enabled: Bool) { self.enabled = enabled }

    /// Starts the next lap now (after phases that were timed by another clock).
    func restart() { last = DispatchTime.now().uptimeNanoseconds }

    func lap(_ what: String) {
        guard enabled else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        Console.info(what + cFormat(" in %.3f s", Double(now - last) / 1e9))
        last = now
    }
}

/// Messages for people go to stderr, so stdout stays clean for data (`summary --json`).
enum Console {
    static func info(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }
}
