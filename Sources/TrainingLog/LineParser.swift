import Foundation
import Parallel

/// A text-log format read line by line: the shape every text reader shares, so reading a file
/// and parsing bytes in memory (tests, fuzzing) go through one path.
protocol LineParser {
    init(path: String, options: LoadOptions)
    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int)
    mutating func finish(_ stats: LineStats) -> Run
}

extension LineParser {
    /// Streams the file at `path` through a new parser (`prepare` may size it first).
    static func read(path: String, options: LoadOptions, prepare: (inout Self) -> Void = { _ in }) throws(Diagnostic) -> Run {
        var parser = Self(path: path, options: options)
        prepare(&parser)
        let stats = try LineReader().forEachLine(path) { line, n in parser.feed(line, n) }
        return parser.finish(stats)
    }

    /// Parses text held in memory; `path` names it in warnings.
    static func parse(_ bytes: [UInt8], path: String, options: LoadOptions, prepare: (inout Self) -> Void = { _ in }) -> Run {
        var parser = Self(path: path, options: options)
        prepare(&parser)
        let stats = bytes.withUnsafeBufferPointer { buf in
            LineReader.forEachLine(in: buf) { line, n in parser.feed(line, n) }
        }
        return parser.finish(stats)
    }
}

/// A line format whose rows, once its header is read, are independent of each other (CSV, JSON
/// Lines): a large file is cut into pieces at line boundaries, the pieces are parsed on every core,
/// and the results are joined in file order, giving the same `Run` as one pass.
protocol SplittableLineParser: LineParser, Sendable {
    /// True once the lines fed so far let the rest be parsed in independent pieces (the header
    /// is known and no row depends on the rows before it).
    var canSplit: Bool { get }
    /// A parser for a later piece: this one's header state, nothing collected yet. It records a
    /// missing wall time as NaN so that `absorb` can reproduce one pass exactly.
    func pieceParser() -> Self
    /// Joins the pieces' results, in file order, onto this parser; `lineOffsets[k]` is the
    /// number of lines before piece k (piece line numbers start at 1).
    mutating func absorb(_ pieces: inout [Self], lineOffsets: [Int])
    /// Told before a piece is parsed how many bytes it has, to size what it collects.
    mutating func expect(bytes: Int)
}

extension SplittableLineParser {
    /// Files at least this large are read in pieces (below it, threads cost more than they save).
    static var splitThreshold: Int { 8 << 20 }

    /// `read(path:)`, on every core for a large file.
    static func readInPieces(path: String, options: LoadOptions, pieces wanted: Int? = nil) throws(Diagnostic) -> Run {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard let size = ByteFile.fileSize(path), size >= splitThreshold || wanted != nil, cores > 1 || wanted != nil else {
            return try read(path: path, options: options)
        }
        // The header: lines from the first 1 MB until the parser can split.
        var head = Self(path: path, options: options)
        let prefix = try ByteFile.prefix(path, count: 1 << 20)
        var headerEnd = 0, headerLines = 0
        prefix.withUnsafeBufferPointer { b in
            guard let base = b.baseAddress else { return }
            var start = 0
            while start < b.count, !head.canSplit {
                guard let hit = memchr(base + start, 0x0A, b.count - start) else { return }
                let nl = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                headerLines += 1
                head.feed(UnsafeBufferPointer(start: base + start, count: nl - start), headerLines)
                start = nl + 1
                headerEnd = start
            }
        }
        guard head.canSplit, headerEnd < size else { return try read(path: path, options: options) }
        // More pieces than cores keeps them even and the join's extra memory small (one piece).
        let count = max(2, wanted ?? cores * 4)
        let step = (size - headerEnd + count - 1) / count
        let ranges = (0..<count).map { k in min(size, headerEnd + k * step)..<min(size, headerEnd + (k + 1) * step) }
            .filter { !$0.isEmpty }
        let template = head.pieceParser()
        return try MemoryPolicy.returningBigFrees { () throws(Diagnostic) -> Run in
            try join(head, template: template, ranges: ranges, path: path, headerLines: headerLines, size: size)
        }
    }

    /// Parses the pieces in parallel and joins them onto `head`.
    private static func join(_ head: Self, template: Self, ranges: [Range<Int>], path: String, headerLines: Int,
                             size: Int) throws(Diagnostic) -> Run {
        var head = head
        let results = ParallelMap.map(ranges) { range in
            var parser = template
            parser.expect(bytes: range.count)
            return Result { () throws(Diagnostic) -> (Self, LineStats) in
                // A piece is a few MB: a 1 MB buffer keeps the memory it touches small.
                let stats = try LineReader(chunkSize: 1 << 20).forEachLine(path, range: range) { line, n in parser.feed(line, n) }
                return (parser, stats)
            }
        }
        var parsed: [Self] = []
        var offsets: [Int] = []
        var stats = LineStats()
        stats.lines = headerLines
        for r in results {
            let (parser, s) = try r.get()
            offsets.append(stats.lines)
            stats.overlongLines += s.overlongLines.map { $0 + stats.lines }
            stats.lines += s.lines
            // The file's last line is in the last piece that has any line.
            if s.lines > 0 { stats.lastLineUnterminated = s.lastLineUnterminated }
            parsed.append(parser)
        }
        stats.bytes = size
        head.absorb(&parsed, lineOffsets: offsets)
        return head.finish(stats)
    }
}
