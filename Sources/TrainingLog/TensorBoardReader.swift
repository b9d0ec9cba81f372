import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads TensorBoard event files (`*tfevents*`) into a `Run`: every scalar, whether written as
/// `simple_value` or as a one-element `tensor` (DT_FLOAT, DT_DOUBLE, DT_HALF, DT_BFLOAT16, ints)
/// of the `scalars` plugin. Other plugins (histograms, images, text, ...) are skipped.
///
/// - Tags map through `LoadOptions.nameMap`, then `VARNames.canonical(tensorBoardTag:)`;
///   epoch-level tags (`AR_ep_loss/*`) at step s are epoch s - 1.
/// - The files of one folder are read in name order (their names embed the start time), several
///   in parallel. When a tag's step goes backwards (a restart), that tag's earlier points at and
///   after the new step are dropped, as TensorBoard does; each backward step of an epoch-level tag
///   is recorded in `restartEpochs`.
/// - Negative steps (VAR writes `z_voc_usage` at -10000 and -1000) are kept out and counted.
/// - Every record's length and data CRC-32C is checked: a bad data CRC skips the record, a bad
///   length CRC starts a search for the next good record, a record cut off by the end of the file
///   (one still being written) ends reading with an informational warning. Warnings give the file
///   and byte offset.
public enum TensorBoardReader {
    /// Reads one event file.
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try read(files: [path], options: options)
    }

    /// Reads the event files of one folder (sorted by name here) as one stream.
    public static func read(files: [String], options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        let sorted = files.sorted { RunNaming.lastComponent($0) < RunNaming.lastComponent($1) }
        guard !sorted.isEmpty else { throw Diagnostic(file: "", message: "no event files given") }
        let results = decodeAll(sorted, options: options)
        var firstError: Diagnostic? = nil
        var parts: [TBFileData] = []
        for r in results {
            switch r {
            case .success(let d): parts.append(d)
            case .failure(let e): if firstError == nil { firstError = e }
            }
        }
        if parts.isEmpty, let e = firstError { throw e }
        return merge(parts, files: sorted, options: options, errors: results.compactMap {
            if case .failure(let e) = $0 { return e } else { return nil }
        })
    }

    /// Decodes files in parallel (one per core at most); results in input order.
    static func decodeAll(_ files: [String], options: LoadOptions) -> [Result<TBFileData, Diagnostic>] {
        if files.count == 1 { return [Result { () throws(Diagnostic) in try TBFileDecoder(path: files[0], options: options).decode() }] }
        let box = ResultBox(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            let r = Result { () throws(Diagnostic) in try TBFileDecoder(path: files[i], options: options).decode() }
            box.set(i, r)
        }
        return box.values.map { $0 ?? .failure(Diagnostic(file: "", message: "internal: file not decoded")) }
    }

    final class ResultBox: @unchecked Sendable {
        var values: [Result<TBFileData, Diagnostic>?]
        let lock = NSLockLite()
        init(count: Int) { values = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<TBFileData, Diagnostic>) { lock.withLock { values[i] = r } }
    }

    /// Concatenates per-file series in file order, applying the backward-step rule between files.
    static func merge(_ parts: [TBFileData], files: [String], options: LoadOptions, errors: [Diagnostic]) -> Run {
        var order: [String] = []
        var merged: [String: TBTagData] = [:]
        var restarts: [Int] = []
        var sources: [SourceInfo] = []
        for part in parts {
            restarts.append(contentsOf: part.restartEpochs)
            for t in part.tags {
                guard var acc = merged[t.tag] else {
                    merged[t.tag] = t
                    order.append(t.tag)
                    continue
                }
                if let firstX = t.series.xs.first {
                    if let lastX = acc.series.xs.last, firstX <= lastX {
                        acc.series.removePoints(fromX: firstX)
                        if t.granularity == .epoch, firstX < lastX { restarts.append(firstX) }
                    }
                    for k in 0..<t.series.count {
                        acc.series.append(x: t.series.xs[k], value: t.series.values[k],
                                          wallTime: t.series.hasWallTimes ? t.series.wallTimes[k] : nil)
                    }
                }
                merged[t.tag] = acc
            }
            sources.append(part.info)
        }
        for e in errors { sources.append(SourceInfo(path: e.file, format: .tensorBoard, warnings: [e])) }
        // Two tags may map to one canonical name (e.g. a fork's alias): keep the one with more points.
        var byName: [String: Series] = [:]
        var nameOrder: [String] = []
        for tag in order {
            guard let t = merged[tag], !t.series.isEmpty else { continue }
            let key = t.series.name.rawValue + "|" + t.granularity.rawValue
            if let old = byName[key] {
                if t.series.count > old.count { byName[key] = t.series }
            } else {
                byName[key] = t.series
                nameOrder.append(key)
            }
        }
        var series = nameOrder.compactMap { byName[$0] }
        for i in series.indices { series[i].sortAndKeepLast() }
        var dedupRestarts: [Int] = []
        for r in restarts where dedupRestarts.last != r { dedupRestarts.append(r) }
        let folder = RunNaming.parent(files[0])
        return Run(name: RunNaming.name(forFile: files[0]), path: files.count == 1 ? files[0] : folder,
                   restartEpochs: dedupRestarts, series: series, sources: sources)
    }
}

/// A tiny mutex (pthread) so this target needs no Foundation.
final class NSLockLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    init() { pthread_mutex_init(&m, nil) }
    deinit { pthread_mutex_destroy(&m) }
    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(&m)
        defer { pthread_mutex_unlock(&m) }
        return body()
    }
}

/// One tag's points from one file, already purged of backward steps within the file.
struct TBTagData: Sendable {
    var tag: String
    var granularity: Granularity
    var series: Series
}

struct TBFileData: Sendable {
    var tags: [TBTagData]
    var info: SourceInfo
    var restartEpochs: [Int]
}

/// Decodes one event file into per-tag series.
struct TBFileDecoder {
    let path: String
    let options: LoadOptions

    final class TagState {
        var tag: String
        var data: TBTagData
        var lastStep: Int64 = .min
        var isScalarPlugin: Bool? = nil // from the first record's metadata (TF2 writes it once)
        var skip: Bool
        init(tag: String, data: TBTagData, skip: Bool) {
            self.tag = tag
            self.data = data
            self.skip = skip
        }
    }

    func decode() throws(Diagnostic) -> TBFileData {
        var warnings = WarningSink(file: path)
        var tags: [TagState] = []
        var lookup: [UInt64: Int] = [:]   // FNV-1a hash of tag bytes -> index into tags
        var negative: [String: Int] = [:]
        var restartEpochs: [Int] = []
        var badEvents = 0
        var firstBadEvent = 0
        var records = 0
        var lastHit = -1

        func tagIndex(_ t: UnsafeRawBufferPointer) -> Int {
            // Same tag as last time? (records of one step come in runs of tags, so try the next one too)
            for cand in [lastHit + 1, lastHit] where cand >= 0 && cand < tags.count {
                if equal(tags[cand].tag, t) { return cand }
            }
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in t { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            if let i = lookup[h], equal(tags[i].tag, t) { return i }
            if let i = tags.firstIndex(where: { equal($0.tag, t) }) { return i }
            let s = String(decoding: t, as: UTF8.self)
            let mapped: (name: MetricName, granularity: Granularity)
            if let m = options.nameMap[s] {
                mapped = (MetricName(m), VARNames.tensorBoardEpochTags[s] != nil ? .epoch : .iteration)
            } else {
                mapped = VARNames.canonical(tensorBoardTag: s)
            }
            let series = Series(name: mapped.name, granularity: mapped.granularity, source: path)
            tags.append(TagState(tag: s, data: TBTagData(tag: s, granularity: mapped.granularity, series: series), skip: false))
            if lookup[h] == nil { lookup[h] = tags.count - 1 }
            return tags.count - 1
        }

        let issues = try TFRecordReader().forEachRecord(path) { data, offset in
            records += 1
            let ok = EventDecoder.decode(data) { h, sc in
                let ti = tagIndex(sc.tag)
                lastHit = ti
                let st = tags[ti]
                if let plug = sc.plugin {
                    st.isScalarPlugin = equal("scalars", plug)
                }
                if !sc.simple, st.isScalarPlugin == false { return }
                var x = h.step
                if st.data.granularity == .epoch { x = x &- 1 }
                if x < 0 {
                    negative[st.tag, default: 0] += 1
                    return
                }
                let xi = Int(x)
                if x <= st.lastStep {
                    if x < st.lastStep, st.data.granularity == .epoch, restartEpochs.last != xi { restartEpochs.append(xi) }
                    st.data.series.removePoints(fromX: xi)
                }
                st.lastStep = x
                st.data.series.append(x: xi, value: sc.value, wallTime: h.wallTime)
            }
            if ok == nil {
                if badEvents == 0 { firstBadEvent = offset }
                badEvents += 1
            }
        }
        for issue in issues {
            switch issue {
            case .badDataCRC(let o):
                warnings.add("crc", byteOffset: o, "record data CRC-32C mismatch; record skipped")
            case .badLengthCRC(let o, let skipped, let resynced):
                warnings.add("crc", byteOffset: o, resynced
                    ? "record length CRC-32C mismatch; \(skipped) bytes skipped to the next good record"
                    : "record length CRC-32C mismatch; the remaining \(skipped) bytes hold no good record")
            case .truncated(let o, let missing):
                warnings.add("truncated", byteOffset: o, "info: last record is cut off (\(missing) bytes missing; file still being written?); reading stopped there")
            }
        }
        if badEvents > 0 {
            warnings.add("event", byteOffset: firstBadEvent, "\(badEvents) records are not well-formed Event protobufs; skipped")
        }
        for (tag, n) in negative.sorted(by: { $0.key < $1.key }) {
            warnings.add("negative", "\(n) points of '\(tag)' at negative steps kept out of the series")
        }
        if records == 0 && issues.isEmpty {
            warnings.add("empty", "no records")
        }
        var out: [TBTagData] = []
        var info = SourceInfo(path: path, format: .tensorBoard)
        for t in tags where !t.data.series.isEmpty {
            out.append(t.data)
            let s = t.data.series
            if t.data.granularity == .epoch {
                info.firstEpoch = min(info.firstEpoch ?? s.xs[0], s.xs[0])
                info.lastEpoch = max(info.lastEpoch ?? s.xs[s.count - 1], s.xs[s.count - 1])
            } else {
                info.firstStep = min(info.firstStep ?? s.xs[0], s.xs[0])
                info.lastStep = max(info.lastStep ?? s.xs[s.count - 1], s.xs[s.count - 1])
            }
        }
        info.warnings = warnings.finish()
        return TBFileData(tags: out, info: info, restartEpochs: restartEpochs)
    }
}

@inline(__always)
private func equal(_ s: String, _ b: UnsafeRawBufferPointer) -> Bool {
    var s = s
    return s.withUTF8 { u in
        u.count == b.count && (u.count == 0 || memcmp(u.baseAddress!, b.baseAddress!, u.count) == 0)
    }
}
