import Foundation
import Testing
@testable import Analysis

@Suite struct PowerLawFitTests {
    @Test func recoversAnExactCurve() throws {
        let t = (50...100).map(Double.init)
        for (lInf, a, alpha) in [(5.2, 3.1, 0.5), (5.8, 2.0, 0.8), (4.9, 10.0, 1.7), (6.0, 1.5, 0.15)] {
            let y = t.map { lInf + a * pow($0, -alpha) }
            let fit = try #require(PowerLawFit.fit(t: t, y: y))
            #expect(abs(fit.lossInfinity - lInf) < 1e-6, "L_inf \(fit.lossInfinity) vs \(lInf)")
            #expect(abs(fit.alpha - alpha) < 1e-4)
            #expect(abs(fit.amplitude - a) / a < 1e-4)
        }
    }

    @Test func timeToReachInvertsTheCurve() throws {
        let fit = PowerLawFit(lossInfinity: 5.0, amplitude: 4.0, alpha: 0.5, rmse: 0, points: 10)
        let t = try #require(fit.time(toReach: 5.5))
        #expect(abs(t - 64) < 1e-9)             // 5 + 4 / sqrt(64) = 5.5
        #expect(fit.time(toReach: 4.9) == nil)  // below the floor: never
    }

    @Test func noisyCurveGivesAnHonestRange() throws {
        let t = (100...200).map(Double.init)
        var rng = TestRNG(seed: 42)
        let y = t.map { 5.3 + 4.0 * pow($0, -0.6) + 0.003 * rng.gaussian() }
        let fit = try #require(PowerLawFit.fit(t: t, y: y))
        let boot = try #require(fit.bootstrap(t: t, y: y, level: 5.5, samples: 200, seed: 1))
        // The truth lies within a few bootstrap standard deviations of the estimate.
        #expect(abs(fit.lossInfinity - 5.3) < 4 * max(boot.lossInfinityStdDev, 1e-3))
        #expect(boot.lossInfinityStdDev > 0)
        // Deterministic: the same seed gives the same numbers.
        let again = try #require(fit.bootstrap(t: t, y: y, level: 5.5, samples: 200, seed: 1))
        #expect(boot == again)
    }

    @Test func risingOrFlatCurveHasNoFallingFit() {
        let t = (1...20).map(Double.init)
        #expect(PowerLawFit.fit(t: t, y: t.map { 5 + 0.01 * $0 }) == nil)
        #expect(PowerLawFit.fit(t: [1, 2, 3], y: [3, 2, 1]) == nil) // too few points
    }
}
