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
