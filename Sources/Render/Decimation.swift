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

    /// Like `m4` with only each bucket's minimum and maximum (in x order), and the line's first
    /// and last points: half the points of M4, for vector output where buckets are finer than
    /// the eye (the joins between buckets move by less than a bucket).
    public static func minMax(xs: [Double], ys: [Double], buckets: Int, xRange: ClosedRange<Double>? = nil)
        -> (xs: [Double], ys: [Double])
    {
        let n = min(xs.count, ys.count)
        // Reduce whenever a bucket can hold more than one point, so that reducing an already
        // M4-reduced line gives what reducing the full line gives (`Figure.predecimated`).
        guard buckets > 0, n > buckets + 2 else { return (Array(xs.prefix(n)), Array(ys.prefix(n))) }
        return xs.withUnsafeBufferPointer { xb in
            ys.withUnsafeBufferPointer { yb in
                m4(xb, yb, n: n, buckets: buckets, xRange: xRange, keepEnds: false)
                    ?? (Array(xs.prefix(n)), Array(ys.prefix(n)))
            }
        }
    }

    /// `keepEnds`: M4 (each bucket's first, minimum, maximum and last point); otherwise only the
    /// minimum and maximum, plus the very first and last points of the line.
    private static func m4(_ xs: UnsafeBufferPointer<Double>, _ ys: UnsafeBufferPointer<Double>, n: Int,
                           buckets: Int, xRange: ClosedRange<Double>?, keepEnds: Bool = true) -> (xs: [Double], ys: [Double])? {
        let x0 = xRange?.lowerBound ?? xs[0]
        let x1 = xRange?.upperBound ?? xs[n - 1]
        let width = x1 - x0
        guard width > 0, width.isFinite else { return nil }
        let perBucket = Double(buckets) / width
        var outX: [Double] = [], outY: [Double] = []
        outX.reserveCapacity(buckets * 4 + 8); outY.reserveCapacity(buckets * 4 + 8)

        var bucket = Int.min
        var first = -1, last = -1, lo = -1, hi = -1
        var loY = 0.0, hiY = 0.0  // ys[lo], ys[hi]
        var lastGap = false
        func flush() {
            guard first >= 0 else { return }
            // Emit the up-to-four indices in x (index) order, without duplicates.
            let a = keepEnds || first == 0 ? first : lo, d = keepEnds || last == n - 1 ? last : hi
            var i0 = a, i1 = lo, i2 = hi, i3 = d  // a sorting network of four
            if i0 > i1 { swap(&i0, &i1) }
            if i2 > i3 { swap(&i2, &i3) }
            if i0 > i2 { swap(&i0, &i2) }
            if i1 > i3 { swap(&i1, &i3) }
            if i1 > i2 { swap(&i1, &i2) }
            var prev = -1
            for i in [i0, i1, i2, i3] where i != prev { outX.append(xs[i]); outY.append(ys[i]); prev = i }
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
            // floor without a libm call (baseline x86-64 has no rounding instruction); points far
            // outside the range (a user's narrow domain) share an edge bucket instead of trapping.
            let t = Swift.min(Swift.max((x - x0) * perBucket, -1e15), 1e15)
            var b = Int(t)
            if Double(b) > t { b -= 1 }
            if b != bucket || first < 0 {
                flush()
                bucket = b; first = i; last = i; lo = i; hi = i; loY = y; hiY = y
            } else {
                last = i
                if y < loY { lo = i; loY = y }
                if y > hiY { hi = i; hiY = y }
            }
        }
        flush()
        return (outX, outY)
    }
}
