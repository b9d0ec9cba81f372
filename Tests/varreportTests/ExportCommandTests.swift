import Foundation
import Testing

/// `varreport export`: every scalar of the run, in canonical names, as CONTRACT.md gives the columns.
@Suite struct ExportCommandTests {
    @Test func csvHasOneRowPerPointWithTheContractsColumns() throws {
        let r = CLI.run(["export", CLI.example, "--format", "csv", "--quiet"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "metric,epoch,step,wall_time,value")
        // The example's points: every series of the summary's metrics, counted by the reader.
        let summary = CLI.run(["summary", CLI.example, "--json", "--quiet"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(summary.stdout.utf8)) as? [String: Any])
        let metrics = try #require(json["metrics"] as? [String: [String: Any]])
        let tail = try #require(metrics["val/loss_tail"])
        let rows = lines.dropFirst().filter { $0.hasPrefix("val/loss_tail,") }
        #expect(rows.count == tail["points"] as? Int)
        // Sorted by metric, then step.
        let keys = lines.dropFirst().map { l -> (String, Int) in
            let f = l.split(separator: ",", omittingEmptySubsequences: false)
            return (String(f[0]), Int(f[2]) ?? Int.min)
        }
        #expect(zip(keys, keys.dropFirst()).allSatisfy { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 <= $1.1) })
        let best = try #require(tail["best"] as? [String: Any])
        let bestEpoch = try #require(best["epoch"] as? Int)
        #expect(rows.contains { $0.split(separator: ",")[1] == "\(bestEpoch)" })
    }

    @Test func jsonLinesParseAndAPipeThatClosesIsNoError() throws {
        let dir = CLI.temporaryDirectory("export")
        let out = dir + "/scalars.jsonl"
        let r = CLI.run(["export", CLI.example, "--format", "jsonl", "-o", out, "--quiet"])
        #expect(r.status == 0)
        let text = try String(contentsOfFile: out, encoding: .utf8)
        var n = 0
        for line in text.split(separator: "\n") {
            let o = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(Set(o.keys) == ["metric", "epoch", "step", "wall_time", "value"])
            n += 1
        }
        #expect(n > 10_000)
        let piped = CLI.tool("/bin/sh", ["-c", "'\(CLI.binary)' export '\(CLI.example)' --quiet | head -1"])
        #expect(piped.status == 0 && piped.stdout == "metric,epoch,step,wall_time,value\n" && !piped.stderr.contains("crash"))
    }

    /// wall_time is Unix seconds, as in TensorBoard's download: the example's console times are put
    /// on TensorBoard's clock; a console alone leaves the cell empty and says why.
    @Test func wallTimeIsUnixTimeOrEmpty() throws {
        let r = CLI.run(["export", CLI.example, "--format", "csv", "--quiet"])
        let rows = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let walls = rows.compactMap { Double($0[3]) }
        #expect(walls.count > 10_000 && walls.allSatisfy { $0 > 1.7e9 && $0 < 1.8e9 }, "\(walls.min() ?? 0)")
        // The per-iteration losses come from stdout.txt only; they have Unix times too.
        let iterationRows = rows.filter { $0[0] == "train/loss_tail" && $0[2] == "62" }
        #expect(iterationRows.count == 1 && (Double(iterationRows[0][3]) ?? 0) > 1.7e9)

        let dir = CLI.temporaryDirectory("export-console")
        let fixture = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/var/stdout-clean.txt").path
        try FileManager.default.copyItem(atPath: fixture, toPath: dir + "/stdout.txt")
        let alone = CLI.run(["export", dir + "/stdout.txt"])
        #expect(alone.status == 0)
        let cells = alone.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[3] }
        #expect(!cells.isEmpty && cells.allSatisfy(\.isEmpty))
        #expect(alone.stderr.contains("have no wall_time: the console's clock has no year"))
    }

    /// --level keeps one granularity: a metric's epoch average and its per-iteration value can
    /// share a step, and a script plotting one must not get the other.
    @Test func levelPicksEpochOrIterationPoints() throws {
        func rows(_ extra: [String]) -> [String] {
            CLI.run(["export", CLI.example, "--quiet"] + extra).stdout.split(separator: "\n").dropFirst()
                .filter { $0.hasPrefix("train/loss_tail,") }.map(String.init)
        }
        let all = rows([]), epoch = rows(["--level", "epoch"]), iteration = rows(["--level", "iteration"])
        #expect(epoch.count == 200 && iteration.count == 1000 && all.count == 1200)
        #expect(Set(epoch + iteration) == Set(all))
        #expect(CLI.run(["export", CLI.example, "--level", "hour"]).status == 2)
    }
}
