import Foundation
import TrainingLog

/// When a loss got below its threshold, whether it stayed there, what it cost, and — when it has
/// not got there — where the power-law fit says it is heading.
///
/// The crossing is judged on the epoch-level series when the run has one (raw epoch values, as
/// CONTRACT.md says), otherwise on the TensorBoard-smoothed iteration series (raw iteration
/// values are too noisy: a single lucky batch would count as a crossing).
enum ThresholdAnalysis {
    /// Index of the first value below `threshold`, and the index from which every value is below
    /// (nil when the last value is not). A non-finite value is never below.
    static func crossing(_ values: [Double], threshold: Double) -> (first: Int?, staysFrom: Int?) {
        let first = values.firstIndex { $0.isFinite && $0 < threshold }
        var stays: Int? = nil
        var i = values.count - 1
        while i >= 0, values[i].isFinite, values[i] < threshold { stays = i; i -= 1 }
        return (first, stays)
    }

    /// Context for hours and GPU-hours.
    struct Context {
        let run: Run
        let options: AnalysisOptions
        let clock: RunClock?
        let gpus: Int?
        let epochsPlanned: Int?
    }

    /// Adds the threshold fields (and context: perplexity, share covered, projection) to the
    /// summary of loss metric `curve`.
    static func apply(to m: inout MetricSummary, curve raw: Curve, context ctx: Context) {
        guard raw.name.isLoss else { return }
        let o = ctx.options
        let lnV = VARNames.uniformLoss(vocabSize: max(o.vocabSize, 2))
        let onScale = LossScale.onVocabScale(raw.values, uniformLoss: lnV) ?? true
        m.vocabScale = onScale
        // The default bar is VAR's 5.5 for a 4096-way token loss: it applies to losses on that
        // scale only, unless the user set a bar (for all losses, or for this one).
        let explicit = o.thresholds[raw.name.rawValue] != nil || o.thresholdExplicit
        guard (onScale && o.defaultBarApplies) || explicit else { return }
        let thr = o.threshold(for: raw.name.rawValue)
        m.threshold = thr
        let judged = raw.granularity == .epoch ? raw : raw.smoothed(weight: o.smoothingWeight(raw))
        m.thresholdBasis = raw.granularity == .epoch ? "epoch" : "smoothed-iteration"
        let (first, stays) = crossing(judged.values, threshold: thr)
        // What it took to get there needs a curve: from a single point there is no "when".
        let enoughPoints = judged.values.lazy.filter(\.isFinite).prefix(2).count >= 2
        if let f = first {
            m.firstBelow = judged.valueAt(f)
            if enoughPoints, let e = judged.epochs[f] {
                m.epochsToThreshold = e + 1
                let h = judged.granularity == .iteration
                    ? (positionHours(judged, f, ctx) ?? ctx.clock?.hours(endOfEpoch: e))
                    : ctx.clock?.hours(endOfEpoch: e)
                if let h {
                    m.hoursToThreshold = h
                    if let g = ctx.gpus { m.gpuHoursToThreshold = h * Double(g) }
                }
            }
        }
        if let s = stays {
            if let e = judged.epochs[s] { m.staysBelowFrom = EpochRef(epoch: e) }
            m.staysBelowFromStep = judged.steps[s]
        }
        if onScale, let last = m.smoothedLast {
            let p = exp(last)
            if p.isFinite { m.perplexity = p }
            if lnV != thr { m.reducibleCovered = (lnV - last) / (lnV - thr) }
        }
        // Projection when the metric is not below the threshold at the end.
        if stays == nil, ctx.options.scope == .full, MetricRoles.isHeadlineLoss(raw.name),
           let proj = projection(raw, threshold: thr, context: ctx) {
            m.projection = proj
            if onScale, proj.floorDetermined == true, let last = m.smoothedLast, proj.amplitude > 0, lnV - proj.lossInfinity > 0 {
                m.reducibleCoveredToFloor = (lnV - last) / (lnV - proj.lossInfinity)
            }
        }
    }

    /// Hours to a point of an iteration curve when the clock works in positions.
    private static func positionHours(_ c: Curve, _ i: Int, _ ctx: Context) -> Double? {
        guard let s = c.steps[i], let ipe = ctx.run.iterationsPerEpoch, ipe > 0 else { return nil }
        return ctx.clock?.hours(atPosition: Double(s) / Double(ipe))
    }

    /// The fit of L(t) = L_inf + A t^-alpha on the last `fitFraction` of the curve (epoch-level
    /// values, or the smoothed iteration series binned to at most 200 points), with t in epochs
    /// completed (epoch + 1, or step / iterations per epoch; raw steps when that is unknown).
    static func projection(_ raw: Curve, threshold thr: Double, context ctx: Context) -> Projection? {
        let o = ctx.options
        let ipe = ctx.run.iterationsPerEpoch.flatMap { $0 > 0 ? Double($0) : nil }
        let c = raw.granularity == .epoch ? raw : raw.smoothed(weight: o.smoothingWeight(raw))
        var t: [Double] = [], y: [Double] = [], ep: [Int?] = []
        for i in 0..<c.count where c.values[i].isFinite {
            let ti: Double
            if c.granularity == .epoch, let e = c.epochs[i] { ti = Double(e + 1) }
            else if let s = c.steps[i] { ti = ipe.map { Double(s) / $0 } ?? Double(s) }
            else { continue }
            guard ti > 0 else { continue }
            t.append(ti); y.append(c.values[i]); ep.append(c.epochs[i])
        }
        let n = t.count
        let minPoints = max(o.fitMinPoints, 4)
        guard n >= minPoints else { return nil }
        let share = min(max(o.fitFraction, 0), 1)
        let k = min(n, max(minPoints, Int(clamping: (Double(n) * share).rounded(.up))))
        var ft = Array(t[(n - k)...]), fy = Array(y[(n - k)...])
        let startEpoch = ep[n - k], endEpoch = ep[n - 1]
        if ft.count > 200 { (ft, fy) = bin(ft, fy, into: 200) }
        let stepsKnown = c.granularity == .epoch || ipe != nil
        var p: Projection
        if let fit = PowerLawFit.fit(t: ft, y: fy, alphaMin: o.fitAlphaMin, alphaMax: o.fitAlphaMax) {
            let tReach = fit.time(toReach: thr)
            p = Projection(lossInfinity: fit.lossInfinity, amplitude: fit.amplitude, alpha: fit.alpha,
                           projectedEpoch: stepsKnown ? tReach.map { $0 - 1 } : nil,
                           projectedEpochLow: nil, projectedEpochHigh: nil,
                           expectedToReach: fit.lossInfinity < thr)
            p.rmse = fit.rmse
            if let b = fit.bootstrap(t: ft, y: fy, level: thr, samples: o.fitBootstrapSamples, seed: o.fitSeed,
                                     alphaMin: o.fitAlphaMin, alphaMax: o.fitAlphaMax) {
                p.lossInfinityStdDev = b.lossInfinityStdDev
                p.reachProbability = b.reachProbability
                if stepsKnown, tReach != nil {
                    p.projectedEpochLow = b.timeLow.map { $0 - 1 }
                    p.projectedEpochHigh = b.timeHigh.map { $0 - 1 }
                }
            }
            if let tr = tReach {
                if c.granularity == .epoch { p.projectedStep = ipe.map { tr * $0 } }
                else { p.projectedStep = ipe.map { tr * $0 } ?? tr }
            }
        } else {
            // No falling curve fits the late window: it is flat or rising; its floor is its mean.
            let mean = fy.reduce(0, +) / Double(fy.count)
            p = Projection(lossInfinity: mean, amplitude: 0, alpha: 0, projectedEpoch: nil,
                           projectedEpochLow: nil, projectedEpochHigh: nil, expectedToReach: mean < thr)
            let r = fy.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(fy.count)
            p.rmse = r.squareRoot()
            p.reachProbability = mean < thr ? 1 : 0
        }
        p.threshold = thr
        judgeReach(&p, fittedValues: fy, epochsRun: t[n - 1], stepsKnown: stepsKnown, options: o)
        p.fitPoints = ft.count
        p.fitStartEpoch = startEpoch
        p.fitEndEpoch = endEpoch
        if let pe = p.projectedEpoch, let planned = ctx.epochsPlanned { p.withinPlannedEpochs = pe <= Double(planned - 1) }
        return p
    }

    /// Whether the floor is pinned down by the data (the fit's exponent inside its search range,
    /// the bootstrap spread of L_inf under half the gap still to go), and what may be said about reaching the bar
    /// (`Projection.reach`): a bar projected within about `reachFactor` times the epochs run so
    /// far, with a finite range, is within reach; a determined floor above the bar is not
    /// expected to reach it; anything else is beyond this schedule or undetermined, and no
    /// epoch count is given for it.
    static func judgeReach(_ p: inout Projection, fittedValues fy: [Double], epochsRun: Double, stepsKnown: Bool,
                           options o: AnalysisOptions) {
        let thr = p.threshold ?? o.threshold
        guard p.amplitude > 0 else {
            // Flat or rising: its "floor" is the mean of the window, and that is determined.
            p.floorDetermined = true
            p.reach = p.lossInfinity < thr ? "within-reach" : "not-expected"
            return
        }
        // A falling fit over a window that rises at its end (a validation loss past its best)
        // says nothing about reaching the bar: the curve is not falling.
        let third = max(1, fy.count / 3)
        let middle = fy.dropLast(third).suffix(third), end = fy.suffix(third)
        if !middle.isEmpty, end.reduce(0, +) / Double(end.count) >= middle.reduce(0, +) / Double(middle.count) {
            p.fallingAtEnd = false
            p.floorDetermined = false
            p.reach = "not-expected"
            return
        }
        p.fallingAtEnd = true
        let last = fy.last ?? p.lossInfinity
        let gap = last - p.lossInfinity
        let edge = p.alpha <= o.fitAlphaMin * 1.05 || p.alpha >= o.fitAlphaMax * 0.95
        let spreadOK = p.lossInfinityStdDev.map { $0 < 0.5 * max(gap, 1e-9) } ?? false
        p.floorDetermined = gap <= 0 || (!edge && spreadOK)
        if let pe = p.projectedEpoch, stepsKnown {
            let inReach = pe + 1 <= reachFactor * max(epochsRun, 1) && p.projectedEpochHigh != nil
            p.reach = inReach ? "within-reach" : "beyond-schedule"
        } else if p.lossInfinity >= thr, p.floorDetermined == true, (p.reachProbability ?? 1) < 0.16 {
            p.reach = "not-expected"
        } else {
            p.reach = "undetermined"
        }
    }

    /// A projection further out than this many times the epochs run so far is not given as a number.
    static let reachFactor = 2.0

    /// Means of consecutive, equally sized groups (keeps the fit cheap on long curves).
    static func bin(_ t: [Double], _ y: [Double], into m: Int) -> ([Double], [Double]) {
        let n = t.count
        var ot: [Double] = [], oy: [Double] = []
        for b in 0..<m {
            let lo = b * n / m, hi = (b + 1) * n / m
            guard hi > lo else { continue }
            var st = 0.0, sy = 0.0
            for i in lo..<hi { st += t[i]; sy += y[i] }
            ot.append(st / Double(hi - lo)); oy.append(sy / Double(hi - lo))
        }
        return (ot, oy)
    }
}
