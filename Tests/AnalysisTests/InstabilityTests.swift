import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct InstabilityTests {
    /// The fast scan (sorted window, MAD lower bound, merge-walk MAD) finds exactly the spikes of
    /// the textbook rule: trailing median and MAD of the previous `window` finite points.
    @Test func spikeScanMatchesTheTextbookRule() {
        func reference(_ values: [Double], window: Int, z: Double, jump: Double) -> [InstabilityDetector.Hit] {
            var out: [InstabilityDetector.Hit] = []
            var recent: [Double] = []
            var lastSpike = -2, prevFinite = -1
            for (i, x) in values.enumerated() where x.isFinite {
                if recent.count >= min(window, 5) {
                    let s = recent.sorted(), n = s.count
                    let med = n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
                    let d = s.map { abs($0 - med) }.sorted()
                    let mad = max(n % 2 == 1 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2, 1e-12 + 1e-9 * abs(med))
                    let score = 0.6745 * (x - med) / mad
                    if x - med > jump * abs(med), score > z {
                        if lastSpike == prevFinite, var l = out.last {
                            if score > l.z { l.index = i; l.baseline = med; l.z = score; out[out.count - 1] = l }
                        } else { out.append(.init(index: i, baseline: med, z: score)) }
                        lastSpike = i
                    }
                }
                recent.append(x)
                if recent.count > window { recent.removeFirst() }
                prevFinite = i
            }
            return out
        }
        var rng = TestRNG(seed: 3)
        for round in 0..<6 {
            let sigma = round % 2 == 0 ? 0.05 : 0.2
            var v = (0..<3000).map { i in 6 + 2 * exp(-Double(i) / 500) + sigma * rng.gaussian() }
            for k in stride(from: 97, to: 3000, by: 211) { v[k] += sigma * Double(4 + 2 * (k % 7)) }  // spikes of several sizes
            if round == 5 { for k in stride(from: 0, to: 3000, by: 7) { v[k] = 6.5 } }  // many ties
            let fast = InstabilityDetector.spikes(v, window: 50, z: 6, minRelativeJump: 0.02)
            let slow = reference(v, window: 50, z: 6, jump: 0.02)
            #expect(fast.map(\.index) == slow.map(\.index), "round \(round)")
            #expect(zip(fast, slow).allSatisfy { abs($0.z - $1.z) < 1e-9 && $0.baseline == $1.baseline })
            #expect(!fast.isEmpty, "round \(round)")
        }
    }

    /// A long series is scanned in ranges side by side; the hits must be the one-pass hits,
    /// with runs of spikes across range boundaries (and across a range of only NaN) counted
    /// once, for every way of cutting it.
    @Test func scanningInPartsGivesTheOnePassHits() {
        var rng = TestRNG(seed: 11)
        var v = (0..<60_000).map { i in 6 + 2 * exp(-Double(i) / 9000) + 0.05 * rng.gaussian() }
        for k in stride(from: 300, to: 60_000, by: 1777) { v[k] += 0.05 * Double(6 + k % 9) }   // single spikes
        for k in [14_995, 19_998, 29_999, 44_990] { for j in 0..<12 { v[k + j] += 0.6 + 0.01 * Double(j % 5) } }  // runs
        for k in 20_010..<20_020 { v[k] = .nan }
        let onePass = InstabilityDetector.spikes(v, window: 50, z: 6, minRelativeJump: 0.02)
        #expect(onePass.count > 30)
        for parts in [2, 3, 4, 6] {
            let split = InstabilityDetector.spikes(v, window: 50, z: 6, minRelativeJump: 0.02, parts: parts)
            #expect(split == onePass, "\(parts) parts")
        }
        // A run of spikes across a whole range of NaN (the third of four) is still one run.
        var w = (0..<40_000).map { i in 5 + 0.02 * Double(i % 7) }
        for k in 19_995..<20_000 { w[k] = 20 }
        for k in 20_000..<30_000 { w[k] = .nan }
        for k in 30_000..<30_005 { w[k] = 21 }
        let whole = InstabilityDetector.spikes(w, window: 50, z: 6, minRelativeJump: 0.02)
        for parts in [2, 4] {
            #expect(InstabilityDetector.spikes(w, window: 50, z: 6, minRelativeJump: 0.02, parts: parts) == whole, "\(parts) parts")
        }
    }

    /// The merge-walk MAD equals the textbook one (sort the deviations, take their median), for
    /// odd and even counts, ties and values equal to the median.
    @Test func medianAbsoluteDeviationMatchesSortingTheDeviations() {
        var rng = TestRNG(seed: 7)
        for n in [1, 2, 3, 4, 5, 10, 49, 50, 51] {
            for round in 0..<20 {
                var v = (0..<n).map { _ in (rng.uniform() * 10).rounded(round % 2 == 0 ? .towardZero : .toNearestOrEven) + (round % 3 == 0 ? rng.uniform() : 0) }
                v.sort()
                let med = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2
                let dev = v.map { abs($0 - med) }.sorted()
                let expected = n % 2 == 1 ? dev[n / 2] : (dev[n / 2 - 1] + dev[n / 2]) / 2
                #expect(InstabilityDetector.medianAbsoluteDeviation(sortedValues: v, median: med) == expected, "n=\(n) round=\(round) v=\(v)")
            }
        }
    }

    @Test func nanAtAKnownStepMeansDiverged() throws {
        let steps = Array(stride(from: 0, to: 2000, by: 2))
        var values = steps.map { 8.0 - Double($0) * 0.001 }
        let k = steps.firstIndex(of: 1234)!
        values[k] = .nan
        values[k + 1] = .nan
        let run = Fixture.run([Fixture.iterationSeries(.trainLossMean, steps: steps, values)], ipe: 100, planned: 20)
        let s = Analyzer.analyze(run)
        #expect(s.run.status == .diverged)
        #expect(s.verdict == .diverged)
        let nf = try #require(s.instability.nonFinite)
        #expect(nf.metric == "train/loss_mean" && nf.step == 1234 && nf.epoch == 12 && nf.value == "nan")
        #expect(nf.lastFiniteValue == 8.0 - 1232 * 0.001)
        let first = try #require(s.instability.firstNonFinite)
        #expect(first.step == 1234 && first.epoch == 12)
        #expect(first.value.isFinite)
        #expect(s.headline == "Diverged: train/loss_mean became NaN at step 1234 (epoch 12); the last finite value was 6.768.")
        #expect(Fixture.finding(s, "diverged")?.severity == .critical)
        // The JSON must still encode (no NaN in it).
        let json = try Fixture.json(s)
        #expect(json.contains("\"non_finite\""))
        #expect(!json.lowercased().contains("nan,") && !json.contains(": nan"))
    }

    @Test func infinityAtAKnownEpoch() throws {
        var v = Fixture.powerLaw(n: 30, lInf: 5, a: 3, alpha: 0.5)
        v[17] = .infinity
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, v)], planned: 30))
        #expect(s.instability.nonFinite?.value == "inf")
        #expect(s.instability.nonFinite?.epoch == 17)
        #expect(s.verdict == .diverged)
        #expect(s.run.status == .diverged)
        _ = try Fixture.json(s)
    }

    @Test func spikesAtKnownSteps() throws {
        var rng = TestRNG(seed: 21)
        let steps = Array(stride(from: 0, to: 20000, by: 10))
        var values = steps.map { 6.0 - Double($0) * 2e-5 + 0.01 * rng.gaussian() }
        let spikeAt = [500, 1500]
        for i in spikeAt { values[i] += 1.0 }
        let run = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, values)], ipe: 1000, planned: 20)
        let s = Analyzer.analyze(run)
        #expect(s.instability.lossSpikeCount == 2)
        #expect(s.instability.lossSpikes.map(\.step) == [5000, 15000])
        #expect(s.instability.lossSpikes.map(\.epoch) == [5, 15])
        #expect(s.instability.spikes.allSatisfy { $0.robustZ > 6 && $0.metric == "train/loss_tail" })
        #expect(Fixture.finding(s, "loss-spike")?.severity == .warning)
        #expect(s.verdict != .diverged)
    }

    @Test func noSpikesOnAFallingNoisyCurve() {
        var rng = TestRNG(seed: 4)
        let v = (0..<5000).map { 8.3 * exp(-Double($0) / 800) + 5 + 0.02 * rng.gaussian() }
        #expect(InstabilityDetector.spikes(v, window: 50, z: 6, minRelativeJump: 0.02).isEmpty)
    }

    @Test func gradientClippingAndNonFiniteNorms() throws {
        // 30 % of the logged norms at the clip value 2.0 (tclip), two Inf norms.
        let steps = Array(0..<1000)
        var norms = steps.map { $0 % 10 < 3 ? 2.0 : 0.5 }
        norms[7] = .infinity
        norms[17] = .infinity
        let run = Fixture.run([Fixture.iterationSeries(.gradNorm, steps: steps, norms),
                               Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 10, lInf: 5, a: 3, alpha: 0.5))],
                              ipe: 100, planned: 10, config: ["tclip": "2.0"])
        let s = Analyzer.analyze(run)
        #expect(s.instability.gradClipValue == 2.0)
        #expect(s.instability.nonFiniteGradNormCount == 2)
        // 300 at the clip over 998 finite norms (the two Inf replaced norms of 0.5).
        #expect(abs(try #require(s.instability.gradClipFraction) - 300.0 / 998.0) < 1e-12)
        let f = try #require(Fixture.finding(s, "grad-clipping"))
        #expect(f.severity == .warning)
        #expect(f.recommendation?.hasPrefix("Lower the learning rate") == true)
        #expect(Fixture.finding(s, "grad-norm-non-finite") != nil)
    }

    @Test func lossScaleDrops() throws {
        let run = Fixture.run([Fixture.iterationSeries(.fp16ScaleLog2, steps: [0, 499, 999, 1499, 1999, 2499],
                                                       [16, 16, 15, 15, 16, 14]),
                               Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 10, lInf: 5, a: 3, alpha: 0.5))],
                              ipe: 500, planned: 10)
        let s = Analyzer.analyze(run)
        #expect(s.instability.lossScaleDropCount == 2)
        #expect(s.instability.lossScaleDrops.map(\.step) == [999, 2499])
        #expect(s.instability.lossScaleDrops.map(\.value) == [15, 14])
        #expect(Fixture.finding(s, "loss-scale-drop")?.severity == .info)
    }

    @Test func accuracyFallingWhileLossFalls() throws {
        let n = 60
        let loss = Fixture.powerLaw(n: n, lInf: 5, a: 3, alpha: 0.5)
        // Accuracy rises until epoch 29, then falls by 0.05 points per epoch (from 4.0 %).
        let acc: [Double] = (0..<n).map { (e: Int) -> Double in
            let x = Double(e)
            return e < 30 ? 1 + 0.1 * x : 3.9 - 0.05 * (x - 29)
        }
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, loss), Fixture.epochSeries(.trainAccTail, acc)],
                              planned: n)
        let s = Analyzer.analyze(run, options: Fixture.exact)
        let d = try #require(s.instability.accuracyFallsWithLoss.first)
        #expect(d.accuracyMetric == "train/acc_tail" && d.lossMetric == "train/loss_tail")
        #expect(d.startEpoch >= 25 && d.startEpoch <= 35)
        #expect(d.endEpoch == 59)
        #expect(d.accuracyChange < 0 && d.lossChange < 0)
        #expect(Fixture.finding(s, "accuracy-falls-with-loss")?.severity == .warning)
        // Accuracy that rises with a falling loss is fine.
        let ok = Fixture.run([Fixture.epochSeries(.trainLossTail, loss),
                              Fixture.epochSeries(.trainAccTail, (0..<n).map { 1 + 0.1 * Double($0) })], planned: n)
        #expect(Analyzer.analyze(ok).instability.accuracyFallsWithLoss.isEmpty)
    }
}
