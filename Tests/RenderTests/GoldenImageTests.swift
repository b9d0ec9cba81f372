import Foundation
import Testing
@testable import Render

/// The demo figure (loss with threshold, crossing, band; log grad norm; heatmap; learning rate)
/// compared with committed golden PNGs, pixel by pixel with a small tolerance, so that a change
/// in layout, ticks or colours shows up while anti-aliasing noise does not.
/// Regenerate deliberately with `UPDATE_GOLDEN=1 swift test --filter GoldenImage` and look at them.
@Suite struct GoldenImageTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/golden")

    @Test(arguments: [("demo-light", Theme.light), ("demo-dark", Theme.dark)])
    func demoFigureMatchesGolden(name: String, theme: Theme) throws {
        let data = try Demo.figure(theme: theme, width: 800, height: 500).pngData(scale: 1)
        let path = Self.folder.appendingPathComponent("\(name).png")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            try data.write(to: path)
        }
        let expected = try Support.decodePNG(try Data(contentsOf: path))
        let actual = try Support.decodePNG(data)
        #expect(actual.width == expected.width && actual.height == expected.height)
        guard actual.width == expected.width, actual.height == expected.height else { return }
        var off = 0
        var total = 0
        for i in stride(from: 0, to: actual.pixels.count, by: 4) {
            var worst = 0
            for c in 0..<4 {
                let d = abs(Int(actual.pixels[i + c]) - Int(expected.pixels[i + c]))
                worst = max(worst, d)
                total += d
            }
            if worst > 24 { off += 1 }
        }
        let pixels = actual.pixels.count / 4
        // At most 0.2 % of pixels differ visibly, and the mean difference stays tiny.
        #expect(Double(off) / Double(pixels) <= 0.002, "\(off) of \(pixels) pixels differ from \(name).png")
        #expect(Double(total) / Double(actual.pixels.count) < 1.0)
    }

    @Test func aMovedRuleFailsTheComparison() throws {
        // The tolerance is not so loose that a real change passes: shift the threshold rule.
        var moved = Support.ruleChart()
        moved.marks[1] = RuleMark(y: 0.55, color: Color(red: 1, green: 0, blue: 0), width: 2, dash: .solid, label: "threshold 0.5")
        let a = try Support.decodePNG(try Figure(Support.ruleChart(), width: 400, height: 250).pngData())
        let b = try Support.decodePNG(try Figure(moved, width: 400, height: 250).pngData())
        var off = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4)
        where (0..<3).contains(where: { abs(Int(a.pixels[i + $0]) - Int(b.pixels[i + $0])) > 24 }) { off += 1 }
        #expect(Double(off) / Double(a.pixels.count / 4) > 0.002)
    }
}
