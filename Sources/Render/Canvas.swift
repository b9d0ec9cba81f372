import CCairo
import Foundation
import TextFormat

/// Fontconfig is initialised once per process, before the first layout (thread-safe: Swift
/// initialises globals lazily and atomically).
let fontconfigReady: Bool = FcInit() != 0

/// Horizontal text alignment relative to the anchor point.
enum HAlign { case left, center, right }
/// Vertical text alignment relative to the anchor point.
enum VAlign { case top, middle, baseline, bottom }

/// A text style: size in points, weight, colour.
struct TextStyle {
    var size: Double
    var bold = false
    var color: Color
}

/// The drawing interface the renderer draws through, owned by a single render (never shared
/// between threads). Everything is in points, y down. Two backends: a cairo context (PNG, PDF,
/// layout queries), or an `SVGWriter` (SVG with text as text), for which the cairo context is a
/// throwaway recording surface that only measures. Pango measures text for both, so a figure's
/// layout is the same in every format.
final class Canvas {
    /// The cairo context: the drawing target, or only the measuring context under an `svg` backend.
    let cr: OpaquePointer
    /// The SVG backend, when drawing SVG.
    let svg: SVGWriter?
    private let pango: OpaquePointer
    private let layout: OpaquePointer
    private var fonts: [String: OpaquePointer] = [:]
    private var measuringSurface: OpaquePointer?
    let family: String

    /// Draws SVG into `svg`; cairo only measures.
    convenience init(svg: SVGWriter, fontFamily: String) {
        let surface = cairo_recording_surface_create(CAIRO_CONTENT_COLOR_ALPHA, nil)
        self.init(cr: cairo_create(surface)!, fontFamily: fontFamily, svg: svg)
        measuringSurface = surface
    }

    init(cr: OpaquePointer, fontFamily: String, svg: SVGWriter? = nil) {
        _ = fontconfigReady
        self.cr = cr
        self.svg = svg
        self.family = fontFamily
        pango = pango_cairo_create_context(cr)
        // 1 pt of font size = 1 user unit, whatever the surface; no hinting, so text measures the
        // same on PNG, PDF and SVG and the layout is identical across backends.
        pango_cairo_context_set_resolution(pango, 72)
        let options = cairo_font_options_create()
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        pango_cairo_context_set_font_options(pango, options)
        cairo_font_options_destroy(options)
        layout = pango_layout_new(pango)
    }

    deinit {
        for (_, f) in fonts { pango_font_description_free(f) }
        g_object_unref(UnsafeMutableRawPointer(layout))
        g_object_unref(UnsafeMutableRawPointer(pango))
        if let measuringSurface {
            cairo_destroy(cr)
            cairo_surface_destroy(measuringSurface)
        }
    }

    private func font(size: Double, bold: Bool) -> OpaquePointer {
        let key = "\(size)|\(bold)"
        if let f = fonts[key] { return f }
        let f = pango_font_description_new()!
        pango_font_description_set_family(f, family)
        pango_font_description_set_weight(f, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL)
        pango_font_description_set_absolute_size(f, size * Double(PANGO_SCALE))
        fonts[key] = f
        return f
    }

    private func prepare(_ text: String, _ style: TextStyle) {
        pango_layout_set_font_description(layout, font(size: style.size, bold: style.bold))
        pango_layout_set_width(layout, -1)
        pango_layout_set_text(layout, text, -1)
    }

    /// Logical size of one line (or several, split at "\n") of text.
    func measure(_ text: String, _ style: TextStyle) -> (width: Double, height: Double, baseline: Double) {
        prepare(text, style)
        var ink = PangoRectangle(), logical = PangoRectangle()
        pango_layout_get_extents(layout, &ink, &logical)
        let s = Double(PANGO_SCALE)
        return (Double(logical.width) / s, Double(logical.height) / s, Double(pango_layout_get_baseline(layout)) / s)
    }

    /// The box the text occupies when drawn with `text(_:at:...)` with the same arguments
    /// (unrotated text only).
    func textRect(_ text: String, at p: Point, h: HAlign, v: VAlign, _ style: TextStyle) -> Rect {
        let m = measure(text, style)
        let x: Double
        switch h { case .left: x = p.x; case .center: x = p.x - m.width / 2; case .right: x = p.x - m.width }
        let y: Double
        switch v {
        case .top: y = p.y
        case .middle: y = p.y - m.height / 2
        case .baseline: y = p.y - m.baseline
        case .bottom: y = p.y - m.height
        }
        return Rect(x: x, y: y, width: m.width, height: m.height)
    }

    /// Draws text anchored at `p`; `angle` in radians, counter-clockwise (e.g. pi/2 for a y label).
    func text(_ text: String, at p: Point, h: HAlign = .left, v: VAlign = .top, _ style: TextStyle, angle: Double = 0) {
        let m = measure(text, style)
        pango_layout_set_alignment(layout, h == .center ? PANGO_ALIGN_CENTER : h == .right ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT)
        let dx: Double
        switch h { case .left: dx = 0; case .center: dx = -m.width / 2; case .right: dx = -m.width }
        let dy: Double
        switch v {
        case .top: dy = 0
        case .middle: dy = -m.height / 2
        case .baseline: dy = -m.baseline
        case .bottom: dy = -m.height
        }
        if let svg {
            // The anchor where the line is aligned; rotation about `p`, as cairo does it.
            let lines = max(1, text.split(separator: "\n", omittingEmptySubsequences: false).count)
            svg.text(text, x: p.x, baseline: p.y + dy + m.baseline, anchor: h, lineHeight: m.height / Double(lines),
                     size: style.size, bold: style.bold, color: style.color, angle: angle, pivot: p)
            return
        }
        cairo_save(cr)
        cairo_translate(cr, p.x, p.y)
        if angle != 0 { cairo_rotate(cr, -angle) }
        setColor(style.color)
        cairo_move_to(cr, dx, dy)
        pango_cairo_update_layout(cr, layout)
        pango_cairo_show_layout(cr, layout)
        cairo_restore(cr)
    }

    /// A Pango markup paragraph wrapped to `width`, returned as a layout the caller draws and must
    /// release with `g_object_unref` (PDF document text).
    func paragraphLayout(markup: String, width: Double, style: TextStyle, alignment: PangoAlignment = PANGO_ALIGN_LEFT,
                         plain: Bool = false, spacing: Double = 0) -> OpaquePointer {
        let l = pango_layout_new(pango)!
        pango_layout_set_font_description(l, font(size: style.size, bold: style.bold))
        pango_layout_set_width(l, Int32(width * Double(PANGO_SCALE)))
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR)
        pango_layout_set_alignment(l, alignment)
        if spacing > 0 { pango_layout_set_spacing(l, Int32(spacing * Double(PANGO_SCALE))) }
        if plain { pango_layout_set_text(l, markup, -1) } else { pango_layout_set_markup(l, markup, -1) }
        return l
    }

    func setColor(_ c: Color) {
        if let svg { svg.setColor(c); return }
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    func setStroke(color: Color, width: Double, dash: [Double] = [], cap: cairo_line_cap_t = CAIRO_LINE_CAP_BUTT) {
        setColor(color)
        if let svg {
            svg.setLineWidth(width); svg.setDash(dash); svg.setJoin(round: true)
            svg.setCap(round: cap == CAIRO_LINE_CAP_ROUND, square: cap == CAIRO_LINE_CAP_SQUARE)
            return
        }
        cairo_set_line_width(cr, width)
        cairo_set_line_cap(cr, cap)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
    }

    /// For a line with more vertices than pixel columns: coarse antialiasing and bevelled joins
    /// (pixels only; see `drawLine`), or back to the defaults.
    func setDenseLine(_ dense: Bool) {
        if let svg { svg.setJoin(round: !dense); return }
        cairo_set_antialias(cr, dense ? CAIRO_ANTIALIAS_FAST : CAIRO_ANTIALIAS_DEFAULT)
        cairo_set_line_join(cr, dense ? CAIRO_LINE_JOIN_BEVEL : CAIRO_LINE_JOIN_ROUND)
    }

    // The current path, as in cairo.
    func move(_ x: Double, _ y: Double) { if let svg { svg.moveTo(x, y) } else { cairo_move_to(cr, x, y) } }
    func lineTo(_ x: Double, _ y: Double) { if let svg { svg.lineTo(x, y) } else { cairo_line_to(cr, x, y) } }
    func closePath() { if let svg { svg.closePath() } else { cairo_close_path(cr) } }
    func newSubPath() { if let svg { svg.newSubPath() } else { cairo_new_sub_path(cr) } }
    func rectanglePath(_ r: Rect) {
        if let svg { svg.rectangle(r.x, r.y, r.width, r.height) } else { cairo_rectangle(cr, r.x, r.y, r.width, r.height) }
    }
    func arc(_ cx: Double, _ cy: Double, _ r: Double, _ a0: Double, _ a1: Double) {
        if let svg { svg.arc(cx, cy, r, a0, a1) } else { cairo_arc(cr, cx, cy, r, a0, a1) }
    }
    /// Strokes the current path with the current line style (keeping it when `preserve`).
    func stroke(preserve: Bool = false) {
        if let svg { svg.stroke(preserve: preserve) } else if preserve { cairo_stroke_preserve(cr) } else { cairo_stroke(cr) }
    }
    /// Fills the current path with the current colour (keeping it when `preserve`).
    func fill(preserve: Bool = false) {
        if let svg { svg.fill(preserve: preserve) } else if preserve { cairo_fill_preserve(cr) } else { cairo_fill(cr) }
    }
    func translate(_ x: Double, _ y: Double) { if let svg { svg.translate(x, y) } else { cairo_translate(cr, x, y) } }

    /// Fills `r` with a vertical gradient, `stops` evenly spaced from the bottom up.
    func fillVerticalGradient(_ r: Rect, stops: [Color]) {
        if let svg { svg.fillVerticalGradient(r, stops: stops); return }
        let pattern = cairo_pattern_create_linear(0, r.maxY, 0, r.minY)
        for (i, c) in stops.enumerated() {
            cairo_pattern_add_color_stop_rgba(pattern, Double(i) / Double(max(1, stops.count - 1)), c.red, c.green, c.blue, c.alpha)
        }
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_set_source(cr, pattern)
        cairo_fill(cr)
        cairo_pattern_destroy(pattern)
    }

    /// A structural group (SVG only: the panel, a series, a legend entry); pixels ignore it.
    func beginGroup(_ attributes: [(String, String)]) { svg?.beginGroup(attributes) }
    func endGroup() { svg?.endGroup() }

    func line(_ a: Point, _ b: Point, color: Color, width: Double, dash: [Double] = []) {
        setStroke(color: color, width: width, dash: dash)
        move(a.x, a.y)
        lineTo(b.x, b.y)
        stroke()
    }

    func fill(_ r: Rect, _ color: Color) {
        setColor(color)
        rectanglePath(r)
        fill()
    }

    func roundedRect(_ r: Rect, radius: Double) {
        let rad = min(radius, r.width / 2, r.height / 2)
        newSubPath()
        arc(r.maxX - rad, r.minY + rad, rad, -Double.pi / 2, 0)
        arc(r.maxX - rad, r.maxY - rad, rad, 0, Double.pi / 2)
        arc(r.minX + rad, r.maxY - rad, rad, Double.pi / 2, Double.pi)
        arc(r.minX + rad, r.minY + rad, rad, Double.pi, 3 * Double.pi / 2)
        closePath()
    }

    func clip(_ r: Rect) {
        if let svg { svg.clip(r); return }
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
    }

    func save() { if let svg { svg.save() } else { cairo_save(cr) } }
    func restore() { if let svg { svg.restore() } else { cairo_restore(cr) } }

    /// Adds a marker path centred at `p` with diameter `d`.
    func symbolPath(_ s: Symbol, at p: Point, size d: Double) {
        let r = d / 2
        switch s {
        case .circle:
            newSubPath()
            arc(p.x, p.y, r, 0, 2 * Double.pi)
        case .square:
            let a = r * 0.88
            rectanglePath(Rect(x: p.x - a, y: p.y - a, width: 2 * a, height: 2 * a))
        case .diamond:
            let a = r * 1.2
            move(p.x, p.y - a); lineTo(p.x + a * 0.8, p.y)
            lineTo(p.x, p.y + a); lineTo(p.x - a * 0.8, p.y); closePath()
        case .triangle:
            let a = r * 1.25
            move(p.x, p.y - a)
            lineTo(p.x + a * 0.866, p.y + a * 0.5)
            lineTo(p.x - a * 0.866, p.y + a * 0.5)
            closePath()
        case .star:
            let outer = r * 1.45, inner = outer * 0.42
            for i in 0..<10 {
                let ang = -Double.pi / 2 + Double(i) * Double.pi / 5
                let rr = i % 2 == 0 ? outer : inner
                let q = Point(x: p.x + rr * cos(ang), y: p.y + rr * sin(ang))
                if i == 0 { move(q.x, q.y) } else { lineTo(q.x, q.y) }
            }
            closePath()
        }
    }
}

/// Collects bytes written by cairo stream surfaces.
final class ByteSink {
    var data = Data()
}

/// The cairo write callback appending to a `ByteSink` passed as the closure pointer.
let byteSinkWrite: cairo_write_func_t = { closure, bytes, length in
    guard let closure, let bytes else { return CAIRO_STATUS_WRITE_ERROR }
    let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
    sink.data.append(bytes, count: Int(length))
    return CAIRO_STATUS_SUCCESS
}

/// Throws when cairo reports an error on the surface or context.
func checkCairo(surface: OpaquePointer?, cr: OpaquePointer? = nil) throws {
    if let cr {
        let st = cairo_status(cr)
        if st != CAIRO_STATUS_SUCCESS { throw RenderError.cairo(String(cString: cairo_status_to_string(st))) }
    }
    if let surface {
        let st = cairo_surface_status(surface)
        if st != CAIRO_STATUS_SUCCESS { throw RenderError.cairo(String(cString: cairo_status_to_string(st))) }
    }
}

/// Writes `data` to `path` atomically: a temporary file in the same folder, synced, then
/// rename(2), so a reader never sees a half-written file, an existing file is replaced in one
/// step, and a full disk leaves the old file as it was. Failures say why in words
/// (`ErrnoWords`). The one implementation: Report's `AtomicFile` calls it.
public func writeFileAtomically(_ data: Data, to path: String) throws {
    let url = URL(fileURLWithPath: path)
    let folder = url.deletingLastPathComponent().path
    let temporary = folder + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw RenderError.write(path: path, reason: ErrnoWords.words(errno)) }
    var failure: Int32 = 0
    data.withUnsafeBytes { raw in
        var offset = 0
        while offset < raw.count {
            let n = Foundation.write(fd, raw.baseAddress! + offset, raw.count - offset)
            if n < 0 { if errno == EINTR { continue }; failure = errno; return }
            offset += n
        }
    }
    if failure == 0, fsync(fd) != 0 { failure = errno }
    close(fd)
    if failure != 0 {
        unlink(temporary)
        throw RenderError.write(path: path, reason: ErrnoWords.words(failure))
    }
    if rename(temporary, path) != 0 {
        let reason = ErrnoWords.words(errno)
        unlink(temporary)
        throw RenderError.write(path: path, reason: reason)
    }
}
