import Foundation
@testable import Render
import Testing

/// Clock axes: ticks at whole intervals of the shown clock, labelled with dates and times.
@Suite struct TimeTicksTests {
    /// 2026-12-03 05:20 UTC.
    static let start = 1_796_256_000.0 + 5 * 3600 + 20 * 60

    @Test func ticksFallOnWholeHoursOfTheShownClock() {
        let domain = Self.start...(Self.start + 20 * 3600)
        let t = Ticks.time(domain, count: 7, axis: TimeAxis())
        #expect(t.step == 10800)
        #expect(t.major.count == 7)
        for v in t.major { #expect(v.truncatingRemainder(dividingBy: 10800) == 0 && domain.contains(v)) }
        let labels = TickFormat.timeLabels(t.major, step: t.step, axis: TimeAxis())
        #expect(labels.first == "12-03 06:00")
        #expect(labels[1] == "09:00")
        // A new day carries its date.
        #expect(labels.contains("12-04 00:00"))
    }

    @Test func anOffsetShiftsTheLabelsToLocalTime() {
        let domain = Self.start...(Self.start + 6 * 3600)
        let plus90 = TimeAxis(displayOffset: 5400)  // UTC+01:30
        let t = Ticks.time(domain, count: 4, axis: plus90)
        let labels = TickFormat.timeLabels(t.major, step: t.step, axis: plus90)
        // Ticks are whole hours of the local clock, not of UTC.
        for v in t.major { #expect((v + 5400).truncatingRemainder(dividingBy: t.step) == 0) }
        #expect(labels.first?.hasPrefix("12-03 0") == true && labels.first?.hasSuffix(":00") == true)
    }

    @Test func weeksAreLabelledByDate() {
        let domain = Self.start...(Self.start + 40 * 86400)
        let t = Ticks.time(domain, count: 6, axis: TimeAxis())
        #expect(t.step >= 604800)
        let labels = TickFormat.timeLabels(t.major, step: t.step, axis: TimeAxis())
        for l in labels { #expect(l.count == 5 && l.contains("-"), "\(l)") }
    }

    @Test func aYearlessConsoleClockKeepsItsMonthAndDay() {
        // The console's `[12-31 23:00:00]` is seconds since January 1st of a year without a leap day.
        let dec31 = Double((364 * 24 + 23) * 3600)
        #expect(TickFormat.timeLabels([dec31], step: 3600, axis: TimeAxis()) == ["12-31 23:00"])
    }
}
