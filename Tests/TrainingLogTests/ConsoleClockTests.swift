import Foundation
import Testing
@testable import TrainingLog

/// A console's year-less clock is put on TensorBoard's Unix time only when the points both logged
/// agree on one offset (`ConsoleClock`).
@Suite struct ConsoleClockTests {
    /// Seconds since January 1st of an unknown year, as `VARTimestampClock` gives them.
    static let consoleStart = 150.0 * 86400 + 9 * 3600
    /// The same moment in Unix time, in a zone 8 hours ahead of UTC (the console prints local time).
    static let unixStart = 1_717_200_000.0
    static var offset: Double { unixStart - consoleStart }

    static func console(jitter: (Int) -> Double = { _ in 0 }) -> Run {
        var loss = Series(name: .trainLossTail, granularity: .epoch, source: "stdout.txt")
        var lossIter = Series(name: .trainLossTail, granularity: .iteration, source: "stdout.txt")
        var lr = Series(name: .learningRate, granularity: .iteration, source: "stdout.txt")
        for e in 0..<6 {
            loss.append(x: e, value: 7 - Double(e) * 0.1, wallTime: consoleStart + Double(e + 1) * 600 + jitter(e))
            for i in 0..<4 {
                let t = consoleStart + Double(e) * 600 + Double(i + 1) * 150
                lossIter.append(x: e * 4 + i, value: 7.2 - Double(e) * 0.1, wallTime: t)
                lr.append(x: e * 4 + i, value: 1e-4, wallTime: t)
            }
        }
        lr.shareCoordinates(with: lossIter)
        return Run(name: "r", path: "r", series: [loss, lossIter, lr], sources: [SourceInfo(path: "stdout.txt", format: .varStdout)])
    }

    static func tensorBoard(epochs: Range<Int> = 0..<6) -> Run {
        var loss = Series(name: .trainLossTail, granularity: .epoch, source: "tb/events.out.tfevents.1")
        for e in epochs { loss.append(x: e, value: 7 - Double(e) * 0.1, wallTime: unixStart + Double(e + 1) * 600 + 2) }
        return Run(name: "r", path: "r", series: [loss], sources: [SourceInfo(path: "tb/events.out.tfevents.1", format: .tensorBoard)])
    }

    @Test func theConsoleIsPutOnTensorBoardsClockByTheSharedEpochs() throws {
        let aligned = ConsoleClock.align([Self.console(), Self.tensorBoard()])
        let c = aligned[0]
        let iter = try #require(c.series(.trainLossTail, .iteration))
        // Every console time, iteration lines included, is now Unix time (2 s from TensorBoard's write).
        #expect(abs(iter.wallTimes[0] - (Self.unixStart + 150 + 2)) < 1e-6)
        #expect(iter.wallTimes.allSatisfy(ConsoleClock.isUnixTime))
        // Series that shared one time array still share one (no copy per metric).
        let lr = try #require(c.series(.learningRate, .iteration))
        let shared = lr.wallTimes.withUnsafeBufferPointer { a in iter.wallTimes.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
        #expect(shared)
        #expect(c.warnings.contains { $0.message.contains("put on TensorBoard's Unix clock by the offset at 6 points") })
        // TensorBoard is left as it was.
        #expect(aligned[1].series == Self.tensorBoard().series)
    }

    @Test func tooFewOrDisagreeingPointsLeaveTheConsoleOnItsOwnClock() throws {
        // Two shared epochs are not enough to trust an offset.
        let few = ConsoleClock.align([Self.console(), Self.tensorBoard(epochs: 0..<2)])
        #expect(few[0].series == Self.console().series && few[0].warnings.isEmpty)
        // Offsets that spread by hours (another run's event file): no shift, and a note says why.
        let wild = ConsoleClock.align([Self.console(jitter: { Double($0) * 3600 }), Self.tensorBoard()])
        let iter = try #require(wild[0].series(.trainLossTail, .iteration))
        #expect(iter.wallTimes.allSatisfy { !ConsoleClock.isUnixTime($0) })
        #expect(wild[0].warnings.contains { $0.message.contains("left on its own clock") })
        // No Unix clock at all: nothing to do.
        #expect(ConsoleClock.align([Self.console()])[0].series == Self.console().series)
    }

    @Test func theExampleRunKeepsOneClock() throws {
        let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Examples/var-d16").path
        let run = try RunLoader.load(example)
        // stdout.txt's iteration losses (no TensorBoard tag has them) are on TensorBoard's clock,
        // within a minute of TensorBoard's epoch write at the end of each epoch.
        let iter = try #require(run.series(.trainLossTail, .iteration))
        let epoch = try #require(run.series(.trainLossTail, .epoch))
        #expect(iter.source.hasSuffix("stdout.txt") && epoch.source.contains("tfevents"))
        let ipe = try #require(run.iterationsPerEpoch)
        for e in [0, 50, 120, 199] {
            let lastStep = (e + 1) * ipe - 1
            let i = try #require(iter.xs.lastIndex { $0 <= lastStep })
            let j = try #require(epoch.xs.firstIndex(of: e))
            #expect(abs(iter.wallTimes[i] - epoch.wallTimes[j]) < 120, "epoch \(e)")
        }
    }
}
