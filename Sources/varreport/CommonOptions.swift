import Analysis
import ArgumentParser
import Foundation
import Pipeline
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

    /// Every setting, resolved once: these options and `more` (a command's own) over the config
    /// file over the defaults.
    func settings(_ more: (inout CommandLineSettings) -> Void = { _ in }) throws -> Settings {
        var cli = CommandLineSettings(threshold: threshold, vocab: vocab)
        more(&cli)
        return try Settings.resolve(cli, config: try configFile(), configPath: config ?? "config")
    }

    /// Reads and analyses a run through the pipeline, with a progress line and, with
    /// --verbose, each phase's time and every warning the readers found (a count otherwise).
    /// `tuning` adjusts the analysis options (`plot` narrows the analysis to what it draws).
    func loadAndAnalyse(_ path: String, _ settings: Settings, progress: ProgressLine? = nil,
                        tuning: (inout AnalysisOptions) -> Void = { _ in }) throws -> (Run, Summary) {
        let clock = PhaseClock(enabled: verbose)
        let line = progress ?? ProgressLine(quiet: quiet)
        defer { if progress == nil { line.finish() } }
        let (run, summary) = try RunPipeline.analyse(path, settings: settings, tuning: tuning) { step in
            switch step {
            case .reading(let p): line.update("reading \(p)")
            case .read(let run):
                line.update("analysing \(run.name)")
                clock.lap("read \(path): \(run.series.count) series, \(run.series.reduce(0) { $0 + $1.count }) points")
            case .analysed: clock.lap("analysed")
            }
        }
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
    /// A message for people on stderr; names from the logs in it cannot reach the terminal as
    /// escape sequences (TerminalText).
    static func info(_ text: String) {
        FileHandle.standardError.write(Data((TerminalText.safe(text, keepingNewlines: true) + "\n").utf8))
    }

    /// A line for people on stdout (`wrote loss.png`, the sweep's totals), cleaned as `info` is.
    static func say(_ text: String) {
        output(Data((TerminalText.safe(text, keepingNewlines: true) + "\n").utf8))
    }

    static var stderrIsTerminal: Bool { isatty(2) == 1 }

    /// Writes data for scripts to stdout. A reader that stopped reading (`| head`) is not an
    /// error: the rest is dropped and the command ends as it would have.
    static func output(_ data: Data) {
        data.withUnsafeBytes { raw in
            guard var p = raw.baseAddress else { return }
            var left = raw.count
            while left > 0 {
                let n = write(1, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return  // EPIPE and the like: nobody is reading any more
                }
                p += n
                left -= n
            }
        }
    }
}
