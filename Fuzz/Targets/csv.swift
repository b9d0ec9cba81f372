// libFuzzer target `csv`: CSVReader.parse on the input, plus a name map that renames a column.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    // Odd first byte: with a name map (an extra path through LoadOptions.canonical).
    let options = (bytes.first ?? 0) & 1 == 1 ? LoadOptions(nameMap: ["loss": "Lm", "step": "it", "acc": "Accm"]) : LoadOptions()
    FuzzSupport.consume(CSVReader.parse(bytes, path: "fuzz/metrics.csv", options: options))
    return 0
}
