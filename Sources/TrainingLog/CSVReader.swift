/// Reads a CSV file with a header row (comma- or tab-separated; `"quoted, fields"` with `""`
/// escapes; quoted fields do not span lines). Step, epoch and time columns are found by name
/// (`step`, `global_step`, `iter`, `iteration`; `epoch`, `ep`; `time`, `wall_time`, `timestamp`);
/// every other column is a metric, named through `LoadOptions.nameMap`, then VAR's names
/// (`VARNames.canonical(column:)`). Rows may be sparse: an empty cell is a missing value. A row
/// with a step gives iteration points; a file with an epoch column but no step gives epoch points.
public enum CSVReader {
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try CSVParser.readInPieces(path: path, options: options)
    }

    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        CSVParser.parse(bytes, path: path, options: options)
    }

    /// Splits one CSV line into fields (quotes removed), for headers and format detection.
    static func splitFields(_ line: [UInt8], separator: UInt8? = nil) -> [String] {
        line.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return [] }
            let sep = separator ?? guessSeparator(p, b.count)
            return fieldRanges(p, 0, b.count, sep).map { field($0, p) }
        }
    }

    static func guessSeparator(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt8 {
        var commas = 0, tabs = 0
        for i in 0..<n { if p[i] == 0x2C { commas += 1 } else if p[i] == 0x09 { tabs += 1 } }
        return tabs > commas ? 0x09 : 0x2C
    }

    /// Field ranges of a line; a quoted field's range includes its quotes.
    static func fieldRanges(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ sep: UInt8) -> [(Int, Int)] {
        var out: [(Int, Int)] = []
        fieldRanges(p, a, b, sep, into: &out)
        return out
    }

    /// The same into a reused array (one row after another without allocating).
    static func fieldRanges(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ sep: UInt8, into out: inout [(Int, Int)]) {
        out.removeAll(keepingCapacity: true)
        var i = a
        var start = a
        var inQuotes = false
        while i < b {
            let c = p[i]
            if c == 0x22 { inQuotes.toggle() }
            else if c == sep && !inQuotes { out.append((start, i)); start = i + 1 }
            i += 1
        }
        out.append((start, b))
    }

    /// The text of a field, without surrounding spaces and quotes, `""` unescaped.
    static func field(_ r: (Int, Int), _ p: UnsafePointer<UInt8>) -> String {
        var (a, b) = ByteScan.trim(p, r.0, r.1)
        if b - a >= 2, p[a] == 0x22, p[b - 1] == 0x22 {
            a += 1; b -= 1
            let s = ByteScan.string(p, a, b)
            return s.contains("\"\"") ? s.replacingAll("\"\"", with: "\"") : s
        }
        return ByteScan.string(p, a, b)
    }
}

extension String {
    func replacingAll(_ a: String, with b: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: a) {
            out += rest[..<r.lowerBound]
            out += b
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    func range(of needle: String) -> Range<Index>? {
        guard !needle.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(needle) { return i..<(index(i, offsetBy: needle.count)) }
            i = index(after: i)
        }
        return nil
    }
}

struct CSVParser: LineParser {
    let path: String
    let options: LoadOptions
    var rows: RowCollector
    var header: [String]? = nil
    var roles: [TabularColumns.Role] = []
    var names: [MetricName] = []
    var sep: UInt8 = 0x2C
    var stepCol: Int? = nil, epochCol: Int? = nil, timeCol: Int? = nil
    /// Per column: numeric cells, non-numeric cells, and the first non-numeric one.
    var numeric: [Int] = []
    var textual: [Int] = []
    var firstText: [(line: Int, text: String)?] = []
    /// Per column: its series slot in each collector (-1 until first used).
    var iterSlot: [Int] = []
    var epochSlot: [Int] = []
    /// Per row, reused: the field ranges, each cell's number and whether it had one.
    var fields: [(Int, Int)] = []
    var cells: [Double] = []
    var present: [Bool] = []
    /// A piece of a file read in parallel: a missing wall time is recorded as NaN (see
    /// `SeriesCollector.concatenate`).
    var recordsMissingWallTimes = false
    /// Rows with every metric (in a file with a step column and no epoch column) wait here and
    /// reach `rows` a block at a time; any other row flushes them first, so each series still
    /// gets its points in file order. Nil for other files.
    var dense: DenseRows? = nil
    /// The bytes of this piece (0: unknown), and the bytes of its first dense rows: after a
    /// batch of them, room is reserved for the rows the rest of the piece likely holds.
    var expectedBytes = 0
    var denseBytes = 0
    /// The shortcuts: plain rows skip the field splitter (`plainRow`) and dense rows are kept by
    /// column (`dense`); off only to check that they give the same Run.
    var usesFastPaths = true

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        rows = RowCollector(path: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        guard let p = line.baseAddress else { return }
        var (a, b) = ByteScan.trim(p, 0, line.count)
        if lineNo == 1, header == nil, b - a >= 3, p[a] == 0xEF, p[a + 1] == 0xBB, p[a + 2] == 0xBF { a += 3 } // BOM
        guard b > a else { return }
        guard header != nil else {
            sep = CSVReader.guessSeparator(p + a, b - a)
            let h = CSVReader.fieldRanges(p, a, b, sep).map { CSVReader.field($0, p) }
            header = h
            for (i, name) in h.enumerated() {
                let role = TabularColumns.role(name)
                roles.append(role)
                switch role {
                case .step: if stepCol == nil { stepCol = i }
                case .epoch: if epochCol == nil { epochCol = i }
                case .time: if timeCol == nil { timeCol = i }
                case .metric: break
                }
                names.append(options.canonical(column: name.isEmpty ? "column\(i + 1)" : name))
            }
            // A repeated header name would let the later column replace the earlier one: keep
            // both, the later ones as `name#2`, `name#3`, and say so.
            var seen: [MetricName: Int] = [:]
            for i in h.indices where roles[i] == .metric {
                guard let first = seen[names[i]] else { seen[names[i]] = i; continue }
                var k = 2
                while seen[MetricName(names[i].rawValue + "#\(k)")] != nil { k += 1 }
                let renamed = MetricName(names[i].rawValue + "#\(k)")
                rows.warnings.add("header", line: lineNo, "column \(i + 1) repeats the name '\(h[i])' of column \(first + 1); read as '\(renamed.rawValue)'")
                names[i] = renamed
                seen[renamed] = i
            }
            numeric = Array(repeating: 0, count: h.count)
            iterSlot = Array(repeating: -1, count: h.count)
            epochSlot = iterSlot
            textual = numeric
            firstText = Array(repeating: nil, count: h.count)
            cells = Array(repeating: .nan, count: h.count)
            present = Array(repeating: false, count: h.count)
            let metrics = h.indices.filter { roles[$0] == .metric }
            if usesFastPaths, stepCol != nil, epochCol == nil, !metrics.isEmpty,
               Set(metrics.map { names[$0] }).count == metrics.count {
                dense = DenseRows(columns: metrics)
            }
            return
        }
        // Every cell parsed once, into `cells`: a plain row straight from the bytes, any other
        // row split into fields first.
        let width: Int
        if usesFastPaths, let w = plainRow(p, a, b) {
            width = w
        } else {
            CSVReader.fieldRanges(p, a, b, sep, into: &fields)
            if fields.count > roles.count {
                rows.warnings.add("width", line: lineNo, "row has \(fields.count) fields, the header \(roles.count); extra fields ignored")
            }
            width = min(fields.count, roles.count)
            for i in 0..<width {
                let v = cell(p, fields[i], i, lineNo)
                cells[i] = v ?? .nan
                present[i] = v != nil
            }
        }
        // The index columns, then the metric cells straight into their series.
        var step: Int? = nil, ep: Int? = nil, time: Double? = nil
        var values = 0
        for i in 0..<width where present[i] {
            let v = cells[i]
            switch roles[i] {
            case .step: if i == stepCol { step = TabularColumns.index(v) }
            case .epoch: if i == epochCol { ep = TabularColumns.index(v) }
            case .time: if i == timeCol, v.isFinite { time = v }
            case .metric: values += 1
            }
        }
        guard let (x, g) = rows.index(step: step, epoch: ep, line: lineNo,
                                      hasIndexColumns: stepCol != nil || epochCol != nil, hasValues: values > 0) else { return }
        let both = g == .iteration && rows.keepPerEpoch(step: step, epoch: ep, hasValues: values > 0)
        if time == nil, recordsMissingWallTimes, timeCol != nil { time = .nan }
        if dense != nil {
            if g == .iteration, !both, values == dense!.columns.count, timeCol == nil || time != nil {
                dense!.append(x: x, wallTime: time, cells: cells)
                if denseBytes >= 0 {
                    denseBytes += line.count + 1
                    if dense!.count == 256, expectedBytes > 0 {
                        dense!.reserve(rows: Int(Double(expectedBytes) / Double(denseBytes) * 256 * 1.05) + 16, withWallTimes: time != nil)
                        denseBytes = -1  // reserved once
                    }
                }
                return
            }
            flushDenseRows()
        }
        for i in 0..<width where roles[i] == .metric && present[i] {
            let v = cells[i]
            if both, let e = ep { rows.perEpoch.append(names[i], x: e, value: v, wallTime: time) }
            if g == .iteration {
                if iterSlot[i] < 0 { iterSlot[i] = rows.iter.slot(names[i]) }
                rows.iter.append(iterSlot[i], x: x, value: v, wallTime: time)
            } else {
                if epochSlot[i] < 0 { epochSlot[i] = rows.epoch.slot(names[i]) }
                rows.epoch.append(epochSlot[i], x: x, value: v, wallTime: time)
            }
        }
    }

    /// A row of unquoted numbers and empty cells, at most as wide as the header (most logs):
    /// parsed into `cells` without splitting it first. Returns its width; or nil for anything
    /// else (quotes, spaces, text, `None`, more fields than the header), having counted nothing,
    /// and the general path reads the row with its warnings.
    private mutating func plainRow(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Int? {
        let n = roles.count
        var i = a, col = 0
        while true {
            if i < b, p[i] != sep {
                guard col < n, let (v, next) = ByteScan.parseDouble(p, i, b), next == b || p[next] == sep else { return nil }
                cells[col] = v
                present[col] = true
                i = next
            } else {
                guard col < n else { return nil }
                present[col] = false
            }
            col += 1
            if i >= b { break }
            i += 1  // the separator
            if i == b {  // a trailing separator: one more, empty, field
                guard col < n else { return nil }
                present[col] = false
                col += 1
                break
            }
        }
        for k in 0..<col where present[k] { numeric[k] += 1 }
        return col
    }

    /// The number in a cell (quotes removed), or nil when empty / null / text (text is counted).
    private mutating func cell(_ p: UnsafePointer<UInt8>, _ r: (Int, Int), _ i: Int, _ lineNo: Int) -> Double? {
        var (fa, fb) = ByteScan.trim(p, r.0, r.1)
        if fb - fa >= 2, p[fa] == 0x22, p[fb - 1] == 0x22 { fa += 1; fb -= 1 }
        guard fb > fa else { return nil }
        guard let (v, end) = ByteScan.parseDouble(p, fa, fb), end == fb else {
            let isNull = fb - fa == 4 && (ByteScan.matchesLower(p, fa, fb, "none") || ByteScan.matchesLower(p, fa, fb, "null"))
            if !isNull {
                textual[i] += 1
                if firstText[i] == nil { firstText[i] = (lineNo, ByteScan.string(p, fa, min(fb, fa + 40))) }
            }
            return nil
        }
        numeric[i] += 1
        return v
    }

    /// Hands the rows waiting in `dense` to their series.
    private mutating func flushDenseRows() {
        guard var block = dense, !block.isEmpty else { return }
        dense = nil  // so that the block's arrays are not shared while they are handed over
        for column in block.columns where iterSlot[column] < 0 { iterSlot[column] = rows.iter.slot(names[column]) }
        block.flush(into: &rows.iter, slots: block.columns.map { iterSlot[$0] })
        dense = block
    }

    mutating func finish(_ stats: LineStats) -> Run {
        flushDenseRows()
        if header == nil { rows.warnings.add("empty", "no header row") }
        // A column of text (notes, dates) is ignored quietly; text in a numeric column is reported.
        for i in textual.indices where textual[i] > 0 && numeric[i] > 0 {
            if let (line, text) = firstText[i] {
                rows.warnings.add("value", line: line, "column '\(header?[i] ?? "")': '\(text)' is not a number (\(textual[i]) such cells skipped)")
            }
        }
        for l in stats.overlongLines { rows.warnings.add("long", line: l, "line longer than 64 MB; only its start was read") }
        return rows.finish(path: path, format: .csv)
    }
}

extension CSVParser: SplittableLineParser {
    mutating func expect(bytes: Int) { expectedBytes = bytes }

    /// After the header, when rows carry their own step or epoch (without either, a row's x is
    /// its row number, which depends on every row before it).
    var canSplit: Bool { header != nil && (stepCol != nil || epochCol != nil) }

    func pieceParser() -> CSVParser {
        var p = CSVParser(path: path, options: options)
        p.header = header; p.roles = roles; p.names = names; p.sep = sep
        p.stepCol = stepCol; p.epochCol = epochCol; p.timeCol = timeCol
        p.numeric = numeric.map { _ in 0 }; p.textual = p.numeric
        p.firstText = firstText.map { _ in nil }
        p.iterSlot = iterSlot.map { _ in -1 }; p.epochSlot = p.iterSlot
        p.cells = cells; p.present = present
        p.recordsMissingWallTimes = true
        p.usesFastPaths = usesFastPaths
        p.dense = dense.map { DenseRows(columns: $0.columns) }
        return p
    }

    mutating func absorb(_ pieces: inout [CSVParser], lineOffsets: [Int]) {
        flushDenseRows()
        for k in pieces.indices { pieces[k].flushDenseRows() }
        for (k, piece) in pieces.enumerated() {
            for i in numeric.indices where i < piece.numeric.count {
                numeric[i] += piece.numeric[i]
                textual[i] += piece.textual[i]
                if firstText[i] == nil, let f = piece.firstText[i] { firstText[i] = (f.line + lineOffsets[k], f.text) }
            }
        }
        var parts = pieces.map(\.rows)
        pieces.removeAll()
        rows.absorb(&parts, lineOffsets: lineOffsets)
    }
}
