import Foundation
import Testing

/// `varreport compare`: runs overlaid by name, the differing config and the numbers side by
/// side, no scaling law.
@Suite struct CompareCommandTests {
    static let sweep = CLI.repositoryRoot.appendingPathComponent("Tests/Fixtures/sweep").path

    @Test func twoRunsSideBySide() throws {
        let out = CLI.temporaryDirectory("compare")
        let r = CLI.run(["compare", Self.sweep + "/d16-seed0", Self.sweep + "/d20-seed0", "-o", out + "/c", "-o", out + "/loss.svg", "-o", out + "/loss.png"])
        #expect(r.status == 0, "\(r.stderr)")
        for f in ["c/compare.md", "c/compare.html", "c/compare.pdf", "c/figures/compare_loss.png", "c/figures/compare_accuracy.png", "loss.svg", "loss.png"] {
            #expect(FileManager.default.fileExists(atPath: out + "/" + f), "\(f)")
        }
        let md = try String(contentsOfFile: out + "/c/compare.md", encoding: .utf8)
        #expect(md.contains("| | d16-seed0 | d20-seed0 |"))
        #expect(md.contains("| depth | 16 | 20 |"), "the config value that differs")
        #expect(!md.contains("| bs |"), "a value both runs share is not listed")
        #expect(md.contains("| train/loss\\_tail first below 5.5 |"))
        #expect(!md.lowercased().contains("scaling"), "no scaling law between two runs")
        let pdf = CLI.tool("pdftotext", [out + "/c/compare.pdf", "-"]).stdout
        #expect(pdf.contains("Run comparison: d16-seed0, d20-seed0") && pdf.contains("depth"))
        let html = try String(contentsOfFile: out + "/c/compare.html", encoding: .utf8)
        #expect(html.contains("<th class=\"num\">d20-seed0</th>"))
        #expect(html.contains("<svg"), "figures inline")
    }

    @Test func runsOfOneNameAreTold() throws {
        let out = CLI.temporaryDirectory("compare-same")
        // The same run twice: two columns, the second named apart.
        let r = CLI.run(["compare", Self.sweep + "/d16-seed0", Self.sweep + "/d16-seed0/", "-o", out, "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOfFile: out + "/compare.md", encoding: .utf8)
        #expect(md.contains("| | d16-seed0 | d16-seed0-2 |"))
        #expect(md.contains("The runs' logs state the same config"))
    }

    @Test func usage() {
        #expect(CLI.run(["compare", Self.sweep + "/d16-seed0"]).status == 2)
        #expect(CLI.run(["compare", Self.sweep + "/d16-seed0", "/nonexistent-run"]).status == 2)
    }
}

/// The data behind a figure: `plot -o x.csv|x.json` and each report figure's files.
@Suite struct FigureDataCommandTests {
    @Test func plotWritesTheDataAsDrawn() throws {
        let dir = CLI.temporaryDirectory("plot-data")
        let r = CLI.run(["plot", CLI.example, "--figure", "loss", "-o", dir + "/loss.csv", "-o", dir + "/loss.json", "-q"])
        #expect(r.status == 0, "\(r.stderr)")
        let csv = try String(contentsOfFile: dir + "/loss.csv", encoding: .utf8).split(separator: "\n")
        // The example's known answers: crossing at epoch 44, overfitting region from 169.
        #expect(csv.contains { $0.hasPrefix("Loss,point,train/loss_tail first below 5.5,44.0,") })
        #expect(csv.contains("Loss,rule,threshold 5.5,,5.5,,,,"))
        // Each point says where it was logged: an iteration of epoch 1, the epoch-44 average.
        #expect(csv.contains("Loss,line,train/loss_tail (raw),1.0,7.441,,,1,250"))
        #expect(csv.contains { $0.hasPrefix("Loss,line,train/loss_tail,44.0,") && $0.hasSuffix(",,,44,11250") })
        #expect(csv.contains { $0.hasPrefix("Loss,region,overfitting from epoch 169,169.0,") })
        #expect(csv.filter { $0.hasPrefix("Loss,line,train/loss_tail,") }.count == 200)
        #expect(csv.filter { $0.hasPrefix("Loss,point,val/loss_tail,") }.count == 20)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/loss.json"))) as? [String: Any])
        #expect((json["panels"] as? [Any])?.count == 1)
        #expect(CLI.run(["plot", CLI.example, "--figure", "loss", "-o", dir + "/loss.txt"]).status == 2)
    }

    @Test func aReportHasEachFiguresDataInItsUnit() throws {
        let dir = CLI.temporaryDirectory("report-data")
        #expect(CLI.run(["report", CLI.example, "-o", dir, "-q"]).status == 0)
        let manifest = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir + "/.varreport-manifest.json"))) as? [String: Any])
        let files = Set(((manifest["files"] as? [[String: Any]]) ?? []).compactMap { $0["path"] as? String })
        for id in ["loss", "accuracy", "grad_norm"] {
            #expect(files.contains("figures/\(id).csv") && files.contains("figures/\(id).json"), "\(id)")
        }
        let md = try String(contentsOfFile: dir + "/report.md", encoding: .utf8)
        #expect(md.contains("[figures/loss.csv](figures/loss.csv)"))
    }
}
