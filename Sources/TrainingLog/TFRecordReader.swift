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
    /// The length's CRC was valid but the length is not a record's (over `maxRecord`, up to
    /// 2^64): `skipped` bytes were scanned for the next valid header.
    case implausibleLength(offset: Int, length: UInt64, skipped: Int, resynced: Bool)
    /// A header with a valid CRC whose record would run past the end of the file, followed by
    /// good records: the header was corrupt, not the file cut off; reading resumed after `skipped`.
    case lengthPastEnd(offset: Int, length: UInt64, skipped: Int)
}

/// Reads TFRecord framing: `uint64 length, uint32 masked_crc32c(length), data, uint32
/// masked_crc32c(data)`, both CRCs checked, from a file read in large chunks (memory stays bounded
/// by the chunk size plus the largest record).
///
/// A record whose data CRC fails is skipped; a header whose length CRC fails, or whose length is
/// implausible, starts a byte-by-byte search for the next valid header (resync); a record that
/// would run past the end of the file also starts one, and only when no good record follows is it
/// a file cut off at its end (still being written), which ends reading.
struct TFRecordReader {
    var chunkSize = 8 << 20
    /// Larger lengths are taken as corruption (TensorBoard records are far smaller).
    var maxRecord = 1 << 30

    /// Calls `body(data, offsetOfRecord)` for each good record. Returns the issues met.
    func forEachRecord(_ path: String, _ body: (UnsafeRawBufferPointer, Int) -> Void) throws(Diagnostic) -> [TFRecordIssue] {
        try forEachRecord(path, from: 0, body).issues
    }

    /// `forEachRecord` from byte `start` (a record boundary an earlier call returned as `end`).
    /// `end` is the offset just after the last whole record read: a follower calls again from
    /// there when the file has grown, so a record cut off by the end of a file still being
    /// written, or bytes still being searched for a good header, are read again with the rest.
    /// Issues at or after `end` are about that unfinished tail.
    func forEachRecord(_ path: String, from start: Int, _ body: (UnsafeRawBufferPointer, Int) -> Void) throws(Diagnostic)
        -> (issues: [TFRecordIssue], end: Int)
    {
        let fd = try ByteFile.openRegular(path)
        defer { close(fd) }
        if start > 0, lseek(fd, off_t(start), SEEK_SET) != off_t(start) {
            throw Diagnostic(file: path, byteOffset: start, message: "cannot seek: \(ByteFile.errnoText())")
        }
        var issues: [TFRecordIssue] = []
        var cap = chunkSize
        var buf = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
        defer { buf.deallocate() }
        var bufOffset = start   // file offset of buf[0]
        var end = start
        var filled = 0
        var pos = 0
        var eof = false
        var resyncStart: Int? = nil
        /// Why the current resync started, when not a length CRC: an implausible length, or a
        /// record past the end of the file (a cut-off tail when nothing good follows).
        enum ResyncCause { case lengthCRC, implausible(UInt64), pastEnd(UInt64, missing: Int) }
        var cause = ResyncCause.lengthCRC
        var st = stat()
        var fileSize = fstat(fd, &st) == 0 ? Int(st.st_size) : Int.max

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

        func resynced(at offset: Int, found: Bool) {
            guard let r = resyncStart else { return }
            let skipped = offset - r
            switch cause {
            case .lengthCRC: issues.append(.badLengthCRC(offset: r, skipped: skipped, resynced: found))
            case .implausible(let len): issues.append(.implausibleLength(offset: r, length: len, skipped: skipped, resynced: found))
            case .pastEnd(let len, let missing):
                issues.append(found ? .lengthPastEnd(offset: r, length: len, skipped: skipped) : .truncated(offset: r, missing: missing))
            }
            resyncStart = nil
            cause = .lengthCRC
        }

        while true {
            guard try ensure(12) else {
                let left = filled - pos
                if resyncStart != nil {
                    resynced(at: bufOffset + filled, found: false)
                } else if left > 0 {
                    issues.append(.truncated(offset: bufOffset + pos, missing: 12 - left))
                }
                break
            }
            let h = UnsafeRawPointer(buf + pos)
            let len = UInt64(littleEndian: h.loadUnaligned(as: UInt64.self))
            let lenCRC = UInt32(littleEndian: (h + 8).loadUnaligned(as: UInt32.self))
            let crcOK = CRC32C.masked(h, 8) == lenCRC
            if !crcOK || len > UInt64(maxRecord) {
                if resyncStart == nil {
                    resyncStart = bufOffset + pos
                    cause = crcOK ? .implausible(len) : .lengthCRC
                }
                pos += 1
                continue
            }
            let n = Int(len)
            let recordOffset = bufOffset + pos
            // Past the end of the file as it is now (it may be growing: look again first).
            if recordOffset + 16 + n > fileSize, fstat(fd, &st) == 0 { fileSize = Int(st.st_size) }
            if recordOffset + 16 + n > fileSize {
                if resyncStart == nil {
                    resyncStart = recordOffset
                    cause = .pastEnd(len, missing: recordOffset + 16 + n - fileSize)
                }
                pos += 1
                continue
            }
            guard try ensure(16 + n) else {
                resynced(at: recordOffset, found: false)
                issues.append(.truncated(offset: recordOffset, missing: 16 + n - (filled - pos)))
                break
            }
            let d = UnsafeRawPointer(buf + pos + 12)
            let dataCRC = UInt32(littleEndian: (d + n).loadUnaligned(as: UInt32.self))
            // While resynchronising, a header counts only with its data CRC good too.
            if resyncStart != nil, CRC32C.masked(d, n) != dataCRC {
                pos += 1
                continue
            }
            resynced(at: recordOffset, found: true)
            if CRC32C.masked(d, n) == dataCRC {
                body(UnsafeRawBufferPointer(start: d, count: n), recordOffset)
            } else {
                issues.append(.badDataCRC(offset: recordOffset))
            }
            pos += 16 + n
            end = bufOffset + pos
        }
        return (issues, end)
    }
}
