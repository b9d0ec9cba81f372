import Analysis
import Foundation
import Pipeline
import Render
@testable import Report
import Testing
import TrainingLog

/// From a config file through the analysis to what the report says and the figures draw: each
/// setting has one home, and every output reads it there.
@Suite struct SettingsToOutputsTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }
    static var example: String { root.appendingPathComponent("Examples/var-d16").path }

    static func temporaryDirectory() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-pipeline-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func settings(config yaml: String, _ cli: CommandLineSettings = CommandLineSettings()) throws -> Settings {
        let path = temporaryDirectory() + "/varreport.yaml"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return try Settings.resolve(cli, config: try ConfigFile.load(path), configPath: path, now: nil)
    }

    @Test func aPerMetricThresholdReachesEveryOutput() throws {
        let settings = try Self.settings(config: "thresholds:\n  train/loss_mean: 6.0\n")
        let (run, summary) = try RunPipeline.analyse(Self.example, settings: settings)
        #expect(summary.metrics["train/loss_mean"]?.threshold == 6)
        #expect(summary.metrics["train/loss_tail"]?.threshold == 5.5)
        let model = ReportModel(summary: summary)

        // The sentences: each loss with its own bar.
        let mean = try #require(model.crossings.first { $0.metric == "train/loss_mean" })
        #expect(mean.sentence.hasPrefix("train/loss_mean went below 6 at epoch 83"))
        #expect(model.thresholdText == "5.5 (train/loss_mean: 6)")

        // The terminal table: no single "first < 5.5" header when the bars differ.
        let terminal = TerminalSummary.render(model, color: false)
        #expect(!terminal.contains("first < 5.5"))
        let meanLine = try #require(terminal.split(separator: "\n").first { $0.hasPrefix("train/loss_mean") })
        #expect(meanLine.split(separator: " ").contains("6"))

        // The figure: one rule per distinct threshold, each star labelled with its own.
        let chart = try #require(VARFigures.lossChart(run: run, summary: summary, settings: settings.report.figures))
        let rules = chart.marks.compactMap { $0 as? RuleMark }.filter { ($0.label ?? "").hasPrefix("threshold") }
        #expect(Set(rules.map { $0.orientation }) == Set([RuleMark.Orientation.horizontal(y: 5.5), .horizontal(y: 6)]))
        let texts = chart.marks.compactMap { $0 as? TextMark }.map(\.text)
        #expect(texts.contains { $0.hasPrefix("Lm < 6: epoch 83") })
        #expect(texts.contains { $0.hasPrefix("Lt < 5.5: epoch 44") })

        // The written report: Markdown, HTML and PDF say the metric's own bar.
        let dir = Self.temporaryDirectory()
        let files = try ReportWriter(settings: settings.report).write(run: run, summary: summary, to: dir)
        let mdPath = try #require(files.markdown), htmlPath = try #require(files.html), pdfPath = try #require(files.pdf)
        let markdown = try String(contentsOfFile: mdPath, encoding: .utf8)
        #expect(markdown.contains("train/loss\\_mean went below 6 at epoch 83 (5.998)"))
        #expect(!markdown.contains("train/loss\\_mean went below 5.5"))
        #expect(markdown.contains("5.5 (train/loss\\_mean: 6)"))
        let html = try String(contentsOfFile: htmlPath, encoding: .utf8)
        #expect(html.contains("train/loss_mean went below 6 at epoch 83"))
        if let pdfText = Self.pdftotext(pdfPath) {
            #expect(pdfText.contains("5.5 (train/loss_mean: 6)"))
            #expect(pdfText.contains("train/loss_mean went below 6 at epoch 83"))
        }
    }

    @Test func theSmoothingWeightOfTheAnalysisIsTheOneDrawn() throws {
        // An iteration-only CSV that crosses 5.5 noisily: the crossing depends on the weight.
        let dir = Self.temporaryDirectory()
        var csv = "step,train/loss\n"
        var seed: UInt64 = 7
        for i in 0..<400 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let noise = (Double(seed >> 11) / Double(1 << 53) - 0.5) * 0.6
            csv += "\(i * 10),\(5.0 + 3.3 * exp(-Double(i) / 80) + noise)\n"
        }
        try csv.write(toFile: dir + "/metrics.csv", atomically: true, encoding: .utf8)
        let settings = try Self.settings(config: "analysis:\n  ema_weight: 0.95\n")
        #expect(settings.analysis.emaWeight == 0.95)
        let (run, summary) = try RunPipeline.analyse(dir + "/metrics.csv", settings: settings)
        #expect(summary.smoothing.emaWeight == 0.95)
        let m = try #require(summary.metrics["train/loss"])
        #expect(m.smoothingWeight == 0.95)
        let fb = try #require(m.firstBelow)

        let chart = try #require(VARFigures.lossChart(run: run, summary: summary, settings: settings.report.figures))
        #expect(chart.subtitle?.contains("weight 0.95") == true)
        // The bold curve passes through the crossing the analysis reported.
        let bold = try #require(chart.marks.compactMap { $0 as? LineMark }.first { $0.label == "train/loss" })
        let step = try #require(fb.step)
        let i = try #require(bold.xs.firstIndex(of: Double(step)))
        #expect(abs(bold.ys[i] - fb.value) < 1e-9)
    }

    @Test func theCommandLineWinsOverTheConfigFile() throws {
        let s = try Self.settings(config: "threshold: 6.0\nvocab: 8192\nx: step\ntheme: dark\nlang: zh\n",
                                  CommandLineSettings(threshold: 5.8, x: .hours, language: .en))
        #expect(s.analysis.threshold == 5.8 && s.analysis.thresholdExplicit)
        #expect(s.analysis.vocabSize == 8192)
        #expect(s.report.figures.xAxis == .hours)
        #expect(s.report.figures.theme == .dark)
        #expect(s.report.language == .en)
        let defaults = try Self.settings(config: "")
        #expect(defaults.analysis.threshold == 5.5 && !defaults.analysis.thresholdExplicit)
        #expect(defaults.report.language == .en && defaults.report.figures.xAxis == .epoch)
    }

    @Test func aMisspeltValueInTheConfigFileIsAnErrorNamingIt() throws {
        #expect(throws: ConfigError.self) { try Self.settings(config: "lang: fr\n") }
        #expect(throws: ConfigError.self) { try Self.settings(config: "theme: blue\n") }
        #expect(throws: ConfigError.self) { try Self.settings(config: "x: minutes\n") }
    }

    static func pdftotext(_ path: String) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["pdftotext", "-layout", path, "-"]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return p.terminationStatus == 0 ? String(decoding: data, as: UTF8.self) : nil
    }
}
