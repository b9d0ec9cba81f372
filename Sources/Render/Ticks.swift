import Foundation
import TextFormat

/// Tick positions for one axis.
public struct TickSet: Sendable, Hashable {
    /// Labelled (major) tick values, ascending.
    public var major: [Double]
    /// Unlabelled (minor) tick values, ascending.
    public var minor: [Double]
    /// Distance between major ticks (linear), or 0 for log ticks.
    public var step: Double
    public init(major: [Double], minor: [Double] = [], step: Double) {
        self.major = major; self.minor = minor; self.step = step
    }
}

/// Tick placement: the Talbot–Lin–Hanrahan "extended" algorithm for linear axes and decades
/// for log axes.
public enum Ticks {
    /// The nice-number sequence of the extended algorithm, most preferred first.
    public static let defaultQ: [Double] = [1, 5, 2, 2.5, 4, 3]
    /// Weights of simplicity, coverage, density and legibility.
    public static let defaultWeights: (Double, Double, Double, Double) = (0.25, 0.2, 0.5, 0.05)

    /// Talbot, Lin & Hanrahan (2010), "An Extension of Wilkinson's Algorithm for Positioning Tick
    /// Labels on Axes": the labelling that maximises simplicity, coverage and density for about
    /// `m` ticks over `dmin...dmax`. This follows R's `labeling::extended` (legibility is 1).
    /// Returns the ticks from `lmin` to `lmax` inclusive, which may lie slightly outside the data.
    public static func extended(_ dmin: Double, _ dmax: Double, m: Int, Q: [Double] = defaultQ,
                                onlyLoose: Bool = false) -> TickSet {
        let w = defaultWeights
        let eps = Double.ulpOfOne * 100
        guard dmin.isFinite, dmax.isFinite, m >= 2 else { return TickSet(major: [dmin], step: 0) }
        let (dmin, dmax) = dmin <= dmax ? (dmin, dmax) : (dmax, dmin)
        if dmax - dmin < eps * max(1, abs(dmax)) {
            return TickSet(major: [dmin], step: 0)
        }
        let n = Double(Q.count)
        let range = dmax - dmin
        func simplicity(_ i: Int, _ j: Double, _ lmin: Double, _ lmax: Double, _ lstep: Double) -> Double {
            let rem = lmin - (lmin / lstep).rounded(.down) * lstep   // R's %% (floored modulo)
            let v: Double = ((rem < eps || lstep - rem < eps) && lmin <= 0 && lmax >= 0) ? 1 : 0
            return 1 - Double(i) / (n - 1) - j + v
        }
        func simplicityMax(_ i: Int, _ j: Double) -> Double { 1 - Double(i) / (n - 1) - j + 1 }
        func coverage(_ lmin: Double, _ lmax: Double) -> Double {
            1 - 0.5 * ((dmax - lmax) * (dmax - lmax) + (dmin - lmin) * (dmin - lmin)) / ((0.1 * range) * (0.1 * range))
        }
        func coverageMax(_ span: Double) -> Double {
            guard span > range else { return 1 }
            let half = (span - range) / 2
            return 1 - 0.5 * (2 * half * half) / ((0.1 * range) * (0.1 * range))
        }
        func density(_ k: Double, _ lmin: Double, _ lmax: Double) -> Double {
            let r = (k - 1) / (lmax - lmin)
            let rt = (Double(m) - 1) / (max(lmax, dmax) - min(dmin, lmin))
            return 2 - max(r / rt, rt / r)
        }
        func densityMax(_ k: Double) -> Double { k >= Double(m) ? 2 - (k - 1) / (Double(m) - 1) : 1 }

        var best: (lmin: Double, lmax: Double, lstep: Double, score: Double)? = nil
        var bestScore = -2.0
        var j = 1.0
        outer: while j < 1000 {
            for (i, q) in Q.enumerated() {
                let sm = simplicityMax(i, j)
                if w.0 * sm + w.1 + w.2 + w.3 < bestScore { break outer }
                var k = 2.0
                while k < 1000 {
                    let dm = densityMax(k)
                    if w.0 * sm + w.1 + w.2 * dm + w.3 < bestScore { break }
                    let delta = range / (k + 1) / j / q
                    var z = Foundation.log10(delta).rounded(.up)
                    while z < 400 {
                        let step = j * q * Foundation.pow(10, z)
                        let cm = coverageMax(step * (k - 1))
                        if w.0 * sm + w.1 * cm + w.2 * dm + w.3 < bestScore { break }
                        let minStart = (dmax / step).rounded(.down) * j - (k - 1) * j
                        let maxStart = (dmin / step).rounded(.up) * j
                        if minStart <= maxStart {
                            var start = minStart
                            while start <= maxStart {
                                let lmin = start * (step / j)
                                let lmax = lmin + step * (k - 1)
                                let s = simplicity(i, j, lmin, lmax, step)
                                let c = coverage(lmin, lmax)
                                let g = density(k, lmin, lmax)
                                let score = w.0 * s + w.1 * c + w.2 * g + w.3 * 1
                                if score > bestScore && (!onlyLoose || (lmin <= dmin && lmax >= dmax)) {
                                    bestScore = score
                                    best = (lmin, lmax, step, score)
                                }
                                start += 1
                            }
                        }
                        z += 1
                    }
                    k += 1
                }
            }
            j += 1
        }
        guard let b = best else { return TickSet(major: [dmin, dmax], step: dmax - dmin) }
        let count = Int(((b.lmax - b.lmin) / b.lstep).rounded()) + 1
        let values = (0..<count).map { clean(b.lmin + Double($0) * b.lstep, step: b.lstep) }
        return TickSet(major: values, step: b.lstep)
    }

    /// Snaps `v` to the nearest multiple of a small fraction of `step`, removing float noise such as
    /// 0.30000000000000004 -> 0.3 (as far as binary floating point allows) and -0 -> 0.
    static func clean(_ v: Double, step: Double) -> Double {
        guard step > 0 else { return v }
        let unit = Foundation.pow(10, (Foundation.log10(step)).rounded(.down) - 3)
        let r = (v / unit).rounded() * unit
        // Round-trip through a short decimal string so the value is the closest double.
        let s = cFormat("%.15g", r)
        let out = Double(s) ?? r
        return out == 0 ? 0 : out
    }

    /// Ticks for a linear axis showing `domain`, aiming at about `count` ticks; only ticks inside the
    /// domain are returned.
    public static func linear(_ domain: ClosedRange<Double>, count: Int) -> TickSet {
        var t = extended(domain.lowerBound, domain.upperBound, m: max(2, count))
        let span = domain.upperBound - domain.lowerBound
        let tol = span * 1e-9
        t.major = t.major.filter { $0 >= domain.lowerBound - tol && $0 <= domain.upperBound + tol }
        // When the best labelling lies partly outside the domain, too few ticks remain inside:
        // ask for a few more.
        var m = max(2, count)
        while t.major.count < max(2, count - 1) && span > 0 && m < max(2, count) * 2 + 2 {
            m += 1
            var denser = extended(domain.lowerBound, domain.upperBound, m: m)
            denser.major = denser.major.filter { $0 >= domain.lowerBound - tol && $0 <= domain.upperBound + tol }
            if denser.major.count > t.major.count { t = denser }
        }
        return t
    }

    /// Ticks for a log10 axis over `domain` (both ends > 0): labelled decades with minor ticks at
    /// 2 and 5 times each decade; within about two decades the 2 and 5 ticks are labelled too;
    /// over many decades every 2nd, 3rd, ... decade is labelled. Below a third of a decade it
    /// falls back to linear ticks.
    public static func log10(_ domain: ClosedRange<Double>, count: Int) -> TickSet {
        let lo = max(domain.lowerBound, Double.leastNormalMagnitude), hi = max(domain.upperBound, lo)
        let llo = Foundation.log10(lo), lhi = Foundation.log10(hi)
        let decades = lhi - llo
        if decades < 0.5 {
            return linear(lo...hi, count: count)
        }
        let inside: (Double) -> Bool = { $0 >= lo * (1 - 1e-9) && $0 <= hi * (1 + 1e-9) }
        let first = Int(llo.rounded(.down)), last = Int(lhi.rounded(.up))
        var major: [Double] = [], minor: [Double] = []
        if decades <= 2.2 {
            for e in first...last {
                let p = Foundation.pow(10, Double(e))
                for mult in [1.0, 2, 5] where inside(mult * p) { major.append(clean(mult * p, step: p)) }
                for mult in [3.0, 4, 6, 7, 8, 9] where inside(mult * p) { minor.append(clean(mult * p, step: p)) }
            }
        } else {
            // `count` is how many labels fit; label every decade when they fit, else every n-th.
            let stride = max(1, Int((decades / Double(max(2, count))).rounded(.up)))
            for e in first...last {
                let p = Foundation.pow(10, Double(e))
                if inside(p) {
                    if ((e % stride) + stride) % stride == 0 { major.append(p) } else { minor.append(p) }
                }
                if stride == 1 && decades <= 8 {
                    for mult in [2.0, 5] where inside(mult * p) { minor.append(clean(mult * p, step: p)) }
                }
            }
        }
        return TickSet(major: major, minor: minor.sorted(), step: 0)
    }
}

/// Tick label formatting: short, no float noise, compact for very large or small numbers.
public enum TickFormat {
    /// Labels for `values` spaced by `step` (0 for irregular, e.g. log ticks):
    /// - magnitudes from 0.001 up to 10 000 print in fixed notation with the same number of
    ///   decimals on every label (5.5, 6.0, 6.5);
    /// - larger ones use k, M, G suffixes (2.5k, 10k, 1.2M);
    /// - smaller ones use short scientific notation (1e-4, 2.5e-4).
    public static func labels(_ values: [Double], step: Double) -> [String] {
        let finite = values.filter(\.isFinite)
        guard let maxAbs = finite.map(abs).max(), maxAbs > 0 else { return values.map { _ in "0" } }
        if maxAbs >= 1e4 {
            if maxAbs >= 1e12 { return values.map(scientific) }
            // SI suffix per label, as d3 does: 0, 250k, 500k, 750k, 1M.
            return values.map { v in
                let a = abs(v)
                let (unit, suffix): (Double, String) = a >= 1e9 ? (1e9, "G") : a >= 1e6 ? (1e6, "M") : a >= 1e3 ? (1e3, "k") : (1, "")
                return v == 0 ? "0" : shortest(v / unit, tolerance: step > 0 ? step / unit * 1e-6 : a / unit * 1e-9) + suffix
            }
        }
        let smallest = finite.filter { $0 != 0 }.map(abs).min() ?? maxAbs
        if maxAbs < 1e-3 || (step == 0 && smallest < 1e-3) {
            return values.map { $0 == 0 ? "0" : scientific($0) }
        }
        if step == 0 {
            return values.map { shortest($0, tolerance: abs($0) * 1e-9) }
        }
        // Fixed decimals: the fewest that represent every value to within a millionth of the step.
        var decimals = 0
        while decimals < 12 {
            let p = Foundation.pow(10, Double(decimals))
            if finite.allSatisfy({ abs(($0 * p).rounded() / p - $0) <= step * 1e-6 }) { break }
            decimals += 1
        }
        return values.map { v in
            let s = cFormat("%.\(decimals)f", v)
            return isNegativeZero(s) ? String(s.dropFirst()) : s
        }
    }

    /// One label for a value with no tick context (annotations, colour bars): up to 4 significant
    /// digits, compact forms for very large and small magnitudes.
    public static func label(_ v: Double) -> String {
        guard v.isFinite else { return v.isNaN ? "NaN" : (v > 0 ? "∞" : "-∞") }
        if v == 0 { return "0" }
        let a = abs(v)
        if a >= 1e4 || a < 1e-3 { return labels([v], step: 0)[0] }
        return shortest(Double(cFormat("%.4g", v)) ?? v, tolerance: a * 1e-9)
    }

    /// "2.5e-4" style: mantissa as short as possible, exponent without "+" or leading zeros.
    static func scientific(_ v: Double) -> String {
        for p in 0...15 {
            let s = cFormat("%.\(p)e", v)
            if let back = Double(s), abs(back - v) <= abs(v) * 1e-9 {
                let parts = s.split(separator: "e")
                let mant = parts[0]
                let exp = Int(parts[1]) ?? 0
                return "\(mant)e\(exp)"
            }
        }
        return "\(v)"
    }

    /// Fixed notation with the fewest decimals that stays within `tolerance` of `v`.
    static func shortest(_ v: Double, tolerance: Double) -> String {
        for p in 0...12 {
            let s = cFormat("%.\(p)f", v)
            if let back = Double(s), abs(back - v) <= max(tolerance, 0) {
                return isNegativeZero(s) ? String(s.dropFirst()) : s
            }
        }
        return cFormat("%.12g", v)
    }

    private static func isNegativeZero(_ s: String) -> Bool {
        s.hasPrefix("-") && s.dropFirst().allSatisfy { $0 == "0" || $0 == "." }
    }
}
