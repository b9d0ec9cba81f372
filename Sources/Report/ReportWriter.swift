import Analysis
import Foundation
import Render
import TrainingLog

/// What a report run writes, and where.
public struct ReportSettings: Sendable {
    public var figures: FigureSettings = FigureSettings()
    public var language: ReportLanguage = .en
    /// A folder of user templates (`--template DIR`); nil for the embedded defaults.
    public var templateDirectory: String? = nil
    /// PNG pixel density for the figure files (2 for HiDPI docs).
    public var pngScale: Double = 2
    public var writePDF = true
    public var writeHTML = true
    public var writeMarkdown = true

    public init() {}
}

/// The files a report wrote.
public struct ReportFiles: Sendable {
    public var directory: String
    public var pdf: String?
    public var html: String?
    public var markdown: String?
    public var summaryJSON: String
    public var figures: [String]

    public var all: [String] { [pdf, html, markdown].compactMap { $0 } + [summaryJSON] + figures }
}

/// Writes one run's report into a folder: figures as PNG, `summary.json`, `report.md`,
/// `report.html` (self-contained) and `report.pdf`. Every file is written atomically; files
/// already in the folder that the report does not produce are left alone, and no input file is
/// ever written over.
public struct ReportWriter: Sendable {
    public var settings: ReportSettings
    private let templates: TemplateSet

    public init(settings: ReportSettings) throws {
        self.settings = settings
        self.templates = try TemplateSet(directory: settings.templateDirectory)
    }

    /// Writes the report. `progress` hears what is being done (for a progress line on a terminal).
    public func write(run: Run, summary: Summary, to directory: String,
                      progress: ((String) -> Void)? = nil) throws -> ReportFiles {
        let dir = URL(fileURLWithPath: directory).standardizedFileURL.path
        let planned = ["report.pdf", "report.html", "report.md", "summary.json"].map { dir + "/" + $0 }
        try refuseToOverwriteInputs(run: run, outputs: planned, figureDirectory: dir + "/figures")
        try AtomicFile.createFolder(dir)
        try AtomicFile.createFolder(dir + "/figures")

        let model = ReportModel(summary: summary, language: settings.language)
        let named = VARFigures.all(run: run, model: model, settings: settings.figures)
        let (outputs, figurePaths) = try FigureOutput.write(named, into: dir, pngScale: settings.pngScale,
                                                            inlineSVG: settings.writeHTML, idPrefix: "f", progress: progress)

        var files = ReportFiles(directory: dir, pdf: nil, html: nil, markdown: nil,
                                summaryJSON: dir + "/summary.json", figures: figurePaths)
        try AtomicFile.write(try SummaryJSON.encode(summary), to: files.summaryJSON)

        let context = ReportContext.make(model: model, figures: outputs)
        (files.markdown, files.html) = try templates.writePages("report", context, into: dir,
                                                                markdown: settings.writeMarkdown, html: settings.writeHTML)
        if settings.writePDF {
            progress?("PDF")
            files.pdf = dir + "/report.pdf"
            try PostTrainingPDF(model: model, figures: named)
                .write(to: files.pdf!)
        }
        return files
    }

    /// Throws when an output path is one of the run's input files (for example `-o` pointing
    /// at a folder whose `report.md` is a log someone keeps there).
    func refuseToOverwriteInputs(run: Run, outputs: [String], figureDirectory: String) throws {
        let inputs = Set(run.sources.map { URL(fileURLWithPath: $0.path).standardizedFileURL.resolvingSymlinksInPath().path })
        for out in outputs {
            let resolved = URL(fileURLWithPath: out).standardizedFileURL.resolvingSymlinksInPath().path
            if inputs.contains(resolved) { throw ReportError.wouldOverwriteInput(path: out) }
        }
        let figs = URL(fileURLWithPath: figureDirectory).resolvingSymlinksInPath().path + "/"
        if let clash = inputs.first(where: { $0.hasPrefix(figs) }) {
            throw ReportError.wouldOverwriteInput(path: clash)
        }
    }
}
