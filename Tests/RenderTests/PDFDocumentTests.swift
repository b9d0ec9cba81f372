import Foundation
import Testing
@testable import Render

@Suite struct PDFDocumentTests {
    static func sampleDocument(rows: Int = 120) -> PDFDocument {
        let doc = PDFDocument(title: "Run report", author: "varreport tests", subject: "Render test",
                              creator: "RenderTests")
        doc.heading("Summary", level: 1)
        doc.paragraph("The run <b>converged</b>: loss went below the threshold at epoch 42, "
            + "<span foreground=\"#D55E00\">overfitting</span> from epoch 75. " + String(repeating: "Filler text to wrap. ", count: 30))
        doc.keyValueTable([("status", "finished"), ("epochs", "120 of 120"), ("best loss", "5.31 at epoch 118")])
        doc.heading("Curves", level: 2)
        doc.figure(Figure(Demo.lossChart()), caption: "Training loss with the 5.5 threshold.")
        doc.heading("Per-epoch values", level: 1)
        doc.table(header: ["epoch", "loss", "accuracy", "note"],
                  rows: (0..<rows).map { ["\($0)", String(format: "%.3f", 8.3 - Double($0) * 0.02), "\(Double($0) / 2)%", $0 % 10 == 0 ? "checkpoint saved, a longer note that wraps" : ""] },
                  columnAlignments: [.trailing, .trailing, .trailing, .leading])
        doc.pageBreak()
        doc.heading("Appendix", level: 1)
        doc.text("Plain text with <angle brackets> is shown as is.")
        doc.paragraph("Broken <b>markup is shown as text")
        return doc
    }

    @Test func pageCountOutlineAndText() throws {
        let path = Support.tempPath("pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let doc = Self.sampleDocument()
        try? doc.finish(to: "/tmp/render-demo/document.pdf")
        let expected = try doc.pageCount()
        #expect(expected >= 4)   // 120 table rows span pages, plus the forced break
        try doc.finish(to: path)
        let info = try Support.pdfInfo(path)
        #expect(info["Pages"] == "\(expected)")
        #expect(info["Title"] == "Run report")
        #expect(info["Author"] == "varreport tests")
        #expect(info["Subject"] == "Render test")
        #expect(info["Creator"] == "RenderTests")
        #expect(info["Page size"]?.contains("A4") == true)

        let text = try Support.run("pdftotext", ["-layout", path, "-"])
        #expect(text.contains("Summary") && text.contains("Per-epoch values") && text.contains("Appendix"))
        #expect(text.contains("page 1 of \(expected)") && text.contains("page \(expected) of \(expected)"))
        #expect(text.contains("threshold 5.5"))          // figure text stays text
        #expect(text.contains("<angle brackets>"))
        #expect(text.contains("Broken <b>markup"))
        // The table header repeats on the page after the break.
        #expect(text.components(separatedBy: "accuracy").count - 1 >= 2)
        #expect(text.contains("119"))

        // Outline (bookmarks): cairo writes an /Outlines tree with one /Title per heading.
        let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        #expect(raw.contains("/Outlines"))
        for title in ["Summary", "Curves", "Per-epoch values", "Appendix"] {
            #expect(raw.contains("/Title (\(title))"), "no outline entry \(title)")
        }
    }

    @Test func documentBytesAreDeterministic() throws {
        let a = try Self.sampleDocument(rows: 30).data()
        let b = try Self.sampleDocument(rows: 30).data()
        #expect(a == b)
        #expect(String(decoding: a.prefix(5), as: UTF8.self) == "%PDF-")
    }

    @Test func finishReplacesAnExistingFileAtomically() throws {
        let path = Support.tempPath("pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("old".utf8).write(to: URL(fileURLWithPath: path))
        try Self.sampleDocument(rows: 5).finish(to: path)
        let head = try #require(FileManager.default.contents(atPath: path)?.prefix(5))
        #expect(String(decoding: head, as: UTF8.self) == "%PDF-")
        let name = (path as NSString).lastPathComponent
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent)
            .filter { $0.contains(name) && $0 != name }
        #expect(leftovers.isEmpty)
        // A folder that does not exist is an error value, not a crash.
        #expect(throws: RenderError.self) { try Self.sampleDocument(rows: 1).finish(to: "/nonexistent-dir/x.pdf") }
    }

    @Test func writesCJKWhenAFontHasIt() throws {
        let cjkFonts = try Support.run("fc-list", [":lang=zh"])
        let doc = PDFDocument(title: "训练报告")
        doc.heading("训练报告", level: 1)
        doc.paragraph("损失低于阈值 5.5。")
        let path = Support.tempPath("pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try doc.finish(to: path)
        let text = try Support.run("pdftotext", [path, "-"])
        if cjkFonts.isEmpty {
            // No CJK font installed: the document still renders; the Latin part survives.
            #expect(text.contains("5.5"))
        } else {
            #expect(text.contains("训练报告"))
        }
    }
}
