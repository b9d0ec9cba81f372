import Foundation
import Testing
@testable import Render

@Suite struct DecimationTests {
    @Test func keepsExtremesAndEnds() {
        var noise = Demo.Noise(state: 1)
        let n = 200_000
        let xs = (0..<n).map(Double.init)
        var ys = (0..<n).map { _ in noise.next() }
        ys[123_457] = 50    // a one-sample spike
        ys[7] = -50         // and a dip
        let (dx, dy) = Decimation.m4(xs: xs, ys: ys, buckets: 800)
        #expect(dx.count <= 800 * 4 + 4)
        #expect(dx.count > 800)
        #expect(dx.first == xs.first && dy.first == ys.first)
        #expect(dx.last == xs.last && dy.last == ys.last)
        #expect(dy.max() == 50 && dy.min() == -50)
        // The spike keeps its x position.
        #expect(dx[dy.firstIndex(of: 50)!] == 123_457)
        // Output stays in x order.
        #expect(zip(dx, dx.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test func tenMillionPointsReduceToAFewPerColumn() {
        let n = 10_000_000
        let xs = (0..<n).map(Double.init)
        var ys = [Double](repeating: 1, count: n)
        ys[9_999_000] = 1e6
        let (dx, dy) = Decimation.m4(xs: xs, ys: ys, buckets: 1600)
        #expect(dx.count <= 1600 * 4 + 4)
        #expect(dy.max() == 1e6)
        #expect(dx.last == Double(n - 1))
    }

    @Test func keepsGapsAsNaN() {
        let xs = (0..<1000).map(Double.init)
        var ys = xs.map { $0.truncatingRemainder(dividingBy: 7) }
        for i in 400..<450 { ys[i] = .nan }
        let (_, dy) = Decimation.m4(xs: xs, ys: ys, buckets: 20)
        #expect(dy.filter(\.isNaN).count == 1)
    }

    @Test func shortOrUnsortedInputIsUnchanged() {
        let (a, b) = Decimation.m4(xs: [0, 1, 2], ys: [3, 4, 5], buckets: 100)
        #expect(a == [0, 1, 2] && b == [3, 4, 5])
        let xs = (0..<1000).map { Double(999 - $0) }
        let (c, _) = Decimation.m4(xs: xs, ys: xs, buckets: 10)
        #expect(c == xs)
    }

    /// Min/max keeps every bucket's extremes, the line's ends and x order, with at most two
    /// points per bucket (plus the two ends).
    @Test func minMaxKeepsExtremesWithHalfThePoints() {
        var noise = Demo.Noise(state: 2)
        let n = 100_000
        let xs = (0..<n).map(Double.init)
        var ys = (0..<n).map { _ in noise.next() }
        ys[54_321] = 50
        let (dx, dy) = Decimation.minMax(xs: xs, ys: ys, buckets: 500)
        let (mx, _) = Decimation.m4(xs: xs, ys: ys, buckets: 500)
        #expect(dx.count <= 500 * 2 + 2 && dx.count < mx.count)
        #expect(dx.first == 0 && dx.last == Double(n - 1))
        #expect(dx[dy.firstIndex(of: 50)!] == 54_321)
        #expect(zip(dx, dx.dropFirst()).allSatisfy { $0 < $1 })
        // Each bucket's minimum and maximum are there.
        for b in stride(from: 0, to: 500, by: 37) {
            let range = (b * 200)..<((b + 1) * 200)
            let lo = ys[range].min()!, hi = ys[range].max()!
            let kept = zip(dx, dy).filter { range.contains(Int($0.0)) }.map(\.1)
            #expect(kept.contains(lo) && kept.contains(hi) && kept.count <= 3)
        }
    }

    /// Reducing an M4-reduced line to min/max gives what reducing the full line gives, on the
    /// same grid: the property `Figure.predecimated` relies on for identical PDFs.
    @Test func minMaxOfM4EqualsMinMaxOfTheFullLine() {
        var noise = Demo.Noise(state: 5)
        let n = 50_000
        let xs = (0..<n).map(Double.init)
        var walk = 0.0
        let shapes: [[Double]] = [
            xs.map { 6 + 2 * exp(-$0 / 8_000) },                                    // monotonic
            xs.map { pow(($0 - 20_123) / 20_000, 2) },                              // one minimum
            xs.map { 6 + 2 * exp(-$0 / 8_000) + 0.002 * sin($0 / 900) },            // smooth with slow wiggles
            xs.map { _ in walk += noise.next() * 0.01; return walk },               // random walk
            xs.map { _ in noise.next() },                                            // noise
        ]
        for (k, ys) in shapes.enumerated() {
            for buckets in [100, 700, 1_234] {
                let range = 0.0...Double(n - 1)
                let fine = Decimation.m4(xs: xs, ys: ys, buckets: buckets, xRange: range)
                let once = Decimation.minMax(xs: xs, ys: ys, buckets: buckets, xRange: range)
                let twice = Decimation.minMax(xs: fine.xs, ys: fine.ys, buckets: buckets, xRange: range)
                #expect(twice.xs == once.xs && twice.ys == once.ys, "shape \(k), \(buckets) buckets")
            }
        }
    }
}
