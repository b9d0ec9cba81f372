import Foundation

/// Least-squares fit of L(t) = L_inf + A * t^(-alpha), the usual shape of a loss curve late in
/// training, used to project when (and whether) a loss will reach its threshold.
///
/// Method: for a fixed alpha the model is linear in (L_inf, A), so those two come from closed-form
/// least squares; alpha is found on a log-spaced grid and refined by golden-section search on the
/// sum of squared residuals. Only fits with A > 0 (a falling curve) are accepted. The uncertainty
/// comes from a residual bootstrap with a fixed seed (same input, same numbers).
public struct PowerLawFit: Sendable, Equatable {
    public var lossInfinity: Double
    public var amplitude: Double
    public var alpha: Double
    /// Root-mean-square residual of the fit.
    public var rmse: Double
    public var points: Int

    /// The fitted curve at t.
    public func value(at t: Double) -> Double { lossInfinity + amplitude * pow(t, -alpha) }

    /// The t at which the fitted curve reaches `level`; nil when it never does (L_inf >= level).
    public func time(toReach level: Double) -> Double? {
        guard amplitude > 0, alpha > 0, level > lossInfinity else { return nil }
        let t = pow(amplitude / (level - lossInfinity), 1 / alpha)
        return t.isFinite ? t : nil
    }

    /// Fits t (> 0) and y. Returns nil with fewer than 4 usable points or when no falling curve
    /// fits (A <= 0 for every alpha).
    public static func fit(t: [Double], y: [Double], alphaMin: Double = 0.05, alphaMax: Double = 4.0,
                           gridSize: Int = 200) -> PowerLawFit? {
        var ts: [Double] = [], ys: [Double] = []
        for i in t.indices where t[i].isFinite && t[i] > 0 && y[i].isFinite { ts.append(t[i]); ys.append(y[i]) }
        guard ts.count >= 4, alphaMin > 0, alphaMax > alphaMin else { return nil }
        return fitClean(t: ts, y: ys, logT: ts.map { log($0) }, alphaMin: alphaMin, alphaMax: alphaMax,
                        gridSize: gridSize)
    }

    /// Linear least squares of y = c + A x for x = t^-alpha: (c, A, SSE), nil when degenerate.
    /// `x` is scratch space of y.count elements (the fit calls this a few hundred times).
    static func linear(logT: [Double], y: [Double], alpha: Double, x: inout [Double]) -> (c: Double, a: Double, sse: Double)? {
        let n = Double(y.count)
        var sx = 0.0, sy = 0.0
        for i in y.indices { x[i] = exp(-alpha * logT[i]); sx += x[i]; sy += y[i] }
        let mx = sx / n, my = sy / n
        var sxx = 0.0, sxy = 0.0
        for i in y.indices { let dx = x[i] - mx; sxx += dx * dx; sxy += dx * (y[i] - my) }
        guard sxx > 1e-300 else { return nil }
        let a = sxy / sxx
        let c = my - a * mx
        var sse = 0.0
        for i in y.indices { let r = y[i] - c - a * x[i]; sse += r * r }
        return (c, a, sse)
    }

    /// `tolerance` is the width in log(alpha) at which the golden-section search stops: the
    /// fit itself goes to 1e-12; bootstrap refits, whose spread is what matters, to 1e-6 (half
    /// the evaluations).
    static func fitClean(t: [Double], y: [Double], logT: [Double], alphaMin: Double, alphaMax: Double,
                         gridSize: Int, tolerance: Double = 1e-12) -> PowerLawFit? {
        var scratch = [Double](repeating: 0, count: y.count)
        // Objective: SSE with A > 0 required; +inf otherwise.
        func sse(_ alpha: Double) -> Double {
            guard let r = linear(logT: logT, y: y, alpha: alpha, x: &scratch), r.a > 0 else { return .infinity }
            return r.sse
        }
        let lmin = log(alphaMin), lmax = log(alphaMax)
        let g = max(gridSize, 10)
        var bestK = -1, bestS = Double.infinity
        var grid = [Double](repeating: 0, count: g)
        for k in 0..<g {
            grid[k] = exp(lmin + (lmax - lmin) * Double(k) / Double(g - 1))
            let s = sse(grid[k])
            if s < bestS { bestS = s; bestK = k }
        }
        guard bestK >= 0 else { return nil }
        // Golden-section refinement on log(alpha) between the grid neighbours.
        var lo = log(grid[max(0, bestK - 1)]), hi = log(grid[min(g - 1, bestK + 1)])
        let phi = (sqrt(5.0) - 1) / 2
        var x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo)
        var f1 = sse(exp(x1)), f2 = sse(exp(x2))
        for _ in 0..<100 where hi - lo > tolerance {
            if f1 <= f2 { hi = x2; x2 = x1; f2 = f1; x1 = hi - phi * (hi - lo); f1 = sse(exp(x1)) }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + phi * (hi - lo); f2 = sse(exp(x2)) }
        }
        var alpha = exp((lo + hi) / 2)
        if sse(alpha) > bestS { alpha = grid[bestK] }
        guard let r = linear(logT: logT, y: y, alpha: alpha, x: &scratch), r.a > 0 else { return nil }
        return PowerLawFit(lossInfinity: r.c, amplitude: r.a, alpha: alpha,
                           rmse: sqrt(r.sse / Double(y.count)), points: y.count)
    }

    /// The spread of the fit under a residual bootstrap: refits on fitted + resampled residuals.
    public struct Bootstrap: Sendable, Equatable {
        /// Robust standard deviation of L_inf over the resamples: half its 16-84 % range.
        public var lossInfinityStdDev: Double
        /// 16th and 84th percentiles of the time to reach the level (nil: beyond reach in >16 %).
        public var timeLow: Double?
        public var timeHigh: Double?
        /// Share of resamples whose L_inf lies below the level.
        public var reachProbability: Double
        public var samples: Int
    }

    /// Residual bootstrap of this fit on (t, y) for the time to reach `level`.
    public func bootstrap(t: [Double], y: [Double], level: Double, samples: Int, seed: UInt64,
                          alphaMin: Double = 0.05, alphaMax: Double = 4.0) -> Bootstrap? {
        var ts: [Double] = [], ys: [Double] = []
        for i in t.indices where t[i].isFinite && t[i] > 0 && y[i].isFinite { ts.append(t[i]); ys.append(y[i]) }
        guard ts.count >= 4, samples > 1 else { return nil }
        let logT = ts.map { log($0) }
        let fitted = ts.map { value(at: $0) }
        let resid = ys.indices.map { ys[$0] - fitted[$0] }
        var rng = SplitMix64(seed: seed)
        var lInf: [Double] = [], times: [Double] = []
        var reach = 0, done = 0
        for _ in 0..<samples {
            let yb = fitted.indices.map { fitted[$0] + resid[rng.index(resid.count)] }
            guard let f = PowerLawFit.fitClean(t: ts, y: yb, logT: logT, alphaMin: alphaMin, alphaMax: alphaMax,
                                               gridSize: 60, tolerance: 1e-6) else {
                // No falling curve fits this resample: it never reaches the level.
                done += 1
                times.append(.infinity)
                continue
            }
            done += 1
            lInf.append(f.lossInfinity)
            if let tt = f.time(toReach: level) { times.append(tt); reach += 1 } else { times.append(.infinity) }
        }
        guard done > 1 else { return nil }
        // Robust sigma: half the 16-84 % range (a plain standard deviation is ruled by the few
        // resamples whose alpha runs to the edge of the grid, where L_inf and A trade off).
        let sd = lInf.count > 1 ? ((Stats.quantile(lInf, 0.84) ?? 0) - (Stats.quantile(lInf, 0.16) ?? 0)) / 2 : 0
        let sorted = times.sorted()
        func q(_ p: Double) -> Double? {
            let v = sorted[min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded()))]
            return v.isFinite ? v : nil
        }
        return Bootstrap(lossInfinityStdDev: sd, timeLow: q(0.16), timeHigh: q(0.84),
                         reachProbability: Double(reach) / Double(done), samples: done)
    }
}
