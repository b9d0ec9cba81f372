import Testing
@testable import TrainingLog

/// Crash evidence and launches, as the readers collect them for the run status.
@Suite struct CrashEvidenceTests {
    static func kind(_ line: String) -> CrashEvidence.Kind? {
        let b = Array(line.utf8)
        return b.withUnsafeBufferPointer { CrashLineClassifier.classify($0.baseAddress!, 0, b.count) }
    }

    @Test func linesThatSayTheProcessDied() {
        #expect(Self.kind("Traceback (most recent call last):") == .traceback)
        #expect(Self.kind("[rank0]: Traceback (most recent call last):") == .traceback)
        #expect(Self.kind("torch.distributed.elastic.multiprocessing.errors.ChildFailedError: ") == .childFailed)
        #expect(Self.kind("  exitcode  : -9 (pid: 4100)") == .exitCode)
        #expect(Self.kind("  exitcode  : 0 (pid: 4100)") == nil)
        #expect(Self.kind("srun: error: node7: task 3: Exited with exit code 1") == .exitCode)
        #expect(Self.kind("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB") == .outOfMemory)
        #expect(Self.kind("slurmstepd: error: Detected 1 oom-kill event(s) in StepId=123.0") == .outOfMemory)
        #expect(Self.kind("slurmstepd: error: *** JOB 123 ON node7 CANCELLED AT 2025-01-01T12:00:00 DUE TO TIME LIMIT ***") == .timeLimit)
        #expect(Self.kind("slurmstepd: error: *** JOB 123 ON node7 CANCELLED AT 2025-01-01T12:00:00 ***") == .cancelled)
        #expect(Self.kind("[E ProcessGroupNCCL.cpp:475] [Rank 3] Watchdog caught collective operation timeout") == .ncclTimeout)
        #expect(Self.kind("  traceback : Signal 9 (SIGKILL) received by PID 4100") == .killed)
        #expect(Self.kind("Killed") == .killed)
        // Not evidence: ordinary lines, warnings, the word in a path.
        #expect(Self.kind("[Ep]: [   3/200]  [ 249/1000]  eta: 0:01:00  Lm: 7.1 (7.2)") == nil)
        #expect(Self.kind("UserWarning: torch.meshgrid: in an upcoming release, it will be required") == nil)
        #expect(Self.kind("  exitcode_dir : /tmp/exitcodes") == nil)
        #expect(Self.kind("Killed the warm-up early") == nil)
    }

    @Test func evidenceAfterTheLastTrainingLineIsTerminal() {
        let text = """
        [Ep]: [   0/4]  [ 9/10]  Lm: 6.0 (6.0)
        Traceback (most recent call last):
          File "train.py", line 3, in <module>
        RuntimeError: a caught error the loop survived
        [Ep]: [   1/4]  [ 9/10]  Lm: 5.9 (5.9)
        Traceback (most recent call last):
          File "train.py", line 9, in <module>
        RuntimeError: CUDA error: an illegal memory access was encountered
        torch.distributed.elastic.multiprocessing.errors.ChildFailedError:

        """
        let r = VARStdoutReader.parse(Array(text.utf8), path: "stdout.txt")
        #expect(r.crashEvidence.map(\.kind) == [.traceback, .traceback, .childFailed])
        #expect(r.crashEvidence.map(\.terminal) == [false, true, true])
        #expect(r.crashEvidence.map(\.line) == [2, 6, 9])
        // A traceback is reported by the exception that ends it.
        #expect(r.crashEvidence[1].text == "RuntimeError: CUDA error: an illegal memory access was encountered")
    }

    /// VAR's SyncPrint writes a RESTART banner per rank that shares the file: copies in the same
    /// second with no training between are one launch.
    @Test func bannersOfSeveralRanksAreOneLaunch() {
        func banner(_ t: String) -> String { "\n\n\n\n\n\n\n" + String(repeating: "=", count: 55) + "   RESTART [\(t)]   " + String(repeating: "=", count: 55) + "\n" }
        let text = "[Ep]: [   0/4]  [ 9/10]  Lm: 6.0 (6.0)\n"
            + banner("01-01 11:00:00") + banner("01-01 11:00:00") + banner("01-01 11:00:01") + banner("01-01 11:00:00")
            + "[01-01 11:00:05] (t/VAR/train.py, line  64)=> [auto_resume success] resume from ep1, it0\n"
            + "[Ep]: [   1/4]  [ 9/10]  Lm: 5.9 (5.9)\n"
            + banner("01-01 12:00:00")
        let r = VARStdoutReader.parse(Array(text.utf8), path: "stdout.txt")
        #expect(r.launches.count == 3)
        #expect(r.launches[1].duplicateBanners == 3 && r.launches[1].resumeEpoch == 1 && r.launches[1].firstEpoch == 1)
        #expect(r.launches[2].startedAt == "01-01 12:00:00" && !r.launches[2].trained)
        #expect(r.restartEpochs == [1])
    }

    @Test func stderrIsReadForBannersAndEvidence() {
        let text = "Traceback (most recent call last):\n  File \"x.py\"\nValueError: bad\n"
            + "\n\n\n\n\n\n\n" + String(repeating: "=", count: 55) + "   RESTART [12-31 22:28:45]   " + String(repeating: "=", count: 55) + "\n"
            + "[12-31 22:30:00] (t/VAR/train.py, line  64)=> torch.OutOfMemoryError: CUDA out of memory.\n"
        let r = ConsoleLogReader.parse(Array(text.utf8), path: "stderr.txt")
        #expect(r.series.isEmpty)
        #expect(r.sources.first?.format == .console)
        #expect(r.launches.count == 2)
        #expect(r.crashEvidence.map(\.kind) == [.traceback, .outOfMemory])
        #expect(r.crashEvidence.map(\.terminal) == [false, true])
        #expect(r.crashEvidence[0].text == "ValueError: bad")
    }
}
