import CCairo
import CPNG
import Foundation
import Parallel

/// A fixed date written into PDF metadata so the same figure gives the same bytes.
let fixedPDFDate = "2000-01-01T00:00:00Z"

extension Figure {
    /// Draws the figure at `origin` on an existing cairo context (used by `PDFDocument` to put
    /// figures on pages as vectors). `pixelsPerPoint` tunes decimation and line snapping.
    /// `vector`: for a vector file; false for pixels.
    func draw(on cr: OpaquePointer, origin: Point = Point(x: 0, y: 0), pixelsPerPoint: Double, vector: Bool = true) {
        draw(on: Canvas(cr: cr, fontFamily: theme.fontFamily), origin: origin, pixelsPerPoint: pixelsPerPoint, vector: vector)
    }

    /// Draws the figure through `canvas`, either backend. Each panel is a group (SVG) ending
    /// with its plot area's mapping (`SVGPlotMapping`).
    func draw(on canvas: Canvas, origin: Point = Point(x: 0, y: 0), pixelsPerPoint: Double, vector: Bool = true) {
        let s = resolvedTextScale
        canvas.save()
        canvas.translate(origin.x, origin.y)
        let frame = Rect(x: 0, y: 0, width: width, height: height)
        if !transparent {
            canvas.fill(frame, theme.background)
        }
        if let t = title, !t.isEmpty {
            let style = TextStyle(size: theme.titleSize * s, bold: true, color: theme.foreground)
            canvas.text(t, at: Point(x: width / 2, y: 8 * s), h: .center, v: .top, style)
        }
        for (i, (chart, cell)) in zip(charts, panelFrames(canvas)).enumerated() {
            canvas.beginGroup([("class", "vr-panel"), ("data-panel", "\(i)")])
            let drawing = ChartRenderer(chart: chart, canvas: canvas, theme: theme, s: s, pixelsPerPoint: pixelsPerPoint,
                                        vector: vector).draw(in: cell)
            canvas.svg?.plotMapping(drawing.plot, categorical: chart.heatmap != nil)
            canvas.endGroup()
        }
        canvas.restore()
    }

    /// The frames of the panels (row by row) below the figure title, in figure coordinates.
    func panelFrames(_ canvas: Canvas) -> [Rect] {
        let s = resolvedTextScale
        var top = 0.0
        if let t = title, !t.isEmpty {
            top = 8 * s + canvas.measure(t, TextStyle(size: theme.titleSize * s, bold: true, color: theme.foreground)).height
        }
        let grid = Rect(x: 0, y: 0, width: width, height: height).inset(top: top, left: 4 * s, bottom: 2 * s, right: 4 * s)
        let rows = max(1, self.rows), cols = max(1, columns)
        let gapX = 10 * s, gapY = 6 * s
        let cellW = (grid.width - gapX * Double(cols - 1)) / Double(cols)
        let cellH = (grid.height - gapY * Double(rows - 1)) / Double(rows)
        return (0..<min(charts.count, rows * cols)).map { i in
            Rect(x: grid.minX + Double(i % cols) * (cellW + gapX), y: grid.minY + Double(i / cols) * (cellH + gapY),
                 width: cellW, height: cellH)
        }
    }

    /// The plot rectangle of panel `index` in figure coordinates (points): where data lands. Lets
    /// callers and tests map data to positions exactly as the renderer does.
    public func plotArea(ofPanel index: Int = 0) -> PlotArea? { plotArea(ofPanel: index, judgingTheLegend: true) }

    /// The plot area of a panel; without `judgingTheLegend`, the one before the legend is
    /// judged (which may take rows above the plot when no place inside is free): the same width
    /// and x mapping unless the legend's rows change the y tick labels, found without measuring
    /// what the marks cover.
    func plotArea(ofPanel index: Int, judgingTheLegend: Bool) -> PlotArea? {
        guard charts.indices.contains(index) else { return nil }
        guard let surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nil) else { return nil }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return nil }
        defer { cairo_destroy(cr) }
        let canvas = Canvas(cr: cr, fontFamily: theme.fontFamily)
        let cell = panelFrames(canvas)[index]
        let renderer = ChartRenderer(chart: charts[index], canvas: canvas, theme: theme, s: resolvedTextScale, pixelsPerPoint: 1, vector: true)
        return judgingTheLegend ? renderer.finalLayout(in: cell).plot : renderer.layout(in: cell).plot
    }

    /// Draws every panel onto a throwaway recording surface and reports where the plot areas,
    /// legends and text boxes ended up (figure coordinates). For tests.
    func drawings() -> [ChartRenderer.Drawing] {
        guard let surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nil) else { return [] }
        defer { cairo_surface_destroy(surface) }
        guard let cr = cairo_create(surface) else { return [] }
        defer { cairo_destroy(cr) }
        let canvas = Canvas(cr: cr, fontFamily: theme.fontFamily)
        return zip(charts, panelFrames(canvas)).map { chart, cell in
            ChartRenderer(chart: chart, canvas: canvas, theme: theme, s: resolvedTextScale, pixelsPerPoint: 1, vector: true).draw(in: cell)
        }
    }

    /// A copy for drawing several times (the PNG and the PDF of one figure): every line reduced
    /// once, by M4 at `pixelsPerPoint` columns per point of its panel, and every panel's domains
    /// fixed to those of the full data. Outputs at that density draw exactly as from the full
    /// data (vector output: 2; PNG at that scale); coarser PNGs differ by less than a pixel
    /// where a column boundary falls inside a fine one. On a million-point figure this saves
    /// each output its own pass over the data.
    /// The panels are reduced side by side (each owns its layout surface).
    public func predecimated(pixelsPerPoint ppp: Double) -> Figure {
        let figure = self
        let reduced = ParallelMap.map(Array(charts.indices)) { i -> Chart in
            // The plot area before the legend is judged: judging it measures what every line
            // covers, a pass over the full data. The reduced panel is judged the same way when it
            // is drawn; if that layout has another width or domain (legend rows above a shorter
            // plot can change the y ticks), the lines are reduced again for it.
            guard let first = figure.plotArea(ofPanel: i, judgingTheLegend: false) else { return figure.charts[i] }
            let once = reduce(figure.charts[i], plot: first, ppp: ppp)
            var judged = figure
            judged.charts[i] = once
            guard let final = judged.plotArea(ofPanel: i),
                  final.rect.width != first.rect.width || final.x.domain != first.x.domain || final.y.domain != first.y.domain
            else { return once }
            return reduce(figure.charts[i], plot: final, ppp: ppp)
        }
        var copy = self
        copy.charts = reduced
        return copy
    }

    /// `chart` with its domains fixed to `plot`'s and every long line reduced by M4 at `ppp`
    /// columns per point of `plot`'s width.
    private func reduce(_ chart: Chart, plot: PlotArea, ppp: Double) -> Chart {
        var chart = chart
        let heatmap = chart.heatmap != nil
        if chart.x.domain == nil { chart.x.domain = plot.x.domain }
        if chart.y.domain == nil, !heatmap { chart.y.domain = plot.y.domain }
        let buckets = max(1, Int((plot.rect.width * ppp).rounded()))
        // Lines that share an x array (most of a run's metrics) share its buckets.
        var found: [[UInt]: Decimation.Buckets?] = [:]
        func bucketsOf(_ xs: [Double], count n: Int) -> Decimation.Buckets? {
            let key = [xs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }, UInt(n)]
            if let known = found[key] { return known }
            let made = Decimation.Buckets(xs: xs, count: n, buckets: buckets, xRange: plot.x.domain)
            found[key] = made
            return made
        }
        chart.marks = chart.marks.map { mark in
            switch mark.kind {
            case .area(var area):
                let n = min(area.xs.count, area.lower.count, area.upper.count)
                guard n > 4 * buckets else { return mark }
                (area.xs, area.lower, area.upper) = Decimation.envelope(
                    xs: area.xs, lower: area.lower, upper: area.upper, count: n, buckets: bucketsOf(area.xs, count: n))
                return area
            case .line(var line):
                let n = min(line.xs.count, line.ys.count)
                guard n > 4 * buckets else { return mark }
                (line.xs, line.ys) = Decimation.m4(xs: line.xs, ys: line.ys, buckets: bucketsOf(line.xs, count: n))
                line.origin = nil  // no longer parallel to the points
                return line
            // Points are few, and the others are not series along x.
            case .point, .rule, .rectangle, .text, .heatmap:
                return mark
            }
        }
        return chart
    }

    private func checkSize(scale: Double = 1) throws {
        let w = width * scale, h = height * scale
        guard width > 0, height > 0, w.isFinite, h.isFinite, w <= 32767, h <= 32767 else {
            throw RenderError.invalidSize(width: width, height: height)
        }
    }

    /// PNG bytes at `scale` device pixels per point (2 for HiDPI).
    ///
    /// The figure is recorded once and replayed into a strip of at most `stripBytes` of pixels at
    /// a time, each strip encoded as soon as it is drawn: a 1600x1000 image would otherwise hold
    /// 6.4 MB of pixels at once (a quarter of a small plot's whole memory), 25.6 MB at 2x.
    public func pngData(scale: Double = 1, stripBytes: Int = 1 << 18) throws -> Data {
        try checkSize(scale: scale)
        let pw = Int32((width * scale).rounded()), ph = Int32((height * scale).rounded())
        let stripRows = Int32(min(Int(ph), max(16, stripBytes / (Int(pw) * 4))))
        let encoder = PNGEncoder()
        try encoder.begin(width: pw, height: ph, keepAlpha: transparent)
        var finished = false
        defer { if !finished { encoder.abandon() } }
        if stripRows == ph {
            try drawPixels(width: pw, height: ph, into: encoder) { cr in
                cairo_scale(cr, scale, scale)
                draw(on: cr, pixelsPerPoint: scale, vector: false)
            }
        } else {
            var extents = cairo_rectangle_t(x: 0, y: 0, width: Double(pw), height: Double(ph))
            guard let recording = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, &extents) else {
                throw RenderError.cairo("no recording surface")
            }
            defer { cairo_surface_destroy(recording) }
            guard let cr = cairo_create(recording) else { throw RenderError.cairo("no context") }
            cairo_scale(cr, scale, scale)
            draw(on: cr, pixelsPerPoint: scale, vector: false)
            try checkCairo(surface: recording, cr: cr)
            cairo_destroy(cr)
            var top: Int32 = 0
            while top < ph {
                let rows = min(stripRows, ph - top)
                try drawPixels(width: pw, height: rows, into: encoder) { cr in
                    cairo_set_source_surface(cr, recording, 0, -Double(top))
                    cairo_paint(cr)
                }
                top += rows
            }
        }
        finished = true
        return try encoder.end()
    }

    /// Draws `height` rows into a fresh (transparent) image surface and encodes them.
    private func drawPixels(width: Int32, height: Int32, into encoder: PNGEncoder, _ body: (OpaquePointer) -> Void) throws {
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, width, height) else { throw RenderError.cairo("no surface") }
        defer { cairo_surface_destroy(surface) }
        try checkCairo(surface: surface)
        guard let cr = cairo_create(surface) else { throw RenderError.cairo("no context") }
        body(cr)
        try checkCairo(surface: surface, cr: cr)
        cairo_destroy(cr)
        cairo_surface_flush(surface)
        guard let pixels = cairo_image_surface_get_data(surface) else { throw RenderError.cairo("no image data") }
        try encoder.write(pixels, rows: height, stride: cairo_image_surface_get_stride(surface))
    }

    /// Single-page vector PDF bytes (text as text, fixed metadata dates).
    public func pdfData() throws -> Data {
        try checkSize()
        let sink = ByteSink()
        guard let surface = cairo_pdf_surface_create_for_stream(byteSinkWrite, Unmanaged.passUnretained(sink).toOpaque(),
                                                                width, height) else { throw RenderError.cairo("no surface") }
        defer { cairo_surface_destroy(surface) }
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_CREATE_DATE, fixedPDFDate)
        cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_MOD_DATE, fixedPDFDate)
        if let t = title { cairo_pdf_surface_set_metadata(surface, CAIRO_PDF_METADATA_TITLE, t) }
        try drawVector(on: surface)
        return sink.data
    }

    /// SVG bytes: paths, and text as `<text>` naming its font (editable in Inkscape and
    /// Illustrator), drawn by varreport's own SVG backend (`SVGWriter`) with the same layout and
    /// decimation as the PDF.
    public func svgData() throws -> Data {
        try checkSize()
        let svg = SVGWriter(width: width, height: height, fontFamily: theme.fontFamily)
        draw(on: Canvas(svg: svg, fontFamily: theme.fontFamily), pixelsPerPoint: OutputFormat.pdf.pixelsPerPoint)
        return svg.finish()
    }

    /// Draws the figure onto a vector surface (PDF) and finishes it. Decimation assumes
    /// 2 device pixels per point: 144 dpi at the figure's own size, and more once it is scaled
    /// down into a paper or slide, as standalone figures (often 1600 pt wide) usually are. Every
    /// extra point per column costs file size and writing time (cairo deflates the paths).
    private func drawVector(on surface: OpaquePointer) throws {
        try checkCairo(surface: surface)
        guard let cr = cairo_create(surface) else { throw RenderError.cairo("no context") }
        draw(on: cr, pixelsPerPoint: OutputFormat.pdf.pixelsPerPoint)
        try checkCairo(surface: surface, cr: cr)
        cairo_destroy(cr)
        cairo_surface_finish(surface)
        try checkCairo(surface: surface)
    }

    /// The figure encoded in `format`.
    public func data(_ format: OutputFormat) throws -> Data {
        switch format {
        case .png(let scale): return try pngData(scale: scale)
        case .pdf: return try pdfData()
        case .svg: return try svgData()
        }
    }

    /// Writes the figure to `path` atomically; `format` defaults to the one named by the extension.
    public func render(to path: String, format: OutputFormat? = nil) throws {
        guard let f = format ?? OutputFormat(pathExtension: path) else { throw RenderError.unknownFormat(path: path) }
        try writeFileAtomically(try data(f), to: path)
    }
}

/// PNG encoding through libpng, rows a band at a time (RGB for an opaque figure, RGBA for a
/// transparent one). About 3 times faster than `cairo_surface_write_to_png`, which lets libpng
/// try every row filter at zlib's default level, for files of the same size.
final class PNGEncoder {
    private let sink = ByteSink()
    private var encoder: OpaquePointer?
    private var message = [CChar](repeating: 0, count: 128)

    func begin(width: Int32, height: Int32, keepAlpha: Bool) throws {
        encoder = vr_png_begin(width, height, keepAlpha ? 1 : 0, 3, { closure, bytes, count in
            guard let closure, let bytes else { return 1 }
            Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue().data.append(bytes, count: count)
            return 0
        }, Unmanaged.passUnretained(sink).toOpaque(), &message)
        if encoder == nil { throw failure(-2) }
    }

    func write(_ pixels: UnsafeMutablePointer<UInt8>, rows: Int32, stride: Int32) throws {
        let status = vr_png_write_rows(encoder, pixels, rows, stride)
        if status != 0 { throw failure(status) }
    }

    func end() throws -> Data {
        let status = vr_png_end(encoder, 0)
        encoder = nil
        if status != 0 { throw failure(status) }
        return sink.data
    }

    func abandon() {
        if encoder != nil { _ = vr_png_end(encoder, 1); encoder = nil }
    }

    deinit { abandon() }

    private func failure(_ status: Int32) -> RenderError {
        let text = message.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return RenderError.cairo("PNG encoding failed (\(status)): \(text)")
    }
}
