import CCairo
import Foundation
@testable import Render

/// Helpers shared by the output tests.
enum Support {
    /// A decoded PNG: size and pixel access (via cairo's own PNG reader).
    struct Image {
        let width: Int, height: Int
        /// RGBA bytes, row-major, alpha un-premultiplied.
        let pixels: [UInt8]

        func rgba(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int, a: Int) {
            let i = (y * width + x) * 4
            return (Int(pixels[i]), Int(pixels[i + 1]), Int(pixels[i + 2]), Int(pixels[i + 3]))
        }
    }

    /// Decodes PNG bytes with `cairo_image_surface_create_from_png` (through a temporary file).
    static func decodePNG(_ data: Data) throws -> Image {
        let path = NSTemporaryDirectory() + "render-test-\(UUID().uuidString).png"
        try data.write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let surface = cairo_image_surface_create_from_png(path)
        defer { cairo_surface_destroy(surface) }
        guard cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS else { throw RenderError.cairo("PNG does not decode") }
        let w = Int(cairo_image_surface_get_width(surface)), h = Int(cairo_image_surface_get_height(surface))
        let stride = Int(cairo_image_surface_get_stride(surface))
        let base = cairo_image_surface_get_data(surface)!
        var out = [UInt8](repeating: 0, count: w * h * 4)
        for y in 0..<h {
            for x in 0..<w {
                // ARGB32 native-endian, premultiplied: little-endian bytes are B, G, R, A.
                let p = base + y * stride + x * 4
                let a = Int(p[3])
                func un(_ c: UInt8) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (Int(c) * 255 + a / 2) / a)) }
                let o = (y * w + x) * 4
                out[o] = un(p[2]); out[o + 1] = un(p[1]); out[o + 2] = un(p[0]); out[o + 3] = UInt8(a)
            }
        }
        return Image(width: w, height: h, pixels: out)
    }

    /// Runs a command-line tool and returns its standard output.
    static func run(_ tool: String, _ args: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [tool] + args
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// `pdfinfo` output as a dictionary ("Pages" -> "3").
    static func pdfInfo(_ path: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for line in try run("pdfinfo", [path]).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return out
    }

    /// A fresh temporary path with the given extension.
    static func tempPath(_ ext: String) -> String {
        NSTemporaryDirectory() + "render-test-\(UUID().uuidString).\(ext)"
    }

    /// A small chart with a known red rule at y = 0.5 on a fixed 0...1 y domain.
    static func ruleChart() -> Chart {
        Chart(title: "Rule test", x: Axis("epoch", domain: 0...10), y: Axis("loss", domain: 0...1),
              legend: .none,
              marks: [
                LineMark(xs: [0, 10], ys: [0.1, 0.2], color: Palette.color(0)),
                RuleMark(y: 0.5, color: Color(red: 1, green: 0, blue: 0), width: 2, dash: .solid, label: "threshold 0.5"),
              ])
    }
}
