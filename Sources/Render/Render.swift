// # Render: a small chart layer on Cairo and Pango
//
// Render draws the figures of varreport. It knows nothing about training runs: callers (the
// `Report` target) turn their data into marks. The vocabulary is Swift Charts'.
//
// ## Model: figure -> panels -> marks -> backend
//
// - `Figure` is the canvas: a size in points, an optional title, a `Theme` (`.light`, `.dark`),
//   a `transparent` flag and one `Chart` or a grid of them (`rows` x `columns`).
// - `Chart` is one panel: title and subtitle, an x and a y `Axis` (label, `Scale` `.linear` or
//   `.log10`, optional fixed domain, optional tick formatter), a `LegendPlacement` and a list of
//   marks drawn in order.
// - Marks are values in data coordinates: `LineMark` (NaN breaks the line; long lines are
//   decimated per pixel column by `Decimation.m4`, keeping spikes), `AreaMark` (band between two
//   curves), `RuleMark` (threshold at a y, or an event at an x, with a label), `RectangleMark`
//   (shaded x range such as an overfitting region), `PointMark` (markers: circle, square, diamond,
//   star, triangle), `TextMark` (an annotation with a leader line), `HeatmapMark` (values over x
//   bins and named rows, viridis colour map and colour bar). The set is closed: a mark's `kind`
//   is its `MarkKind` case, and the renderer switches over `MarkKind` exhaustively, so a new
//   kind of mark does not compile until the renderer draws it.
// - Layout: margins are measured with Pango (tick-label widths decide the left margin), ticks come
//   from `Ticks.extended` (Talbot, Lin & Hanrahan) or `Ticks.log10`, labels from `TickFormat`. A
//   `PlotArea` (two `ScaleMapper`s) maps data to device points once, for every mark. Text layers
//   are placed last, each avoiding the text and data before it: band labels, the legend
//   (`.auto` picks the corner hiding the least data), rule labels, annotations. `ChartRenderer`
//   draws a panel in that order (ChartRenderer.swift); its parts are in ChartLayout.swift,
//   Axes.swift, MarkDrawing.swift, TextPlacement.swift and Legend.swift.
// - Backends behind `Canvas`, all through the same drawing code: cairo image (PNG at any scale)
//   and PDF (vector, text stays text) surfaces, and varreport's own `SVGWriter` (cairo's SVG
//   writes glyph outlines; ours writes `<text>` naming the font, and groups per panel and series
//   for the HTML report's script). `Figure.render(to:format:)` writes a file atomically,
//   `Figure.data(_:)` returns bytes. Same input, same bytes: PDF dates are fixed, SVG ids count
//   from 1 in each file.
// - `PDFDocument` flows headings (with PDF bookmarks), Pango-markup paragraphs, tables that break
//   across pages, and figures (as vectors) onto A4 pages with "page N of M" footers.
//
// ## Example
//
// ```swift
// let chart = Chart(title: "Training loss", x: Axis("epoch"), y: Axis("loss"), marks: [
//     LineMark(xs: epochs, ys: loss, color: Palette.color(0), label: "train"),
//     RuleMark(y: 5.5, color: Palette.color(3), label: "threshold 5.5"),
//     PointMark(x: 42, y: 5.49, symbol: .star, color: Palette.color(3)),
//     TextMark(x: 42, y: 5.49, text: "first below: epoch 42"),
// ])
// try Figure(chart, width: 800, height: 500).render(to: "loss.png", format: .png(scale: 2))
// ```
//
// ## Text and threads
//
// All text goes through PangoCairo (never cairo's toy text API) with the theme's font family
// ("DejaVu Sans"); fontconfig falls back per glyph, so CJK renders when a CJK font is installed.
// Fontconfig is initialised once; every render owns its surface, cairo context and Pango context,
// so figures may be rendered from several threads at once.

import CCairo

/// The version of cairo the renderer is linked against, e.g. "1.16.0".
public var cairoVersion: String { String(cString: cairo_version_string()) }

/// The version of Pango the renderer is linked against, e.g. "1.50.12".
public var pangoVersion: String { String(cString: pango_version_string()) }
