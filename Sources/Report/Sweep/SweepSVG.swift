import Foundation

/// Prepares a Cairo SVG for inlining into `sweep.html` beside others, as `SVGInline` does
/// (no XML declaration; `surfaceN` ids renumbered in order of appearance so output is
/// reproducible; every id and reference prefixed), but in one pass over the bytes: the
/// comparison's overlays hold a hundred runs' curves, and string searches on them cost more
/// than drawing them.
enum SweepSVG {
    static func prepare(_ svg: Data, idPrefix: String) -> String {
        let src = [UInt8](svg)
        let prefix = Array(idPrefix.utf8) + [UInt8(ascii: "-")]
        var out: [UInt8] = []
        out.reserveCapacity(src.count + src.count / 16)
        var i = 0
        if src.starts(with: Array("<?xml".utf8)), let end = find(Array("?>".utf8), in: src, from: 0) {
            i = end + 2
            while i < src.count, src[i] == 0x20 || src[i] == 0x0A || src[i] == 0x0D || src[i] == 0x09 { i += 1 }
        }
        let surface = Array("surface".utf8), id = Array("id=\"".utf8), href = Array("href=\"#".utf8), url = Array("url(#".utf8)
        var surfaces: [ArraySlice<UInt8>: Int] = [:]
        let n = src.count
        while i < n {
            let b = src[i]
            if b == UInt8(ascii: "s"), matches(surface, src, i) {
                var j = i + surface.count
                while j < n, src[j] >= 0x30, src[j] <= 0x39 { j += 1 }
                if j > i + surface.count {
                    let digits = src[(i + surface.count)..<j]
                    let index = surfaces[digits] ?? surfaces.count
                    surfaces[digits] = index
                    out += surface
                    out += Array(String(index).utf8)
                    i = j
                    continue
                }
            } else if b == UInt8(ascii: "i"), matches(id, src, i) {
                out += id; out += prefix; i += id.count; continue
            } else if b == UInt8(ascii: "h"), matches(href, src, i) {
                out += href; out += prefix; i += href.count; continue
            } else if b == UInt8(ascii: "u"), matches(url, src, i) {
                out += url; out += prefix; i += url.count; continue
            }
            out.append(b)
            i += 1
        }
        while let last = out.last, last == 0x0A || last == 0x20 || last == 0x0D || last == 0x09 { out.removeLast() }
        return String(decoding: out, as: UTF8.self)
    }

    @inline(__always)
    static func matches(_ pattern: [UInt8], _ s: [UInt8], _ at: Int) -> Bool {
        guard at + pattern.count <= s.count else { return false }
        for k in 0..<pattern.count where s[at + k] != pattern[k] { return false }
        return true
    }

    static func find(_ pattern: [UInt8], in s: [UInt8], from: Int) -> Int? {
        var i = from
        while i + pattern.count <= s.count {
            if matches(pattern, s, i) { return i }
            i += 1
        }
        return nil
    }
}
