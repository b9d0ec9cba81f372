import Analysis
import ArgumentParser
import Foundation
import Pipeline
import Parallel
import Render
import Report
import TrainingLog

/// `varreport plot RUN --metric NAME... -o FILE.{png,pdf,svg}`
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw one chart of chosen metrics, for docs and slides.",
        discussion: """
            The format follows the file name: .png, .pdf or .svg, or .csv / .json for the data \
            behind the figure (every series as drawn, the threshold, crossings, best points and \
            regions). Repeat -o to write several from one read of the run (drawn in parallel). \
            Loss metrics get the threshold rule and their crossings marked.

            Examples:
              varreport plot local_output --metric train/loss_tail \\
                  --metric val/loss_tail -o loss.png
              varreport plot local_output --metric train/acc_tail -o acc.svg \\
                  --theme dark --transparent
              varreport plot local_output --metric train/loss_mean -o loss.png \\
                  --size 1600x900 --scale 2
              varreport plot local_output --figure overview -o overview.png \\
                  -o overview.pdf
              varreport plot local_output --figure loss -o loss.png -o loss.csv
            """
    )

    @Argument(help: ArgumentHelp("A run folder or log file.", valueName: "run"))
    var runPath: String

    @Option(name: .long, help: "A canonical metric name; repeat for several.")
    var metric: [String] = []

    /// A named figure instead of single metrics.
    enum NamedFigureKind: String, ExpressibleByArgument, CaseIterable {
        case overview, loss, accuracy
    }

    @Option(help: "A whole figure instead of --metric: overview (loss, accuracy, lr, grad norm), loss or accuracy.")
    var figure: NamedFigureKind?

    @Option(name: .shortAndLong, help: ArgumentHelp("The file to write (.png, .pdf, .svg, or .csv / .json for its data); repeat for several.", valueName: "FILE"))
    var output: [String] = []

    @Option(help: ArgumentHelp("Size in points, WIDTHxHEIGHT.", valueName: "WxH"))
    var size: String = "1000x560"

    @Option(help: "PNG pixel density (2 for HiDPI).")
    var scale: Double = 1

    @OptionGroup var figureOptions: FigureOptions
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if metric.isEmpty == (figure == nil) { throw ValidationError("give --figure or at least one --metric, not both") }
        if output.isEmpty { throw ValidationError("give the file to write with -o FILE.png (or .pdf, .svg)") }
        for path in output where OutputFormat(pathExtension: path) == nil && Self.dataKind(path) == nil {
            throw ValidationError("-o must end in .png, .pdf, .svg, .csv or .json: \(path)")
        }
        let resolved = output.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if Set(resolved).count != resolved.count { throw ValidationError("the same -o file is given twice") }
        if parsedSize == nil { throw ValidationError("--size must look like 1600x900 (points, each 50 to 10000)") }
        if !(scale > 0 && scale <= 8) { throw ValidationError("--scale must be above 0 and at most 8") }
    }

    var parsedSize: (Double, Double)? {
        let parts = size.lowercased().split(separator: "x")
        guard parts.count == 2, let w = Double(parts[0]), let h = Double(parts[1]),
              (50...10000).contains(w), (50...10000).contains(h) else { return nil }
        return (w, h)
    }

    /// `csv` or `json` for a data output, nil for a picture.
    static func dataKind(_ path: String) -> String? {
        let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
        return ext == "csv" || ext == "json" ? ext : nil
    }

    func run() throws {
        let dataTargets = output.filter { Self.dataKind($0) != nil }
        let targets = output.filter { Self.dataKind($0) == nil }.map { path -> (path: String, format: OutputFormat) in
            var format = OutputFormat(pathExtension: path) ?? .png(scale: 1)
            if case .png = format { format = .png(scale: scale) }
            return (path, format)
        }
        let clock = PhaseClock(enabled: common.verbose)
        // The run, its summary and the full-resolution lines end with `reducedFigure`: only the
        // reduced figure is kept while drawing, and what the rest held goes back to the system
        // before the surfaces are allocated (a 10k-point plot peaks 2-3 MB lower, a 100k one
        // 52-64 MB without returning it, 56-57 MB with it).
        guard let finished = try reducedFigure(for: targets.map(\.format), data: dataTargets, clock: clock) else { return }
        MemoryPolicy.returnFreeMemory()
        // Each format owns its cairo surface and Pango context, so they render in parallel.
        let results = ParallelMap.map(targets) { target in
            Result { try AtomicFile.write(try finished.data(target.format), to: target.path) }
        }
        clock.lap("drawn and written")
        var failed = false
        for (target, result) in zip(targets, results) {
            switch result {
            case .success: if !common.quiet { Console.say("wrote \(target.path)") }
            case .failure(let error):
                let text = "\(error)"
                ExitStatus.printError(text.contains(target.path) ? text : "\(target.path): \(text)")
                failed = true
            }
        }
        if failed { throw ExitCode(ExitStatus.usage) }
    }

    /// Reads and analyses the run, builds the figure and reduces its lines once for every
    /// output: at the one output's own density, or at 2 pixels per point (or the PNG scale, if
    /// higher) for several, so that each vector output is the same as it would be alone.
    /// The data outputs are written from the figure before it is reduced (every point); nil
    /// when there is no picture to draw.
    private func reducedFigure(for formats: [OutputFormat], data: [String], clock: PhaseClock) throws -> Figure? {
        let resolved = try common.settings { figureOptions.apply(to: &$0) }
        // Only what the figures draw: crossings, best points, regions, gradient-norm spikes.
        let (loaded, summary) = try common.loadAndAnalyse(runPath, resolved) { $0.scope = .figures }
        clock.restart()
        var settings = resolved.report.figures
        if let (w, h) = parsedSize { settings.width = w; settings.height = h }
        let names = metric.map { MetricName($0) }
        let missing = names.filter { loaded.preferredSeries($0) == nil }
        if !missing.isEmpty {
            ExitStatus.printError("\(runPath): no data for \(missing.map { $0.rawValue }.joined(separator: ", ")); the run has: \(loaded.metricNames.map { $0.rawValue }.joined(separator: ", "))")
            throw ExitCode(ExitStatus.usage)
        }
        let model = ReportModel(summary: summary)
        let drawn: NamedFigure?
        switch figure {
        case .overview?: drawn = VARFigures.overview(run: loaded, model: model, settings: settings)
        case .loss?: drawn = VARFigures.loss(run: loaded, model: model, settings: settings)
        case .accuracy?: drawn = VARFigures.accuracy(run: loaded, model: model, settings: settings)
        case nil: drawn = VARFigures.metrics(names, run: loaded, model: model, settings: settings)
        }
        guard var figure = drawn?.figure else {
            ExitStatus.printError("\(runPath): nothing to draw")
            throw ExitCode(ExitStatus.usage)
        }
        figure.width = settings.width
        figure.height = settings.height
        clock.lap("figure built")
        for path in data {
            let bytes = Self.dataKind(path) == "csv" ? FigureData.csv(figure) : try FigureData.json(figure)
            try AtomicFile.write(bytes, to: path)
            if !common.quiet { Console.say("wrote \(path)") }
        }
        guard !formats.isEmpty else { return nil }
        let density = formats.count == 1 ? formats[0].pixelsPerPoint : max(2, scale)
        let reduced = figure.predecimated(pixelsPerPoint: density)
        clock.lap("lines reduced once for \(formats.count) output\(formats.count == 1 ? "" : "s")")
        return reduced
    }
}
