import Analysis
import ArgumentParser
import Foundation
import Pipeline
import Report
import TextFormat
import Watch

/// Set by SIGINT / SIGTERM; the watch loop looks at it between polls.
nonisolated(unsafe) private var watchInterrupted: sig_atomic_t = 0

/// `varreport watch RUN [-o DIR]`
struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Follow a run while it trains: tell each finding as it happens, keep a report current, act on events.",
        discussion: """
            Reads only what was written since the last look (every --interval seconds). Each \
            event is told once, with its time and epoch: threshold-crossed, stays-below, \
            validation-best, overfitting, plateau, loss-spike, grad-norm-spike, non-finite, \
            recovered, diverged, crashed, finished, stopped, log-replaced, log-removed. On a terminal a live view stays at the bottom; piped, one \
            line per event; --json, one JSON object per event. Ends when the run finishes, on \
            Ctrl-C (writing the final report), or after --idle-timeout without new data. Exit \
            codes: 0 ended so, 3 an --exit-on event happened, 2 usage or unusable input.

            Examples:
              varreport watch local_output
              varreport watch local_output -o report/ --every 120
              varreport watch local_output \\
                  --exec-on overfitting,diverged 'scancel "$SLURM_JOB_ID"'
              varreport watch local_output --json --exit-on crashed,diverged
            """
    )

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Option(name: .shortAndLong, help: ArgumentHelp("Keep a report of the run in this folder.", valueName: "DIR"))
    var output: String?

    @Option(help: ArgumentHelp("Rewrite the report at most this often, in seconds.", valueName: "SECONDS"))
    var every: Double = 60

    @Option(help: ArgumentHelp("Look for new data this often, in seconds.", valueName: "SECONDS"))
    var interval: Double = 2

    @Option(help: ArgumentHelp("End (as 'stopped') after this many seconds without new data.", valueName: "SECONDS"))
    var idleTimeout: Double?

    @Flag(help: "One JSON object per event on stdout, for other tools.")
    var json = false

    @Option(parsing: .upToNextOption,
            help: ArgumentHelp("Run COMMAND (through /bin/sh) on these events, with the event in VARREPORT_* variables; repeatable.",
                               valueName: "KINDS COMMAND"))
    var execOn: [String] = []

    @Option(help: ArgumentHelp("End with exit code 3 when one of these events happens (after the final report).", valueName: "KINDS"))
    var exitOn: String?

    @OptionGroup var common: CommonOptions

    /// What `--exec-on` asked for: (events, command) pairs.
    func actions() throws -> [(kinds: Set<WatchEventKind>, command: String)] {
        guard execOn.count % 2 == 0 else {
            throw ValidationError("--exec-on takes two values: the events (e.g. overfitting,diverged) and the command")
        }
        return try stride(from: 0, to: execOn.count, by: 2).map { i in
            do { return (try WatchEventKind.parseList(execOn[i]), execOn[i + 1]) } catch {
                throw ValidationError("--exec-on: \(error)")
            }
        }
    }

    func validate() throws {
        if !(every >= 0) { throw ValidationError("--every must be 0 or more seconds") }
        if !(interval > 0) { throw ValidationError("--interval must be more than 0 seconds") }
        if let t = idleTimeout, !(t > 0) { throw ValidationError("--idle-timeout must be more than 0 seconds") }
        _ = try actions()
        if let e = exitOn {
            do { _ = try WatchEventKind.parseList(e) } catch { throw ValidationError("--exit-on: \(error)") }
        }
    }

    static let exitOnEvent: Int32 = 3

    func run() throws {
        let settings = try common.settings()
        let actions = try actions()
        let exitKinds = try exitOn.map { try WatchEventKind.parseList($0) } ?? []
        let watcher = try Watcher(path: runPath, settings: settings, reportDirectory: output, reportEvery: every,
                                  idleTimeout: idleTimeout, analysisBudget: 0.005, now: Date().timeIntervalSince1970)
        signal(SIGINT) { _ in watchInterrupted = 1 }
        signal(SIGTERM) { _ in watchInterrupted = 1 }
        // A parent may have started us with these blocked (the mask is inherited): unblock them.
        var mask = sigset_t()
        sigemptyset(&mask)
        sigaddset(&mask, SIGINT)
        sigaddset(&mask, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &mask, nil)
        let view = WatchView(json: json, quiet: common.quiet, live: !json && isatty(1) == 1)
        var exitCode: Int32 = 0
        loop: while true {
            let result = try watcher.step(now: Date().timeIntervalSince1970)
            if let problem = result.problem { view.problem(problem) }
            for event in result.events {
                view.event(event)
                for action in actions where action.kinds.contains(event.kind) { EventAction.run(action.command, for: event) }
                if exitKinds.contains(event.kind) { exitCode = Self.exitOnEvent }
            }
            view.status(result.summary)
            if result.end != nil || exitCode != 0 { break loop }
            // Sleep in short slices so that Ctrl-C is answered at once.
            let until = Date().addingTimeInterval(interval)
            while Date() < until {
                if watchInterrupted != 0 { break loop }
                usleep(100_000)
            }
            if watchInterrupted != 0 { break loop }
        }
        view.finish()
        if let summary = try watcher.finish(now: Date().timeIntervalSince1970), output != nil, !common.quiet, !json {
            Console.info("\(summary.run.name): report in \(output!)/")
        }
        EventAction.waitForAll()
        if exitCode != 0 { throw ExitCode(exitCode) }
    }
}

/// Runs `--exec-on` commands: each in the background through /bin/sh with the event in its
/// environment; one that fails is reported and watching goes on.
enum EventAction {
    nonisolated(unsafe) private static var running: [Process] = []

    static func run(_ command: String, for event: WatchEvent) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", command]
        p.environment = ProcessInfo.processInfo.environment.merging(event.environment) { _, new in new }
        p.terminationHandler = { done in
            if done.terminationStatus != 0 {
                ExitStatus.printError("--exec-on command for \(event.kind.rawValue) exited \(done.terminationStatus): \(command)")
            }
        }
        do {
            try p.run()
            running.append(p)
        } catch {
            ExitStatus.printError("--exec-on command for \(event.kind.rawValue) could not start: \(error)")
        }
    }

    /// Before exiting: the commands started finish (a notification is not cut off).
    static func waitForAll() {
        for p in running { p.waitUntilExit() }
        running = []
    }
}

/// What watch shows: events as lines (or JSON objects), and on a terminal a status block that
/// stays at the bottom, redrawn in place.
final class WatchView {
    let json: Bool
    let quiet: Bool
    let live: Bool
    private var blockLines = 0
    private var lastStatus: [String] = []

    init(json: Bool, quiet: Bool, live: Bool) {
        self.json = json
        self.quiet = quiet
        self.live = live
    }

    private func clearBlock() {
        guard live, blockLines > 0 else { return }
        Console.output(Data(("\u{1B}[\(blockLines)F\u{1B}[J").utf8))
        blockLines = 0
    }

    func event(_ e: WatchEvent) {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            if let data = try? encoder.encode(e) { Console.output(data + Data("\n".utf8)) }
            return
        }
        clearBlock()
        Console.say(e.line)
        drawBlock()
    }

    func problem(_ text: String) {
        guard !quiet else { return }
        Console.info("watch: \(text) (waiting for more)")
    }

    /// The compact view: epoch i/N, the last losses and accuracies, ETA, status.
    func status(_ summary: Summary?) {
        guard live, let s = summary else { return }
        let r = s.run
        var lines: [String] = []
        let epochs = r.epochsPlanned.map { "epoch \(r.epochsCompleted)/\($0)" } ?? (r.lastStep.map { "step \($0)" } ?? "epoch \(r.epochsCompleted)")
        let eta = r.etaHours.map { String(format: ", ETA %.1f h", $0) } ?? ""
        lines.append("── \(r.name): \(r.status.rawValue), \(epochs)\(eta)")
        let shown = ["train/loss_tail", "val/loss_tail", "train/acc_tail", "val/acc_tail"].compactMap { name -> String? in
            guard let m = s.metrics[name] else { return nil }
            return "\(name) \(String(format: "%.4g", m.last.value)) (best \(String(format: "%.4g", m.best.value)))"
        }
        if !shown.isEmpty { lines.append("   " + shown.joined(separator: "  ")) }
        lines.append("   \(s.findings.count) findings; verdict \(s.verdict.rawValue)")
        guard lines != lastStatus || blockLines == 0 else { return }
        lastStatus = lines
        clearBlock()
        drawBlock()
    }

    private func drawBlock() {
        guard live, !lastStatus.isEmpty else { return }
        Console.output(Data((lastStatus.map { TerminalText.safe($0) }.joined(separator: "\n") + "\n").utf8))
        blockLines = lastStatus.count
    }

    func finish() {
        // The block stays as the last word on a terminal.
    }
}
