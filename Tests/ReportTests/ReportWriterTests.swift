import Analysis
import Foundation
import Testing
@testable import Report
import TrainingLog

@Suite struct ReportWriterTests {
    func temporaryDirectory() -> String {
        let dir = NSTemporaryDirectory() + "varreport-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    func tool(_ tool: String, _ args: [String]) -> String? { externalTool(tool, args) }

    @Test func writesEveryFileAndThePDFStatesVerdictAndCrossing() throws {
        let run = SyntheticRun.make()
        let summary = Analyzer.analyze(run)
        let dir = temporaryDirectory()
        let files = try ReportWriter(settings: ReportSettings()).write(run: run, summary: summary, to: dir)
        for f in files.all { #expect(FileManager.default.fileExists(atPath: f), "missing \(f)") }
        #expect(files.figures.contains { $0.hasSuffix("figures/loss.png") })

        let crossing = try #require(summary.metrics["train/loss_tail"]?.firstBelow?.epoch)
        #expect(crossing == 29)
        let text = try #require(tool("pdftotext", ["-layout", files.pdf!, "-"]))
        #expect(text.contains(ReportModel.verdictLabel(summary.verdict)))
        #expect(text.contains("went below 5.5 at epoch 29"))
        #expect(text.contains("train/loss_mean did not reach 5.5"))
        let info = try #require(tool("pdfinfo", [files.pdf!]))
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last!) }
        #expect((pages ?? 0) >= 3)
        #expect(info.contains("Title:") && info.contains("synthetic-d16"))
    }

    @Test func chineseReportWordsRenderInThePDF() throws {
        let run = SyntheticRun.make()
        var settings = ReportSettings()
        settings.language = .zh
        let files = try ReportWriter(settings: settings).write(run: run, summary: Analyzer.analyze(run), to: temporaryDirectory())
        let text = try #require(tool("pdftotext", [files.pdf!, "-"]))
        // pdftotext reads the words back only when a CJK font drew real glyphs (fonts-wqy-microhei, installed by make).
        let hasCJKFont = !(tool("fc-list", [":lang=zh"]) ?? "").isEmpty
        if hasCJKFont {
            #expect(text.contains("训练报告"))
            #expect(text.contains("关键指标"))
        }
        let html = try String(contentsOfFile: files.html!, encoding: .utf8)
        #expect(html.contains("<html lang=\"zh\""))
        #expect(html.contains("结论"))
    }

    @Test func htmlIsSelfContainedAndEscapesHostileNames() throws {
        let hostile = "<img src=x onerror=alert(1)>"
        let run = SyntheticRun.make(name: hostile)
        let summary = Analyzer.analyze(run)
        let files = try ReportWriter(settings: ReportSettings()).write(run: run, summary: summary, to: temporaryDirectory())
        let html = try String(contentsOfFile: files.html!, encoding: .utf8)
        #expect(!html.contains(hostile))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        // The only scripts are the page's own (one, allowed by hash) and the figures' data blocks.
        let dataBlocks = html.components(separatedBy: "<script type=\"application/json\" class=\"vr-data\">").count - 1
        #expect(html.components(separatedBy: "<script").count - 1 == 1 + dataBlocks)
        // No external requests: every URL in the page is an in-document reference or an XML namespace.
        for scheme in ["http://", "https://"] {
            let urls = html.components(separatedBy: scheme).dropFirst().map { String($0.prefix(40)) }
            for u in urls { #expect(u.hasPrefix("www.w3.org/"), "external URL: \(scheme)\(u)") }
        }
        #expect(!html.contains("src=\"//") && !html.contains("href=\"//"))
        #expect(html.contains("<svg"))
        // Inline SVG ids were made unique per figure.
        #expect(html.contains("id=\"f0-") && html.contains("id=\"f1-"))
    }

    @Test func markdownImageLinksResolve() throws {
        let run = SyntheticRun.make()
        let files = try ReportWriter(settings: ReportSettings()).write(run: run, summary: Analyzer.analyze(run), to: temporaryDirectory())
        let md = try String(contentsOfFile: files.markdown!, encoding: .utf8)
        let links = md.components(separatedBy: "](").dropFirst().compactMap { $0.split(separator: ")").first.map(String.init) }
        #expect(!links.isEmpty)
        for link in links {
            #expect(!link.hasPrefix("/"), "absolute link \(link)")
            #expect(FileManager.default.fileExists(atPath: files.directory + "/" + link), "broken link \(link)")
        }
    }

    @Test func anExistingFolderIsUpdatedNotWiped() throws {
        let dir = temporaryDirectory()
        let mine = dir + "/notes.txt"
        try "keep me".write(toFile: mine, atomically: true, encoding: .utf8)
        let run = SyntheticRun.make()
        _ = try ReportWriter(settings: ReportSettings()).write(run: run, summary: Analyzer.analyze(run), to: dir)
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "keep me")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func refusesToWriteOverAnInputFile() throws {
        let dir = temporaryDirectory()
        let input = dir + "/report.md"
        try "my own log".write(toFile: input, atomically: true, encoding: .utf8)
        var run = SyntheticRun.make()
        run.sources.append(SourceInfo(path: input, format: .csv))
        #expect(throws: ReportError.self) {
            try ReportWriter(settings: ReportSettings()).write(run: run, summary: Analyzer.analyze(run), to: dir)
        }
        #expect(try String(contentsOfFile: input, encoding: .utf8) == "my own log")
    }

    @Test func sameInputGivesSameBytes() throws {
        let run = SyntheticRun.make()
        let summary = Analyzer.analyze(run)
        let a = try ReportWriter(settings: ReportSettings()).write(run: run, summary: summary, to: temporaryDirectory())
        let b = try ReportWriter(settings: ReportSettings()).write(run: run, summary: summary, to: temporaryDirectory())
        for (x, y) in zip(a.all, b.all) {
            #expect(FileManager.default.contents(atPath: x) == FileManager.default.contents(atPath: y), "\(x) differs from \(y)")
        }
    }
}

@Suite struct TemplateTests {
    /// The binary carries templates/ embedded; `make templates` regenerates them.
    @Test func embeddedTemplatesMatchFiles() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("templates")
        let names = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".mustache") }
        #expect(!names.isEmpty)
        for n in names {
            let text = try String(contentsOf: root.appendingPathComponent(n), encoding: .utf8)
            #expect(DefaultTemplates.all[String(n.dropLast(9))] == text, "\(n) differs from the embedded copy: run `make templates`")
        }
    }

    @Test func userTemplatesOverrideDefaults() throws {
        let dir = NSTemporaryDirectory() + "tpl-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "RUN={{run.name}} VERDICT={{verdict}}".write(toFile: dir + "/report.md.mustache", atomically: true, encoding: .utf8)
        let set = try TemplateSet(directory: dir)
        let out = try set.render("report.md", ["run": ["name": "a<b"], "verdict": "converged"])
        #expect(out == "RUN=a&lt;b VERDICT=converged")
        #expect(set.names.contains("report.html"))
    }

    @Test func markdownEscapingKeepsTablesIntact() {
        let escaped = MarkdownContentType().escapeText("a|b *c* <x>\nnext")
        #expect(escaped == "a\\|b \\*c\\* &lt;x&gt; next")
    }

    @Test func svgIdsArePrefixed() {
        let svg = "<?xml version=\"1.0\"?>\n<svg><g id=\"glyph0-1\"/><use xlink:href=\"#glyph0-1\"/><g clip-path=\"url(#clip1)\"/></svg>"
        let out = SVGInline.prepare(Data(svg.utf8), idPrefix: "f3")
        #expect(out == "<svg><g id=\"f3-glyph0-1\"/><use xlink:href=\"#f3-glyph0-1\"/><g clip-path=\"url(#f3-clip1)\"/></svg>")
    }
}
