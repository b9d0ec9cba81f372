import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct InstabilityTests {
    /// The rule as written in docs/ANALYSIS.md, the slow way: for every finite point, sort its
    /// symmetric neighbours and their differences.
    static func referenceSpikes(_ values: [Double], half h: Int, z: Double, jump: Double, ratio: Double) -> [SpikeDetector.Hit] {
        let idx = values.indices.filter { values[$0].isFinite }
        let f = idx.map { values[$0] }
        var out: [SpikeDetector.Hit] = []
        var lastRun = -2
        for j in f.indices {
            let k = min(h, j, f.count - 1 - j)
            let nb = (j - k...j + k).filter { $0 != j }
            guard nb.count >= 4 else { continue }
            let sorted = nb.map { f[$0] }.sorted(), m = sorted.count
            let base = m % 2 == 1 ? sorted[m / 2] : (sorted[m / 2 - 1] + sorted[m / 2]) / 2
            let x = f[j]
            guard x - base > jump * abs(base), x - base > 0 else { continue }
            if ratio > 0, !(base > 0 && x >= ratio * base) { continue }
            var d: [Double] = []
            for q in 1..<nb.count { d.append(abs(f[nb[q]] - f[nb[q - 1]])) }
            d.sort()
            let md = d.count % 2 == 1 ? d[d.count / 2] : (d[d.count / 2 - 1] + d[d.count / 2]) / 2
            let sigma = max(md / (0.6745 * 2.0.squareRoot()), 1e-12 + 1e-9 * abs(base))
            let score = (x - base) / sigma
            guard score > z else { continue }
            if lastRun == j - 1, let l = out.last {
                if score > l.z { out[out.count - 1] = SpikeDetector.Hit(index: idx[j], baseline: base, z: score) }
            } else {
                out.append(SpikeDetector.Hit(index: idx[j], baseline: base, z: score))
            }
            lastRun = j
        }
        return out
    }

    /// The sliding scan finds exactly the spikes of the slow reference, on noisy falling curves
    /// with spikes of several sizes, ties, NaN holes and runs of spikes.
    @Test func spikeScanMatchesTheReference() {
        var rng = TestRNG(seed: 3)
        for round in 0..<6 {
            let sigma = round % 2 == 0 ? 0.05 : 0.2
            var v = (0..<3000).map { i in 6 + 2 * exp(-Double(i) / 500) + sigma * rng.gaussian() }
            for k in stride(from: 97, to: 3000, by: 211) { v[k] += sigma * Double(4 + 2 * (k % 7)) }  // spikes of several sizes
            for k in 1500..<1503 { v[k] += 1.5 }                                                  // a run of three
            if round == 5 { for k in stride(from: 0, to: 3000, by: 7) { v[k] = 6.5 } }            // many ties
            if round == 4 { for k in stride(from: 5, to: 3000, by: 101) { v[k] = .nan } }         // holes
            for ratio in [0.0, 1.2] {
                let fast = SpikeDetector.spikes(v, half: 10, z: 6, minRelativeJump: 0.02, minRatio: ratio)
                let slow = Self.referenceSpikes(v, half: 10, z: 6, jump: 0.02, ratio: ratio)
                #expect(fast.map(\.index) == slow.map(\.index), "round \(round) ratio \(ratio)")
                #expect(zip(fast, slow).allSatisfy { abs($0.z - $1.z) < 1e-9 && $0.baseline == $1.baseline })
                if ratio == 0 { #expect(!fast.isEmpty, "round \(round)") }
            }
        }
    }

    /// A long series is scanned in ranges side by side; the hits must be the one-pass hits, with
    /// runs of spikes across range boundaries counted once, for every way of cutting it.
    @Test func scanningInPartsGivesTheOnePassHits() {
        var rng = TestRNG(seed: 11)
        var v = (0..<240_000).map { i in 6 + 2 * exp(-Double(i) / 36_000) + 0.05 * rng.gaussian() }
        for k in stride(from: 300, to: 240_000, by: 1777) { v[k] += 0.05 * Double(8 + k % 9) }   // single spikes
        for k in [59_995, 79_998, 119_999, 179_990] { for j in 0..<4 { v[k + j] += 1.2 + 0.01 * Double(j) } }  // runs
        for k in 80_010..<80_020 { v[k] = .nan }
        let onePass = SpikeDetector.spikes(v, half: 10, z: 6, minRelativeJump: 0.02)
        #expect(onePass.count > 100)
        for parts in [2, 3, 4] {
            let split = SpikeDetector.spikes(v, half: 10, z: 6, minRelativeJump: 0.02, parts: parts)
            #expect(split == onePass, "\(parts) parts")
        }
    }

    /// One logged iteration far above its neighbours (Lt 6.0 -> 7.7 -> back), in the steep early
    /// part of a run where a trailing window's spread hid it, is one spike with its step and size.
    @Test func aSpikeOfOneLoggedIterationIsFound() throws {
        var rng = TestRNG(seed: 5)
        // VAR's stdout: 5 lines per epoch of 1000 iterations; Lt falls from 8.3 to about 6 by epoch 10.
        let steps = (0..<100).flatMap { e in [0, 249, 499, 749, 999].map { e * 1000 + $0 } }
        var lt = steps.map { s -> Double in let e = Double(s) / 1000; return 5.0 + 3.3 * exp(-e / 6) + 0.01 * rng.gaussian() }
        let k = steps.firstIndex(of: 9 * 1000 + 499)!
        lt[k] = 7.7
        let run = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, lt),
                               Fixture.epochSeries(.trainLossTail, (0..<100).map { 5.0 + 3.3 * exp(-Double($0) / 6) })],
                              ipe: 1000, planned: 100)
        let s = Analyzer.analyze(run)
        #expect(s.instability.lossSpikeCount == 1)
        let spike = try #require(s.instability.spikes.first { $0.metric == "train/loss_tail" })
        #expect(spike.step == 9499 && spike.epoch == 9 && spike.value == 7.7)
        #expect(abs(spike.baseline - lt[k - 1]) < 0.1)
        let f = try #require(Fixture.finding(s, "loss-spike"))
        #expect(f.message.hasPrefix("1 loss spike"))
        #expect(f.message.contains("train/loss_tail 7.700 at step 9499 (epoch 9)"))
        #expect(f.severity == .warning)
    }

    /// Print-rounded gradient norms (2 decimals) that wobble between 0.17 and 0.21 are noise, not
    /// 97 spikes; a loss that moves 5.37 -> 5.52 (3 %) is not a spike either; a norm 4x its
    /// neighbours is one.
    @Test func smallBlipsAreNotSpikes() throws {
        var rng = TestRNG(seed: 8)
        let steps = Array(stride(from: 0, to: 200_000, by: 200))
        var norms = steps.map { _ in ((0.17 + 0.004 * rng.gaussian()) * 100).rounded() / 100 }
        for k in stride(from: 50, to: norms.count, by: 10) { norms[k] = 0.21 }
        var loss = steps.map { s in ((5.37 + 0.002 * rng.gaussian() - Double(s) * 1e-7) * 1000).rounded() / 1000 }
        for k in stride(from: 77, to: loss.count, by: 97) { loss[k] = 5.52 }
        let quiet = Fixture.run([Fixture.iterationSeries(.gradNorm, steps: steps, norms),
                                 Fixture.iterationSeries(.trainLossTail, steps: steps, loss)], ipe: 1000, planned: 200)
        let s = Analyzer.analyze(quiet)
        #expect(s.instability.gradNormSpikeCount == 0)
        #expect(s.instability.lossSpikeCount == 0)
        #expect(Fixture.finding(s, "loss-spike") == nil && Fixture.finding(s, "grad-norm-spike") == nil)
        norms[500] = 0.72
        let one = Analyzer.analyze(Fixture.run([Fixture.iterationSeries(.gradNorm, steps: steps, norms),
                                                Fixture.iterationSeries(.trainLossTail, steps: steps, loss)], ipe: 1000, planned: 200))
        #expect(one.instability.gradNormSpikeCount == 1)
        #expect(one.instability.gradNormSpikes.first?.step == 100_000)
        #expect(Fixture.finding(one, "grad-norm-spike")?.message.contains("(4.2x)") == true)
    }

    /// Several spikes make one finding that counts them and names the largest and the others.
    @Test func spikesAreGroupedNotAFlood() throws {
        var rng = TestRNG(seed: 12)
        let steps = Array(stride(from: 0, to: 100_000, by: 100))
        var v = steps.map { s in 6.0 - Double(s) * 5e-6 + 0.01 * rng.gaussian() }
        for (i, bump) in [(100, 0.6), (400, 1.4), (700, 0.8)] { v[i] += bump }
        let s = Analyzer.analyze(Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, v)], ipe: 1000, planned: 100))
        let spikes = s.findings.filter { $0.kind == "loss-spike" }
        #expect(spikes.count == 1)
        let m = try #require(spikes.first?.message)
        #expect(m.hasPrefix("3 loss spikes"))
        #expect(m.contains("the largest: train/loss_tail") && m.contains("at step 40000 (epoch 40)"))
        #expect(m.contains("the others at step 10000 (epoch 10), step 70000 (epoch 70)"))
    }

    /// A NaN in the middle of training followed by finite, falling values is a warning that
    /// names it, not divergence.
    @Test func nanAtAKnownStepThenRecoveryIsAWarning() throws {
        let steps = Array(stride(from: 0, to: 2000, by: 2))
        var values = steps.map { 8.0 - Double($0) * 0.001 }
        let k = steps.firstIndex(of: 1234)!
        values[k] = .nan
        values[k + 1] = .nan
        let run = Fixture.run([Fixture.iterationSeries(.trainLossMean, steps: steps, values)], ipe: 100, planned: 20)
        let s = Analyzer.analyze(run)
        #expect(s.run.status != .diverged)
        #expect(s.verdict != .diverged)
        #expect(!s.instability.diverged)
        let nf = try #require(s.instability.nonFinite)
        #expect(nf.metric == "train/loss_mean" && nf.step == 1234 && nf.epoch == 12 && nf.value == "nan")
        #expect(nf.lastFiniteValue == 8.0 - 1232 * 0.001)
        #expect(s.instability.nonFiniteCount == 2)
        let f = try #require(Fixture.finding(s, "non-finite-recovered"))
        #expect(f.severity == .warning)
        #expect(f.message.contains("train/loss_mean: NaN at step 1234 (epoch 12), NaN at step 1236 (epoch 12)"))
        #expect(Fixture.finding(s, "diverged") == nil)
        // The JSON must still encode (no NaN in it).
        let json = try Fixture.json(s)
        #expect(json.contains("\"non_finite\""))
        #expect(!json.lowercased().contains("nan,") && !json.contains(": nan"))
    }

    /// The case from the field: a NaN epoch average at epoch 6 and an Inf one at epoch 9, then
    /// finite, falling losses to the end: "recovered", both named, no advice to resume.
    @Test func nanAndInfEpochAveragesThenRecovery() throws {
        var lm = Fixture.powerLaw(n: 60, lInf: 5.8, a: 2.5, alpha: 0.5)
        lm[6] = .nan
        lm[9] = .infinity
        let lt = Fixture.powerLaw(n: 60, lInf: 5.2, a: 3.1, alpha: 0.5)
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossMean, lm), Fixture.epochSeries(.trainLossTail, lt)],
                                             planned: 60))
        #expect(s.verdict != .diverged && s.run.status == .finished)
        let f = try #require(Fixture.finding(s, "non-finite-recovered"))
        #expect(f.message.contains("NaN epoch average at epoch 6, +Inf epoch average at epoch 9"))
        #expect(f.message.contains("Training went on with finite values"))
        #expect(!(f.recommendation ?? "").contains("resume"))
    }

    /// A loss that ends NaN has diverged; so has one that blew up to near ln V and stayed there.
    @Test func endingNonFiniteOrBlownUpIsDiverged() throws {
        var v = Fixture.powerLaw(n: 30, lInf: 5, a: 3, alpha: 0.5)
        v[27] = .nan; v[28] = .nan; v[29] = .infinity
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, v)], planned: 30))
        #expect(s.verdict == .diverged && s.run.status == .diverged)
        #expect(s.instability.diverged)
        #expect(s.headline.hasPrefix("Diverged: train/loss_tail ends non-finite: its last 3 logged values are NaN or Inf (from epoch 27)"))
        #expect(Fixture.finding(s, "diverged")?.severity == .critical)

        var w = Fixture.powerLaw(n: 40, lInf: 5, a: 3.3, alpha: 0.5)
        for e in 34..<40 { w[e] = 8.1 + 0.01 * Double(e) }
        let b = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, w)], planned: 60))
        #expect(b.verdict == .diverged && b.run.status == .diverged)
        #expect(b.instability.divergedReason?.contains("blew up and did not come back") == true)
        // A blow-up that comes back is not divergence.
        for e in 37..<40 { w[e] = 5.4 }
        #expect(Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, w)], planned: 60)).verdict != .diverged)
    }

    @Test func infinityAtAKnownEpochIsRecordedAndRecovered() throws {
        var v = Fixture.powerLaw(n: 30, lInf: 5, a: 3, alpha: 0.5)
        v[17] = .infinity
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, v)], planned: 30))
        #expect(s.instability.nonFinite?.value == "inf")
        #expect(s.instability.nonFinite?.epoch == 17)
        #expect(s.instability.nonFiniteValues.map(\.granularity) == ["epoch"])
        #expect(s.verdict != .diverged)
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
        // Steep at the start, as every run is: neither the first points nor the descent are spikes.
        let v = (0..<5000).map { 3.3 * exp(-Double($0) / 300) + 5 + 0.02 * rng.gaussian() }
        #expect(SpikeDetector.spikes(v, half: 10, z: 6, minRelativeJump: 0.05).isEmpty)
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
