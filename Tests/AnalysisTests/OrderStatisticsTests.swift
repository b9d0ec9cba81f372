import Testing
@testable import Analysis

@Suite struct OrderStatisticsTests {
    /// Every k of random arrays (with many ties, sorted and reversed runs) matches the sorted array.
    @Test func kthSmallestMatchesSorting() {
        var rng = TestRNG(seed: 11)
        for n in [1, 2, 3, 7, 64, 501] {
            for shape in 0..<4 {
                var base = (0..<n).map { _ in (rng.uniform() * 20).rounded() }  // ties
                if shape == 1 { base.sort() }
                if shape == 2 { base.sort(by: >) }
                if shape == 3 { base = base.map { _ in 5 } }
                let sorted = base.sorted()
                for k in Set([0, n / 3, n / 2, n - 1]) {
                    var v = base
                    #expect(OrderStatistics.kthSmallest(&v, k) == sorted[k], "n=\(n) shape=\(shape) k=\(k)")
                    #expect(v[..<k].allSatisfy { $0 <= sorted[k] } && v[k...].allSatisfy { $0 >= sorted[k] })
                }
            }
        }
    }

    @Test func quantileInterpolatesLikeTheSortingVersion() {
        var rng = TestRNG(seed: 12)
        let values = (0..<1001).map { _ in rng.gaussian() } + [.nan, .infinity]
        for q in [0, 0.16, 0.5, 0.84, 0.97, 1] {
            #expect(OrderStatistics.quantile(values, q) == Stats.quantile(values, q), "q=\(q)")
        }
        #expect(OrderStatistics.quantile([.nan], 0.5) == nil)
    }
}
