// libFuzzer target `csv`: CSVReader.parse on the input, plus a name map that renames a column;
// and, differentially, the same parse without the plain-row shortcut, and the input read from a
// file in one pass and in pieces (as a large CSV is read on every core): each pair of Runs must
// be the same, point for point and warning for warning.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSupport.targetName = "csv"
    let bytes = FuzzSupport.bytes(data, size)
    // Odd first byte: with a name map (an extra path through LoadOptions.canonical).
    let options = (bytes.first ?? 0) & 1 == 1 ? LoadOptions(nameMap: ["loss": "Lm", "step": "it", "acc": "Accm"]) : LoadOptions()
    let plain = CSVReader.parse(bytes, path: "fuzz/metrics.csv", options: options)
    FuzzSupport.consume(plain)
    // Plain rows skip the field splitter: the general path must give the same Run.
    let general = CSVParser.parse(bytes, path: "fuzz/metrics.csv", options: options) { $0.usesFastPaths = false }
    precondition(describe(plain) == describe(general), "CSV plain-row path differs from the general path")

    let path = FuzzSupport.scratch + "/metrics.csv"
    FuzzSupport.write(bytes, to: path)
    let pieces = 2 + Int(bytes.last ?? 0) % 6
    let onePass = try? CSVParser.read(path: path, options: options)
    let inPieces = try? CSVParser.readInPieces(path: path, options: options, pieces: pieces)
    precondition(describe(onePass) == describe(inPieces), "CSV read in \(pieces) pieces differs from one pass")
    return 0
}

/// Everything a Run holds that a reader decides, with NaN written as text (NaN != NaN).
private func describe(_ run: Run?) -> String {
    guard let run else { return "error" }
    func text(_ v: [Double]) -> String { v.map { $0.isNaN ? "nan" : "\($0)" }.joined(separator: ",") }
    var out = ""
    for s in run.series {
        out += "\(s.name.rawValue)|\(s.granularity)|\(s.xs)|\(text(s.values))|\(text(s.wallTimes))\n"
    }
    for w in run.warnings { out += "\(w)\n" }
    return out
}
