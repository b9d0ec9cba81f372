import CCairo
import Foundation

/// Lays out and draws one `Chart` into a frame of a `Canvas`: margins measured with Pango, ticks,
/// grid, marks clipped to the plot area, axes, then the text layers (band and rule labels, legend,
/// annotations), each placed to avoid the ones before it.
///
/// This file holds the entry and the draw order; the rest is by concern: ChartLayout.swift (domains,
/// margins, ticks), Axes.swift (grid and axes), MarkDrawing.swift (the marks' graphics and the
/// colour bar), TextPlacement.swift (labels and annotations placed around obstacles) and
/// Legend.swift.
struct ChartRenderer {
    let chart: Chart
    let canvas: Canvas
    let theme: Theme
    /// Text and line scale (see `Figure.resolvedTextScale`).
    let s: Double
    /// Device pixels per point, used to pick the decimation width.
    let pixelsPerPoint: Double
    /// Drawing for a vector file (PDF, SVG; also layout queries) rather than pixels. Said by the
    /// caller: a PNG is drawn through a recording surface too (`Figure.pngData`).
    let vector: Bool

    var tickStyle: TextStyle { TextStyle(size: theme.tickSize * s, color: theme.secondaryForeground) }
    var labelStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.foreground) }
    var titleStyle: TextStyle { TextStyle(size: theme.panelTitleSize * s, bold: true, color: theme.foreground) }
    var subtitleStyle: TextStyle { TextStyle(size: theme.labelSize * s, color: theme.secondaryForeground) }
    var tickLength: Double { 4 * s }
    /// A mark's colour as this theme draws a line, marker or legend key of it (`Theme.legible`).
    func lineInk(_ c: Color) -> Color { theme.legible(c, minimum: theme.lineContrast) }
    /// A mark's colour as this theme draws text in it (rule labels, annotations).
    func textInk(_ c: Color) -> Color { theme.legible(c, minimum: theme.textContrast) }

    /// Where things ended up: for tests and for callers that want to overlay marks.
    struct Drawing {
        var plot: PlotArea
        /// The legend box, if one was drawn.
        var legend: Rect?
        /// Each legend entry's key and text, as drawn.
        var legendEntries: [Rect] = []
        /// The legend is in rows above the plot (no place inside was free).
        var legendOutside: Bool
        /// Boxes of the text placed on the plot (band and rule labels, legend, annotations).
        var texts: [Rect]
        /// The arrowheads of values beyond a fixed y range, with their labels' boxes.
        var edgeMarks: [EdgeMark] = []
    }

    /// Draws the whole chart into `frame`.
    @discardableResult
    func draw(in frame: Rect) -> Drawing {
        let final = finalLayout(in: frame)
        let (plot, xTicks, yTicks, titleTop, legendBand) = (final.plot, final.xTicks, final.yTicks, final.titleTop, final.legendBand)
        let heat = chart.heatmap  // its rows replace the y axis; it has a colour bar

        drawTitles(frame, plot, top: titleTop)
        if chart.showsGrid { drawGrid(plot, xTicks, yTicks, categorical: heat != nil) }

        // Marks, clipped to the plot area, in the caller's order.
        var obstacles = Obstacles()
        drawMarks(plot, &obstacles)

        drawAxes(plot, xTicks, yTicks, categorical: heat != nil)
        if let heat { drawColorBar(heat, plot) }

        // Text layers, each avoiding those placed before it, the most tied to a place first: band
        // labels, rule labels, legend (where it hides the least, or above the plot when no place
        // inside fits it or every one would hide data), the marks of values beyond a fixed y
        // range, annotations.
        let texts = TextLayers(chart.marks)
        let legendSwatches = placeBandLabels(texts.bands, plot, &obstacles)
        for (i, (m, label)) in texts.rules.enumerated() where !final.rulesInLegend.contains(i) { drawRuleLabel(m, label, plot, &obstacles) }
        var legendRect: Rect? = nil, legendEntryBoxes: [Rect] = []
        if chart.legend != .none {
            let entries = legendEntries() + legendSwatches + ruleEntries(texts.rules, final.rulesInLegend)
            if !entries.isEmpty {
                // `finalLayout` gave a band whenever no place inside fits, so one of the two is set.
                let inside = legendBand == nil ? insideLegendPlace(entries, plot, obstacles)?.rect : nil
                if inside != nil || legendBand != nil {
                    let drawn = drawLegend(entries, inside: inside, band: legendBand, &obstacles)
                    legendRect = drawn.area
                    legendEntryBoxes = drawn.entries
                }
            }
        }
        let edgeMarks = drawExcursions(plot, &obstacles)
        for m in texts.annotations {
            // In the series' group, so the HTML legend hides it with its series.
            if let series = m.belongsTo.map(SeriesKey.of) { canvas.beginGroup([("class", "vr-series"), ("data-series", series)]) }
            drawAnnotation(m, plot, &obstacles)
            if m.belongsTo != nil { canvas.endGroup() }
        }
        return Drawing(plot: plot, legend: legendRect, legendEntries: legendEntryBoxes, legendOutside: legendBand != nil,
                       texts: obstacles.texts, edgeMarks: edgeMarks)
    }

    /// The panel's title and subtitle from `top`, left-aligned with the plot area.
    private func drawTitles(_ frame: Rect, _ plot: PlotArea, top: Double) {
        let r = plot.rect
        var ty = top
        if let t = chart.title {
            canvas.text(t, at: Point(x: r.minX, y: ty), h: .left, v: .top, titleStyle)
            ty += canvas.measure(t, titleStyle).height + 2 * s
        }
        if let t = chart.subtitle {
            // A long subtitle in a narrow panel is set smaller (down to 60 %) rather than run
            // past the frame's edge.
            var style = subtitleStyle
            let room = frame.maxX - r.minX - 4 * s, width = canvas.measure(t, style).width
            if width > room, room > 0 { style.size *= max(0.6, room / width) }
            canvas.text(t, at: Point(x: r.minX, y: ty), h: .left, v: .top, style)
        }
    }
}
