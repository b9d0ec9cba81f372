/// Text for XML-like markup (SVG, Pango markup): the five special characters as entities and the
/// control characters XML 1.0 forbids dropped. The one implementation for the SVG writer and the
/// PDF's Pango paragraphs.
public enum MarkupText {
    /// `s` safe as element text or as an attribute value in double or single quotes.
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for u in s.unicodeScalars { append(u, to: &out) }
        return out
    }

    /// Appends one scalar, escaped, to `out`.
    public static func append(_ u: Unicode.Scalar, to out: inout String) {
        switch u {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default:
            if u.value < 0x20 && u != "\t" && u != "\n" { return }
            out.unicodeScalars.append(u)
        }
    }
}
