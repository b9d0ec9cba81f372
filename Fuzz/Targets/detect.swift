// libFuzzer target `detect`: FormatDetector.detect on the input as a file's first bytes.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // RunLoader reads at most the first 8 KiB as the prefix; the detector must cope with any size.
    let bytes = FuzzSupport.bytes(data, size)
    let names = ["stdout.txt", "log.txt", "metrics.csv", "events.out.tfevents.1.host", "x"]
    let f = FormatDetector.detect(path: "fuzz/" + names[Int(bytes.first ?? 0) % names.count], prefix: bytes)
    FuzzSupport.blackHole(f.map { $0.rawValue.utf8.count } ?? -1)
    return 0
}
