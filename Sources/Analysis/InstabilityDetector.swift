import Foundation
import Parallel
import TrainingLog

/// Signs of an unstable run: the first NaN/Inf loss (the run diverged), loss and gradient-norm
/// spikes (robust z-score against the trailing median and MAD), a gradient norm sitting at the
/// clip value, drops of the fp16 loss scale, and accuracy that falls while its loss falls.
public enum InstabilityDetector {
    /// One spike in index terms.
    public struct Hit: Sendable, Equatable {
        public var index: Int
        public var baseline: Double
        public var z: Double
    }

    /// Points far above the median of the `window` finite points before them: robust z =
    /// 0.6745 (x - median) / MAD > `z`, and x - median > `minRelativeJump` * |median|. Needs at
    /// least min(window, 5) earlier points. A run of consecutive spike points counts once (its
    /// highest point). Non-finite values are skipped. O(n * window) with a sorted ring window;
    /// the MAD is computed only for candidates.
    ///
    /// A long series is scanned in `parts` ranges side by side: each range first fills its
    /// window with the points before it, and a run of spikes across a boundary is joined, so
    /// the hits are the one-pass hits.
    public static func spikes(_ values: [Double], window: Int, z: Double, minRelativeJump: Double, parts: Int = 1) -> [Hit] {
        let w = max(window, 3)
        let count = max(1, min(parts, values.count / max(4 * w, 10_000)))
        if count == 1 {
            return spikes(values, in: 0..<values.count, window: w, z: z, minRelativeJump: minRelativeJump).hits
        }
        let bounds = (0...count).map { $0 * values.count / count }
        let scans = ParallelMap.map(Array(0..<count)) { k in
            spikes(values, in: bounds[k]..<bounds[k + 1], window: w, z: z, minRelativeJump: minRelativeJump)
        }
        var out: [Hit] = []
        var inRun = false  // the last finite point so far was a spike
        for scan in scans {
            guard let startsInRun = scan.firstIsSpike else { continue }  // no finite point: the run goes on
            var hits = scan.hits[...]
            // A run across the boundary counts once: its higher hit (the earlier on a tie).
            if inRun, startsInRun, let first = hits.first, var last = out.last {
                if first.z > last.z { last = first }
                out[out.count - 1] = last
                hits = hits.dropFirst()
            }
            out += hits
            inRun = scan.lastIsSpike
        }
        return out
    }

    /// One range's scan, with its window first filled by the finite points before the range:
    /// its hits, and whether its first and last finite points are spikes (nil: it has none).
    private static func spikes(_ values: [Double], in range: Range<Int>, window w: Int, z: Double, minRelativeJump: Double)
        -> (hits: [Hit], firstIsSpike: Bool?, lastIsSpike: Bool)
    {
        let minPoints = min(w, 5)
        var ring: [Double] = []      // window values in arrival order
        var sorted: [Double] = []    // the same, sorted
        ring.reserveCapacity(w); sorted.reserveCapacity(w)
        var head = 0
        var out: [Hit] = []
        var lastSpikeIndex = -2
        var prevFinite = -1
        // The window before the range: the w finite points before it, walking back.
        var start = range.lowerBound, seen = 0
        while start > 0, seen < w {
            start -= 1
            if values[start].isFinite { seen += 1 }
        }
        var firstIsSpike: Bool? = nil
        for i in start..<range.upperBound {
            let x = values[i]
            guard x.isFinite else { continue }
            let inRange = i >= range.lowerBound
            var isSpike = false
            if inRange, sorted.count >= minPoints {
                let n = sorted.count
                let med = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2
                let floor = 1e-12 + 1e-9 * abs(med)
                // Cheap bound first: with m = n/2, at most m - 1 values lie strictly closer to
                // the median than both sorted[n/4] and sorted[n/4 + m], so the MAD is at least
                // the smaller of those two distances. Most noisy points fail the z test already
                // against that bound, and the exact MAD is computed only for the rest.
                let a = n / 4, b = n / 4 + n / 2
                let madAtLeast = max(min(med - sorted[a], sorted[b] - med), floor)
                if x - med > minRelativeJump * abs(med), 0.6745 * (x - med) / madAtLeast > z {
                    var mad = medianAbsoluteDeviation(sortedValues: sorted, median: med)
                    mad = max(mad, floor)
                    let score = 0.6745 * (x - med) / mad
                    if score > z {
                        if lastSpikeIndex == prevFinite, var l = out.last {
                            if score > l.z { l.index = i; l.baseline = med; l.z = score; out[out.count - 1] = l }
                        } else {
                            out.append(Hit(index: i, baseline: med, z: score))
                        }
                        lastSpikeIndex = i
                        isSpike = true
                    }
                }
            }
            // Slide the window: x replaces the oldest value, with one shift of the sorted copy.
            if ring.count < w {
                ring.append(x)
                sorted.insert(x, at: sorted.partitionPoint { $0 < x })
            } else {
                let old = ring[head]
                ring[head] = x
                head = (head + 1) % w
                sorted.withUnsafeMutableBufferPointer { v in
                    // The window is short: counting the values below `old` and below x in one
                    // pass (the compiler vectorises it) beats binary searches' unpredictable
                    // branches. `old` is at k; x goes to p (p - 1 once `old` is out).
                    var k = 0, p = 0
                    for e in v {
                        k &+= Int(unsafeBitCast(e < old, to: UInt8.self))
                        p &+= Int(unsafeBitCast(e < x, to: UInt8.self))
                    }
                    guard let base = v.baseAddress else { return }
                    if p > k {
                        (base + k).update(from: base + k + 1, count: p - 1 - k)
                        base[p - 1] = x
                    } else {
                        (base + p + 1).update(from: base + p, count: k - p)
                        base[p] = x
                    }
                }
            }
            if inRange && firstIsSpike == nil { firstIsSpike = isSpike }
            prevFinite = i
        }
        return (out, firstIsSpike, firstIsSpike != nil && lastSpikeIndex == prevFinite)
    }

    /// The median of |v - median| for values already sorted, without sorting the deviations:
    /// they fall walking left from the median and rise walking right, so merging the two walks
    /// finds the middle one in n/2 steps (this runs for every candidate spike of a long series).
    static func medianAbsoluteDeviation(sortedValues v: [Double], median: Double) -> Double {
        let n = v.count
        guard n > 0 else { return 0 }
        var right = v.partitionPoint { $0 < median }  // first value >= median
        var left = right - 1
        var k = 0, previous = 0.0, current = 0.0
        let target = n / 2  // 0-based rank of the upper middle deviation
        while k <= target {
            previous = current
            let dl = left >= 0 ? median - v[left] : Double.infinity
            let dr = right < n ? v[right] - median : Double.infinity
            if dl <= dr { current = dl; left -= 1 } else { current = dr; right += 1 }
            k += 1
        }
        return n % 2 == 1 ? current : (previous + current) / 2
    }

    static func analyze(run: Run, curves: [MetricName: Curve], options o: AnalysisOptions) -> (Instability, [Finding]) {
        var inst = Instability()
        var findings: [Finding] = []

        // First non-finite loss, over every loss metric and granularity.
        var firstNF: (key: Double, metric: MetricName, c: Curve, i: Int)? = nil
        let ipe = run.iterationsPerEpoch.map(Double.init)
        for s in run.series where s.name.isLoss && !s.isEmpty {
            let c = Curve(s, run: run)
            guard let i = c.values.firstIndex(where: { !$0.isFinite }) else { continue }
            let key: Double
            if let st = c.steps[i], let ipe, ipe > 0 { key = Double(st) / ipe }
            else if let e = c.epochs[i] { key = Double(e + 1) }
            else if let st = c.steps[i] { key = Double(st) }
            else { continue }
            if firstNF == nil || key < firstNF!.key || (key == firstNF!.key && s.name < firstNF!.metric) {
                firstNF = (key, s.name, c, i)
            }
        }
        if let f = firstNF {
            let v = f.c.values[f.i]
            let lastFinite = f.c.values[..<f.i].last { $0.isFinite }
            inst.firstNonFinite = f.c.valueAt(f.i, value: lastFinite ?? 0)
            let text = v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf")
            inst.nonFinite = NonFiniteValue(metric: f.metric.rawValue, epoch: f.c.epochs[f.i], step: f.c.steps[f.i],
                                            value: text, lastFiniteValue: lastFinite)
            var place = f.c.steps[f.i].map { "step \($0)" } ?? "an unknown step"
            if let e = f.c.epochs[f.i] { place += f.c.steps[f.i] == nil ? "" : " (epoch \(e))" }
            if f.c.steps[f.i] == nil, let e = f.c.epochs[f.i] { place = "epoch \(e)" }
            var msg = "\(f.metric.rawValue) became \(text == "nan" ? "NaN" : text == "inf" ? "+Inf" : "-Inf") at \(place)"
            msg += lastFinite.map { "; the last finite value was \(Format.num($0))." } ?? "."
            findings.append(Finding(kind: "diverged", severity: .critical, message: msg, epoch: f.c.epochs[f.i],
                                    metric: f.metric.rawValue,
                                    recommendation: "Lower the learning rate (`tblr`) or clip gradients harder (`tclip`), prefer bf16 to fp16, and resume from a checkpoint before epoch \(f.c.epochs[f.i].map(String.init) ?? "the blow-up")."))
        }

        // Spike scans of the training losses (iteration series when there is one) and the
        // gradient norm: on a long run they cost more than the rest of the analysis, so they run
        // side by side.
        let lossCurves = o.scope == .figures ? [] : MetricRoles.trainingLosses(Array(curves.keys)).compactMap { name in
            (run.curve(name, .iteration) ?? curves[name]).map { (name, $0) }
        }
        let gradCurve = run.curve(.gradNorm, .iteration) ?? run.curve(.gradNorm)
        let scans = lossCurves.map { ($0.1.values, o.spikeZ) } + (gradCurve.map { [($0.values, o.gradNormSpikeZ)] } ?? [])
        // A long series is also split, so that one gradient-norm scan uses every core.
        let parts = max(1, ProcessInfo.processInfo.activeProcessorCount / max(1, scans.count))
        let hits = ParallelMap.map(scans) { values, z in
            spikes(values, window: o.spikeWindow, z: z, minRelativeJump: o.spikeMinRelativeJump, parts: parts)
        }

        // Loss spikes.
        var lossSpikes: [Spike] = []
        for ((name, c), found) in zip(lossCurves, hits) {
            for h in found {
                lossSpikes.append(Spike(metric: name.rawValue, value: c.values[h.index], epoch: c.epochs[h.index],
                                    step: c.steps[h.index], baseline: h.baseline, robustZ: h.z))
            }
        }
        inst.lossSpikeCount = lossSpikes.count
        let listedLoss = listed(lossSpikes, max: o.maxListedSpikes)
        inst.lossSpikes = listedLoss.map { ValueAt(value: $0.value, epoch: $0.epoch, step: $0.step) }
        if let top = lossSpikes.max(by: { $0.robustZ < $1.robustZ }) {
            findings.append(Finding(kind: "loss-spike", severity: .warning,
                                    message: "\(lossSpikes.count) loss spike\(lossSpikes.count == 1 ? "" : "s") (robust z above \(Format.num(o.spikeZ, 1)) against the median of the previous \(o.spikeWindow) points); the largest: \(top.metric) \(Format.num(top.value)) at \(place(top)) against a baseline of \(Format.num(top.baseline)).",
                                    epoch: top.epoch, metric: top.metric,
                                    recommendation: "If spikes recur, lower the learning rate or clip gradients harder (`tclip`); check the data around those steps."))
        }

        // Gradient norm: spikes, non-finite values, time at the clip value.
        var gradSpikes: [Spike] = []
        if let gc = gradCurve {
            inst.nonFiniteGradNormCount = gc.values.count(where: { !$0.isFinite })
            for h in hits[lossCurves.count] {
                gradSpikes.append(Spike(metric: MetricName.gradNorm.rawValue, value: gc.values[h.index],
                                        epoch: gc.epochs[h.index], step: gc.steps[h.index], baseline: h.baseline, robustZ: h.z))
            }
            if let top = gradSpikes.max(by: { $0.robustZ < $1.robustZ }) {
                findings.append(Finding(kind: "grad-norm-spike", severity: .info,
                                        message: "\(gradSpikes.count) gradient-norm spike\(gradSpikes.count == 1 ? "" : "s"); the largest: \(Format.short(top.value)) at \(place(top)) against a baseline of \(Format.short(top.baseline)).",
                                        epoch: top.epoch, metric: top.metric))
            }
            if inst.nonFiniteGradNormCount > 0 {
                findings.append(Finding(kind: "grad-norm-non-finite", severity: .info,
                                        message: "\(inst.nonFiniteGradNormCount) of \(gc.count) logged gradient norms were NaN or Inf; with fp16 the loss scaler skips those steps.",
                                        metric: MetricName.gradNorm.rawValue))
            }
            let clip = run.curve(.gradClip).flatMap { Stats.median($0.values) }
                ?? run.configValue("tclip").flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            let finiteNorms = gc.values.filter(\.isFinite)
            if let clip, clip > 0, !finiteNorms.isEmpty {
                inst.gradClipValue = clip
                let at = finiteNorms.count(where: { $0 >= clip * (1 - o.clipTolerance) })
                let frac = Double(at) / Double(finiteNorms.count)
                inst.gradClipFraction = frac
                if at > 0 {
                    let warn = frac > o.clipWarnFraction
                    findings.append(Finding(kind: "grad-clipping", severity: warn ? .warning : .info,
                                            message: "The gradient norm sat at the clip value \(Format.short(clip)) at \(at) of \(finiteNorms.count) logged steps (\(Format.percent(frac, 1))).",
                                            metric: MetricName.gradNorm.rawValue,
                                            recommendation: warn ? "Lower the learning rate: clipping this often means the steps are capped, not shaped by the gradient." : nil))
                }
            }
        }
        inst.gradNormSpikeCount = gradSpikes.count
        let listedGrad = listed(gradSpikes, max: o.maxListedSpikes)
        inst.gradNormSpikes = listedGrad.map { ValueAt(value: $0.value, epoch: $0.epoch, step: $0.step) }
        inst.spikes = (listedLoss + listedGrad).sorted(by: spikeOrder)

        // fp16 loss scale drops.
        if let sc = run.curve(.fp16ScaleLog2, .iteration) ?? run.curve(.fp16ScaleLog2) {
            var drops: [ValueAt] = []
            var prev: Double? = nil
            for i in 0..<sc.count where sc.values[i].isFinite {
                if let p = prev, sc.values[i] < p { drops.append(sc.valueAt(i)) }
                prev = sc.values[i]
            }
            inst.lossScaleDropCount = drops.count
            inst.lossScaleDrops = Array(drops.prefix(max(o.maxListedSpikes, 0)))
            if let first = drops.first {
                let warn = drops.count > o.lossScaleDropWarnCount
                findings.append(Finding(kind: "loss-scale-drop", severity: warn ? .warning : .info,
                                        message: "The fp16 loss scale dropped \(drops.count) time\(drops.count == 1 ? "" : "s"), first at \(Format.at(first)) (log2 scale \(Format.num(first.value, 1)))\(warn ? ": overflows are frequent" : "").",
                                        epoch: first.epoch, metric: MetricName.fp16ScaleLog2.rawValue,
                                        recommendation: warn ? "Lower the learning rate or train in bf16: the fp16 scaler keeps overflowing." : nil))
            }
        }

        // Accuracy falling while its loss falls.
        for pair in MetricRoles.accuracyLossPairs where o.scope == .full {
            guard let ac = curves[pair.acc]?.epochLevel(run: run), let lc = curves[pair.loss]?.epochLevel(run: run),
                  let d = accuracyFallsWithLoss(acc: ac, loss: lc, options: o) else { continue }
            inst.accuracyFallsWithLoss.append(contentsOf: d)
            let f = d[0]
            findings.append(Finding(kind: "accuracy-falls-with-loss", severity: .warning,
                                    message: "\(pair.acc.rawValue) fell by \(Format.percent(-f.accuracyChange, 1)) between epochs \(f.startEpoch) and \(f.endEpoch) while \(pair.loss.rawValue) fell by \(Format.percent(-f.lossChange, 1))\(d.count > 1 ? " (\(d.count) such stretches)" : "").",
                                    epoch: f.startEpoch, metric: pair.acc.rawValue,
                                    recommendation: "Monitor both curves: a loss won on easy tokens can hide worse predictions; check the accuracy on the validation set and the logging of the two metrics."))
        }
        return (inst, findings)
    }

    /// Windows of `accuracyWindow` common epochs (stepping by half a window) in which the
    /// least-squares trend of the smoothed accuracy fell by more than `accuracyDropRelative` and that
    /// of the smoothed loss by more than `lossFallRelative`; overlapping windows are merged.
    static func accuracyFallsWithLoss(acc: Curve, loss: Curve, options o: AnalysisOptions) -> [AccuracyLossDivergence]? {
        let sa = Smoothing.debiasedEMA(acc.values, weight: o.emaWeight)
        let sl = Smoothing.debiasedEMA(loss.values, weight: o.emaWeight)
        var lossByEpoch: [Int: Double] = [:]
        for i in 0..<loss.count { if let e = loss.epochs[i], sl[i].isFinite { lossByEpoch[e] = sl[i] } }
        var es: [Int] = [], av: [Double] = [], lv: [Double] = []
        for i in 0..<acc.count {
            guard let e = acc.epochs[i], sa[i].isFinite, let l = lossByEpoch[e] else { continue }
            es.append(e); av.append(sa[i]); lv.append(l)
        }
        let w = max(o.accuracyWindow, 3)
        guard es.count >= w else { return nil }
        var out: [AccuracyLossDivergence] = []
        var a = 0
        while a + w <= es.count {
            let x = es[a..<(a + w)].map(Double.init)
            let span = x.last! - x.first!
            let ya = Array(av[a..<(a + w)]), yl = Array(lv[a..<(a + w)])
            if span > 0, let ka = Stats.slope(x: x, y: ya), let kl = Stats.slope(x: x, y: yl),
               let ma = Stats.mean(ya), let ml = Stats.mean(yl), ma != 0, ml != 0 {
                let dA = ka * span / abs(ma), dL = kl * span / abs(ml)
                if dA <= -o.accuracyDropRelative && dL <= -o.lossFallRelative {
                    let item = AccuracyLossDivergence(accuracyMetric: acc.name.rawValue, lossMetric: loss.name.rawValue,
                                                      startEpoch: es[a], endEpoch: es[a + w - 1],
                                                      accuracyChange: dA, lossChange: dL)
                    if var l = out.last, l.endEpoch >= item.startEpoch {
                        l.endEpoch = item.endEpoch
                        l.accuracyChange = min(l.accuracyChange, dA)
                        l.lossChange = min(l.lossChange, dL)
                        out[out.count - 1] = l
                    } else {
                        out.append(item)
                    }
                }
            }
            a += max(w / 2, 1)
        }
        return out.isEmpty ? nil : out
    }

    /// The `max` largest spikes (by z), in step order.
    private static func listed(_ s: [Spike], max m: Int) -> [Spike] {
        let top = s.enumerated().sorted { $0.element.robustZ != $1.element.robustZ ? $0.element.robustZ > $1.element.robustZ : $0.offset < $1.offset }
            .prefix(max(m, 0)).map(\.element)
        return top.sorted(by: spikeOrder)
    }

    private static func spikeOrder(_ a: Spike, _ b: Spike) -> Bool {
        let ka = (a.step ?? Int.max, a.epoch ?? Int.max, a.metric), kb = (b.step ?? Int.max, b.epoch ?? Int.max, b.metric)
        return ka < kb
    }

    private static func place(_ s: Spike) -> String {
        if let st = s.step { return s.epoch.map { "step \(st) (epoch \($0))" } ?? "step \(st)" }
        return s.epoch.map { "epoch \($0)" } ?? "an unknown point"
    }
}

extension Array where Element == Double {
    /// The first index whose element fails `belongs` (the array is partitioned by it).
    func partitionPoint(_ belongs: (Double) -> Bool) -> Int {
        var lo = 0, hi = count
        while lo < hi { let m = (lo + hi) / 2; if belongs(self[m]) { lo = m + 1 } else { hi = m } }
        return lo
    }
}
