import Foundation

/// Fuzzes the TFRecord framing with tiny chunks (records straddle chunk boundaries) plus decoding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = "/dev/shm/varreport-fuzz-\(getpid()).tfevents"
    FileManager.default.createFile(atPath: path, contents: Data(bytes: data, count: size))
    let chunk = size > 0 ? Int(data[0] % 64) + 1 : 7
    _ = try? TFRecordReader(chunkSize: chunk, maxRecord: 1 << 20).forEachRecord(path) { rec, _ in
        _ = EventDecoder.decode(rec) { _, _ in }
    }
    _ = try? TensorBoardReader.read(path: path)
    return 0
}
