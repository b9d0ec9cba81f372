import Testing
@testable import TrainingLog

@Suite struct TensorBoardReaderTests {
    @Test func crc32cKnownVector() {
        let v = Array("123456789".utf8).withUnsafeBytes { CRC32C.checksum($0) }
        #expect(v == 0xE306_9283)
        let long = [UInt8](repeating: 0xAB, count: 1000)
        var bytewise: UInt32 = 0xFFFF_FFFF
        for b in long {
            bytewise ^= UInt32(b)
            for _ in 0..<8 { bytewise = (bytewise & 1) != 0 ? (bytewise >> 1) ^ 0x82F6_3B78 : bytewise >> 1 }
        }
        #expect(long.withUnsafeBytes { CRC32C.checksum($0) } == ~bytewise)
    }

    @Test func simpleValuesEpochTagsAndNegativeSteps() throws {
        let dir = TestSupport.tempDir("tb")
        var pts: [(tag: String, step: Int64, value: Float)] = []
        for s in 1...5 { pts.append(("AR_ep_loss/L_tail", Int64(s), Float(8 - s))) }
        for s: Int64 in [-10000, -1000, 0, 499, 999] { pts.append(("AR_iter_loss/z_voc_usage", s, 50)) }
        pts.append(("AR_opt_lr/lr_max/sche_tlr", 0, 1e-4))
        pts.append(("AR_iter_loss/L_256", 499, 5.25))
        let path = TestSupport.write(EventWriter.file(pts), dir + "/tb-VARd16__pn1_2", "events.out.tfevents.1.host")
        let run = try TensorBoardReader.read(path: path)
        #expect(run.xs(.trainLossTail, .epoch) == [0, 1, 2, 3, 4])
        #expect(run.values(.trainLossTail, .epoch) == [7, 6, 5, 4, 3])
        #expect(run.xs(.vocabUsage, .iteration) == [0, 499, 999])
        #expect(run.values(.learningRate, .iteration) == [Double(Float(1e-4))])
        #expect(run.values(.scaleLoss(256), .iteration) == [5.25])
        #expect(run.series(.trainLossTail, .epoch)?.wallTimes.first == 1_700_000_001)
        let w = run.sources[0].warnings
        #expect(w.contains { $0.message.contains("2 points of 'AR_iter_loss/z_voc_usage' at negative steps") && $0.isInformational })
        #expect(run.sources[0].firstEpoch == 0 && run.sources[0].lastEpoch == 4)
        #expect(run.sources[0].firstStep == 0 && run.sources[0].lastStep == 999)
        #expect(run.name == "VARd16__pn1_2")
        // Recognised by content.
        let prefix = try ByteFile.prefix(path)
        #expect(FormatDetector.detect(path: path, prefix: prefix) == .tensorBoard)
    }

    @Test func tensorScalarsOfEveryDtypeAndOtherPluginsSkipped() throws {
        var out = EventWriter.record(EventWriter.fileVersion())
        func add(_ step: Int64, _ v: [UInt8]) { out += EventWriter.record(EventWriter.event(wall: 1, step: step, values: [v])) }
        add(0, EventWriter.value(tag: "a", .floatContent(1.5), plugin: "scalars"))
        add(1, EventWriter.value(tag: "a", .floatContent(2.5)))            // metadata only on the first event
        add(0, EventWriter.value(tag: "b", .doubleVal(0.125), plugin: "scalars"))
        add(0, EventWriter.value(tag: "c", .halfVal(0x3C00), plugin: "scalars")) // 1.0
        add(1, EventWriter.value(tag: "c", .halfVal(0xC000)))                    // -2.0
        add(0, EventWriter.value(tag: "d", .floatVal(3.0)))
        add(0, EventWriter.value(tag: "h", .floatContent(9), plugin: "histograms"))
        add(1, EventWriter.value(tag: "h", .floatContent(9)))
        let dir = TestSupport.tempDir("tb2")
        let path = TestSupport.write(out, dir, "events.out.tfevents.2.host")
        let run = try TensorBoardReader.read(path: path)
        #expect(run.values(MetricName("a"), .iteration) == [1.5, 2.5])
        #expect(run.values(MetricName("b"), .iteration) == [0.125])
        #expect(run.values(MetricName("c"), .iteration) == [1.0, -2.0])
        #expect(run.values(MetricName("d"), .iteration) == [3.0])
        #expect(run.series(MetricName("h"), .iteration) == nil)
    }

    @Test func restartAcrossFilesDropsLaterPointsOfEachTag() throws {
        let dir = TestSupport.tempDir("tb3") + "/tb-run"
        let f1 = EventWriter.file((1...6).map { ("AR_ep_loss/L_mean", Int64($0), Float(10 - $0)) }
                                  + [("AR_opt_grad/grad/grad_norm", 4999, 1.0)])
        let f2 = EventWriter.file((4...8).map { ("AR_ep_loss/L_mean", Int64($0), Float(20 - $0)) }
                                  + [("AR_opt_grad/grad/grad_norm", 2999, 2.0)])
        TestSupport.write(f1, dir, "events.out.tfevents.100.host__1128_2300")
        TestSupport.write(f2, dir, "events.out.tfevents.200.host__1129_0100")
        let run = try RunLoader.load(dir)
        #expect(run.xs(.trainLossMean, .epoch) == Array(0...7))
        #expect(run.values(.trainLossMean, .epoch) == [9, 8, 7, 16, 15, 14, 13, 12])
        #expect(run.xs(.gradNorm, .iteration) == [2999])
        #expect(run.restartEpochs == [3])
        #expect(run.sources.count == 2)
        // Within one file as well.
        let f3 = EventWriter.file([("x", 10, 1), ("x", 20, 2), ("x", 15, 3), ("x", 30, 4)])
        let p3 = TestSupport.write(f3, TestSupport.tempDir("tb4"), "events.out.tfevents.3")
        let r3 = try TensorBoardReader.read(path: p3)
        #expect(r3.xs(MetricName("x"), .iteration) == [10, 15, 30])
    }

    @Test func damagedRecordsAreSkippedWithOffsetsAndGoodDataKept() throws {
        let pts: [(tag: String, step: Int64, value: Float)] = (0..<20).map { ("loss", Int64($0), Float($0)) }
        let good = EventWriter.file(pts)
        // Record boundaries: find each record's offset by walking the framing.
        var offsets: [Int] = []
        var o = 0
        while o + 12 <= good.count {
            offsets.append(o)
            let len = Int(good[o]) | Int(good[o + 1]) << 8
            o += 16 + len
        }
        #expect(offsets.count == 21)
        let dir = TestSupport.tempDir("tbdamage")

        // 1. A flipped byte inside record 5's payload: that record is skipped.
        var d1 = good
        d1[offsets[5] + 14] ^= 0x40
        let r1 = try TensorBoardReader.read(path: TestSupport.write(d1, dir, "events.out.tfevents.1"))
        #expect(r1.xs(MetricName("loss"), .iteration).count == 19)
        #expect(r1.series(MetricName("loss"), .iteration)?.value(atX: 4) == nil)
        #expect(r1.sources[0].warnings.contains { $0.byteOffset == offsets[5] && $0.message.contains("data CRC") })

        // 2. A flipped byte in record 8's length: resync at the next record.
        var d2 = good
        d2[offsets[8]] ^= 0x01
        let r2 = try TensorBoardReader.read(path: TestSupport.write(d2, dir, "events.out.tfevents.2"))
        #expect(r2.xs(MetricName("loss"), .iteration).count == 19)
        #expect(r2.sources[0].warnings.contains { $0.byteOffset == offsets[8] && $0.message.contains("length CRC") })

        // 3. Truncated in the middle of the last record: an info warning, the rest kept.
        let d3 = Array(good[0..<(good.count - 5)])
        let r3 = try TensorBoardReader.read(path: TestSupport.write(d3, dir, "events.out.tfevents.3"))
        #expect(r3.xs(MetricName("loss"), .iteration) == Array(0..<19))
        #expect(r3.sources[0].warnings.contains { $0.byteOffset == offsets[20] && $0.message.hasPrefix("info:") })

        // 4. Garbage after a good prefix, and an empty file.
        var d4 = Array(good[0..<offsets[3]])
        var x: UInt32 = 7
        for _ in 0..<5000 { x = x &* 1664525 &+ 1013904223; d4.append(UInt8(truncatingIfNeeded: x >> 24)) }
        let r4 = try TensorBoardReader.read(path: TestSupport.write(d4, dir, "events.out.tfevents.4"))
        #expect(r4.xs(MetricName("loss"), .iteration) == [0, 1])
        #expect(!r4.sources[0].warnings.isEmpty)
        let r5 = try TensorBoardReader.read(path: TestSupport.write([UInt8](), dir, "events.out.tfevents.5"))
        #expect(r5.series.isEmpty)
    }

    @Test func sessionLogStartDropsEveryTagFromItsStep() throws {
        let dir = TestSupport.tempDir("tbstart") + "/tb"
        // `rare` is written only by the first launch, at steps 3 and 8: it never goes backwards,
        // but the START at step 6 drops its point at 8 (TensorBoard's rule).
        let f1 = EventWriter.file((0...9).map { ("loss", Int64($0), Float(10 - $0)) } + [("rare", 3, 1), ("rare", 8, 2)])
        var f2 = EventWriter.record(EventWriter.fileVersion()) + EventWriter.record(EventWriter.sessionStart(wall: 2, step: 6))
        f2 += Array(EventWriter.file((6...7).map { ("loss", Int64($0), Float(100 + $0)) }).dropFirst(EventWriter.record(EventWriter.fileVersion()).count))
        TestSupport.write(f1, dir, "events.out.tfevents.1")
        TestSupport.write(f2, dir, "events.out.tfevents.2")
        let r = try RunLoader.load(dir)
        #expect(r.xs(MetricName("loss"), .iteration) == [0, 1, 2, 3, 4, 5, 6, 7])
        #expect(r.values(MetricName("loss"), .iteration).suffix(2) == [106, 107])
        #expect(r.xs(MetricName("rare"), .iteration) == [3])
    }

    @Test func varFolderNameGivesConfig() throws {
        let c = VARFolderName.config(fromTensorBoardFolder: "tb-VARd16__pn1_2_3_4_5_6_8_10_13_16__b768ep200adamlr0.0001wd0.05")
        #expect(c.map { "\($0.key)=\($0.value)" } == ["depth=16", "pn=1_2_3_4_5_6_8_10_13_16", "bs=768", "ep=200",
                                                   "opt=adam", "tblr=0.0001", "twd=0.05"])
        #expect(VARFolderName.config(fromTensorBoardFolder: "tb-other").isEmpty)
        let e = VARFolderName.config(fromTensorBoardFolder: "tb-VARd30__pn256__b1024ep350adamlr8e-05wd0.05")
        #expect(e.first { $0.key == "tblr" }?.value == "8e-05")
        // A TensorBoard-only run gets its planned epochs from the folder name.
        let checkout = TestSupport.tempDir("tbname")
        TestSupport.write("# VAR's train.py\n", checkout, "train.py")
        let dir = checkout + "/local_output/tb-VARd20__pn1_2_3__b256ep30adamlr0.0001wd0.05"
        TestSupport.write(EventWriter.file([("AR_ep_loss/L_tail", 1, 7)]), dir, "events.out.tfevents.1")
        let r = try RunLoader.load(RunNaming.parent(dir))
        #expect(r.epochsPlanned == 30)
        #expect(r.configValue("depth") == "20")
        #expect(r.name == "VARd20__pn1_2_3__b256ep30adamlr0.0001wd0.05")
    }
}
