import Foundation
import Testing
@testable import TrainingLog

/// MLflow's file store (Tests/Fixtures/families/mlflow, written by scripts/make_family_runs.py).
@Suite struct MLflowReaderTests {
    static func run(_ id: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/families/mlflow/mlruns/1/\(id)").path
    }
    static let finished = "a1b2c3d4e5f60718293a4b5c6d7e8f90"
    static let killed = "0f9e8d7c6b5a49382716a5b4c3d2e1f0"

    @Test func aFinishedRunWithNestedMetricKeys() throws {
        let run = try RunLoader.load(Self.run(Self.finished))
        #expect(run.name == "d16-finished")
        #expect(run.sources.allSatisfy { $0.format == .mlflow })
        // train/loss is metrics/train/loss: a key with a slash is a folder.
        let xs = run.xs("train/loss", .iteration)
        #expect(xs.count == 101 && xs.first == 0 && xs.last == 5000)
        #expect(run.xs("val/loss", .iteration) == Array(stride(from: 500, through: 5000, by: 500)))
        let wall = try #require(run.series("train/loss", .iteration)?.wallTimes.first)
        #expect(wall == 1_717_236_000)  // milliseconds in the file
        #expect(run.configValue("depth") == "16" && run.configValue("lr") == "0.0001")
        #expect(run.finishedMarker && run.endMarker?.file.hasSuffix("meta.yaml") == true)
        #expect(run.crashEvidence.isEmpty)
    }

    @Test func aKilledRunIsCrashEvidence() throws {
        let run = try RunLoader.load(Self.run(Self.killed))
        #expect(!run.finishedMarker)
        let e = try #require(run.crashEvidence.first)
        #expect(e.kind == .killed && e.file.hasSuffix("meta.yaml") && e.line == 13)
        #expect(run.xs("train/loss", .iteration).last == 1500)
    }

    @Test func anExperimentFolderIsAFolderOfRuns() {
        #expect(RunLoader.holdsLogs(Self.run(Self.finished)))
        let experiment = URL(fileURLWithPath: Self.run(Self.finished)).deletingLastPathComponent().path
        #expect(!RunLoader.holdsLogs(experiment))
        let files = RunLoader.logFiles(in: Self.run(Self.finished))
        #expect(files.contains { $0.hasSuffix("metrics/train/loss") } && files.contains { $0.hasSuffix("meta.yaml") })
    }

    @Test func aBadMetricLineIsAWarningNotAnError() throws {
        let dir = TestSupport.tempDir("mlflow")
        TestSupport.write("status: 3\n", dir, "meta.yaml")
        TestSupport.write("1717236000000 8.3 0\nnot a line\n1717236001000 8.1 1\n1717236002000 8.0\n1717236003000 7.9 x\n", dir, "metrics/loss")
        let run = try RunLoader.load(dir)
        #expect(run.values("loss", .iteration) == [8.3, 8.1])
        // A line without its step (or with a step that is not a number) is skipped, never put at step 0.
        for line in [2, 4, 5] {
            #expect(run.warnings.contains { $0.line == line && $0.message.contains("timestamp value step") })
        }
    }
}
