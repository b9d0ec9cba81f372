import ArgumentParser
import Report
import Render
import Pipeline

extension XAxisUnit: ExpressibleByArgument {}
extension ReportLanguage: ExpressibleByArgument {}

/// How figures look: options shared by `report` and `plot`.
struct FigureOptions: ParsableArguments {
    enum ThemeName: String, ExpressibleByArgument, CaseIterable { case light, dark }

    @Option(help: "The x axis: epoch, step or hours.")
    var x: XAxisUnit?

    @Option(help: "Colour theme: light or dark.")
    var theme: ThemeName?

    @Flag(help: "Leave the background transparent (for docs with their own background).")
    var transparent = false

    /// Puts these options into the command line's settings (resolved by `Settings`).
    func apply(to cli: inout CommandLineSettings) {
        cli.x = x
        cli.theme = theme?.rawValue
        cli.transparent = transparent
    }
}
