import Report
import Foundation
import Render
import TextFormat

/// The files of the comparison report.
public struct SweepReportFiles: Sendable {
    public var json: String
    public var markdown: String?
    public var html: String?
    public var pdf: String?
    public var figures: [String]
}

/// Writes the comparison of a sweep into its folder: `sweep.json`, `sweep.md`, `sweep.html`
/// (self-contained, sortable table), `sweep.pdf` and `figures/*.png`, as one unit (`ReportCommit`).
public struct SweepReportWriter: Sendable {
    public var settings: ReportSettings
    private let templates: TemplateSet

    public init(settings: ReportSettings) throws {
        self.settings = settings
        templates = try TemplateSet(directory: settings.templateDirectory)
    }

    public func write(_ c: SweepComparison, to directory: String) throws -> SweepReportFiles {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        var files = SweepReportFiles(json: dir + "/sweep.json", markdown: nil, html: nil, pdf: nil, figures: [])
        // One unit, as a run's report is: staged, then committed with its manifest.
        try ReportCommit.writeUnit(into: dir, run: "sweep of \(c.entries.count) runs", runPath: dir,
                                   lockWaitSeconds: settings.lockWaitSeconds) { staging in
            try AtomicFile.createFolder(staging + "/figures")
            try AtomicFile.write(try SweepJSON.encode(c), to: staging + "/sweep.json")
            var written = ["sweep.json"]
            let named = SweepFigures.all(c, settings: settings.figures)
            let (outputs, figurePaths) = try FigureOutput.write(named, into: staging, pngScale: settings.pngScale,
                                                                inlineSVG: settings.writeHTML, idPrefix: "s")
            written += figurePaths.map { String($0.dropFirst(staging.count + 1)) }
            files.figures = figurePaths.map { dir + $0.dropFirst(staging.count) }
            let context = SweepContext.make(c, figures: outputs)
            let (markdown, html) = try templates.writePages("sweep", context, into: staging,
                                                            markdown: settings.writeMarkdown, html: settings.writeHTML)
            if markdown != nil { written.append("sweep.md"); files.markdown = dir + "/sweep.md" }
            if html != nil { written.append("sweep.html"); files.html = dir + "/sweep.html" }
            if settings.writePDF {
                try SweepPDF(comparison: c, figures: named).document().finish(to: staging + "/sweep.pdf")
                written.append("sweep.pdf")
                files.pdf = dir + "/sweep.pdf"
            }
            return written
        }
        return files
    }
}

/// The comparison as a PDF: the headline numbers and the runs table first, then the figures,
/// the scaling fits with what was left out of them, and the runs that failed.
struct SweepPDF {
    let comparison: SweepComparison
    let figures: [NamedFigure]

    func document() -> PDFDocument {
        let c = comparison
        let doc = PDFDocument(title: "Sweep comparison", author: "varreport", subject: "\(c.entries.count) VAR training runs",
                              creator: "varreport \(ReportContext.toolVersion)", pageSize: (width: 841.8898, height: 595.2756),
                              margin: 40)
        doc.heading("Sweep comparison: \(c.entries.count) runs", level: 1)
        var lines: [String] = []
        if !c.varyingKeys.isEmpty { lines.append("Hyperparameters that differ: \(c.varyingKeys.joined(separator: ", ")).") }
        if let b = c.best {
            lines.append("Best run by final \(c.primaryMetric): \(c.entries[b].record.name) (\(NumberFormat.fixed(c.entries[b].record.final[c.primaryMetric], 4))).")
        }
        if c.failedCount > 0 { lines.append("\(c.failedCount) run\(c.failedCount == 1 ? "" : "s") failed to read or render (listed at the end).") }
        if let s = c.scaling {
            lines.append("Scaling law on final \(s.metric): " + cFormat("L = (%.4g · N)^%.4f, r = %.3f, r² = %.3f over %d runs.",
                                                                        s.beta, s.alpha, s.r, s.r2, s.nPoints))
        } else if let note = c.scalingNote { lines.append(note) }
        for l in lines { doc.text(l) }
        doc.space(6)
        let cols = SweepContext.columns(c)
        doc.table(header: ["run"] + cols.map(\.title),
                  rows: c.entries.enumerated().map { (i, e) in [(i == c.best ? "★ " : "") + e.record.name] + cols.map { $0.cell(e).text } },
                  columnAlignments: [.leading] + cols.map { $0.numeric ? .trailing : .leading })
        if c.entries.contains(where: { $0.parametersSource == "depth" }) {
            doc.text("* parameters computed from the depth with VAR's formula (the logs did not state them).")
        }
        doc.pageBreak()
        doc.heading("Figures", level: 1)
        for nf in figures {
            doc.heading(nf.title, level: 2)
            doc.figure(nf.figure, caption: nf.caption)
        }
        doc.heading("Scaling law", level: 1)
        if c.fits.isEmpty { doc.text(c.scalingNote ?? "No scaling law.") } else {
            doc.table(header: ["metric", "loss", "irreducible", "alpha", "beta", "r", "r²", "runs"],
                      rows: c.fits.map { f in
                          [f.metric, f.kind, f.irreducible.map { NumberFormat.compact($0) } ?? "–", cFormat("%.4f", f.alpha),
                           cFormat("%.4g", f.beta), cFormat("%.4f", f.r), cFormat("%.4f", f.r2), "\(f.nPoints)"]
                      })
        }
        if !c.allExclusions.isEmpty {
            doc.heading("Left out of the fit", level: 2)
            doc.table(header: ["run", "reason"], rows: c.allExclusions.map { [$0.name, $0.reason] })
        }
        if c.failedCount > 0 {
            doc.heading("Failed runs", level: 1)
            doc.table(header: ["run", "path", "error"],
                      rows: c.entries.filter(\.record.failed).map { [$0.record.name, $0.record.path, $0.record.error ?? ""] })
        }
        return doc
    }
}
