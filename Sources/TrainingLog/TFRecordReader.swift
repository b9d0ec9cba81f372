#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What went wrong while framing a TFRecord stream, at which byte.
enum TFRecordIssue {
    /// The length's CRC failed; `skipped` bytes were scanned until a valid header (or the end).
    case badLengthCRC(offset: Int, skipped: Int, resynced: Bool)
    /// The payload's CRC failed: the record was skipped.
    case badDataCRC(offset: Int)
    /// The file ends inside a record (a file still being written): reading stops there.
    case truncated(offset: Int, missing: Int)
}

/// Reads TFRecord framing: `uint64 length, uint32 masked_crc32c(length), data, uint32
/// masked_crc32c(data)`, both CRCs checked, from a file read in large chunks (memory stays bounded
/// by the chunk size plus the largest record).
///
/// A record whose data CRC fails is skipped; a header whose length CRC fails starts a byte-by-byte
/// search for the next valid header (resync); a record cut off by the end of the file ends reading.
struct TFRecordReader {
    var chunkSize = 8 << 20
    /// Larger lengths are taken as corruption (TensorBoard records are far smaller).
    var maxRecord = 1 << 30

    /// Calls `body(data, offsetOfRecord)` for each good record. Returns the issues met.
    func forEachRecord(_ path: String, _ body: (UnsafeRawBufferPointer, Int) -> Void) throws(Diagnostic) -> [TFRecordIssue] {
        let fd = try ByteFile.openRegular(path)
        defer { close(fd) }
        var issues: [TFRecordIssue] = []
        var cap = chunkSize
        var buf = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
        defer { buf.deallocate() }
        var bufOffset = 0   // file offset of buf[0]
        var filled = 0
        var pos = 0
        var eof = false
        var resyncStart: Int? = nil

        /// Makes at least `need` bytes available from pos; false at end of file.
        func ensure(_ need: Int) throws(Diagnostic) -> Bool {
            if filled - pos >= need { return true }
            if eof { return false }
            // Compact.
            if pos > 0 {
                let rest = filled - pos
                if rest > 0 { memmove(buf, buf + pos, rest) }
                bufOffset += pos
                filled = rest
                pos = 0
            }
            if need > cap {
                let newCap = max(need, cap * 2)
                let nb = UnsafeMutableRawPointer.allocate(byteCount: newCap, alignment: 16)
                nb.copyMemory(from: buf, byteCount: filled)
                buf.deallocate()
                buf = nb
                cap = newCap
            }
            while filled < need {
                let n = read(fd, buf + filled, cap - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw Diagnostic(file: path, byteOffset: bufOffset + filled, message: "read failed: \(ByteFile.errnoText())")
                }
                if n == 0 { eof = true; return false }
                filled += n
            }
            return true
        }

        while true {
            guard try ensure(12) else {
                let left = filled - pos
                if let r = resyncStart {
                    issues.append(.badLengthCRC(offset: r, skipped: bufOffset + filled - r, resynced: false))
                } else if left > 0 {
                    issues.append(.truncated(offset: bufOffset + pos, missing: 12 - left))
                }
                break
            }
            let h = UnsafeRawPointer(buf + pos)
            let len = UInt64(littleEndian: h.loadUnaligned(as: UInt64.self))
            let lenCRC = UInt32(littleEndian: (h + 8).loadUnaligned(as: UInt32.self))
            if CRC32C.masked(h, 8) != lenCRC || len > UInt64(maxRecord) {
                if resyncStart == nil { resyncStart = bufOffset + pos }
                pos += 1
                continue
            }
            if let r = resyncStart {
                issues.append(.badLengthCRC(offset: r, skipped: bufOffset + pos - r, resynced: true))
                resyncStart = nil
            }
            let n = Int(len)
            let recordOffset = bufOffset + pos
            guard try ensure(16 + n) else {
                issues.append(.truncated(offset: recordOffset, missing: 16 + n - (filled - pos)))
                break
            }
            let d = UnsafeRawPointer(buf + pos + 12)
            let dataCRC = UInt32(littleEndian: (d + n).loadUnaligned(as: UInt32.self))
            if CRC32C.masked(d, n) == dataCRC {
                body(UnsafeRawBufferPointer(start: d, count: n), recordOffset)
            } else {
                issues.append(.badDataCRC(offset: recordOffset))
            }
            pos += 16 + n
        }
        return issues
    }
}
