import Foundation
import Testing
@testable import TrainingLog

/// A large CSV is read in pieces on every core; the result must be the one pass's, point for
/// point and warning for warning.
@Suite struct PieceReadingTests {
    /// Everything that crosses rows: sparse columns, wall times missing on some rows (and on the
    /// first row of some columns), text in a numeric column, more warnings of one kind than are
    /// listed, rows without an index, CRLF endings, a long line, no final newline.
    static func awkwardCSV(rows: Int, epochColumn: Bool) -> String {
        var text = epochColumn ? "step,epoch,wall_time,L_mean,L_tail,val_loss,note\r\n" : "step,wall_time,L_mean,L_tail,val_loss,note\r\n"
        for s in 0..<rows {
            var cells: [String] = ["\(s * 10)"]
            if epochColumn { cells.append(s % 3 == 0 ? "\(s / 3)" : "") }
            cells.append(s % 17 == 5 || s == 0 ? "" : "\(1000 + s)")
            cells.append(s % 101 == 7 ? "oops\(s)" : "\(8 - Double(s) * 0.001)")
            cells.append(s % 2 == 0 ? "\(7 - Double(s) * 0.001)" : "")
            cells.append(s % 50 == 49 ? "\(6 + Double(s % 7) * 0.01)" : "")
            cells.append(s == rows / 2 ? String(repeating: "x", count: 5000) : "n\(s)")
            text += cells.joined(separator: ",") + (s % 4 == 0 ? "\r\n" : "\n")
            if s % 97 == 3 { text += epochColumn ? ",,,8.0,,,\n" : ",,8.0,,,\n" }  // no step or epoch
        }
        text.removeLast()  // no final newline
        return text
    }

    static func describe(_ run: Run) -> String {
        var out = ""
        for s in run.series {
            out += "\(s.name.rawValue) \(s.granularity) n=\(s.count) xs=\(s.xs.reduce(0, &+)) v=\(s.values.map { $0.isNaN ? 0 : $0 }.reduce(0, +)) "
            out += "w=\(s.wallTimes.count) \(s.wallTimes.filter(\.isNaN).count) \(s.wallTimes.filter { !$0.isNaN }.reduce(0, +))\n"
        }
        for w in run.warnings { out += "\(w)\n" }
        return out
    }

    @Test(arguments: [false, true])
    func piecesGiveTheOnePassRun(epochColumn: Bool) throws {
        let dir = TestSupport.tempDir("pieces")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = TestSupport.write(Self.awkwardCSV(rows: 4000, epochColumn: epochColumn), dir, "m.csv")
        let onePass = try CSVParser.read(path: path, options: .init())
        #expect(onePass.series.count >= 3 && onePass.warnings.count > 20)
        for pieces in [2, 3, 7, 64] {
            let inPieces = try CSVParser.readInPieces(path: path, options: .init(), pieces: pieces)
            #expect(Self.describe(inPieces) == Self.describe(onePass), "\(pieces) pieces")
            for (a, b) in zip(inPieces.series, onePass.series) {
                #expect(a.xs == b.xs && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            }
        }
    }

    /// More pieces than bytes after the header (found by the csv fuzz target): no empty or
    /// reversed range, the same Run.
    @Test func tinyFilesInManyPieces() throws {
        let dir = TestSupport.tempDir("tiny")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for text in ["_step\n\u{8b}", "step,loss\n1,2\n", "step,loss\n1,2\n3,4", "step\n"] {
            let path = TestSupport.write(text, dir, "t.csv")
            for pieces in [2, 7, 64] {
                let a = try? CSVParser.read(path: path, options: .init())
                let b = try? CSVParser.readInPieces(path: path, options: .init(), pieces: pieces)
                #expect(a.map(Self.describe) == b.map(Self.describe), "\(text.debugDescription) in \(pieces)")
            }
        }
    }

    /// The ranged line reader hands every line to exactly one piece, whatever the cut points.
    @Test func rangesCoverEveryLineOnce() throws {
        let dir = TestSupport.tempDir("ranges")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var text = ""
        for i in 0..<300 { text += String(repeating: "a", count: i % 13) + "\(i)\n" }
        text += "last"
        let path = TestSupport.write(text, dir, "lines.txt")
        let size = text.utf8.count
        let expected = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for cut in [1, 2, 5, 17, 100, 999, size - 1] {
            var seen: [String] = []
            for range in [0..<cut, cut..<size] {
                _ = try LineReader(chunkSize: 7).forEachLine(path, range: range) { line, _ in
                    seen.append(String(decoding: line, as: UTF8.self))
                }
            }
            #expect(seen == expected, "cut at \(cut)")
        }
    }
}

/// Plain rows (unquoted numbers and empty cells) skip the field splitter; the Run must be the
/// one the general path gives.
@Suite struct PlainRowTests {
    @Test(arguments: [false, true])
    func plainRowsGiveTheGeneralPathsRun(epochColumn: Bool) {
        // Numbers only, sparse, wall times missing on some rows; a few rows with text, quotes,
        // spaces, None and too many fields go through the general path.
        var text = epochColumn ? "step,epoch,wall_time,L_mean,L_tail,val_loss\n" : "step,wall_time,L_mean,L_tail,val_loss\n"
        for s in 0..<3000 {
            var cells = ["\(s * 10)"]
            if epochColumn { cells.append(s % 3 == 0 ? "\(s / 3)" : "") }
            cells.append(s % 17 == 5 || s == 0 ? "" : "\(1000 + s)")
            cells.append(s % 499 == 7 ? "oops" : (s % 211 == 3 ? "nan" : "\(8 - Double(s) * 0.001)"))
            cells.append(s % 2 == 0 ? "\(7 - Double(s) * 1e-3)e0" : "")
            cells.append(s % 50 == 49 ? "\(6 + Double(s % 7) * 0.01)" : (s % 333 == 5 ? "\"6.5\"" : ""))
            if s % 401 == 9 { cells.append("extra") }
            if s % 97 == 13 { cells.removeLast() }
            text += cells.joined(separator: s % 613 == 1 ? ", " : ",") + "\n"
        }
        text += "1,2,3,4,5,6,7,8,9\n,,\n,\n5,,\n6,nan,inf,-inf,1e-3,+2,.5\n7, 1,2\n8,\"3\",4\n9,None,null\n10,info,1\n"
        let plain = CSVReader.parse(Array(text.utf8), path: "m.csv")
        let general = CSVParser.parse(Array(text.utf8), path: "m.csv", options: .init()) { $0.usesFastPaths = false }
        #expect(PieceReadingTests.describe(plain) == PieceReadingTests.describe(general))
        #expect(plain.warnings.count == general.warnings.count && plain.warnings.count > 5)
        #expect(plain.warnings.contains { $0.message.contains("'oops' is not a number") })
    }

    /// Rows with every metric are kept by column and handed to the series a block at a time;
    /// whatever interrupts them (a missing cell, a missing wall time, text, a negative or
    /// missing step, a restart that repeats steps, quotes, CRLF) must leave the Run as the
    /// point-by-point path gives it, in one pass and in pieces.
    @Test(arguments: [false, true])
    func denseRowsGiveThePointByPointRun(wallTimes: Bool) throws {
        var text = wallTimes ? "step,wall_time,L_mean,L_tail,grad_norm\r\n" : "step,L_mean,L_tail,grad_norm\r\n"
        for r in 0..<6000 {
            let s = r < 4000 ? r : r - 1500  // a restart at row 4000 repeats steps 2500...
            var cells = [r % 307 == 11 ? "-\(s)" : (r % 401 == 17 ? "" : "\(s)")]
            if wallTimes { cells.append(r % 101 == 50 || r == 0 ? "" : "\(1_700_000_000 + r)") }
            cells.append(r % 211 == 3 ? "oops" : "\(8 - Double(r) * 0.001)")
            cells.append(r % 37 == 36 ? "" : (r % 509 == 7 ? "\"7.5\"" : "\(7 - Double(r) * 0.001)"))
            cells.append(r % 613 == 99 ? "nan" : "\(1 + Double(r % 13) * 0.1)")
            text += cells.joined(separator: ",") + (r % 5 == 0 ? "\r\n" : "\n")
        }
        text += "6001,1,2"  // short, and no final newline
        let dir = TestSupport.tempDir("dense")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = TestSupport.write(text, dir, "d.csv")
        let reference = CSVParser.parse(Array(text.utf8), path: path, options: .init()) { $0.usesFastPaths = false }
        let fast = CSVReader.parse(Array(text.utf8), path: path)
        #expect(reference.series.count == 3 && reference.warnings.count > 5)
        #expect(PieceReadingTests.describe(fast) == PieceReadingTests.describe(reference))
        for pieces in [2, 5, 16] {
            let inPieces = try CSVParser.readInPieces(path: path, options: .init(), pieces: pieces)
            #expect(PieceReadingTests.describe(inPieces) == PieceReadingTests.describe(reference), "\(pieces) pieces")
            for (a, b) in zip(inPieces.series, reference.series) {
                #expect(a.xs == b.xs && a.values.elementsEqual(b.values) { $0 == $1 || ($0.isNaN && $1.isNaN) })
            }
        }
    }

    /// A block of dense rows reaches each series as its points would one by one: an empty
    /// series takes the block's arrays (shared by all its columns), a later block is appended,
    /// and wall times stay with a series only while it has one for every point.
    @Test func denseRowsFlushLikePointsOneByOne() {
        var rows = DenseRows(columns: [1, 3])
        var collector = SeriesCollector(.iteration, source: "t.csv")
        let slots = [collector.slot(MetricName("a")), collector.slot(MetricName("b"))]
        rows.append(x: 10, wallTime: 100, cells: [10, 1, 0, 2])
        rows.append(x: 20, wallTime: 200, cells: [20, 3, 0, 4])
        rows.flush(into: &collector, slots: slots)
        #expect(rows.isEmpty)
        let a = collector.series[slots[0]], b = collector.series[slots[1]]
        #expect(a.xs == [10, 20] && a.values == [1, 3] && a.wallTimes == [100, 200] && b.values == [2, 4])
        #expect(a.xs.withUnsafeBufferPointer { $0.baseAddress } == b.xs.withUnsafeBufferPointer { $0.baseAddress })
        rows.append(x: 30, wallTime: nil, cells: [30, 5, 0, 6])
        rows.flush(into: &collector, slots: slots)
        let a2 = collector.series[slots[0]]
        #expect(a2.xs == [10, 20, 30] && a2.values == [1, 3, 5] && a2.wallTimes.count == 3 && a2.wallTimes[2].isNaN)
        // A series that began without wall times never gets them.
        var plain = Series(name: MetricName("c"), granularity: .iteration, source: "t.csv")
        plain.append(x: 1, value: 1)
        plain.append(xs: [2], values: [2], wallTimes: [5])
        #expect(plain.xs == [1, 2] && plain.wallTimes.isEmpty)
    }

    /// A column's numbers from plain rows still count, so one text cell in it is reported (a
    /// column of only text is ignored quietly).
    @Test func plainRowsCountTheirNumbers() {
        let r = CSVReader.parse(Array("step,a,b\n1,2,3\n2,4,5\n3,x,6\n".utf8), path: "m.csv")
        #expect(r.warnings.contains { $0.line == 4 && $0.message.contains("column 'a': 'x' is not a number") })
        #expect(r.series(MetricName("a"), .iteration)?.values == [2, 4])
    }
}
