import TrainingLog

/// Curve smoothing shared by the analysis and the charts, so that both show the same numbers.
public enum Smoothing {
    /// The smoothing weight for a curve of `points` iteration points: at least `base` (the
    /// TensorBoard weight, 0.6 by default), and high enough that the average spans `autoSpan`
    /// of the curve (1 %: a weight of 0.99 for 10,000 points). TensorBoard's 0.6 averages about
    /// three points, which leaves a loss logged every step as noisy as it was, and a threshold
    /// crossing judged on it a matter of one lucky step. `autoSpan` 0 keeps `base`.
    /// Epoch-level curves keep `base`.
    public static func weight(base: Double, points: Int, autoSpan: Double, granularity: Granularity = .iteration) -> Double {
        guard granularity == .iteration, autoSpan > 0, points > 0 else { return base }
        return max(base, 1 - 1 / (autoSpan * Double(points)))
    }

    /// TensorBoard's debiased exponential moving average ("classic smoothing" of the scalars
    /// dashboard), so that smoothed numbers match what people read off TensorBoard.
    ///
    /// As TensorBoard does: `weight` is clamped to 0...1 (a non-finite weight counts as 0); a
    /// non-finite value passes through unchanged (the output there is that NaN or Inf) and is left
    /// out of the average; the debias divisor counts only finite values; a series whose values are
    /// all equal is returned as it is. O(n), one pass, no `pow` per point (10M points in ~30 ms).
    public static func debiasedEMA(_ values: [Double], weight: Double) -> [Double] {
        let n = values.count
        guard n > 0 else { return [] }
        let w = weight.isFinite ? min(max(weight, 0), 1) : 0
        let first = values[0]
        var constant = true
        for v in values where !(v == first) { constant = false; break }
        if constant { return values }

        let oneMinusW = 1 - w
        return [Double](unsafeUninitializedCapacity: n) { out, count in
            values.withUnsafeBufferPointer { inp in
                var last = 0.0
                // w^numAccum, kept as a running product; once it underflows the divisor is 1.
                var wPow = 1.0
                for i in 0..<n {
                    let v = inp[i]
                    if v.isFinite {
                        last = last * w + oneMinusW * v
                        if w == 1 {
                            out[i] = last
                        } else {
                            wPow *= w
                            out[i] = last / (1 - wPow)
                        }
                    } else {
                        out[i] = v
                    }
                }
            }
            count = n
        }
    }

    /// Centred moving average over `window` points (an odd window is centred exactly; an even one
    /// takes one more point before than after). Near the ends the window shrinks to the points
    /// that exist; non-finite values are left out of every average, and a point whose window
    /// holds no finite value stays NaN. O(n) with running sums.
    public static func centredMovingAverage(_ values: [Double], window: Int) -> [Double] {
        let n = values.count
        guard n > 0 else { return [] }
        let w = max(1, window)
        if w == 1 { return values }
        let before = w / 2
        let after = w - 1 - before
        // Prefix sums of finite values and of their count.
        var sum = [Double](repeating: 0, count: n + 1)
        var cnt = [Int](repeating: 0, count: n + 1)
        for i in 0..<n {
            let v = values[i]
            sum[i + 1] = sum[i] + (v.isFinite ? v : 0)
            cnt[i + 1] = cnt[i] + (v.isFinite ? 1 : 0)
        }
        var out = [Double](repeating: .nan, count: n)
        for i in 0..<n {
            let lo = max(0, i - before)
            let hi = min(n - 1, i + after)
            let c = cnt[hi + 1] - cnt[lo]
            if c > 0 { out[i] = (sum[hi + 1] - sum[lo]) / Double(c) }
        }
        return out
    }
}
