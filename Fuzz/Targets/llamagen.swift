// libFuzzer target `llamagen`: LlamaGenReader.parse on the input as a LlamaGen log (ANSI-coloured
// times, Namespace args, step lines, resumes).
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let run = LlamaGenReader.parse(FuzzSupport.bytes(data, size), path: "fuzz/log.txt")
    FuzzSupport.consume(run)
    // Steps are kept in order, once each, after a resume replaced the repeated ones.
    for s in run.series { precondition(zip(s.xs, s.xs.dropFirst()).allSatisfy { $0 < $1 }) }
    return 0
}
