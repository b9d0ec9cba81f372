/// A figure: a page-like canvas of `width` x `height` points holding one chart or a grid of charts,
/// drawn with one theme. Render it with `render(to:format:)` or `data(_:)`.
public struct Figure: Sendable {
    /// Size in points (1 pt = 1 pixel at PNG scale 1).
    public var width: Double
    public var height: Double
    /// Title over all panels.
    public var title: String?
    /// Panels, filled row by row.
    public var charts: [Chart]
    /// Grid shape; `rows * columns` must be at least `charts.count`.
    public var rows: Int
    public var columns: Int
    public var theme: Theme
    /// Leave the background unpainted (PNG alpha / no page fill in PDF and SVG).
    public var transparent: Bool
    /// Multiplies every font size and line width of the theme. `nil` derives it from the size:
    /// 1 at about 800 x 500 pt, larger for larger figures, so text stays readable when the figure
    /// is shown scaled to a page or screen.
    public var textScale: Double?

    /// A grid of panels. With `rows` omitted, it is `ceil(charts.count / columns)`.
    public init(width: Double = 800, height: Double = 500, title: String? = nil, rows: Int? = nil,
                columns: Int = 1, theme: Theme = .light, transparent: Bool = false, textScale: Double? = nil,
                charts: [Chart]) {
        precondition(columns >= 1, "a figure needs at least one column")
        self.width = width; self.height = height; self.title = title; self.charts = charts
        self.columns = columns
        self.rows = rows ?? max(1, (charts.count + columns - 1) / columns)
        self.theme = theme; self.transparent = transparent; self.textScale = textScale
    }

    /// A single chart.
    public init(_ chart: Chart, width: Double = 800, height: Double = 500, title: String? = nil,
                theme: Theme = .light, transparent: Bool = false, textScale: Double? = nil) {
        self.init(width: width, height: height, title: title, rows: 1, columns: 1, theme: theme,
                  transparent: transparent, textScale: textScale, charts: [chart])
    }

    /// The scale applied to the theme's sizes.
    public var resolvedTextScale: Double {
        if let s = textScale { return s }
        let s = min(width / 800, height / 500)
        return min(max(s, 0.8), 3)
    }
}

/// Output formats of a figure.
public enum OutputFormat: Sendable, Hashable {
    /// A raster image; `scale` 2 doubles the pixels in each direction (HiDPI).
    case png(scale: Double = 1)
    /// Vector PDF with text as text.
    case pdf
    /// Vector SVG.
    case svg

    /// The format for a file name's extension (png, pdf, svg), or `nil`.
    public init?(pathExtension path: String) {
        let lower = path.lowercased()
        if lower.hasSuffix(".png") { self = .png(scale: 1) }
        else if lower.hasSuffix(".pdf") { self = .pdf }
        else if lower.hasSuffix(".svg") { self = .svg }
        else { return nil }
    }

    /// Device pixels per point that lines are reduced for: the PNG's scale, 2 for vector output
    /// (see `Figure.drawVector`).
    public var pixelsPerPoint: Double {
        if case .png(let scale) = self { return scale }
        return 2
    }
}

/// Errors from rendering and writing.
public enum RenderError: Error, CustomStringConvertible, Equatable {
    /// Cairo reported an error status.
    case cairo(String)
    /// The output format could not be inferred from the path.
    case unknownFormat(path: String)
    /// Writing the file failed.
    case write(path: String, reason: String)
    /// The figure size is not positive or too large.
    case invalidSize(width: Double, height: Double)

    public var description: String {
        switch self {
        case .cairo(let s): return "cairo error: \(s)"
        case .unknownFormat(let p): return "\(p): cannot tell the output format; use .png, .pdf or .svg"
        case .write(let p, let r): return "\(p): cannot write: \(r)"
        case .invalidSize(let w, let h): return "invalid figure size \(w) x \(h)"
        }
    }
}
