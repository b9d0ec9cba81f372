/// Turns VAR's year-less `[MM-DD HH:MM:SS]` timestamps into monotonic seconds.
///
/// The origin is arbitrary (January 1st of an unknown year); only differences are meaningful.
/// A jump back by more than half a year is taken as a year roll-over (December -> January) and
/// adds 365 days; smaller backward steps (clock changes, ranks printing out of order) are clamped
/// so the result never decreases. February 29th is counted as March 1st (the year is unknown).
struct VARTimestampClock {
    private var yearOffset = 0.0
    private var lastRaw = -1.0
    private var lastOut = -Double.infinity

    private static let monthStartDay: [Int] = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334]

    /// Parses `[MM-DD HH:MM:SS]` at p[i...]; returns seconds since the start of the (unknown) year.
    static func parse(_ p: UnsafePointer<UInt8>, _ i: Int, _ end: Int) -> Double? {
        guard end - i >= 16, p[i] == 0x5B, p[i + 3] == 0x2D, p[i + 6] == 0x20, p[i + 9] == 0x3A,
              p[i + 12] == 0x3A, p[i + 15] == 0x5D else { return nil }
        @inline(__always) func two(_ k: Int) -> Int? {
            let a = p[i + k], b = p[i + k + 1]
            guard ByteScan.isDigit(a), ByteScan.isDigit(b) else { return nil }
            return Int(a &- 0x30) * 10 + Int(b &- 0x30)
        }
        guard let mo = two(1), let d = two(4), let h = two(7), let mi = two(10), let s = two(13),
              mo >= 1, mo <= 12, d >= 1, d <= 31, h < 24, mi < 60, s < 61 else { return nil }
        let day = monthStartDay[mo - 1] + d - 1
        return Double(((day * 24 + h) * 60 + mi) * 60 + s)
    }

    /// The monotonic time for a raw in-year time, in file order.
    mutating func monotonic(_ raw: Double) -> Double {
        if lastRaw >= 0, raw < lastRaw - 182.0 * 86400 { yearOffset += 365.0 * 86400 }
        lastRaw = raw
        let t = max(raw + yearOffset, lastOut)
        lastOut = t
        return t
    }
}
