import TrainingLog

/// NaN / Inf losses and divergence (docs/ANALYSIS.md, "NaN, Inf and divergence").
///
/// A non-finite value is an event, not a verdict: fp16 runs log the odd NaN epoch average and
/// train on. The run counts as diverged only when it does not come back:
/// - a headline loss (training or validation, not per-scale) ends non-finite: its last logged
///   values are NaN / Inf; or
/// - the first training loss blew up: its last `blowUpTail` points (epoch-level, or the smoothed
///   iteration curve) all lie above best + `blowUpShare` x (first - best), i.e. it lost more than
///   half of the improvement it had made, and stayed there to the end.
/// Non-finite values followed by finite training are a warning that lists them.
enum DivergenceRules {
    /// Share of the improvement lost that counts as a blow-up, and the points it must last.
    static let blowUpShare = 0.5
    static let blowUpTailPoints = 3

    struct Outcome {
        var events: [NonFiniteValue] = []
        var count = 0
        var first: (value: ValueAt, nonFinite: NonFiniteValue)? = nil
        var diverged = false
        var reason: String? = nil
        var findings: [Finding] = []
    }

    static func analyze(run: Run, curves: [MetricName: Curve], options o: AnalysisOptions) -> Outcome {
        var out = Outcome()
        // Every non-finite value of every loss, placed in epochs completed for ordering.
        var events: [(key: Double, value: ValueAt, nf: NonFiniteValue)] = []
        let ipe = run.iterationsPerEpoch.map(Double.init)
        var endsNonFinite: [(metric: MetricName, granularity: Granularity, trailing: Int, from: String)] = []
        for s in run.series where s.name.isLoss && !s.isEmpty {
            let c = Curve(s, run: run)
            var lastFinite: Double? = nil
            for i in 0..<c.count {
                let v = c.values[i]
                if v.isFinite { lastFinite = v; continue }
                let key: Double
                if let st = c.steps[i], let ipe, ipe > 0 { key = Double(st) / ipe }
                else if let e = c.epochs[i] { key = Double(e + 1) }
                else if let st = c.steps[i] { key = Double(st) }
                else { continue }
                var nf = NonFiniteValue(metric: s.name.rawValue, epoch: c.epochs[i], step: c.steps[i],
                                        value: v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"), lastFiniteValue: lastFinite)
                nf.granularity = s.granularity.rawValue
                events.append((key, c.valueAt(i, value: lastFinite ?? 0), nf))
            }
            if MetricRoles.isHeadlineLoss(s.name), let lastIndex = c.values.indices.last, !c.values[lastIndex].isFinite {
                var t = 0
                while t < c.count, !c.values[c.count - 1 - t].isFinite { t += 1 }
                let i = c.count - t
                endsNonFinite.append((s.name, s.granularity, t, place(c.epochs[i], c.steps[i], s.granularity)))
            }
        }
        events.sort { $0.key != $1.key ? $0.key < $1.key : $0.nf.metric < $1.nf.metric }
        out.count = events.count
        out.events = events.prefix(max(o.maxListedSpikes, 1)).map(\.nf)
        if let f = events.first { out.first = (f.value, f.nf) }

        if let e = endsNonFinite.min(by: { ($0.metric, $0.granularity.rawValue) < ($1.metric, $1.granularity.rawValue) }) {
            out.diverged = true
            out.reason = "\(e.metric.rawValue) ends non-finite: its last \(e.trailing == 1 ? "logged value is" : "\(e.trailing) logged values are") NaN or Inf (from \(e.from))"
        } else if o.scope == .full, let name = MetricRoles.trainingLosses(Array(curves.keys)).first, let c = curves[name],
                  let blow = blowUp(c, options: o) {
            out.diverged = true
            out.reason = blow
        }

        if out.diverged, let reason = out.reason {
            let firstBad = events.first.map { " The first non-finite value: \(describe($0.nf))." } ?? ""
            out.findings.append(Finding(kind: "diverged", severity: .critical, message: "The run diverged: \(reason).\(firstBad)",
                                        epoch: events.first?.nf.epoch, metric: events.first?.nf.metric ?? name(of: reason),
                                        recommendation: "Lower the learning rate (`tblr`) or clip gradients harder (`tclip`), prefer bf16 to fp16, and resume from a checkpoint before the blow-up."))
        } else if !events.isEmpty {
            var msg = "Training recovered after \(events.count) non-finite loss value\(events.count == 1 ? "" : "s"): "
            msg += grouped(events.map(\.nf))
            if let name = MetricRoles.trainingLosses(Array(curves.keys)).first, let c = curves[name],
               let li = c.values.lastIndex(where: \.isFinite) {
                let best = c.values.filter(\.isFinite).min() ?? c.values[li]
                msg += ". Training went on with finite values: \(name.rawValue) is \(Format.num(c.values[li])) at \(Format.at(c.valueAt(li))) (best \(Format.num(best)))"
            }
            out.findings.append(Finding(kind: "non-finite-recovered", severity: .warning, message: msg + ".",
                                        epoch: events[0].nf.epoch, metric: events[0].nf.metric,
                                        recommendation: "Those values are left out of every average and crossing; if they recur, lower the learning rate or prefer bf16 to fp16 (the loss scaler skips overflowing steps, but an epoch average that is NaN means whole steps were lost)."))
        }
        return out
    }

    /// Why the curve counts as blown up, or nil.
    static func blowUp(_ raw: Curve, options o: AnalysisOptions) -> String? {
        let c = raw.granularity == .epoch ? raw : raw.smoothed(weight: o.smoothingWeight(raw))
        let idx = c.values.indices.filter { c.values[$0].isFinite }
        guard idx.count >= 2 * blowUpTailPoints, let fi = idx.first, let li = idx.last else { return nil }
        let first = c.values[fi]
        guard let bi = idx.min(by: { c.values[$0] < c.values[$1] }) else { return nil }
        let best = c.values[bi], gap = first - best
        guard gap > 0.02 * abs(first) else { return nil }
        let bar = best + blowUpShare * gap
        let tail = idx.suffix(max(blowUpTailPoints, idx.count / 20))
        guard tail.allSatisfy({ c.values[$0] > bar }) else { return nil }
        let lost = (c.values[li] - best) / gap
        return "\(raw.name.rawValue) blew up and did not come back: its best was \(Format.num(best)) at \(Format.at(c.valueAt(bi))), and it ends at \(Format.num(c.values[li])) at \(Format.at(c.valueAt(li)))\(c.granularity == .iteration ? " (smoothed)" : ""), having lost \(Format.percent(lost)) of its improvement from \(Format.num(first))"
    }

    /// "NaN epoch average at epoch 6", "+Inf at step 1234 (epoch 6)".
    static func describe(_ nf: NonFiniteValue) -> String {
        let what = nf.value == "nan" ? "NaN" : (nf.value == "inf" ? "+Inf" : "-Inf")
        let g = Granularity(rawValue: nf.granularity ?? "") ?? .iteration
        return "\(nf.metric) \(what)\(g == .epoch ? " epoch average" : "") at \(place(nf.epoch, nf.step, g))"
    }

    static func place(_ epoch: Int?, _ step: Int?, _ g: Granularity) -> String {
        if g == .epoch, let e = epoch { return "epoch \(e)" }
        if let s = step { return epoch.map { "step \(s) (epoch \($0))" } ?? "step \(s)" }
        return epoch.map { "epoch \($0)" } ?? "an unknown point"
    }

    /// The events, per metric: "train/loss_mean: NaN epoch average at epoch 6, +Inf epoch average
    /// at epoch 9; train/loss_tail: NaN at step 1234 (epoch 6)" (at most 6 listed).
    static func grouped(_ events: [NonFiniteValue]) -> String {
        var order: [String] = []
        var byMetric: [String: [NonFiniteValue]] = [:]
        for e in events {
            if byMetric[e.metric] == nil { order.append(e.metric) }
            byMetric[e.metric, default: []].append(e)
        }
        var listed = 0
        var parts: [String] = []
        for m in order {
            let es = byMetric[m]!
            let shown = es.prefix(max(0, 6 - listed))
            listed += shown.count
            guard !shown.isEmpty else { break }
            var text = m + ": " + shown.map { e -> String in
                let what = e.value == "nan" ? "NaN" : (e.value == "inf" ? "+Inf" : "-Inf")
                let g = Granularity(rawValue: e.granularity ?? "") ?? .iteration
                return "\(what)\(g == .epoch ? " epoch average" : "") at \(place(e.epoch, e.step, g))"
            }.joined(separator: ", ")
            if es.count > shown.count { text += " and \(es.count - shown.count) more" }
            parts.append(text)
        }
        let rest = order.count - parts.count
        return parts.joined(separator: "; ") + (rest > 0 ? "; and \(rest) more metric\(rest == 1 ? "" : "s")" : "")
    }

    private static func name(of reason: String) -> String? {
        reason.split(separator: " ").first.map(String.init)
    }
}
