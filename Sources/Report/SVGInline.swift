import Foundation

/// Makes a Cairo SVG fit for inlining into an HTML page beside other SVGs: drops the XML
/// declaration and prefixes every element id (and every reference to one), because Cairo names
/// glyphs and clips `glyph0-1`, `clip1`, ... in every file and ids must be unique per page.
/// One pass over the bytes: sweep pages inline a hundred curves' worth of SVG.
enum SVGInline {
    static func prepare(_ svg: Data, idPrefix: String) -> String {
        let src = [UInt8](svg)
        let prefix = Array(idPrefix.utf8) + [UInt8(ascii: "-")]
        let id = Array("id=\"".utf8), href = Array("href=\"#".utf8), url = Array("url(#".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(src.count + src.count / 16)
        var i = 0
        if src.starts(with: Array("<?xml".utf8)), let end = find(Array("?>".utf8), in: src, from: 0) {
            i = end + 2
            while i < src.count, isSpace(src[i]) { i += 1 }
        }
        while i < src.count {
            let b = src[i]
            var matched: [UInt8]? = nil
            if b == UInt8(ascii: "i"), matches(id, src, i) { matched = id }
            else if b == UInt8(ascii: "h"), matches(href, src, i) { matched = href }
            else if b == UInt8(ascii: "u"), matches(url, src, i) { matched = url }
            if let m = matched {
                out += m
                out += prefix
                i += m.count
            } else {
                out.append(b)
                i += 1
            }
        }
        while let last = out.last, isSpace(last) { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x0A || b == 0x0D || b == 0x09 }

    private static func matches(_ pattern: [UInt8], _ s: [UInt8], _ at: Int) -> Bool {
        guard at + pattern.count <= s.count else { return false }
        for k in 0..<pattern.count where s[at + k] != pattern[k] { return false }
        return true
    }

    private static func find(_ pattern: [UInt8], in s: [UInt8], from: Int) -> Int? {
        var i = from
        while i + pattern.count <= s.count {
            if matches(pattern, s, i) { return i }
            i += 1
        }
        return nil
    }
}
