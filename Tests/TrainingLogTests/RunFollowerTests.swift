import Foundation
import Testing
@testable import TrainingLog

/// A run followed while its files grow is, once they are complete, the run `RunLoader` reads
/// from them: bytes arrive in pieces that cut lines and records anywhere, log.txt is rewritten
/// from the start, event files appear one after the other.
@Suite struct RunFollowerTests {
    static let example = TestSupport.fixture("../../../Examples/var-d16")

    /// What a report shows of a run, compared field by field.
    static func expectSameRun(_ a: Run, _ b: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.name == b.name, sourceLocation: sourceLocation)
        #expect(a.series.count == b.series.count, sourceLocation: sourceLocation)
        for s in b.series {
            #expect(a.series(s.name, s.granularity) == s, "\(s.name.rawValue) \(s.granularity)", sourceLocation: sourceLocation)
        }
        #expect(a.config == b.config, sourceLocation: sourceLocation)
        #expect(a.restartEpochs == b.restartEpochs && a.launches == b.launches, sourceLocation: sourceLocation)
        #expect(a.crashEvidence.count == b.crashEvidence.count && a.endMarker == b.endMarker, sourceLocation: sourceLocation)
        #expect(a.iterationsPerEpoch == b.iterationsPerEpoch && a.epochsPlanned == b.epochsPlanned, sourceLocation: sourceLocation)
        #expect(a.finishedMarker == b.finishedMarker && a.finalValidation == b.finalValidation, sourceLocation: sourceLocation)
        #expect(a.sources.map(\.path) == b.sources.map(\.path), sourceLocation: sourceLocation)
        #expect(a.warnings.map(\.message) == b.warnings.map(\.message), sourceLocation: sourceLocation)
    }

    @Test func oneFollowedPollIsTheLoadedRun() throws {
        let follower = try RunFollower(path: Self.example)
        let change = follower.poll()
        #expect(change.added.count == 6)
        Self.expectSameRun(try follower.run(), try RunLoader.load(Self.example))
        // Nothing written since: nothing to report.
        #expect(follower.poll().isEmpty)
    }

    /// Appends `bytes` to `path` (creating it).
    static func append(_ bytes: ArraySlice<UInt8>, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { FileManager.default.createFile(atPath: path, contents: nil) }
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(Data(bytes))
        h.closeFile()
    }

    @Test func aRunWrittenInPiecesEndsAsTheLoadedRun() throws {
        let source = Self.example
        let tbName = try FileManager.default.contentsOfDirectory(atPath: source).first { $0.hasPrefix("tb-") }!
        let eventNames = try FileManager.default.contentsOfDirectory(atPath: source + "/" + tbName).sorted()
        let dir = TestSupport.tempDir("follow")
        try FileManager.default.createDirectory(atPath: dir + "/" + tbName, withIntermediateDirectories: true)
        let stdout = Array(try Data(contentsOf: URL(fileURLWithPath: source + "/stdout.txt")))
        let logTxt = Array(try Data(contentsOf: URL(fileURLWithPath: source + "/log.txt")))
        let stderr = Array(try Data(contentsOf: URL(fileURLWithPath: source + "/stderr.txt")))
        let events = try eventNames.map { Array(try Data(contentsOf: URL(fileURLWithPath: source + "/\(tbName)/\($0)"))) }

        let follower = try RunFollower(path: dir)
        var rng = SystemRandomNumberGenerator()
        var sawReplaced = false
        // 40 rounds; each appends an uneven piece of stdout and of the current event file, so
        // lines and records are cut anywhere; log.txt is rewritten from the start now and then.
        let rounds = 40
        var stdoutAt = 0
        var eventAt = Array(repeating: 0, count: events.count)
        for round in 0..<rounds {
            let last = round == rounds - 1
            let stdoutEnd = last ? stdout.count : min(stdout.count, stdoutAt + Int.random(in: 1...(2 * stdout.count / rounds), using: &rng))
            Self.append(stdout[stdoutAt..<stdoutEnd], to: dir + "/stdout.txt")
            stdoutAt = stdoutEnd
            // Event files one after the other, as restarts leave them.
            let file = min(events.count - 1, round * events.count / rounds)
            for k in 0..<file where eventAt[k] < events[k].count {
                Self.append(events[k][eventAt[k]...], to: dir + "/\(tbName)/\(eventNames[k])")
                eventAt[k] = events[k].count
            }
            let eventEnd = last ? events[file].count
                : min(events[file].count, eventAt[file] + Int.random(in: 1...max(1, 3 * events[file].count / rounds), using: &rng))
            Self.append(events[file][eventAt[file]..<eventEnd], to: dir + "/\(tbName)/\(eventNames[file])")
            eventAt[file] = eventEnd
            if round % 10 == 3 || last {
                // VAR rewrites log.txt: truncated, then written afresh, here as a window of its
                // lines that moves (the same length or longer, so only the bytes tell).
                let logLines = logTxt.split(separator: 0x0A, omittingEmptySubsequences: false)
                let from = last ? 0 : min(logLines.count - 1, round / 10 + 1)
                let window: [UInt8] = Array((Array(logLines[0..<1]) + Array(logLines[from...])).joined(separator: [UInt8(0x0A)]))
                let upTo = window.count
                let h = FileHandle(forWritingAtPath: dir + "/log.txt") ?? {
                    FileManager.default.createFile(atPath: dir + "/log.txt", contents: nil)
                    return FileHandle(forWritingAtPath: dir + "/log.txt")!
                }()
                h.truncateFile(atOffset: 0)
                h.write(Data(window[0..<upTo]))
                h.closeFile()
            }
            if last { Self.append(stderr[...], to: dir + "/stderr.txt") }
            let change = follower.poll()
            sawReplaced = sawReplaced || change.replaced.contains(dir + "/log.txt")
            if round > 0 { _ = try? follower.run() }
        }
        #expect(sawReplaced)
        Self.expectSameRun(try follower.run(includingUnfinishedLines: true), try RunLoader.load(dir))
    }

    @Test func aRemovedLogIsReportedAndAReplacedOneReadAgain() throws {
        let dir = TestSupport.tempDir("follow-rm")
        let lines = """
            step,train/loss_tail
            0,8.0
            1,7.5

            """
        TestSupport.write(lines, dir, "metrics.csv")
        TestSupport.write("step,other\n0,1\n", dir, "extra.csv")
        let follower = try RunFollower(path: dir)
        #expect(follower.poll().added.count == 2)
        try FileManager.default.removeItem(atPath: dir + "/extra.csv")
        #expect(follower.poll().removed == [dir + "/extra.csv"])
        // Replaced by a new file of the same name (another inode): read from its start.
        try FileManager.default.removeItem(atPath: dir + "/metrics.csv")
        TestSupport.write("step,train/loss_tail\n0,9.0\n", dir, "metrics.csv")
        #expect(follower.poll().replaced == [dir + "/metrics.csv"])
        #expect(try follower.run().series(.trainLossTail, .iteration)?.values == [9.0])
        // A line without its newline waits.
        Self.append(Array("1,8.5\n2,8.".utf8)[...], to: dir + "/metrics.csv")
        #expect(follower.poll().grown == [dir + "/metrics.csv"])
        #expect(try follower.run().series(.trainLossTail, .iteration)?.values == [9.0, 8.5])
        Self.append(Array("25\n".utf8)[...], to: dir + "/metrics.csv")
        _ = follower.poll()
        #expect(try follower.run().series(.trainLossTail, .iteration)?.values == [9.0, 8.5, 8.25])
    }
}
