import Foundation
import Parallel
import TrainingLog

/// Signs of an unstable run: NaN/Inf losses and divergence (`DivergenceRules`), loss and
/// gradient-norm spikes (`SpikeDetector`), a gradient norm sitting at the clip value, drops of the
/// fp16 loss scale, and accuracy that falls while its loss falls.
public enum InstabilityDetector {
    static func analyze(run: Run, curves: [MetricName: Curve], options o: AnalysisOptions) -> (Instability, [Finding]) {
        var inst = Instability()
        var findings: [Finding] = []

        // NaN / Inf and divergence.
        let nf = DivergenceRules.analyze(run: run, curves: curves, options: o)
        if let f = nf.first { inst.firstNonFinite = f.value; inst.nonFinite = f.nonFinite }
        inst.nonFiniteValues = nf.events
        inst.nonFiniteCount = nf.count
        inst.diverged = nf.diverged
        inst.divergedReason = nf.reason
        findings += nf.findings

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
        let gradIndex = lossCurves.count
        let hits = ParallelMap.map(Array(scans.enumerated())) { k, scan in
            let isGrad = k == gradIndex
            return SpikeDetector.spikes(scan.0, half: o.spikeWindow, z: scan.1,
                                        minRelativeJump: isGrad ? 0 : o.spikeMinRelativeJump,
                                        minRatio: isGrad ? o.gradNormSpikeMinRatio : 0, parts: parts)
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
        if let top = lossSpikes.max(by: { ($0.value - $0.baseline) / max(abs($0.baseline), 1e-12) < ($1.value - $1.baseline) / max(abs($1.baseline), 1e-12) }) {
            let n = lossSpikes.count
            let rise = (top.value - top.baseline) / max(abs(top.baseline), 1e-12)
            var msg = "\(n) loss spike\(n == 1 ? "" : "s") (a logged point far above the median of its \(o.spikeWindow) neighbours on each side: robust z above \(Format.num(o.spikeZ, 0)) and at least \(Format.percent(o.spikeMinRelativeJump)) higher)"
            msg += n == 1 ? ": " : "; the largest: "
            msg += "\(top.metric) \(Format.num(top.value)) at \(place(top)) against a local baseline of \(Format.num(top.baseline)) (+\(Format.percent(rise)))"
            let rest = lossSpikes.filter { $0 != top }.sorted(by: spikeOrder)
            if !rest.isEmpty {
                msg += "; the other\(rest.count == 1 ? "" : "s") at " + rest.prefix(5).map(place).joined(separator: ", ")
                if rest.count > 5 { msg += " and \(rest.count - 5) more" }
            }
            findings.append(Finding(kind: "loss-spike", severity: .warning, message: msg + ".",
                                    epoch: top.epoch, metric: top.metric,
                                    recommendation: "If spikes recur, lower the learning rate or clip gradients harder (`tclip`); check the data around those steps."))
        }

        // Gradient norm: spikes, non-finite values, time at the clip value.
        var gradSpikes: [Spike] = []
        if let gc = gradCurve {
            inst.nonFiniteGradNormCount = gc.values.count(where: { !$0.isFinite })
            for h in hits[gradIndex] {
                gradSpikes.append(Spike(metric: MetricName.gradNorm.rawValue, value: gc.values[h.index],
                                        epoch: gc.epochs[h.index], step: gc.steps[h.index], baseline: h.baseline, robustZ: h.z))
            }
            if let top = gradSpikes.max(by: { $0.value / max($0.baseline, 1e-12) < $1.value / max($1.baseline, 1e-12) }) {
                let n = gradSpikes.count
                findings.append(Finding(kind: "grad-norm-spike", severity: .info,
                                        message: "\(n) gradient-norm spike\(n == 1 ? "" : "s") (at least \(Format.num(o.gradNormSpikeMinRatio, 1))x the median of its neighbours, and robust z above \(Format.num(o.gradNormSpikeZ, 0)))\(n == 1 ? ":" : "; the largest:") \(Format.short(top.value)) at \(place(top)) against a local baseline of \(Format.short(top.baseline)) (\(Format.num(top.value / max(top.baseline, 1e-12), 1))x).",
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
