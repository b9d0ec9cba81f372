import Foundation
import Testing
@testable import Render

/// A figure reduced once for several outputs draws as the full one.
@Suite struct PredecimationTests {
    static func figure() -> Figure {
        var noise = Demo.Noise(state: 9)
        let n = 200_000
        let xs = (0..<n).map { Double($0) }
        let raw = (0..<n).map { i in 6 + 2 * exp(-Double(i) / 30_000) + 0.3 * noise.next() }
        var spiky = raw
        spiky[123_456] = 12  // a one-sample spike must survive
        let chart = Chart(title: "Loss", x: Axis("step"), y: Axis("loss"), marks: [
            LineMark(xs: xs, ys: spiky, color: Palette.color(0), width: 1, opacity: 0.4, label: "raw"),
            // A smooth line: M4 keeps about two points per column of it, which the vector
            // reduction must still thin exactly as it thins the full line.
            LineMark(xs: xs, ys: xs.map { 6 + 2 * exp(-$0 / 30_000) }, color: Palette.color(0), width: 2, label: "smooth"),
            RuleMark(y: 5.5, color: Palette.color(3), label: "threshold 5.5"),
        ])
        let second = Chart(title: "Log", x: Axis("step"), y: Axis("norm", scale: .log10), marks: [
            LineMark(xs: xs, ys: raw.map { $0 - 5.9 }, color: Palette.color(1), label: "partly negative"),
        ])
        return Figure(width: 1200, height: 500, columns: 2, charts: [chart, second])
    }

    @Test func vectorOutputIsByteIdentical() throws {
        let full = Self.figure()
        let reduced = full.predecimated(pixelsPerPoint: 2)
        let before = (full.charts[0].marks[0] as! LineMark).xs.count
        let after = (reduced.charts[0].marks[0] as! LineMark).xs.count
        #expect(after < before / 20)
        #expect(try reduced.svgData() == full.svgData())
        #expect(try reduced.pdfData() == full.pdfData())
    }

    @Test func pngAtTheSameDensityIsIdenticalAndCoarserIsClose() throws {
        let full = Self.figure()
        let reduced = full.predecimated(pixelsPerPoint: 2)
        #expect(try reduced.pngData(scale: 2) == full.pngData(scale: 2))
        let a = try Support.decodePNG(full.pngData(scale: 1)), b = try Support.decodePNG(reduced.pngData(scale: 1))
        #expect(a.width == b.width && a.height == b.height)
        var differing = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) where abs(Int(a.pixels[i]) - Int(b.pixels[i])) > 48 { differing += 1 }
        #expect(Double(differing) / Double(a.width * a.height) < 0.002, "\(differing) pixels differ")
    }
}
