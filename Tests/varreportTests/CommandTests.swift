import Foundation
import Testing

@Suite struct SummaryAndCheckTests {
    @Test func summaryJSONHasTheContractFieldsAndTheTrueCrossing() throws {
        let r = CLI.run(["summary", CLI.example, "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(json["schema"] as? String == "varreport.summary/1")
        #expect(json["threshold"] as? Double == 5.5)
        #expect(json["vocab_size"] as? Int == 4096)
        let run = try #require(json["run"] as? [String: Any])
        #expect(run["status"] as? String == "finished")
        #expect(run["epochs_completed"] as? Int == 200)
        #expect(run["epochs_planned"] as? Int == 200)
        #expect((run["restarts"] as? Int ?? 0) >= 1)
        #expect((run["sources"] as? [[String: Any]])?.count ?? 0 >= 3)

        let answers = try CLI.answers()
        let truth = try #require((answers["metrics"] as? [String: Any])?["L_tail"] as? [String: Any])
        let metrics = try #require(json["metrics"] as? [String: Any])
        let lt = try #require(metrics["train/loss_tail"] as? [String: Any])
        let firstBelow = try #require(lt["first_below"] as? [String: Any])
        #expect(firstBelow["epoch"] as? Int == (truth["first_below"] as? [String: Any])?["epoch"] as? Int)
        #expect((lt["stays_below_from"] as? [String: Any])?["epoch"] as? Int == truth["stays_below_from"] as? Int)
        let lm = try #require(metrics["train/loss_mean"] as? [String: Any])
        #expect(lm["first_below"] is NSNull, "train/loss_mean never reaches 5.5 in the example")
        #expect(lm["stays_below_from"] is NSNull)
        for key in ["overfitting", "early_stop", "verdict", "findings", "uniform_loss"] {
            #expect(json.keys.contains(key), "missing \(key)")
        }
    }

    @Test func summaryTableNamesTheVerdictAndTheMetrics() {
        let r = CLI.run(["summary", CLI.example])
        #expect(r.status == 0)
        #expect(r.stdout.contains("train/loss_tail"))
        #expect(r.stdout.contains("train/loss_mean"))
        #expect(!r.stdout.contains("\u{1B}["), "no colour codes when stdout is not a terminal")
    }

    @Test func checkExitsZeroWhenMetAndOneWhenNot() {
        #expect(CLI.run(["check", CLI.example, "--metric", "train/loss_tail", "--below", "5.5"]).status == 0)
        let fail = CLI.run(["check", CLI.example, "--metric", "train/loss_mean", "--below", "5.5"])
        #expect(fail.status == 1)
        #expect(fail.stdout.hasPrefix("FAIL train/loss_mean"))
        #expect(CLI.run(["check", CLI.example, "--metric", "val/loss_tail", "--below", "7"]).status == 0)
    }

    @Test func unknownMetricIsAUsageError() {
        let r = CLI.run(["check", CLI.example, "--metric", "train/nonsense", "--below", "5"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("train/nonsense") && r.stderr.contains("train/loss_tail"))
    }
}

@Suite struct ErrorExitTests {
    @Test func missingRunNamesThePath() {
        let r = CLI.run(["summary", "/nonexistent/run-folder"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("/nonexistent/run-folder"))
    }

    @Test func unrecognisedFileNamesTheFile() throws {
        let dir = CLI.temporaryDirectory()
        let path = dir + "/weights.bin"
        try Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 7919) }).write(to: URL(fileURLWithPath: path))
        let r = CLI.run(["summary", path])
        #expect(r.status == 2)
        #expect(r.stderr.contains("weights.bin"))
    }

    @Test func usageErrorsExitTwo() {
        #expect(CLI.run(["summary"]).status == 2)
        #expect(CLI.run(["check", CLI.example, "--metric", "train/loss_tail"]).status == 2)
        #expect(CLI.run(["summary", CLI.example, "--threshold", "-1"]).status == 2)
        #expect(CLI.run(["plot", CLI.example, "--metric", "train/loss_tail", "-o", "x.gif"]).status == 2)
    }

    @Test func helpExitsZeroWithExamples() {
        for command in ["report", "plot", "summary", "check", "sweep", "export"] {
            let r = CLI.run([command, "--help"])
            #expect(r.status == 0)
            #expect(r.stdout.contains("Examples:"), "\(command) --help has examples")
        }
    }

    /// At 80 columns every example is whole: a command runs over lines only where it says so
    /// with a trailing backslash, never because the help was wrapped in the middle of it.
    @Test func helpExamplesNeverWrapInsideACommand() {
        for command in ["", "report", "plot", "summary", "check", "sweep", "export", "compare", "watch"] {
            let r = CLI.run((command.isEmpty ? [] : [command]) + ["--help"], environment: ["COLUMNS": "80"])
            #expect(r.status == 0)
            guard let start = r.stdout.range(of: "Examples:\n") else { Issue.record("\(command): no examples"); continue }
            let block = r.stdout[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
                .prefix { !$0.isEmpty }
            var continues = false
            for line in block {
                #expect(line.count <= 80, "\(command): '\(line)' is wider than 80 columns")
                if continues {
                    #expect(line.hasPrefix("      "), "\(command): continuation '\(line)' not indented")
                } else {
                    #expect(line.hasPrefix("  varreport "), "\(command): '\(line)' is a wrapped piece of a command")
                }
                continues = line.hasSuffix(" \\")
            }
            #expect(!continues, "\(command): the last example ends in a backslash")
        }
    }

    @Test func completionScriptsForEveryShell() {
        for shell in ["bash", "zsh", "fish"] {
            let r = CLI.run(["--generate-completion-script", shell])
            #expect(r.status == 0)
            #expect(r.stdout.contains("report") && r.stdout.contains("summary"), "\(shell) completion names the commands")
        }
    }

    @Test func badConfigFileNamesTheFileAndKey() throws {
        let dir = CLI.temporaryDirectory()
        try "threshold: 5.5\nthreshhold: 6\n".write(toFile: dir + "/varreport.yaml", atomically: true, encoding: .utf8)
        let r = CLI.run(["summary", CLI.example, "--config", dir + "/varreport.yaml"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("varreport.yaml") && r.stderr.contains("threshhold"))
    }

    @Test func configFileCarriesAnalysisSettings() throws {
        let dir = CLI.temporaryDirectory()
        // With a patience of 6 validation checks the example's late rise (at most 5 checks) is not overfitting.
        try "analysis:\n  overfitting_patience: 6\n  early_stop_patience: 6\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let strict = CLI.run(["summary", CLI.example, "--json"])
        let lenient = CLI.run(["summary", CLI.example, "--json", "--config", dir + "/c.yaml"])
        #expect(strict.status == 0 && lenient.status == 0, "\(lenient.stderr)")
        #expect(strict.stdout.contains("\"verdict\" : \"overfitting\""))
        #expect(!lenient.stdout.contains("\"verdict\" : \"overfitting\""))
        try "analysis:\n  overfiting_patience: 5\n".write(toFile: dir + "/typo.yaml", atomically: true, encoding: .utf8)
        let typo = CLI.run(["summary", CLI.example, "--config", dir + "/typo.yaml"])
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("typo.yaml") && typo.stderr.contains("overfiting_patience"))
    }

    @Test func configFileSetsTheThreshold() throws {
        let dir = CLI.temporaryDirectory()
        try "threshold: 6.0\n".write(toFile: dir + "/c.yaml", atomically: true, encoding: .utf8)
        let r = CLI.run(["summary", CLI.example, "--json", "--config", dir + "/c.yaml"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("\"threshold\" : 6"))
        let cli = CLI.run(["summary", CLI.example, "--json", "--config", dir + "/c.yaml", "--threshold", "5.8"])
        #expect(cli.stdout.contains("\"threshold\" : 5.8"), "the command line wins over the file")
    }
}

@Suite struct ReportAndPlotTests {
    @Test func reportWritesEverythingAndThePDFStatesTheCrossing() throws {
        let out = CLI.temporaryDirectory("report")
        let r = CLI.run(["report", CLI.example, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["report.pdf", "report.html", "report.md", "summary.json", "figures/loss.png", "figures/accuracy.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "missing \(f)")
        }
        #expect(r.stdout.contains(out))
        let text = CLI.tool("pdftotext", ["-layout", out + "/report.pdf", "-"]).stdout
        let answers = try CLI.answers()
        let epoch = (((answers["metrics"] as? [String: Any])?["L_tail"] as? [String: Any])?["first_below"] as? [String: Any])?["epoch"] as? Int
        #expect(text.contains("train/loss_tail went below 5.5 at epoch \(epoch ?? -1)"))
        #expect(text.contains("train/loss_mean did not reach 5.5"))
        let info = CLI.tool("pdfinfo", [out + "/report.pdf"]).stdout
        #expect(info.contains("Title:"))
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(pages >= 3)
        // The outline: every section is a bookmark (cairo writes them as /Title entries).
        let raw = String(decoding: try Data(contentsOf: URL(fileURLWithPath: out + "/report.pdf")), as: UTF8.self)
        #expect(raw.contains("/Outlines"))
        for section in ["Key numbers", "Findings", "Figures", "Loss", "Sources", "Warnings"] {
            #expect(raw.contains("/Title (\(section))"), "no bookmark for \(section)")
        }
    }

    @Test func severalRunsWithTheSameNameGetTheirOwnFolders() throws {
        let parent = CLI.temporaryDirectory()
        for group in ["a", "b"] {
            try FileManager.default.createDirectory(atPath: parent + "/" + group, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: CLI.example, toPath: parent + "/\(group)/var-d16")
        }
        let out = parent + "/reports"
        let r = CLI.run(["report", parent + "/a/var-d16", parent + "/b/var-d16", "-o", out, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let folders = try FileManager.default.contentsOfDirectory(atPath: out).sorted()
        #expect(folders.count == 2, "\(folders)")
        for f in folders { #expect(FileManager.default.fileExists(atPath: out + "/\(f)/report.pdf")) }
    }

    @Test func hostileRunNameIsEscapedInHTML() throws {
        let parent = CLI.temporaryDirectory()
        let hostile = parent + "/<img src=x onerror=alert(1)>"
        try FileManager.default.copyItem(atPath: CLI.example, toPath: hostile)
        let out = parent + "/out"
        let r = CLI.run(["report", hostile, "-o", out])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: out + "/report.html", encoding: .utf8)
        #expect(!html.contains("<img src=x"))
        #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
    }

    @Test func plotWritesEachFormat() throws {
        let dir = CLI.temporaryDirectory()
        for ext in ["png", "svg", "pdf"] {
            let path = dir + "/loss.\(ext)"
            let r = CLI.run(["plot", CLI.example, "--metric", "train/loss_tail", "--metric", "val/loss_tail", "-o", path])
            #expect(r.status == 0, "\(r.stderr)")
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            switch ext {
            case "png": #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
            case "pdf": #expect(data.starts(with: Array("%PDF".utf8)))
            default: #expect(String(decoding: data, as: UTF8.self).contains("<svg"))
            }
        }
        let text = CLI.tool("pdftotext", [dir + "/loss.pdf", "-"]).stdout
        #expect(text.contains("threshold 5.5"))
    }

    /// One run, several files: each written, the PDF the same bytes as when written alone, and
    /// the same file twice refused.
    @Test func plotWritesSeveralFormatsFromOneRead() throws {
        let dir = CLI.temporaryDirectory()
        let r = CLI.run(["plot", CLI.example, "--figure", "overview", "-o", dir + "/o.png", "-o", dir + "/o.pdf", "-o", dir + "/o.svg"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("o.png") && r.stdout.contains("o.pdf") && r.stdout.contains("o.svg"))
        #expect(CLI.run(["plot", CLI.example, "--figure", "overview", "-o", dir + "/alone.pdf"]).status == 0)
        let together = try Data(contentsOf: URL(fileURLWithPath: dir + "/o.pdf"))
        let alone = try Data(contentsOf: URL(fileURLWithPath: dir + "/alone.pdf"))
        #expect(together == alone)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/o.png")).starts(with: [0x89, 0x50, 0x4E, 0x47]))
        let twice = CLI.run(["plot", CLI.example, "--figure", "overview", "-o", dir + "/t.png", "-o", dir + "/./t.png"])
        #expect(twice.status == 2 && twice.stderr.contains("twice"))
        // One file cannot be written (procfs takes no new files): the other is still written,
        // the failure is named once, and the exit status is 2.
        let partly = CLI.run(["plot", CLI.example, "--figure", "loss", "-o", dir + "/kept.png", "-o", "/proc/varreport-test.pdf"])
        #expect(partly.status == 2)
        #expect(partly.stderr.components(separatedBy: "/proc/varreport-test.pdf").count == 2, "\(partly.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir + "/kept.png"))
    }

    @Test func plotScaleDoublesPixels() throws {
        let dir = CLI.temporaryDirectory()
        #expect(CLI.run(["plot", CLI.example, "--metric", "train/acc_tail", "-o", dir + "/a.png", "--size", "400x300", "--scale", "2"]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/a.png"))
        // PNG IHDR: width and height as big-endian 32-bit at bytes 16 and 20.
        let width = data[16..<20].reduce(0) { $0 << 8 | Int($1) }
        let height = data[20..<24].reduce(0) { $0 << 8 | Int($1) }
        #expect(width == 800 && height == 600)
    }
}
