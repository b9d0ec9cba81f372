import Testing
@testable import TrainingLog

@Suite struct VARLogTxtReaderTests {
    @Test func lastTenEpochsWithStaleValidationDropped() throws {
        let r = try VARLogTxtReader.read(path: TestSupport.fixture("var-logtxt/log.txt"))
        #expect(r.epochsPlanned == 30)
        #expect(r.iterationsPerEpoch == 10)
        #expect(r.xs(.trainLossMean, .epoch) == Array(20...29))
        #expect(approx(r.values(.trainLossMean, .epoch).prefix(2).map { $0 }, [5.8, 5.79]))
        #expect(r.values(.learningRate, .epoch).first == 5.6000000000000006e-05)
        #expect(r.xs(.gradNorm, .epoch).count == 10)
        #expect(r.xs(.weightDecay, .epoch).count == 10)
        // Epochs 20..28 repeat the epoch-19 validation: only epoch 29 (a validation epoch) is real.
        #expect(r.xs(.valLossMean, .epoch) == [29])
        #expect(r.values(.valLossMean, .epoch) == [5.8012])
        #expect(r.values(.valAccTail, .epoch) == [4.6])
        #expect(r.configValue("cmd") == "--depth=16 --bs=768 --ep=30")
        #expect(r.configValue("is_master") == "True")
        #expect(r.sources[0].firstEpoch == 20 && r.sources[0].lastEpoch == 29)
        #expect(r.sources[0].format == .varLogTxt)
        #expect(r.sources[0].warnings.isEmpty)
    }

    @Test func restartedEpochKeepsLaterLineAndNoneIsNotData() throws {
        let r = try VARLogTxtReader.read(path: TestSupport.fixture("var-run/local_output/log.txt"))
        #expect(r.xs(.trainLossMean, .epoch) == [0, 1, 2, 3])
        #expect(r.values(.trainLossMean, .epoch) == [7.9012, 7.2003, 6.7502, 6.4001])
        #expect(r.xs(.valLossMean, .epoch) == [3])
        #expect(r.values(.valLossTail, .epoch) == [6.52])
    }

    @Test func severalHeadersForkScheduleAndDamage() {
        let text = """
        {
        "is_master": true,
        "name": "first"
        }
        {'it': '5/5', 'ep': '1/40', 'L_mean': 8.0, 'vL_mean': None, 'my_metric': 1.5}
        {'it': '5/5', 'ep': '2/40', 'L_mean': 7.5, 'vL_mean': 7.9, 'my_metric': 1.25}
        {'it': '5/5', 'ep': '3/40', 'L_mean': 7.0, 'vL_mean': 7.9}
        garbage here
        {
        "is_master": true,
        "name": "second"
        }
        {'it': '5/5', 'ep': '11/40', 'L_mean': nan, 'vL_mean': 7.9}
        {'it': '5/5', 'ep': '12/40', 'L_mean': 5.0, 'vL_mean': 7.1}
        {'it': '5/5', 'ep': '13/40', 'L_mean': 4.9, 'vL_m
        """
        let r = VARLogTxtReader.parse(Array(text.utf8), path: "log.txt")
        #expect(r.xs(.trainLossMean, .epoch) == [0, 1, 2, 10, 11])
        #expect(r.values(.trainLossMean, .epoch)[3].isNaN)
        // 7.9 appears when it changes at epoch 1 (a fork's schedule), then is stale; 7.1 changes at 11.
        #expect(r.xs(.valLossMean, .epoch) == [1, 11])
        #expect(r.values(MetricName("my_metric"), .epoch) == [1.5, 1.25])
        #expect(r.configValue("name") == "second")
        let w = r.sources[0].warnings
        #expect(w.contains { $0.line == 8 && $0.message.contains("neither") })
        #expect(w.contains { $0.line == 15 && $0.message.contains("truncated") })
        #expect(r.sources[0].firstEpoch == 0 && r.sources[0].lastEpoch == 11)
    }

    @Test func headerOnlyAndEmpty() {
        let r = VARLogTxtReader.parse(Array("{\n\"is_master\": true\n}\n".utf8), path: "log.txt")
        #expect(r.series.isEmpty)
        #expect(r.configValue("is_master") == "True")
        #expect(r.sources[0].warnings.contains { $0.message.contains("no epoch lines") })
        let e = VARLogTxtReader.parse([], path: "log.txt")
        #expect(e.series.isEmpty)
    }
}
