// libFuzzer target `wandb`: WandbReader.parse on the input as a W&B offline run file (the
// LevelDB-log framing with its CRC-32 per chunk, records across blocks, protobuf Records).
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let run = WandbReader.parse(FuzzSupport.bytes(data, size), path: "fuzz/run-x.wandb")
    FuzzSupport.consume(run)
    // Steps are kept in order, once each.
    for s in run.series { precondition(zip(s.xs, s.xs.dropFirst()).allSatisfy { $0 < $1 }) }
    return 0
}
