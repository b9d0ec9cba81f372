// libFuzzer target `console`: ConsoleLogReader.parse on the input as a console log (stderr.txt,
// a scheduler's .err / .out): RESTART banners and crash evidence.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let run = ConsoleLogReader.parse(FuzzSupport.bytes(data, size), path: "fuzz/stderr.txt")
    FuzzSupport.consume(run)
    for e in run.crashEvidence { precondition(e.line >= 1 && e.text.utf8.count <= 200 * 4) }
    return 0
}
