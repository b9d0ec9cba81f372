import Foundation
import Testing
@testable import Render

@Suite struct OutputTests {
    @Test func pngHasTheFigureSizeAndDoublesAtScaleTwo() throws {
        let fig = Figure(Support.ruleChart(), width: 400, height: 250)
        let one = try Support.decodePNG(try fig.pngData(scale: 1))
        #expect(one.width == 400 && one.height == 250)
        let two = try Support.decodePNG(try fig.pngData(scale: 2))
        #expect(two.width == 800 && two.height == 500)
        let odd = try Support.decodePNG(try Figure(Support.ruleChart(), width: 1600, height: 1000).pngData(scale: 1))
        #expect(odd.width == 1600 && odd.height == 1000)
    }

    /// A PNG is drawn in strips; where the strips are cut must not show. The demo figure (dense
    /// noisy line, band, heatmap, text across the cuts) in strips of 16 rows, in strips of 300
    /// rows and drawn whole differ only in anti-aliasing, opaque and transparent, at 1x and 2x.
    @Test(arguments: [(false, 1.0), (true, 1.0), (false, 2.0)])
    func stripsDoNotShowInThePNG(transparent: Bool, scale: Double) throws {
        var fig = Demo.figure(theme: .light, width: 500, height: 310)
        fig.transparent = transparent
        let rowBytes = Int(500 * scale) * 4
        let thin = try Support.decodePNG(try fig.pngData(scale: scale, stripBytes: 16 * rowBytes))
        let thick = try Support.decodePNG(try fig.pngData(scale: scale, stripBytes: 300 * rowBytes))
        let whole = try Support.decodePNG(try fig.pngData(scale: scale, stripBytes: 1 << 30))
        #expect(thin.width == whole.width && thin.height == whole.height && whole.height == Int(310 * scale))
        func visiblyDifferent(_ a: Support.Image, _ b: Support.Image) -> Double {
            var off = 0
            for i in stride(from: 0, to: a.pixels.count, by: 4)
            where (0..<4).contains(where: { abs(Int(a.pixels[i + $0]) - Int(b.pixels[i + $0])) > 24 }) { off += 1 }
            return Double(off) / Double(a.pixels.count / 4)
        }
        #expect(visiblyDifferent(thin, thick) < 0.002)
        #expect(visiblyDifferent(thin, whole) < 0.005)
        if transparent { #expect(thin.rgba(1, 1).a == 0 && whole.rgba(1, 1).a == 0) }
    }

    @Test(arguments: [1.0, 2.0])
    func pngPixelOnTheRuleHasTheRuleColour(scale: Double) throws {
        // textScale 1: the 2 pt rule covers 2 (or 4) whole pixel rows after snapping.
        let fig = Figure(Support.ruleChart(), width: 600, height: 400, textScale: 1)
        let area = try #require(fig.plotArea())
        let img = try Support.decodePNG(try fig.pngData(scale: scale))
        // Sample at x = 3.5 (between grid lines), left of the rule label, away from the line.
        let x = Int(area.x(3.5) * scale)
        let y = Int(area.y(0.5) * scale)
        let p = img.rgba(x, y)
        #expect(p.r > 230 && p.g < 40 && p.b < 40, "pixel \(p) at \(x),\(y)")
        // Well away from the rule (and between grid lines) the pixel is background.
        let q = img.rgba(x, Int(area.y(0.73) * scale))
        #expect(q.r > 240 && q.g > 240 && q.b > 240)
    }

    @Test func transparentBackgroundLeavesAlphaZero() throws {
        let fig = Figure(Support.ruleChart(), width: 300, height: 200, transparent: true)
        let img = try Support.decodePNG(try fig.pngData())
        #expect(img.rgba(1, 1).a == 0)
        let opaque = try Support.decodePNG(try Figure(Support.ruleChart(), width: 300, height: 200).pngData())
        #expect(opaque.rgba(1, 1).a == 255)
    }

    @Test func darkThemePaintsADarkBackground() throws {
        let img = try Support.decodePNG(try Figure(Support.ruleChart(), width: 300, height: 200, theme: .dark).pngData())
        let p = img.rgba(2, 2)
        #expect(p.r < 50 && p.g < 50 && p.b < 50)
    }

    @Test func svgDrawsTheRuleAtItsDataPosition() throws {
        let fig = Figure(Support.ruleChart(), width: 600, height: 400)
        let area = try #require(fig.plotArea())
        let expectedY = area.y(0.5)
        let svg = String(decoding: try fig.svgData(), as: UTF8.self)
        #expect(svg.hasPrefix("<?xml"))
        // Find red stroked paths "M x0 y L x1 y" and check one is horizontal at the rule's y.
        var found = false
        for element in svg.components(separatedBy: "<path").dropFirst() {
            guard element.contains("stroke=\"#FF0000\""),
                  let dStart = element.range(of: " d=\"") else { continue }
            let d = element[dStart.upperBound...].prefix { $0 != "\"" }
            let nums = d.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "L" }).compactMap { Double($0) }
            if nums.count == 4, abs(nums[1] - nums[3]) < 1e-6, abs(nums[1] - expectedY) < 0.6,
               abs(nums[0] - area.rect.minX) < 1, abs(nums[2] - area.rect.maxX) < 1 {
                found = true
            }
        }
        #expect(found, "no red horizontal path at y = \(expectedY)")
    }

    /// In a vector file a line's vertices sit on a quarter-point grid (shorter numbers: half
    /// the PDF of a million-point figure).
    @Test func vectorLineVerticesSitOnAQuarterPointGrid() throws {
        let xs = (0..<5000).map(Double.init)
        let ys = xs.map { 1 + 0.3 * sin($0 / 37) + 0.05 * sin($0 * 1.7) }
        let color = Color(red: 0.2, green: 0.4, blue: 0.6)
        let chart = Chart(x: Axis("step"), y: Axis("value"), marks: [LineMark(xs: xs, ys: ys, color: color)])
        let svg = String(decoding: try Figure(chart, width: 613, height: 377).svgData(), as: UTF8.self)
        var vertices: [Double] = []
        for element in svg.components(separatedBy: "<path").dropFirst() where element.contains("stroke=\"#336699\"") {
            guard let dStart = element.range(of: " d=\"") else { continue }
            let d = element[dStart.upperBound...].prefix { $0 != "\"" }
            vertices += d.split(whereSeparator: { $0 == " " || $0 == "M" || $0 == "L" }).compactMap { Double($0) }
        }
        #expect(vertices.count > 1000)
        let off = vertices.filter { ($0 * 4).rounded() != $0 * 4 }
        #expect(off.isEmpty, "\(off.count) of \(vertices.count) vertices off the grid, e.g. \(off.prefix(5))")
    }

    /// A band whose x is not finite somewhere (an hours axis without a clock for some points)
    /// is drawn with a gap there, not a crash, and keeps its extremes.
    @Test func bandEnvelopeTreatsAnUnplacedXAsAGap() {
        var xs = (0..<20_000).map(Double.init)
        xs[7000] = .nan
        xs[7001] = .nan
        let lower = xs.indices.map { $0 == 12_345 ? -5.0 : 0.0 }, upper = xs.indices.map { $0 == 3_210 ? 9.0 : 1.0 }
        let e = Decimation.envelope(xs: xs, lower: lower, upper: upper, count: xs.count, buckets: 100, xRange: 0...19_999)
        #expect(e.xs.count < 500 && e.lower.contains { $0.isNaN })
        #expect(e.lower.filter(\.isFinite).min() == -5 && e.upper.filter(\.isFinite).max() == 9)
    }

    @Test func pdfKeepsTextAsText() throws {
        let path = Support.tempPath("pdf")
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Figure(Support.ruleChart(), width: 600, height: 400).render(to: path)
        let text = try Support.run("pdftotext", [path, "-"])
        #expect(text.contains("epoch"))
        #expect(text.contains("loss"))
        #expect(text.contains("threshold 0.5"))
        #expect(text.contains("Rule test"))
        let info = try Support.run("pdfinfo", [path])
        #expect(info.contains("Pages:") && info.contains("600 x 400 pts"))
    }

    @Test func renderInfersTheFormatAndRejectsUnknownExtensions() throws {
        let fig = Figure(Support.ruleChart(), width: 200, height: 150)
        for ext in ["png", "svg", "pdf"] {
            let path = Support.tempPath(ext)
            defer { try? FileManager.default.removeItem(atPath: path) }
            try fig.render(to: path)
            let head = try #require(FileManager.default.contents(atPath: path)?.prefix(5))
            let magic = String(decoding: head, as: UTF8.self)
            #expect(ext == "png" ? magic.hasSuffix("PNG\r") : ext == "pdf" ? magic == "%PDF-" : magic == "<?xml")
        }
        #expect(throws: RenderError.self) { try fig.render(to: Support.tempPath("gif")) }
        #expect(throws: RenderError.self) { try Figure(Support.ruleChart(), width: 0, height: 10).pngData() }
    }

    @Test func outputIsDeterministic() throws {
        let fig = Demo.figure(width: 800, height: 500)
        #expect(try fig.pngData(scale: 2) == fig.pngData(scale: 2))
        #expect(try fig.svgData() == fig.svgData())
        #expect(try fig.pdfData() == fig.pdfData())
    }

    @Test func concurrentRendersMatchSerialOnes() throws {
        let fig = Demo.figure(width: 800, height: 500)
        let serialPNG = try fig.pngData()
        let serialPDF = try fig.pdfData()
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 4) { i in
            let png = try? fig.pngData()
            let pdf = try? fig.pdfData()
            results.set(i, png, pdf)
        }
        for i in 0..<4 {
            #expect(results.png[i] == serialPNG)
            #expect(results.pdf[i] == serialPDF)
        }
    }

    @Test func longLinesAreDecimatedButKeepTheirSpike() throws {
        let n = 2_000_000
        let xs = (0..<n).map(Double.init)
        var ys = [Double](repeating: 1, count: n)
        ys[1_234_567] = 10
        let chart = Chart(x: Axis(domain: 0...Double(n)), y: Axis(domain: 0...11), legend: .none,
                          marks: [LineMark(xs: xs, ys: ys, color: Color(red: 0, green: 0, blue: 1), width: 1)])
        let fig = Figure(chart, width: 500, height: 300)
        let area = try #require(fig.plotArea())
        let img = try Support.decodePNG(try fig.pngData())
        // The spike's column is blue well above the baseline.
        let x = Int(area.x(1_234_567))
        let y = Int(area.y(8))
        let hit = (x - 1...x + 1).contains { img.rgba($0, y).b > 150 && img.rgba($0, y).r < 120 }
        #expect(hit)
    }
}

/// Thread-safe result slots for the concurrency test.
final class Results: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var png = [Data?](repeating: nil, count: 4)
    private(set) var pdf = [Data?](repeating: nil, count: 4)
    func set(_ i: Int, _ a: Data?, _ b: Data?) {
        lock.lock(); defer { lock.unlock() }
        png[i] = a; pdf[i] = b
    }
}
