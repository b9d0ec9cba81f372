import Testing
@testable import TrainingLog

@Suite struct CSVReaderTests {
    /// Columns logged at every row share one x array (memory: a million-row file keeps the step
    /// column once); a sparse column keeps its own.
    @Test func columnsOfTheSameRowsShareTheirXArray() throws {
        var text = "step,L_mean,L_tail,val_loss\n"
        for s in 0..<50 { text += "\(s),\(8 - Double(s) * 0.01),\(7 - Double(s) * 0.01),\(s % 10 == 9 ? "6.5" : "")\n" }
        let r = CSVReader.parse(Array(text.utf8), path: "m.csv")
        let lm = try #require(r.series(.trainLossMean, .iteration)), lt = try #require(r.series(.trainLossTail, .iteration))
        let val = try #require(r.series(MetricName("val_loss"), .iteration))
        func address(_ s: Series) -> UnsafePointer<Int>? { s.xs.withUnsafeBufferPointer { $0.baseAddress } }
        #expect(lm.xs == lt.xs && address(lm) == address(lt))
        #expect(val.xs == [9, 19, 29, 39, 49] && address(val) != address(lt))
        #expect(lt.values[3] == 6.97)
    }

    @Test func sparseRowsQuotedFieldsAndVARNames() {
        let text = "\u{FEFF}step,\"L_mean\",val_loss,\"note, quoted\",wall_time\n"
            + "0,8.3,,\"a, b\",100.5\n"
            + "10,7.9,8.0,x,101\n"
            + "20,nan,,,102\n"
            + "30,abc,7.5,,103\n"
            + "40.0,7.0\n"
            + ",6.9\n"
        let r = CSVReader.parse(Array(text.utf8), path: "m.csv")
        #expect(r.xs(.trainLossMean, .iteration) == [0, 10, 20, 40])
        #expect(r.values(.trainLossMean, .iteration)[2].isNaN)
        #expect(r.xs(MetricName("val_loss"), .iteration) == [10, 30])
        #expect(r.series(.trainLossMean, .iteration)?.wallTimes.prefix(2) == [100.5, 101])
        let w = r.sources[0].warnings
        #expect(w.contains { $0.line == 5 && $0.message.contains("'abc'") })
        #expect(w.contains { $0.line == 7 && $0.message.contains("without step") })
        #expect(!w.contains { $0.line == 2 }) // "a, b" is one quoted field
    }

    @Test func epochOnlyGivesEpochSeriesAndNameMapApplies() {
        let text = "epoch,loss,acc\n0,2.5,0.1\n1,2.0,0.2\n2,1.8,\n"
        let r = CSVReader.parse(Array(text.utf8), path: "e.csv", options: LoadOptions(nameMap: ["loss": "train/loss_tail"]))
        #expect(r.xs(.trainLossTail, .epoch) == [0, 1, 2])
        #expect(r.xs(MetricName("acc"), .epoch) == [0, 1])
        #expect(r.series(.trainLossTail, .iteration) == nil)
        #expect(r.sources[0].firstEpoch == 0 && r.sources[0].lastEpoch == 2)
    }

    @Test func stepAndEpochColumnsAndTabs() {
        // Several rows per epoch: iteration series by step; a row without step is epoch-level.
        let text = "epoch\tstep\ttrain_loss\tval_loss\n0\t49\t2.5\t\n0\t99\t2.0\t\n0\t\t\t2.2\n1\t199\t1.5\t\n"
        let r = CSVReader.parse(Array(text.utf8), path: "lightning.tsv")
        #expect(r.xs(MetricName("train_loss"), .iteration) == [49, 99, 199])
        #expect(r.xs(MetricName("val_loss"), .epoch) == [0])
        // One row per epoch (the step at its end): epoch-level series.
        let perEpoch = "step,epoch,L_tail,vL_tail\n19,0,6.35,\n39,1,6.25,\n59,2,,6.0\n"
        let r2 = CSVReader.parse(Array(perEpoch.utf8), path: "var-metrics.csv")
        #expect(r2.xs(.trainLossTail, .epoch) == [0, 1])
        #expect(r2.xs(.valLossTail, .epoch) == [2])
        #expect(r2.series(.trainLossTail, .iteration) == nil)
    }
}

@Suite struct JSONLinesReaderTests {
    @Test func sparseNestedAndDamagedLines() {
        let text = """
        {"step": 0, "loss": 2.5, "lr": 0.001, "train": {"acc": 0.1}, "tag": "x"}
        {"step": 100, "loss": 2.0, "val_loss": null}
        not json
        {"step": 200, "val_loss": 2.1, "L_tail": 5.4, "time": 1700000000.5}
        {"step": 300, "loss": Infinity}
        {"step": 400, "loss": 1.
        """
        let r = JSONLinesReader.parse(Array(text.utf8), path: "m.jsonl")
        #expect(r.xs(MetricName("loss"), .iteration) == [0, 100, 300])
        #expect(r.values(MetricName("loss"), .iteration)[2] == .infinity)
        #expect(r.values(.learningRate, .iteration) == [0.001])
        #expect(r.values(MetricName("train/acc"), .iteration) == [0.1])
        #expect(r.xs(MetricName("val_loss"), .iteration) == [200])
        #expect(r.values(.trainLossTail, .iteration) == [5.4])
        let w = r.sources[0].warnings
        #expect(w.contains { $0.line == 3 })
        #expect(w.contains { $0.line == 6 && $0.message.contains("truncated") })
    }

    @Test func epochKeys() {
        let r = JSONLinesReader.parse(Array("{\"epoch\": 0, \"val/loss\": 3}\n{\"epoch\": 1, \"val/loss\": 2.5}\n".utf8), path: "e.jsonl")
        #expect(r.xs(MetricName("val/loss"), .epoch) == [0, 1])
        #expect(r.series(MetricName("val/loss"), .epoch)?.name.isValidation == true)
    }
}

/// A CSV of one row per epoch with a step column: iterations per epoch come from the two.
@Suite struct StepsPerEpochFromColumnsTests {
    @Test func aConsistentStepColumnGivesIterationsPerEpoch() throws {
        let dir = TestSupport.tempDir("spe")
        let ends = TestSupport.write("step,epoch,L_tail\n19,0,7.0\n39,1,6.5\n59,2,6.2\n", dir, "ends.csv")
        #expect(try RunLoader.load(ends).iterationsPerEpoch == 20)
        let starts = TestSupport.write("step,epoch,L_tail\n20,0,7.0\n40,1,6.5\n60,2,6.2\n", dir, "starts.csv")
        #expect(try RunLoader.load(starts).iterationsPerEpoch == 20)
        // Steps that do not follow one epoch length say nothing about it.
        let uneven = TestSupport.write("step,epoch,L_tail\n19,0,7.0\n45,1,6.5\n59,2,6.2\n", dir, "uneven.csv")
        #expect(try RunLoader.load(uneven).iterationsPerEpoch == nil)
        // Numbers at the edge of Int are no crash.
        let huge = TestSupport.write("step,epoch,L_tail\n9223372036854775807,0,7.0\n9223372036854775807,9223372036854775807,6.5\n", dir, "huge.csv")
        #expect(try RunLoader.load(huge).iterationsPerEpoch == nil)
    }
}
