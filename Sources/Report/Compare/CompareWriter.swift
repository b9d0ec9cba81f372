import Foundation
import Render
import TextFormat

/// Writes a comparison of runs into a folder as one unit (`ReportCommit`): `compare.md`,
/// `compare.html` (templates `compare.*.mustache`), `compare.pdf` and `figures/compare_*.png`.
public struct CompareWriter: Sendable {
    public var settings: ReportSettings
    private let templates: TemplateSet

    public init(settings: ReportSettings) throws {
        self.settings = settings
        templates = try TemplateSet(directory: settings.templateDirectory)
    }

    /// The folder's files, written; returns their paths.
    @discardableResult
    public func write(_ c: RunComparison, to directory: String) throws -> [String] {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        var paths: [String] = []
        let names = c.entries.map(\.label).joined(separator: ", ")
        try ReportCommit.writeUnit(into: dir, run: "comparison of \(names)", runPath: c.entries.map(\.run.path).joined(separator: " "),
                                   lockWaitSeconds: settings.lockWaitSeconds) { staging in
            try AtomicFile.createFolder(staging + "/figures")
            let named = CompareFigures.all(c, settings: settings.figures)
            let (outputs, figurePaths) = try FigureOutput.write(
                named, into: staging, pngScale: settings.pngScale, inlineSVG: settings.writeHTML, idPrefix: "c",
                hover: (HoverData.XContext(unit: settings.figures.xAxis, iterationsPerEpoch: nil, seriesAreRuns: true), FigureWords(language: .en)))
            var written = figurePaths.map { String($0.dropFirst(staging.count + 1)) }
            written += try FigureOutput.writeData(named, into: staging).map { String($0.dropFirst(staging.count + 1)) }
            var context = Self.context(c, figures: outputs, xAxis: settings.figures.xAxis)
            context.merge(ReportContext.pageKeys(darkPage: settings.figures.theme.isDark)) { _, new in new }
            let (markdown, html) = try templates.writePages("compare", context, into: staging,
                                                            markdown: settings.writeMarkdown, html: settings.writeHTML)
            if markdown != nil { written.append("compare.md") }
            if html != nil { written.append("compare.html") }
            if settings.writePDF {
                try Self.pdf(c, figures: named).finish(to: staging + "/compare.pdf")
                written.append("compare.pdf")
            }
            paths = written.map { dir + "/" + $0 }
            return written
        }
        return paths
    }

    static func context(_ c: RunComparison, figures: [FigureOutput], xAxis: XAxisUnit) -> [String: Any] {
        let config = c.configRows()
        return [
            "tool": ["name": "varreport", "version": ReportContext.toolVersion],
            "run_names": c.entries.map(\.label).joined(separator: ", "),
            "run_count": c.entries.count,
            "x_axis": xAxis.rawValue + "s",
            "threshold": NumberFormat.compact(c.threshold),
            "runs": c.entries.map { ["label": $0.label, "path": $0.run.path] },
            "numbers": c.numberRows().map { row in
                ["label": row.label, "cells": row.cells.map { ["text": $0.text, "numeric": $0.numeric] }] as [String: Any]
            },
            "config": config.map { ["key": $0.key, "values": $0.values] as [String: Any] },
            "has_config": !config.isEmpty,
            "figures": figures.map(ReportContext.figureEntry),
        ]
    }

    static func pdf(_ c: RunComparison, figures: [NamedFigure]) -> PDFDocument {
        let names = c.entries.map(\.label).joined(separator: ", ")
        let doc = PDFDocument(title: "Run comparison: \(names)", author: "varreport", subject: "\(c.entries.count) training runs",
                              creator: "varreport \(ReportContext.toolVersion)", pageSize: (width: 841.8898, height: 595.2756), margin: 40)
        doc.heading("Run comparison: \(names)", level: 1)
        doc.table(header: ["run", "path"], rows: c.entries.map { [$0.label, $0.run.path] })
        doc.heading("The numbers side by side", level: 2)
        doc.table(header: [""] + c.entries.map(\.label), rows: c.numberRows().map { [$0.label] + $0.cells.map(\.text) },
                  columnAlignments: [.leading] + c.entries.map { _ in .trailing })
        doc.heading("Config values that differ", level: 2)
        let config = c.configRows()
        if config.isEmpty {
            doc.text("The runs' logs state the same config (or none).")
        } else {
            doc.table(header: ["key"] + c.entries.map(\.label), rows: config.map { [$0.key] + $0.values })
        }
        for f in figures {
            doc.pageBreak()
            doc.heading(f.title, level: 2)
            doc.figure(f.figure, caption: f.caption)
        }
        return doc
    }
}
