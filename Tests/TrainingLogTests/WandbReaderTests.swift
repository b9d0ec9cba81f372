import Foundation
import Testing
@testable import TrainingLog

/// W&B offline runs: the record stream's framing and checksums, its protobuf Records, a file
/// cut off by a live run, damage in one block.
@Suite struct WandbReaderTests {
    static let file = TestSupport.fixture("../families/wandb/run-20240601_100000-d16wb001/run-d16wb001.wandb")
    static let live = TestSupport.fixture("../families/wandb-live/run-20240601_100000-d16wb001/run-d16wb001.wandb")

    @Test func theRunFileIsReadWhole() throws {
        let run = try RunLoader.load(Self.file)
        #expect(run.sources.map(\.format) == [.wandb])
        #expect(run.name == "d16-wandb", "the run record's display name")
        let loss = try #require(run.series(.trainLossMean, .iteration))
        #expect(loss.xs == Array(0..<3000))
        #expect(loss.hasWallTimes && abs(loss.wallTimes[1] - loss.wallTimes[0] - 1.2) < 1e-6)
        #expect(run.series(.valLossTail, .iteration)?.xs == [499, 999, 1499, 1999, 2499, 2999])
        #expect(run.series(.gradNorm, .iteration)?.values[1234].isNaN == true)
        #expect(run.configValue("depth") == "16" && run.configValue("ep") == "30")
        #expect(run.finishedMarker)
        #expect(run.warnings.isEmpty, "\(run.warnings)")
    }

    @Test func aLiveRunIsReadUpToItsLastWholeRecord() throws {
        let run = try RunLoader.load(Self.live)
        let loss = try #require(run.series(.trainLossMean, .iteration))
        #expect(loss.xs.first == 0 && loss.xs.count > 1500 && loss.xs.count < 3000)
        #expect(loss.xs == Array(0..<loss.xs.count), "every whole row, in order")
        #expect(!run.finishedMarker)
        #expect(run.warnings.contains { $0.message.hasPrefix("info: the last record is cut off") })
    }

    @Test func aDamagedChunkCostsOnlyItsBlock() throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.file)))
        // A byte in the second block's payload.
        bytes[32_768 + 100] ^= 0x20
        let run = WandbReader.parse(bytes, path: "damaged.wandb")
        let loss = try #require(run.series(.trainLossMean, .iteration))
        #expect(run.warnings.contains { $0.message.contains("CRC-32 mismatch") && ($0.byteOffset ?? 0) >= 32_768 && ($0.byteOffset ?? 0) < 65_536 })
        #expect(loss.xs.count < 3000 && loss.xs.count > 2800, "one block's rows lost, the others read")
        #expect(loss.xs.last == 2999)
        #expect(run.finishedMarker)
    }

    @Test func itIsRecognisedByContentAndOtherBytesAreNot() throws {
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: Self.file)).prefix(8192))
        #expect(FormatDetector.detect(path: "whatever.bin", prefix: bytes) == .wandb)
        var bad = bytes
        bad[0] = 0x20
        #expect(FormatDetector.detect(path: "run-x.wandb", prefix: bad) != .wandb)
        let notWandb = WandbReader.parse(Array("hello".utf8), path: "x.wandb")
        #expect(notWandb.series.isEmpty && notWandb.warnings.contains { $0.message.contains("not a W&B run file") })
    }

    /// The console the run printed is in the stream: a crash there is crash evidence, and the
    /// exit record's nonzero code too. W&B's side files (wandb-summary.json) are not read.
    @Test func aCrashedRunsConsoleAndExitCodeAreEvidence() throws {
        let crashed = try RunLoader.load(TestSupport.fixture("../families/wandb-crashed"))
        #expect(!crashed.finishedMarker)
        #expect(crashed.crashEvidence.contains { $0.kind == .outOfMemory && $0.text.contains("CUDA out of memory") })
        #expect(crashed.crashEvidence.contains { $0.kind == .exitCode && $0.text.contains("exit code 1") })
        let finished = try RunLoader.load(TestSupport.fixture("../families/wandb"))
        #expect(finished.sources.map(\.format) == [.wandb], "\(finished.sources.map(\.path))")
    }
}
