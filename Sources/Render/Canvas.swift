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

/// The drawing backend: one cairo context plus one Pango context and layout, owned by a single
/// render (never shared between threads). Everything is in points, y down.
final class Canvas {
    let cr: OpaquePointer
    private let pango: OpaquePointer
    private let layout: OpaquePointer
    private var fonts: [String: OpaquePointer] = [:]
    let family: String

    init(cr: OpaquePointer, fontFamily: String) {
        _ = fontconfigReady
        self.cr = cr
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

    func setColor(_ c: Color) { cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha) }

    func setStroke(color: Color, width: Double, dash: [Double] = [], cap: cairo_line_cap_t = CAIRO_LINE_CAP_BUTT) {
        setColor(color)
        cairo_set_line_width(cr, width)
        cairo_set_line_cap(cr, cap)
        cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32(dash.count), 0) }
    }

    func line(_ a: Point, _ b: Point, color: Color, width: Double, dash: [Double] = []) {
        setStroke(color: color, width: width, dash: dash)
        cairo_move_to(cr, a.x, a.y)
        cairo_line_to(cr, b.x, b.y)
        cairo_stroke(cr)
    }

    func fill(_ r: Rect, _ color: Color) {
        setColor(color)
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_fill(cr)
    }

    func roundedRect(_ r: Rect, radius: Double) {
        let rad = min(radius, r.width / 2, r.height / 2)
        cairo_new_sub_path(cr)
        cairo_arc(cr, r.maxX - rad, r.minY + rad, rad, -Double.pi / 2, 0)
        cairo_arc(cr, r.maxX - rad, r.maxY - rad, rad, 0, Double.pi / 2)
        cairo_arc(cr, r.minX + rad, r.maxY - rad, rad, Double.pi / 2, Double.pi)
        cairo_arc(cr, r.minX + rad, r.minY + rad, rad, Double.pi, 3 * Double.pi / 2)
        cairo_close_path(cr)
    }

    func clip(_ r: Rect) {
        cairo_rectangle(cr, r.x, r.y, r.width, r.height)
        cairo_clip(cr)
    }

    func save() { cairo_save(cr) }
    func restore() { cairo_restore(cr) }

    /// Adds a marker path centred at `p` with diameter `d`.
    func symbolPath(_ s: Symbol, at p: Point, size d: Double) {
        let r = d / 2
        switch s {
        case .circle:
            cairo_new_sub_path(cr)
            cairo_arc(cr, p.x, p.y, r, 0, 2 * Double.pi)
        case .square:
            let a = r * 0.88
            cairo_rectangle(cr, p.x - a, p.y - a, 2 * a, 2 * a)
        case .diamond:
            let a = r * 1.2
            cairo_move_to(cr, p.x, p.y - a); cairo_line_to(cr, p.x + a * 0.8, p.y)
            cairo_line_to(cr, p.x, p.y + a); cairo_line_to(cr, p.x - a * 0.8, p.y); cairo_close_path(cr)
        case .triangle:
            let a = r * 1.25
            cairo_move_to(cr, p.x, p.y - a)
            cairo_line_to(cr, p.x + a * 0.866, p.y + a * 0.5)
            cairo_line_to(cr, p.x - a * 0.866, p.y + a * 0.5)
            cairo_close_path(cr)
        case .star:
            let outer = r * 1.45, inner = outer * 0.42
            for i in 0..<10 {
                let ang = -Double.pi / 2 + Double(i) * Double.pi / 5
                let rr = i % 2 == 0 ? outer : inner
                let q = Point(x: p.x + rr * cos(ang), y: p.y + rr * sin(ang))
                if i == 0 { cairo_move_to(cr, q.x, q.y) } else { cairo_line_to(cr, q.x, q.y) }
            }
            cairo_close_path(cr)
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
