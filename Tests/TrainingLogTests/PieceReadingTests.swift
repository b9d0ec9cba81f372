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
        let general = CSVParser.parse(Array(text.utf8), path: "m.csv", options: .init()) { $0.usesPlainRows = false }
        #expect(PieceReadingTests.describe(plain) == PieceReadingTests.describe(general))
        #expect(plain.warnings.count == general.warnings.count && plain.warnings.count > 5)
        #expect(plain.warnings.contains { $0.message.contains("'oops' is not a number") })
    }

    /// A column's numbers from plain rows still count, so one text cell in it is reported (a
    /// column of only text is ignored quietly).
    @Test func plainRowsCountTheirNumbers() {
        let r = CSVReader.parse(Array("step,a,b\n1,2,3\n2,4,5\n3,x,6\n".utf8), path: "m.csv")
        #expect(r.warnings.contains { $0.line == 4 && $0.message.contains("column 'a': 'x' is not a number") })
        #expect(r.series(MetricName("a"), .iteration)?.values == [2, 4])
    }
}
