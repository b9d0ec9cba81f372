import Foundation
import Testing
@testable import Render

@Suite struct DemoTests {
    /// Writes the demo figures to /tmp/render-demo/ for visual inspection, and checks they decode.
    @Test func writesDemoFigures() throws {
        let dir = "/tmp/render-demo"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for (name, theme) in [("light", Theme.light), ("dark", Theme.dark)] {
            let big = Demo.figure(theme: theme)
            try big.render(to: "\(dir)/demo-\(name)-1600.png")
            try Demo.figure(theme: theme, width: 800, height: 500).render(to: "\(dir)/demo-\(name)-800.png")
            try Figure(Demo.lossChart(), theme: theme).render(to: "\(dir)/loss-\(name).png", format: .png(scale: 2))
        }
        try Demo.figure().render(to: "\(dir)/demo.pdf")
        try Demo.figure().render(to: "\(dir)/demo.svg")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/demo.pdf"))
    }
}
