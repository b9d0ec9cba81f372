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
    /// The points behind the figure for the HTML page's tooltips (`HoverData`), as JSON.
    public var hover: String?
    /// The narrowest the inline SVG may be shown, in CSS pixels, for its smallest text to stay
    /// 9 px tall: a narrower screen scrolls the figure sideways instead of shrinking it.
    public var minimumWidth: Int

    public init(id: String, title: String, caption: String, pngPath: String, svg: String?, hover: String? = nil,
                minimumWidth: Int = 0) {
        self.id = id
        self.title = title
        self.caption = caption
        self.pngPath = pngPath
        self.svg = svg
        self.hover = hover
        self.minimumWidth = minimumWidth
    }

    /// The CSS width at which the figure's tick labels are 9 px (SVG units are points).
    static func minimumWidth(of figure: Figure) -> Int {
        let smallest = figure.theme.tickSize * figure.resolvedTextScale
        return Int((9 * figure.width / smallest).rounded(.up))
    }
}

extension FigureOutput {
    /// Writes each figure's PNG to `directory/figures/<id>.png` (atomically) and, for an HTML page,
    /// prepares its inline SVG with ids prefixed `<idPrefix><index>` and, given `hover`, the points
    /// its tooltips answer from. Returns what the templates see and the PNG paths written.
    public static func write(_ figures: [NamedFigure], into directory: String, pngScale: Double, inlineSVG: Bool,
                             idPrefix: String, progress: ((String) -> Void)? = nil) throws -> ([FigureOutput], [String]) {
        try write(figures, into: directory, pngScale: pngScale, inlineSVG: inlineSVG, idPrefix: idPrefix, hover: nil, progress: progress)
    }

    static func write(_ figures: [NamedFigure], into directory: String, pngScale: Double, inlineSVG: Bool,
                      idPrefix: String, hover: (x: HoverData.XContext, words: FigureWords)?,
                      progress: ((String) -> Void)? = nil) throws -> ([FigureOutput], [String]) {
        var outputs: [FigureOutput] = []
        var paths: [String] = []
        for (i, nf) in figures.enumerated() {
            progress?("figure \(i + 1)/\(figures.count): \(nf.title)")
            let relative = "figures/\(nf.id).png"
            try AtomicFile.write(try nf.figure.pngData(scale: pngScale), to: directory + "/" + relative)
            paths.append(directory + "/" + relative)
            let svg = inlineSVG ? SVGInline.prepare(try nf.figure.svgData(), idPrefix: "\(idPrefix)\(i)") : nil
            let points = inlineSVG ? hover.map { HoverData.json(nf.figure, x: $0.x, words: $0.words) } : nil
            outputs.append(FigureOutput(id: nf.id, title: nf.title, caption: nf.caption, pngPath: relative, svg: svg,
                                        hover: points, minimumWidth: FigureOutput.minimumWidth(of: nf.figure)))
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
