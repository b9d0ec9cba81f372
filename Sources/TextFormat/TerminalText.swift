/// Text from the logs (run, metric and tag names, paths, quoted lines) made safe for a
/// terminal: a name holding escape sequences must not move the cursor, recolour, retitle the
/// window or hide the line it is on. Control characters are shown, not sent: ESC as `\e`, other
/// C0 and C1 controls as `\u{XX}`; CR, CRLF and other line breaks inside one message become
/// `\r` / `\n` so a message stays one line. Tab is kept.
public enum TerminalText {
    /// `text` with every control character made visible (see the type's comment). With
    /// `keepingNewlines`, `\n` stays a line break (for multi-line output such as a table).
    public static func safe(_ text: String, keepingNewlines: Bool = false) -> String {
        clean(text, keepingNewlines: keepingNewlines, markerIsStyle: false)
    }

    static func clean(_ text: String, keepingNewlines: Bool, markerIsStyle: Bool) -> String {
        guard text.unicodeScalars.contains(where: needsEscaping) else { return text }
        var out = String.UnicodeScalarView()
        for u in text.unicodeScalars {
            guard needsEscaping(u) else { out.append(u); continue }
            switch u.value {
            case styleMarker.value where markerIsStyle: out.append("\u{1B}")
            case 0x0A where keepingNewlines: out.append(u)
            case 0x1B: out.append(contentsOf: "\\e".unicodeScalars)
            case 0x0A: out.append(contentsOf: "\\n".unicodeScalars)
            case 0x0D: out.append(contentsOf: "\\r".unicodeScalars)
            default:
                let hex = String(u.value, radix: 16, uppercase: true)
                out.append(contentsOf: "\\u{\(hex)}".unicodeScalars)
            }
        }
        return String(out)
    }

    /// Our own colour codes are written as this marker (a private-use character) while a text
    /// is built, then turned into ESC after `safe` has cleaned everything else: names cannot
    /// forge it, because `safe` makes the marker itself visible too.
    public static let styleMarker: Unicode.Scalar = "\u{E000}"

    /// `safe(text, keepingNewlines:)`, except that every `styleMarker` becomes ESC.
    public static func safeStyled(_ text: String, keepingNewlines: Bool = true) -> String {
        clean(text, keepingNewlines: keepingNewlines, markerIsStyle: true)
    }

    static func needsEscaping(_ u: Unicode.Scalar) -> Bool {
        let v = u.value
        if v == 0x09 { return false }
        return v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || v == 0x2028 || v == 0x2029 || v == styleMarker.value
    }
}
