import Foundation
import Testing
@testable import Render

/// varreport's own SVG backend: text stays text (editable in Inkscape and Illustrator) and the
/// geometry is the cairo backend's, checked by rasterising the SVG with librsvg and comparing
/// it with the PNG cairo draws of the same figure.
@Suite struct SVGBackendTests {
    static func svgText(_ figure: Figure) throws -> String { String(decoding: try figure.svgData(), as: UTF8.self) }

    @Test func textIsTextWithTheFontNamed() throws {
        let figure = Demo.figure(width: 800, height: 500)
        let svg = try Self.svgText(figure)
        // Every label is a <text> element with its words, and no glyph outlines are written.
        for words in ["Demo run: VAR-d16", "Training loss", "threshold 5.5", "epoch", "grad norm", "patch grid"] {
            #expect(svg.contains(">\(words)</text>"), "no <text> for '\(words)'")
        }
        #expect(!svg.contains("<symbol") && !svg.contains("glyph"))
        let texts = svg.components(separatedBy: "<text ").dropFirst()
        #expect(texts.count > 40)
        for t in texts {
            #expect(t.contains("font-family=\"DejaVu Sans, Bitstream Vera Sans, Verdana, WenQuanYi Micro Hei, sans-serif\""))
        }
        // A rotated axis label keeps its words and turns about its anchor.
        #expect(svg.contains("transform=\"rotate(-90 "))
    }

    @Test func structureNamesPanelsSeriesAndPlotMapping() throws {
        let figure = Demo.figure(width: 800, height: 500)
        let svg = try Self.svgText(figure)
        #expect(svg.components(separatedBy: "<g class=\"vr-panel\"").count - 1 == figure.charts.count)
        #expect(svg.contains("<g class=\"vr-series\" data-series=\"train\">"))
        #expect(svg.contains("<g class=\"vr-legend-entry\" data-series=\"validation\">"))
        // The plot rectangle and domain of panel 0, as the layout computes them.
        let plot = try #require(figure.plotArea(ofPanel: 0))
        let needle = "<rect class=\"vr-plot\" x=\""
        let start = try #require(svg.range(of: needle))
        let rest = svg[start.upperBound...]
        let x = try #require(Double(rest.prefix { $0 != "\"" }))
        #expect(abs(x - plot.rect.minX) < 0.01)
        #expect(rest.contains("data-x=\"linear \(plot.x.domain.lowerBound) \(plot.x.domain.upperBound)\""))
    }

    @Test func seriesKeyJoinsARawCurveToItsSeries() {
        #expect(SeriesKey.of("train/loss_tail (raw)") == "train/loss_tail")
        #expect(SeriesKey.of("opt/grad_norm (smoothed)") == "opt/grad_norm")
        #expect(SeriesKey.of("opt/grad_norm（平滑）") == "opt/grad_norm")
        #expect(SeriesKey.of("val/loss_tail") == "val/loss_tail")
        #expect(SeriesKey.of("overfitting (from epoch 169) here") == "overfitting (from epoch 169) here")
    }

    @Test func escapesMarkupInLabels() throws {
        var chart = Support.ruleChart()
        chart.title = "a < b & \"c\""
        let svg = try Self.svgText(Figure(chart, width: 400, height: 300))
        #expect(svg.contains(">a &lt; b &amp; &quot;c&quot;</text>"))
    }

    /// The SVG rasterised by librsvg against cairo's PNG of the same figure: lines, bands,
    /// markers and text land on the same pixels (text differs only by the rasteriser's
    /// anti-aliasing). A moved element would fail: see `aShiftedSVGFailsTheComparison`.
    @Test(arguments: [("light", Theme.light), ("dark", Theme.dark)])
    func geometryMatchesTheCairoBackend(name: String, theme: Theme) throws {
        let figure = Demo.figure(theme: theme, width: 800, height: 500)
        // At 2 pixels per point, the density vector output is laid out for (line snapping).
        guard let fromSVG = try Self.rasterise(try figure.svgData(), width: 1600, height: 1000) else { return }
        let fromCairo = try Support.decodePNG(try figure.pngData(scale: 2))
        let d = Self.difference(fromSVG, fromCairo)
        // Measured: 1.2 % (light) and 1.1 % (dark), all at glyph edges; the same figure moved by
        // one point differs on 2.8 %.
        #expect(d.visiblyDifferent < 0.015, "\(name): \(d.visiblyDifferent * 100) % of pixels differ")
        #expect(d.mean < 2.5, "\(name): mean difference \(d.mean)")
    }

    @Test func aShiftedSVGFailsTheComparison() throws {
        let figure = Demo.figure(width: 800, height: 500)
        var svg = try Self.svgText(figure)
        // Every panel moved 1 point (2 pixels) right.
        svg = svg.replacingOccurrences(of: "<g class=\"vr-panel\"", with: "<g transform=\"translate(1 0)\" class=\"vr-panel\"")
        guard let fromSVG = try Self.rasterise(Data(svg.utf8), width: 1600, height: 1000) else { return }
        let d = Self.difference(fromSVG, try Support.decodePNG(try figure.pngData(scale: 2)))
        #expect(d.visiblyDifferent > 0.015, "shifted: \(d.visiblyDifferent)")
    }

    /// librsvg's rendering at `width` x `height` pixels, or nil without rsvg-convert (librsvg2-bin,
    /// installed by `make deps`).
    static func rasterise(_ svg: Data, width: Int, height: Int) throws -> Support.Image? {
        let input = Support.tempPath("svg"), output = Support.tempPath("png")
        try svg.write(to: URL(fileURLWithPath: input))
        defer { try? FileManager.default.removeItem(atPath: input); try? FileManager.default.removeItem(atPath: output) }
        _ = try? Support.run("rsvg-convert", ["-w", "\(width)", "-h", "\(height)", "-o", output, input])
        guard let png = FileManager.default.contents(atPath: output) else {
            Issue.record("rsvg-convert (librsvg2-bin) is missing: run make deps")
            return nil
        }
        return try Support.decodePNG(png)
    }

    /// The share of pixels whose colour differs by more than 48 in a channel, and the mean
    /// difference per channel.
    static func difference(_ a: Support.Image, _ b: Support.Image) -> (visiblyDifferent: Double, mean: Double) {
        guard a.width == b.width, a.height == b.height else { return (1, 255) }
        var off = 0, total = 0
        for i in stride(from: 0, to: a.pixels.count, by: 4) {
            var worst = 0
            for c in 0..<3 {
                let d = abs(Int(a.pixels[i + c]) - Int(b.pixels[i + c]))
                worst = max(worst, d); total += d
            }
            if worst > 48 { off += 1 }
        }
        let pixels = a.pixels.count / 4
        return (Double(off) / Double(pixels), Double(total) / Double(pixels * 3))
    }
}
