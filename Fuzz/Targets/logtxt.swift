// libFuzzer target `logtxt`: VARLogTxtReader.parse on the input as log.txt text.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let run = VARLogTxtReader.parse(FuzzSupport.bytes(data, size), path: "fuzz/log.txt")
    FuzzSupport.consume(run)
    return 0
}
