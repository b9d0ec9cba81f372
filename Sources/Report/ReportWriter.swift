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
    /// How long a writer waits for another one writing into the same folder before it fails.
    public var lockWaitSeconds: Double = 30
    /// Set while `watch -o` keeps the report of a live run: its HTML page reloads itself this
    /// often (nil: a report of a run that has ended, which never reloads).
    public var liveRefreshSeconds: Int? = nil

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
/// `report.html` (self-contained) and `report.pdf`, as one unit (`ReportCommit`: staged, synced,
/// listed in a manifest, moved into place; what an earlier report owned and this one does not
/// produce is removed). Files the user put in the folder are left alone, and no input file is
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
        var files = ReportFiles(directory: dir, pdf: nil, html: nil, markdown: nil, summaryJSON: dir + "/summary.json", figures: [])
        try ReportCommit.writeUnit(into: dir, run: run.name, runPath: run.path, lockWaitSeconds: settings.lockWaitSeconds) { staging in
            try AtomicFile.createFolder(staging + "/figures")
            let model = ReportModel(summary: summary, language: settings.language)
            let named = VARFigures.all(run: run, model: model, settings: settings.figures)
            let x = XMapping(run: run, requested: settings.figures.xAxis)
            let (outputs, figurePaths) = try FigureOutput.write(
                named, into: staging, pngScale: settings.pngScale, inlineSVG: settings.writeHTML, idPrefix: "f",
                hover: (HoverData.XContext(unit: x.unit, iterationsPerEpoch: x.iterationsPerEpoch, clockHasYear: x.isUnixClock), FigureWords(language: model.language)),
                progress: progress)
            var written = figurePaths.map { String($0.dropFirst(staging.count + 1)) }
            written += try FigureOutput.writeData(named, into: staging).map { String($0.dropFirst(staging.count + 1)) }
            try AtomicFile.write(try SummaryJSON.encode(summary), to: staging + "/summary.json")
            written.append("summary.json")
            let context = ReportContext.make(model: model, figures: outputs, liveRefreshSeconds: settings.liveRefreshSeconds,
                                             darkPage: settings.figures.theme.isDark)
            let (markdown, html) = try templates.writePages("report", context, into: staging,
                                                            markdown: settings.writeMarkdown, html: settings.writeHTML)
            if markdown != nil { written.append("report.md"); files.markdown = dir + "/report.md" }
            if html != nil { written.append("report.html"); files.html = dir + "/report.html" }
            if settings.writePDF {
                progress?("PDF")
                try PostTrainingPDF(model: model, figures: named).write(to: staging + "/report.pdf")
                written.append("report.pdf")
                files.pdf = dir + "/report.pdf"
            }
            files.figures = figurePaths.map { dir + $0.dropFirst(staging.count) }
            return written
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
