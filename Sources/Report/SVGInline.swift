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
        s = s.replacingOccurrences(of: "id=\"", with: "id=\"\(idPrefix)-")
        s = s.replacingOccurrences(of: "href=\"#", with: "href=\"#\(idPrefix)-")
        s = s.replacingOccurrences(of: "url(#", with: "url(#\(idPrefix)-")
        return s
    }
}
