import Report
import Foundation
import TrainingLog

/// The key epoch-level curves of one run, downsampled, in `DIR/runs/<name>/curves.json`: what
/// the comparison's overlay charts draw, so the comparison needs only per-run outputs.
public struct SweepCurves: Codable, Sendable, Equatable {
    public var schema = "varreport.sweep-curves/1"
    /// One curve per metric that has data: x in epochs (0-based), y the value; non-finite
    /// values are `null` (a diverged run's NaN).
    public var curves: [String: Curve]

    public struct Curve: Codable, Sendable, Equatable {
        public var x: [Double]
        public var y: [Double?]
    }

    public static let fileName = "curves.json"
    /// The most points kept per curve.
    public static let maxPoints = 240
    static let metrics: [MetricName] = [.trainLossTail, .trainLossMean, .valLossTail, .valLossMean,
                                        .trainAccTail, .trainAccMean]

    /// The curves of a run: epoch series where the run has them, otherwise the iteration series
    /// averaged per epoch (or per bin of steps when iterations per epoch are unknown).
    public static func make(_ run: Run) -> SweepCurves {
        var out: [String: Curve] = [:]
        for name in metrics {
            var xs: [Double] = [], ys: [Double] = []
            if let s = run.series(name, .epoch), !s.isEmpty {
                xs = s.xs.map(Double.init)
                ys = s.values
            } else if let s = run.series(name, .iteration), !s.isEmpty {
                let ipe = Double(run.iterationsPerEpoch ?? 0)
                xs = s.xs.map { ipe > 0 ? Double($0) / ipe : Double($0) }
                ys = s.values
            } else { continue }
            let (dx, dy) = downsample(xs, ys, to: maxPoints)
            out[name.rawValue] = Curve(x: dx.map(round6), y: dy.map { $0.isFinite ? round6($0) : nil })
        }
        return SweepCurves(curves: out)
    }

    /// Bin means over equal x ranges; keeps series at or under `n` points as they are, and
    /// keeps a NaN bin as NaN (so a divergence stays visible).
    static func downsample(_ xs: [Double], _ ys: [Double], to n: Int) -> ([Double], [Double]) {
        guard xs.count > n, let lo = xs.first, let hi = xs.last, hi > lo else { return (xs, ys) }
        var sx = [Double](repeating: 0, count: n), sy = [Double](repeating: 0, count: n)
        var cnt = [Int](repeating: 0, count: n)
        var bad = [Bool](repeating: false, count: n)
        for i in xs.indices {
            let b = min(n - 1, Int((xs[i] - lo) / (hi - lo) * Double(n)))
            sx[b] += xs[i]
            cnt[b] += 1
            if ys[i].isFinite { sy[b] += ys[i] } else { bad[b] = true }
        }
        var ox: [Double] = [], oy: [Double] = []
        for b in 0..<n where cnt[b] > 0 {
            ox.append(sx[b] / Double(cnt[b]))
            oy.append(bad[b] ? .nan : sy[b] / Double(cnt[b]))
        }
        return (ox, oy)
    }

    static func round6(_ v: Double) -> Double { (v * 1e6).rounded() / 1e6 }
}
