import Parallel
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Exact powers of ten representable in a Double (10^0 ... 10^22), for Clinger's fast path.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// Byte-level scanning helpers shared by the text readers. All functions take a base pointer and
/// a half-open index range and never read outside it.
enum ByteScan {
    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c &- 0x30 < 10 }
    @inline(__always) static func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 }

    /// Parses a decimal number (optional sign, digits, fraction, exponent; also nan, inf,
    /// infinity in any case) starting exactly at `i`. Returns the value and the index after it.
    /// Correctly rounded: short numbers take the exact fast path, others go through strtod.
    static func parseDouble(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (value: Double, next: Int)? {
        var j = i
        guard j < end else { return nil }
        var negative = false
        if p[j] == 0x2D || p[j] == 0x2B { negative = p[j] == 0x2D; j += 1 }
        guard j < end else { return nil }
        let c0 = p[j] | 0x20
        if c0 == 0x6E || c0 == 0x69 { // n, i
            if matchesLower(p, j, end, "nan") { return (negative ? -Double.nan : .nan, j + 3) }
            if matchesLower(p, j, end, "infinity") { return (negative ? -.infinity : .infinity, j + 8) }
            if matchesLower(p, j, end, "inf") { return (negative ? -.infinity : .infinity, j + 3) }
            return nil
        }
        var mant: UInt64 = 0
        var sigDigits = 0
        var anyDigit = false
        var dropped = false
        while j < end, isDigit(p[j]) {
            anyDigit = true
            if sigDigits < 19 {
                mant = mant &* 10 &+ UInt64(p[j] &- 0x30)
                if mant != 0 { sigDigits += 1 }
            } else { dropped = true }
            j += 1
        }
        var fracDigits = 0
        if j < end, p[j] == 0x2E {
            j += 1
            while j < end, isDigit(p[j]) {
                anyDigit = true
                if sigDigits < 19 {
                    mant = mant &* 10 &+ UInt64(p[j] &- 0x30)
                    if mant != 0 { sigDigits += 1 }
                    fracDigits += 1
                } else { dropped = true }
                j += 1
            }
        }
        guard anyDigit else { return nil }
        var exp = 0
        if j < end, p[j] | 0x20 == 0x65 { // e
            var k = j + 1
            var eneg = false
            if k < end, p[k] == 0x2D || p[k] == 0x2B { eneg = p[k] == 0x2D; k += 1 }
            if k < end, isDigit(p[k]) {
                while k < end, isDigit(p[k]) {
                    if exp < 100_000 { exp = exp * 10 + Int(p[k] &- 0x30) }
                    k += 1
                }
                if eneg { exp = -exp }
                j = k
            }
        }
        if mant == 0 { return (negative ? -0.0 : 0.0, j) }
        let e10 = exp - fracDigits
        if !dropped, sigDigits <= 15, e10 >= -22, e10 <= 22 {
            var v = Double(mant)
            if e10 < 0 { v /= exactPowersOfTen[-e10] } else { v *= exactPowersOfTen[e10] }
            return (negative ? -v : v, j)
        }
        return (slowParse(p, i, j), j)
    }

    private static func slowParse(_ p: UnsafePointer<UInt8>, _ i: Int, _ j: Int) -> Double {
        let n = j - i
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp in
            for k in 0..<n { tmp[k] = CChar(bitPattern: p[i + k]) }
            tmp[n] = 0
            return strtod(tmp.baseAddress!, nil)
        }
    }

    /// Parses an optional sign and decimal digits; nil on overflow or no digits.
    static func parseInt(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (value: Int, next: Int)? {
        var j = i
        var negative = false
        if j < end, p[j] == 0x2D || p[j] == 0x2B { negative = p[j] == 0x2D; j += 1 }
        var v = 0
        let start = j
        while j < end, isDigit(p[j]) {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int(p[j] &- 0x30))
            if o1 || o2 { return nil }
            v = a
            j += 1
        }
        guard j > start else { return nil }
        return (negative ? -v : v, j)
    }

    /// Whether p[i...] starts with the ASCII `literal` compared case-insensitively (literal lowercase).
    static func matchesLower(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - i >= n else { return false }
        let l = literal.utf8Start
        for k in 0..<n where (p[i + k] | 0x20) != l[k] { return false }
        return true
    }

    /// Whether p[i...] starts with `literal` exactly.
    @inline(__always)
    static func matches(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int, _ literal: StaticString) -> Bool {
        let n = literal.utf8CodeUnitCount
        guard end - i >= n else { return false }
        return memcmp(p + i, literal.utf8Start, n) == 0
    }

    /// The first index of `literal` in p[from..<end], or nil.
    static func find(_ p: UnsafePointer<UInt8>, _ from: Int, _ end: Int, _ literal: StaticString) -> Int? {
        let n = literal.utf8CodeUnitCount
        guard n > 0, end - from >= n else { return nil }
        let first = Int32(literal.utf8Start[0])
        var i = from
        let last = end - n
        while i <= last {
            guard let hit = memchr(p + i, first, last - i + 1) else { return nil }
            let k = p.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if memcmp(p + k, literal.utf8Start, n) == 0 { return k }
            i = k + 1
        }
        return nil
    }

    @inline(__always)
    static func skipSpaces(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Int {
        var j = i
        while j < end, isSpace(p[j]) { j += 1 }
        return j
    }

    /// The range with leading and trailing spaces, tabs and CR removed.
    static func trim(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> (Int, Int) {
        var a = i, b = end
        while a < b, isSpace(p[a]) || p[a] == 0x0D { a += 1 }
        while b > a, isSpace(p[b - 1]) || p[b - 1] == 0x0D { b -= 1 }
        return (a, b)
    }

    /// A String from bytes, repairing invalid UTF-8 (never fails).
    static func string(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> String {
        guard end > i else { return "" }
        return String(decoding: UnsafeBufferPointer(start: p + i, count: end - i), as: UTF8.self)
    }
}

/// Collects warnings for one file, keeping at most `perKind` of each kind and counting the rest,
/// so that a damaged million-line file gives a readable list.
struct WarningSink {
    let file: String
    var perKind = 20
    private(set) var warnings: [Diagnostic] = []
    /// The kind of each kept warning.
    private var kinds: [String] = []
    private var counts: [String: Int] = [:]
    private var order: [String] = []

    init(file: String) { self.file = file }

    mutating func add(_ kind: String, line: Int? = nil, byteOffset: Int? = nil, _ message: String) {
        let c = counts[kind, default: 0]
        if c == 0 { order.append(kind) }
        counts[kind] = c + 1
        if c < perKind {
            warnings.append(Diagnostic(file: file, line: line, byteOffset: byteOffset, message: message))
            kinds.append(kind)
        }
    }

    /// Adds the warnings of a later piece of the same file, its line numbers shifted by
    /// `lineOffset`, as if they had been added here one by one (the same caps per kind).
    mutating func absorb(_ other: WarningSink, lineOffset: Int) {
        var kept: [String: Int] = [:]
        for (kind, w) in zip(other.kinds, other.warnings) {
            kept[kind, default: 0] += 1
            add(kind, line: w.line.map { $0 + lineOffset }, byteOffset: w.byteOffset, w.message)
        }
        for kind in other.order {
            let dropped = (other.counts[kind] ?? 0) - (kept[kind] ?? 0)
            guard dropped > 0 else { continue }
            if counts[kind] == nil { order.append(kind) }
            counts[kind, default: 0] += dropped
        }
    }

    /// The warnings, with one extra line per kind that was capped.
    func finish() -> [Diagnostic] {
        var out = warnings
        for k in order {
            if let c = counts[k], c > perKind {
                out.append(Diagnostic(file: file, message: "\(c - perKind) more warnings like '\(k)' not listed (\(c) in all)"))
            }
        }
        return out
    }
}

/// Accumulates named series for one file and granularity.
struct SeriesCollector {
    let granularity: Granularity
    let source: String
    private var index: [MetricName: Int] = [:]
    private(set) var series: [Series] = []

    init(_ granularity: Granularity, source: String) {
        self.granularity = granularity
        self.source = source
    }

    /// Points to reserve in each new series (an estimate from the file size; untouched
    /// reserved memory costs address space only).
    var reserve = 0

    /// The slot of a series (created on first use); use it with `append(slot:...)` on hot paths.
    mutating func slot(_ name: MetricName) -> Int {
        if let i = index[name] { return i }
        var s = Series(name: name, granularity: granularity, source: source)
        if reserve > 0 { s.reserveCapacity(reserve, withWallTimes: true) }
        series.append(s)
        index[name] = series.count - 1
        return series.count - 1
    }

    mutating func append(_ slot: Int, x: Int, value: Double, wallTime: Double? = nil) {
        series[slot].append(x: x, value: value, wallTime: wallTime)
    }

    /// Appends a block of points to a series (see `Series.append(xs:values:wallTimes:)`).
    mutating func append(_ slot: Int, xs: [Int], values: [Double], wallTimes: [Double]?) {
        series[slot].append(xs: xs, values: values, wallTimes: wallTimes)
    }

    mutating func append(_ name: MetricName, x: Int, value: Double, wallTime: Double? = nil) {
        let s = slot(name)
        series[s].append(x: x, value: value, wallTime: wallTime)
    }

    /// Drops every point at x >= `x` from every series: a restart resumes there, and what it
    /// logs next replaces those points. Memory then holds one copy of each epoch, however often
    /// a run was resumed.
    mutating func removePoints(fromX x: Int) {
        for i in series.indices { series[i].removePoints(fromX: x) }
    }

    /// The collectors of consecutive pieces of one file joined in order, series by series (each
    /// piece's arrays are released once copied). Pieces record a missing wall time as NaN; a
    /// series whose first point has none then keeps no wall times, as one pass would. Series
    /// that share one x array in every piece (the columns of dense CSV rows) share one joined
    /// x array too, built once.
    static func concatenate(_ parts: inout [SeriesCollector]) -> SeriesCollector {
        guard let first = parts.first else { preconditionFailure("no pieces to join") }
        var out = SeriesCollector(first.granularity, source: first.source)
        // The names in order of first appearance: the slots one pass would have made.
        var order: [MetricName] = []
        var places: [MetricName: [(piece: Int, index: Int)]] = [:]
        for (k, p) in parts.enumerated() {
            for (j, s) in p.series.enumerated() {
                if places[s.name] == nil { order.append(s.name) }
                places[s.name, default: []].append((k, j))
            }
        }
        // Each series' pieces, taken out of the parts (so each is freed once joined).
        var pieceLists: [[Series]] = order.map { name in
            (places[name] ?? []).map { (k, j) in
                let piece = parts[k].series[j]
                parts[k].series[j] = Series(name: name, granularity: first.granularity, source: first.source)
                return piece
            }
        }
        // A key is the pieces' x buffers (all alive together here, so equal keys mean the same
        // buffers). Each distinct one is joined once, then the series are joined around them;
        // both side by side, as the join copies every value of the file once more.
        let keys = pieceLists.map { $0.map { s in UInt(bitPattern: s.xs.withUnsafeBufferPointer { $0.baseAddress }) } }
        var firstWithKey: [[UInt]: Int] = [:]
        for (i, key) in keys.enumerated() where pieceLists[i].count > 1 && firstWithKey[key] == nil { firstWithKey[key] = i }
        let distinct = Array(firstWithKey)
        let joinedXs = ParallelMap.map(distinct.map { pieceLists[$0.value].map(\.xs) }) { xs in Array(xs.joined()) }
        let xsByKey = Dictionary(uniqueKeysWithValues: zip(distinct.map(\.key), joinedXs))
        let work = pieceLists.indices.map { i in (pieceLists[i], xsByKey[keys[i]]) }
        pieceLists = []
        let joined = ParallelMap.map(work) { pieces, xs -> Series in
            var series = Series.joining(pieces, xs: xs)
            if series.wallTimes.first?.isNaN == true { series.dropWallTimes() }
            return series
        }
        for (name, series) in zip(order, joined) {
            out.series.append(series)
            out.index[name] = out.series.count - 1
        }
        parts = parts.map { SeriesCollector($0.granularity, source: $0.source) }
        return out
    }

    /// Sorted, deduplicated (later occurrence wins), empty series dropped; series logged at the
    /// same points share one x array.
    func finish() -> [Series] {
        var out: [Series] = []
        for var s in series where !s.isEmpty {
            s.sortAndKeepLast()
            if let previous = out.last { s.shareCoordinates(with: previous) }
            out.append(s)
        }
        return out
    }
}

extension Array where Element == Series {
    /// The first and last x over all series, if any has points.
    var xRange: (Int, Int)? {
        var lo = Int.max, hi = Int.min
        for s in self where !s.isEmpty {
            lo = Swift.min(lo, s.xs[0])
            hi = Swift.max(hi, s.xs[s.xs.count - 1])
        }
        return lo <= hi ? (lo, hi) : nil
    }
}
