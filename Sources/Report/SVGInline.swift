import Foundation

/// Makes a Cairo SVG fit for inlining into an HTML page beside other SVGs: drops the XML
/// declaration and prefixes every element id (and every reference to one), because Cairo names
/// glyphs and clips `glyph0-1`, `clip1`, ... in every file and ids must be unique per page.
enum SVGInline {
    static func prepare(_ svg: String, idPrefix: String) -> String {
        var s = svg
        if s.hasPrefix("<?xml"), let end = s.range(of: "?>") {
            s = String(s[end.upperBound...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        s = renumberSurfaces(s)
        s = s.replacingOccurrences(of: "id=\"", with: "id=\"\(idPrefix)-")
        s = s.replacingOccurrences(of: "href=\"#", with: "href=\"#\(idPrefix)-")
        s = s.replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)-")
        return s
    }

    /// Cairo numbers `surfaceN` ids with a process-wide counter, so the same figure drawn twice
    /// gets other ids; renumbering them in order of appearance makes the output reproducible.
    static func renumberSurfaces(_ svg: String) -> String {
        let pattern = try! NSRegularExpression(pattern: "surface([0-9]+)")
        let ns = svg as NSString
        var mapping: [String: Int] = [:]
        var out = ""
        var last = 0
        for m in pattern.matches(in: svg, range: NSRange(location: 0, length: ns.length)) {
            let number = ns.substring(with: m.range(at: 1))
            let index = mapping[number] ?? mapping.count
            mapping[number] = index
            out += ns.substring(with: NSRange(location: last, length: m.range.location - last))
            out += "surface\(index)"
            last = m.range.location + m.range.length
        }
        out += ns.substring(from: last)
        return out
    }
}
