import Analysis
import Foundation
import Testing
import TrainingLog

/// The bundled example run's summary, pinned: any change to a reader or a rule that moves a
/// number shows up here. Regenerate deliberately with `UPDATE_GOLDEN=1 swift test --filter ExampleGolden`.
@Suite struct ExampleGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let golden = root.appendingPathComponent("Tests/Fixtures/golden/var-d16.summary.json")

    /// The summary with the checkout's absolute path replaced, so it is the same on every machine.
    static func summaryJSON() throws -> String {
        let run = try RunLoader.load(root.appendingPathComponent("Examples/var-d16").path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let text = String(decoding: try encoder.encode(Analyzer.analyze(run)), as: UTF8.self) + "\n"
        return text.replacingOccurrences(of: root.path + "/", with: "")
    }

    @Test func exampleSummaryMatchesTheGoldenFile() throws {
        let actual = try Self.summaryJSON()
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.golden.deletingLastPathComponent(), withIntermediateDirectories: true)
            try actual.write(to: Self.golden, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: Self.golden, encoding: .utf8)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let firstDifference = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(actual == expected, "first difference at line \((firstDifference?.offset ?? min(a.count, e.count)) + 1): \(firstDifference.map { "\($0.element.0) != \($0.element.1)" } ?? "length")")
    }

    @Test func exampleAnswersHoldInTheSummary() throws {
        let run = try RunLoader.load(Self.root.appendingPathComponent("Examples/var-d16").path)
        let s = Analyzer.analyze(run)
        // The generator's true answers (Examples/var-d16.answers.json).
        #expect(s.metrics["train/loss_tail"]?.firstBelow?.epoch == 44)
        #expect(s.metrics["train/loss_tail"]?.staysBelowFrom?.epoch == 48, "later occurrence after the restart wins")
        #expect(s.metrics["train/loss_mean"]?.firstBelow == nil)
        #expect(s.metrics["train/loss_tail"]?.best.epoch == 162)
        #expect(s.overfitting.bestEpoch == 159)
        #expect(s.overfitting.detected)
        #expect(s.run.epochsCompleted == 200)
        #expect(s.run.restartEpochs.contains(85))
        #expect(s.verdict == .overfitting)
    }
}
