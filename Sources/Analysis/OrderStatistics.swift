/// The k-th smallest of many values without sorting them all (Hoare's quickselect with a
/// median-of-three pivot; deterministic, O(n) on average). A focused chart range or a quantile
/// of a million-point curve needs one order statistic, not the whole order.
public enum OrderStatistics {
    /// The k-th smallest (0-based) of `values`, which it reorders. `k` must be a valid index and
    /// the values must be comparable (no NaN).
    public static func kthSmallest(_ values: inout [Double], _ k: Int) -> Double {
        precondition(values.indices.contains(k), "k out of range")
        var lo = 0, hi = values.count - 1
        values.withUnsafeMutableBufferPointer { v in
            while hi > lo {
                let mid = lo + (hi - lo) / 2
                // Median of three to v[mid], so sorted or reversed input stays linear.
                if v[mid] < v[lo] { v.swapAt(mid, lo) }
                if v[hi] < v[lo] { v.swapAt(hi, lo) }
                if v[hi] < v[mid] { v.swapAt(hi, mid) }
                let pivot = v[mid]
                var i = lo, j = hi
                while i <= j {
                    while v[i] < pivot { i += 1 }
                    while pivot < v[j] { j -= 1 }
                    if i <= j { v.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { return }
            }
        }
        return values[k]
    }

    /// The q-quantile (0...1) of the finite values, interpolating linearly between order
    /// statistics as `Stats.quantile` does; nil when there is no finite value.
    public static func quantile(_ values: [Double], _ q: Double) -> Double? {
        var v = values.filter(\.isFinite)
        guard !v.isEmpty else { return nil }
        let p = min(max(q, 0), 1) * Double(v.count - 1)
        let lo = Int(p.rounded(.down))
        let a = kthSmallest(&v, lo)
        guard lo + 1 < v.count, p > Double(lo) else { return a }
        // After the selection every value right of `lo` is >= a: the next order statistic is their minimum.
        let b = v[(lo + 1)...].min()!
        return a + (p - Double(lo)) * (b - a)
    }
}
