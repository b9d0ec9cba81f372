// libFuzzer target `jsonl`: JSONLinesReader.parse on the input, plus a name map that renames a key.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    let options = (bytes.first ?? 0) & 1 == 1 ? LoadOptions(nameMap: ["loss": "Lm", "step": "it", "acc": "Accm"]) : LoadOptions()
    FuzzSupport.consume(JSONLinesReader.parse(bytes, path: "fuzz/metrics.jsonl", options: options))
    return 0
}
