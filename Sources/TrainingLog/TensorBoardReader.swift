import Parallel

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
        ParallelMap.map(files) { file in
            Result { () throws(Diagnostic) in try TBFileDecoder(path: file, options: options).decode() }
        }
    }

    /// The run of one folder's event files from their decoded data (a follower's), merged in
    /// the order `read(files:)` reads them.
    static func merge(files: [String], data: [TBFileData], options: LoadOptions) -> Run {
        let order = files.indices.sorted { RunNaming.lastComponent(files[$0]) < RunNaming.lastComponent(files[$1]) }
        return merge(order.map { data[$0] }, files: order.map { files[$0] }, options: options, errors: [])
    }

    /// Concatenates per-file series in file order, applying the backward-step rule between files.
    static func merge(_ parts: [TBFileData], files: [String], options: LoadOptions, errors: [Diagnostic]) -> Run {
        var order: [String] = []
        var merged: [String: TBTagData] = [:]
        var restarts: [Int] = []
        var sources: [SourceInfo] = []
        for part in parts {
            // A SessionLog START drops the earlier files' points at and after its step, for every tag.
            if let s = part.startSteps.min() {
                for tag in order {
                    guard var acc = merged[tag] else { continue }
                    let x = acc.granularity == .epoch ? Int(s) &- 1 : Int(s)
                    if x >= 0, let last = acc.series.xs.last, last >= x {
                        acc.series.removePoints(fromX: x)
                        if acc.granularity == .epoch { restarts.append(x) }
                        merged[tag] = acc
                    }
                }
            }
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
        var run = Run(name: RunNaming.name(forFile: files[0]), path: files.count == 1 ? files[0] : folder,
                      restartEpochs: dedupRestarts, series: series, sources: sources)
        // VAR opens a new event file at every start of the script: each file is a launch, and
        // one without a scalar (the 88-byte files of relaunches that trained nothing) an idle one.
        run.launches = parts.map {
            Launch(file: $0.info.path, firstEpoch: $0.info.firstEpoch, lastEpoch: $0.info.lastEpoch,
                   firstStep: $0.info.firstStep, lastStep: $0.info.lastStep)
        }
        return run
    }
}

/// A tiny mutex (pthread) so this target needs no Foundation.
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
    /// Steps of SessionLog START events in this file.
    var startSteps: [Int64] = []
}

/// Decodes one event file into per-tag series.
struct TBFileDecoder {
    let path: String
    let options: LoadOptions

    struct TagState {
        var tag: String
        var tagBytes: [UInt8]
        var data: TBTagData
        var lastStep: Int64 = .min
        var isScalarPlugin: Bool? = nil // from the first record's metadata (TF2 writes it once)
    }

    /// All mutable decoding state in one value, so that the record callbacks mutate it in place
    /// (no class, no dynamic exclusivity checks on the hot path).
    struct State {
        let path: String
        let options: LoadOptions
        var tags: [TagState] = []
        var lookup: [UInt64: Int] = [:]   // FNV-1a hash of tag bytes -> index into tags
        var negative: [String: Int] = [:]
        var restartEpochs: [Int] = []
        var badEvents = 0
        var firstBadEvent = 0
        var records = 0
        var lastHit = -1
        var startSteps: [Int64] = []

        mutating func tagIndex(_ t: UnsafeRawBufferPointer) -> Int {
            // Records of one step come as runs of tags in the same order: try the next tag first.
            let c1 = lastHit + 1
            if c1 < tags.count, equal(tags[c1].tagBytes, t) { return c1 }
            if lastHit >= 0, lastHit < tags.count, equal(tags[lastHit].tagBytes, t) { return lastHit }
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in t { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            if let i = lookup[h], equal(tags[i].tagBytes, t) { return i }
            if let i = tags.firstIndex(where: { equal($0.tagBytes, t) }) { return i }
            let s = String(decoding: t, as: UTF8.self)
            let mapped: (name: MetricName, granularity: Granularity)
            if let m = options.nameMap[s] {
                mapped = (MetricName(m), VARNames.canonical(tensorBoardTag: s).granularity)
            } else {
                mapped = VARNames.canonical(tensorBoardTag: s)
            }
            let series = Series(name: mapped.name, granularity: mapped.granularity, source: path)
            tags.append(TagState(tag: s, tagBytes: Array(t), data: TBTagData(tag: s, granularity: mapped.granularity, series: series)))
            if lookup[h] == nil { lookup[h] = tags.count - 1 }
            return tags.count - 1
        }

        mutating func add(_ h: EventDecoder.Header, _ sc: EventScalar) {
            let ti = tagIndex(sc.tag)
            lastHit = ti
            if let plug = sc.plugin { tags[ti].isScalarPlugin = equal(Self.scalars, plug) }
            if !sc.simple, tags[ti].isScalarPlugin == false { return }
            var x = h.step
            let epochLevel = tags[ti].data.granularity == .epoch
            if epochLevel { x = x &- 1 }
            if x < 0 {
                negative[tags[ti].tag, default: 0] += 1
                return
            }
            let xi = Int(x)
            if x <= tags[ti].lastStep {
                if x < tags[ti].lastStep, epochLevel, restartEpochs.last != xi { restartEpochs.append(xi) }
                tags[ti].data.series.removePoints(fromX: xi)
            }
            tags[ti].lastStep = x
            tags[ti].data.series.append(x: xi, value: sc.value, wallTime: h.wallTime)
        }

        /// SessionLog START at `step`: every tag loses its points at steps >= step (TensorBoard's
        /// rule); remembered for the points of earlier files too.
        mutating func sessionStart(step: Int64) {
            startSteps.append(step)
            for i in tags.indices {
                let x = tags[i].data.granularity == .epoch ? step &- 1 : step
                guard x >= 0 else { continue }
                if let last = tags[i].data.series.xs.last, last >= Int(x) {
                    tags[i].data.series.removePoints(fromX: Int(x))
                    if tags[i].data.granularity == .epoch, restartEpochs.last != Int(x) { restartEpochs.append(Int(x)) }
                }
                tags[i].lastStep = min(tags[i].lastStep, x &- 1)
            }
        }

        static let scalars: [UInt8] = Array("scalars".utf8)
    }

    func decode() throws(Diagnostic) -> TBFileData {
        var st = State(path: path, options: options)
        let issues = try feed(&st, from: 0).issues
        return finish(st, issues: issues)
    }

    /// Decodes the whole records from byte `start` into `st`; returns the issues and the offset
    /// after the last whole record (`TFRecordReader.forEachRecord(_:from:_:)`).
    func feed(_ st: inout State, from start: Int) throws(Diagnostic) -> (issues: [TFRecordIssue], end: Int) {
        try TFRecordReader().forEachRecord(path, from: start) { data, offset in
            st.records += 1
            let ok = EventDecoder.decode(data) { h, sc in st.add(h, sc) }
            if let h = ok, h.sessionStart { st.sessionStart(step: h.step) }
            if ok == nil {
                if st.badEvents == 0 { st.firstBadEvent = offset }
                st.badEvents += 1
            }
        }
    }

    /// The file's data from what `feed` collected, with a warning for each issue.
    func finish(_ st: State, issues: [TFRecordIssue]) -> TBFileData {
        var warnings = WarningSink(file: path)
        for issue in issues {
            switch issue {
            case .badDataCRC(let o):
                warnings.add("crc", byteOffset: o, "record data CRC-32C mismatch; record skipped")
            case .badLengthCRC(let o, let skipped, let resynced):
                warnings.add("crc", byteOffset: o, resynced
                    ? "record length CRC-32C mismatch; \(skipped) bytes skipped to the next good record"
                    : "record length CRC-32C mismatch; the remaining \(skipped) bytes hold no good record")
            case .implausibleLength(let o, let length, let skipped, let resynced):
                warnings.add("crc", byteOffset: o, "record length \(length) bytes is not a TensorBoard record's (its CRC-32C is valid: the header is corrupt); "
                    + (resynced ? "\(skipped) bytes skipped to the next good record" : "the remaining \(skipped) bytes hold no good record"))
            case .lengthPastEnd(let o, let length, let skipped):
                warnings.add("crc", byteOffset: o, "record length \(length) bytes runs past the end of the file, yet good records follow: the header is corrupt; \(skipped) bytes skipped to the next good record")
            case .truncated(let o, let missing):
                warnings.add("truncated", byteOffset: o, "info: last record is cut off (\(missing) bytes missing; file still being written?); reading stopped there")
            }
        }
        if st.badEvents > 0 {
            warnings.add("event", byteOffset: st.firstBadEvent, "\(st.badEvents) records are not well-formed Event protobufs; skipped")
        }
        for (tag, n) in st.negative.sorted(by: { $0.key < $1.key }) {
            warnings.add("negative", "info: \(n) points of '\(tag)' at negative steps kept out of the series")
        }
        if st.records == 0 && issues.isEmpty {
            warnings.add("empty", "no records")
        }
        var out: [TBTagData] = []
        var info = SourceInfo(path: path, format: .tensorBoard)
        for t in st.tags where !t.data.series.isEmpty {
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
        return TBFileData(tags: out, info: info, restartEpochs: st.restartEpochs, startSteps: st.startSteps)
    }
}

@inline(__always)
private func equal(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Bool {
    guard a.count == b.count else { return false }
    if a.isEmpty { return true }
    return a.withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress!, b.count) == 0 }
}
