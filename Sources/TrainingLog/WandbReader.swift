/// Reads a W&B offline run's record stream (`wandb/run-YYYYMMDD_HHMMSS-ID/run-ID.wandb`).
///
/// The file is W&B's LevelDB-log framing (wandb/sdk/internal/datastore.py, core/pkg/leveldb):
/// a 7-byte header (`:W&B`, magic 0xBEE1 little-endian, a version byte), then 32 KiB blocks of
/// chunks, each `uint32 checksum, uint16 length, uint8 type` and the payload; the checksum is
/// the CRC-32 (IEEE) of the type byte and the payload; types FULL, FIRST, MIDDLE, LAST join a
/// record across blocks; fewer than 7 bytes left in a block are zero padding. Each record is a
/// protobuf `Record` (wandb_internal.proto): `history` (field 2: items of `key` / `value_json`,
/// and the step), `config` (5), `run` (17: its display name), `exit` (18: the exit code), and
/// the console (`output` 4, `output_raw` 13), read for crash lines.
///
/// - History values are JSON numbers (NaN and Infinity as W&B writes them) keyed by name, mapped
///   to canonical names as every reader maps them (`L_mean`, `vL_tail`, Infinity's
///   `Overall/L_mean`); `_step` and `_timestamp` give the step and wall time; `epoch`, when
///   logged, says which epoch a row belongs to. Rows are iteration-level, by step.
/// - A chunk whose checksum fails is skipped with the rest of its block (as LevelDB recovers);
///   a file cut off inside a record (a live run) is read up to its last whole record, with an
///   info warning.
/// - A nonzero exit code is crash evidence; a zero one the end marker.
public enum WandbReader {
    static let magic: [UInt8] = Array(":W&B".utf8)
    static let blockSize = 32_768
    static let headerSize = 7

    /// True when `prefix` starts with W&B's record-stream header.
    static func isWandb(_ prefix: [UInt8]) -> Bool {
        prefix.count >= 7 && Array(prefix[0..<4]) == magic && prefix[4] == 0xE1 && prefix[5] == 0xBE
    }

    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        parse(try ByteFile.readAll(path), path: path, options: options)
    }

    /// One history row as the file states it: values by index into the run's key table.
    struct Row { var step: Int?; var values: [(Int, Double)]; var wall: Double? }

    /// The history keys met so far, each once: rows hold indexes, so a key's bytes become a
    /// String once per run, not once per row (a 100,000-row file has 700,000 items).
    struct KeyTable {
        var keys: [String] = []
        private var lookup: [UInt64: [Int]] = [:]

        mutating func index(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Int {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for k in a..<b { h = (h ^ UInt64(p[k])) &* 0x100_0000_01b3 }
            let bytes = UnsafeBufferPointer(start: p + a, count: b - a)
            for i in lookup[h] ?? [] where keys[i].utf8.elementsEqual(bytes) { return i }
            keys.append(String(decoding: bytes, as: UTF8.self))
            lookup[h, default: []].append(keys.count - 1)
            return keys.count - 1
        }
    }

    /// Parses a whole `.wandb` file held in memory (tests, fuzzing); `path` names it in warnings.
    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        var warnings = WarningSink(file: path)
        var rows: [Row] = []
        var keys = KeyTable()
        var console: [UInt8] = []
        var config: [ConfigEntry] = []
        var name: String? = nil
        var exitCode: Int? = nil
        var exitOffset = 0
        guard isWandb(bytes) else {
            warnings.add("header", byteOffset: 0, "not a W&B run file (no ':W&B' header)")
            return finish(path: path, rows: [], keys: [], config: [], name: nil, exit: nil, exitOffset: 0, warnings: warnings, options: options)
        }
        bytes.withUnsafeBufferPointer { buf in
            guard let p = buf.baseAddress else { return }
            var record: [UInt8] = []
            var inRecord = false
            var recordStart = 0
            var i = headerSize
            while i < buf.count {
                let left = blockSize - i % blockSize
                if left < headerSize { i += left; continue }   // the block's zero padding
                guard buf.count - i >= headerSize else {
                    warnings.add("truncated", byteOffset: i, "info: the file ends inside a chunk header (a run still being written?); read up to its last whole record")
                    break
                }
                let checksum = UInt32(p[i]) | UInt32(p[i + 1]) << 8 | UInt32(p[i + 2]) << 16 | UInt32(p[i + 3]) << 24
                let length = Int(p[i + 4]) | Int(p[i + 5]) << 8
                let type = p[i + 6]
                if checksum == 0 && length == 0 && type == 0 { i += left; continue }   // zeroed rest of a block
                let dataStart = i + headerSize
                if dataStart + length > buf.count {
                    warnings.add("truncated", byteOffset: i, "info: the last record is cut off (\(dataStart + length - buf.count) bytes missing; a run still being written?); read up to the last whole record")
                    break
                }
                if length > left - headerSize {
                    warnings.add("chunk", byteOffset: i, "chunk of \(length) bytes runs past its 32 KiB block; the rest of the block skipped")
                    i += left
                    inRecord = false
                    continue
                }
                guard CRC32IEEE.checksum(p + i + 6, length + 1) == checksum else {
                    warnings.add("crc", byteOffset: i, "chunk CRC-32 mismatch; the rest of its block skipped")
                    i += left
                    inRecord = false
                    record.removeAll(keepingCapacity: true)
                    continue
                }
                let chunk = UnsafeBufferPointer(start: p + dataStart, count: length)
                i = dataStart + length
                switch type {
                case 1: // FULL
                    if inRecord { warnings.add("chunk", byteOffset: recordStart, "a record split over blocks was not finished; skipped") }
                    inRecord = false
                    decodeRecord(chunk, offset: dataStart - headerSize, &rows, &keys, &console, &config, &name, &exitCode, &exitOffset, &warnings)
                case 2: // FIRST
                    record = Array(chunk)
                    inRecord = true
                    recordStart = dataStart - headerSize
                case 3, 4: // MIDDLE, LAST
                    guard inRecord else {
                        warnings.add("chunk", byteOffset: dataStart - headerSize, "a record's middle or last chunk without its first; skipped")
                        continue
                    }
                    record.append(contentsOf: chunk)
                    if type == 4 {
                        inRecord = false
                        record.withUnsafeBufferPointer { decodeRecord($0, offset: recordStart, &rows, &keys, &console, &config, &name, &exitCode, &exitOffset, &warnings) }
                    }
                default:
                    warnings.add("chunk", byteOffset: dataStart - headerSize, "unknown chunk type \(type); skipped")
                }
            }
            if inRecord { warnings.add("truncated", byteOffset: recordStart, "info: the last record is cut off (a run still being written?); read up to the last whole record") }
        }
        var run = finish(path: path, rows: rows, keys: keys.keys, config: config, name: name, exit: exitCode, exitOffset: exitOffset,
                         warnings: warnings, options: options)
        // The console the run printed (W&B keeps it in the stream): its crash lines count.
        if !console.isEmpty {
            let printed = ConsoleLogReader.parse(console, path: path + " (console)", options: options)
            run.crashEvidence += printed.crashEvidence
        }
        return run
    }

    static func decodeRecord(_ data: UnsafeBufferPointer<UInt8>, offset: Int, _ rows: inout [Row], _ keys: inout KeyTable,
                             _ console: inout [UInt8], _ config: inout [ConfigEntry],
                             _ name: inout String?, _ exitCode: inout Int?, _ exitOffset: inout Int, _ warnings: inout WarningSink) {
        guard let base = data.baseAddress else { return }
        var r = ProtoReader(p: base, i: 0, end: data.count)
        while r.i < r.end {
            guard let (field, wire) = r.key() else {
                warnings.add("record", byteOffset: offset, "a record is not a well-formed protobuf; skipped")
                return
            }
            if wire == 2, let (a, b) = r.lengthDelimited() {
                let sub = ProtoReader(p: base, i: a, end: b)
                switch field {
                case 2: if let row = history(sub, &keys) { rows.append(row) }
                case 5: config += items(sub, field: 1).map { ConfigEntry(key: $0.key, value: unquoted($0.json)) }
                case 17: name = runName(sub) ?? name
                case 4, 13:   // OutputRecord, OutputRawRecord: the console, `line` = 3
                    var o = sub
                    while o.i < o.end, let (f, w) = o.key() {
                        guard f == 3, w == 2, let (c, d) = o.lengthDelimited() else { if !o.skip(w) { break }; continue }
                        console.append(contentsOf: UnsafeBufferPointer(start: base + c, count: d - c))
                    }
                case 18:
                    var e = sub
                    exitCode = 0
                    while e.i < e.end, let (f, w) = e.key() {
                        if f == 1, w == 0, let v = e.varint() { exitCode = Int(Int32(truncatingIfNeeded: v)) } else if !e.skip(w) { break }
                    }
                    exitOffset = offset
                default: break
                }
            } else if !r.skip(wire) {
                warnings.add("record", byteOffset: offset, "a record is not a well-formed protobuf; skipped")
                return
            }
        }
    }

    /// `key` / `value_json` pairs of the repeated message `field` (HistoryItem, ConfigItem: key 1,
    /// nested_key 2 joined by '/', value_json 16).
    static func items(_ reader: ProtoReader, field: Int) -> [(key: String, json: String)] {
        var r = reader
        var out: [(String, String)] = []
        while r.i < r.end, let (f, w) = r.key() {
            guard w == 2, let (a, b) = r.lengthDelimited() else { if !r.skip(w) { break }; continue }
            guard f == field else { continue }
            var item = ProtoReader(p: r.p, i: a, end: b)
            var key = "", nested: [String] = [], json = ""
            while item.i < item.end, let (g, w2) = item.key() {
                guard w2 == 2, let (c, d) = item.lengthDelimited() else { if !item.skip(w2) { break }; continue }
                let text = String(decoding: UnsafeBufferPointer(start: r.p + c, count: d - c), as: UTF8.self)
                switch g {
                case 1: key = text
                case 2: nested.append(text)
                case 16: json = text
                default: break
                }
            }
            if key.isEmpty { key = nested.joined(separator: "/") }
            if !key.isEmpty { out.append((key, json)) }
        }
        return out
    }

    /// A HistoryRecord: items (field 1: `key` 1, `nested_key` 2, `value_json` 16) and the step
    /// (field 2: HistoryStep { num = 1 }), decoded from the bytes without a String per value.
    static func history(_ reader: ProtoReader, _ keys: inout KeyTable) -> Row? {
        var row = Row(step: nil, values: [], wall: nil)
        var r = reader
        let p = reader.p
        while r.i < r.end, let (f, w) = r.key() {
            guard w == 2, let (a, b) = r.lengthDelimited() else { if !r.skip(w) { break }; continue }
            if f == 2 {
                var s = ProtoReader(p: p, i: a, end: b)
                while s.i < s.end, let (g, w2) = s.key() {
                    if g == 1, w2 == 0, let v = s.varint() { row.step = Int(Int64(bitPattern: v)) } else if !s.skip(w2) { break }
                }
                continue
            }
            guard f == 1 else { continue }
            var item = ProtoReader(p: p, i: a, end: b)
            var key: (Int, Int)? = nil, nested: [(Int, Int)] = [], json: (Int, Int)? = nil
            while item.i < item.end, let (g, w2) = item.key() {
                guard w2 == 2, let range = item.lengthDelimited() else { if !item.skip(w2) { break }; continue }
                switch g {
                case 1: key = range
                case 2: nested.append(range)
                case 16: json = range
                default: break
                }
            }
            guard let json, let v = number(p, json.0, json.1) else { continue }
            let name: Int
            if let key, key.1 > key.0 {
                name = keys.index(p, key.0, key.1)
            } else if !nested.isEmpty {
                let joined = nested.map { String(decoding: UnsafeBufferPointer(start: p + $0.0, count: $0.1 - $0.0), as: UTF8.self) }
                    .joined(separator: "/")
                name = Array(joined.utf8).withUnsafeBufferPointer { keys.index($0.baseAddress!, 0, $0.count) }
            } else { continue }
            switch keys.keys[name] {
            case "_step": if row.step == nil, v.isFinite { row.step = Int(exactly: v.rounded()) }
            case "_timestamp": row.wall = v
            case "_runtime": break
            default: row.values.append((name, v))
            }
        }
        return row.values.isEmpty ? nil : row
    }

    static func runName(_ reader: ProtoReader) -> String? {
        var r = reader
        var name: String? = nil, id: String? = nil
        while r.i < r.end, let (f, w) = r.key() {
            guard w == 2, let (a, b) = r.lengthDelimited() else { if !r.skip(w) { break }; continue }
            let text = String(decoding: UnsafeBufferPointer(start: r.p + a, count: b - a), as: UTF8.self)
            if f == 8, !text.isEmpty { name = text }
            if f == 1, !text.isEmpty { id = text }
        }
        return name ?? id
    }

    /// A history value from its JSON bytes: a number, or W&B's NaN / Infinity / -Infinity (bare
    /// or quoted); nil for anything else (strings, media, nested objects).
    static func number(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> Double? {
        var i = a, e = b
        while i < e, p[i] == 0x20 { i += 1 }
        while e > i, p[e - 1] == 0x20 || p[e - 1] == 0x0A { e -= 1 }
        if e - i >= 2, p[i] == 0x22, p[e - 1] == 0x22 { i += 1; e -= 1 }   // "NaN"
        guard let (v, next) = ByteScan.parseDouble(p, i, e), next == e else { return nil }
        return v
    }

    static func unquoted(_ json: String) -> String {
        let t = json.trimmingCharacters(in: " \t\n\r")
        // ConfigItem values are `{"desc": null, "value": X}` in older runs, X itself in newer.
        if t.hasPrefix("{"), let r = t.firstRange(of: "\"value\":") {
            let v = String(t[r.upperBound...]).trimmingCharacters(in: " ")
            return unquoted(v.hasSuffix("}") ? String(v.dropLast()) : v)
        }
        if t.count >= 2, t.first == "\"", t.last == "\"" { return String(t.dropFirst().dropLast()) }
        return t
    }

    static func finish(path: String, rows: [Row], keys: [String], config: [ConfigEntry], name: String?, exit: Int?, exitOffset: Int,
                       warnings: WarningSink, options: LoadOptions) -> Run {
        var warnings = warnings
        var series: [MetricName: Series] = [:]
        var order: [MetricName] = []
        // Each key's canonical name once; `epoch` is a row's place, not a metric.
        let metrics: [MetricName?] = keys.map { $0 == "epoch" ? nil : options.canonical(column: $0) }
        var lastStep = -1
        var firstStep: Int? = nil
        for (k, row) in rows.enumerated() {
            // A row without a step follows the one before it (W&B counts rows from 0).
            let step = row.step ?? (lastStep + 1)
            lastStep = max(lastStep, step)
            firstStep = firstStep ?? step
            _ = k
            for (key, v) in row.values {
                guard let metric = metrics[key] else { continue }
                if series[metric] == nil {
                    series[metric] = Series(name: metric, granularity: .iteration, source: path)
                    order.append(metric)
                }
                series[metric]!.append(x: step, value: v, wallTime: row.wall)
            }
        }
        var out: [Series] = []
        for m in order {
            var s = series[m]!
            s.sortAndKeepLast()
            if !s.hasWallTimes || s.wallTimes.allSatisfy({ !$0.isFinite }) { s.dropWallTimes() }
            out.append(s)
        }
        if rows.isEmpty { warnings.add("empty", "no history rows (logged metrics) in the file") }
        var info = SourceInfo(path: path, format: .wandb, firstStep: firstStep, lastStep: lastStep >= 0 ? lastStep : nil)
        info.warnings = warnings.finish()
        var run = Run(name: name ?? RunNaming.name(forFile: path), path: path, config: config, series: out, sources: [info])
        if let exit {
            if exit == 0 {
                run.finishedMarker = true
                run.endMarker = LineRef(file: path, line: 0)
            } else {
                run.crashEvidence = [CrashEvidence(kind: .exitCode, file: path, line: 0,
                                                   text: "W&B run exit record: exit code \(exit) (byte \(exitOffset))")]
            }
        }
        return run
    }
}

/// CRC-32 (IEEE 802.3, zlib's), as W&B's record stream checks its chunks.
enum CRC32IEEE {
    private static let table: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0xEDB8_8320 : c >> 1 }
        return c
    }

    static func checksum(_ p: UnsafePointer<UInt8>, _ count: Int) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for k in 0..<count { crc = table[Int((crc ^ UInt32(p[k])) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }
}
