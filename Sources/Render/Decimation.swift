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
        return reduce(xs: xs, ys: ys, n: n, buckets: Buckets(xs: xs, count: n, buckets: buckets, xRange: xRange), keepEnds: true)
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
        return reduce(xs: xs, ys: ys, n: n, buckets: Buckets(xs: xs, count: n, buckets: buckets, xRange: xRange), keepEnds: false)
    }

    /// `m4` with the buckets of its x array already found: the lines of one chart usually share
    /// one x array (a run's metrics are logged at the same steps), and finding each point's
    /// bucket cost more than the reduction itself.
    static func m4(xs: [Double], ys: [Double], buckets: Buckets?) -> (xs: [Double], ys: [Double]) {
        let n = min(xs.count, ys.count)
        guard let buckets, buckets.count == n, n > 4 * buckets.buckets else { return (Array(xs.prefix(n)), Array(ys.prefix(n))) }
        return reduce(xs: xs, ys: ys, n: n, buckets: buckets, keepEnds: true)
    }

    /// A band (`lower`...`upper` over `xs`, the first `count` points) reduced per bucket to its
    /// envelope: the bucket's first and last x, each with the bucket's lowest lower and highest
    /// upper value. A NaN bound or an x that is not finite is a gap (kept). Unchanged when short
    /// or when the xs are not ascending.
    public static func envelope(xs: [Double], lower: [Double], upper: [Double], count n: Int, buckets: Int,
                                xRange: ClosedRange<Double>) -> (xs: [Double], lower: [Double], upper: [Double]) {
        let found = n > 4 * buckets ? Buckets(xs: xs, count: n, buckets: buckets, xRange: xRange) : nil
        return envelope(xs: xs, lower: lower, upper: upper, count: n, buckets: found)
    }

    /// `envelope` with the buckets of its x array already found (see `m4(xs:ys:buckets:)`).
    static func envelope(xs: [Double], lower: [Double], upper: [Double], count n: Int, buckets: Buckets?)
        -> (xs: [Double], lower: [Double], upper: [Double])
    {
        guard let buckets, buckets.count == n, n > 4 * buckets.buckets else {
            return (Array(xs.prefix(n)), Array(lower.prefix(n)), Array(upper.prefix(n)))
        }
        var ox: [Double] = [], ol: [Double] = [], oh: [Double] = []
        ox.reserveCapacity(2 * buckets.buckets + 8); ol.reserveCapacity(2 * buckets.buckets + 8); oh.reserveCapacity(2 * buckets.buckets + 8)
        var open = false, firstX = 0.0, lastX = 0.0, minL = Double.infinity, maxH = -Double.infinity
        func flush() {
            defer { open = false; minL = .infinity; maxH = -.infinity }
            guard open, minL.isFinite, maxH.isFinite else { return }
            ox.append(firstX); ol.append(minL); oh.append(maxH)
            if lastX != firstX { ox.append(lastX); ol.append(minL); oh.append(maxH) }
        }
        func gap(_ i: Int) {
            flush()
            ox.append(xs[i]); ol.append(.nan); oh.append(.nan)
        }
        for run in buckets.runs {
            if run.bucket == Int.min { gap(run.start); continue }
            for i in run.start..<run.end {
                if lower[i].isNaN || upper[i].isNaN { gap(i); continue }
                if !open { open = true; firstX = xs[i] }
                lastX = xs[i]
                minL = Swift.min(minL, lower[i]); maxH = Swift.max(maxH, upper[i])
            }
            flush()
        }
        return (ox, ol, oh)
    }

    /// Where the buckets of an ascending x array start and end: runs of consecutive points in
    /// one bucket, and the points whose x is not finite (gaps). Nil when the x range is empty or
    /// not finite, or the xs are not ascending (lines are then left alone).
    struct Buckets {
        /// Runs in x order: `bucket` is Int.min for a point whose x is not finite.
        var runs: [(start: Int, end: Int, bucket: Int)] = []
        let count: Int
        let buckets: Int

        init?(xs: [Double], count n: Int, buckets: Int, xRange: ClosedRange<Double>?) {
            guard n > 0, buckets > 0 else { return nil }
            let x0 = xRange?.lowerBound ?? xs[0]
            let x1 = xRange?.upperBound ?? xs[n - 1]
            let width = x1 - x0
            guard width > 0, width.isFinite else { return nil }
            let perBucket = Double(buckets) / width
            count = n
            self.buckets = buckets
            var runs: [(start: Int, end: Int, bucket: Int)] = []
            runs.reserveCapacity(buckets + 8)
            let ascending: Bool = xs.withUnsafeBufferPointer { b in
                var prevX = -Double.infinity
                var start = 0, current = Int.min
                for i in 0..<n {
                    let x = b[i]
                    if x < prevX { return false }
                    prevX = x
                    let bucket: Int
                    if x.isFinite {
                        // floor without a libm call (baseline x86-64 has no rounding instruction); points far
                        // outside the range (a user's narrow domain) share an edge bucket instead of trapping.
                        let t = Swift.min(Swift.max((x - x0) * perBucket, -1e15), 1e15)
                        var f = Int(t)
                        if Double(f) > t { f -= 1 }
                        bucket = f
                    } else {
                        bucket = Int.min
                    }
                    if i == 0 { current = bucket; continue }
                    if bucket != current || bucket == Int.min {
                        runs.append((start, i, current))
                        start = i
                        current = bucket
                    }
                }
                runs.append((start, n, current))
                return true
            }
            guard ascending else { return nil }
            self.runs = runs
        }
    }

    /// `keepEnds`: M4 (each bucket's first, minimum, maximum and last point); otherwise only the
    /// minimum and maximum, plus the very first and last points of the line. A NaN y, or a point
    /// whose x is not finite, ends the bucket and is kept once as a gap.
    private static func reduce(xs: [Double], ys: [Double], n: Int, buckets: Buckets?, keepEnds: Bool) -> (xs: [Double], ys: [Double]) {
        guard let buckets else { return (Array(xs.prefix(n)), Array(ys.prefix(n))) }
        return xs.withUnsafeBufferPointer { xs in
            ys.withUnsafeBufferPointer { ys in
                var outX: [Double] = [], outY: [Double] = []
                outX.reserveCapacity(buckets.buckets * 4 + 8); outY.reserveCapacity(buckets.buckets * 4 + 8)
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
                func gap(_ i: Int) {
                    flush()
                    if !lastGap && !outX.isEmpty { outX.append(xs[i]); outY.append(.nan); lastGap = true }
                }
                for run in buckets.runs {
                    if run.bucket == Int.min { gap(run.start); continue }
                    for i in run.start..<run.end {
                        let y = ys[i]
                        if y.isNaN { gap(i); continue }
                        lastGap = false
                        if first < 0 {
                            first = i; last = i; lo = i; hi = i; loY = y; hiY = y
                        } else {
                            last = i
                            if y < loY { lo = i; loY = y }
                            if y > hiY { hi = i; hiY = y }
                        }
                    }
                    flush()
                }
                return (outX, outY)
            }
        }
    }
}
