/// Min/max-preserving decimation for long lines (M4: Jugel et al., VLDB 2014).
///
/// Per pixel column the line is reduced to its first, minimum, maximum and last point, in x order;
/// drawn as a polyline at that width this is indistinguishable from the full line, so a
/// 10-million-point series draws in milliseconds and its spikes stay visible.
public enum Decimation {
    /// Reduces (xs, ys) to at most about 4 points per bucket, with `buckets` equal-width buckets over
    /// `xRange` (default: the first to the last x). Keeps the first and last points and the global
    /// minimum and maximum. A NaN y is a gap and is kept (once per run of NaNs). When `xs` is not
    /// ascending the input is returned unchanged.
    public static func m4(xs: [Double], ys: [Double], buckets: Int, xRange: ClosedRange<Double>? = nil)
        -> (xs: [Double], ys: [Double])
    {
        let n = min(xs.count, ys.count)
        guard buckets > 0, n > 4 * buckets else { return (Array(xs.prefix(n)), Array(ys.prefix(n))) }
        return xs.withUnsafeBufferPointer { xb in
            ys.withUnsafeBufferPointer { yb in
                m4(xb, yb, n: n, buckets: buckets, xRange: xRange) ?? (Array(xs.prefix(n)), Array(ys.prefix(n)))
            }
        }
    }

    private static func m4(_ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>, n: Int,
                           buckets: Int, xRange: ClosedRange<Double>?) -> (xs: [Double], ys: [Double])? {
        let x0 = xRange?.lowerBound ?? xs[0]
        let x1 = xRange?.upperBound ?? xs[n - 1]
        let width = x1 - x0
        guard width > 0, width.isFinite else { return nil }
        let perBucket = Double(buckets) / width
        var outX: [Double] = [], outY: [Double] = []
        outX.reserveCapacity(buckets * 4 + 8); outY.reserveCapacity(buckets * 4 + 8)

        var bucket = Int.min
        var first = -1, last = -1, lo = -1, hi = -1
        var lastGap = false
        func flush() {
            guard first >= 0 else { return }
            // Emit the up-to-four indices in x (index) order, without duplicates.
            var idx = [first, lo, hi, last]
            idx.sort()
            var prev = -1
            for i in idx where i != prev { outX.append(xs[i]); outY.append(ys[i]); prev = i }
            first = -1
        }
        var prevX = -Double.infinity
        for i in 0..<n {
            let x = xs[i]
            if x < prevX { return nil }  // not ascending: leave the line alone
            prevX = x
            let y = ys[i]
            if y.isNaN || !x.isFinite {
                flush()
                if !lastGap && !outX.isEmpty { outX.append(x); outY.append(.nan); lastGap = true }
                bucket = Int.min
                continue
            }
            lastGap = false
            let b = Int(((x - x0) * perBucket).rounded(.down))
            if b != bucket || first < 0 {
                flush()
                bucket = b; first = i; last = i; lo = i; hi = i
            } else {
                last = i
                if y < ys[lo] { lo = i }
                if y > ys[hi] { hi = i }
            }
        }
        flush()
        return (outX, outY)
    }
}
