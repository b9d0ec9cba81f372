import Foundation
import TextFormat

/// Number formatting for messages: fixed digits, no locale, so that messages are the same
/// bytes on every machine.
public enum Format {
    /// `x` with `digits` decimals ("5.912").
    static func num(_ x: Double, _ digits: Int = 3) -> String {
        guard x.isFinite else { return x.isNaN ? "NaN" : (x > 0 ? "Inf" : "-Inf") }
        if abs(x) >= 1e9 { return short(x) }
        let s = cFormat("%.\(digits)f", x)  // C locale: always a point
        return s == "-0" || s.hasPrefix("-0.") && Double(s) == 0 ? String(s.dropFirst()) : s
    }
    /// A threshold as people write it ("5.5", "6").
    static func bar(_ x: Double) -> String { "\(x)".trimmedZeros }
    /// Hours with one decimal ("12.3 h").
    static func hours(_ h: Double) -> String { num(h, h < 10 ? 2 : 1) + " h" }
    /// A share as a percentage ("37 %").
    static func percent(_ f: Double, _ digits: Int = 0) -> String { num(f * 100, digits) + " %" }
    /// A value that may be tiny or huge (learning rates, gradient norms): three significant
    /// digits, in exponent form ("3.45e-05") below 0.001 or from 100000 on.
    static func short(_ x: Double) -> String {
        guard x.isFinite else { return num(x) }
        if x == 0 { return "0" }
        let a = abs(x)
        if a >= 1e-3 && a < 1e5 {
            let digits = max(0, 2 - Int(log10(a).rounded(.down)))
            return num(x, digits).trimmedZeros
        }
        var e = Int(log10(a).rounded(.down))
        var m = x / pow(10, Double(e))
        if abs((m * 100).rounded()) >= 1000 { m /= 10; e += 1 }
        let es = e < 0 ? "-" + (abs(e) < 10 ? "0" : "") + String(abs(e)) : "+" + (e < 10 ? "0" : "") + String(e)
        return num(m, 2).trimmedZeros + "e" + es
    }
    /// "epoch 42" or "step 1234" when the epoch is unknown.
    static func at(_ v: ValueAt) -> String {
        if let e = v.epoch { return "epoch \(e)" }
        if let s = v.step { return "step \(s)" }
        return "an unknown point"
    }
    /// "epoch 42", else "step 1234" when the epoch is unknown, else nil. The reports and the
    /// figures use it too, so that every place reads the same.
    public static func at(epoch: Int?, step: Int?) -> String? {
        if let e = epoch { return "epoch \(e)" }
        if let s = step { return "step \(s)" }
        return nil
    }
}
