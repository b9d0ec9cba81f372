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
}
