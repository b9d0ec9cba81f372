import Foundation
import Testing
@testable import Render

@Suite struct RobustnessTests {
    static let awkward: [(String, Chart)] = [
        ("no marks", Chart(title: "empty", marks: [])),
        ("empty arrays", Chart(marks: [LineMark(xs: [], ys: []), PointMark(xs: [], ys: [])])),
        ("only NaN", Chart(marks: [LineMark(xs: [0, 1, 2], ys: [.nan, .nan, .nan], label: "nan")])),
        ("one point", Chart(marks: [LineMark(xs: [3], ys: [4], label: "single")])),
        ("constant", Chart(marks: [LineMark(xs: [0, 1, 2], ys: [5, 5, 5])])),
        ("log of non-positive", Chart(y: Axis(scale: .log10), marks: [LineMark(xs: [0, 1, 2], ys: [0, -1, -2])])),
        ("infinities", Chart(marks: [LineMark(xs: [0, 1, 2, 3], ys: [1, .infinity, -.infinity, 2])])),
        ("mismatched lengths", Chart(marks: [LineMark(xs: [0, 1, 2, 3], ys: [1, 2]), AreaMark(xs: [0, 1], lower: [0], upper: [1, 2, 3])])),
        ("empty heatmap", Chart(marks: [HeatmapMark(xEdges: [], categories: [], values: [])])),
        ("many categories", Chart(marks: [HeatmapMark(xEdges: [0, 1, 2], categories: (0..<200).map { "row \($0)" },
                                                      values: (0..<200).map { [Double($0), .nan] })])),
        ("reversed fixed domain", Chart(x: Axis(domain: 5...5), marks: [LineMark(xs: [5, 5], ys: [1, 2])])),
    ]

    @Test(arguments: awkward.indices)
    func awkwardChartsStillRender(_ i: Int) throws {
        let (name, chart) = Self.awkward[i]
        let img = try Support.decodePNG(try Figure(chart, width: 320, height: 200).pngData())
        #expect(img.width == 320 && img.height == 200, "\(name)")
        _ = try Figure(chart, width: 320, height: 200).pdfData()
        _ = try Figure(chart, width: 320, height: 200).svgData()
    }

    @Test func figureWithCJKTitleRenders() throws {
        let chart = Chart(title: "训练损失 (loss)", x: Axis("轮次"), y: Axis("损失"),
                          marks: [LineMark(xs: [0, 1, 2], ys: [8, 6, 5.4], label: "训练")])
        let fig = Figure(chart, width: 500, height: 320)
        try? fig.render(to: "/tmp/render-demo/cjk.png", format: .png(scale: 2))
        let path = Support.tempPath("pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try fig.render(to: path)
        let text = try Support.run("pdftotext", [path, "-"])
        if !(try Support.run("fc-list", [":lang=zh"])).isEmpty {
            #expect(text.contains("训练损失"))
        }
        #expect(text.contains("loss"))
    }
}
