import Foundation
import Render
import Testing
@testable import Report
@testable import Sweep

@Suite struct OutputNamingTests {
    @Test func namesComeFromThePathBelowTheCommonFolderWithoutLocalOutput() {
        let names = OutputNaming.uniqueNames(for: ["/x/runs/d16/local_output", "/x/runs/d20/local_output", "/x/runs/d24"])
        #expect(names == ["d16", "d20", "d24"])
    }

    @Test func traversalSeparatorsAndControlCharactersAreSanitised() {
        #expect(OutputNaming.sanitise("../../etc/passwd") == "_.._etc_passwd")
        #expect(OutputNaming.sanitise("..") == "run")
        #expect(OutputNaming.sanitise("a/b\\c\nd") == "a_b_c_d")
        #expect(!OutputNaming.sanitise(String(repeating: "x", count: 500)).isEmpty)
        #expect(OutputNaming.sanitise(String(repeating: "x", count: 500)).count <= 100)
    }

    @Test func collisionsGetSuffixesCaseInsensitively() {
        let names = OutputNaming.uniqueNames(for: ["/a/Run 1", "/b/run_1", "/c/run_1"].map { $0 })
        // Different parents: the names keep their folders, then collide only after sanitising.
        #expect(Set(names.map { $0.lowercased() }).count == 3)
        let same = OutputNaming.uniqueNames(for: ["/r/x/A", "/r/y/a", "/r/z/a"]).map { $0 }
        #expect(same == ["x-A", "y-a", "z-a"])
        let clash = OutputNaming.uniqueNames(for: ["/r/A:B", "/r/A B", "/r/a_b"])
        #expect(clash == ["A_B", "A_B-2", "a_b-3"])
    }
}

@Suite struct SweepInputsTests {
    @Test func aParentFolderYieldsEveryRunSorted() throws {
        let found = try SweepInputs.discover([SweepFixture.root])
        #expect(found.map { URL(fileURLWithPath: $0).lastPathComponent } == SweepFixture.runNames)
    }

    /// What a run is, is decided by content as `RunLoader` decides it: a CSV named
    /// `metrics.txt` makes a run folder, and a folder of such runs is searched.
    @Test func aRunFolderIsFoundByTheContentOfItsLogs() throws {
        let dir = SweepFixture.temporaryDirectory("by-content")
        for name in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + name, withIntermediateDirectories: true)
            let rows = (0..<20).map { "\($0),\(8.3 - 0.1 * Double($0))" }.joined(separator: "\n")
            try ("epoch,train/loss_tail\n" + rows + "\n").write(toFile: dir + "/\(name)/metrics.txt", atomically: true, encoding: .utf8)
        }
        try "notes about this run".write(toFile: dir + "/a/README", atomically: true, encoding: .utf8)
        #expect(SweepInputs.isRunFolder(dir + "/a"))
        #expect(!SweepInputs.isRunFolder(dir))
        let found = try SweepInputs.discover([dir])
        #expect(found.map { URL(fileURLWithPath: $0).lastPathComponent } == ["a", "b"])
        // The hash covers the log, not the notes beside it.
        let h0 = try SweepHash.run(dir + "/a")
        try "more notes".write(toFile: dir + "/a/README", atomically: true, encoding: .utf8)
        #expect(try SweepHash.run(dir + "/a") == h0)
        try "epoch,train/loss_tail\n0,8.3\n".write(toFile: dir + "/a/metrics.txt", atomically: true, encoding: .utf8)
        #expect(try SweepHash.run(dir + "/a") != h0)
    }

    @Test func aRunFolderIsTakenAsItIs() throws {
        let run = SweepFixture.root + "/d20-seed0"
        #expect(try SweepInputs.discover([run]) == [run])
    }

    @Test func aTextFileListsRunsRelativeToItsFolder() throws {
        let dir = SweepFixture.temporaryDirectory("list")
        let runs = try SweepFixture.copy(["d16-seed0", "d20-seed0"], to: dir)
        try "# my sweep\nd20-seed0\n\n\(runs[0])\n".write(toFile: dir + "/runs.txt", atomically: true, encoding: .utf8)
        let found = try SweepInputs.discover([dir + "/runs.txt"])
        #expect(found.count == 2)
        #expect(found[0].hasSuffix("d20-seed0"))
        #expect(found[1] == runs[0])
    }

    @Test func aListedRunThatDoesNotExistFailsAloneInTheSweep() throws {
        let dir = SweepFixture.temporaryDirectory("list-missing")
        _ = try SweepFixture.copy(["d16-seed0", "d20-seed0"], to: dir)
        try "d16-seed0\nd16-seed9\nd20-seed0\n".write(toFile: dir + "/runs.txt", atomically: true, encoding: .utf8)
        let found = try SweepInputs.discover([dir + "/runs.txt"])
        #expect(found.count == 3)
        let out = SweepFixture.temporaryDirectory("list-missing-out")
        let outcomes = try SweepFixture.sweep(found, into: out, compare: false)
        #expect(outcomes.map(\.record.failed) == [false, true, false])
        #expect(outcomes[1].record.error?.contains("no such file or folder") == true)
    }

    @Test func theOutputFolderAndDuplicatesAreSkipped() throws {
        let dir = SweepFixture.temporaryDirectory("excl")
        _ = try SweepFixture.copy(["d16-seed0"], to: dir)
        // An earlier sweep's output inside the parent folder, holding something that looks like a run.
        try FileManager.default.createDirectory(atPath: dir + "/out/runs/x", withIntermediateDirectories: true)
        try "".write(toFile: dir + "/out/runs/x/log.txt", atomically: true, encoding: .utf8)
        let found = try SweepInputs.discover([dir, dir + "/d16-seed0"], excluding: dir + "/out")
        #expect(found == [dir + "/d16-seed0"])
    }

    @Test func aMissingPathOrAFolderWithoutRunsIsAnError() {
        #expect(throws: SweepError.self) { try SweepInputs.discover(["/nonexistent/sweep"]) }
        let empty = SweepFixture.temporaryDirectory("empty")
        #expect(throws: SweepError.self) { try SweepInputs.discover([empty]) }
    }
}

@Suite struct SweepShardTests {
    @Test func parsesIOverNAndRejectsNonsense() {
        #expect(SweepShard(parsing: "0/4") == SweepShard(index: 0, count: 4))
        #expect(SweepShard(parsing: "3/4") != nil)
        for bad in ["4/4", "-1/4", "1/0", "a/b", "1", "1/2/3"] { #expect(SweepShard(parsing: bad) == nil, "\(bad)") }
    }

    @Test func shardsPartitionThePlan() {
        let n = 3
        for i in 0..<17 {
            #expect((0..<n).filter { SweepShard(index: $0, count: n).contains(i) }.count == 1)
        }
    }
}

@Suite struct ScalingLawTests {
    @Test func recoversAKnownPowerLaw() throws {
        let alpha = -0.23, beta = 2.0e-9
        let points = [1e8, 3e8, 1e9, 2e9].enumerated().map { ScalingPoint(name: "r\($0.offset)", parameters: $0.element, loss: pow(beta * $0.element, alpha)) }
        let fit = try #require(ScalingLaw.fit(metric: "val/loss_tail", kind: "raw", irreducible: nil, points: points))
        #expect(abs(fit.alpha - alpha) < 1e-9)
        #expect(abs(fit.beta / beta - 1) < 1e-6)
        #expect(abs(fit.r2 - 1) < 1e-12)
        #expect(fit.r < -0.999)
        #expect(fit.nPoints == 4)
    }

    @Test func needsTwoModelSizesAndThreeRuns() {
        let same = [ScalingPoint(name: "a", parameters: 3e8, loss: 5.4), ScalingPoint(name: "b", parameters: 3e8, loss: 5.3),
                    ScalingPoint(name: "c", parameters: 3e8, loss: 5.35)]
        #expect(ScalingLaw.fit(metric: "m", kind: "raw", irreducible: nil, points: same) == nil)
        // Two runs of two sizes lie on a line (r² = 1 always): no fit.
        let two = [ScalingPoint(name: "a", parameters: 3e8, loss: 5.4), ScalingPoint(name: "b", parameters: 6e8, loss: 5.2)]
        #expect(ScalingLaw.fit(metric: "m", kind: "raw", irreducible: nil, points: two) == nil)
        #expect(ScalingLaw.fit(metric: "m", kind: "raw", irreducible: nil,
                               points: two + [ScalingPoint(name: "c", parameters: 1e9, loss: 5.0)]) != nil)
    }

    @Test func parameterCountsFromDepthMatchTheVARPaper() {
        #expect(abs(ScalingLaw.parameters(depth: 16) - 310.28e6) < 0.01e6)   // VAR prints VAR=310.28
        #expect(abs(ScalingLaw.parameters(depth: 20) / 600e6 - 1) < 0.01)
        #expect(abs(ScalingLaw.parameters(depth: 24) / 1.0e9 - 1) < 0.04)
        #expect(abs(ScalingLaw.parameters(depth: 30) / 2.0e9 - 1) < 0.01)
    }
}

@Suite struct SweepComparisonTests {
    func record(_ name: String, depth: String, lr: String, seed: String = "0", status: String = "finished",
                loss: Double?) -> SweepComparison.Entry {
        var r = SweepRunRecord.failed(ref: SweepRunRef(name: name, path: "/runs/" + name), error: "", inputHash: nil, settingsHash: "")
        r.status = status
        r.error = status == "failed" ? "boom" : nil
        r.hyperparameters = ["depth": depth, "tblr": lr, "seed": seed, "bs": "768"]
        if let loss { r.final = ["train/loss_tail": loss] }
        r.epochsCompleted = status == "incomplete" ? 5 : 10
        r.epochsPlanned = 10
        return SweepComparison.Entry(record: r, curves: nil, parameters: ScalingLaw.parameters(depth: Int(depth)!),
                                     parametersSource: "depth", reportDir: "runs/" + name)
    }

    @Test func findsVaryingKeysGridBestRunSeedGroupsAndExclusions() throws {
        var entries: [SweepComparison.Entry] = []
        for d in ["16", "20"] {
            for lr in ["1e-4", "2e-4"] {
                entries.append(record("d\(d)-\(lr)", depth: d, lr: lr, loss: (d == "16" ? 5.5 : 5.3) + (lr == "2e-4" ? 0.1 : 0)))
            }
        }
        entries.append(record("d16-1e-4-s1", depth: "16", lr: "1e-4", seed: "1", loss: 5.52))
        entries.append(record("d24-bad", depth: "24", lr: "1e-4", status: "diverged", loss: 6.0))
        entries.append(record("d30-part", depth: "30", lr: "1e-4", status: "incomplete", loss: 5.1))
        entries.append(record("broken", depth: "16", lr: "1e-4", status: "failed", loss: nil))
        let c = SweepComparison(entries: entries, threshold: 5.5, irreducible: ["train/loss_tail": 4.5])

        #expect(c.varyingKeys == ["depth", "tblr", "seed"])
        #expect(c.colorKey == "depth")
        #expect(c.primaryMetric == "train/loss_tail")
        // d30-part has the lowest loss but is unfinished: still ranked (it did not diverge or fail).
        #expect(c.best.map { c.entries[$0].record.name } == "d30-part")
        #expect(c.seedGroups.count == 1)
        #expect(c.seedGroups[0].members.map { c.entries[$0].record.name } == ["d16-1e-4", "d16-1e-4-s1"])
        // d30 has only one learning rate: depth x tblr is not a full grid.
        #expect(c.grid == nil)
        let fit = try #require(c.scaling)
        #expect(fit.nPoints == 5)
        #expect(Set(c.excluded.map(\.name)) == ["d24-bad", "d30-part", "broken"])
        #expect(c.excluded.first { $0.name == "d24-bad" }?.reason == "diverged")
        #expect(c.excluded.first { $0.name == "d30-part" }?.reason.hasPrefix("unfinished") == true)
        #expect(c.fits.contains { $0.kind == "reducible" && $0.irreducible == 4.5 })
    }

    /// A two-run sweep has no scaling law, and says why; a run below the irreducible loss is
    /// left out of the reducible fit with its reason, not silently dropped.
    @Test func fitsSayWhatTheyLeftOut() throws {
        let two = [record("d16", depth: "16", lr: "1e-4", loss: 5.4), record("d20", depth: "20", lr: "1e-4", loss: 5.2)]
        let c2 = SweepComparison(entries: two, threshold: 5.5, irreducible: ["train/loss_tail": 4.5])
        #expect(c2.scaling == nil && c2.fits.isEmpty)
        #expect(c2.scalingNote?.contains("at least 3 finished runs") == true)
        #expect(c2.scalingNote?.contains("this sweep has 2 usable runs of 2 sizes") == true)
        let four = two + [record("d24", depth: "24", lr: "1e-4", loss: 4.9), record("d30", depth: "30", lr: "1e-4", loss: 4.36)]
        let c4 = SweepComparison(entries: four, threshold: 5.5, irreducible: ["train/loss_tail": 4.5])
        #expect(c4.scaling?.nPoints == 4)
        let red = try #require(c4.fits.first { $0.kind == "reducible" })
        #expect(red.nPoints == 3)
        #expect(red.excluded == [ScalingExclusion(name: "d30", reason: "its final train/loss_tail 4.360 is not above the irreducible loss 4.5 assumed for the reducible fit")])
        #expect(c4.allExclusions.contains { $0.name == "d30" && $0.reason.hasPrefix("left out of the reducible fit of train/loss_tail") })
        #expect(c4.excluded.isEmpty)   // the raw fit kept it
    }

    @Test func aFullGridOfTwoHyperparametersGivesTheMeanPerCell() throws {
        var entries: [SweepComparison.Entry] = []
        for d in ["16", "20"] {
            for lr in ["1e-4", "2e-4", "4e-4"] {
                entries.append(record("d\(d)-\(lr)", depth: d, lr: lr, loss: Double(d)! / 10 + Double(lr)! * 1000))
            }
        }
        entries.append(record("d16-1e-4-s1", depth: "16", lr: "1e-4", seed: "1", loss: 1.6 + 0.1 + 0.2))
        let c = SweepComparison(entries: entries, threshold: 5.5, irreducible: [:])
        let grid = try #require(c.grid)
        #expect(grid.columns == ["16", "20"])
        #expect(grid.rows == ["1e-4", "2e-4", "4e-4"])
        #expect(abs(grid.values[0][0] - (1.7 + 1.9) / 2) < 1e-12)   // two seeds averaged
        #expect(abs(grid.values[2][1] - 2.4) < 1e-12)
    }
}

@Suite struct SweepHashTests {
    @Test func changesWithTheLogsButNotWithCheckpointsOrTheSweepFolder() throws {
        let dir = SweepFixture.temporaryDirectory("hash")
        let run = try SweepFixture.copy(["d16-seed0"], to: dir)[0]
        let h0 = try SweepHash.run(run)
        #expect(try SweepHash.run(run) == h0)
        try Data(repeating: 7, count: 1000).write(to: URL(fileURLWithPath: run + "/ar-ckpt-last.pth"))
        try FileManager.default.createDirectory(atPath: run + "/sweep/runs", withIntermediateDirectories: true)
        try "x".write(toFile: run + "/sweep/runs/log.txt", atomically: true, encoding: .utf8)
        #expect(try SweepHash.run(run, excluding: run + "/sweep") == h0)
        let h = try #require(FileHandle(forWritingAtPath: run + "/stdout.txt"))
        h.seekToEndOfFile()
        h.write(Data(" ".utf8))
        try h.close()
        #expect(try SweepHash.run(run, excluding: run + "/sweep") != h0)
    }
}
