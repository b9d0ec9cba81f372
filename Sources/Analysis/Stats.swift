/// Small statistics helpers (finite values only, deterministic).
enum Stats {
    /// Median of the finite values, nil when there are none.
    static func median(_ xs: [Double]) -> Double? {
        let v = xs.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return nil }
        let m = v.count / 2
        return v.count % 2 == 1 ? v[m] : (v[m - 1] + v[m]) / 2
    }

    /// Mean of the finite values, nil when there are none.
    static func mean(_ xs: some Sequence<Double>) -> Double? {
        var s = 0.0, n = 0
        for x in xs where x.isFinite { s += x; n += 1 }
        return n > 0 ? s / Double(n) : nil
    }

    /// Median absolute deviation from `center`.
    static func mad(_ xs: [Double], center: Double) -> Double? {
        median(xs.map { abs($0 - center) })
    }

    /// Least-squares slope of y on x (finite pairs), nil with fewer than 2 distinct x.
    static func slope(x: [Double], y: [Double]) -> Double? {
        var sx = 0.0, sy = 0.0, n = 0.0
        for i in x.indices where x[i].isFinite && y[i].isFinite { sx += x[i]; sy += y[i]; n += 1 }
        guard n >= 2 else { return nil }
        let mx = sx / n, my = sy / n
        var sxx = 0.0, sxy = 0.0
        for i in x.indices where x[i].isFinite && y[i].isFinite {
            sxx += (x[i] - mx) * (x[i] - mx)
            sxy += (x[i] - mx) * (y[i] - my)
        }
        return sxx > 0 ? sxy / sxx : nil
    }

    /// The q-quantile (0...1) of the values, linear interpolation between order statistics.
    static func quantile(_ xs: [Double], _ q: Double) -> Double? {
        let v = xs.filter(\.isFinite).sorted()
        guard !v.isEmpty else { return nil }
        let p = min(max(q, 0), 1) * Double(v.count - 1)
        let lo = Int(p.rounded(.down)), hi = min(lo + 1, v.count - 1)
        return v[lo] + (p - Double(lo)) * (v[hi] - v[lo])
    }
}

extension Int {
    /// `x` rounded toward minus infinity and clamped to +-1e15, 0 for NaN: never traps, whatever
    /// the input (a projected epoch of 1e200, an `ep` of 1e400 in a config).
    init(clamping x: Double) {
        guard !x.isNaN else { self = 0; return }
        self = Int(Swift.min(Swift.max(x.rounded(.down), -1e15), 1e15))
    }
}

/// SplitMix64: a tiny, fast, seeded generator, so that the bootstrap gives the same numbers on
/// every machine and every run.
struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform integer in 0..<n without modulo bias worth caring about for n << 2^64.
    mutating func index(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
