/// Where each point of a line or marker series was logged: its training epoch and global step,
/// for the HTML report's tooltip ("epoch 120 · step 30,062"), whatever the x axis counts (epochs,
/// steps, hours, a clock). Drawing ignores it.
///
/// It keeps the logged x values themselves (an epoch index or a global step, as `level` says),
/// which share the source series' array, so a million-point line costs no copy.
public struct PointOrigin: Sendable {
    public enum Level: String, Sendable {
        /// `xs` are 0-based epoch indices: an epoch average or a validation point.
        case epoch
        /// `xs` are global steps.
        case iteration
    }
    public var level: Level
    public var xs: [Int]
    public var iterationsPerEpoch: Int?

    public init(level: Level, xs: [Int], iterationsPerEpoch: Int?) {
        self.level = level
        self.xs = xs
        self.iterationsPerEpoch = iterationsPerEpoch.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The epoch of point `i`: its own for an epoch point, the step's epoch for an iteration.
    public func epoch(_ i: Int) -> Int? {
        switch level {
        case .epoch: return xs[i]
        case .iteration: return iterationsPerEpoch.map { xs[i] >= 0 ? xs[i] / $0 : xs[i] }
        }
    }

    /// The step of point `i`: its own for an iteration; for an epoch point the steps done by the
    /// epoch's end, (epoch + 1) x iterations per epoch, as summary.json and `export` give it.
    public func step(_ i: Int) -> Int? {
        switch level {
        case .epoch: return iterationsPerEpoch.flatMap { Self.stepsDone(epoch: xs[i], iterationsPerEpoch: $0) }
        case .iteration: return xs[i]
        }
    }

    /// (epoch + 1) x iterations per epoch; nil past Int's range (an epoch column may hold anything).
    public static func stepsDone(epoch: Int, iterationsPerEpoch n: Int) -> Int? {
        let (next, o1) = epoch.addingReportingOverflow(1)
        let (step, o2) = next.multipliedReportingOverflow(by: n)
        return o1 || o2 ? nil : step
    }
}

extension LineMark {
    /// This line with `origin` set: where each of its points was logged.
    public func loggedAt(_ origin: PointOrigin?) -> LineMark { var m = self; m.origin = origin; return m }
}

extension PointMark {
    /// These markers with `origin` set: where each of them was logged.
    public func loggedAt(_ origin: PointOrigin?) -> PointMark { var m = self; m.origin = origin; return m }

    /// These markers as part of the series labelled `label` (hidden with it in the HTML report).
    public func annotating(_ label: String) -> PointMark { var m = self; m.belongsTo = label; return m }
}

extension TextMark {
    /// This text as part of the series labelled `label` (hidden with it in the HTML report).
    public func annotating(_ label: String) -> TextMark { var m = self; m.belongsTo = label; return m }
}
