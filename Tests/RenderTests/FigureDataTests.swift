import Foundation
import Testing
@testable import Render

/// The data behind a figure is the figure's own marks, point for point.
@Suite struct FigureDataTests {
    static let figure: Figure = {
        let chart = Chart(title: "Loss", x: Axis("epoch"), y: Axis("loss"), marks: [
            LineMark(xs: [0, 1, 2], ys: [8, .nan, 6], label: "train/loss_tail (raw)", showsInLegend: false),
            LineMark(xs: [0, 1, 2], ys: [8, 7, 6], label: "train/loss_tail")
                .loggedAt(PointOrigin(level: .epoch, xs: [0, 1, 2], iterationsPerEpoch: 100)),
            PointMark(x: 2, y: 6, label: "train/loss_tail first below 6.5", showsInLegend: false),
            RuleMark(y: 6.5, label: "threshold 6.5"),
            RectangleMark(xRange: 1...2, label: "overfitting from epoch 1"),
            TextMark(x: 2, y: 6, text: "Lt, crossing"),
        ])
        return Figure(chart, title: "Loss")
    }()

    @Test func csvHasARowPerPointRuleRegionAndAnnotation() {
        let text = String(decoding: FigureData.csv(Self.figure), as: UTF8.self)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first == "panel,kind,label,x,y,x_end,y_end,epoch,step")
        #expect(lines.contains("Loss,line,train/loss_tail (raw),1.0,,,,,"), "NaN is an empty cell")
        #expect(lines.filter { $0.hasPrefix("Loss,line,train/loss_tail,") }.count == 3)
        // An epoch average's epoch and the steps done by its end, where the mark knows them.
        #expect(lines.contains("Loss,line,train/loss_tail,1.0,7.0,,,1,200"))
        #expect(lines.contains("Loss,point,train/loss_tail first below 6.5,2.0,6.0,,,,"))
        #expect(lines.contains("Loss,rule,threshold 6.5,,6.5,,,,"))
        #expect(lines.contains("Loss,region,overfitting from epoch 1,1.0,,2.0,,,"))
        #expect(lines.contains("Loss,annotation,\"Lt, crossing\",2.0,6.0,,,,"), "a comma in a label is quoted")
        #expect(lines.allSatisfy { $0.filter { $0 == "," }.count >= 8 })
        #expect(lines.count == 1 + 3 + 3 + 1 + 1 + 1 + 1)
    }

    @Test func jsonHasEveryMarkWithItsKind() throws {
        let doc = try #require(try JSONSerialization.jsonObject(with: FigureData.json(Self.figure)) as? [String: Any])
        #expect(doc["schema"] as? String == "varreport.figure-data/1")
        let panel = try #require((doc["panels"] as? [[String: Any]])?.first)
        #expect(panel["x_label"] as? String == "epoch")
        let marks = try #require(panel["marks"] as? [[String: Any]])
        #expect(marks.map { $0["kind"] as? String } == ["line", "line", "point", "rule", "region", "annotation"])
        #expect((marks[0]["y"] as? [Any])?[1] is NSNull)
        #expect(marks[0]["in_legend"] as? Bool == false)
        #expect(marks[0]["epoch"] == nil && marks[1]["epoch"] as? [Int] == [0, 1, 2] && marks[1]["step"] as? [Int] == [100, 200, 300])
        #expect(marks[3]["value"] as? Double == 6.5 && marks[3]["axis"] as? String == "y")
    }
}
