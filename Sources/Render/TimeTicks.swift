import Foundation

/// A clock axis: x values are seconds on a clock (Unix time, or a console's year-less clock),
/// ticked at whole minutes, hours or days and labelled with dates and times.
public struct TimeAxis: Sendable, Hashable {
    /// Seconds added to a value before it is read as a UTC calendar time: the time zone's offset
    /// for Unix time (labels in local time), 0 for a clock that is already local.
    public var displayOffset: Double

    public init(displayOffset: Double = 0) { self.displayOffset = displayOffset }
}

extension Ticks {
    /// The tick intervals of a clock axis, in seconds, shortest first.
    static let timeSteps: [Double] = [60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200,
                                      86400, 172800, 345600, 604800, 1_209_600, 2_592_000]

    /// About `count` ticks at whole intervals of the displayed clock over `domain` (seconds).
    public static func time(_ domain: ClosedRange<Double>, count: Int, axis: TimeAxis) -> TickSet {
        let span = domain.upperBound - domain.lowerBound
        guard span > 0, span.isFinite else { return TickSet(major: [domain.lowerBound], step: 0) }
        let wanted = max(2, count)
        let step = timeSteps.first { span / $0 <= Double(wanted) } ?? (span / Double(wanted) / 86400).rounded(.up) * 86400
        let off = axis.displayOffset
        var t = ((domain.lowerBound + off) / step).rounded(.up) * step - off
        var major: [Double] = []
        while t <= domain.upperBound + span * 1e-9, major.count < 1000 {
            major.append(t)
            t += step
        }
        return TickSet(major: major, step: step)
    }
}

extension TickFormat {
    /// Labels for clock ticks `step` seconds apart: `MM-DD` for days, otherwise `HH:MM`, with
    /// the date in front of the first tick and of the first tick of each new day.
    public static func timeLabels(_ values: [Double], step: Double, axis: TimeAxis) -> [String] {
        var lastDay: Int? = nil
        return values.map { v in
            let shown = v + axis.displayOffset
            let day = Int((shown / 86400).rounded(.down))
            let (month, dayOfMonth, hour, minute) = calendar(shown)
            let date = String(format: "%02d-%02d", month, dayOfMonth)
            defer { lastDay = day }
            if step >= 86400 { return date }
            let time = String(format: "%02d:%02d", hour, minute)
            return lastDay == day ? time : date + " " + time
        }
    }

    /// Month, day, hour and minute of `seconds` read as UTC (a console's year-less clock counts
    /// from January 1st of a year without February 29th, as 1970 is).
    static func calendar(_ seconds: Double) -> (Int, Int, Int, Int) {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return (Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }
}
