#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Low-level file access for the readers: whole small files, prefixes for format detection, and
/// a streaming line splitter that never holds more than one chunk (plus the longest line) in memory.
enum ByteFile {
    /// Reads a whole file into memory. For files that are small by nature (log.txt, CSV, headers);
    /// large logs go through `LineReader`.
    static func readAll(_ path: String, limit: Int = Int.max) throws(Diagnostic) -> [UInt8] {
        let fd = try ByteFile.openRegular(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while out.count < limit {
            let want = min(chunk.count, limit - out.count)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(file: path, byteOffset: out.count, message: "read failed: \(errnoText())")
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return out
    }

    /// The first `count` bytes of a file (fewer if the file is shorter), for format detection.
    static func prefix(_ path: String, count: Int = 8192) throws(Diagnostic) -> [UInt8] {
        try readAll(path, limit: count)
    }

    /// The current errno in words, lower-case as the rest of a message ("permission denied").
    static func errnoText() -> String {
        guard let s = strerror(errno) else { return "errno \(errno)" }
        let text = String(cString: s)
        return text.prefix(1).lowercased() + text.dropFirst()
    }

    /// Whether `path` is a directory (following symlinks); nil when it does not exist.
    static func isDirectory(_ path: String) -> Bool? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Whether `path` is a regular file (following symlinks): pipes and devices are not read
    /// when scanning folders.
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { return false }
        return (st.st_mode & S_IFMT) == S_IFREG
    }

    /// When `path` was last modified, in Unix seconds (following symlinks); nil when unknown.
    static func modificationTime(_ path: String) -> Double? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }

    static func fileSize(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Int(st.st_size)
    }

    /// The entries of a folder (names, without `.` and `..`), sorted by name.
    static func listDirectory(_ path: String) -> [String]? {
        listDirectoryChecked(path)?.names
    }

    /// The entries of a folder, sorted by name, apart from the names that are not UTF-8: a Swift
    /// string cannot hold their bytes, so they cannot be opened by name; they are returned
    /// (with the bad bytes shown as U+FFFD) for a warning instead of being dropped unsaid.
    static func listDirectoryChecked(_ path: String) -> (names: [String], notUTF8: [String])? {
        guard let d = opendir(path) else { return nil }
        defer { closedir(d) }
        var names: [String] = []
        var notUTF8: [String] = []
        while let e = readdir(d) {
            let (name, valid) = withUnsafePointer(to: e.pointee.d_name) {
                $0.withMemoryRebound(to: UInt8.self, capacity: 256) { p -> (String, Bool) in
                    let bytes = UnsafeBufferPointer(start: p, count: strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self)))
                    let decoded = String(decoding: bytes, as: UTF8.self)
                    return (decoded, String(validating: bytes, as: UTF8.self) != nil)
                }
            }
            if name == "." || name == ".." { continue }
            if valid { names.append(name) } else { notUTF8.append(name) }
        }
        return (names.sorted(), notUTF8.sorted())
    }

    /// The device and inode of what `path` leads to (following symlinks): one file or folder
    /// reached by two paths has one identity.
    static func identity(_ path: String) -> FileIdentity? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return FileIdentity(device: UInt64(st.st_dev), inode: UInt64(st.st_ino))
    }
}

struct FileIdentity: Hashable {
    var device: UInt64
    var inode: UInt64
}

/// What `LineReader` saw besides the lines themselves.
struct LineStats {
    var lines = 0
    var bytes = 0
    /// True when the file did not end with a newline (the last line may be cut short).
    var lastLineUnterminated = false
    /// Lines longer than the limit, which were cut at the limit.
    var overlongLines: [Int] = []
}

/// Splits a file into lines (on `\n`) while reading it in large chunks with read(2).
///
/// The line handed to the body excludes the `\n`; it stays valid only during the call.
/// Memory stays bounded by the chunk size plus the longest line (lines over `maxLine` bytes are
/// cut there and reported in `LineStats.overlongLines`).
struct LineReader {
    var chunkSize = 4 << 20
    var maxLine = 64 << 20

    /// Calls `body` with every line and its 1-based number. With `range`, only the lines that
    /// start at a byte offset inside it are read (a line that starts inside and ends after it is
    /// read whole), numbered from 1 within the range: the pieces of a file read in parallel.
    func forEachLine(_ path: String, range: Range<Int>? = nil,
                     _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) throws(Diagnostic) -> LineStats {
        let fd = try ByteFile.openRegular(path)
        defer { close(fd) }
        var stats = LineStats()
        var capacity = chunkSize
        var buf = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        defer { buf.deallocate() }
        var filled = 0          // bytes in buf
        var lineNo = 0
        var skippingOverlong = false
        // A piece after the first starts one byte early and skips through the first newline:
        // the line it lands in belongs to the piece before.
        var bufferStart = 0     // file offset of buf[0]
        var skippingFirst = false
        let end = range?.upperBound ?? Int.max
        if let r = range, r.lowerBound > 0 {
            bufferStart = r.lowerBound - 1
            if lseek(fd, off_t(bufferStart), SEEK_SET) < 0 {
                throw Diagnostic(file: path, byteOffset: bufferStart, message: "seek failed: \(ByteFile.errnoText())")
            }
            skippingFirst = true
        }
        var finished = false
        while !finished {
            if filled == capacity {
                // A line longer than the buffer: grow up to maxLine, then cut.
                if capacity < maxLine {
                    let newCap = min(capacity * 2, maxLine)
                    let nb = UnsafeMutablePointer<UInt8>.allocate(capacity: newCap)
                    nb.update(from: buf, count: filled)
                    buf.deallocate()
                    buf = nb
                    capacity = newCap
                } else {
                    // The line continues; it is counted when its newline comes.
                    if !skippingOverlong && !skippingFirst {
                        stats.overlongLines.append(lineNo + 1)
                        body(UnsafeBufferPointer(start: buf, count: filled), lineNo + 1)
                    }
                    skippingOverlong = true
                    bufferStart += filled
                    filled = 0
                }
            }
            let n = read(fd, buf + filled, capacity - filled)
            if n < 0 {
                if errno == EINTR { continue }
                throw Diagnostic(file: path, byteOffset: bufferStart + filled, message: "read failed: \(ByteFile.errnoText())")
            }
            if n == 0 { break }
            stats.bytes += n
            let chunkEnd = filled + n
            var start = 0
            var scan = filled
            while scan < chunkEnd {
                guard let hit = memchr(buf + scan, 0x0A, chunkEnd - scan) else { break }
                let nl = buf.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                if skippingFirst {
                    skippingFirst = false
                    skippingOverlong = false
                } else {
                    if bufferStart + start >= end { finished = true; break }
                    lineNo += 1
                    if skippingOverlong {
                        skippingOverlong = false
                    } else {
                        body(UnsafeBufferPointer(start: buf + start, count: nl - start), lineNo)
                    }
                }
                start = nl + 1
                scan = start
            }
            if finished { filled = 0; break }
            // Keep the unfinished line at the front of the buffer.
            let rest = chunkEnd - start
            if start > 0 && rest > 0 { (buf).update(from: buf + start, count: rest) }
            bufferStart += start
            filled = rest
            if bufferStart >= end && !skippingFirst { filled = 0; break }  // the next line starts after the range
        }
        if filled > 0 && !skippingFirst && bufferStart < end {
            lineNo += 1
            if !skippingOverlong { body(UnsafeBufferPointer(start: buf, count: filled), lineNo) }
            stats.lastLineUnterminated = true
        }
        stats.lines = lineNo
        return stats
    }

    /// Splits an in-memory buffer the same way (for small files and tests).
    static func forEachLine(in bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>, Int) -> Void) -> LineStats {
        var stats = LineStats()
        stats.bytes = bytes.count
        guard let base = bytes.baseAddress, bytes.count > 0 else { return stats }
        var start = 0
        var lineNo = 0
        while start < bytes.count {
            lineNo += 1
            if let hit = memchr(base + start, 0x0A, bytes.count - start) {
                let nl = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                body(UnsafeBufferPointer(start: base + start, count: nl - start), lineNo)
                start = nl + 1
            } else {
                body(UnsafeBufferPointer(start: base + start, count: bytes.count - start), lineNo)
                stats.lastLineUnterminated = true
                start = bytes.count
            }
        }
        stats.lines = lineNo
        return stats
    }
}
