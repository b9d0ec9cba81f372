import Foundation
import Testing

/// Errors about the output and about unusable input: one line, the path and the cause in words,
/// exit 2, and never a Foundation error domain, code or UserInfo.
@Suite struct OutputErrorTests {
    static func expectOneClearLine(_ r: CLI.Result, naming path: String, saying cause: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, sourceLocation: sourceLocation)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(path) && r.stderr.contains(cause), "\(r.stderr)", sourceLocation: sourceLocation)
        for dump in ["Error Domain", "NSCocoaErrorDomain", "UserInfo", "Code=", "NSFilePath"] {
            #expect(!r.stderr.contains(dump), "\(r.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func anOutputFolderThatIsAFile() throws {
        let dir = CLI.temporaryDirectory("out-file")
        let file = dir + "/taken"
        try "mine".write(toFile: file, atomically: true, encoding: .utf8)
        Self.expectOneClearLine(CLI.run(["report", CLI.example, "-o", file, "--quiet"]), naming: file, saying: "is a file, not a folder")
        Self.expectOneClearLine(CLI.run(["report", CLI.example, "-o", file + "/sub", "--quiet"]), naming: file, saying: "is a file, not a folder")
        Self.expectOneClearLine(CLI.run(["plot", CLI.example, "--figure", "loss", "-o", file + "/x.png", "--quiet"]),
                                naming: file + "/x.png", saying: "is a file, not a folder")
        Self.expectOneClearLine(CLI.run(["sweep", CLI.example, "-o", file, "--quiet"]), naming: file, saying: "is a file, not a folder")
        // The user's file is untouched.
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "mine")
    }

    @Test func aFolderWithNoUsableDataSaysWhatWasFound() throws {
        let dir = CLI.temporaryDirectory("no-data")
        try FileManager.default.createDirectory(atPath: dir + "/empty", withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/empty/stdout.txt", contents: Data())
        for command in [["summary"], ["report", "-o", dir + "/out"], ["check", "--metric", "train/loss_tail", "--below", "5.5"]] {
            let args = [command[0], dir + "/empty"] + command.dropFirst()
            Self.expectOneClearLine(CLI.run(args), naming: dir + "/empty", saying: "stdout.txt is empty")
        }
        try FileManager.default.createDirectory(atPath: dir + "/header", withIntermediateDirectories: true)
        try "epoch,train/loss_tail\n".write(toFile: dir + "/header/metrics.csv", atomically: true, encoding: .utf8)
        Self.expectOneClearLine(CLI.run(["summary", dir + "/header"]), naming: "metrics.csv", saying: "no numeric values")
        #expect(!FileManager.default.fileExists(atPath: dir + "/out"))
    }

    /// A full disk, for real: a 256 kB tmpfs (the tests run as root in CI; elsewhere the mount
    /// is refused and the test says so). The message names the cause; the old files stay whole.
    /// Runs `body` with a fresh tmpfs mounted with `options` (the tests run as root in CI);
    /// says so and skips it where mounting is refused.
    static func withTmpfs(_ options: String, _ test: String, _ body: (String) throws -> Void) throws {
        let mountPoint = CLI.temporaryDirectory(test)
        let mount = CLI.tool("/bin/mount", ["-t", "tmpfs", "-o", options, "tmpfs", mountPoint])
        guard mount.status == 0 else {
            print("\(test): not run, cannot mount a tmpfs here: \(mount.stderr)")
            return
        }
        defer { _ = CLI.tool("/bin/umount", [mountPoint]) }
        try body(mountPoint)
    }

    @Test func aFullDiskSaysSoAndKeepsTheOldFiles() throws {
        try Self.withTmpfs("size=256k", "full-disk") { mountPoint in
            let old = mountPoint + "/loss.png"
            try "old figure".write(toFile: old, atomically: false, encoding: .utf8)
            // A figure far larger than the disk.
            let plot = CLI.run(["plot", CLI.example, "--figure", "loss", "--size", "4000x3000", "-o", old, "--quiet"])
            Self.expectOneClearLine(plot, naming: old, saying: "no space left on the disk")
            #expect(try String(contentsOfFile: old, encoding: .utf8) == "old figure")
            let report = CLI.run(["report", CLI.example, "-o", mountPoint + "/report", "--quiet"])
            Self.expectOneClearLine(report, naming: mountPoint + "/report", saying: "no space left on the disk")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: mountPoint)) ?? []
            #expect(left.filter { $0.hasSuffix(".tmp") }.isEmpty, "\(left)")
        }
    }

    /// Runs varreport as the unprivileged user `nobody` (the tests run as root, for whom
    /// permissions do not apply); nil when setpriv cannot drop privileges here.
    static func runAsNobody(_ arguments: [String]) -> CLI.Result? {
        let probe = CLI.tool("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/bin/true"])
        guard probe.status == 0 else {
            print("permission tests not run: setpriv cannot drop privileges here: \(probe.stderr)")
            return nil
        }
        return CLI.tool("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.binary] + arguments)
    }

    @Test func permissionDeniedOnTheOutputAndOnAnInputFile() throws {
        let dir = CLI.temporaryDirectory("perm")
        chmod(dir, 0o755)
        // The output folder belongs to root: nobody may not write into it.
        let locked = dir + "/locked"
        try FileManager.default.createDirectory(atPath: locked, withIntermediateDirectories: true)
        chmod(locked, 0o755)
        guard let out = Self.runAsNobody(["report", CLI.example, "-o", locked + "/report", "--quiet"]) else { return }
        Self.expectOneClearLine(out, naming: locked + "/report", saying: "permission denied")
        // A run whose stdout.txt nobody may not read: said so, not "no recognised log".
        let run = dir + "/run"
        try FileManager.default.createDirectory(atPath: run, withIntermediateDirectories: true)
        chmod(run, 0o755)
        try FileManager.default.copyItem(atPath: CLI.example + "/stdout.txt", toPath: run + "/stdout.txt")
        chmod(run + "/stdout.txt", 0o600)
        let unreadable = try #require(Self.runAsNobody(["summary", run]))
        Self.expectOneClearLine(unreadable, naming: run, saying: "stdout.txt: cannot open: permission denied")
        #expect(!unreadable.stderr.contains("no recognised log"), "\(unreadable.stderr)")
        let file = try #require(Self.runAsNobody(["summary", run + "/stdout.txt"]))
        Self.expectOneClearLine(file, naming: run + "/stdout.txt", saying: "permission denied")
    }

    @Test func aReadOnlyFileSystemSaysSo() throws {
        try Self.withTmpfs("ro,size=64k", "read-only") { mountPoint in
            Self.expectOneClearLine(CLI.run(["report", CLI.example, "-o", mountPoint + "/report", "--quiet"]),
                                    naming: mountPoint + "/report", saying: "the file system is read-only")
            Self.expectOneClearLine(CLI.run(["plot", CLI.example, "--figure", "loss", "-o", mountPoint + "/loss.png", "--quiet"]),
                                    naming: mountPoint + "/loss.png", saying: "the file system is read-only")
        }
    }
}
