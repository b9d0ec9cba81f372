import Foundation
import Testing
@testable import Analysis
import TrainingLog

@Suite struct VerdictTests {
    @Test func insufficientData() {
        let two = Fixture.run([Fixture.epochSeries(.trainLossTail, [8.0, 7.5])], planned: 100)
        let s = Analyzer.analyze(two)
        #expect(s.verdict == .insufficientData)
        #expect(s.headline.hasPrefix("Insufficient data: train/loss_tail has 2 epoch-level and 0 iteration points"))
        #expect(s.findings.first?.kind == "insufficient-data")
        let none = Analyzer.analyze(Fixture.run([]))
        #expect(none.verdict == .insufficientData)
        #expect(none.headline == "Insufficient data: the logs hold no loss metric.")
        #expect(none.metrics.isEmpty)
        // 20 iteration points are enough even without epoch-level data.
        let steps = Array(0..<20).map { $0 * 10 }
        let it = Fixture.run([Fixture.iterationSeries(.trainLossTail, steps: steps, steps.map { 8 - Double($0) * 0.001 })])
        #expect(Analyzer.analyze(it).verdict == .converging)
    }

    @Test func orderOfTheRules() {
        // Diverged beats overfitting (a loss that ends NaN).
        var run = overfittingRun()
        var lm = Fixture.powerLaw(n: 200, lInf: 5.2, a: 3.0, alpha: 0.5)
        lm[198] = .nan; lm[199] = .nan
        run.series[0] = Fixture.epochSeries(.trainLossMean, lm)
        #expect(Analyzer.analyze(run).verdict == .diverged)
        // Overfitting beats converged (train/loss_mean of the overfitting run is below 5.5 from early on).
        let o = Analyzer.analyze(overfittingRun())
        #expect(o.metrics["train/loss_mean"]?.staysBelowFrom != nil)
        #expect(o.verdict == .overfitting)
    }

    @Test func convergingHeadlineSaysWhereItIsHeading() {
        let lt = Fixture.powerLaw(n: 60, lInf: 5.0, a: 8.0, alpha: 0.5)
        let s = Analyzer.analyze(Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], ipe: 10, planned: 400))
        #expect(s.verdict == .converging)
        #expect(s.headline.hasPrefix("Converging: train/loss_tail is at"))
        #expect(s.headline.contains("still falling"))
        #expect(s.findings.contains { $0.kind == "trend" && $0.message.contains("is still improving") })
    }

    @Test func summaryEncodesDecodesAndIsDeterministic() throws {
        var runs = [varLikeRun(sigma: 0.01), overfittingRun(sigma: 0.002), Fixture.run([])]
        var nanRun = varLikeRun()
        nanRun.series.append(Fixture.iterationSeries(.trainLossTail, steps: [0, 100, 200], [8, .nan, .infinity]))
        runs.append(nanRun)
        for run in runs {
            let a = Analyzer.analyze(run), b = Analyzer.analyze(run)
            let ja = try Fixture.json(a), jb = try Fixture.json(b)
            #expect(ja == jb)
            #expect(ja.contains("\"schema\" : \"varreport.summary\\/1\""))
            let back = try JSONDecoder().decode(Summary.self, from: Data(ja.utf8))
            #expect(back == a)
            // Contract fields are present even when null.
            for key in ["\"early_stop\"", "\"onset_epoch\"", "\"epochs_planned\"", "\"findings\"", "\"uniform_loss\""] {
                #expect(ja.contains(key), "missing \(key)")
            }
        }
    }

    @Test func findingsAreCompleteSentencesSortedBySeverity() {
        for run in [varLikeRun(sigma: 0.01), overfittingRun(), Fixture.run([])] {
            let s = Analyzer.analyze(run)
            for f in s.findings {
                #expect(f.message.hasSuffix("."), "\(f.kind): \(f.message)")
                #expect(!f.message.contains("nan") && !f.message.contains("NaN)"))
                if let r = f.recommendation { #expect(r.hasSuffix(".")) }
            }
            let ranks = s.findings.map(\.severity)
            #expect(ranks == ranks.sorted(by: >))
        }
    }

    @Test func optionsDecodeLeniently() throws {
        let o = try JSONDecoder().decode(AnalysisOptions.self, from: Data(#"{"threshold": 6.0, "plateau_patience": 5}"#.utf8))
        #expect(o.threshold == 6.0 && o.plateauPatience == 5)
        #expect(o.emaWeight == 0.6 && o.vocabSize == 4096)
        let round = try JSONDecoder().decode(AnalysisOptions.self, from: JSONEncoder().encode(o))
        #expect(round == o)
        var v = AnalysisOptions()
        v.vocabSize = 16384
        #expect(abs(Analyzer.analyze(Fixture.run([]), options: v).uniformLoss - log(16384.0)) < 1e-12)
    }

    @Test func numberFormatting() {
        #expect(Format.short(3.449624060150376e-05) == "3.45e-05")
        #expect(Format.short(0.34) == "0.34")
        #expect(Format.short(2.0) == "2")
        #expect(Format.short(1234567) == "1.23e+06")
        #expect(Format.num(-0.0001, 2) == "0.00")
        #expect(Format.bar(5.5) == "5.5" && Format.bar(6) == "6")
    }

    /// Validation first: a training loss below the bar is not convergence while its validation
    /// counterpart ends above it; the headline says so.
    @Test func validationAboveTheBarIsNotConverged() throws {
        let epochs = Array(stride(from: 9, through: 99, by: 10))
        let lt = Fixture.epochSeries(.trainLossTail, Fixture.powerLaw(n: 100, lInf: 5.0, a: 3.3, alpha: 0.6))
        let above = Fixture.epochSeries(.valLossTail, epochs.map { 5.9 - 0.02 * Double($0) / 10 }, epochs: epochs)
        let s = Analyzer.analyze(Fixture.run([lt, above], planned: 100))
        #expect(s.metrics["train/loss_tail"]?.staysBelowFrom != nil)
        #expect(s.verdict != .converged)
        #expect(s.headline.contains("train/loss_tail is below 5.5, but val/loss_tail is above it at its last check (5.702 at epoch 99"))
        // With the validation loss below the bar too, it is converged, read from validation first.
        let below = Fixture.epochSeries(.valLossTail, epochs.map { 5.6 - 0.02 * Double($0) / 10 }, epochs: epochs)
        let c = Analyzer.analyze(Fixture.run([lt, below], planned: 100))
        #expect(c.verdict == .converged)
        #expect(c.headline.hasPrefix("Converged: val/loss_tail went below 5.5 at epoch 59"))
    }

    /// From the single true validation point of a stdout-only log: "first validated below", and
    /// no time to threshold.
    @Test func aSingleValidationPointGivesNoTimeToThreshold() throws {
        let lt = Fixture.powerLaw(n: 200, lInf: 5.0, a: 3.3, alpha: 0.6)
        let run = Fixture.run([Fixture.epochSeries(.trainLossTail, lt)], planned: 200, finished: true,
                              finalValidation: [.valLossTail: 5.308])
        let s = Analyzer.analyze(run)
        let m = try #require(s.metrics["val/loss_tail"])
        #expect(m.firstBelow?.epoch == 199)
        #expect(m.epochsToThreshold == nil && m.hoursToThreshold == nil)
        let f = try #require(Fixture.finding(s, "threshold-crossed", metric: "val/loss_tail"))
        #expect(f.message.hasPrefix("val/loss_tail was first validated below 5.5 at epoch 199 (5.308), its only point in the logs"))
        #expect(!f.message.contains("getting there took"))
    }
}
