import Testing
@testable import TrainingLog

@Suite struct MetricNameTests {
    @Test func varNamesMapToCanonicalNames() {
        #expect(VARNames.canonical(column: "L_tail") == .trainLossTail)
        #expect(VARNames.canonical(column: "Lm") == .trainLossMean)
        #expect(VARNames.canonical(column: "vacc_mean") == .valAccMean)
        #expect(VARNames.canonical(column: "loss") == MetricName("loss"))
        #expect(VARNames.canonical(tensorBoardTag: "AR_iter_loss/L_256").name == .scaleLoss(256))
        #expect(VARNames.canonical(tensorBoardTag: "AR_ep_loss/vL_tail").granularity == .epoch)
        #expect(VARNames.canonical(tensorBoardTag: "AR_y_result/min_L_tail") == (MetricName("AR_y_result/min_L_tail"), .epoch))
        #expect(VARNames.canonical(tensorBoardTag: "AR_ep_loss/L_extra").granularity == .epoch)
        #expect(VARNames.canonical(tensorBoardTag: "AR_iter_schedule/prog_si").granularity == .iteration)
    }

    @Test func lossAndAccuracyAreToldApart() {
        #expect(MetricName.trainLossTail.isLoss)
        #expect(!MetricName.trainAccTail.isLoss)
        #expect(MetricName.valAccMean.isAccuracy)
        #expect(MetricName.scaleLoss(16).isLoss)
        #expect(MetricName("val_loss").isLoss)
        #expect(MetricName.valLossTail.trainingCounterpart == .trainLossTail)
    }

    @Test func uniformLossOfVARCodebook() {
        #expect(abs(VARNames.uniformLoss(vocabSize: 4096) - 8.3178) < 1e-4)
    }
}

@Suite struct SeriesTests {
    @Test func laterOccurrenceWinsAfterSort() {
        var s = Series(name: .trainLossTail, granularity: .epoch, source: "x")
        for (x, v) in [(0, 8.0), (1, 7.0), (2, 6.5), (1, 7.1), (2, 6.4), (3, 6.0)] { s.append(x: x, value: v) }
        s.sortAndKeepLast()
        #expect(s.xs == [0, 1, 2, 3])
        #expect(s.values == [8.0, 7.1, 6.4, 6.0])
        #expect(s.value(atX: 2) == 6.4)
        #expect(s.value(atX: 7) == nil)
    }

    @Test func removePointsFromStep() {
        var s = Series(name: .gradNorm, granularity: .iteration, source: "x", xs: [0, 500, 1000], values: [1, 2, 3])
        s.removePoints(fromX: 500)
        #expect(s.xs == [0])
    }
}
