import Foundation
import Testing
@testable import Render

/// The themes' colours against their backgrounds, by WCAG 2's contrast ratio: text at least
/// 4.5:1, lines and markers at least 3:1 on the dark theme, measured on the pixels drawn.
@Suite struct ThemeContrastTests {
    /// Every colour a figure gives a mark: the palette and the fixed role colours of the reports.
    static let markColors: [Color] = Palette.okabeIto + [Color(hex: 0xC62828), Color(hex: 0x888888), Color(hex: 0x999999),
                                                          Color(hex: 0x9E9E9E)]

    @Test func ratioMatchesWCAGReferenceValues() {
        #expect(abs(Color.black.contrast(with: .white) - 21) < 1e-9)
        #expect(abs(Color(hex: 0x777777).contrast(with: .white) - 4.48) < 0.01)
        #expect(abs(Color(hex: 0x0072B2).contrast(with: Color(hex: 0x1B1D22)) - 3.0) < 0.4)
    }

    @Test(arguments: [("light", Theme.light), ("dark", Theme.dark)])
    func themeTextReadsOnItsBackground(name: String, theme: Theme) {
        #expect(theme.foreground.contrast(with: theme.background) >= 4.5, "\(name) foreground")
        #expect(theme.secondaryForeground.contrast(with: theme.background) >= 4.5, "\(name) secondary text")
        for c in Self.markColors {
            let text = theme.legible(c, minimum: theme.textContrast)
            #expect(text.contrast(with: theme.background) >= 4.5, "\(name): text in \(c.hexString) is \(text.hexString)")
        }
    }

    @Test func darkThemeLinesReachTheTextBarAndKeepTheirHue() {
        let theme = Theme.dark
        for c in Self.markColors {
            let drawn = theme.legible(c, minimum: theme.lineContrast)
            #expect(drawn.contrast(with: theme.background) >= 4.5, "\(c.hexString) drawn as \(drawn.hexString)")
            // The channel that dominates (what makes blue blue) still dominates.
            let before = [c.red, c.green, c.blue], after = [drawn.red, drawn.green, drawn.blue]
            #expect(before.firstIndex(of: before.max()!) == after.firstIndex(of: after.max()!), "\(c.hexString) changed hue")
            // Colours that already pass are left alone.
            if c.contrast(with: theme.background) >= 4.5 { #expect(drawn == c) }
        }
        // Okabe-Ito blue (3.3:1, less on an anti-aliased line) is drawn lighter; orange is not touched.
        #expect(theme.legible(Palette.color(0), minimum: theme.lineContrast) != Palette.color(0))
        #expect(theme.legible(Palette.color(1), minimum: theme.lineContrast) == Palette.color(1))
    }

    /// The pixels of a thick line in each palette colour on the dark theme, sampled at its centre.
    @Test func drawnDarkLinesHaveContrast() throws {
        let theme = Theme.dark
        let colors = Self.markColors
        let marks: [any Mark] = colors.enumerated().map { i, c in
            LineMark(xs: [0, 1], ys: [Double(i), Double(i)], color: c, width: 4)
        }
        let figure = Figure(Chart(x: Axis(domain: 0...1), y: Axis(domain: -1...Double(colors.count)), legend: .none,
                                  showsGrid: false, marks: marks), width: 400, height: 400, theme: theme, textScale: 1)
        let image = try Support.decodePNG(try figure.pngData(scale: 1))
        let plot = try #require(figure.plotArea())
        for (i, c) in colors.enumerated() {
            let p = plot.point(0.5, Double(i))
            let px = image.rgba(Int(p.x), Int(p.y.rounded(.down)))
            let drawn = Color(red: Double(px.r) / 255, green: Double(px.g) / 255, blue: Double(px.b) / 255)
            #expect(drawn.contrast(with: theme.background) >= 3, "line in \(c.hexString) drawn as \(drawn.hexString)")
        }
    }
}
