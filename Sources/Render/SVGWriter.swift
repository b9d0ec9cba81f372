import Foundation
import TextFormat

/// The SVG backend behind `Canvas`: paths as `<path>`, text as `<text>` naming its font (cairo's
/// SVG surface writes glyph outlines, which Inkscape and Illustrator cannot edit as words), and
/// the figure's structure as groups: one `<g class="vr-panel">` per panel carrying its plot-area
/// mapping, one `<g class="vr-series">` per labelled mark and legend entry, which the HTML report's
/// script uses for its tooltips and legend toggles.
///
/// It follows cairo's model, so the renderer draws the same calls through either backend: a
/// current path built by move/line/arc, stroked or filled with the current source colour and
/// line style; save/restore of that state; rectangular clips; translations. Text is measured
/// by Pango in both (the `Canvas`), so the layout is the same; only the glyphs are left to the
/// viewer's copy of the font.
final class SVGWriter {
    private(set) var bytes: [UInt8] = []
    private var path: [UInt8] = []
    private var hasCurrentPoint = false
    private var nextID = 0

    private struct State {
        var color = Color.black
        var lineWidth = 2.0
        var dash: [Double] = []
        var cap = "butt"
        var join = "miter"
        var dx = 0.0, dy = 0.0
        /// Groups opened at this save level (clips), closed by `restore`.
        var openGroups = 0
    }
    private var state = State()
    private var saved: [State] = []

    /// The font-family list every `<text>` names: the theme's family, then DejaVu's ancestor
    /// with the same metrics, a common wide sans, the CJK font a Chinese report is drawn with
    /// (DejaVu has no Han glyphs), and the generic family.
    let fontFamilyList: String

    init(width: Double, height: Double, fontFamily: String) {
        var families = [fontFamily, "DejaVu Sans", "Bitstream Vera Sans", "Verdana", "WenQuanYi Micro Hei", "sans-serif"]
        var seen = Set<String>()
        families = families.filter { seen.insert($0.lowercased()).inserted }
        fontFamilyList = families.map { Self.escape($0) }.joined(separator: ", ")
        append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        number(width); append("pt\" height=\""); number(height); append("pt\" viewBox=\"0 0 ")
        number(width); append(" "); number(height); append("\" xml:space=\"preserve\">\n")
    }

    /// The finished document (closes any group left open).
    func finish() -> Data {
        while !saved.isEmpty { restore() }
        closeGroups(state.openGroups)
        append("</svg>\n")
        return Data(bytes)
    }

    // MARK: state

    func setColor(_ c: Color) { state.color = c }
    func setLineWidth(_ w: Double) { state.lineWidth = w }
    func setDash(_ d: [Double]) { state.dash = d }
    func setCap(round: Bool, square: Bool) { state.cap = round ? "round" : square ? "square" : "butt" }
    func setJoin(round: Bool) { state.join = round ? "round" : "bevel" }
    func translate(_ x: Double, _ y: Double) { state.dx += x; state.dy += y }

    func save() {
        saved.append(state)
        state.openGroups = 0
    }

    func restore() {
        closeGroups(state.openGroups)
        if let s = saved.popLast() { state = s }
    }

    private func closeGroups(_ n: Int) {
        for _ in 0..<n { append("</g>\n") }
    }

    /// Clips what follows (until the matching `restore`) to `r`.
    func clip(_ r: Rect) {
        let id = "clip\(newID())"
        append("<clipPath id=\"\(id)\"><rect x=\""); number(r.x + state.dx); append("\" y=\""); number(r.y + state.dy)
        append("\" width=\""); number(r.width); append("\" height=\""); number(r.height); append("\"/></clipPath>\n")
        append("<g clip-path=\"url(#\(id))\">\n")
        state.openGroups += 1
        path.removeAll(keepingCapacity: true); hasCurrentPoint = false
    }

    /// Opens a group with these attributes (already valid names; values are escaped).
    func beginGroup(_ attributes: [(String, String)]) {
        append("<g")
        for (k, v) in attributes { append(" \(k)=\"\(Self.escape(v))\"") }
        append(">\n")
    }

    func endGroup() { append("</g>\n") }

    private func newID() -> Int { nextID += 1; return nextID }

    /// The plot area of the panel just drawn, as an invisible rectangle carrying its mapping:
    /// `data-x` and `data-y` are "linear|log10 LO HI" (the domain at the rectangle's left and
    /// right, bottom and top edges). The HTML report's script maps the pointer back to data with it.
    func plotMapping(_ plot: PlotArea, categorical: Bool) {
        let r = plot.rect
        func axis(_ m: ScaleMapper) -> String {
            "\(m.scale == .log10 ? "log10" : "linear") \(m.domain.lowerBound) \(m.domain.upperBound)"
        }
        append("<rect class=\"vr-plot\" x=\""); number(r.x + state.dx); append("\" y=\""); number(r.y + state.dy)
        append("\" width=\""); number(r.width); append("\" height=\""); number(r.height)
        append("\" fill=\"none\" stroke=\"none\" data-x=\"\(axis(plot.x))\"")
        if !categorical { append(" data-y=\"\(axis(plot.y))\"") }
        append("/>\n")
    }

    // MARK: paths

    func moveTo(_ x: Double, _ y: Double) {
        path.append(UInt8(ascii: "M")); number(x + state.dx, into: &path); path.append(0x20); number(y + state.dy, into: &path)
        hasCurrentPoint = true
    }

    func lineTo(_ x: Double, _ y: Double) {
        guard hasCurrentPoint else { moveTo(x, y); return }
        path.append(UInt8(ascii: "L")); number(x + state.dx, into: &path); path.append(0x20); number(y + state.dy, into: &path)
    }

    func closePath() { path.append(UInt8(ascii: "Z")) }
    func newSubPath() { hasCurrentPoint = false }

    func rectangle(_ x: Double, _ y: Double, _ w: Double, _ h: Double) {
        moveTo(x, y); lineTo(x + w, y); lineTo(x + w, y + h); lineTo(x, y + h); closePath()
    }

    /// cairo_arc: from angle `a0` to `a1` (radians, increasing: clockwise on a y-down page), with a
    /// line from the current point to the arc's start when there is one.
    func arc(_ cx: Double, _ cy: Double, _ r: Double, _ a0: Double, _ a1: Double) {
        var a1 = a1
        while a1 < a0 { a1 += 2 * Double.pi }
        let start = (cx + r * cos(a0), cy + r * sin(a0))
        if hasCurrentPoint { lineTo(start.0, start.1) } else { moveTo(start.0, start.1) }
        // An SVG arc cannot be a whole circle: draw it in halves.
        var from = a0
        while from < a1 - 1e-12 {
            let to = min(a1, from + Double.pi)
            let end = (cx + r * cos(to), cy + r * sin(to))
            path.append(UInt8(ascii: "A")); number(r, into: &path); path.append(0x20); number(r, into: &path)
            append(" 0 0 1 ", into: &path)
            number(end.0 + state.dx, into: &path); path.append(0x20); number(end.1 + state.dy, into: &path)
            from = to
        }
    }

    func stroke(preserve: Bool = false) {
        guard !path.isEmpty else { return }
        append("<path d=\""); bytes += path; append("\" fill=\"none\"")
        paint("stroke", state.color)
        append(" stroke-width=\""); number(state.lineWidth); append("\"")
        if state.cap != "butt" { append(" stroke-linecap=\"\(state.cap)\"") }
        if state.join != "miter" { append(" stroke-linejoin=\"\(state.join)\"") }
        if !state.dash.isEmpty {
            append(" stroke-dasharray=\"")
            for (i, d) in state.dash.enumerated() { if i > 0 { append(",") }; number(d) }
            append("\"")
        }
        append("/>\n")
        if !preserve { path.removeAll(keepingCapacity: true); hasCurrentPoint = false }
    }

    func fill(preserve: Bool = false) {
        guard !path.isEmpty else { return }
        append("<path d=\""); bytes += path; append("\"")
        paint("fill", state.color)
        append("/>\n")
        if !preserve { path.removeAll(keepingCapacity: true); hasCurrentPoint = false }
    }

    /// Fills `r` with a vertical gradient through `stops`, the first at the bottom (the colour bar).
    func fillVerticalGradient(_ r: Rect, stops: [Color]) {
        let id = "gradient\(newID())"
        append("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">")
        for (i, c) in stops.enumerated() {
            append("<stop offset=\""); number(Double(i) / Double(max(1, stops.count - 1)))
            append("\" stop-color=\"\(c.hexString)\"")
            if c.alpha < 1 { append(" stop-opacity=\""); number(c.alpha, places: 3); append("\"") }
            append("/>")
        }
        append("</linearGradient>\n<rect x=\""); number(r.x + state.dx); append("\" y=\""); number(r.y + state.dy)
        append("\" width=\""); number(r.width); append("\" height=\""); number(r.height)
        append("\" fill=\"url(#\(id))\"/>\n")
    }

    private func paint(_ attribute: String, _ c: Color) {
        append(" \(attribute)=\"\(c.hexString)\"")
        if c.alpha < 1 { append(" \(attribute)-opacity=\""); number(c.alpha, places: 3); append("\"") }
    }

    // MARK: text

    /// One `<text>`: `x` is where the anchor sits (start, middle or end of the line), `baseline`
    /// the first line's baseline; further lines follow `lineHeight` apart. `angle` is
    /// counter-clockwise in radians about `(x, baseline)`'s pivot `pivot`.
    func text(_ text: String, x: Double, baseline: Double, anchor: HAlign, lineHeight: Double, size: Double, bold: Bool,
              color: Color, angle: Double, pivot: Point) {
        let x = x + state.dx, y = baseline + state.dy
        append("<text x=\""); number(x); append("\" y=\""); number(y)
        append("\" font-family=\"\(fontFamilyList)\" font-size=\""); number(size); append("\"")
        if bold { append(" font-weight=\"bold\"") }
        paint("fill", color)
        switch anchor {
        case .left: break
        case .center: append(" text-anchor=\"middle\"")
        case .right: append(" text-anchor=\"end\"")
        }
        if angle != 0 {
            append(" transform=\"rotate("); number(-angle * 180 / Double.pi); append(" ")
            number(pivot.x + state.dx); append(" "); number(pivot.y + state.dy); append(")\"")
        }
        append(">")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count == 1 {
            append(Self.escape(text))
        } else {
            for (i, line) in lines.enumerated() {
                append("<tspan x=\""); number(x); append("\" dy=\""); number(i == 0 ? 0 : lineHeight); append("\">")
                append(Self.escape(String(line))); append("</tspan>")
            }
        }
        append("</text>\n")
    }

    // MARK: bytes

    private func append(_ s: String) { bytes.append(contentsOf: s.utf8) }
    private func append(_ s: String, into out: inout [UInt8]) { out.append(contentsOf: s.utf8) }
    private func number(_ v: Double, places: Int = 2) { number(v, places: places, into: &bytes) }

    /// A coordinate with at most `places` decimals and no trailing zeros ("12", "12.5", "-0.25").
    func number(_ v: Double, places: Int = 2, into out: inout [UInt8]) {
        guard v.isFinite else { out.append(UInt8(ascii: "0")); return }
        let scale = places == 3 ? 1000.0 : 100.0
        let scaled = (v * scale).rounded()
        guard abs(scaled) < 9e15 else { out.append(contentsOf: String(v).utf8); return }
        var n = Int64(scaled)
        if n < 0 { out.append(UInt8(ascii: "-")); n = -n }
        let unit = Int64(scale)
        let whole = n / unit
        var fraction = n % unit
        appendInteger(whole, into: &out)
        if fraction != 0 {
            out.append(UInt8(ascii: "."))
            var digits = places == 3 ? 3 : 2
            var divisor = unit / 10
            while fraction != 0, digits > 0 {
                out.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
                fraction %= divisor
                divisor /= 10
                digits -= 1
            }
        }
    }

    private func appendInteger(_ v: Int64, into out: inout [UInt8]) {
        if v < 10 { out.append(UInt8(ascii: "0") + UInt8(v)); return }
        var digits: [UInt8] = []
        var n = v
        while n > 0 { digits.append(UInt8(ascii: "0") + UInt8(n % 10)); n /= 10 }
        out.append(contentsOf: digits.reversed())
    }

    /// Text and attribute values escaped for XML (`MarkupText`); a line break is a new `<tspan>`,
    /// never inside one.
    static func escape(_ s: String) -> String { MarkupText.escape(s) }
}
