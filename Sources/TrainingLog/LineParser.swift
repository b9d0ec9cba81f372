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
    static func parse(_ bytes: [UInt8], path: String, options: LoadOptions) -> Run {
        var parser = Self(path: path, options: options)
        let stats = bytes.withUnsafeBufferPointer { buf in
            LineReader.forEachLine(in: buf) { line, n in parser.feed(line, n) }
        }
        return parser.finish(stats)
    }
}
