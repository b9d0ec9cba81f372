import Testing
@testable import TrainingLog

@Suite struct LineReaderTests {
    func lines(_ text: String, chunk: Int, maxLine: Int = 1 << 20) throws -> ([String], LineStats) {
        let path = TestSupport.write(text, TestSupport.tempDir("lines"), "f.txt")
        var out: [String] = []
        let r = LineReader(chunkSize: chunk, maxLine: maxLine)
        let stats = try r.forEachLine(path) { b, n in
            out.append("\(n):" + String(decoding: b, as: UTF8.self))
        }
        return (out, stats)
    }

    @Test func linesAcrossChunkBoundaries() throws {
        let text = "alpha\nbeta gamma delta\n\n0123456789012345678901234567890123456789\nlast"
        for chunk in [1, 2, 3, 7, 16, 4096] {
            let (l, s) = try lines(text, chunk: chunk)
            #expect(l == ["1:alpha", "2:beta gamma delta", "3:", "4:0123456789012345678901234567890123456789", "5:last"])
            #expect(s.lastLineUnterminated && s.lines == 5 && s.bytes == text.utf8.count)
        }
    }

    @Test func overlongLinesAreCutAndCounted() throws {
        let text = "ok\n" + String(repeating: "x", count: 100) + "\nafter\n"
        let (l, s) = try lines(text, chunk: 8, maxLine: 32)
        #expect(l.count == 3)
        #expect(l[1] == "2:" + String(repeating: "x", count: 32))
        #expect(l[2] == "3:after")
        #expect(s.overlongLines == [2])
        #expect(!s.lastLineUnterminated)
    }

    @Test func fiftyMegabyteLineDoesNotHideTheGoodLines() throws {
        var bytes = Array("[Ep]: [   0/2]  [ 0/5]  Lm: 8.000 (8.000)\n".utf8)
        bytes += [UInt8](repeating: 0x41, count: 50 << 20)
        bytes += Array("\n[Ep]: [   0/2]  [ 4/5]  Lm: 7.000 (7.500)\n".utf8)
        let path = TestSupport.write(bytes, TestSupport.tempDir("big"), "stdout.txt")
        let r = try VARStdoutReader.read(path: path)
        #expect(r.values(.trainLossMean, .iteration) == [8.0, 7.0])
        #expect(r.xs(.trainLossMean, .iteration) == [0, 4])
    }
}

@Suite struct NumberParsingTests {
    func parse(_ s: String) -> Double? {
        Array(s.utf8).withUnsafeBufferPointer { b in ByteScan.parseDouble(b.baseAddress!, 0, b.count).map(\.value) }
    }

    @Test func agreesWithSwiftParsing() {
        for s in ["0", "-0.5", "7.834", "9.5e-05", "1E+3", "0.30000000000000004", "123456789012345678901234",
                  "5.6000000000000006e-05", "1e-320", "1e400", "-2.5e-7", ".5", "3."] {
            #expect(parse(s) == Double(s) || (s == ".5" && parse(s) == 0.5) || (s == "3." && parse(s) == 3), "\(s)")
        }
        #expect(parse("nan")?.isNaN == true)
        #expect(parse("-inf") == -.infinity)
        #expect(parse("Infinity") == .infinity)
        #expect(parse("abc") == nil)
        #expect(parse("-") == nil)
        #expect(parse("e5") == nil)
    }
}
