// Helpers shared by the libFuzzer targets in Fuzz/Targets/ (compiled into every target binary,
// together with Sources/TrainingLog/*.swift, as module TrainingLog: see scripts/fuzz.sh).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

enum FuzzSupport {
    /// The input as an array.
    static func bytes(_ data: UnsafePointer<UInt8>, _ size: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: data, count: size))
    }

    /// A per-process scratch folder in /dev/shm (made once; removed at normal exit, and by
    /// scripts/fuzz.sh after a crash).
    static let scratch: String = {
        let dir = "/dev/shm/varreport-fuzz-\(targetName)-\(getpid())"
        mkdir(dir, 0o700)
        atexit { FuzzSupport.removeTree(FuzzSupport.scratchPath) }
        return dir
    }()
    nonisolated(unsafe) static var targetName = "target"
    static var scratchPath: String { "/dev/shm/varreport-fuzz-\(targetName)-\(getpid())" }

    /// Writes `bytes` to `path` (created or truncated). Traps on an I/O error: that is the
    /// harness failing, not the reader.
    static func write<C: Collection>(_ bytes: C, to path: String) where C.Element == UInt8 {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(fd >= 0, "fuzz harness: cannot create \(path)")
        defer { close(fd) }
        let a = Array(bytes)
        var off = 0
        a.withUnsafeBytes { b in
            while off < b.count {
                let n = Glibc.write(fd, b.baseAddress! + off, b.count - off)
                if n < 0, errno == EINTR { continue }
                precondition(n > 0, "fuzz harness: cannot write \(path)")
                off += n
            }
        }
    }

    /// Removes a folder holding only files (the scratch folders are flat).
    static func removeTree(_ dir: String) {
        guard let d = opendir(dir) else { return }
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            unlink(dir + "/" + name)
        }
        closedir(d)
        rmdir(dir)
    }

    /// Splits `b` at each occurrence of `sep` (not kept).
    static func split(_ b: [UInt8], _ sep: [UInt8]) -> [ArraySlice<UInt8>] {
        var parts: [ArraySlice<UInt8>] = []
        var start = 0, i = 0
        while i + sep.count <= b.count {
            if b[i] == sep[0], b[i..<i + sep.count].elementsEqual(sep) {
                parts.append(b[start..<i])
                i += sep.count
                start = i
            } else {
                i += 1
            }
        }
        parts.append(b[start...])
        return parts
    }

    /// Touches what a report would read from a run, so that lazy or unused results are computed
    /// and their invariants (x sorted, counts match) are checked.
    static func consume(_ run: Run) {
        var sink = 0
        for s in run.series {
            precondition(s.xs.count == s.values.count, "series \(s.name.rawValue): xs and values differ in count")
            if s.hasWallTimes { precondition(s.wallTimes.count == s.xs.count, "series \(s.name.rawValue): wall times count") }
            if checkSorted {
                for k in s.xs.indices.dropFirst() {
                    precondition(s.xs[k - 1] < s.xs[k], "series \(s.name.rawValue) (\(s.granularity.rawValue)): xs not strictly increasing at index \(k): \(s.xs[k - 1]) then \(s.xs[k])")
                }
            }
            for v in s.values { sink &+= Int(truncatingIfNeeded: v.bitPattern) }
            sink &+= s.xs.last ?? 0
        }
        sink &+= run.config.count &+ run.warnings.count &+ run.restartEpochs.count &+ run.finalValidation.count
        for w in run.warnings { sink &+= w.description.utf8.count }
        blackHole(sink)
    }

    /// Series.xs is documented as strictly increasing once a reader is done; FUZZ_CHECK_SORTED=0
    /// turns this check off (to hunt for other failures past a known violation).
    static let checkSorted: Bool = getenv("FUZZ_CHECK_SORTED").map { String(cString: $0) != "0" } ?? true

    @inline(never) static func blackHole(_ x: Int) { if x == 0x7fff_ffff_ffff_fff1 { print("") } }
}
