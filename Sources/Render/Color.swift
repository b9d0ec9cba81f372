import Foundation

/// An sRGB colour with alpha, components in 0...1.
public struct Color: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double
    public var alpha: Double

    /// A colour from components in 0...1.
    public init(red: Double, green: Double, blue: Double, alpha: Double = 1) {
        self.red = red; self.green = green; self.blue = blue; self.alpha = alpha
    }

    /// A colour from a 24-bit hex value, e.g. `Color(hex: 0xE69F00)`.
    public init(hex: UInt32, alpha: Double = 1) {
        self.init(red: Double((hex >> 16) & 0xFF) / 255,
                  green: Double((hex >> 8) & 0xFF) / 255,
                  blue: Double(hex & 0xFF) / 255, alpha: alpha)
    }

    /// The same colour with a different alpha.
    public func opacity(_ alpha: Double) -> Color {
        Color(red: red, green: green, blue: blue, alpha: alpha)
    }

    /// Linear mix with `other`: `t` = 0 gives `self`, 1 gives `other`.
    public func mixed(with other: Color, _ t: Double) -> Color {
        Color(red: red + (other.red - red) * t, green: green + (other.green - green) * t,
              blue: blue + (other.blue - blue) * t, alpha: alpha + (other.alpha - alpha) * t)
    }

    /// "#RRGGBB" (alpha ignored), handy in tests and for HTML.
    public var hexString: String {
        func byte(_ v: Double) -> Int { Int((min(max(v, 0), 1) * 255).rounded()) }
        let digits = Array("0123456789ABCDEF")
        var s = "#"
        for b in [byte(red), byte(green), byte(blue)] { s.append(digits[b >> 4]); s.append(digits[b & 15]) }
        return s
    }

    /// WCAG 2 relative luminance of the (opaque) colour: 0 for black, 1 for white.
    public var relativeLuminance: Double {
        func linear(_ c: Double) -> Double {
            let c = min(max(c, 0), 1)
            return c <= 0.04045 ? c / 12.92 : pow((c + 0.055) / 1.055, 2.4)
        }
        return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    }

    /// WCAG 2 contrast ratio with `other`, from 1 (same luminance) to 21 (black on white).
    public func contrast(with other: Color) -> Double {
        let a = relativeLuminance, b = other.relativeLuminance
        return (max(a, b) + 0.05) / (min(a, b) + 0.05)
    }

    /// Opaque black, opaque white, fully transparent.
    public static let black = Color(red: 0, green: 0, blue: 0)
    public static let white = Color(red: 1, green: 1, blue: 1)
    public static let clear = Color(red: 0, green: 0, blue: 0, alpha: 0)
}

/// Categorical colour palettes. Use `Palette.okabeIto[i % count]` so every figure colours the same
/// series the same way.
public enum Palette {
    /// Okabe & Ito (2008), the colour-blind-safe qualitative palette, in its usual order
    /// minus black: blue, orange, bluish green, vermillion, reddish purple, sky blue, yellow.
    public static let okabeIto: [Color] = [
        Color(hex: 0x0072B2), Color(hex: 0xE69F00), Color(hex: 0x009E73), Color(hex: 0xD55E00),
        Color(hex: 0xCC79A7), Color(hex: 0x56B4E9), Color(hex: 0xF0E442),
    ]

    /// The palette colour for series number `index` (wraps around).
    public static func color(_ index: Int) -> Color {
        okabeIto[((index % okabeIto.count) + okabeIto.count) % okabeIto.count]
    }
}

/// A continuous colour map from 0...1 to a colour.
public struct Colormap: Sendable, Hashable {
    /// Evenly spaced anchor colours; values in between are interpolated linearly.
    public var anchors: [Color]

    public init(anchors: [Color]) {
        precondition(anchors.count >= 2, "a colormap needs at least two anchors")
        self.anchors = anchors
    }

    /// The colour at `t` (clamped to 0...1).
    public func color(at t: Double) -> Color {
        let t = t.isNaN ? 0 : min(max(t, 0), 1)
        let pos = t * Double(anchors.count - 1)
        let i = min(Int(pos), anchors.count - 2)
        return anchors[i].mixed(with: anchors[i + 1], pos - Double(i))
    }

    /// matplotlib's viridis (van der Walt & Smith, CC0), sampled every 8th of its 256 entries.
    public static let viridis = Colormap(anchors: viridisAnchors.map { Color(red: $0.0, green: $0.1, blue: $0.2) })
}

// Entries 0, 8, ..., 248, 255 of matplotlib's 256-entry viridis table (CC0).
private let viridisAnchors: [(Double, Double, Double)] = [
    (0.267004, 0.004874, 0.329415),
    (0.277018, 0.050344, 0.375715),
    (0.282327, 0.094955, 0.417331),
    (0.282884, 0.13592, 0.453427),
    (0.278826, 0.17549, 0.483397),
    (0.270595, 0.214069, 0.507052),
    (0.258965, 0.251537, 0.524736),
    (0.244972, 0.287675, 0.53726),
    (0.229739, 0.322361, 0.545706),
    (0.214298, 0.355619, 0.551184),
    (0.19943, 0.387607, 0.554642),
    (0.185556, 0.41857, 0.556753),
    (0.172719, 0.448791, 0.557885),
    (0.160665, 0.47854, 0.558115),
    (0.149039, 0.508051, 0.55725),
    (0.13777, 0.537492, 0.554906),
    (0.127568, 0.566949, 0.550556),
    (0.120565, 0.596422, 0.543611),
    (0.120638, 0.625828, 0.533488),
    (0.132268, 0.655014, 0.519661),
    (0.157851, 0.683765, 0.501686),
    (0.196571, 0.711827, 0.479221),
    (0.24607, 0.73891, 0.452024),
    (0.304148, 0.764704, 0.419943),
    (0.369214, 0.788888, 0.382914),
    (0.440137, 0.811138, 0.340967),
    (0.515992, 0.831158, 0.294279),
    (0.595839, 0.848717, 0.243329),
    (0.678489, 0.863742, 0.189503),
    (0.762373, 0.876424, 0.137064),
    (0.845561, 0.887322, 0.099702),
    (0.926106, 0.89733, 0.104071),
    (0.993248, 0.906157, 0.143936)

]
