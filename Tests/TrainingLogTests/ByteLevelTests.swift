#if canImport(Glibc)
import Glibc
#endif
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

    /// Numbers of every common shape, as CSV cells (followed by more bytes) and at the very end
    /// of the buffer: the value strtod gives, bit for bit, and the index after the number.
    @Test func agreesWithStrtodOnEveryShape() {
        var rng = SystemRandomNumberGenerator()
        func digits(_ n: Int) -> String { String((0..<n).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) }) }
        var cases = ["0", "0.0", "-0.000", "8.31777", "0.0072", "1.514925e-06", "12345678", "1234567.1234567",
                     "99999999.5", "0.00000001", "-7.", ".25", "1e22", "1e23", "9007199254740993", "1.5e-300",
                     "4.9e-324", "1.7976931348623157e308", "00000000012.5", "3.14e+2", "2e", "2e-", "-.", "1..2"]
        for _ in 0..<20_000 {
            var s = Bool.random(using: &rng) ? "-" : ""
            s += digits(Int.random(in: 0...10, using: &rng))
            if Bool.random(using: &rng) { s += "." + digits(Int.random(in: 0...10, using: &rng)) }
            if Int.random(in: 0..<4, using: &rng) == 0 { s += "e" + ["", "-", "+"].randomElement(using: &rng)! + digits(Int.random(in: 1...3, using: &rng)) }
            cases.append(s)
        }
        for s in cases {
            let expected: (Double, Int)? = s.withCString { c in
                var endPtr: UnsafeMutablePointer<CChar>? = nil
                let v = strtod(c, &endPtr)
                let used = endPtr.map { c.distance(to: $0) } ?? 0
                return used == 0 ? nil : (v, used)
            }
            for tail in [",0.5,1.25,7\n", ""] {
                let bytes = Array((s + tail).utf8)
                let got = bytes.withUnsafeBufferPointer { ByteScan.parseDouble($0.baseAddress!, 0, bytes.count) }
                // strtod also reads hex and "-." as nothing; parseDouble agrees on every decimal.
                guard let (ev, en) = expected else { #expect(got == nil || s.isEmpty, "\(s)"); continue }
                #expect(got?.value.bitPattern == ev.bitPattern && got?.next == en, "\(s)\(tail.isEmpty ? " at the end" : "")")
            }
        }
    }
}
