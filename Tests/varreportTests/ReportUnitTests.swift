import Foundation
import Testing

/// A report is one unit: killed at any point while it rewrites a folder holding another run's
/// report, the folder never holds a mix of the two runs, and the next writer cleans up.
@Suite(.serialized) struct ReportUnitTests {
    static let runA = CLI.example
    static let runB = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/diagnosis/overfit-60").path

    /// The run each artifact says it is of: summary.json's run name, the titles of report.md,
    /// report.html and report.pdf.
    static func owners(_ dir: String, names: [String] = ["var-d16", "overfit-60"]) -> Set<String> {
        var out = Set<String>()
        if let d = FileManager.default.contents(atPath: dir + "/summary.json"),
           let j = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let r = j["run"] as? [String: Any],
           let n = r["name"] as? String { out.insert(n) }
        for page in ["report.md", "report.html"] {
            guard let t = try? String(contentsOfFile: dir + "/" + page, encoding: .utf8) else { continue }
            for name in names where t.contains("Training report: \(name)") { out.insert(name) }
        }
        let info = CLI.tool("pdfinfo", [dir + "/report.pdf"])
        for name in names where info.stdout.contains("Training report: \(name)") { out.insert(name) }
        return out
    }

    /// Runs varreport with `arguments` and kills it with SIGKILL after `afterMs` milliseconds.
    static func killed(afterMs: Int, _ arguments: [String]) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: CLI.binary)
        p.arguments = arguments
        p.standardError = FileHandle.nullDevice
        try p.run()
        usleep(useconds_t(afterMs * 1000))
        kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
    }

    static func stagingLeftovers(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasPrefix(".varreport-staging-") }
    }

    @Test func killedAtAnyPointTheFolderHoldsOneRun() throws {
        let template = CLI.temporaryDirectory("unit-a")
        #expect(CLI.run(["report", Self.runA, "-o", template, "--quiet"]).status == 0)
        #expect(Self.owners(template) == ["var-d16"])
        var sawStaging = false, sawB = false
        for delayMs in stride(from: 40, through: 2600, by: 160) {
            let dir = CLI.temporaryDirectory("unit-kill-\(delayMs)")
            _ = CLI.tool("/bin/cp", ["-a", template + "/.", dir])
            try "mine".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
            try Self.killed(afterMs: delayMs, ["report", Self.runB, "-o", dir, "--quiet"])
            let leftovers = Self.stagingLeftovers(dir)
            sawStaging = sawStaging || !leftovers.isEmpty
            let owners = Self.owners(dir)
            sawB = sawB || owners == ["overfit-60"]
            // One run's artifacts, whichever the kill left. A kill inside the commit itself (the
            // moves of a sealed staging folder, microseconds) is rolled forward by the next writer.
            let sealed = leftovers.contains { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/.varreport-manifest.json") }
            if !sealed { #expect(owners.count == 1, "killed after \(delayMs) ms: \(owners)") }
            // The next writer finishes or removes what was left, then writes its report.
            #expect(CLI.run(["report", Self.runB, "-o", dir, "--quiet"]).status == 0)
            #expect(Self.owners(dir) == ["overfit-60"])
            #expect(Self.stagingLeftovers(dir).isEmpty)
            // The old run's figure that the new one does not produce is gone; the user's file stays.
            #expect(!FileManager.default.fileExists(atPath: dir + "/figures/scales_loss.png"))
            #expect(try String(contentsOfFile: dir + "/notes.txt", encoding: .utf8) == "mine")
        }
        // The kills landed both while staging and after the commit.
        #expect(sawStaging && sawB)
    }

    @Test func aSecondWriterWaitsThenFailsClearly() throws {
        let dir = CLI.temporaryDirectory("unit-lock")
        // Hold the folder's lock as a writer would.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [dir + "/.varreport.lock", "sleep", "3"]
        try holder.run()
        usleep(300_000)
        let r = CLI.run(["report", Self.runB, "-o", dir, "--quiet"], environment: ["VARREPORT_LOCK_WAIT": "1"])
        holder.waitUntilExit()
        #expect(r.status == 2)
        #expect(r.stderr.contains(dir) && r.stderr.contains("another varreport is writing into this folder"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/summary.json"))
        #expect(CLI.run(["report", Self.runB, "-o", dir, "--quiet"]).status == 0)
    }

    /// The sweeps each comparison file says it is of, by its run count ("Sweep comparison: 3
    /// runs" in sweep.md, sweep.html and the PDF's subject; the runs of sweep.json).
    static func sweepOwners(_ dir: String) -> Set<Int> {
        var out = Set<Int>()
        if let d = FileManager.default.contents(atPath: dir + "/sweep.json"),
           let j = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let runs = j["runs"] as? [Any] {
            out.insert(runs.count)
        }
        for page in ["sweep.md", "sweep.html"] {
            guard let t = try? String(contentsOfFile: dir + "/" + page, encoding: .utf8) else { continue }
            for n in [2, 3] where t.contains("Sweep comparison: \(n) runs") { out.insert(n) }
        }
        let info = CLI.tool("pdfinfo", [dir + "/sweep.pdf"])
        for n in [2, 3] where info.stdout.contains("\(n) VAR training runs") { out.insert(n) }
        return out
    }

    @Test func aSweepKilledAtAnyPointLeavesOneComparison() throws {
        let fixture = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/sweep").path
        let sweepA = ["d16-seed0", "d16-seed1"].map { fixture + "/" + $0 }
        let sweepB = ["d20-seed0", "d24-seed0", "d30-seed0"].map { fixture + "/" + $0 }
        let template = CLI.temporaryDirectory("unit-sweep-a")
        #expect(CLI.run(["sweep"] + sweepA + ["-o", template, "-q"]).status == 0)
        #expect(Self.sweepOwners(template) == [2])
        var sawA = false, sawB = false
        for delayMs in stride(from: 20, through: 1400, by: 90) {
            let dir = CLI.temporaryDirectory("unit-sweep-kill-\(delayMs)")
            _ = CLI.tool("/bin/cp", ["-a", template + "/.", dir])
            try Self.killed(afterMs: delayMs, ["sweep"] + sweepB + ["-o", dir, "-q", "--jobs", "1"])
            let owners = Self.sweepOwners(dir)
            sawA = sawA || owners == [2]
            sawB = sawB || owners == [3]
            let sealed = Self.stagingLeftovers(dir).contains { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/.varreport-manifest.json") }
            if !sealed { #expect(owners.count == 1, "sweep killed after \(delayMs) ms: \(owners)") }
            // Every run's report folder holds one run too.
            for name in (try? FileManager.default.contentsOfDirectory(atPath: dir + "/runs")) ?? [] {
                let runDir = dir + "/runs/" + name
                let runSealed = Self.stagingLeftovers(runDir).contains { FileManager.default.fileExists(atPath: runDir + "/" + $0 + "/.varreport-manifest.json") }
                if !runSealed { #expect(Self.owners(runDir, names: [name]).count <= 1, "\(name) after \(delayMs) ms") }
            }
            #expect(CLI.run(["sweep"] + sweepB + ["-o", dir, "-q"]).status == 0)
            #expect(Self.sweepOwners(dir) == [3])
            #expect(Self.stagingLeftovers(dir).isEmpty)
            // The first sweep's figures that the second does not draw (its seed band) are gone.
            #expect(!FileManager.default.fileExists(atPath: dir + "/figures/seeds.png"))
        }
        #expect(sawA && sawB)
    }

    @Test func aSecondSweepWaitsThenFailsClearly() throws {
        let fixture = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/sweep").path
        let dir = CLI.temporaryDirectory("unit-sweep-lock")
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        holder.arguments = [dir + "/.varreport.lock", "sleep", "4"]
        try holder.run()
        usleep(300_000)
        let r = CLI.run(["sweep", fixture + "/d16-seed0", "-o", dir, "-q"], environment: ["VARREPORT_LOCK_WAIT": "1"])
        holder.waitUntilExit()
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains(dir) && r.stderr.contains("another varreport is writing into this folder"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir + "/sweep.json"))
        #expect(CLI.run(["sweep", fixture + "/d16-seed0", "-o", dir, "-q"]).status == 0)
    }
}
