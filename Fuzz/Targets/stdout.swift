// libFuzzer target `stdout`: VARStdoutReader.parse on the input as stdout.txt text.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let run = VARStdoutReader.parse(FuzzSupport.bytes(data, size), path: "fuzz/stdout.txt")
    FuzzSupport.consume(run)
    return 0
}
