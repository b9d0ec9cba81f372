import Testing
@testable import TrainingLog

@Suite struct RunLoaderTests {
    @Test func varFolderMergesStdoutAndLogTxt() throws {
        let run = try RunLoader.load(TestSupport.fixture("var-run/local_output"))
        #expect(run.name == "var-run")
        #expect(run.sources.map { RunNaming.lastComponent($0.path) }.sorted() == ["log.txt", "stderr.txt", "stdout.txt"])
        #expect(run.sources.first { $0.path.hasSuffix("stderr.txt") }?.format == .console)
        // stdout's summaries are preferred to log.txt (3 decimals are within rounding of log.txt's).
        #expect(run.values(.trainLossMean, .epoch) == [7.9, 7.2, 6.75, 6.4])
        #expect(run.series(.trainLossMean, .epoch)?.source.hasSuffix("stdout.txt") == true)
        // Validation only from log.txt, only at the validation epoch.
        #expect(run.xs(.valLossMean, .epoch) == [3])
        #expect(run.values(.valLossMean, .epoch) == [6.61])
        // Epoch accuracy: log.txt's exact value before stdout's running-average approximation.
        #expect(run.values(.trainAccMean, .epoch) == [0.1111, 0.4012, 0.66, 0.85])
        #expect(run.series(.trainAccMean, .epoch)?.source.hasSuffix("log.txt") == true)
        // log.txt fills what stdout lacks.
        #expect(run.xs(.learningRate, .epoch) == [0, 1, 2, 3])
        #expect(run.xs(.learningRate, .iteration).count == 11)
        #expect(run.iterationsPerEpoch == 10 && run.epochsPlanned == 4)
        #expect(run.restartEpochs == [2])
        #expect(run.finishedMarker)
        #expect(run.configValue("depth") == "16")
        #expect(run.configValue("commit") == "abc123") // from the log.txt header
        #expect(run.config.count == 15)
        // log.txt's L_tail at epoch 1 (7.2) disagrees with stdout's 7.100.
        let logInfo = run.sources.first { $0.path.hasSuffix("log.txt") }
        let w = logInfo?.warnings.first { $0.message.contains("disagree") }
        #expect(w?.message.contains("train/loss_tail") == true)
        #expect(w?.message.contains("epoch 1") == true)
        #expect(w?.message.contains("stdout.txt") == true)
        #expect(run.warnings.filter { $0.message.contains("disagree") }.count == 1)
    }

    @Test func singleFileAndErrors() throws {
        let run = try RunLoader.load(TestSupport.fixture("var-logtxt/log.txt"))
        #expect(run.name == "var-logtxt")
        #expect(run.sources.count == 1 && run.sources[0].format == .varLogTxt)

        let dir = TestSupport.tempDir("loader")
        let missing = dir + "/nope"
        #expect(throws: Diagnostic.self) { try RunLoader.load(missing) }
        do { _ = try RunLoader.load(missing) } catch let d as Diagnostic { #expect(d.file == missing) } catch {}

        let empty = TestSupport.write("", dir, "empty.txt")
        do { _ = try RunLoader.load(empty); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.file == empty && d.message.contains("empty"))
        }
        let unknown = TestSupport.write("hello world\nthis is not a log\n", dir, "notes.txt")
        do { _ = try RunLoader.load(unknown); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.message.contains("unrecognised"))
        }
        let sub = dir + "/folder"
        TestSupport.write("just text\n", sub, "readme.md")
        TestSupport.write("[11-28 23:59:01] (/x/train.py  , line 123)=> warning\n", sub, "stderr.txt")
        do { _ = try RunLoader.load(sub); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.file == sub && d.message.contains("no recognised log"))
            #expect(d.message.contains("only console output without metrics (stderr.txt)"))
        }
        // A header-only CSV is recognised but has no data: an error naming the file.
        let hdr = TestSupport.write("step,loss\n", dir, "only-header.csv")
        do { _ = try RunLoader.load(hdr); Issue.record("no error") } catch let d as Diagnostic {
            #expect(d.file == hdr && d.message.contains("no usable data"))
        }
    }

    @Test func formatIsRecognisedByContentNotName() throws {
        let dir = TestSupport.tempDir("detect")
        let csvNamedTxt = TestSupport.write("step,L_mean,val_loss\n0,8.3,\n10,7.9,8.0\n", dir, "metrics.txt")
        let r = try RunLoader.load(csvNamedTxt)
        #expect(r.sources[0].format == .csv)
        #expect(r.values(.trainLossMean, .iteration) == [8.3, 7.9])
        #expect(r.xs(MetricName("val_loss"), .iteration) == [10])
        let jsonl = TestSupport.write("{\"epoch\": 0, \"loss\": 2.5}\n{\"epoch\": 1, \"loss\": 2.0}\n", dir, "log.csv")
        #expect(try RunLoader.load(jsonl).sources[0].format == .jsonLines)
        func detect(_ s: String) -> SourceFormat? { FormatDetector.detect(path: "x", prefix: Array(s.utf8)) }
        #expect(detect("[11-28 23:59:01] (/x/train.py  , line 123)=> [Ep]: [   0/4]  [ 0/10]  Lm: 1\n") == .varStdout)
        #expect(detect("{\n\"is_master\": true\n}\n") == .varLogTxt)
        #expect(detect("{'it': '5/5', 'ep': '1/40', 'L_mean': 8.0}\n") == .varLogTxt)
        #expect(detect("1,2,3\n4,5,6\n") == nil)
        let holed = [UInt8](repeating: 0, count: 9000) + Array("[11-28 23:59:01] (/x/train.py  , line 123)=> [Ep]: [   0/4]  [ 0/10]  Lm: 1\n".utf8)
        #expect(FormatDetector.detect(path: "x", prefix: Array(holed.prefix(8192))) == nil) // only zeros: unknown
        #expect(FormatDetector.detect(path: "x", prefix: holed) == .varStdout)
        #expect(detect("PK\u{3}\u{4}\u{0}\u{0}binary") == nil)
    }

    @Test func severalRunsInOneFolderAreFlagged() throws {
        let dir = TestSupport.tempDir("two")
        let line = "[01-01 00:00:00] (x/train.py              , line  1)=> [Ep]: [   0/4]  [ 0/5]  Lm: 8.0 (8.0)\n"
        TestSupport.write(line, dir + "/d16/local_output", "stdout.txt")
        TestSupport.write(line, dir + "/d20/local_output", "stdout.txt")
        let r = try RunLoader.load(dir)
        #expect(r.warnings.contains { $0.message.contains("2 different folders") })
    }

    @Test func tensorBoardPreferredStdoutFillsGapsOnTheSameClock() throws {
        let dir = TestSupport.tempDir("mix") + "/run7/local_output"
        let stdout = try ByteFile.readAll(TestSupport.fixture("var-run/local_output/stdout.txt"))
        TestSupport.write(stdout, dir, "stdout.txt")
        var pts: [(tag: String, step: Int64, value: Float)] = []
        for (e, v) in [7.9004, 7.2001, 6.7502, 6.4001].enumerated() { pts.append(("AR_ep_loss/L_mean", Int64(e + 1), Float(v))) }
        for (e, v) in [7.8, 7.1, 6.0, 6.3].enumerated() { pts.append(("AR_ep_loss/L_tail", Int64(e + 1), Float(v))) }
        var file = EventWriter.record(EventWriter.fileVersion())
        for p in pts { file += EventWriter.record(EventWriter.event(wall: 1_700_000_500, step: p.step, values: [EventWriter.value(tag: p.tag, .simple(p.value))])) }
        // lr at steps 0 and 39, 121 s apart as in stdout.txt.
        for (step, wall) in [(Int64(0), 1_700_000_000.0), (39, 1_700_000_121)] {
            file += EventWriter.record(EventWriter.event(wall: wall, step: step, values: [EventWriter.value(tag: "AR_opt_lr/lr_max/sche_tlr", .simple(1e-4))]))
        }
        TestSupport.write(file, dir + "/tb-VARd16__pn1_2_3__b768ep4adamlr0.0001wd0.05", "events.out.tfevents.1.host")
        let r = try RunLoader.load(dir)
        #expect(r.name == "run7")
        #expect(r.series(.trainLossMean, .epoch)?.source.contains("tfevents") == true)
        #expect(approx(r.values(.trainLossMean, .epoch), [7.9004, 7.2001, 6.7502, 6.4001], tol: 1e-6))
        // TensorBoard's epoch-2 L_tail (6.0) disagrees with stdout's 6.650: one warning naming both.
        let w = r.warnings.filter { $0.message.contains("disagree") }
        #expect(w.count == 1)
        #expect(w.first?.message.contains("epoch 2") == true && w.first?.message.contains("stdout.txt") == true)
        #expect(w.first?.file.hasSuffix("stdout.txt") == true)
        // lr: TensorBoard's two points only; stdout's two-digit tlr between them is left out
        // (RunMerger.roundedOnConsole), and the run says so.
        let lr = r.series(.learningRate, .iteration)
        #expect(lr?.xs == [0, 39])
        #expect(lr?.value(atX: 0) == Double(Float(1e-4)))
        #expect(lr?.wallTimes.first == 1_700_000_000)
        let note = r.roundedConsoleValues.first { $0.name == .learningRate }
        #expect(note?.leftOut == 11, "\(String(describing: note))")
        #expect(note?.filledBeyond == 0 && note?.preciseRange == 0...39)
        #expect(r.restartEpochs == [2]) // from stdout
        #expect(r.configValue("opt") == "adam") // from the folder name
    }
}
