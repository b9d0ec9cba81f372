/// A visual element of a chart, in data coordinates.
///
/// The set of marks is closed: every mark says which of the renderer's kinds it is, and the
/// renderer switches over `MarkKind` exhaustively wherever it measures, draws or labels marks. A
/// new kind of mark is a new case of `MarkKind`, and the compiler then stops at each of those
/// switches until the renderer handles it. A type outside this module can conform only by
/// being drawn as one of the kinds (a threshold type that is a `RuleMark`, say).
public protocol Mark: Sendable {
    /// What the renderer draws for this mark.
    var kind: MarkKind { get }
}

/// The marks the renderer draws: one case per mark type, carrying it.
public enum MarkKind: Sendable {
    case line(LineMark)
    case rule(RuleMark)
    case rectangle(RectangleMark)
    case area(AreaMark)
    case point(PointMark)
    case text(TextMark)
    case heatmap(HeatmapMark)
}

/// Stroke pattern of lines and rules.
public enum DashStyle: Sendable, Hashable {
    case solid
    /// Long dashes (5 on, 3 off, in units of the line width scale).
    case dashed
    /// Short dots.
    case dotted
    /// Dash lengths in points: on, off, on, off, ...
    case custom([Double])

    func pattern(scale s: Double) -> [Double] {
        switch self {
        case .solid: return []
        case .dashed: return [5 * s, 3 * s]
        case .dotted: return [1.2 * s, 2 * s]
        case .custom(let p): return p.map { $0 * s }
        }
    }
}

/// A polyline through (xs[i], ys[i]); NaN values break the line. Long lines are decimated at draw
/// time (min/max preserving), so passing millions of points is fine.
public struct LineMark: Mark {
    public var kind: MarkKind { .line(self) }

    public var xs: [Double]
    public var ys: [Double]
    public var color: Color
    /// Stroke width in points; `nil` uses the theme's line width.
    public var width: Double?
    public var opacity: Double
    public var dash: DashStyle
    /// Legend text; `nil` for no entry.
    public var label: String?
    /// Set to false to keep a labelled line out of the legend.
    public var showsInLegend: Bool
    /// Where each point was logged (epoch, step), for the HTML tooltip; parallel to `xs`.
    public var origin: PointOrigin? = nil

    public init(xs: [Double], ys: [Double], color: Color = Palette.color(0), width: Double? = nil,
                opacity: Double = 1, dash: DashStyle = .solid, label: String? = nil, showsInLegend: Bool = true) {
        self.xs = xs; self.ys = ys; self.color = color; self.width = width; self.opacity = opacity
        self.dash = dash; self.label = label; self.showsInLegend = showsInLegend
    }
}

/// A horizontal line across the plot at a y value, or a vertical one at an x value, with optional
/// text drawn next to it (e.g. a threshold).
public struct RuleMark: Mark {
    public var kind: MarkKind { .rule(self) }

    public enum Orientation: Sendable, Hashable {
        /// A horizontal rule at this y.
        case horizontal(y: Double)
        /// A vertical rule at this x.
        case vertical(x: Double)
    }
    public var orientation: Orientation
    /// Line and label colour; `nil` uses the theme's secondary text colour.
    public var color: Color?
    public var width: Double
    public var dash: DashStyle
    /// Text drawn next to the rule: above its right end (horizontal) or beside its top (vertical).
    public var label: String?
    /// What the rule is, for the figure's data, when it has no label on the plot.
    public var dataName: String? = nil

    public init(y: Double, color: Color? = nil, width: Double = 1, dash: DashStyle = .dashed,
                label: String? = nil) {
        self.orientation = .horizontal(y: y); self.color = color; self.width = width; self.dash = dash; self.label = label
    }
    public init(x: Double, color: Color? = nil, width: Double = 1, dash: DashStyle = .dashed,
                label: String? = nil) {
        self.orientation = .vertical(x: x); self.color = color; self.width = width; self.dash = dash; self.label = label
    }
}

/// A shaded band over an x range (full plot height), or a box when `yRange` is given.
public struct RectangleMark: Mark {
    public var kind: MarkKind { .rectangle(self) }

    public var xRange: ClosedRange<Double>
    public var yRange: ClosedRange<Double>?
    /// Fill colour; its alpha is the band's opacity.
    public var fill: Color
    /// Text drawn at the top of the band when it fits there, else in the legend.
    public var label: String?

    public init(xRange: ClosedRange<Double>, yRange: ClosedRange<Double>? = nil,
                fill: Color = Palette.color(3).opacity(0.12), label: String? = nil) {
        self.xRange = xRange; self.yRange = yRange; self.fill = fill; self.label = label
    }
}

/// A filled band between `lower` and `upper` over `xs` (min/max, mean ± std, ...).
public struct AreaMark: Mark {
    public var kind: MarkKind { .area(self) }

    public var xs: [Double]
    public var lower: [Double]
    public var upper: [Double]
    public var color: Color
    /// Fill opacity (multiplied with the colour's alpha).
    public var opacity: Double
    public var label: String?

    public init(xs: [Double], lower: [Double], upper: [Double], color: Color = Palette.color(0),
                opacity: Double = 0.2, label: String? = nil) {
        self.xs = xs; self.lower = lower; self.upper = upper; self.color = color
        self.opacity = opacity; self.label = label
    }
}

/// Marker shapes for `PointMark`.
public enum Symbol: Sendable, Hashable, CaseIterable {
    case circle, square, diamond, star, triangle
}

/// Markers at (xs[i], ys[i]).
public struct PointMark: Mark {
    public var kind: MarkKind { .point(self) }

    public var xs: [Double]
    public var ys: [Double]
    public var symbol: Symbol
    /// Marker diameter in points.
    public var size: Double
    public var color: Color
    /// Draw a thin outline in the background colour so markers stand out on lines.
    public var outlined: Bool
    public var label: String?

    /// Set to false to keep a labelled marker out of the legend (its label still names it in
    /// the figure's data).
    public var showsInLegend: Bool = true
    /// Where each point was logged (epoch, step), for the HTML tooltip; parallel to `xs`.
    public var origin: PointOrigin? = nil
    /// The legend label of the series this marker annotates (a best point, a crossing): hiding
    /// that series in the HTML report hides the marker too.
    public var belongsTo: String? = nil

    public init(xs: [Double], ys: [Double], symbol: Symbol = .circle, size: Double = 7,
                color: Color = Palette.color(0), outlined: Bool = true, label: String? = nil, showsInLegend: Bool = true) {
        self.xs = xs; self.ys = ys; self.symbol = symbol; self.size = size; self.color = color
        self.outlined = outlined; self.label = label; self.showsInLegend = showsInLegend
    }
    /// A single marker.
    public init(x: Double, y: Double, symbol: Symbol = .circle, size: Double = 7,
                color: Color = Palette.color(0), outlined: Bool = true, label: String? = nil, showsInLegend: Bool = true) {
        self.init(xs: [x], ys: [y], symbol: symbol, size: size, color: color, outlined: outlined, label: label,
                  showsInLegend: showsInLegend)
    }
}

/// Text attached to a data point: drawn at `offset` points from it (x right, y up) with a leader
/// line back to the point. If the text would leave the plot or cover other text, the renderer
/// mirrors the offset.
public struct TextMark: Mark {
    public var kind: MarkKind { .text(self) }

    public var x: Double
    public var y: Double
    public var text: String
    /// Offset of the text from the point, in points; +x right, +y up.
    public var offset: (dx: Double, dy: Double)
    public var color: Color?
    /// Draw a thin line from the point to the text.
    public var leaderLine: Bool
    /// The legend label of the series this text speaks of: hiding that series in the HTML
    /// report hides the text too.
    public var belongsTo: String? = nil

    public init(x: Double, y: Double, text: String, offset: (dx: Double, dy: Double) = (24, 24),
                color: Color? = nil, leaderLine: Bool = true) {
        self.x = x; self.y = y; self.text = text; self.offset = offset; self.color = color; self.leaderLine = leaderLine
    }
}

/// Swift Charts calls an attached text an annotation.
public typealias AnnotationMark = TextMark

/// A grid of values: columns are x bins (edges on the chart's x axis), rows are named categories
/// that replace the y axis (first row at the top). Coloured by a colour map with a colour bar.
public struct HeatmapMark: Mark {
    public var kind: MarkKind { .heatmap(self) }

    /// Bin edges along x, `columns + 1` ascending values.
    public var xEdges: [Double]
    /// Row names, top to bottom.
    public var categories: [String]
    /// `values[row][column]`; NaN cells are left empty.
    public var values: [[Double]]
    public var colormap: Colormap
    /// Values mapped to the ends of the colour map; `nil` uses the data's min and max.
    public var valueRange: ClosedRange<Double>?
    /// Label of the colour bar.
    public var colorBarLabel: String?
    /// Formats colour-bar ticks; `nil` uses the automatic formatter.
    public var tickFormatter: (@Sendable (Double) -> String)?

    public init(xEdges: [Double], categories: [String], values: [[Double]], colormap: Colormap = .viridis,
                valueRange: ClosedRange<Double>? = nil, colorBarLabel: String? = nil,
                tickFormatter: (@Sendable (Double) -> String)? = nil) {
        self.xEdges = xEdges; self.categories = categories; self.values = values; self.colormap = colormap
        self.valueRange = valueRange; self.colorBarLabel = colorBarLabel; self.tickFormatter = tickFormatter
    }

    /// The finite value range of the data (or `valueRange`).
    public var resolvedRange: ClosedRange<Double> {
        if let r = valueRange { return r }
        let finite = values.joined().filter(\.isFinite)
        guard let lo = finite.min(), let hi = finite.max() else { return 0...1 }
        return lo == hi ? (lo - 0.5)...(hi + 0.5) : lo...hi
    }
}
