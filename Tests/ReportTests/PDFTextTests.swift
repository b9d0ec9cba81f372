import Analysis
import Foundation
@testable import Report
import Testing
import TrainingLog

/// The PDF's text is typeset, not Markdown: report sentences are written once with `code` and
/// **strong** marks for Markdown and HTML, and the PDF sets those as monospace and bold.
@Suite struct PDFTextTests {
    static let runs = ["Examples/var-d16", "Tests/Fixtures/diagnosis/overfit-60", "Tests/Fixtures/diagnosis/spike-once",
                       "Tests/Fixtures/diagnosis/crashed-finetune"]

    @Test(arguments: runs)
    func noMarkdownPunctuationInThePDF(run path: String) throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent(path).path)
        let summary = Analyzer.analyze(run)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-pdftext-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try ReportWriter(settings: ReportSettings()).write(run: run, summary: summary, to: dir)
        let pdf = try #require(files.pdf)
        let text = try #require(externalTool("pdftotext", [pdf, "-"]))
        // The report's own words: up to the sources page, which lists files and warnings as written.
        let body = text.components(separatedBy: "\nSources\n").first ?? text
        for mark in ["`", "**", "](", "\n# ", "\n## "] {
            #expect(!body.contains(mark), "\(path): '\(mark)' in the PDF text")
        }
        // The same sentences in Markdown do carry their code marks, and the PDF keeps the words.
        let model = ReportModel(summary: summary, language: .en)
        let coded = model.findings.compactMap(\.recommendation).filter { $0.contains("`") }
        for r in coded {
            let words = r.replacingOccurrences(of: "`", with: "").split(separator: " ").prefix(4).joined(separator: " ")
            #expect(body.replacingOccurrences(of: "\n", with: " ").contains(words), "\(path): '\(words)' missing from the PDF")
        }
    }

    /// No page holds only a line or two: a pointer to what follows ("12 more findings (info) ...")
    /// once made a page of its own, and a first page that ran over by a few lines left the next
    /// one nearly empty before its section's page break (now `sectionBreak`, with widow control).
    @Test(arguments: runs)
    func noPageHoldsOnlyALine(run path: String) throws {
        let run = try RunLoader.load(ChineseReportTests.root.appendingPathComponent(path).path)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-pdfpages-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let files = try ReportWriter(settings: ReportSettings()).write(run: run, summary: Analyzer.analyze(run), to: dir)
        let pdf = try #require(files.pdf)
        let text = try #require(externalTool("pdftotext", ["-layout", pdf, "-"]))
        for (i, page) in text.components(separatedBy: "\u{0C}").enumerated() {
            let lines = page.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && !$0.hasPrefix("page ") }
            if lines.isEmpty { continue }  // after the last page break
            #expect(lines.count > 2, "\(path): page \(i + 1) holds only \(lines)")
        }
    }
}
