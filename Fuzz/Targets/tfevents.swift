// libFuzzer target `tfevents`: the TensorBoard reader on event files made from the input.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

// The first byte picks the mode:
//  - even: the rest of the input is written as-is to one event file (framing, CRC checks, resync,
//    truncation);
//  - odd: the rest is a list of records `[UInt16 little-endian length][bytes]` (the last one takes
//    what is left when it is short); each is framed as a TFRecord with correct CRCs, so the
//    Event protobuf decoder and the per-tag state see fuzzed payloads. With bit 1 set, a
//    zero-length record splits them into two files read as one folder stream (the merge across
//    files, restarts); with bit 2 set the last file's final record is cut short by 3 bytes.
// Then the first file is framed again by TFRecordReader with a chunk size of 1-32 bytes (bits 3-7
// of the first byte), so records and headers straddle chunk boundaries, each record decoded.
// Files go to a per-process folder in /dev/shm, rewritten for every input, and are read by
// TensorBoardReader.read(files:) (TFRecordReader -> EventDecoder -> TBFileDecoder -> merge).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSupport.targetName = "tfevents"
    let dir = FuzzSupport.scratch
    guard size > 0 else { return 0 }
    let mode = data[0]
    let rest = UnsafeBufferPointer(start: data + 1, count: size - 1)
    let f1 = dir + "/events.out.tfevents.1717200000.fuzz.1"
    let f2 = dir + "/events.out.tfevents.1717203600.fuzz.2"
    var files = [f1]
    if mode & 1 == 0 {
        FuzzSupport.write(rest, to: f1)
    } else {
        var outs: [[UInt8]] = [[]]
        var i = 0
        while i < rest.count {
            var n = Int(rest[i])
            if i + 1 < rest.count { n |= Int(rest[i + 1]) << 8 }
            i += 2
            let end = min(rest.count, i + n)
            let rec = i < end ? Array(rest[i..<end]) : []
            i = end
            if rec.isEmpty, mode & 2 != 0, outs.count == 1 { outs.append([]); continue }
            outs[outs.count - 1] += frame(rec)
        }
        if mode & 4 != 0, outs[outs.count - 1].count >= 3 { outs[outs.count - 1].removeLast(3) }
        FuzzSupport.write(outs[0], to: f1)
        if outs.count > 1 { FuzzSupport.write(outs[1], to: f2); files.append(f2) }
    }
    if let run = try? TensorBoardReader.read(files: files) { FuzzSupport.consume(run) }
    var n = 0
    _ = try? TFRecordReader(chunkSize: Int(mode >> 3) + 1).forEachRecord(f1) { rec, _ in
        if EventDecoder.decode(rec, { _, sc in n &+= sc.tag.count }) != nil { n &+= 1 }
    }
    FuzzSupport.blackHole(n)
    return 0
}

/// One TFRecord: length, masked CRC-32C of the length, data, masked CRC-32C of the data.
func frame(_ rec: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(rec.count + 16)
    let len = UInt64(rec.count)
    for k in 0..<8 { out.append(UInt8(truncatingIfNeeded: len >> (8 * UInt64(k)))) }
    let lc = out.withUnsafeBytes { CRC32C.masked(UnsafeRawBufferPointer(rebasing: $0[0..<8])) }
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: lc >> (8 * UInt32(k)))) }
    out += rec
    let dc = rec.withUnsafeBytes { CRC32C.masked($0) }
    for k in 0..<4 { out.append(UInt8(truncatingIfNeeded: dc >> (8 * UInt32(k)))) }
    return out
}
