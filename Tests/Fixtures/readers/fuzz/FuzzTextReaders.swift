import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let which = ProcessInfo.processInfo.environment["FUZZ_TARGET"] ?? "all"
    if which == "all" || which == "stdout" { _ = VARStdoutReader.parse(bytes, path: "f") }
    if which == "all" || which == "logtxt" { _ = VARLogTxtReader.parse(bytes, path: "f") }
    if which == "all" || which == "csv" { _ = CSVReader.parse(bytes, path: "f") }
    if which == "all" || which == "jsonl" { _ = JSONLinesReader.parse(bytes, path: "f") }
    if which == "all" || which == "detect" { _ = FormatDetector.detect(path: "f", prefix: bytes) }
    if which == "all" || which == "event" {
        bytes.withUnsafeBytes { _ = EventDecoder.decode($0) { _, _ in } }
    }
    return 0
}
