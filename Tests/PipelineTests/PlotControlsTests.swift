import Analysis
import Foundation
import Pipeline
import Render
@testable import Report
import Testing
import TrainingLog

/// `--smoothing`, `--log-y`, `--x wall` and `--ylim` (and the same keys in the config file):
/// resolved once, and drawn as asked.
@Suite struct PlotControlsTests {
    static func settings(config yaml: String, _ cli: CommandLineSettings = CommandLineSettings()) throws -> Settings {
        try SettingsToOutputsTests.settings(config: yaml, cli)
    }

    @Test func theConfigFileHasTheSameKeysAsTheCommandLine() throws {
        let s = try Self.settings(config: "smoothing: 0.9\nlog_y: true\nylim: '5.2:6.5'\nx: wall\n")
        #expect(s.analysis.emaWeight == 0.9)
        #expect(s.analysis.emaAutoSpan == 0)  // the weight as given, long curves too
        #expect(s.report.figures.logY)
        #expect(s.report.figures.yRange == 5.2...6.5)
        #expect(s.report.figures.xAxis == .wall)
        #expect(try Self.settings(config: "ylim: [5, 7]\n").report.figures.yRange == 5...7)

        var cli = CommandLineSettings()
        cli.smoothing = 0.5
        cli.yRange = 4...8
        let over = try Self.settings(config: "smoothing: 0.9\nylim: '5:7'\n", cli)
        #expect(over.analysis.emaWeight == 0.5)
        #expect(over.report.figures.yRange == 4...8)
        // Without the key, the automatic raise on long curves stays.
        #expect(try Self.settings(config: "theme: dark\n").analysis.emaAutoSpan == AnalysisOptions().emaAutoSpan)
    }

    @Test(arguments: ["ylim: '7:5'\n", "ylim: 'five:7'\n", "smoothing: 1.5\n", "log_y: 3\n", "log_y: true\nylim: '0:7'\n", "x: minutes\n"])
    func aWrongValueIsAnErrorNamingTheKey(_ yaml: String) throws {
        do {
            _ = try Self.settings(config: yaml)
            Issue.record("accepted \(yaml)")
        } catch let e as ConfigError {
            let key = String(yaml.prefix { $0 != ":" })
            #expect(e.description.contains(key == "log_y" && yaml.contains("ylim") ? "ylim" : key), "\(e)")
            #expect(e.file.hasSuffix("varreport.yaml"))
        }
    }

    @Test func theSmoothingWeightIsTheOneTheAnalysisJudgesWith() throws {
        var cli = CommandLineSettings()
        cli.smoothing = 0.3
        let settings = try Settings.resolve(cli, config: ConfigFile(), now: nil)
        let (_, summary) = try RunPipeline.analyse(SettingsToOutputsTests.example, settings: settings)
        #expect(summary.smoothing.emaWeight == 0.3)
        #expect(summary.smoothing.weight(points: 100_000, granularity: .iteration) == 0.3)
    }

    @Test func logYAndYlimReachTheCharts() throws {
        let settings = try Self.settings(config: "log_y: true\nylim: '5.2:6.5'\n")
        let (run, summary) = try RunPipeline.analyse(SettingsToOutputsTests.example, settings: settings)
        let model = ReportModel(summary: summary)
        let overview = try #require(VARFigures.overview(run: run, model: model, settings: settings.report.figures))
        for chart in overview.figure.charts { #expect(chart.y.scale == .log10, "\(chart.title ?? "")") }
        let loss = try #require(overview.figure.charts.first { $0.y.label == "cross-entropy loss" })
        #expect(loss.y.domain == 5.2...6.5)
        // Only the loss panels take the range: accuracy is in other units.
        let accuracy = try #require(overview.figure.charts.first { $0.y.label == "accuracy (%)" })
        #expect(accuracy.y.domain == nil)
        // The per-scale heatmap has rows, not a scale.
        let figures = VARFigures.all(run: run, model: model, settings: settings.report.figures)
        if let heat = figures.first(where: { $0.id == "scales_loss" }) { #expect(heat.figure.charts[0].y.scale == .linear) }
        // A --metric chart of an accuracy takes the range as asked.
        let plot = try #require(VARFigures.metrics([.trainAccTail], run: run, model: model, settings: settings.report.figures))
        #expect(plot.figure.charts[0].y.domain == 5.2...6.5)
    }

    @Test func theWallClockAxisDrawsTensorBoardsUnixTimesWithDates() throws {
        let run = try RunLoader.load(SettingsToOutputsTests.example)
        let x = XMapping(run: run, requested: .wall)
        #expect(x.unit == .wall && x.isUnixClock)
        let lr = try #require(run.series(.learningRate, .iteration))
        let xs = x.xs(lr)
        #expect(abs(xs[0] - lr.wallTimes[0]) < 1e-6)  // TensorBoard's own clock, unshifted
        let axis = x.axis("date and time")
        #expect(axis.time != nil)
        #expect(axis.label?.hasPrefix("date and time (UTC") == true)
        // Marks placed by epoch land on the same clock.
        let e = try #require(x.x(epoch: 10))
        #expect(e > xs[0] && e < xs[xs.count - 1])
    }

    @Test func aRunWithoutWallTimesFallsBackToEpochs() throws {
        let loss = Series(name: .trainLossTail, granularity: .epoch, source: "/tmp/x/stdout.txt", xs: Array(0..<10),
                          values: (0..<10).map { 8 - Double($0) / 10 })
        let run = Run(name: "no-clock", path: "/tmp/x", series: [loss])
        #expect(XMapping(run: run, requested: .wall).unit == .epoch)
    }
}
