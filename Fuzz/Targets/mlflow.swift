// libFuzzer target `mlflow`: MLflowReader's parsers on the input, as one metric file
// (`timestamp value step` lines) and as meta.yaml.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzSupport.bytes(data, size)
    let (series, warnings) = MLflowReader.parseMetricFile(bytes, path: "fuzz/metrics/train/loss", key: "train/loss")
    precondition(zip(series.xs, series.xs.dropFirst()).allSatisfy { $0 < $1 })
    precondition(warnings.allSatisfy { $0.line != nil })
    _ = MLflowReader.metaFields(bytes)
    return 0
}
