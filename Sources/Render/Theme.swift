/// Colours, font and sizes of a figure. Sizes are in points for a figure of about 800 x 500 pt;
/// `Figure` scales them with its size (see `Figure.textScale`).
public struct Theme: Sendable, Hashable {
    /// Fill behind everything (ignored when the figure is `transparent`).
    public var background: Color
    /// Text, axis lines and ticks.
    public var foreground: Color
    /// Secondary text: subtitles, tick labels.
    public var secondaryForeground: Color
    /// Grid lines.
    public var grid: Color
    /// Fill behind the legend (semi-opaque, so data under it stays visible).
    public var legendBackground: Color
    /// Pango font family, e.g. "DejaVu Sans". Fontconfig falls back per glyph (CJK etc.).
    public var fontFamily: String
    /// Figure title size in points.
    public var titleSize: Double
    /// Panel title size.
    public var panelTitleSize: Double
    /// Axis labels, legend, annotations.
    public var labelSize: Double
    /// Tick labels.
    public var tickSize: Double
    /// Width of axis lines and ticks.
    public var axisLineWidth: Double
    /// Width of grid lines.
    public var gridLineWidth: Double
    /// Default width of line marks.
    public var lineWidth: Double

    public init(background: Color, foreground: Color, secondaryForeground: Color, grid: Color,
                legendBackground: Color, fontFamily: String = "DejaVu Sans", titleSize: Double = 15,
                panelTitleSize: Double = 13, labelSize: Double = 11, tickSize: Double = 10,
                axisLineWidth: Double = 0.8, gridLineWidth: Double = 0.5, lineWidth: Double = 1.5) {
        self.background = background; self.foreground = foreground
        self.secondaryForeground = secondaryForeground; self.grid = grid
        self.legendBackground = legendBackground; self.fontFamily = fontFamily
        self.titleSize = titleSize; self.panelTitleSize = panelTitleSize
        self.labelSize = labelSize; self.tickSize = tickSize
        self.axisLineWidth = axisLineWidth; self.gridLineWidth = gridLineWidth; self.lineWidth = lineWidth
    }

    /// Dark text on white, light grey grid: the default, for papers and PDF reports.
    public static let light = Theme(
        background: .white, foreground: Color(hex: 0x222222), secondaryForeground: Color(hex: 0x555555),
        grid: Color(hex: 0xE3E3E3), legendBackground: Color(hex: 0xFFFFFF, alpha: 0.85))

    /// Light text on a near-black background, for slides and dark-mode web pages.
    public static let dark = Theme(
        background: Color(hex: 0x1B1D22), foreground: Color(hex: 0xE8E8E8), secondaryForeground: Color(hex: 0xB0B0B0),
        grid: Color(hex: 0x363A42), legendBackground: Color(hex: 0x1B1D22, alpha: 0.85))
}
