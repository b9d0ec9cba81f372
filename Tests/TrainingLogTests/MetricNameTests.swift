import Testing
@testable import TrainingLog

@Suite struct MetricNameTests {
    @Test func varNamesMapToCanonicalNames() {
        #expect(VARNames.canonical(column: "L_tail") == .trainLossTail)
        #expect(VARNames.canonical(column: "Lm") == .trainLossMean)
        #expect(VARNames.canonical(column: "vacc_mean") == .valAccMean)
        #expect(VARNames.canonical(column: "loss") == MetricName("loss"))
        #expect(VARNames.canonical(column: "Overall/L_mean") == .trainLossMean)
        #expect(VARNames.canonical(column: "Overall/Acc_bit_mean") == .trainAccMean)
        #expect(VARNames.canonical(column: "Detail/L_s01") == MetricName("Detail/L_s01"))
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

@Suite struct RunSeriesLookupTests {
    private static func series(_ name: String, _ granularity: Granularity, _ value: Double) -> Series {
        var s = Series(name: MetricName(name), granularity: granularity, source: "t")
        s.append(x: 0, value: value)
        return s
    }

    /// The lookup is an index, not a scan; it must still answer as the scan did (the first of
    /// duplicates) and follow every change to `series`.
    @Test func lookupFindsTheFirstSeriesAndFollowsChanges() {
        var run = Run(name: "r", path: "/r", series: [
            Self.series("a", .epoch, 1), Self.series("a", .iteration, 2), Self.series("a", .epoch, 3),
        ])
        #expect(run.series(MetricName("a"), .epoch)?.values == [1])
        #expect(run.series(MetricName("a"), .iteration)?.values == [2])
        #expect(run.preferredSeries(MetricName("a"))?.values == [1])
        #expect(run.series(MetricName("b"), .epoch) == nil)

        run.series.append(Self.series("b", .epoch, 4))
        #expect(run.series(MetricName("b"), .epoch)?.values == [4])
        run.series.removeFirst()
        #expect(run.series(MetricName("a"), .epoch)?.values == [3])
        run.series = []
        #expect(run.preferredSeries(MetricName("a")) == nil)
    }

    /// A run of 20,000 metrics: every one is found under its own name (the lookup that made a
    /// 100,000-column CSV take minutes; its cost is measured by `make bench`, case wide-*).
    @Test func manyMetricsAreEachFound() {
        let names = (0..<20_000).map { "layer\($0)/grad_norm" }
        let run = Run(name: "r", path: "/r", series: names.enumerated().map { Self.series($1, .iteration, Double($0)) })
        for (i, name) in names.enumerated() where i % 997 == 0 {
            #expect(run.series(MetricName(name), .iteration)?.values == [Double(i)])
        }
        #expect(run.metricNames.count == 20_000)
    }
}
