import Foundation
import Testing
@testable import TrainingLog

/// LlamaGen's log (Tests/Fixtures/families/, written by scripts/make_family_runs.py).
@Suite struct LlamaGenReaderTests {
    static func family(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/families/\(name)").path
    }

    @Test func aLogTxtOfLlamaGenIsReadAsLlamaGenNotAsVAR() throws {
        let path = Self.family("llamagen-c2i") + "/log.txt"
        let prefix = try ByteFile.prefix(path)
        #expect(FormatDetector.detect(path: path, prefix: prefix) == .llamaGen)
        let run = try RunLoader.load(Self.family("llamagen-c2i"))
        #expect(run.sources.map(\.format) == [.llamaGen])
        // 30 logged steps (100 ... 3000); the resume's repeats of 2100 and 2200 replace the first copies.
        let xs = run.xs("train/loss", .iteration)
        #expect(xs.count == 30 && xs.first == 99 && xs.last == 2999)
        #expect(Set(xs).count == xs.count)
        // The line a tqdm bar was glued to (step 700) is read.
        #expect(xs.contains(699))
        #expect(run.iterationsPerEpoch == 1000 && run.epochsPlanned == 3)
        #expect(run.configValue("vocab_size") == "16384" && run.configValue("gpt_model") == "GPT-B")
        #expect(abs((run.parametersMillions ?? 0) - 111.060736) < 1e-9)
        #expect(run.finishedMarker)
        // Two launches: the resume from the step-2000 checkpoint restarted at epoch 2.
        #expect(run.launches.count == 2 && run.launches[1].resumeEpoch == 2)
        #expect(Launch.resumeEpochs(run.launches) == [2])
        #expect(run.warnings.contains { $0.message.contains("step 2100 after step 2200") })
        // Speed as seconds per iteration; the ANSI-coloured times as wall times (UTC).
        let spi = run.values(.secondsPerIteration, .iteration)
        #expect(spi.count == 30 && spi.allSatisfy { $0 > 0.36 && $0 < 0.40 })
        let first = try #require(run.series("train/loss", .iteration)?.wallTimes.first)
        #expect(first == 1_717_236_038)  // 2024-06-01 10:00:38 UTC
    }

    @Test func aForksLinesWithLearningRateAndGradientNorm() throws {
        let run = try RunLoader.load(Self.family("llamagen-fork"))
        #expect(run.sources.map(\.format) == [.llamaGen])
        #expect(run.values(.learningRate, .iteration).count == 6)
        #expect(run.values(.gradNorm, .iteration).count == 6)
        #expect(run.values(.secondsPerIteration, .iteration).allSatisfy { $0 > 0.37 && $0 < 0.41 })
        #expect(!run.finishedMarker)
    }

    /// Found by the fuzzer: a time whose fields overflow a C `tm` is not a time.
    @Test func anImpossibleTimeIsNoTime() {
        #expect(LlamaGenParser.time("99999999999999-06-01 10:00:00") == nil)
        #expect(LlamaGenParser.time("2024-13-01 10:00:00") == nil)
        let run = LlamaGenReader.parse(Array("[99999999999999-06-01 10:00:00] (step=0000100) Train Loss: 9.1\n".utf8), path: "x")
        #expect(run.series.first?.values == [9.1] && run.series.first?.hasWallTimes == false)
    }

    /// A crash left NUL bytes in the file: the text after them is read, with a warning at the line.
    @Test func nulBytesInALine() {
        var bytes = Array("[2024-06-01 10:00:00] (step=0000100) Train Loss: 9.1, Train Steps/Sec: 2.5\n".utf8)
        bytes += [0, 0, 0] + Array("[2024-06-01 10:01:00] (step=0000200) Train Loss: 8.9, Train Steps/Sec: 2.5\n".utf8)
        let run = LlamaGenReader.parse(bytes, path: "log.txt")
        #expect(run.series.first?.values == [9.1, 8.9])
        #expect(run.warnings.contains { $0.line == 2 && $0.message.contains("NUL bytes") })
    }

    @Test func namespaceArgumentsKeepNestedValues() {
        let c = LlamaGenParser.namespace("Namespace(a=1, b='x, y', c=[1, 2], d=None)")
        #expect(c.map(\.key) == ["a", "b", "c", "d"])
        #expect(c.map(\.value) == ["1", "x, y", "[1, 2]", "None"])
    }
}
