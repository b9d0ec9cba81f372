import Foundation
import Testing

/// `varreport watch` as a user and a script see it: lines or JSON per event, commands run on
/// events, the documented exit codes, a final report on Ctrl-C.
@Suite struct WatchCommandTests {
    static let crashed = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/diagnosis/crashed-finetune").path

    @Test func aFinishedRunIsToldAsLinesAndWatchEnds() {
        let r = CLI.run(["watch", CLI.example, "--interval", "0.1"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.contains { $0.contains("  threshold-crossed  train/loss_tail: ") })
        #expect(lines.contains { $0.contains("epoch 169  overfitting  val/loss_mean: ") })
        #expect(lines.last?.contains("  finished  ") == true)
        #expect(!r.stdout.contains("\u{1B}["), "no terminal codes when piped")
    }

    @Test func jsonIsOneObjectPerEvent() throws {
        let r = CLI.run(["watch", CLI.example, "--json", "--interval", "0.1"])
        #expect(r.status == 0)
        var kinds: [String] = []
        for line in r.stdout.split(separator: "\n") {
            let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            kinds.append(obj["kind"] as? String ?? "")
            #expect(obj["time"] is String && obj["message"] is String && obj["run"] as? String == CLI.example)
            // CONTRACT.md: these are always present, null when unknown.
            for key in ["severity", "metric", "epoch", "step", "value"] { #expect(obj.keys.contains(key), "\(key) in \(line)") }
        }
        #expect(kinds.last == "finished")
        #expect(kinds.contains("validation-best") && kinds.contains("grad-norm-spike") && kinds.contains("plateau"))
    }

    @Test func commandsRunOnEventsWithTheEventInTheirEnvironment() throws {
        let dir = CLI.temporaryDirectory("watch-exec")
        let log = dir + "/events.txt"
        let r = CLI.run(["watch", CLI.example, "--interval", "0.1",
                         "--exec-on", "finished,overfitting", "echo \"$VARREPORT_EVENT $VARREPORT_EPOCH $VARREPORT_METRIC\" >> \(log)",
                         "--exec-on", "finished", "exit 7"])
        #expect(r.status == 0, "a failing command does not stop watch: \(r.stderr)")
        #expect(r.stderr.contains("--exec-on command for finished exited 7: exit 7"))
        let written = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(written.contains("finished 199 "))
        #expect(written.contains("overfitting 169 val/loss_mean"))
    }

    @Test func exitOnAnEventEndsWithThree() {
        let r = CLI.run(["watch", Self.crashed, "--interval", "0.1", "--exit-on", "crashed,diverged"])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stdout.contains("  crashed  "))
    }

    @Test func anIdleRunEndsAsStopped() {
        let r = CLI.run(["watch", Self.crashed, "--interval", "0.1", "--idle-timeout", "0.5"])
        #expect(r.status == 0)
        #expect(r.stdout.split(separator: "\n").last?.contains("  stopped  ") == true)
    }

    @Test func usageErrorsExitTwo() {
        #expect(CLI.run(["watch", CLI.example, "--exec-on", "finished"]).status == 2)
        let unknown = CLI.run(["watch", CLI.example, "--exit-on", "overfit"])
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown event 'overfit'"))
        #expect(CLI.run(["watch", "/nonexistent-run"]).status == 2)
    }

    /// Ctrl-C while a run is still being written: the final report is written, exit 0.
    @Test func ctrlCWritesTheFinalReport() throws {
        let dir = CLI.temporaryDirectory("watch-int")
        let run = dir + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        let stdout = try String(contentsOfFile: CLI.example + "/stdout.txt", encoding: .utf8)
        // The first half of the run: no end marker yet.
        try String(stdout.prefix(stdout.count / 2)).write(toFile: run + "/stdout.txt", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = ["watch", run, "-o", dir + "/out", "--interval", "0.1", "--every", "0"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        // Wait for the live report, then interrupt.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: dir + "/out/report.html"), Date() < deadline { usleep(100_000) }
        let live = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
        #expect(live.contains("http-equiv=\"refresh\""))
        kill(p.processIdentifier, SIGINT)
        let stop = Date().addingTimeInterval(30)
        while p.isRunning, Date() < stop { usleep(100_000) }
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0)
        let final = try String(contentsOfFile: dir + "/out/report.html", encoding: .utf8)
        #expect(!final.contains("http-equiv=\"refresh\""))
    }
}
