import Analysis
import Foundation
import Pipeline
import Testing
import TrainingLog
@testable import Watch

/// Writes a finished run's files into a fresh folder a piece at a time, as the trainer would:
/// stdout.txt appended (pieces cut lines anywhere), stderr.txt at the end (what went wrong then),
/// log.txt near the end and rewritten from the start (as VAR does), the event files one after
/// another (a restart starts a new one).
struct ProgressiveRun {
    let source: String
    let dir: String
    let steps: Int
    private var texts: [(relative: String, bytes: [UInt8], rewritten: Bool, atEnd: Bool)] = []
    private var events: [(relative: String, bytes: [UInt8])] = []

    init(copying source: String, steps: Int) throws {
        self.source = source
        self.steps = steps
        dir = NSTemporaryDirectory() + "varreport-watch-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let files = (FileManager.default.enumerator(atPath: source)?.allObjects as? [String] ?? []).sorted()
        for rel in files {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source + "/" + rel, isDirectory: &isDir), !isDir.boolValue else { continue }
            let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: source + "/" + rel)))
            if rel.contains("tfevents") { events.append((rel, bytes)) } else {
                texts.append((rel, bytes, rel.hasSuffix("log.txt"), rel.hasSuffix("stderr.txt")))
            }
        }
    }

    /// Writes what the run holds after step `k` of `steps` (k = steps: everything).
    func write(step k: Int) throws {
        for t in texts {
            // stderr.txt holds what went wrong at the end (the example's relaunch traceback).
            let upTo = t.atEnd ? (k == steps ? t.bytes.count : 0) : t.bytes.count * k / steps
            let path = dir + "/" + t.relative
            if t.rewritten {
                // VAR's log.txt holds the last epochs: it appears near the end, first cut short,
                // then truncated and written afresh whole.
                guard k >= steps - 2 else { continue }
                let cut = k == steps ? t.bytes.count : t.bytes.count / 2
                try Data(t.bytes[0..<cut]).write(to: URL(fileURLWithPath: path))
            } else {
                try append(t.bytes, upTo: upTo, to: path)
            }
        }
        // The event files as one stream, in order: a later file starts once the earlier is whole.
        let total = events.reduce(0) { $0 + $1.bytes.count }
        var budget = total * k / steps
        for e in events {
            let upTo = min(e.bytes.count, budget)
            budget -= upTo
            if upTo == 0 { break }
            try append(e.bytes, upTo: upTo, to: dir + "/" + e.relative)
        }
    }

    private func append(_ bytes: [UInt8], upTo: Int, to path: String) throws {
        let have = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
        if have == nil {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            FileManager.default.createFile(atPath: path, contents: nil)
        }
        let from = have ?? 0
        guard upTo > from else { return }
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.seekToEnd()
        try h.write(contentsOf: Data(bytes[from..<upTo]))
        try h.close()
    }
}

@Suite struct WatcherTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static func fixture(_ rel: String) -> String { root.appendingPathComponent(rel).path }

    /// Steps a watcher through a run written in `steps` pieces; returns every event in order
    /// with the step it came at, the step results' ends, and the watcher.
    static func watch(_ source: String, steps: Int, reportDirectory: String? = nil)
        throws -> (events: [(step: Int, event: WatchEvent)], ends: [Watcher.End?], watcher: Watcher, dir: String)
    {
        let run = try ProgressiveRun(copying: source, steps: steps)
        let watcher = try Watcher(path: run.dir, settings: Settings(), reportDirectory: reportDirectory, reportEvery: 0,
                                  now: Date().timeIntervalSince1970)
        var events: [(Int, WatchEvent)] = []
        var ends: [Watcher.End?] = []
        for k in 1...steps {
            try run.write(step: k)
            let r = try watcher.step(now: Date().timeIntervalSince1970)
            events += r.events.map { (k, $0) }
            ends.append(r.end)
        }
        return (events, ends, watcher, run.dir)
    }

    static func key(_ e: WatchEvent) -> String { EventDetector.key(e) }

    @Test func theExampleRunTellsItsStoryInOrderAndEndsAsSummaryDoes() throws {
        let (events, ends, watcher, dir) = try Self.watch(Self.fixture("Examples/var-d16"), steps: 30)
        let kinds = events.map(\.event.kind)
        // Each event once.
        #expect(Set(events.map { Self.key($0.event) }).count == events.count)
        // The loss crossed 5.5 (told with the epoch it first went below), then settled.
        let crossed = try #require(events.first { $0.event.kind == .threshold && $0.event.metric == "train/loss_tail" })
        let settled = try #require(events.first { $0.event.kind == .thresholdSettled && $0.event.metric == "train/loss_tail" })
        #expect(crossed.step <= settled.step)
        // Validation: new bests of its losses, and overfitting on val/loss_mean after its last best.
        let overfit = try #require(events.first { $0.event.kind == .overfitting && $0.event.metric == "val/loss_mean" })
        #expect(overfit.event.epoch == 169)
        let bests = events.filter { $0.event.kind == .valBest && $0.event.metric == overfit.event.metric }
        #expect(!bests.isEmpty && bests.allSatisfy { $0.step <= overfit.step })
        // The restarts' event files were new files, not replaced ones; log.txt was rewritten.
        #expect(!kinds.contains(.logRemoved))
        #expect(kinds.contains(.logReplaced) == false || events.filter { $0.event.kind == .logReplaced }.allSatisfy { $0.event.message.contains("log.txt") })
        // Finished when the end marker was written (the example's idle relaunch after the end
        // comes later: watch would have ended there), and not before.
        let finishedAt = try #require(ends.firstIndex { $0 == .finished }) + 1
        #expect(events.first { $0.event.kind == .finished }?.step == finishedAt)
        #expect(ends[..<(finishedAt - 1)].allSatisfy { $0 == nil })
        #expect(finishedAt >= 27)
        // The final summary is `summary`'s on the finished files.
        let now = Date().timeIntervalSince1970
        let final = try #require(try watcher.finish(now: now))
        var options = Settings().analysis
        options.now = now
        let reference = Analyzer.analyze(try RunLoader.load(dir), options: options)
        #expect(final == reference)
        // The crossing epoch told live is the final summary's.
        #expect(crossed.event.epoch == reference.metrics["train/loss_tail"]?.firstBelow?.epoch)
    }

    @Test func aCrashIsToldWhenItsLineIsWritten() throws {
        let (events, ends, _, _) = try Self.watch(Self.fixture("Tests/Fixtures/diagnosis/crashed-finetune"), steps: 12)
        let crashed = try #require(events.first { $0.event.kind == .crashed })
        #expect(crashed.step == 12, "the SIGKILL line is the last one written")
        #expect(crashed.event.message.contains("crashed"))
        #expect(!events.contains { $0.event.kind == .finished })
        #expect(ends.allSatisfy { $0 == nil })
    }

    @Test func anIdleRunEndsAsStopped() throws {
        let run = try ProgressiveRun(copying: Self.fixture("Tests/Fixtures/diagnosis/crashed-finetune"), steps: 4)
        try run.write(step: 2)
        let t0 = Date().timeIntervalSince1970
        let watcher = try Watcher(path: run.dir, settings: Settings(), idleTimeout: 600, now: t0)
        #expect(try watcher.step(now: t0).end == nil)
        #expect(try watcher.step(now: t0 + 300).end == nil)
        let late = try watcher.step(now: t0 + 601)
        #expect(late.end == .idle)
        #expect(late.events.last?.kind == .stopped)
    }

    @Test func theLiveReportReloadsItselfUntilTheEnd() throws {
        let out = NSTemporaryDirectory() + "varreport-watch-out-\(UUID().uuidString)"
        let (_, _, watcher, _) = try Self.watch(Self.fixture("Tests/Fixtures/diagnosis/overfit-60"), steps: 3, reportDirectory: out)
        // overfit-60 finished at the last step: the report written then is the final one? Only
        // `finish` writes the final report; before it, the page is live.
        let live = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(live.contains("<meta http-equiv=\"refresh\" content=\"5\">"))
        _ = try watcher.finish(now: Date().timeIntervalSince1970)
        let final = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(!final.contains("http-equiv=\"refresh\""))
        #expect(FileManager.default.fileExists(atPath: out + "/report.pdf"))
    }

    @Test func eventKindsParse() throws {
        #expect(try WatchEventKind.parseList("overfitting, diverged,crashed") == [.overfitting, .diverged, .crashed])
        #expect(try WatchEventKind.parseList("all").count == WatchEventKind.allCases.count)
        #expect(throws: WatchEventKind.UnknownKind.self) { try WatchEventKind.parseList("overfit") }
    }
}
