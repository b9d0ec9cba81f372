/// A value of a Python literal as printed by `repr()` / `str()` of dicts, or of JSON (both parse).
///
/// VAR's log.txt lines are `str(dict)`: single-quoted strings, `None`, `True`/`False`, `nan`,
/// `inf`, exponents. The parser is tolerant of what real logs hold besides: JSON spellings
/// (`null`, `true`, `"..."`), tuples, and calls such as `tensor(0.52, device='cuda:0')`, whose
/// first argument is taken as the value.
public enum PyValue: Equatable, Sendable {
    case none
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case list([PyValue])
    case dict([PyDictEntry])

    /// The numeric value of an int, float (or bool), if this is one.
    public var number: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// The value of `key` if this is a dict (last occurrence wins, as in Python).
    public subscript(key: String) -> PyValue? {
        guard case .dict(let entries) = self else { return nil }
        return entries.last { $0.key == key }?.value
    }

    /// Text for config entries: strings as they are, others as Python would print them.
    public var text: String {
        switch self {
        case .none: return "None"
        case .bool(let b): return b ? "True" : "False"
        case .int(let i): return String(i)
        case .double(let d): return d.isNaN ? "nan" : d.isInfinite ? (d < 0 ? "-inf" : "inf") : String(d)
        case .string(let s): return s
        case .list(let l): return "[" + l.map(\.text).joined(separator: ", ") + "]"
        case .dict(let d): return "{" + d.map { "\($0.key): \($0.value.text)" }.joined(separator: ", ") + "}"
        }
    }
}

/// One `key: value` pair of a dict literal, in file order (keys that are not strings are kept as text).
public struct PyDictEntry: Equatable, Sendable {
    public var key: String
    public var value: PyValue
}

/// Why a literal could not be parsed: the byte offset in the text and what was expected.
public struct PyLiteralError: Error, Equatable, Sendable {
    public var offset: Int
    public var message: String
}

/// A small, tolerant parser of Python literals (and JSON), on bytes.
public enum PythonLiteral {
    /// Parses one literal that must fill the text (surrounding spaces allowed).
    public static func parse(_ bytes: [UInt8]) -> Result<PyValue, PyLiteralError> {
        bytes.withUnsafeBufferPointer { parse($0) }
    }

    public static func parse(_ buf: UnsafeBufferPointer<UInt8>) -> Result<PyValue, PyLiteralError> {
        guard let base = buf.baseAddress, buf.count > 0 else {
            return .failure(PyLiteralError(offset: 0, message: "empty text"))
        }
        var parser = PyParser(p: base, end: buf.count)
        do {
            let v = try parser.value()
            parser.skipSpace()
            if parser.i < parser.end {
                return .failure(PyLiteralError(offset: parser.i, message: "unexpected text after the value"))
            }
            return .success(v)
        } catch {
            return .failure(error)
        }
    }
}

struct PyParser {
    let p: UnsafePointer<UInt8>
    let end: Int
    var i = 0
    var depth = 0
    static let maxDepth = 64

    init(p: UnsafePointer<UInt8>, end: Int) {
        self.p = p
        self.end = end
    }

    func fail(_ msg: String) -> PyLiteralError { PyLiteralError(offset: i, message: msg) }

    mutating func skipSpace() {
        while i < end, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0A || p[i] == 0x0D { i += 1 }
    }

    mutating func value() throws(PyLiteralError) -> PyValue {
        skipSpace()
        guard i < end else { throw fail("value expected, found end of text") }
        let c = p[i]
        switch c {
        case 0x7B: return try container(close: 0x7D, isDict: true)              // {
        case 0x5B: return try container(close: 0x5D, isDict: false)             // [
        case 0x28: return try container(close: 0x29, isDict: false)             // (
        case 0x27, 0x22: return .string(try string())                           // ' "
        case 0x3C:                                                               // <object at 0x...>
            let s = i
            while i < end, p[i] != 0x3E { i += 1 }
            guard i < end else { throw fail("'>' expected") }
            i += 1
            return .string(ByteScan.string(p, s, i))
        default: break
        }
        if ByteScan.isDigit(c) || c == 0x2D || c == 0x2B || c == 0x2E { return try number() }
        if Self.isIdentStart(c) {
            let s = i
            while i < end, Self.isIdent(p[i]) { i += 1 }
            let word = ByteScan.string(p, s, i)
            // String prefixes: r'..', b'..', u'..', f'..', rb'..'
            if i < end, p[i] == 0x27 || p[i] == 0x22, word.count <= 2,
               word.lowercased().allSatisfy({ "rbuf".contains($0) }) {
                return .string(try string())
            }
            switch word {
            case "None", "null": return .none
            case "True", "true": return .bool(true)
            case "False", "false": return .bool(false)
            default: break
            }
            // Python prints nan and inf; NumPy, JSON writers and hand-made logs spell them in
            // any case (NaN, NAN, Infinity, INF, infinity).
            switch word.lowercased() {
            case "nan": return .double(.nan)
            case "inf", "infinity": return .double(.infinity)
            default: break
            }
            skipSpace()
            if i < end, p[i] == 0x28 { // a call: tensor(0.5, device='cuda:0'), datetime(...)
                let args = try container(close: 0x29, isDict: false, allowKeywords: true)
                if case .list(let items) = args, let first = items.first, first.number != nil { return first }
                return .string(word + args.text)
            }
            return .string(word)
        }
        throw fail("unexpected character")
    }

    static func isIdentStart(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F || c >= 0x80 }
    static func isIdent(_ c: UInt8) -> Bool { isIdentStart(c) || ByteScan.isDigit(c) || c == 0x2E }

    mutating func number() throws(PyLiteralError) -> PyValue {
        let s = i
        var j = i
        if p[j] == 0x2D || p[j] == 0x2B { j += 1 }
        var isInt = true
        var k = j
        while k < end, ByteScan.isDigit(p[k]) || p[k] == 0x5F { k += 1 }
        if k < end, p[k] == 0x2E || p[k] | 0x20 == 0x65 || p[k] | 0x20 == 0x6E || p[k] | 0x20 == 0x69 { isInt = false }
        if isInt, k > j {
            var digits = 0
            var v = 0
            var overflow = false
            for q in j..<k where p[q] != 0x5F {
                digits += 1
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int(p[q] &- 0x30))
                if o1 || o2 { overflow = true; break }
                v = a
            }
            if !overflow, digits > 0 {
                i = k
                return .int(p[s] == 0x2D ? -v : v)
            }
        }
        guard let (d, next) = ByteScan.parseDouble(p, s, end) else { throw fail("number expected") }
        i = next
        return .double(d)
    }

    mutating func string() throws(PyLiteralError) -> String {
        let q = p[i]
        let start = i
        i += 1
        var out: [UInt8] = []
        while i < end {
            let c = p[i]
            if c == q { i += 1; return String(decoding: out, as: UTF8.self) }
            if c == 0x5C, i + 1 < end { // backslash
                let e = p[i + 1]
                i += 2
                switch e {
                case 0x6E: out.append(0x0A)
                case 0x74: out.append(0x09)
                case 0x72: out.append(0x0D)
                case 0x30: out.append(0x00)
                case 0x5C, 0x27, 0x22, 0x2F: out.append(e)
                case 0x78: appendScalar(hex(2), &out)
                case 0x75: appendScalar(hex(4), &out)
                case 0x55: appendScalar(hex(8), &out)
                default: out.append(0x5C); out.append(e)
                }
                continue
            }
            out.append(c)
            i += 1
        }
        i = start
        throw fail("unterminated string")
    }

    mutating func hex(_ n: Int) -> UInt32? {
        guard end - i >= n else { return nil }
        var v: UInt32 = 0
        for k in 0..<n {
            let c = p[i + k]
            let d: UInt8
            if ByteScan.isDigit(c) { d = c &- 0x30 }
            else if (c | 0x20) >= 0x61 && (c | 0x20) <= 0x66 { d = (c | 0x20) &- 0x61 &+ 10 }
            else { return nil }
            v = v << 4 | UInt32(d)
        }
        i += n
        return v
    }

    func appendScalar(_ v: UInt32?, _ out: inout [UInt8]) {
        guard let v else { out.append(0x3F); return }
        // A UTF-16 surrogate (from JSON's \uD83D\uDE00) cannot stand alone: replace it.
        let scalar = Unicode.Scalar(v) ?? "\u{FFFD}"
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    mutating func container(close: UInt8, isDict: Bool, allowKeywords: Bool = false) throws(PyLiteralError) -> PyValue {
        depth += 1
        defer { depth -= 1 }
        guard depth <= Self.maxDepth else { throw fail("nested too deeply") }
        i += 1 // opening bracket
        var items: [PyValue] = []
        var entries: [PyDictEntry] = []
        var isSet = false
        while true {
            skipSpace()
            guard i < end else { throw fail("'\(Character(Unicode.Scalar(close)))' expected, found end of text") }
            if p[i] == close { i += 1; break }
            if allowKeywords {
                // name=value inside a call: skip the name.
                var k = i
                while k < end, Self.isIdent(p[k]) { k += 1 }
                if k > i, k < end, p[k] == 0x3D, k + 1 < end, p[k + 1] != 0x3D { i = k + 1 }
            }
            let v = try value()
            skipSpace()
            if isDict {
                if i < end, p[i] == 0x3A {
                    i += 1
                    let val = try value()
                    let key: String
                    if case .string(let s) = v { key = s } else { key = v.text }
                    entries.append(PyDictEntry(key: key, value: val))
                } else {
                    isSet = true // {1, 2}: a set; kept as a list
                    items.append(v)
                }
            } else {
                items.append(v)
            }
            skipSpace()
            guard i < end else { throw fail("',' or closing bracket expected, found end of text") }
            if p[i] == 0x2C { i += 1; continue }
            if p[i] == close { i += 1; break }
            throw fail("',' or closing bracket expected")
        }
        if isDict && !isSet { return .dict(entries) }
        if isDict && isSet && entries.isEmpty { return .list(items) }
        return isDict ? .dict(entries) : .list(items)
    }
}
