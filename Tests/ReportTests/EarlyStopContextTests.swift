import Analysis
import Testing
@testable import Report

/// The report's early-stop map reads right with and without epochs.
@Suite struct EarlyStopContextTests {
    @Test func epochRun() {
        var e = EarlyStop(epoch: 189, metric: "val/loss_mean", epochsSaved: 10, hoursSaved: 0.9)
        e.step = 47_500; e.stepsSaved = 2_500
        let c = ReportContext.earlyStopContext(e)
        #expect(c["epoch"] as? String == "189")
        #expect(c["at"] as? String == "epoch 189")
        #expect(c["epochs_saved"] as? String == "10")
        #expect(c["saved"] as? String == "10 epochs")
        #expect(c["step"] as? String == "47500")
    }

    @Test func stepOnlyRun() {
        var e = EarlyStop(epoch: nil, metric: "val/loss_mean", epochsSaved: nil, hoursSaved: nil)
        e.step = 8_499; e.bestStep = 6_999; e.stepsSaved = 1_500
        let c = ReportContext.earlyStopContext(e)
        #expect(c["epoch"] as? String == "–")
        #expect(c["epochs_saved"] as? String == "–")
        #expect(c["at"] as? String == "step 8499")
        #expect(c["saved"] as? String == "1500 steps")
        #expect(c["steps_saved"] as? String == "1500")
    }
}
