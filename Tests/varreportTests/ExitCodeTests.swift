import Foundation
import Testing

/// CONTRACT.md's table of exit codes, command by command, each row run: scripts branch on
/// these numbers.
@Suite struct ExitCodeTests {
    struct Row: CustomStringConvertible, Sendable {
        var arguments: [String]
        var status: Int32
        var stderrSays: String? = nil
        var description: String { arguments.joined(separator: " ") + " -> \(status)" }
    }

    static let example = CLI.example
    static let tmp = CLI.temporaryDirectory("exit-codes")
    static let empty: String = {
        let dir = tmp + "/empty-run"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir + "/stdout.txt", contents: Data())
        return dir
    }()

    static let rows: [Row] = [
        // report
        Row(arguments: ["report", example, "-o", tmp + "/r1", "-q"], status: 0),
        Row(arguments: ["report", example, "/nonexistent-run", "-o", tmp + "/r2", "-q"], status: 1, stderrSays: "/nonexistent-run: no such file or folder"),
        Row(arguments: ["report", "/nonexistent-run", "-o", tmp + "/r3", "-q"], status: 2, stderrSays: "no such file or folder"),
        Row(arguments: ["report", empty, "-o", tmp + "/r4", "-q"], status: 2, stderrSays: "stdout.txt is empty"),
        Row(arguments: ["report", example, "--bogus"], status: 2, stderrSays: "Unknown option"),
        // plot
        Row(arguments: ["plot", example, "--metric", "train/loss_tail", "-o", tmp + "/p.png", "-q"], status: 0),
        Row(arguments: ["plot", example, "--metric", "no/such", "-o", tmp + "/p2.png", "-q"], status: 2, stderrSays: "no data for no/such"),
        Row(arguments: ["plot", example, "--metric", "train/loss_tail", "-o", tmp + "/p.gif"], status: 2, stderrSays: ".png, .pdf, .svg, .csv or .json"),
        Row(arguments: ["plot", empty, "--metric", "train/loss_tail", "-o", tmp + "/p3.png"], status: 2, stderrSays: "stdout.txt is empty"),
        // summary
        Row(arguments: ["summary", example, "--json"], status: 0),
        Row(arguments: ["summary", "/nonexistent-run"], status: 2, stderrSays: "no such file or folder"),
        Row(arguments: ["summary", empty], status: 2, stderrSays: "stdout.txt is empty"),
        // check
        Row(arguments: ["check", example, "--metric", "train/loss_tail", "--below", "9"], status: 0),
        Row(arguments: ["check", example, "--metric", "train/loss_tail", "--below", "1"], status: 1),
        Row(arguments: ["check", example, "--metric", "no/such", "--below", "1"], status: 2, stderrSays: "no data for metric 'no/such'"),
        Row(arguments: ["check", empty, "--metric", "train/loss_tail", "--below", "1"], status: 2, stderrSays: "stdout.txt is empty"),
        // sweep
        Row(arguments: ["sweep", example, "-o", tmp + "/s1", "-q"], status: 0),
        Row(arguments: ["sweep", example, empty, "-o", tmp + "/s2", "-q"], status: 1, stderrSays: "empty-run"),
        Row(arguments: ["sweep", "/nonexistent-runs", "-o", tmp + "/s3"], status: 2, stderrSays: "/nonexistent-runs"),
        Row(arguments: ["sweep", "--merge", tmp + "/r1"], status: 2),
        // compare
        Row(arguments: ["compare", example, example, "-o", tmp + "/c1", "-q"], status: 0),
        Row(arguments: ["compare", example], status: 2, stderrSays: "at least two runs"),
        Row(arguments: ["compare", example, "/nonexistent-run", "-o", tmp + "/c2"], status: 2, stderrSays: "no such file or folder"),
        // watch
        Row(arguments: ["watch", example, "--interval", "0.1"], status: 0),
        Row(arguments: ["watch", CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/diagnosis/crashed-finetune").path,
                        "--interval", "0.1", "--exit-on", "crashed"], status: 3),
        Row(arguments: ["watch", "/nonexistent-run"], status: 2, stderrSays: "no such file or folder"),
        Row(arguments: ["watch", example, "--exit-on", "overfit"], status: 2, stderrSays: "unknown event 'overfit'"),
        // export
        Row(arguments: ["export", example, "--format", "csv", "-o", tmp + "/e.csv"], status: 0),
        Row(arguments: ["export", example, "--format", "xml"], status: 2, stderrSays: "'xml' is invalid"),
        Row(arguments: ["export", empty, "--format", "csv"], status: 2, stderrSays: "stdout.txt is empty"),
    ]

    @Test(arguments: rows) func exitCodeIsTheContracts(_ row: Row) {
        let r = CLI.run(row.arguments)
        #expect(r.status == row.status, "\(row): \(r.stderr)")
        if let says = row.stderrSays { #expect(r.stderr.contains(says), "\(row): \(r.stderr)") }
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Error Domain"), "\(row): \(r.stderr)")
    }

    /// Every command of the contract has rows here.
    @Test func everyCommandIsCovered() {
        let commands = Set(Self.rows.map { $0.arguments[0] })
        #expect(commands == ["report", "plot", "summary", "check", "sweep", "compare", "watch", "export"])
    }
}
