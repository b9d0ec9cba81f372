import Foundation

/// Number formatting for messages: fixed digits, no locale, so that messages are the same
/// bytes on every machine.
enum Format {
    /// `x` with `digits` decimals ("5.912").
    static func num(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }
        let s = String(format: "%.\(digits)f", locale: Locale(identifier: "en_US_POSIX"), x)
        return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
    /// A threshold as people write it ("5.5", "6").
    static func bar(_ x: Double) -> String { "\(x)".trimmedZeros }
    /// Hours with one decimal ("12.3 h").
    static func hours(_ h: Double) -> String { num(h, h < 10 ? 2 : 1) + " h" }
    /// A share as a percentage ("37 %").
    static func percent(_ f: Double, _ digits: Int = 0) -> String { num(f * 100, digits) + " %" }
    /// A value that may be tiny or huge (learning rates, gradient norms): %g style.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return num(x) }
        return String(format: "%.3g", locale: Locale(identifier: "en_US_POSIX"), x)
    }
    /// "epoch 42" or "step 1234" when the epoch is unknown.
    static func at(_ v: ValueAt) -> String {
        if let e = v.epoch { return "epoch \(e)" }
        if let s = v.step { return "step \(s)" }
        return "an unknown point"
    }
}
