// libFuzzer target `folder`: RunLoader.load on a run folder made from the input.
// Built by scripts/fuzz.sh together with Sources/TrainingLog/*.swift and Fuzz/Support/*.swift.

// The input is split at the first "\n=====\n": the part before is written as stdout.txt, the
// part after (when there is one) as a second file whose name the first byte picks (log.txt,
// metrics.csv, metrics.jsonl, stderr.txt, an event file). RunLoader then detects, reads (from
// files: the chunked line reader, not the in-memory one) and merges them.
#if canImport(Glibc)
import Glibc
#endif

let secondNames = ["log.txt", "metrics.csv", "metrics.jsonl", "stderr.txt", "events.out.tfevents.1717200000.fuzz"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    FuzzSupport.targetName = "folder"
    let dir = FuzzSupport.scratch
    let bytes = FuzzSupport.bytes(data, size)
    let parts = FuzzSupport.split(bytes, Array("\n=====\n".utf8))
    for n in secondNames { unlink(dir + "/" + n) }
    FuzzSupport.write(parts[0], to: dir + "/stdout.txt")
    if parts.count > 1 {
        let name = secondNames[Int(bytes.first ?? 0) % secondNames.count]
        FuzzSupport.write(bytes[(parts[0].endIndex + 7)...], to: dir + "/" + name)
    }
    if let run = try? RunLoader.loadTyped(dir) { FuzzSupport.consume(run) }
    return 0
}
