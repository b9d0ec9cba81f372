/// Reads JSON Lines: one JSON object per line (Python dict literals are accepted too). Step, epoch
/// and time keys are found by name as for CSV; every other numeric value is a metric (nested
/// objects are flattened with `/`: `{"train": {"loss": 1}}` -> `train/loss`), named through
/// `LoadOptions.nameMap`, then VAR's names. Lines may be sparse; `null` is a missing value.
public enum JSONLinesReader {
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try JSONLinesParser.read(path: path, options: options)
    }

    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        JSONLinesParser.parse(bytes, path: path, options: options)
    }
}

struct JSONLinesParser: LineParser {
    let path: String
    let options: LoadOptions
    var rows: RowCollector
    var names: [String: MetricName] = [:]
    var sawIndexKey = false
    var lastLineFailed = false

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        rows = RowCollector(path: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        lastLineFailed = false
        guard let p = line.baseAddress else { return }
        let (a, b) = ByteScan.trim(p, 0, line.count)
        guard b > a else { return }
        switch PythonLiteral.parse(UnsafeBufferPointer(start: p + a, count: b - a)) {
        case .failure(let e):
            lastLineFailed = true
            rows.warnings.add("parse", line: lineNo, "not a JSON object (column \(e.offset + 1): \(e.message))")
        case .success(.dict(let entries)):
            var metrics: [(MetricName, Double)] = []
            var step: Int? = nil, ep: Int? = nil, time: Double? = nil
            for e in entries {
                switch TabularColumns.role(e.key) {
                case .step:
                    sawIndexKey = true
                    if step == nil, let v = e.value.number { step = TabularColumns.index(v) }
                case .epoch:
                    sawIndexKey = true
                    if ep == nil, let v = e.value.number { ep = TabularColumns.index(v) }
                case .time:
                    if let v = e.value.number, v.isFinite { time = v }
                case .metric:
                    flatten(e.key, e.value, &metrics)
                }
            }
            rows.add(metrics, step: step, epoch: ep, time: time, line: lineNo, hasIndexColumns: sawIndexKey)
        case .success:
            rows.warnings.add("parse", line: lineNo, "line is not a JSON object")
        }
    }

    private mutating func name(_ key: String) -> MetricName {
        if let n = names[key] { return n }
        let n = options.canonical(column: key)
        names[key] = n
        return n
    }

    private mutating func flatten(_ key: String, _ v: PyValue, _ out: inout [(MetricName, Double)], depth: Int = 0) {
        switch v {
        case .int, .double: out.append((name(key), v.number ?? .nan))
        case .dict(let entries) where depth < 8:
            for e in entries { flatten(key + "/" + e.key, e.value, &out, depth: depth + 1) }
        default: break
        }
    }

    mutating func finish(_ stats: LineStats) -> Run {
        if stats.lastLineUnterminated && lastLineFailed {
            rows.warnings.add("truncated", line: stats.lines, "last line is truncated (the file may still be written)")
        }
        for l in stats.overlongLines { rows.warnings.add("long", line: l, "line longer than 64 MB; only its start was read") }
        return rows.finish(path: path, format: .jsonLines)
    }
}
