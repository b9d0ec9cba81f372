import Foundation
import Testing
@testable import TrainingLog

/// What a run folder holds besides its logs: FIFOs and devices, symlink loops, 25,000 sample
/// images, names that are not UTF-8. The logs are still found, each read once, and what was
/// skipped is a warning, never a wait or a silent loss.
@Suite struct FolderScanTests {
    static let stdout = """
        [12-01 10:00:00] (/VAR/train.py, line 300)=> [Ep]: [   0/2]  [  0/2]  eta: 0:00:10  tlr: 1e-4  tnm: 0.50  Lm: 8.300 (8.300)  Lt: 8.300 (8.300)  Accm: 0.10 (0.10)  Acct: 0.10 (0.10)  time: 1.0 (1.0)
        [12-01 10:00:05] (/VAR/train.py, line 300)=> [Ep]: [   1/2]  [  0/2]  eta: 0:00:05  tlr: 1e-4  tnm: 0.50  Lm: 7.300 (7.300)  Lt: 7.300 (7.300)  Accm: 0.20 (0.20)  Acct: 0.20 (0.20)  time: 1.0 (1.0)

        """

    static func runFolder(_ tag: String) -> String {
        let dir = TestSupport.tempDir(tag)
        _ = TestSupport.write(stdout, dir, "stdout.txt")
        return dir
    }

    @Test func aFIFOGivenAsTheFileIsRefusedNotWaitedOn() throws {
        let dir = TestSupport.tempDir("fifo-arg")
        let fifo = dir + "/stdout.txt"
        #expect(mkfifo(fifo, 0o644) == 0)
        #expect(throws: Diagnostic.self) { try RunLoader.load(fifo) }
        do { _ = try RunLoader.load(fifo) } catch let d as Diagnostic {
            #expect(d.message.contains("FIFO"))
            #expect(d.file == fifo)
        }
    }

    @Test func aFIFOInTheFolderIsSkippedWithAWarning() throws {
        let dir = Self.runFolder("fifo-in")
        #expect(mkfifo(dir + "/log.txt", 0o644) == 0)
        let run = try RunLoader.load(dir)
        #expect(run.series(.trainLossMean, .iteration)?.values.count == 2)
        #expect(run.warnings.contains { $0.file.hasSuffix("log.txt") && $0.message.contains("FIFO (named pipe)") })
    }

    @Test func aSymlinkLoopIsReportedAndTheLogReadOnce() throws {
        let dir = Self.runFolder("loop")
        try FileManager.default.createSymbolicLink(atPath: dir + "/again", withDestinationPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir + "/sub/up", withDestinationPath: "..")
        try FileManager.default.createSymbolicLink(atPath: dir + "/copy.txt", withDestinationPath: dir + "/stdout.txt")
        let run = try RunLoader.load(dir)
        #expect(run.sources.filter { $0.format == .varStdout }.count == 1)
        #expect(run.restartEpochs.isEmpty)
        #expect(run.series(.trainLossMean, .iteration)?.values == [8.3, 7.3])
        let loops = run.warnings.filter { $0.message.contains("symlink loop") }
        #expect(loops.count == 2)
        #expect(loops.contains { $0.file.hasSuffix("/again") })
    }

    /// 25,000 sample images beside the logs (VAR's forks save them in the run folder): the logs
    /// are found, and the images are not even opened.
    @Test func thousandsOfSamplesDoNotHideTheLogs() throws {
        let dir = Self.runFolder("samples")
        for folder in ["samples", "vis_out"] {
            try FileManager.default.createDirectory(atPath: dir + "/" + folder, withIntermediateDirectories: true)
        }
        for i in 0..<25_000 { FileManager.default.createFile(atPath: dir + "/samples/\(i).png", contents: Data([0x89, 0x50])) }
        for i in 0..<30 { FileManager.default.createFile(atPath: dir + "/vis_out/\(i).png", contents: Data([0x89, 0x50])) }
        let run = try RunLoader.load(dir)
        #expect(run.series(.trainLossMean, .iteration)?.values == [8.3, 7.3])
        #expect(!run.warnings.contains { $0.message.contains("stopped looking") })
        #expect(RunLoader.scanFolder(dir).looked == 1)
    }

    /// When the limit is reached anyway, the report says so, and the likely logs (the folder's
    /// own files, then `tb-*`) were looked at first.
    @Test func theFileLimitIsAWarningAndLogsComeFirst() throws {
        let dir = Self.runFolder("limit")
        try FileManager.default.createDirectory(atPath: dir + "/aaa-notes", withIntermediateDirectories: true)
        for i in 0..<10 { _ = TestSupport.write("note \(i)\n", dir + "/aaa-notes", "n\(i).md") }
        let scan = RunLoader.scanFolder(dir, maxFiles: 4)
        #expect(scan.found.map { RunNaming.lastComponent($0.path) } == ["stdout.txt"])
        #expect(scan.warnings.contains { $0.message.contains("stopped looking for logs after 4 files; 7 more") })
    }

    @Test func aNameThatIsNotUTF8IsAWarning() throws {
        let dir = Self.runFolder("utf8")
        let bad = dir + "/log\u{FF}.txt"
        // Write the file under a name with a raw 0xFF byte.
        var bytes = Array((dir + "/log").utf8) + [0xFF] + Array(".txt".utf8) + [0]
        let fd = bytes.withUnsafeMutableBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: p.count) { open($0, O_WRONLY | O_CREAT, 0o644) }
        }
        #expect(fd >= 0)
        close(fd)
        _ = bad
        let run = try RunLoader.load(dir)
        #expect(run.warnings.contains { $0.message.contains("not valid UTF-8") && $0.file.contains("log\u{FFFD}.txt") })
    }
}
