/// Puts a console's year-less clock on Unix time where the run has a Unix clock to read it from.
///
/// VAR's console stamps lines `[MM-DD HH:MM:SS]` in the training machine's local time and no
/// year (`VARTimestampClock`), while TensorBoard and W&B record Unix seconds. When both logged
/// the same points (an epoch's loss, a step's gradient norm), the difference at those points is
/// one constant: the year's start plus the time zone. Adding it puts every console time on Unix
/// time, so an export's `wall_time`, a wall-clock axis and the "last written" rules speak of one
/// clock. The offset is taken only when the shared points agree on it (robust spread within
/// `agreementSeconds`); otherwise the console keeps its own clock and says why.
public enum ConsoleClock {
    /// Seconds from here on are Unix time (from 1973); a console's year-less clock stays far
    /// below (under a year, plus a year per roll-over).
    public static let unixTimeFloor = 1e8

    /// True for a wall time on the Unix clock.
    public static func isUnixTime(_ t: Double) -> Bool { t.isFinite && t >= unixTimeFloor }

    /// Points both clocks must share before an offset is trusted.
    static let minimumSharedPoints = 3
    /// How far the shared points' offsets may spread (median absolute deviation) around their
    /// median: a line printed a few seconds after TensorBoard's write is fine, a different run is not.
    static let agreementSeconds = 120.0

    /// `parts` with every year-less console part shifted onto the Unix clock of the others, and
    /// an info note on each shifted part (or a note saying why it was not shifted).
    static func align(_ parts: [Run]) -> [Run] {
        guard parts.contains(where: isYearless) else { return parts }
        let unixParts = parts.filter(isOnUnixClock)
        guard !unixParts.isEmpty else { return parts }
        var clockNames: [String] = []
        for p in unixParts { if let source = p.sources.first, !clockNames.contains(clockName(source)) { clockNames.append(clockName(source)) } }
        let clocks = clockNames.joined(separator: " / ")
        return parts.map { part in
            guard isYearless(part) else { return part }
            var offsets: [Double] = []
            for s in part.series where s.hasWallTimes {
                for u in unixParts { if let other = u.series(s.name, s.granularity) { sharedOffsets(from: s, to: other, into: &offsets) } }
            }
            guard offsets.count >= minimumSharedPoints else { return part }
            var out = part
            let file = part.sources.first?.path ?? part.path
            let median = Median.of(offsets)
            let spread = Median.of(offsets.map { abs($0 - median) })
            guard spread <= agreementSeconds else {
                out.addNote(Diagnostic(file: file, message:
                    "info: this console's clock has no year, and its times disagree with \(clocks)'s at the points both logged (by \(Int(spread.rounded())) s around a median offset): its wall times are left on its own clock"))
                return out
            }
            out.shiftWallTimes(by: median)
            out.addNote(Diagnostic(file: file, message:
                "info: this console's clock has no year; its times were put on \(clocks)'s Unix clock by the offset at \(offsets.count) points both logged (they agree within \(Int(spread.rounded())) s)"))
            return out
        }
    }

    /// `unix - console` at every x both series hold with a time (both sorted by x: one merge pass).
    static func sharedOffsets(from console: Series, to unix: Series, into offsets: inout [Double]) {
        guard console.hasWallTimes, unix.hasWallTimes else { return }
        var i = 0, j = 0
        while i < console.count && j < unix.count {
            let a = console.xs[i], b = unix.xs[j]
            if a < b { i += 1 } else if b < a { j += 1 } else {
                let c = console.wallTimes[i], u = unix.wallTimes[j]
                if c.isFinite, isUnixTime(u) { offsets.append(u - c) }
                i += 1; j += 1
            }
        }
    }

    /// A part with at least one wall time on the Unix clock.
    static func isOnUnixClock(_ part: Run) -> Bool {
        part.series.contains { s in s.hasWallTimes && s.wallTimes.contains(where: isUnixTime) }
    }

    /// "TensorBoard", "W&B", or the file's name.
    static func clockName(_ source: SourceInfo) -> String {
        switch source.format {
        case .tensorBoard: return "TensorBoard"
        case .wandb: return "W&B"
        default: return RunNaming.lastComponent(source.path)
        }
    }

    /// A part whose wall times are all on a year-less clock.
    static func isYearless(_ part: Run) -> Bool {
        var sawTime = false
        for s in part.series where s.hasWallTimes {
            for w in s.wallTimes where w.isFinite {
                if w >= unixTimeFloor { return false }
                sawTime = true
            }
        }
        return sawTime
    }
}

/// The median of a few values (sorts a copy).
enum Median {
    static func of(_ values: [Double]) -> Double {
        let s = values.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
    }
}

extension Run {
    /// Adds `offset` to every wall time of every series, keeping series that shared one wall-time
    /// array sharing one shifted array (the metrics of one console line share their times).
    mutating func shiftWallTimes(by offset: Double) {
        var shifted: [[Double]] = []
        var originals: [[Double]] = []
        series = series.map { s in
            guard s.hasWallTimes else { return s }
            var t = s
            if let k = originals.firstIndex(where: { $0.withUnsafeBufferPointer { a in s.wallTimes.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } } }) {
                t.replaceWallTimes(shifted[k])
            } else {
                let moved = s.wallTimes.map { $0 + offset }
                originals.append(s.wallTimes)
                shifted.append(moved)
                t.replaceWallTimes(moved)
            }
            return t
        }
    }

    /// Appends a note to the run's first source.
    mutating func addNote(_ d: Diagnostic) {
        guard !sources.isEmpty else { return }
        sources[0].warnings.append(d)
    }
}
