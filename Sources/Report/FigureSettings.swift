import Foundation
import Analysis
import Render
import TrainingLog

/// What the x axis of a VAR figure counts.
public enum XAxisUnit: String, Sendable, CaseIterable, Codable {
    /// 0-based epochs; iteration points sit at step / iterations-per-epoch.
    case epoch
    /// Global iterations.
    case step
    /// Wall-clock hours since the first logged point (falls back to epochs without times).
    case hours
    /// The wall clock itself: dates and times (Unix time in the local time zone, or a
    /// console's own clock); falls back as `hours` does.
    case wall

    /// Counted on a clock (each source's wall times), not on the training's own counter.
    var isClock: Bool { self == .hours || self == .wall }
}

/// How the VAR figures are drawn.
public struct FigureSettings: Sendable {
    public var xAxis: XAxisUnit = .epoch
    public var theme: Theme = .light
    public var transparent: Bool = false
    /// Size of one figure in points (1 pt = 1 px at PNG scale 1).
    public var width: Double = 1000
    public var height: Double = 560
    /// `--log-y`: every line panel's y axis on a log scale.
    public var logY: Bool = false
    /// `--ylim LO:HI`: the y range of the loss panels and of a `plot --metric` chart; values
    /// beyond it are marked at the edge.
    public var yRange: ClosedRange<Double>? = nil
    // The smoothing of the bold curves is not a figure setting: it is what the analysis used,
    // read from `Summary.smoothing`, so that a crossing is drawn on the curve it was judged on.

    public init(xAxis: XAxisUnit = .epoch, theme: Theme = .light, transparent: Bool = false,
                width: Double = 1000, height: Double = 560, logY: Bool = false, yRange: ClosedRange<Double>? = nil) {
        self.logY = logY
        self.yRange = yRange
        self.xAxis = xAxis
        self.theme = theme
        self.transparent = transparent
        self.width = width
        self.height = height
    }
}

/// A y range written `LO:HI` (`--ylim 5:7`, the config's `ylim`).
public enum YRange {
    /// nil unless both ends are finite numbers and LO < HI.
    public static func parse(_ text: String) -> ClosedRange<Double>? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2,
              let lo = Double(parts[0].trimmingCharacters(in: .whitespaces)),
              let hi = Double(parts[1].trimmingCharacters(in: .whitespaces)),
              lo.isFinite, hi.isFinite, lo < hi else { return nil }
        return lo...hi
    }
}
