import ArgumentParser
import Report
import Render

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

    func settings(_ file: ConfigFile) throws -> FigureSettings {
        var s = FigureSettings()
        if let x = x ?? file.x.flatMap(XAxisUnit.init(rawValue:)) { s.xAxis = x }
        else if let raw = file.x { throw ConfigError(file: "config", message: "'x' must be epoch, step or hours, not '\(raw)'") }
        let themeName = theme ?? file.theme.flatMap(ThemeName.init(rawValue:)) ?? .light
        s.theme = themeName == .dark ? .dark : .light
        s.transparent = transparent
        if let w = file.emaWeight { s.emaWeight = w }
        if let a = file.emaAutoSpan ?? file.analysis?.emaAutoSpan { s.emaAutoSpan = a }
        return s
    }
}
