import Render

/// One figure of a report as the templates see it: where its PNG is, its inline SVG.
public struct FigureOutput: Sendable {
    /// A stable short name (`loss`, `accuracy`, ...), also the PNG's file stem.
    public var id: String
    public var title: String
    public var caption: String
    /// The PNG's path relative to the report folder (`figures/loss.png`).
    public var pngPath: String
    /// The SVG text, with element ids made unique to this figure so several can share a page.
    public var svg: String?

    public init(id: String, title: String, caption: String, pngPath: String, svg: String?) {
        self.id = id
        self.title = title
        self.caption = caption
        self.pngPath = pngPath
        self.svg = svg
    }
}

extension FigureOutput {
    /// Writes each figure's PNG to `directory/figures/<id>.png` (atomically) and, for an HTML page,
    /// prepares its inline SVG with ids prefixed `<idPrefix><index>`. Returns what the templates see
    /// and the PNG paths written.
    public static func write(_ figures: [NamedFigure], into directory: String, pngScale: Double, inlineSVG: Bool,
                      idPrefix: String, progress: ((String) -> Void)? = nil) throws -> ([FigureOutput], [String]) {
        var outputs: [FigureOutput] = []
        var paths: [String] = []
        for (i, nf) in figures.enumerated() {
            progress?("figure \(i + 1)/\(figures.count): \(nf.title)")
            let relative = "figures/\(nf.id).png"
            try AtomicFile.write(try nf.figure.pngData(scale: pngScale), to: directory + "/" + relative)
            paths.append(directory + "/" + relative)
            let svg = inlineSVG ? SVGInline.prepare(try nf.figure.svgData(), idPrefix: "\(idPrefix)\(i)") : nil
            outputs.append(FigureOutput(id: nf.id, title: nf.title, caption: nf.caption, pngPath: relative, svg: svg))
        }
        return (outputs, paths)
    }

    /// Writes the data behind each figure beside its PNG: `figures/<id>.csv` and `<id>.json`
    /// (`FigureData`: every series as drawn, the rules, regions and annotations). Returns the
    /// paths written.
    public static func writeData(_ figures: [NamedFigure], into directory: String) throws -> [String] {
        var paths: [String] = []
        for nf in figures {
            let stem = directory + "/figures/\(nf.id)"
            try AtomicFile.write(FigureData.csv(nf.figure), to: stem + ".csv")
            try AtomicFile.write(try FigureData.json(nf.figure), to: stem + ".json")
            paths += [stem + ".csv", stem + ".json"]
        }
        return paths
    }
}
