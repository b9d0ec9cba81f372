import Foundation
import Testing
@testable import TrainingLog

/// Checks against the fixtures written by real writers (tensorboardX, tensorboard) and the VAR
/// trap files made by `scripts/make_fixtures.py`, and the bundled example run, with the values
/// their README / answers state. They live in `Tests/Fixtures/{tfevents,var,csv,jsonl}` and
/// `Examples/var-d16` (another branch); the tests run when those are present, or when
/// `VARREPORT_FIXTURES` points at a `Tests/Fixtures` folder.
enum Shared {
    static let root: String? = {
        let fm = FileManager.default
        if let env = ProcessInfo.processInfo.environment["VARREPORT_FIXTURES"],
           fm.fileExists(atPath: env + "/tfevents/tbx-simple") { return env }
        let own = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").path
        return fm.fileExists(atPath: own + "/tfevents/tbx-simple") ? own : nil
    }()
    static let example: String? = {
        guard let r = root else { return nil }
        let p = URL(fileURLWithPath: r).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Examples/var-d16").path
        return FileManager.default.fileExists(atPath: p + "/stdout.txt") ? p : nil
    }()
    static func path(_ rel: String) -> String { (root ?? "") + "/" + rel }
    static func file(in dir: String, containing part: String) -> String {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path(dir))) ?? []
        return path(dir) + "/" + (names.first { $0.contains(part) } ?? "missing")
    }
}

@Suite(.enabled(if: Shared.root != nil, "shared fixtures not present"))
struct SharedTensorBoardFixtureTests {
    @Test func tensorboardXSimpleValues() throws {
        let r = try RunLoader.load(Shared.path("tfevents/tbx-simple"))
        #expect(r.values(MetricName("loss"), .iteration) == [2.5, 2.0, 1.75, 1.5, 1.25])
        #expect(r.values(MetricName("lr"), .iteration) == [0.0010000000474974513, 0.0005000000237487257, 0.0002500000118743628])
        #expect(r.xs(MetricName("lr"), .iteration) == [0, 2, 4])
        #expect(r.xs(.trainLossTail, .epoch) == [0, 1, 2])
        #expect(r.values(.trainLossTail, .epoch) == [8.3125, 7.5, 6.25])
        #expect(r.series(MetricName("loss"), .iteration)?.wallTimes == [1717200001, 1717200002, 1717200003, 1717200004, 1717200005])
        #expect(r.warnings.isEmpty)
    }

    @Test func tensorboardTensorScalars() throws {
        let r = try RunLoader.load(Shared.path("tfevents/tb-tensor"))
        #expect(r.values(MetricName("tf2/float_val"), .iteration) == [0.5, 0.25, 0.125])
        #expect(r.values(MetricName("tf2/double_val"), .iteration) == [1.0 / 3.0, 5.5])
        #expect(r.values(MetricName("tf2/half_val"), .iteration) == [2.5])
        #expect(r.xs(MetricName("tf2/half_val"), .iteration) == [3])
        #expect(r.values(MetricName("tf2/half_content"), .iteration) == [1.5])
        #expect(r.values(MetricName("tf2/float_content"), .iteration) == [0.75])
        #expect(r.values(MetricName("legacy/simple"), .iteration) == [3.0])
    }

    @Test func restartsLaterFileWins() throws {
        for dir in ["tfevents/restart", "tfevents/restart-sessionlog"] {
            let r = try RunLoader.load(Shared.path(dir))
            #expect(r.xs(MetricName("train/loss"), .iteration) == Array(0...12))
            #expect(r.values(MetricName("train/loss"), .iteration) == [10, 9, 8, 7, 6, 5, 106, 107, 108, 109, 110, 111, 112])
            #expect(r.xs(MetricName("lr"), .iteration) == [0, 5, 6, 12])
            #expect(r.values(MetricName("lr"), .iteration) == [0.5, 0.5, 0.25, 0.25])
        }
    }

    @Test func damagedFiles() throws {
        let flipped = try RunLoader.load(Shared.file(in: "tfevents/damaged", containing: "flipped-payload"))
        #expect(flipped.series.reduce(0) { $0 + $1.count } == 10)
        #expect(flipped.values(.trainLossTail, .epoch) == [7.5, 6.25])
        #expect(flipped.warnings.contains { $0.byteOffset == 118 && $0.message.contains("CRC") })

        let truncated = try RunLoader.load(Shared.file(in: "tfevents/damaged", containing: "truncated"))
        #expect(truncated.series.reduce(0) { $0 + $1.count } == 10)
        #expect(truncated.xs(MetricName("lr"), .iteration) == [0, 2])
        #expect(truncated.warnings.contains { $0.byteOffset == 491 && $0.message.hasPrefix("info:") })

        // A bad length CRC: the reader resyncs on the next record whose both CRCs check, so only
        // record 5 (`AR_ep_loss/L_tail` step 2) is lost, at least the 4 scalars before it are kept.
        let badLen = try RunLoader.load(Shared.file(in: "tfevents/damaged", containing: "bad-length-crc"))
        #expect(badLen.warnings.contains { $0.byteOffset == 215 && $0.message.contains("length CRC") })
        #expect(badLen.values(MetricName("loss"), .iteration) == [2.5, 2.0, 1.75, 1.5, 1.25])
        #expect(badLen.values(.trainLossTail, .epoch) == [8.3125, 6.25])
    }
}

@Suite(.enabled(if: Shared.root != nil, "shared fixtures not present"))
struct SharedVARFixtureTests {
    let lm = [7.2, 7.1, 7.0, 6.9, 6.8, 6.7, 6.6, 6.5, 6.4, 6.3, 6.2, 6.1]
    let lt = [6.35, 6.25, 6.15, 6.05, 5.95, 5.85, 5.75, 5.65, 5.55, 5.45, 5.35, 5.25]
    let accm = [1.0, 1.2, 1.4, 1.6, 1.8, 2.0, 2.2, 2.4, 2.6, 2.8, 3.0, 3.2]

    @Test func cleanStdout() throws {
        let r = try RunLoader.load(Shared.path("var/stdout-clean.txt"))
        #expect(r.values(.trainLossMean, .epoch) == lm)
        #expect(r.values(.trainLossTail, .epoch) == lt)
        #expect(r.values(.trainAccMean, .epoch) == accm)
        #expect(r.xs(.trainLossMean, .iteration).count == 60)
        #expect(r.iterationsPerEpoch == 20 && r.epochsPlanned == 12)
        #expect(!r.series.contains { $0.name.isValidation })
        #expect(r.finalValidation == [.valLossMean: 6.15, .valLossTail: 5.32, .valAccMean: 3.1, .valAccTail: 5.1])
        #expect(r.finishedMarker && r.restartEpochs.isEmpty)
    }

    @Test func forkCurBest() throws {
        let r = try RunLoader.load(Shared.path("var/stdout-fork-cur-best.txt"))
        var m = lm; m[4] = 6.95
        var t = lt; t[4] = 6.10
        #expect(r.values(.trainLossMean, .epoch) == m)
        #expect(r.values(.trainLossTail, .epoch) == t)
    }

    @Test func trapsStdout() throws {
        let r = try RunLoader.load(Shared.path("var/stdout-traps.txt"))
        #expect(r.values(.trainLossMean, .epoch) == lm)
        #expect(r.values(.trainLossTail, .epoch) == lt)
        #expect(r.xs(.trainLossMean, .iteration).count == 60)
        #expect(r.restartEpochs == [5])   // the relaunch at 12 (after the end) trained nothing
        #expect(r.launches.map(\.trained) == [true, true, false])
        #expect(r.launches.map(\.resumeEpoch) == [nil, 5, 12])
        #expect(r.finishedMarker)
        #expect(r.finalValidation[.valLossTail] == 5.32)
        #expect(r.warnings.contains { $0.message.contains("NUL") && $0.line != nil })
        #expect(!r.series.contains { $0.values.contains(999) || $0.name.isValidation })
    }

    @Test func headerOnlyAndEmptyStdout() throws {
        let r = try RunLoader.load(Shared.path("var/stdout-header-only.txt"))
        #expect(r.configValue("depth") == "16" && r.configValue("ep") == "12")
        #expect(r.series.isEmpty)
        #expect(throws: Diagnostic.self) { try RunLoader.load(Shared.path("var/stdout-empty.txt")) }
        #expect(throws: Diagnostic.self) { try RunLoader.load(Shared.path("var/log-empty.txt")) }
    }

    @Test func logTxtRestartQuirk() throws {
        let r = try RunLoader.load(Shared.path("var/log-restart-quirk.txt"))
        #expect(r.xs(.trainLossMean, .epoch) == [10, 11, 12, 13, 14])
        #expect(approx(r.values(.trainLossMean, .epoch), [6.2, 6.1, 6.0, 5.9, 5.8], tol: 1e-9))
        #expect(r.xs(.valLossMean, .epoch) == [14])
        #expect(r.values(.valLossMean, .epoch) == [5.86])
        #expect(r.sources[0].firstEpoch == 10 && r.sources[0].lastEpoch == 14)
    }

    @Test func logTxtValues() throws {
        let r = try RunLoader.load(Shared.path("var/log-values.txt"))
        #expect(r.xs(.trainLossMean, .epoch) == [0, 1, 2, 3, 4])
        #expect(r.series(.trainLossMean, .epoch)?.value(atX: 1)?.isNaN == true)
        #expect(r.series(.gradNorm, .epoch)?.value(atX: 1) == .infinity)
        #expect(r.series(.trainLossTail, .epoch)?.value(atX: 2) == -.infinity)
        #expect(r.xs(.valLossMean, .epoch) == [4])
        #expect(r.values(.valLossMean, .epoch) == [6.75])
        #expect(r.warnings.contains { $0.line == 14 && $0.message.contains("truncated") })
    }

    @Test func csvAndJSONLines() throws {
        let c = try RunLoader.load(Shared.path("csv/var-metrics.csv"))
        #expect(c.values(.trainLossMean, .epoch) == lm)
        #expect(c.xs(.trainLossTail, .epoch).count == 11)
        #expect(c.xs(.valLossMean, .epoch) == [9, 11])
        #expect(c.values(.valLossTail, .epoch) == [5.52, 5.32])
        let j = try RunLoader.load(Shared.path("jsonl/metrics.jsonl"))
        #expect(j.xs(MetricName("loss"), .iteration) == Array(stride(from: 0, through: 900, by: 100)))
        #expect(j.values(MetricName("val_loss"), .iteration) == [3.6, 2.1])
        #expect(j.series(MetricName("loss"), .iteration)?.wallTimes.first == 1717200000.0)
    }
}

@Suite(.enabled(if: Shared.example != nil, "Examples/var-d16 not present"))
struct ExampleRunTests {
    @Test func exampleRunMatchesItsAnswers() throws {
        let r = try RunLoader.load(Shared.example ?? "")
        #expect(r.name == "var-d16")
        #expect(r.iterationsPerEpoch == 250 && r.epochsPlanned == 200)
        #expect(r.xs(.trainLossTail, .epoch) == Array(0..<200))
        let lt = r.series(.trainLossTail, .epoch)
        #expect(lt.map { abs(($0.value(atX: 44) ?? 0) - 5.47287879897346) < 1e-5 } == true)
        #expect(lt.map { abs(($0.value(atX: 162) ?? 0) - 5.305068698780314) < 1e-5 } == true)
        #expect(lt?.xs.first { lt?.value(atX: $0) ?? 9 < 5.5 } == 44)
        #expect(r.xs(.valLossMean, .epoch) == Array(stride(from: 9, through: 199, by: 10)))
        #expect(r.restartEpochs == [85])   // the relaunch at 200 (after the end) trained nothing
        #expect(r.launches.count == 3 && r.launches[2].resumeEpoch == 200 && !r.launches[2].trained)
        // stderr.txt: the first launch's CUDA error, and the idle relaunch's traceback at its end.
        #expect(r.crashEvidence.filter { $0.file.hasSuffix("stderr.txt") }.map(\.terminal) == [false, true])
        #expect(!r.warnings.contains { $0.message.contains("disagree") })
        #expect(r.finishedMarker)
        #expect(r.sources.count == 6)     // stdout, stderr (console), log.txt, 3 event files
    }
}
