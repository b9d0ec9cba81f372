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
    /// The least contrast a line, marker or rule keeps against `background` (WCAG's ratio, 1...21;
    /// 3 is its bar for graphics): a mark colour below it is drawn lighter or darker, same hue,
    /// until it passes (`legible`). 1 leaves colours as given.
    public var lineContrast: Double
    /// The same for text drawn in a mark's colour (rule labels, annotations): 4.5, WCAG's bar for text.
    public var textContrast: Double

    public init(background: Color, foreground: Color, secondaryForeground: Color, grid: Color,
                legendBackground: Color, fontFamily: String = "DejaVu Sans", titleSize: Double = 15,
                panelTitleSize: Double = 13, labelSize: Double = 11, tickSize: Double = 10,
                axisLineWidth: Double = 0.8, gridLineWidth: Double = 0.5, lineWidth: Double = 1.5,
                lineContrast: Double = 3, textContrast: Double = 4.5) {
        self.background = background; self.foreground = foreground
        self.secondaryForeground = secondaryForeground; self.grid = grid
        self.legendBackground = legendBackground; self.fontFamily = fontFamily
        self.titleSize = titleSize; self.panelTitleSize = panelTitleSize
        self.labelSize = labelSize; self.tickSize = tickSize
        self.axisLineWidth = axisLineWidth; self.gridLineWidth = gridLineWidth; self.lineWidth = lineWidth
        self.lineContrast = lineContrast; self.textContrast = textContrast
    }

    /// A dark background (light text): the HTML page around such figures is dark too.
    public var isDark: Bool { background.relativeLuminance < 0.18 }

    /// `color` as drawn on this theme's background: unchanged when its contrast reaches `minimum`,
    /// otherwise mixed towards white (on a dark background) or black (on a light one) just far
    /// enough, so the hue that names a series stays and the line or label can be seen. Alpha is
    /// kept: a deliberately faint line stays faint.
    public func legible(_ color: Color, minimum: Double) -> Color {
        let opaque = color.opacity(1)
        guard minimum > 1, opaque.contrast(with: background) < minimum else { return color }
        let target: Color = isDark ? .white : .black
        var lo = 0.0, hi = 1.0
        for _ in 0..<24 {
            let mid = (lo + hi) / 2
            if opaque.mixed(with: target, mid).contrast(with: background) >= minimum { hi = mid } else { lo = mid }
        }
        return opaque.mixed(with: target, hi).opacity(color.alpha)
    }

    /// Dark text on white, light grey grid: the default, for papers and PDF reports. Lines keep the
    /// Okabe-Ito hues exactly as published (its orange is 2.1:1 on white, and darkening it would
    /// make it a brown no colour-blind-safe figure uses); text in a mark's colour still reaches 4.5:1.
    public static let light = Theme(
        background: .white, foreground: Color(hex: 0x222222), secondaryForeground: Color(hex: 0x555555),
        grid: Color(hex: 0xE3E3E3), legendBackground: Color(hex: 0xFFFFFF, alpha: 0.85), lineContrast: 1)

    /// Light text on a near-black background, for slides and dark-mode web pages. Lines are held
    /// to the text bar, 4.5:1, not WCAG's 3:1 for graphics: a 1.5 pt anti-aliased line shows less
    /// contrast than its colour has, and Okabe-Ito blue at 3.3:1 was hard to see (it is drawn as
    /// a lighter blue, #3D8FCB-ish).
    public static let dark = Theme(
        background: Color(hex: 0x1B1D22), foreground: Color(hex: 0xE8E8E8), secondaryForeground: Color(hex: 0xB0B0B0),
        grid: Color(hex: 0x363A42), legendBackground: Color(hex: 0x1B1D22, alpha: 0.85), lineContrast: 4.5)
}
