import TrainingLog

/// Hours since the start of training at the end of each epoch, from whatever the logs offer:
/// wall times of the series (TensorBoard, timestamped lines), else VAR's seconds per iteration
/// times iterations per epoch. Used for "hours to threshold", "hours saved" and the ETA.
struct RunClock: Sendable {
    /// Where the hours came from: `wall-time` or `sec-per-iter`.
    let basis: String
    /// (position in epochs completed, hours since start), sorted by position; position 0 is the
    /// start of training.
    private let points: [(pos: Double, hours: Double)]

    /// Hours from the start of training to the end of epoch `epoch`, interpolated linearly between
    /// known points and extrapolated with the last known pace beyond them.
    func hours(endOfEpoch epoch: Int) -> Double? { hours(atPosition: Double(epoch + 1)) }

    /// Hours at a position given in epochs completed (step / iterations per epoch).
    func hours(atPosition p: Double) -> Double? {
        guard points.count >= 2 else { return nil }
        if p <= points[0].pos { return max(0, points[0].hours) }
        for k in 1..<points.count where p <= points[k].pos {
            let a = points[k - 1], b = points[k]
            let f = b.pos > a.pos ? (p - a.pos) / (b.pos - a.pos) : 1
            return a.hours + f * (b.hours - a.hours)
        }
        // Beyond the last point: the pace of the whole run.
        let a = points[0], b = points[points.count - 1]
        guard b.pos > a.pos else { return nil }
        return b.hours + (p - b.pos) * (b.hours - a.hours) / (b.pos - a.pos)
    }

    /// Median hours per epoch over the known points.
    var hoursPerEpoch: Double? {
        guard points.count >= 2 else { return nil }
        var rates: [Double] = []
        for k in 1..<points.count where points[k].pos > points[k - 1].pos {
            rates.append((points[k].hours - points[k - 1].hours) / (points[k].pos - points[k - 1].pos))
        }
        return Stats.median(rates)
    }

    private init(basis: String, points: [(pos: Double, hours: Double)]) {
        self.basis = basis
        self.points = points
    }

    /// The clock of a run, or nil when neither wall times nor seconds per iteration are known.
    static func make(_ run: Run) -> RunClock? {
        wallTimeClock(run) ?? secPerIterClock(run)
    }

    /// From wall times: every timed point of every series, placed at its position in epochs.
    /// The start of training is the earliest timed point; when that point is itself the end of an
    /// epoch, the start is placed one median epoch-duration earlier.
    private static func wallTimeClock(_ run: Run) -> RunClock? {
        var raw: [(pos: Double, t: Double)] = []
        let ipe = run.iterationsPerEpoch.map(Double.init)
        // Series read from the same lines share their x and wall-time arrays
        // (`Series.shareCoordinates`): each shared pair is walked once.
        var walked = Set<[UInt]>()
        for s in run.series where s.hasWallTimes {
            let identity = [s.xs.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) },
                            s.wallTimes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) },
                            UInt(s.count), s.granularity == .epoch ? 1 : 0]
            guard walked.insert(identity).inserted else { continue }
            for i in 0..<s.count {
                let t = s.wallTimes[i]
                guard t.isFinite else { continue }
                switch s.granularity {
                case .epoch: raw.append((Double(s.xs[i] + 1), t))
                case .iteration:
                    guard let ipe, ipe > 0, s.xs[i] >= 0 else { continue }
                    // The first point and the last point of each epoch are enough (bounded work
                    // for series with millions of points).
                    let e = Int(clamping: Double(s.xs[i]) / ipe)
                    let isLastOfEpoch = i == s.count - 1 || Int(clamping: Double(s.xs[i + 1]) / ipe) != e
                    guard i == 0 || isLastOfEpoch else { continue }
                    raw.append((Double(s.xs[i]) / ipe, t))
                }
            }
        }
        guard raw.count >= 2 else { return nil }
        raw.sort { $0.pos != $1.pos ? $0.pos < $1.pos : $0.t < $1.t }
        // One time per position (the latest: a resumed run repeats positions later in time).
        var pts: [(pos: Double, t: Double)] = []
        for r in raw {
            if let l = pts.last, l.pos == r.pos { pts[pts.count - 1].t = max(l.t, r.t) } else { pts.append(r) }
        }
        // Keep time non-decreasing in position.
        for k in 1..<pts.count where pts[k].t < pts[k - 1].t { pts[k].t = pts[k - 1].t }
        guard pts.count >= 2, pts.last!.t > pts[0].t else { return nil }
        var t0 = pts[0].t
        if pts[0].pos > 0 {
            var rates: [Double] = []
            for k in 1..<pts.count where pts[k].pos > pts[k - 1].pos {
                rates.append((pts[k].t - pts[k - 1].t) / (pts[k].pos - pts[k - 1].pos))
            }
            if let r = Stats.median(rates) { t0 -= r * pts[0].pos }
        }
        var out: [(pos: Double, hours: Double)] = [(0, 0)]
        for p in pts where p.pos > 0 { out.append((p.pos, (p.t - t0) / 3600)) }
        return RunClock(basis: "wall-time", points: out)
    }

    /// From `time/sec_per_iter` (VAR's `Total time: ... (2.544 s / it)`): the cumulative sum of
    /// seconds per iteration times iterations per epoch; a missing epoch takes the median.
    private static func secPerIterClock(_ run: Run) -> RunClock? {
        guard let ipe = run.iterationsPerEpoch, ipe > 0,
              let s = run.series(.secondsPerIteration, .epoch), !s.isEmpty else { return nil }
        var byEpoch: [Int: Double] = [:]
        for i in 0..<s.count where s.values[i].isFinite && s.values[i] > 0 { byEpoch[s.xs[i]] = s.values[i] }
        guard let med = Stats.median(Array(byEpoch.values)), let lastE = byEpoch.keys.max() else { return nil }
        var out: [(pos: Double, hours: Double)] = [(0, 0)]
        var h = 0.0
        for e in 0...lastE {
            h += (byEpoch[e] ?? med) * Double(ipe) / 3600
            out.append((Double(e + 1), h))
        }
        return RunClock(basis: "sec-per-iter", points: out)
    }
}
