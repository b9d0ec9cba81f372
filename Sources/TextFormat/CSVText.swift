/// One CSV cell as RFC 4180 writes it: quoted (inner quotes doubled) when it holds a comma, a
/// quote or any line break. Works on Unicode scalars: Swift's `"\r\n"` is one Character, which
/// `contains("\n")` does not match. The one CSV quoting for every writer (export, figure data).
public enum CSVText {
    public static func field(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        var out = "\""
        for u in s.unicodeScalars {
            if u == "\"" { out += "\"\"" } else { out.unicodeScalars.append(u) }
        }
        return out + "\""
    }
}
