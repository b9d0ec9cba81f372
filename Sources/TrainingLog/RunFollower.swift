#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Follows a run whose logs are still growing: each `poll` reads only the bytes written since
/// the last one. Every text log keeps its parser and its place (a last line without its newline
/// waits for the rest); every event file keeps its decoder and the end of its last whole record.
/// A file that shrinks or is replaced by another (VAR rewrites log.txt from the start) is read
/// again from its beginning; a new file (a restart's event file) is picked up; a file that goes
/// away is reported. `run()` assembles the run exactly as `RunLoader.load` would from the same
/// bytes, so a finished run followed to its end gives the summary `summary` gives.
public final class RunFollower {
    /// What one poll saw, by file path.
    public struct Change: Sendable, Equatable {
        public var grown: [String] = []
        public var added: [String] = []
        /// Files truncated or replaced by another file of the same name: read again from the start.
        public var replaced: [String] = []
        public var removed: [String] = []
        public var isEmpty: Bool { grown.isEmpty && added.isEmpty && replaced.isEmpty && removed.isEmpty }
    }

    public let path: String
    let options: LoadOptions
    let isFolder: Bool
    private var texts: [String: TextFollower] = [:]
    private var records: [String: WholeFileFollower] = [:]
    private var events: [String: EventFileFollower] = [:]
    private var formats: [String: SourceFormat] = [:]
    private var lastScan = RunLoader.Scan()

    public init(path: String, options: LoadOptions = .init()) throws(Diagnostic) {
        guard let isDir = ByteFile.isDirectory(path) else { throw Diagnostic(file: path, message: "no such file or folder") }
        if isDir, MLflowReader.isRunFolder(path) {
            throw Diagnostic(file: path, message: "an MLflow run folder cannot be followed yet; report it when it has finished")
        }
        self.path = path
        self.options = options
        self.isFolder = isDir
    }

    /// Reads what was written since the last poll (everything, the first time).
    public func poll() -> Change {
        var change = Change()
        let scan: RunLoader.Scan
        if isFolder {
            scan = RunLoader.scanFolder(path, known: formats)
        } else {
            var single = RunLoader.Scan()
            if let known = formats[path] {
                single.found = [RunLoader.Found(path: path, format: known, dir: RunNaming.parent(path))]
            } else if let prefix = try? ByteFile.prefix(path), !prefix.isEmpty,
                      let format = FormatDetector.detect(path: path, prefix: prefix) {
                single.found = [RunLoader.Found(path: path, format: format, dir: RunNaming.parent(path))]
            }
            single.looked = 1
            scan = single
        }
        lastScan = scan
        let present = Set(scan.found.map(\.path))
        for gone in formats.keys.sorted() where !present.contains(gone) {
            change.removed.append(gone)
            texts[gone] = nil
            events[gone] = nil
            records[gone] = nil
            formats[gone] = nil
        }
        for f in scan.found {
            let isNew = formats[f.path] == nil
            formats[f.path] = f.format
            let result: FileChange
            if f.format == .wandb {
                let follower = records[f.path] ?? WholeFileFollower(path: f.path, options: options)
                records[f.path] = follower
                result = follower.poll()
            } else if f.format == .tensorBoard {
                let follower = events[f.path] ?? EventFileFollower(path: f.path, options: options)
                events[f.path] = follower
                result = follower.poll()
            } else {
                let follower = texts[f.path] ?? TextFollower(path: f.path, format: f.format, options: options)
                texts[f.path] = follower
                result = follower.poll()
            }
            switch result {
            case .unchanged: break
            case .grown: if isNew { change.added.append(f.path) } else { change.grown.append(f.path) }
            case .restarted: if isNew { change.added.append(f.path) } else { change.replaced.append(f.path) }
            }
        }
        return change
    }

    /// The run as the bytes read so far make it. With `includingUnfinishedLines`, a last line
    /// that has no newline yet is read too (as `RunLoader` reads a file that ends so): for the
    /// final report of a run that has ended; while it is written, such a line waits.
    public func run(includingUnfinishedLines: Bool = false) throws(Diagnostic) -> Run {
        if !isFolder {
            guard let f = lastScan.found.first else {
                throw Diagnostic(file: path, message: "unrecognised format, or nothing written yet")
            }
            var run: Run
            if f.format == .tensorBoard {
                run = TensorBoardReader.merge(files: [f.path], data: [events[f.path]!.data()], options: options)
            } else if f.format == .wandb {
                run = records[f.path]!.run
            } else {
                run = texts[f.path]!.snapshot(includingUnfinishedLine: includingUnfinishedLines)
            }
            for k in run.sources.indices { run.sources[k].modified = ByteFile.modificationTime(run.sources[k].path) }
            guard RunLoader.hasData(run) else { throw Diagnostic(file: path, message: "no usable data in this \(f.format.rawValue) file yet") }
            run.path = path
            run.name = RunNaming.name(forFile: path)
            return run
        }
        try RunLoader.requireLogs(in: path, lastScan)
        let jobs = RunLoader.jobs(lastScan.found)
        let results = jobs.map { job -> Result<Run, Diagnostic> in
            if job[0].format == .tensorBoard {
                return .success(TensorBoardReader.merge(files: job.map(\.path), data: job.map { events[$0.path]!.data() }, options: options))
            }
            if job[0].format == .wandb { return .success(records[job[0].path]!.run) }
            return .success(texts[job[0].path]!.snapshot(includingUnfinishedLine: includingUnfinishedLines))
        }
        return try RunLoader.assemble(folder: path, scanned: lastScan, jobs: jobs, results: results)
    }
}

/// What polling one file found.
enum FileChange { case unchanged, grown, restarted }

/// The identity and size of an open file, to tell growth from truncation or replacement.
private func describe(_ fd: Int32) -> (id: FileIdentity, size: Int)? {
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    return (FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino)), Int(st.st_size))
}

/// A text log followed line by line: its parser, the bytes read, the unfinished last line.
final class TextFollower {
    let path: String
    let format: SourceFormat
    let options: LoadOptions
    private var parser: any LineParser
    private var offset = 0
    private var lineNo = 0
    private var partial: [UInt8] = []
    private var identity: FileIdentity? = nil
    private var stats = LineStats()
    /// The error of the last poll (the file could not be opened), kept as the file's warning.
    private var failure: Diagnostic? = nil

    init(path: String, format: SourceFormat, options: LoadOptions) {
        self.path = path
        self.format = format
        self.options = options
        parser = Self.makeParser(format, path: path, options: options)
    }

    static func makeParser(_ format: SourceFormat, path: String, options: LoadOptions) -> any LineParser {
        switch format {
        case .varStdout: return VARStdoutParser(path: path, options: options)
        case .varLogTxt: return LogTxtParser(path: path, options: options)
        case .csv: return CSVParser(path: path, options: options)
        case .jsonLines: return JSONLinesParser(path: path, options: options)
        case .llamaGen: return LlamaGenParser(path: path, options: options)
        case .console, .tensorBoard, .mlflow, .wandb: return ConsoleLogParser(path: path, options: options)
        }
    }

    private func restart() {
        parser = Self.makeParser(format, path: path, options: options)
        offset = 0
        lineNo = 0
        partial = []
        stats = LineStats()
    }

    func poll() -> FileChange {
        let fd: Int32
        do { fd = try ByteFile.openRegular(path) } catch {
            failure = error
            return .unchanged
        }
        defer { close(fd) }
        failure = nil
        guard let now = describe(fd) else { return .unchanged }
        var change = FileChange.unchanged
        if let known = identity, known != now.id || now.size < offset || !sameBytesBefore(offset, fd) {
            restart()
            change = .restarted
        }
        identity = now.id
        guard now.size > offset else { return change }
        defer { rememberBytesBefore(offset, fd) }
        var chunk = [UInt8](repeating: 0, count: min(now.size - offset, 4 << 20))
        while offset < now.size {
            let want = min(chunk.count, now.size - offset)
            let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(offset)) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            feed(chunk[0..<n])
            offset += n
        }
        stats.bytes = offset
        return change == .restarted ? .restarted : .grown
    }

    /// The bytes just before the end of what was read: a file rewritten in place (truncated and
    /// written afresh, as VAR rewrites log.txt) to at least the same length shows as a change here.
    private var lastBytes: [UInt8] = []
    private static let fingerprint = 256

    private func rememberBytesBefore(_ end: Int, _ fd: Int32) {
        let n = min(end, Self.fingerprint)
        lastBytes = [UInt8](repeating: 0, count: n)
        let got = lastBytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, n, off_t(end - n)) }
        if got != n { lastBytes = [] }
    }

    private func sameBytesBefore(_ end: Int, _ fd: Int32) -> Bool {
        guard !lastBytes.isEmpty else { return true }
        var now = [UInt8](repeating: 0, count: lastBytes.count)
        let got = now.withUnsafeMutableBytes { pread(fd, $0.baseAddress, lastBytes.count, off_t(end - lastBytes.count)) }
        return got == lastBytes.count && now == lastBytes
    }

    /// Feeds every whole line of `bytes` (joined to the unfinished line before them).
    private func feed(_ bytes: ArraySlice<UInt8>) {
        var start = bytes.startIndex
        while let nl = bytes[start...].firstIndex(of: 0x0A) {
            lineNo += 1
            if partial.isEmpty {
                bytes[start..<nl].withUnsafeBufferPointer { parser.feed($0, lineNo) }
            } else {
                partial.append(contentsOf: bytes[start..<nl])
                partial.withUnsafeBufferPointer { parser.feed($0, lineNo) }
                partial.removeAll(keepingCapacity: true)
            }
            start = nl + 1
        }
        partial.append(contentsOf: bytes[start...])
    }

    /// The run of the lines read so far, the parser itself untouched (a copy finishes).
    func snapshot(includingUnfinishedLine: Bool) -> Run {
        var copy = parser
        var st = stats
        st.lines = lineNo
        if includingUnfinishedLine, !partial.isEmpty {
            st.lines += 1
            st.lastLineUnterminated = true
            partial.withUnsafeBufferPointer { copy.feed($0, st.lines) }
        }
        var run = copy.finish(st)
        if let failure, !run.sources.isEmpty { run.sources[0].warnings.append(failure) }
        return run
    }
}

/// A file read whole again whenever it changes (W&B's record stream: its chunks are small and
/// its reader is not incremental yet).
final class WholeFileFollower {
    let path: String
    let options: LoadOptions
    private var seen: (id: FileIdentity, size: Int)? = nil
    private(set) var run: Run

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        run = Run(name: "", path: path, sources: [SourceInfo(path: path, format: .wandb)])
    }

    func poll() -> FileChange {
        guard let fd = try? ByteFile.openRegular(path) else { return .unchanged }
        let now = describe(fd)
        close(fd)
        guard let now, seen.map({ $0.id != now.id || $0.size != now.size }) ?? true else { return .unchanged }
        let restarted = seen.map { $0.id != now.id || now.size < $0.size } ?? false
        seen = now
        if let fresh = try? WandbReader.read(path: path, options: options) { run = fresh }
        return restarted ? .restarted : .grown
    }
}

/// An event file followed record by record: its decoder state and the end of its last whole record.
final class EventFileFollower {
    let decoder: TBFileDecoder
    private var state: TBFileDecoder.State
    private var end = 0
    private var identity: FileIdentity? = nil
    /// Issues of the records read for good, and those of the unfinished tail (read again next time).
    private var issues: [TFRecordIssue] = []
    private var tailIssues: [TFRecordIssue] = []
    private var failure: Diagnostic? = nil

    init(path: String, options: LoadOptions) {
        decoder = TBFileDecoder(path: path, options: options)
        state = TBFileDecoder.State(path: path, options: options)
    }

    func poll() -> FileChange {
        let path = decoder.path
        let fd: Int32
        do { fd = try ByteFile.openRegular(path) } catch {
            failure = error
            return .unchanged
        }
        let now = describe(fd)
        close(fd)
        guard let now else { return .unchanged }
        var change = FileChange.unchanged
        if let known = identity, known != now.id || now.size < end {
            state = TBFileDecoder.State(path: path, options: decoder.options)
            end = 0
            issues = []
            tailIssues = []
            change = .restarted
        }
        identity = now.id
        guard now.size > end || (change == .restarted) else { return change }
        do {
            let (found, newEnd) = try decoder.feed(&state, from: end)
            issues += found.filter { $0.offset < newEnd }
            tailIssues = found.filter { $0.offset >= newEnd }
            let grew = newEnd > end
            end = newEnd
            failure = nil
            if change == .restarted { return .restarted }
            return grew ? .grown : .unchanged
        } catch {
            failure = error
            return change
        }
    }

    func data() -> TBFileData {
        var d = decoder.finish(state, issues: issues + tailIssues)
        if let failure { d.info.warnings.append(failure) }
        return d
    }
}

extension TFRecordIssue {
    /// The byte the issue is about.
    var offset: Int {
        switch self {
        case .badLengthCRC(let o, _, _), .badDataCRC(let o), .truncated(let o, _),
             .implausibleLength(let o, _, _, _), .lengthPastEnd(let o, _, _):
            return o
        }
    }
}
