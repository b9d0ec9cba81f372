/// Recognises a log file's format from its first bytes (the file name is only a hint).
///
/// In order: a TensorBoard event file when the first 12 bytes are a TFRecord length whose masked
/// CRC-32C checks; VAR stdout when a line has VAR's `[MM-DD HH:MM:SS] (...)=> ` prefix or holds
/// `[Ep]:` / `initial args`; VAR log.txt when it starts with `{` and holds `"is_master"` or dict
/// lines with `'ep':`; JSON Lines when lines start with `{` and parse as objects; CSV when the first
/// line is a comma-separated header of names.
public enum FormatDetector {
    public static func detect(path: String, prefix: [UInt8]) -> SourceFormat? {
        if isTFRecord(prefix) { return .tensorBoard }
        if WandbReader.isWandb(prefix) { return .wandb }
        // Text formats: look at whole lines of the prefix (the last one may be cut). NUL holes
        // (a crash left zeros in a text log) are ignored.
        let text = prefix.contains(0) ? prefix.filter { $0 != 0 } : prefix
        var lines: [ArraySlice<UInt8>] = text.split(separator: 0x0A, omittingEmptySubsequences: false)
        if lines.count > 1, text.last != 0x0A { lines.removeLast() }
        let nonEmpty = lines.map { trim($0) }.filter { !$0.isEmpty }
        guard let first = nonEmpty.first else { return nil }

        var controlBytes = 0
        for b in text where b < 0x09 || (b > 0x0D && b < 0x20) { controlBytes += 1 }
        // Binary files (checkpoints, images) are not logs.
        let binary = controlBytes > text.count / 10 || (text.count < prefix.count / 2 && controlBytes > 0)

        if !binary {
            for l in nonEmpty.prefix(400) where looksLikeStdoutLine(l) { return .varStdout }
            // LlamaGen's logger writes log.txt too: by content, not name.
            for l in nonEmpty.prefix(400) where LlamaGenReader.isStepLine(l) { return .llamaGen }
            if nonEmpty.prefix(20).contains(where: { contains(Array($0), "Namespace(") && contains(Array($0), "gpt_model=") }) {
                return .llamaGen
            }
        }
        if first.first == 0x7B { // {
            if contains(text, "\"is_master\"") { return .varLogTxt }
            for l in nonEmpty.prefix(50) where l.first == 0x7B && contains(Array(l), "'ep':") { return .varLogTxt }
            var parsed = 0
            for l in nonEmpty.prefix(20) {
                guard l.first == 0x7B else { break }
                if case .success(.dict) = l.withUnsafeBufferPointer({ PythonLiteral.parse($0) }) { parsed += 1 } else { break }
            }
            if parsed > 0 { return .jsonLines }
            return nil
        }
        if !binary, looksLikeCSVHeader(first) { return .csv }
        return nil
    }

    /// Text, not a binary file: few control bytes in the prefix.
    static func isText(_ prefix: [UInt8]) -> Bool {
        var control = 0
        for b in prefix where b < 0x09 || (b > 0x0D && b < 0x20) { control += 1 }
        return control <= prefix.count / 10
    }

    /// A TFRecord starts with a little-endian UInt64 length and the masked CRC-32C of those 8 bytes.
    static func isTFRecord(_ b: [UInt8]) -> Bool {
        guard b.count >= 12 else { return false }
        let crc = b.withUnsafeBufferPointer { CRC32C.masked(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[0..<8])) }
        let stored = UInt32(b[8]) | UInt32(b[9]) << 8 | UInt32(b[10]) << 16 | UInt32(b[11]) << 24
        return crc == stored
    }

    static func trim(_ l: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var s = l
        while let c = s.first, c == 0x20 || c == 0x09 || c == 0x0D || c == 0 { s = s.dropFirst() }
        while let c = s.last, c == 0x20 || c == 0x09 || c == 0x0D { s = s.dropLast() }
        return s
    }

    static func contains(_ hay: [UInt8], _ needle: StaticString) -> Bool {
        hay.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            return ByteScan.find(p, 0, b.count, needle) != nil
        }
    }

    static func looksLikeStdoutLine(_ l: ArraySlice<UInt8>) -> Bool {
        let a = Array(l)
        return a.withUnsafeBufferPointer { b -> Bool in
            guard let p = b.baseAddress else { return false }
            let n = b.count
            if n >= 16, VARTimestampClock.parse(p, 0, n) != nil, ByteScan.find(p, 16, min(n, 120), ")=>") != nil { return true }
            if ByteScan.find(p, 0, n, "[Ep]:") != nil { return true }
            if ByteScan.find(p, 0, n, "initial args:") != nil { return true }
            return false
        }
    }

    /// `step,loss,val_loss` or `"step","loss"`: two or more fields, none a number, at least two
    /// of them words (starting with a letter or `_`); other columns may be named anything
    /// (`<b>`, `../x`, `#tag`), as a tool's export can name them.
    static func looksLikeCSVHeader(_ l: ArraySlice<UInt8>) -> Bool {
        let fields = CSVReader.splitFields(Array(l))
        guard fields.count >= 2 else { return false }
        var words = 0
        for f in fields {
            let t = f.trimmingCharacters(in: " \t")
            if t.isEmpty { continue }
            if Double(t) != nil { return false }
            if let c = t.unicodeScalars.first, c.properties.isAlphabetic || c == "_" { words += 1 }
        }
        return words >= 2
    }
}

extension String {
    func trimmingCharacters(in chars: String) -> String {
        var s = Substring(self)
        while let c = s.first, chars.contains(c) { s = s.dropFirst() }
        while let c = s.last, chars.contains(c) { s = s.dropLast() }
        return String(s)
    }
}
