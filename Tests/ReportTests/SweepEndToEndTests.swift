import Foundation
import Testing
@testable import Report
@testable import Sweep

/// The whole sweep on the committed fixture (six VAR runs: two seeds of d16, d20, d24, an
/// unfinished d30 and a diverged d16).
@Suite(.serialized) struct SweepEndToEndTests {
    func json(_ path: String) throws -> [String: Any] {
        let data = try #require(FileManager.default.contents(atPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func bytes(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func writesEveryRunsReportAndTheComparisonInTheContractSchema() throws {
        let out = SweepFixture.temporaryDirectory()
        let paths = try SweepInputs.discover([SweepFixture.root])
        let outcomes = try SweepFixture.sweep(paths, into: out, pdf: true)
        #expect(outcomes.count == 6)
        #expect(outcomes.allSatisfy { !$0.record.failed })
        for n in SweepFixture.runNames {
            for f in ["report.md", "report.html", "report.pdf", "summary.json", "curves.json", "sweep-run.json"] {
                #expect(FileManager.default.fileExists(atPath: "\(out)/runs/\(n)/\(f)"), "\(n)/\(f)")
            }
        }
        for f in ["sweep.json", "sweep.md", "sweep.html", "sweep.pdf", "figures/overlay_train.png", "figures/scaling.png",
                  "figures/seeds.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }

        let doc = try json(out + "/sweep.json")
        #expect(doc["schema"] as? String == "varreport.sweep/1")
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.map { $0["name"] as? String } == SweepFixture.runNames)
        for r in runs {
            for key in ["name", "path", "status", "report_dir", "error", "final"] { #expect(r.keys.contains(key), "\(key)") }
            #expect(r["error"] is NSNull)
            #expect((r["report_dir"] as? String)?.hasPrefix("runs/") == true)
        }
        let status = Dictionary(uniqueKeysWithValues: runs.map { ($0["name"] as! String, $0["status"] as! String) })
        #expect(status["d16-lr1e-3-seed0"] == "diverged")
        #expect(status["d30-seed0"] == "incomplete")
        #expect(status["d24-seed0"] == "finished")

        let law = try #require(doc["scaling_law"] as? [String: Any])
        #expect(law["x"] as? String == "params")
        #expect(law["n_points"] as? Int == 4)
        let alpha = try #require(law["alpha"] as? Double)
        #expect(alpha < 0)
        #expect((law["r2"] as? Double ?? 0) > 0.9)
        let excluded = try #require(law["excluded"] as? [[String: String]])
        #expect(excluded.map { $0["name"] } == ["d16-lr1e-3-seed0", "d30-seed0"])
        #expect(excluded[0]["reason"] == "diverged")
        #expect(excluded[1]["reason"]?.hasPrefix("unfinished") == true)
        #expect(doc["best_run"] as? String == "d24-seed0")

        let md = try String(contentsOfFile: out + "/sweep.md", encoding: .utf8)
        #expect(md.contains("| run | depth | tblr | seed | params |"))
        #expect(md.contains("d30\\-seed0: unfinished") || md.contains("d30-seed0: unfinished"))
        #expect(md.contains("L = ("))
        let html = try String(contentsOfFile: out + "/sweep.html", encoding: .utf8)
        #expect(html.contains("class=\"sortable"))
        #expect(html.contains("<svg"))
    }

    @Test func shardedThenMergedEqualsSingleMachineByteForByte() throws {
        let paths = try SweepInputs.discover([SweepFixture.root])
        let single = SweepFixture.temporaryDirectory("single")
        try SweepFixture.sweep(paths, into: single, jobs: 2)

        // Three shards into one shared folder (a cluster file system), then --merge.
        let shared = SweepFixture.temporaryDirectory("shared")
        var rendered: [String] = []
        for i in 0..<3 {
            let o = try SweepFixture.sweep(paths, into: shared, jobs: 1, shard: SweepShard(index: i, count: 3), compare: false)
            rendered += o.map(\.ref.name)
        }
        #expect(rendered.sorted() == SweepFixture.runNames)
        #expect(!FileManager.default.fileExists(atPath: shared + "/sweep.json"))
        let merged = try SweepComparison.load(directories: [shared], output: shared)
        _ = try SweepReportWriter(settings: SweepFixture.settings(output: shared).report).write(merged, to: shared)

        for f in ["sweep.json", "sweep.md", "sweep.html", "sweep-plan.json"] {
            #expect(bytes(single + "/" + f) == bytes(shared + "/" + f), "\(f) differs")
        }
        for n in SweepFixture.runNames {
            for f in ["summary.json", "curves.json", "sweep-run.json", "report.md"] {
                #expect(bytes("\(single)/runs/\(n)/\(f)") == bytes("\(shared)/runs/\(n)/\(f)"), "\(n)/\(f) differs")
            }
        }
    }

    @Test func shardsInSeparateFoldersMergeIntoAThird() throws {
        let paths = try SweepInputs.discover([SweepFixture.root])
        let a = SweepFixture.temporaryDirectory("shard-a"), b = SweepFixture.temporaryDirectory("shard-b")
        try SweepFixture.sweep(paths, into: a, jobs: 1, shard: SweepShard(index: 0, count: 2), compare: false)
        try SweepFixture.sweep(paths, into: b, jobs: 1, shard: SweepShard(index: 1, count: 2), compare: false)
        let out = SweepFixture.temporaryDirectory("merged")
        let c = try SweepComparison.load(directories: [a, b], output: out)
        #expect(c.failedCount == 0)
        #expect(c.entries.map(\.reportDir).allSatisfy { $0.hasPrefix("../") })
        // A missing shard makes its runs count as failed, with a reason.
        let partial = try SweepComparison.load(directories: [a], output: a)
        #expect(partial.failedCount == 3)
        #expect(partial.entries.filter(\.record.failed).allSatisfy { $0.record.error?.contains("no shard wrote") == true })
    }

    @Test func aReRunSkipsUnchangedRunsAndRendersOnlyTheChangedOne() throws {
        let dir = SweepFixture.temporaryDirectory("inc-in")
        let paths = try SweepFixture.copy(["d16-seed0", "d20-seed0", "d24-seed0"], to: dir)
        let out = SweepFixture.temporaryDirectory("inc-out")
        let first = try SweepFixture.sweep(paths, into: out)
        #expect(first.allSatisfy { !$0.skipped })
        let before = bytes(out + "/sweep.json")

        let again = try SweepFixture.sweep(paths, into: out)
        #expect(again.allSatisfy { $0.skipped })
        #expect(bytes(out + "/sweep.json") == before)

        // Change one run's log: only that run is rendered again.
        let handle = try #require(FileHandle(forWritingAtPath: paths[1] + "/log.txt"))
        handle.seekToEndOfFile()
        handle.write(Data("\n".utf8))
        try handle.close()
        let third = try SweepFixture.sweep(paths, into: out)
        #expect(third.filter { !$0.skipped }.map(\.ref.name) == ["d20-seed0"])

        let forced = try SweepFixture.sweep(paths, into: out, force: true)
        #expect(forced.allSatisfy { !$0.skipped })
    }

    @Test func aRunThatFailsIsReportedAndDoesNotStopTheOthers() throws {
        let dir = SweepFixture.temporaryDirectory("fail-in")
        var paths = try SweepFixture.copy(["d16-seed0", "d20-seed0"], to: dir)
        try FileManager.default.createDirectory(atPath: dir + "/broken", withIntermediateDirectories: true)
        try "this is not a VAR log\n".write(toFile: dir + "/broken/stdout.txt", atomically: true, encoding: .utf8)
        paths.insert(dir + "/broken", at: 1)
        let out = SweepFixture.temporaryDirectory("fail-out")
        let outcomes = try SweepFixture.sweep(paths, into: out)
        #expect(outcomes.map(\.record.failed) == [false, true, false])
        #expect(outcomes[1].record.error?.isEmpty == false)
        let doc = try json(out + "/sweep.json")
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs[1]["status"] as? String == "failed")
        #expect((runs[1]["error"] as? String)?.isEmpty == false)
        #expect(runs[0]["status"] as? String == "finished")
        let md = try String(contentsOfFile: out + "/sweep.md", encoding: .utf8)
        #expect(md.contains("## Failed runs"))
    }

    /// Cairo, Pango and fontconfig from several threads: every file of every run's report (PNG,
    /// PDF, HTML with inline SVG, Markdown, JSON) is the same byte for byte as when rendered serially.
    @Test func concurrentRenderingEqualsSerialByteForByte() throws {
        let paths = try SweepInputs.discover([SweepFixture.root])
        let serial = SweepFixture.temporaryDirectory("serial")
        let parallel = SweepFixture.temporaryDirectory("parallel")
        try SweepFixture.sweep(paths, into: serial, jobs: 1, pdf: true)
        try SweepFixture.sweep(paths, into: parallel, jobs: 6, pdf: true)
        let a = SweepFixture.files(under: serial), b = SweepFixture.files(under: parallel)
        #expect(a == b)
        #expect(a.count > 6 * 8)
        // The report manifest carries a generation id of its own: every other file is compared.
        for f in a where !f.hasSuffix(ReportCommit.manifestName) && bytes(serial + "/" + f) != bytes(parallel + "/" + f) {
            Issue.record("\(f) differs between serial and parallel rendering")
        }
    }
}
