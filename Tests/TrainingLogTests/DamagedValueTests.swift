import Foundation
import Testing
@testable import TrainingLog

/// Values real logs spell oddly, and framing damage that must not cost the good data after it:
/// each case was found by an audit, each kept by a test.
@Suite struct DamagedValueTests {
    /// NaN and Inf in every spelling trainers and writers use are read as NaN and Inf, not dropped.
    @Test func nonFiniteSpellingsAreReadByJSONLinesAndLogTxt() throws {
        let dir = TestSupport.tempDir("nonfinite")
        let jsonl = TestSupport.write("""
            {"step": 1, "loss": 5.0}
            {"step": 2, "loss": NAN}
            {"step": 3, "loss": INF}
            {"step": 4, "loss": -infinity}
            {"step": 5, "loss": Infinity}
            {"step": 6, "loss": nan}

            """, dir, "metrics.jsonl")
        let run = try RunLoader.load(jsonl)
        let values = run.series(MetricName("loss"), .iteration)?.values ?? []
        #expect(values.count == 6)
        #expect(values[1].isNaN && values[5].isNaN)
        #expect(values[2] == .infinity && values[3] == -.infinity && values[4] == .infinity)

        let logTxt = TestSupport.write("""
            {"is_master": true, "name": "text"}
            {'it': '10/10', 'ep': '1/4', 'L_mean': 6.0, 'L_tail': 6.0}
            {'it': '10/10', 'ep': '2/4', 'L_mean': NAN, 'L_tail': INF}
            {'it': '10/10', 'ep': '3/4', 'L_mean': infinity, 'L_tail': -Infinity}

            """, dir, "log.txt")
        let log = try RunLoader.load(logTxt)
        let mean = log.series(.trainLossMean, .epoch)?.values ?? []
        let tail = log.series(.trainLossTail, .epoch)?.values ?? []
        #expect(mean.count == 3 && tail.count == 3)
        #expect(mean[1].isNaN && mean[2] == .infinity)
        #expect(tail[1] == .infinity && tail[2] == -.infinity)
    }

    /// A stdout value that runs on into more number-like text is not read as its prefix.
    @Test func stdoutKeepsNoNumericPrefix() throws {
        let line = { (lm: String, it: Int) in
            "[12-01 10:00:0\(it)] (/VAR/utils/misc.py, line 314)=> [Ep]: [   0/1]  [  \(it)/4]  eta: 0:00:10  tlr: 1e-4  tnm: 0.50  Lm: \(lm) (8.300)  Lt: 8.300 (8.300)  Accm: 0.10 (0.10)  Acct: 0.10 (0.10)  time: 1.0 (1.0)"
        }
        let text = [line("0x1p3", 0), line("1_000", 1), line("5.0.1", 2), line("7.25", 3)].joined(separator: "\n") + "\n"
        let path = TestSupport.write(text, TestSupport.tempDir("prefix"), "stdout.txt")
        let run = try RunLoader.load(path)
        #expect(run.series(.trainLossMean, .iteration)?.values == [7.25])
        #expect(run.series(.trainLossTail, .iteration)?.values.count == 4)
        let w = run.warnings.filter { $0.message.contains("is not a decimal number") }
        #expect(!w.isEmpty)
        #expect(w.contains { $0.message.contains("0x1p3") && $0.line == 1 })
    }

    /// A repeated CSV header keeps both columns.
    @Test func aRepeatedCSVHeaderNameKeepsBothColumns() throws {
        let path = TestSupport.write("step,loss,acc,loss\n1,5.0,0.1,9.0\n2,4.0,0.2,8.0\n", TestSupport.tempDir("dupcsv"), "m.csv")
        let run = try RunLoader.load(path)
        #expect(run.series(MetricName("loss"), .iteration)?.values == [5.0, 4.0])
        #expect(run.series(MetricName("loss#2"), .iteration)?.values == [9.0, 8.0])
        #expect(run.warnings.contains { $0.message.contains("column 4 repeats the name 'loss' of column 2") })
    }

    static func header(length: UInt64) -> [UInt8] {
        let len = EventWriter.le64(length)
        return len + EventWriter.le32(len.withUnsafeBytes { CRC32C.masked($0) })
    }

    /// A header whose CRC is valid but whose length is not a record's: named for what it is, and
    /// the good records after it are read.
    @Test func anImplausibleLengthWithAValidCRCIsNamedAndSkipped() throws {
        let before = EventWriter.file([("loss", 0, 1), ("loss", 1, 2)])
        let after = EventWriter.file([("loss", 2, 3), ("loss", 3, 4)])
        let bytes = before + Self.header(length: 1 << 63) + after
        let run = try TensorBoardReader.read(path: TestSupport.write(bytes, TestSupport.tempDir("tb63"), "events.out.tfevents.1"))
        #expect(run.xs(MetricName("loss"), .iteration) == [0, 1, 2, 3])
        let w = run.sources[0].warnings.first { $0.byteOffset == before.count }
        #expect(w?.message.contains("9223372036854775808 bytes is not a TensorBoard record's") == true, "\(run.sources[0].warnings)")
        #expect(w?.message.contains("length CRC-32C mismatch") == false)
    }

    /// A valid header whose record would run past the end, with good records after it: the
    /// reader resynchronises instead of stopping (it is not a file cut off while written).
    @Test func aLengthPastTheEndWithGoodRecordsAfterItResynchronises() throws {
        let before = EventWriter.file([("loss", 0, 1), ("loss", 1, 2)])
        let after = EventWriter.file([("loss", 2, 3), ("loss", 3, 4)])
        let bytes = before + Self.header(length: 1 << 20) + after
        let run = try TensorBoardReader.read(path: TestSupport.write(bytes, TestSupport.tempDir("tbpast"), "events.out.tfevents.1"))
        #expect(run.xs(MetricName("loss"), .iteration) == [0, 1, 2, 3])
        #expect(run.sources[0].warnings.contains { $0.byteOffset == before.count && $0.message.contains("runs past the end of the file, yet good records follow") })

        // The same header at the very end, nothing after it: a file cut off while written.
        let tail = before + Self.header(length: 1 << 20) + [1, 2, 3]
        let cut = try TensorBoardReader.read(path: TestSupport.write(tail, TestSupport.tempDir("tbcut"), "events.out.tfevents.2"))
        #expect(cut.xs(MetricName("loss"), .iteration) == [0, 1])
        #expect(cut.sources[0].warnings.contains { $0.byteOffset == before.count && $0.message.hasPrefix("info: last record is cut off") })
    }
}

/// The console noise real runs carry around VAR's lines: every metric line inside it is read.
@Suite struct ConsoleNoiseTests {
    static func line(_ it: Int, lm: String) -> String {
        "[12-01 10:00:0\(it)] (/VAR/utils/misc.py, line 314)=> [Ep]: [   0/1]  [  \(it)/5]  eta: 0:00:10  tlr: 1e-4  tnm: 0.50  Lm: \(lm) (8.300)  Lt: 8.300 (8.300)  Accm: 0.10 (0.10)  Acct: 0.10 (0.10)  time: 1.0 (1.0)"
    }

    @Test func ansiColoursTqdmBarsAndLauncherHeadersAreReadThrough() throws {
        let text = [
            "nohup: ignoring input",
            "W1201 10:00:00.123000 140000 torch/distributed/run.py:779] *****************************************",
            "W1201 10:00:00.123000 140000 torch/distributed/run.py:779] Setting OMP_NUM_THREADS environment variable for each process to be 1",
            Self.line(0, lm: "8.0"),
            // A coloured timestamp, and a colour around a value.
            "\u{1B}[32m" + Self.line(1, lm: "7.5").prefix(16) + "\u{1B}[0m" + Self.line(1, lm: "7.5").dropFirst(16),
            Self.line(2, lm: "\u{1B}[1;31m7.0\u{1B}[0m"),
            // A tqdm bar the line was glued onto with a carriage return.
            "  3%|▎         | 5/152 [00:05<02:30,  1.02s/it]\r" + Self.line(3, lm: "6.5"),
            // A window title (OSC) before the line.
            "\u{1B}]0;training\u{07}" + Self.line(4, lm: "6.0"),
        ].joined(separator: "\n") + "\n"
        let run = try RunLoader.load(TestSupport.write(text, TestSupport.tempDir("noise"), "stdout.txt"))
        #expect(run.series(.trainLossMean, .iteration)?.values == [8.0, 7.5, 7.0, 6.5, 6.0])
        #expect(run.warnings.contains { $0.message.contains("terminal colour codes") && $0.line == 5 })
        #expect(!run.warnings.contains { $0.message.contains("unreadable") }, "\(run.warnings)")
    }
}

@Suite struct EmptyEventFileTests {
    /// Restarts that crashed at start-up leave event files holding only the file_version record
    /// (88 bytes with tensorboardX's host name): they are no data, no restart and no error.
    @Test func eventFilesWithOnlyTheirHeaderAreNoRestart() throws {
        let dir = TestSupport.tempDir("tb-empty") + "/tb-run"
        let pts: [(tag: String, step: Int64, value: Float)] = (1...4).map { ("AR_ep_loss/L_mean", Int64($0), Float(8 - $0)) }
        TestSupport.write(EventWriter.file(pts), dir, "events.out.tfevents.1700000000.host.1.0")
        let header = EventWriter.record(EventWriter.fileVersion())
        TestSupport.write(header, dir, "events.out.tfevents.1700009000.host.2.0")
        TestSupport.write(header, dir, "events.out.tfevents.1700009100.host.3.0")
        let run = try RunLoader.load(dir)
        #expect(run.series(.trainLossMean, .epoch)?.values == [7, 6, 5, 4])
        #expect(run.restartEpochs.isEmpty)
        let serious = run.warnings.filter { !$0.isInformational }
        #expect(serious.isEmpty, "\(serious)")
    }
}
