import TrainingLog

/// Sentences about thresholds: which loss crossed, which did not, what it cost and where the
/// others are heading. Each loss is judged on its own, never averaged with another.
extension ThresholdAnalysis {
    /// A short clause for headlines: "train/loss_tail went below 5.5 at epoch 42 and stayed
    /// below from epoch 47", "train/loss_mean did not reach it (last 5.91, projected floor 5.80)".
    static func clause(_ name: String, _ m: MetricSummary, sameThreshold: Bool = false) -> String {
        let thr = m.threshold ?? 0
        let bar = sameThreshold ? "it" : Format.bar(thr)
        if let fb = m.firstBelow {
            if let sb = m.staysBelowFrom {
                return "\(name) went below \(bar) at \(Format.at(fb)) and stayed below from epoch \(sb.epoch)"
            }
            if m.staysBelowFromStep != nil { return "\(name) went below \(bar) at \(Format.at(fb)) and stayed below" }
            return "\(name) went below \(bar) at \(Format.at(fb)) but is above it at the end (last \(Format.num(m.last.value)))"
        }
        var s = "\(name) did not reach \(bar) (last \(Format.num(m.last.value))"
        if let p = m.projection {
            if p.amplitude <= 0 || p.fallingAtEnd == false { s += ", not falling" }
            else if p.reach == "not-expected" { s += ", fitted floor \(Format.num(p.lossInfinity))" }
            else if p.reach != "within-reach" { s += ", not within reach of this schedule" }
        }
        return s + ")"
    }

    /// One finding per judged loss: crossed and held, crossed and lost, or not reached (with
    /// the projection).
    static func findings(_ names: [MetricName], metrics: [String: MetricSummary], uniformLoss lnV: Double,
                         anyConverged: Bool, epochsPlanned: Int?) -> [Finding] {
        var out: [Finding] = []
        for n in names {
            guard let m = metrics[n.rawValue], let thr = m.threshold else { continue }
            let name = n.rawValue
            let t = Format.bar(thr)
            var context = ""
            if let sl = m.smoothedLast {
                context = " Smoothed last value \(Format.num(sl))"
                if let p = m.perplexity { context += " (perplexity \(Format.num(p, 0)))" }
                if let r = m.reducibleCovered { context += ", \(Format.percent(r)) of the way from ln V = \(Format.num(lnV)) to \(t)" }
                context += "."
            }
            if let fb = m.firstBelow, m.points < 2 {
                // One point (a validation result from VAR's final args): no "when", no cost.
                out.append(Finding(kind: "threshold-crossed", severity: .info,
                                   message: "\(name) was first validated below \(t) at \(Format.at(fb)) (\(Format.num(fb.value))), its only point in the logs: when it got there cannot be told from one point." + context,
                                   epoch: fb.epoch, metric: name))
            } else if let fb = m.firstBelow, m.staysBelowFrom != nil || m.staysBelowFromStep != nil {
                var msg = n.isValidation
                    ? "\(name) was first validated below \(t) at \(Format.at(fb)) (\(Format.num(fb.value)))"
                    : "\(name) went below \(t) at \(Format.at(fb)) (\(Format.num(fb.value)))"
                if let sb = m.staysBelowFrom { msg += " and stayed below from epoch \(sb.epoch)" } else { msg += " and stayed below" }
                var cost: [String] = []
                if let e = m.epochsToThreshold { cost.append("\(e) epoch\(e == 1 ? "" : "s")") }
                if let h = m.hoursToThreshold { cost.append(Format.hours(h)) }
                if let g = m.gpuHoursToThreshold { cost.append("\(Format.num(g, 0)) GPU-hours") }
                if !cost.isEmpty { msg += "; getting there took \(cost.joined(separator: ", "))" }
                out.append(Finding(kind: "threshold-crossed", severity: .info, message: msg + "." + context,
                                   epoch: m.staysBelowFrom?.epoch ?? fb.epoch, metric: name))
            } else if let fb = m.firstBelow {
                out.append(Finding(kind: "threshold-not-held", severity: .warning,
                                   message: "\(name) went below \(t) at \(Format.at(fb)) (\(Format.num(fb.value))) but is above it at the end (last \(Format.num(m.last.value)) at \(Format.at(m.last)))." + context,
                                   epoch: fb.epoch, metric: name,
                                   recommendation: "Monitor both curves: a loss that rises again after crossing points at a learning rate that is too high or at instability; see the plateau and spike findings."))
            } else {
                var msg = "\(name) did not reach \(t): last \(Format.num(m.last.value)) at \(Format.at(m.last))."
                msg += context
                var rec: String? = nil
                // Not reaching the bar is a warning unless another judged loss has reached it (the
                // usual VAR picture: Lt crosses, Lm does not) or the fit says it will, in time.
                var severity: Severity = anyConverged ? .info : .warning
                if let p = m.projection {
                    let sd = p.lossInfinityStdDev.flatMap { $0 >= 0.0005 ? " ± \(Format.num($0))" : nil } ?? ""
                    let run = p.fitEndEpoch.map { "the \($0 + 1) epochs run so far" } ?? "the run so far"
                    if p.amplitude > 0, p.reach == "beyond-schedule" || p.reach == "undetermined" {
                        msg += p.reach == "beyond-schedule"
                            ? " It is still falling, but not within reach of this schedule: a fit of L(t) = L_inf + A t^-alpha to its last \(p.fitPoints ?? 0) points would get there only beyond about twice \(run)\(p.projectedEpochHigh == nil && p.projectedEpoch != nil ? ", and its range includes never" : "")."
                            : " It is still falling; where it levels off cannot be read from the data yet (a fit to its last \(p.fitPoints ?? 0) points does not pin the floor down), so it is not within reach of this schedule as far as the logs tell."
                        rec = n.isValidation ? nil : "Judge it by the trend, not by a projection: train longer only if the curve is still clearly falling at the end."
                    } else if p.fallingAtEnd == false {
                        msg += " Over its last \(p.fitPoints ?? 0) points it has stopped falling (the last third of them is no lower than the third before), so it is not expected to reach \(t) without a change."
                        rec = n.isValidation ? nil : "Lower the learning rate or stop early: the curve has flattened above the bar."
                    } else if p.amplitude <= 0 {
                        msg += " Over its last \(p.fitPoints ?? 0) points it is not falling (mean \(Format.num(p.lossInfinity))), so it is not expected to reach \(t)."
                        rec = n.isValidation ? nil : "Lower the learning rate or stop early: the curve has flattened above the bar."
                    } else if !p.expectedToReach {
                        msg += " A fit of L(t) = L_inf + A t^-alpha to its last \(p.fitPoints ?? 0) points gives a floor L_inf = \(Format.num(p.lossInfinity))\(sd) (alpha \(Format.num(p.alpha, 2))), above \(t): it is not expected to reach it."
                        rec = n == .trainLossMean || n == .valLossMean
                            ? "Judge \(name) against its own bar (per-metric thresholds): on VAR it averages all scales and stays well above the last-scale loss; a deeper model lowers its floor."
                            : "More of the same training will not get there: a larger model (depth), more data or a new learning-rate schedule is needed."
                    } else if let pe = p.projectedEpoch {
                        var range = ""
                        if let lo = p.projectedEpochLow { range = " (\(Format.num(lo, 0))–\(p.projectedEpochHigh.map { Format.num($0, 0) } ?? "never"))" }
                        let floor = p.floorDetermined == true ? " (floor \(Format.num(p.lossInfinity))\(sd))" : ""
                        msg += " A fit of L(t) = L_inf + A t^-alpha to its last \(p.fitPoints ?? 0) points\(floor) projects \(t) around epoch \(Format.num(pe, 0))\(range)"
                        if p.withinPlannedEpochs == false, let planned = epochsPlanned {
                            msg += ", beyond the planned \(planned) epochs."
                            let more = max(1, Int(clamping: pe.rounded(.up)) + 1 - planned)
                            rec = "Train about \(more) more epoch\(more == 1 ? "" : "s") (\(Int(clamping: pe.rounded(.up)) + 1) in all) or accept the current value."
                            severity = anyConverged ? .info : .warning
                        } else {
                            msg += "."
                            severity = .info
                        }
                    } else {
                        msg += " The fit's floor is \(Format.num(p.lossInfinity))\(sd), below \(t), but no epoch can be projected (iterations per epoch unknown)."
                    }
                }
                out.append(Finding(kind: "threshold-not-reached", severity: severity, message: msg, epoch: m.last.epoch,
                                   metric: name, recommendation: rec))
            }
        }
        return out
    }
}

extension String {
    /// "5.50" -> "5.5", "6.00" -> "6".
    var trimmedZeros: String {
        guard contains(".") else { return self }
        var s = self
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
