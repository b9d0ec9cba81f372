import Foundation
@testable import Report
@testable import Sweep
import TrainingLog

/// Shared pieces of the sweep tests: the committed fixture, temporary folders, file comparison.
enum SweepFixture {
    static var root: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/sweep").path
    }

    static let runNames = ["d16-lr1e-3-seed0", "d16-seed0", "d16-seed1", "d20-seed0", "d24-seed0", "d30-seed0"]


    static func temporaryDirectory(_ tag: String = "sweep") -> String {
        let dir = NSTemporaryDirectory() + "varreport-\(tag)-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Settings that keep the tests quick: PNG at scale 1, no per-run PDF unless asked.
    static func settings(output: String, jobs: Int = 2, pdf: Bool = false) -> SweepSettings {
        var s = SweepSettings(output: output)
        s.jobs = jobs
        s.report.pngScale = 1
        s.report.writePDF = pdf
        return s
    }

    /// Renders `paths` and builds the comparison, as `varreport sweep` does.
    @discardableResult
    static func sweep(_ paths: [String], into out: String, jobs: Int = 2, force: Bool = false, shard: SweepShard? = nil,
                      pdf: Bool = false, compare: Bool = true) throws -> [SweepRunOutcome] {
        var s = settings(output: out, jobs: jobs, pdf: pdf)
        s.force = force
        s.shard = shard
        let outcomes = try SweepRunner(settings: s).render(plan: SweepPlan(paths: paths))
        if compare {
            let c = try SweepComparison.load(directories: [out], output: out)
            _ = try SweepReportWriter(settings: s.report).write(c, to: out)
        }
        return outcomes
    }

    /// Every regular file under `dir`, relative, sorted.
    static func files(under dir: String) -> [String] {
        var out: [String] = []
        if let e = FileManager.default.enumerator(atPath: dir) {
            while let rel = e.nextObject() as? String {
                var isDir: ObjCBool = false
                if FileManager.default.fileExists(atPath: dir + "/" + rel, isDirectory: &isDir), !isDir.boolValue { out.append(rel) }
            }
        }
        return out.sorted()
    }

    /// Copies fixture runs into a fresh folder (tests that change inputs must not touch the fixture).
    static func copy(_ names: [String], to dir: String) throws -> [String] {
        try names.map { n in
            let dest = dir + "/" + n
            try FileManager.default.copyItem(atPath: root + "/" + n, toPath: dest)
            return dest
        }
    }
}
