import Analysis
import Foundation
import Testing
import TrainingLog

/// Runs in VAR's real folder layout, written by `scripts/make_diagnosis_runs.py`, each with a
/// known right answer (Tests/Fixtures/diagnosis/answers.json): read through the readers, judged
/// by the analysis, as a user's run would be.
@Suite struct DiagnosisFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/diagnosis")

    static func analyse(_ name: String, now: Double? = nil) throws -> Summary {
        let run = try RunLoader.load(root.appendingPathComponent(name).path)
        var o = AnalysisOptions()
        o.now = now
        return Analyzer.analyze(run, options: o)
    }

    @Test func sixtyEpochsValidatedEveryTenOverfitOnTheTailLoss() throws {
        let s = try Self.analyse("overfit-60")
        #expect(s.verdict == .overfitting)
        #expect(s.overfitting.metric == "val/loss_tail")
        #expect(s.overfitting.bestEpoch == 39 && s.overfitting.onsetEpoch == 49)
        let pm = s.overfitting.perMetric
        #expect(pm["val/loss_tail"]?.detected == true && pm["val/acc_tail"]?.detected == true)
        #expect(pm["val/loss_mean"]?.detected == false && pm["val/loss_mean"]?.bestEpoch == 49)
        #expect(pm["val/acc_mean"]?.bestEpoch == 59)
        #expect(!s.headline.hasPrefix("Converged"))
        #expect(!s.findings.contains { $0.message.contains("agrees with") })
        #expect(s.earlyStop?.bestEpoch == 39)
        #expect(s.earlyStop?.checkpointNote?.contains("ar-ckpt-best.pth holds that checkpoint") == true)
        // The validation results come from TensorBoard (log.txt kept only its last epochs), never from stdout's (val N) line.
        #expect(s.metrics["val/loss_tail"]?.points == 6)
    }

    @Test func aSpikeOfOneLoggedIterationAndNoGradientNormFlood() throws {
        let s = try Self.analyse("spike-once")
        #expect(s.instability.lossSpikeCount == 1)
        let spike = try #require(s.instability.spikes.first { $0.metric == "train/loss_tail" })
        #expect(spike.step == 6 * 250 + 125 && spike.epoch == 6 && spike.value == 7.7)
        #expect(s.instability.gradNormSpikeCount == 0)
        #expect(Fixture.finding(s, "loss-spike")?.message.contains("train/loss_tail 7.700 at step 1625 (epoch 6)") == true)
    }

    @Test func aNaNAndAnInfEpochThenRecoveryIsNotDivergence() throws {
        let s = try Self.analyse("nan-recovered")
        #expect(s.run.status == .finished)
        #expect(s.verdict != .diverged && !s.instability.diverged)
        let f = try #require(Fixture.finding(s, "non-finite-recovered"))
        #expect(f.message.contains("NaN epoch average at epoch 6"))
        #expect(f.message.contains("+Inf epoch average at epoch 9"))
        #expect(Fixture.finding(s, "diverged") == nil)
    }

    @Test func aFineTuneKilledAtEpochEightCrashed() throws {
        let s = try Self.analyse("crashed-finetune", now: Date().timeIntervalSince1970)
        #expect(s.run.status == .crashed)
        #expect(s.run.epochsCompleted == 8 && s.run.epochsPlanned == 20)
        let ev = try #require(s.run.statusEvidence)
        #expect(ev.path.hasSuffix("stdout.txt") && ev.line != nil)
        let text = try String(contentsOfFile: ev.path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
        let line = String(text[ev.line! - 1])
        #expect(line.contains("SIGKILL") || line.contains("exitcode") || line.contains("ChildFailedError"), "evidence line: \(line)")
        #expect(s.run.etaHours == nil)
        #expect(!s.findings.contains { $0.message.contains("remain at this pace") })
        #expect(s.headline.contains("The run crashed after 8 of 20 epochs"))
    }

    @Test func relaunchesAreCountedApartFromRestarts() throws {
        let s = try Self.analyse("relaunches")
        #expect(s.run.status == .finished)
        #expect(s.run.launches == 6 && s.run.restarts == 1 && s.run.restartEpochs == [20] && s.run.idleLaunches == 4)
        #expect(s.run.launchHistory.map(\.role) == ["idle-before-training", "first", "restart", "idle-after-end", "idle-after-end", "idle-after-end"])
        // Every banner was printed by 4 ranks: 5 banners x 3 extra copies.
        #expect(s.run.launchHistory.reduce(0) { $0 + $1.duplicateBanners } == 15)
    }

    @Test func aRunNotWrittenForDaysStopped() throws {
        let dir = Self.root.appendingPathComponent("stopped").path
        let attributes = try FileManager.default.attributesOfItem(atPath: dir + "/stdout.txt")
        let written = try #require(attributes[.modificationDate] as? Date).timeIntervalSince1970
        #expect(try Self.analyse("stopped", now: written + 5 * 86400).run.status == .stopped)
        #expect(try Self.analyse("stopped", now: written + 60).run.status == .running)
    }

    @Test func aLong200EpochRunGetsNoFarProjectionsOrSpikeFlood() throws {
        let s = try Self.analyse("long-200")
        #expect(s.instability.gradNormSpikeCount == 0)
        #expect(s.instability.lossSpikeCount == 0)
        for f in s.findings {
            #expect(!f.message.contains("projects 5.5 around epoch") || f.message.contains("beyond the planned") == false, "\(f.message)")
            #expect(!(f.recommendation ?? "").contains("Train longer (about"))
        }
        // Validation first: the verdict reads val/loss_tail.
        #expect(s.verdict == .converged)
        #expect(s.headline.hasPrefix("Converged: val/loss_tail went below 5.5"))
    }

    @Test func aLossOfAnotherScaleIsNotJudgedAgainst5point5() throws {
        let s = try Self.analyse("small-loss")
        let m = try #require(s.metrics["loss"])
        #expect(m.vocabScale == false)
        #expect(m.threshold == nil && m.firstBelow == nil && m.perplexity == nil && m.reducibleCovered == nil)
        #expect(Fixture.finding(s, "loss-scale") != nil)
        #expect(!s.findings.contains { $0.message.contains("% of the way from ln V") })
        #expect(s.verdict != .converged)
        // Its facts are still there, validation included.
        #expect(s.overfitting.hasValidationData)
        // A threshold the user sets applies.
        var o = AnalysisOptions(); o.threshold = 0.5; o.thresholdExplicit = true
        let t = Analyzer.analyze(try RunLoader.load(Self.root.appendingPathComponent("small-loss").path), options: o)
        #expect(t.metrics["loss"]?.threshold == 0.5 && t.metrics["loss"]?.firstBelow != nil)
        #expect(t.metrics["loss"]?.perplexity == nil)
    }

    @Test func aStepOnlyRunWithNoPlannedLengthSaysHowFarItWasLogged() throws {
        let s = try Self.analyse("small-loss")
        #expect(s.run.status == .unknown)
        #expect(s.run.statusReason.contains("up to step 19900"))
        #expect(!s.run.statusReason.contains("0 epochs"))
    }
}
