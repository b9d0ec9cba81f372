import Testing
@testable import Render

@Suite struct TicksTests {
    private func close(_ a: [Double], _ b: [Double], tol: Double = 1e-12) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
    }

    // Expected values worked out by hand from the scoring functions of R's labeling::extended
    // (Q = 1,5,2,2.5,4,3; w = .25,.2,.5,.05): e.g. for 0..100, m = 5, steps of 25 score
    // 0.25*0.4 + 0.2 + 0.5*1 + 0.05 = 0.85 against 0.775 for steps of 20.
    @Test func extendedZeroToHundredWithSixTicks() {
        #expect(close(Ticks.extended(0, 100, m: 6).major, [0, 20, 40, 60, 80, 100]))
    }

    @Test func extendedZeroToHundredWithFiveTicksPrefersQuarters() {
        #expect(close(Ticks.extended(0, 100, m: 5).major, [0, 25, 50, 75, 100]))
    }

    @Test func extendedLossRange() {
        let t = Ticks.extended(5.3, 8.4, m: 6)
        #expect(close(t.major, [5.5, 6, 6.5, 7, 7.5, 8, 8.5]))
        #expect(t.step == 0.5)
    }

    @Test func extendedTinyLearningRates() {
        let t = Ticks.extended(0.00013, 0.00031, m: 5)
        #expect(close(t.major, [0.00015, 0.0002, 0.00025, 0.0003], tol: 1e-9))
        #expect(TickFormat.labels(t.major, step: t.step) == ["1.5e-4", "2e-4", "2.5e-4", "3e-4"])
    }

    @Test func extendedUnitInterval() {
        #expect(close(Ticks.extended(0, 1, m: 5).major, [0, 0.25, 0.5, 0.75, 1]))
        #expect(close(Ticks.extended(0, 1, m: 6).major, [0, 0.2, 0.4, 0.6, 0.8, 1]))
    }

    @Test func extendedNegativeRangeIncludesZero() {
        let t = Ticks.extended(-3.7, 12.2, m: 6)
        #expect(t.major.contains(0))
        #expect(t.major.first! <= -3 && t.major.last! >= 12)
    }

    @Test func extendedDegenerateRange() {
        #expect(Ticks.extended(3, 3, m: 5).major == [3])
    }

    @Test func linearTicksStayInsideTheDomain() {
        let t = Ticks.linear(5.12...8.43, count: 6)
        #expect(t.major.allSatisfy { $0 >= 5.12 && $0 <= 8.43 })
        #expect(t.major.count >= 5)
    }

    @Test func logTicksLabelDecadesWithMinorTwoAndFive() {
        let t = Ticks.log10(0.035...56, count: 8)
        #expect(close(t.major, [0.1, 1, 10]))
        #expect(t.minor.contains(0.2) && t.minor.contains(5) && t.minor.contains(50))
        #expect(TickFormat.labels(t.major, step: 0) == ["0.1", "1", "10"])
    }

    @Test func logTicksOverManyDecadesSkipLabels() {
        let t = Ticks.log10(1e-8...1e4, count: 4)
        #expect(t.major.count <= 5)
        #expect(t.major.count + t.minor.filter { [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 0.1, 1, 10, 100, 1000, 1e4].contains($0) }.count == 13)
    }

    @Test func logTicksWithinTwoDecadesLabelTwoAndFive() {
        let t = Ticks.log10(1...60, count: 8)
        #expect(close(t.major, [1, 2, 5, 10, 20, 50]))
    }

    @Test func formatsWithoutFloatNoise() {
        let values = [0.1, 0.1 + 0.2, 0.5]   // 0.30000000000000004
        #expect(TickFormat.labels(values, step: 0.2) == ["0.1", "0.3", "0.5"])
        #expect(TickFormat.labels([5.5, 6, 6.5], step: 0.5) == ["5.5", "6.0", "6.5"])
        #expect(TickFormat.labels([-0.0, 1, 2], step: 1) == ["0", "1", "2"])
    }

    @Test func formatsCompactLargeNumbers() {
        // Once the largest label needs a suffix, every label uses the compact form.
        #expect(TickFormat.labels([0, 2500, 5000, 7500, 10000], step: 2500) == ["0", "2.5k", "5k", "7.5k", "10k"])
        #expect(TickFormat.labels([0, 2000, 4000, 6000], step: 2000) == ["0", "2000", "4000", "6000"])
        #expect(TickFormat.labels([0, 250_000, 500_000, 750_000, 1_000_000], step: 250_000) == ["0", "250k", "500k", "750k", "1M"])
        #expect(TickFormat.labels([0, 10_000, 20_000], step: 10_000) == ["0", "10k", "20k"])
        #expect(TickFormat.labels([1e-4, 1e-3], step: 0) == ["1e-4", "1e-3"])
    }

    @Test func singleLabels() {
        #expect(TickFormat.label(5.4999999999) == "5.5")
        #expect(TickFormat.label(0.00012) == "1.2e-4")
        #expect(TickFormat.label(123456) == "123.456k")
    }
}
