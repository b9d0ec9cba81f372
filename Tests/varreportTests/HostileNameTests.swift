import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// Run and metric names are data from the logs, and logs can hold anything: HTML, Markdown,
/// `../`, line breaks (CRLF too), terminal escape sequences. Every output format shows them as
/// text, no file is made outside the output folder, and a symlinked run folder is only read.
@Suite struct HostileNameTests {
    /// A folder name cannot hold `/`, so no closing tags here; the metric names (CSV header
    /// cells) carry the `../`. A CSV line cannot hold a line feed, so the metric has a lone CR.
    static let runName = "run <b>bold *x* [l](u) #h |p|\r\n# injected\u{1B}[31mred\u{1B}]0;title\u{07}"
    static let metricNames = ["<img src=x onerror=alert(1)>", "../../escape/passwd", "a|b\r## crlf", "esc\u{1B}[2Jclear"]

    /// A run folder with the hostile name, holding a CSV whose header carries the hostile metrics.
    static func hostileRun(in parent: String) throws -> String {
        let dir = parent + "/" + runName
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let header = "step,train/loss_tail," + metricNames.map { "\"\($0)\"" }.joined(separator: ",")
        var rows = [header]
        for step in 0..<40 {
            let loss = 8.3 - Double(step) * 0.08
            rows.append("\(step),\(loss)," + metricNames.indices.map { "\(Double($0) + Double(step) * 0.01)" }.joined(separator: ","))
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/metrics.csv", atomically: true, encoding: .utf8)
        return dir
    }

    static func allFiles(under root: String) -> [String] {
        (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).sorted()
    }

    @Test func everyOutputShowsHostileNamesAsText() throws {
        let parent = CLI.temporaryDirectory("hostile")
        let run = try Self.hostileRun(in: parent)
        let out = parent + "/out"
        let r = CLI.run(["report", run, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        // Nothing outside the run folder and the output folder.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: parent)) == [Self.runName, "out"])
        #expect(!Self.allFiles(under: parent).contains { $0.contains("passwd") && !$0.hasPrefix(Self.runName) })

        let md = try String(contentsOfFile: out + "/report.md", encoding: .utf8)
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        for page in [md, html] {
            #expect(!page.contains("<img src=x"), "a metric name became an element")
            #expect(!page.contains("<b>bold"), "the run name became markup")
            #expect(!page.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 }, "control characters reached the page")
        }
        // The name's CRLF did not start a Markdown heading or break a table row.
        #expect(!md.split(separator: "\n", omittingEmptySubsequences: false).contains { $0.hasPrefix("# injected") || $0.hasPrefix("## crlf") })
        for line in md.split(separator: "\n") where line.hasPrefix("|") { #expect(line.hasSuffix("|"), "\(line)") }
        #expect(md.contains("run &lt;b&gt;bold \\*x\\*") && html.contains("run &lt;b&gt;bold *x*"))

        // summary.json keeps the names exactly, as JSON strings.
        let data = try #require(FileManager.default.contents(atPath: out + "/summary.json"))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let metrics = try #require(json["metrics"] as? [String: Any])
        for name in Self.metricNames { #expect(metrics[name] != nil, "\(name.debugDescription) missing from summary.json") }

        // PDF text: no control characters.
        let pdf = CLI.tool("pdftotext", [out + "/report.pdf", "-"])
        #expect(pdf.status == 0)
        #expect(!pdf.stdout.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })

        // SVG: well-formed XML whatever the names.
        let svg = parent + "/figure.svg"
        #expect(CLI.run(["plot", run, "--metric", Self.metricNames[0], "--metric", Self.metricNames[3], "-o", svg, "--quiet"]).status == 0)
        let parser = XMLParser(data: try #require(FileManager.default.contents(atPath: svg)))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        try FileManager.default.removeItem(atPath: svg)

        // The terminal: no escape sequence and no carriage return from the names.
        for result in [CLI.run(["summary", run]), r, CLI.run(["summary", run + "/nonexistent"])] {
            for stream in [result.stdout, result.stderr] {
                #expect(!stream.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x0D }, "\(stream.debugDescription)")
            }
        }
        #expect(CLI.run(["summary", run]).stdout.contains("\\e[31mred"))
    }

    @Test func runsWhoseNamesSanitiseAlikeStayApart() throws {
        let parent = CLI.temporaryDirectory("alike")
        for name in ["x y", "x_y", "x?y"] {
            try FileManager.default.createDirectory(atPath: parent + "/runs/" + name, withIntermediateDirectories: true)
            try "step,train/loss_tail\n0,8.0\n1,7.\(name.count)\n".write(toFile: parent + "/runs/\(name)/metrics.csv", atomically: true, encoding: .utf8)
        }
        let r = CLI.run(["report", parent + "/runs/x y", parent + "/runs/x_y", parent + "/runs/x?y", "-o", parent + "/reports", "--quiet"])
        #expect(r.status == 0, "\(r.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: parent + "/reports").filter { !$0.hasPrefix(".") }.sorted()
        #expect(folders == ["x_y", "x_y-2", "x_y-3"])
        var names = Set<String>()
        for f in folders {
            let data = try #require(FileManager.default.contents(atPath: parent + "/reports/\(f)/summary.json"))
            let run = try #require((try JSONSerialization.jsonObject(with: data) as? [String: Any])?["run"] as? [String: Any])
            names.insert(run["name"] as? String ?? "")
        }
        #expect(names == ["x y", "x_y", "x?y"])
    }

    @Test func aSymlinkedRunFolderIsReadButNothingIsWrittenThere() throws {
        let parent = CLI.temporaryDirectory("linked")
        let target = parent + "/elsewhere/run"
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CLI.example + "/stdout.txt", toPath: target + "/stdout.txt")
        try FileManager.default.createDirectory(atPath: parent + "/work", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: parent + "/work/run", withDestinationPath: target)
        let before = Self.allFiles(under: target)
        let r = CLI.run(["report", "run", "--quiet"], cwd: parent + "/work")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(Self.allFiles(under: target) == before)
        #expect(FileManager.default.fileExists(atPath: parent + "/work/report-run/report.pdf"))
    }
}
