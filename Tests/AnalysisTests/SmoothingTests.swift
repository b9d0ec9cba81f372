import Foundation
import Testing
@testable import Analysis

/// TensorBoard's classic smoothing, written the way TensorBoard writes it (pow per point).
private func tensorBoardReference(_ ys: [Double], _ w: Double) -> [Double] {
    if let f = ys.first, ys.allSatisfy({ $0 == f }) { return ys }
    var last = 0.0, num = 0.0
    return ys.map { y in
        guard y.isFinite else { return y }
        last = last * w + (1 - w) * y
        num += 1
        return last / (w == 1 ? 1 : 1 - pow(w, num))
    }
}

@Suite struct SmoothingTests {
    @Test func emaMatchesTensorBoardFormula() {
        var rng = TestRNG(seed: 7)
        let ys = (0..<5000).map { 8.3 - Double($0) * 0.0005 + 0.1 * rng.gaussian() }
        for w in [0.0, 0.3, 0.6, 0.9, 0.99, 0.999] {
            let got = Smoothing.debiasedEMA(ys, weight: w)
            let ref = tensorBoardReference(ys, w)
            var worst = 0.0
            for i in ys.indices { worst = max(worst, abs(got[i] - ref[i]) / max(1, abs(ref[i]))) }
            #expect(worst <= 1e-12, "weight \(w): worst relative difference \(worst)")
        }
    }

    @Test func firstPointIsTheValueItself() {
        // Debiasing makes the first smoothed value equal the first raw value.
        let out = Smoothing.debiasedEMA([7.0, 6.0, 5.0], weight: 0.6)
        #expect(abs(out[0] - 7.0) < 1e-12)
        #expect(abs(out[1] - (0.6 * 0.4 * 7 + 0.4 * 6) / (1 - 0.36)) < 1e-12)
    }

    @Test func nonFiniteValuesPassThroughAndAreSkipped() {
        let ys = [6.0, .nan, 5.0, .infinity, 4.0]
        let out = Smoothing.debiasedEMA(ys, weight: 0.6)
        #expect(out[1].isNaN)
        #expect(out[3] == .infinity)
        // The NaN and Inf are left out: the same as smoothing [6, 5, 4].
        let clean = Smoothing.debiasedEMA([6.0, 5.0, 4.0], weight: 0.6)
        #expect(out[0] == clean[0] && out[2] == clean[1] && out[4] == clean[2])
    }

    @Test func constantSeriesIsReturnedAsIs() {
        #expect(Smoothing.debiasedEMA([3, 3, 3], weight: 0.9) == [3, 3, 3])
        #expect(Smoothing.debiasedEMA([], weight: 0.9) == [])
    }

    @Test func weightIsClampedLikeTensorBoard() {
        let ys = [1.0, 2.0, 3.0]
        #expect(Smoothing.debiasedEMA(ys, weight: -1) == ys)
        #expect(Smoothing.debiasedEMA(ys, weight: .nan) == ys)
        #expect(Smoothing.debiasedEMA(ys, weight: 2) == Smoothing.debiasedEMA(ys, weight: 1))
    }

    @Test func emaHandlesTenMillionPoints() {
        let n = 10_000_000
        let ys = [Double](unsafeUninitializedCapacity: n) { b, c in
            for i in 0..<n { b[i] = 6 + Double(i % 1000) * 1e-4 }
            c = n
        }
        let out = Smoothing.debiasedEMA(ys, weight: 0.6)
        #expect(out.count == n)
        #expect(out[n - 1].isFinite)
    }

    @Test func centredMovingAverage() {
        let ys: [Double] = [1, 2, 3, 4, 5]
        #expect(Smoothing.centredMovingAverage(ys, window: 3) == [1.5, 2, 3, 4, 4.5])
        #expect(Smoothing.centredMovingAverage(ys, window: 1) == ys)
        #expect(Smoothing.centredMovingAverage([1, .nan, 3], window: 3) == [1, 2, 3])
        #expect(Smoothing.centredMovingAverage([.nan], window: 3)[0].isNaN)
    }
}
