/// Reads VAR's `log.txt` into a one-file `Run`: a multi-line JSON header (indent=0), then one
/// Python dict literal per finished epoch.
///
/// - `ep: '13/200'` counts epochs completed, so the line is epoch 12; `200` gives epochsPlanned and
///   `it: '1669/1669'` iterationsPerEpoch.
/// - numeric keys (`L_mean`, `lr`, `grad_norm`, fork additions, ...) become epoch-level series
///   under their canonical names (through `LoadOptions.nameMap` first).
/// - validation keys (`vL_mean` ...) are `None` before the first validation and then repeat the
///   last result on every line. A validation value is kept only at a validation epoch, i.e. when
///   `(ep + 1) % 10 == 0` or `ep + 1` is the last planned epoch (VAR's rule), or when the value
///   changed from the line of the previous epoch (forks that validate on another schedule).
///   The stale repetitions are dropped.
/// - several headers in one file (VAR rewrites the file whenever the `ep` string contains `1/`,
///   and files get concatenated) are fine; a repeated epoch keeps its later line.
/// - the header's keys (`name`, `cmd`, `commit`, ...) become config entries.
/// SourceInfo.firstEpoch/lastEpoch give the epochs the file covered (VAR keeps at most the last
/// ten). An unreadable line is a warning with its line number; a cut-off last line is reported as
/// truncated.
public enum VARLogTxtReader {
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try LogTxtParser.read(path: path, options: options)
    }

    /// Parses log.txt text held in memory (tests, fuzzing); `path` names it in warnings.
    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        LogTxtParser.parse(bytes, path: path, options: options)
    }

    /// Whether epoch `ep` (0-based) is one at which VAR validates.
    public static func isValidationEpoch(_ ep: Int, planned: Int?) -> Bool {
        (ep &+ 1) % 10 == 0 || (planned.map { ep &+ 1 == $0 } ?? false)
    }
}

struct LogTxtParser: LineParser {
    let path: String
    let options: LoadOptions
    var warnings: WarningSink
    var epoch: SeriesCollector
    var config: [ConfigEntry] = []
    var header: [UInt8] = []
    var headerLine = 0
    var inHeader = false
    var planned: Int?
    var iters: Int?
    var firstEpoch: Int?
    var lastEpoch: Int?
    var lastLineNo = 0
    var lastLineFailed = false
    var dictLines = 0
    /// Previous line's validation values, by key, with its epoch.
    var prevVal: [String: (ep: Int, value: Double?)] = [:]

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        warnings = WarningSink(file: path)
        epoch = SeriesCollector(.epoch, source: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        lastLineNo = lineNo
        lastLineFailed = false
        guard let p = line.baseAddress else { return }
        var (a, b) = ByteScan.trim(p, 0, line.count)
        // NUL holes: keep the text after the last NUL.
        if b > a, let _ = memchrByte(p, a, b, 0) {
            var k = b - 1
            while k >= a, p[k] != 0 { k -= 1 }
            a = k + 1
            warnings.add("nul", line: lineNo, "NUL bytes in line; the text after them is read")
        }
        guard b > a else { return }
        if inHeader {
            header.append(contentsOf: UnsafeBufferPointer(start: p + a, count: b - a))
            header.append(0x0A)
            if b == a + 1, p[a] == 0x7D { finishHeader() }
            else if header.count > 1 << 20 {
                warnings.add("header", line: headerLine, "header not closed within 1 MB; skipped")
                inHeader = false
                header = []
            }
            return
        }
        if p[a] == 0x7B {
            if b == a + 1 { // `{` alone: a JSON header with indent=0
                inHeader = true
                headerLine = lineNo
                header = [0x7B, 0x0A]
                return
            }
            switch PythonLiteral.parse(UnsafeBufferPointer(start: p + a, count: b - a)) {
            case .success(let v): handle(v, lineNo)
            case .failure(let err):
                lastLineFailed = true
                warnings.add("parse", line: lineNo, "unreadable dict line (column \(err.offset + 1): \(err.message))")
            }
            return
        }
        warnings.add("text", line: lineNo, "line is neither a header nor a dict literal; skipped")
    }

    private func memchrByte(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, _ c: UInt8) -> Int? {
        var k = a
        while k < b { if p[k] == c { return k }; k += 1 }
        return nil
    }

    private mutating func finishHeader() {
        inHeader = false
        switch PythonLiteral.parse(header) {
        case .success(.dict(let entries)):
            for e in entries { VARStdoutParser.merge(ConfigEntry(key: e.key, value: e.value.text), into: &config) }
        case .success:
            warnings.add("header", line: headerLine, "header is not a JSON object")
        case .failure(let err):
            warnings.add("header", line: headerLine, "unreadable header (byte \(err.offset) of it: \(err.message))")
        }
        header = []
    }

    /// `'13/200'` -> (13, 200)
    static func fraction(_ v: PyValue?) -> (Int, Int?)? {
        switch v {
        case .string(let s)?:
            let parts = s.split(separator: "/", omittingEmptySubsequences: false)
            guard let a = Int(parts[0].trimmingSpaces) else { return nil }
            let b = parts.count > 1 ? Int(parts[1].trimmingSpaces) : nil
            return (a, b)
        case .int(let i)?: return (i, nil)
        default: return nil
        }
    }

    private mutating func handle(_ v: PyValue, _ lineNo: Int) {
        guard case .dict(let entries) = v else {
            warnings.add("parse", line: lineNo, "line is not a dict")
            return
        }
        guard let (done, total) = Self.fraction(v["ep"]) else {
            if v["ep"] == nil && (v["is_master"] != nil || v["cmd"] != nil || v["name"] != nil) {
                for e in entries { VARStdoutParser.merge(ConfigEntry(key: e.key, value: e.value.text), into: &config) }
            } else {
                warnings.add("ep", line: lineNo, "dict line without a readable 'ep' ('done/total')")
            }
            return
        }
        guard done >= 1 else {
            warnings.add("ep", line: lineNo, "'ep' \(done) is not a count of finished epochs")
            return
        }
        let ep = done - 1
        dictLines += 1
        if let t = total, t > 0 { planned = t }
        if let (_, it) = Self.fraction(v["it"]), let it, it > 0 { iters = it }
        firstEpoch = min(firstEpoch ?? ep, ep)
        lastEpoch = max(lastEpoch ?? ep, ep)
        let isValEpoch = VARLogTxtReader.isValidationEpoch(ep, planned: planned)
        for e in entries where e.key != "ep" && e.key != "it" {
            let name = options.canonical(column: e.key)
            let num = e.value.number
            if name.isValidation {
                let prev = prevVal[e.key]
                prevVal[e.key] = (ep, num)
                guard let x = num else { continue }
                let changed = prev.map { $0.ep == ep - 1 && !Self.same($0.value, x) } ?? false
                if isValEpoch || changed { epoch.append(name, x: ep, value: x) }
                continue
            }
            guard let x = num else { continue }
            epoch.append(name, x: ep, value: x)
        }
    }

    static func same(_ a: Double?, _ b: Double) -> Bool {
        guard let a else { return false }
        return a == b || (a.isNaN && b.isNaN)
    }

    mutating func finish(_ stats: LineStats) -> Run {
        if inHeader { warnings.add("header", line: headerLine, "header not closed before the end of the file") }
        if stats.lastLineUnterminated && lastLineFailed {
            warnings.add("truncated", line: stats.lines, "last line is truncated (the file may still be written)")
        }
        // Infinity's log.txt is one object (arg_util.dump_log), rewritten after every epoch: the
        // epoch reached (`cur_ep: "20/20"`) and the best losses so far (Lnll, Ld), no curves.
        var infinity = false
        if dictLines == 0, let cur = config.last(where: { $0.key == "cur_ep" }),
           let (done, total) = Self.fraction(.string(cur.value)), done > 0 {
            infinity = true
            lastEpoch = done - 1
            if let total, total > 0 { planned = total }
            warnings.add("infinity-log", "info: Infinity's log.txt holds one object rewritten after each epoch: read for the epoch reached (cur_ep \(cur.value)) and the config; its Lnll / Ld are the best losses so far, not curves (those are in stdout.txt and TensorBoard)")
        } else if dictLines == 0 {
            warnings.add("empty", "no epoch lines (dicts with 'ep') found")
        }
        for l in stats.overlongLines { warnings.add("long", line: l, "line longer than 64 MB; only its start was read") }
        var info = SourceInfo(path: path, format: .varLogTxt, firstEpoch: firstEpoch, lastEpoch: lastEpoch)
        info.warnings = warnings.finish()
        var run = Run(name: RunNaming.name(forFile: path), path: path, config: config, iterationsPerEpoch: iters,
                      epochsPlanned: planned, series: epoch.finish(), sources: [info])
        if infinity { run.familyHint = "infinity" }
        return run
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return s
    }
}
