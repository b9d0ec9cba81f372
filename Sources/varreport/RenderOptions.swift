import Analysis
import ArgumentParser
import TextFormat
import Report
import Render
import Pipeline

extension XAxisUnit: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}

/// How figures look: options shared by `report` and `plot`.
struct FigureOptions: ParsableArguments {
    enum ThemeName: String, ExpressibleByArgument, CaseIterable { case light, dark }

    @Option(help: "The x axis: epoch, step, hours (since the start) or wall (dates and times).")
    var x: XAxisUnit?

    @Option(help: ArgumentHelp(
        "TensorBoard's smoothing weight (debiased EMA), 0 to 0.999; the crossings are judged on the curve it draws (default: \(cFormat("%g", AnalysisOptions().emaWeight)), raised on long per-iteration curves so the average spans \(cFormat("%g", AnalysisOptions().emaAutoSpan * 100)) % of the curve).",
        valueName: "W"))
    var smoothing: Double?

    @Flag(name: .customLong("log-y"), help: "Draw the y axes on a log scale.")
    var logY = false

    @Option(help: ArgumentHelp("The y range of the loss panels (and of a --metric chart); values beyond it are marked at the edge.", valueName: "LO:HI"))
    var ylim: String?

    @Option(help: "Colour theme: light or dark.")
    var theme: ThemeName?

    @Flag(help: "Leave the background transparent (for docs with their own background).")
    var transparent = false

    func validate() throws {
        if let w = smoothing, !(w >= 0 && w < 1) { throw ValidationError("--smoothing must be at least 0 and below 1 (TensorBoard's slider goes to 0.999)") }
        if let text = ylim {
            guard let r = YRange.parse(text) else { throw ValidationError("--ylim must look like 5:7 (a low and a higher high, finite numbers), not '\(text)'") }
            if logY && r.lowerBound <= 0 { throw ValidationError("--ylim with --log-y must be above 0") }
        }
    }

    /// Puts these options into the command line's settings (resolved by `Settings`).
    func apply(to cli: inout CommandLineSettings) {
        cli.x = x
        cli.theme = theme?.rawValue
        cli.transparent = transparent
        cli.smoothing = smoothing
        if logY { cli.logY = true }
        cli.yRange = ylim.flatMap(YRange.parse)
    }
}
