import Parallel

/// Points far above a robust baseline of their neighbours: the spike rule for losses and the
/// gradient norm (docs/ANALYSIS.md, "Spikes").
///
/// For each finite point x the baseline is the median of the `half` finite points before it and
/// the `half` after it (fewer, as many on each side, near the ends; the point itself left out: a
/// Hampel filter's window), and the noise scale
/// is taken from the neighbours' successive differences, sigma = median |diff| / (0.6745 sqrt 2),
/// which a trend does not inflate (a falling loss makes the neighbours spread, not their
/// differences). x is a spike when all of these hold:
/// - robust z = (x - baseline) / sigma > `z`,
/// - x - baseline > `minRelativeJump` * |baseline| (a jump that matters, not print rounding),
/// - x >= `minRatio` * baseline when `minRatio` > 0 (a gradient-norm spike must be a multiple of
///   its baseline: 0.21 against 0.17 is noise, however quiet the neighbours).
/// A run of consecutive spike points counts once, at its highest z. Each point needs at least 2
/// neighbours on each side (the first two and last two points are never spikes). Non-finite
/// values are skipped (the NaN / Inf rule reports them).
public enum SpikeDetector {
    /// One spike in index terms (into the input array).
    public struct Hit: Sendable, Equatable {
        public var index: Int
        public var baseline: Double
        public var z: Double
    }

    public static func spikes(_ values: [Double], half: Int, z: Double, minRelativeJump: Double,
                              minRatio: Double = 0, parts: Int = 1) -> [Hit] {
        // Non-finite values are left out (most series have none: then no copy is made).
        let allFinite = values.allSatisfy(\.isFinite)
        var finite: [Double] = [], index: [Int] = []
        if !allFinite {
            finite.reserveCapacity(values.count); index.reserveCapacity(values.count)
            for (i, v) in values.enumerated() where v.isFinite { finite.append(v); index.append(i) }
        } else {
            finite = values
        }
        let h = max(half, 2)
        let n = finite.count
        let f = finite
        let count = max(1, min(parts, n / 50_000))
        let scans: [[RunHit]]
        if count == 1 {
            scans = [scan(f, 0..<n, half: h, z: z, minRelativeJump: minRelativeJump, minRatio: minRatio)]
        } else {
            let bounds = (0...count).map { $0 * n / count }
            scans = ParallelMap.map(Array(0..<count)) { k in
                scan(f, bounds[k]..<bounds[k + 1], half: h, z: z, minRelativeJump: minRelativeJump, minRatio: minRatio)
            }
        }
        // Join the ranges: a run of consecutive spike points across a boundary counts once.
        var out: [RunHit] = []
        for hits in scans {
            for hit in hits {
                if let last = out.last, last.runEnd == hit.runStart - 1 {
                    var joined = hit.z > last.z ? hit : last
                    joined.runStart = last.runStart
                    joined.runEnd = hit.runEnd
                    out[out.count - 1] = joined
                } else {
                    out.append(hit)
                }
            }
        }
        return out.map { Hit(index: allFinite ? $0.index : index[$0.index], baseline: $0.baseline, z: $0.z) }
    }

    /// A run of consecutive spike points: its highest point, and where the run starts and ends.
    private struct RunHit: Sendable {
        var index: Int
        var baseline: Double
        var z: Double
        var runStart: Int
        var runEnd: Int
    }

    /// The hits among finite[range], with windows that reach outside the range.
    private static func scan(_ f: [Double], _ range: Range<Int>, half h: Int, z: Double, minRelativeJump: Double,
                             minRatio: Double) -> [RunHit] {
        let n = f.count
        guard !range.isEmpty else { return [] }
        var out: [RunHit] = []
        // The sorted window holds f[lo..<hi] = the neighbours and the point itself.
        var sorted: [Double] = []
        sorted.reserveCapacity(2 * h + 2)
        let k0 = min(h, range.lowerBound, n - 1 - range.lowerBound)
        var lo = range.lowerBound - k0, hi = lo
        var diffs: [Double] = []
        diffs.reserveCapacity(2 * h + 2)
        for j in range {
            // A symmetric window (shorter near the ends): on a monotone curve the median of
            // symmetric neighbours is the curve's own level, so a trend is not a spike.
            let k = min(h, j, n - 1 - j)
            let wantLo = j - k, wantHi = j + k + 1
            if wantHi == hi + 1, wantLo == lo + 1 {
                // The steady state: one value in, one out (a single shift of the sorted copy).
                replace(f[lo], with: f[hi], in: &sorted)
                lo += 1; hi += 1
            } else {
                while hi < wantHi { insert(f[hi], into: &sorted); hi += 1 }
                while lo < wantLo { remove(f[lo], from: &sorted); lo += 1 }
            }
            let m = sorted.count - 1  // neighbours
            // Neighbours on both sides: a one-sided window on a falling curve (the first points
            // of a run) would make its first point look high.
            guard m >= 4 else { continue }
            let x = f[j]
            // The median of the window without x.
            let p = countBelow(x, in: sorted)
            @inline(__always) func rank(_ r: Int) -> Double { sorted[r < p ? r : r + 1] }
            let base = m % 2 == 1 ? rank(m / 2) : (rank(m / 2 - 1) + rank(m / 2)) / 2
            let jump = x - base
            guard jump > minRelativeJump * abs(base), jump > 0 else { continue }
            if minRatio > 0, !(base > 0 && x >= minRatio * base) { continue }
            // The noise scale from the neighbours' successive differences (x left out: its two
            // neighbours are joined by one difference).
            diffs.removeAll(keepingCapacity: true)
            var prev: Double? = nil
            for k in wantLo..<wantHi where k != j {
                if let q = prev { diffs.append(abs(f[k] - q)) }
                prev = f[k]
            }
            guard !diffs.isEmpty else { continue }
            diffs.sort()
            let d = diffs.count
            let medDiff = d % 2 == 1 ? diffs[d / 2] : (diffs[d / 2 - 1] + diffs[d / 2]) / 2
            let sigma = max(medDiff / (0.6745 * 2.0.squareRoot()), 1e-12 + 1e-9 * abs(base))
            let score = jump / sigma
            guard score > z else { continue }
            if let last = out.last, last.runEnd == j - 1 {
                if score > last.z {
                    out[out.count - 1] = RunHit(index: j, baseline: base, z: score, runStart: last.runStart, runEnd: j)
                } else {
                    out[out.count - 1].runEnd = j
                }
            } else {
                out.append(RunHit(index: j, baseline: base, z: score, runStart: j, runEnd: j))
            }
        }
        return out
    }

    @inline(__always) private static func position(_ x: Double, in v: [Double]) -> Int {
        var a = 0, b = v.count
        while a < b { let m = (a + b) / 2; if v[m] < x { a = m + 1 } else { b = m } }
        return a
    }

    /// How many values of `v` are below x (its position when sorted): one branch-free pass,
    /// which the compiler vectorises and which beats a binary search's unpredictable branches on
    /// a window this short.
    @inline(__always) private static func countBelow(_ x: Double, in v: [Double]) -> Int {
        v.withUnsafeBufferPointer { b in
            var c = 0
            for e in b { c &+= Int(unsafeBitCast(e < x, to: UInt8.self)) }
            return c
        }
    }

    /// Replaces `old` (which `v` holds) by `new`, keeping `v` sorted: both positions in one
    /// counting pass, then one shift.
    @inline(__always) private static func replace(_ old: Double, with new: Double, in v: inout [Double]) {
        v.withUnsafeMutableBufferPointer { b in
            var k = 0, p = 0
            for e in b {
                k &+= Int(unsafeBitCast(e < old, to: UInt8.self))
                p &+= Int(unsafeBitCast(e < new, to: UInt8.self))
            }
            guard let base = b.baseAddress else { return }
            if p > k {
                (base + k).update(from: base + k + 1, count: p - 1 - k)
                base[p - 1] = new
            } else {
                (base + p + 1).update(from: base + p, count: k - p)
                base[p] = new
            }
        }
    }

    @inline(__always) private static func insert(_ x: Double, into v: inout [Double]) {
        v.insert(x, at: position(x, in: v))
    }

    @inline(__always) private static func remove(_ x: Double, from v: inout [Double]) {
        let p = position(x, in: v)
        if p < v.count, v[p] == x { v.remove(at: p) }
    }
}
