import Foundation
import TextFormat

/// How numbers look in reports: few enough digits to read, enough to tell runs apart.
public enum NumberFormat {
    /// A loss or similar value: 3 decimals ("5.412").
    public static func loss(_ v: Double?) -> String { fixed(v, 3) }

    /// An accuracy in percent: 2 decimals ("4.83 %").
    public static func percent(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return fixed(v, 2) + " %"
    }

    public static func fixed(_ v: Double?, _ decimals: Int) -> String {
        guard let v, v.isFinite else { return "–" }
        return cFormat("%.\(decimals)f", v)
    }

    /// A value of any magnitude in 4 significant digits (learning rates: "1.0e-04").
    public static func compact(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        let a = abs(v)
        if a != 0 && (a < 1e-3 || a >= 1e6) { return cFormat("%.2e", v) }
        if a >= 100 { return cFormat("%.1f", v) }
        return cFormat("%.4g", v)
    }

    /// Hours as "3.2 h", or minutes when under an hour ("42 min").
    public static func hours(_ h: Double?) -> String {
        guard let h, h.isFinite else { return "–" }
        if h < 1 { return cFormat("%.0f min", h * 60) }
        if h < 10 { return cFormat("%.1f h", h) }
        return cFormat("%.0f h", h)
    }

    public static func epoch(_ e: Int?) -> String { e.map { "epoch \($0)" } ?? "–" }
}
