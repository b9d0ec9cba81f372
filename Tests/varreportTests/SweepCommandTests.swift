import Foundation
import Testing

/// `varreport sweep` as a user runs it: exit codes, plain progress lines off a terminal, the
/// comparison files, shard + merge, and the incremental re-run.
@Suite(.serialized) struct SweepCommandTests {
    var fixture: String { CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/sweep").path }

    /// Three fixture runs copied to a fresh folder.
    func threeRuns() throws -> String {
        let dir = CLI.temporaryDirectory("runs")
        for n in ["d16-seed0", "d20-seed0", "d24-seed0"] {
            try FileManager.default.copyItem(atPath: fixture + "/" + n, toPath: dir + "/" + n)
        }
        return dir
    }

    @Test func sweepsAParentFolderWithPlainProgressLines() throws {
        let runs = try threeRuns()
        let out = CLI.temporaryDirectory("out")
        let r = CLI.run(["sweep", runs, "-o", out, "--jobs", "2"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("[3/3] "))
        #expect(!r.stderr.contains("\u{1B}["), "no terminal control codes when stderr is not a terminal")
        #expect(r.stdout.contains("3 rendered, 0 unchanged, 0 failed"))
        #expect(r.stdout.contains("scaling law: L = ("))
        for f in ["sweep.json", "sweep.md", "sweep.html", "sweep.pdf", "runs/d20-seed0/report.pdf"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }
        let again = CLI.run(["sweep", runs, "-o", out, "--jobs", "2"])
        #expect(again.status == 0)
        #expect(again.stdout.contains("0 rendered, 3 unchanged, 0 failed"))
        let forced = CLI.run(["sweep", runs, "-o", out, "--jobs", "2", "--force", "--quiet"])
        #expect(forced.status == 0)
        #expect(forced.stdout.isEmpty && forced.stderr.isEmpty)
    }

    /// The incremental re-run notices what it would otherwise link to blindly: a run's deleted
    /// report file, and an event file deleted behind a symlinked `tb-*` folder.
    @Test func aRerunNoticesADeletedReportFileAndASymlinkedEventFolder() throws {
        let runs = try threeRuns()
        // d20's TensorBoard folder lives elsewhere, linked into the run folder.
        let elsewhere = CLI.temporaryDirectory("tb-elsewhere")
        let d20 = runs + "/d20-seed0"
        let tb = try FileManager.default.contentsOfDirectory(atPath: d20).first { $0.hasPrefix("tb-") }!
        try FileManager.default.moveItem(atPath: d20 + "/" + tb, toPath: elsewhere + "/" + tb)
        try FileManager.default.createSymbolicLink(atPath: d20 + "/" + tb, withDestinationPath: elsewhere + "/" + tb)
        let out = CLI.temporaryDirectory("out")
        #expect(CLI.run(["sweep", runs, "-o", out, "-q"]).status == 0)
        try FileManager.default.removeItem(atPath: out + "/runs/d16-seed0/report.pdf")
        let afterDelete = CLI.run(["sweep", runs, "-o", out])
        #expect(afterDelete.stdout.contains("1 rendered, 2 unchanged, 0 failed"), "\(afterDelete.stdout)")
        #expect(FileManager.default.fileExists(atPath: out + "/runs/d16-seed0/report.pdf"))
        for event in try FileManager.default.contentsOfDirectory(atPath: elsewhere + "/" + tb) {
            try FileManager.default.removeItem(atPath: elsewhere + "/" + tb + "/" + event)
        }
        let afterEvents = CLI.run(["sweep", runs, "-o", out])
        #expect(afterEvents.stdout.contains("1 rendered, 2 unchanged, 0 failed"), "\(afterEvents.stdout)")
    }

    /// A run folder whose name is not UTF-8 cannot be opened by name: it is named on stderr and
    /// the sweep exits 1, instead of being dropped without a word.
    @Test func aRunFolderNameThatIsNotUTF8IsNamedNotDropped() throws {
        let runs = try threeRuns()
        let bad = Array((runs + "/bad").utf8) + [0xFF, 0]
        let made = bad.withUnsafeBufferPointer { p in p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { mkdir($0, 0o755) } }
        #expect(made == 0)
        let r = CLI.run(["sweep", runs, "-o", CLI.temporaryDirectory("out"), "-q"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("/bad\u{FFFD}: skipped: the name is not valid UTF-8"), "\(r.stderr)")
    }

    @Test func aFIFOAsTheRunListIsAnErrorNotAWait() throws {
        let dir = CLI.temporaryDirectory("fifo-list")
        #expect(mkfifo(dir + "/runs.txt", 0o644) == 0)
        let r = CLI.run(["sweep", dir + "/runs.txt", "-o", dir + "/out"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("runs.txt") && r.stderr.contains("FIFO"), "\(r.stderr)")
    }

    @Test func aFailedRunExitsOneAndTheOthersAreStillReported() throws {
        let runs = try threeRuns()
        try FileManager.default.createDirectory(atPath: runs + "/zz-broken", withIntermediateDirectories: true)
        try "not a log\n".write(toFile: runs + "/zz-broken/stdout.txt", atomically: true, encoding: .utf8)
        let out = CLI.temporaryDirectory("out")
        let r = CLI.run(["sweep", runs, "-o", out])
        #expect(r.status == 1)
        #expect(r.stderr.contains("run zz-broken failed"))
        #expect(FileManager.default.fileExists(atPath: out + "/runs/d16-seed0/report.html"))
        #expect(FileManager.default.fileExists(atPath: out + "/sweep.json"))
    }

    @Test func shardsThenMergeGiveTheSameComparisonAsOneMachine() throws {
        let runs = try threeRuns()
        let single = CLI.temporaryDirectory("single"), shared = CLI.temporaryDirectory("shared")
        #expect(CLI.run(["sweep", runs, "-o", single, "-q"]).status == 0)
        for i in 0..<2 {
            let r = CLI.run(["sweep", runs, "-o", shared, "--shard", "\(i)/2", "--jobs", "1"])
            #expect(r.status == 0, "\(r.stderr)")
            #expect(r.stdout.contains("shard \(i)/2 of 3 runs"))
        }
        #expect(!FileManager.default.fileExists(atPath: shared + "/sweep.json"))
        let m = CLI.run(["sweep", "--merge", shared])
        #expect(m.status == 0, "\(m.stderr)")
        for f in ["sweep.json", "sweep.md"] {
            #expect(FileManager.default.contents(atPath: single + "/" + f) == FileManager.default.contents(atPath: shared + "/" + f), "\(f)")
        }
    }

    @Test func usageErrorsExitTwo() throws {
        let out = CLI.temporaryDirectory("out")
        #expect(CLI.run(["sweep", "-o", out]).status == 2)
        #expect(CLI.run(["sweep", fixture]).status == 2)
        #expect(CLI.run(["sweep", fixture, "-o", out, "--shard", "2/2"]).status == 2)
        #expect(CLI.run(["sweep", fixture, "-o", out, "--jobs", "0"]).status == 2)
        let missing = CLI.run(["sweep", "/nonexistent/runs", "-o", out])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("/nonexistent/runs"))
        let notASweep = CLI.run(["sweep", "--merge", out])
        #expect(notASweep.status == 2)
        #expect(notASweep.stderr.contains("sweep-plan.json"))
    }
}
