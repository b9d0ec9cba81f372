/// Sentences and advice about plateaus: expected during VAR's warm-up and constant-LR phase;
/// "lower the learning rate" when the LR is still high; "stop early" when it has already decayed.
extension PlateauDetector {
    static func findings(_ plateaus: [Plateau], options o: AnalysisOptions) -> [Finding] {
        // Plateaus that ended: one note per metric, listing them.
        var out: [Finding] = []
        var metrics: [String] = []
        for p in plateaus where !metrics.contains(p.metric) { metrics.append(p.metric) }
        for m in metrics {
            let ended = plateaus.filter { $0.metric == m && $0.endEpoch != nil }
            guard let first = ended.first else { continue }
            let spans = ended.map { "\($0.startEpoch)–\($0.endEpoch!)" }.joined(separator: ", ")
            out.append(Finding(kind: "plateau-ended", severity: .info,
                               message: "\(m) stalled \(ended.count == 1 ? "once" : "\(ended.count) times") (epochs \(spans)) and improved again\(ended.count == 1 ? "" : " each time").",
                               epoch: first.startEpoch, metric: m))
        }
        return out + plateaus.filter { $0.endEpoch == nil }.map { p in
            let rel = Format.percent(o.plateauThreshold, 1)
            let best = p.bestValue.map { " (best smoothed value \(Format.num($0)))" } ?? ""
            let lrText: String
            if let f = p.learningRateFraction {
                lrText = "the learning rate \(p.learningRate.map { "(\(Format.short($0))) " } ?? "")at \(Format.percent(f)) of its peak"
            } else {
                lrText = "the learning rate unknown"
            }
            let head = "\(p.metric) has not improved by \(rel) (relative, smoothed) since epoch \(p.startEpoch)\(best); the plateau rule (patience \(o.plateauPatience) epochs) fired at epoch \(p.detectedEpoch.map(String.init) ?? "?")"
            if p.expected {
                let phase = p.phase == "warmup" ? "warm-up" : "constant-LR phase"
                return Finding(kind: "plateau-expected", severity: .info,
                               message: "\(head), during VAR's \(phase) with \(lrText): a plateau is expected there.",
                               epoch: p.startEpoch, metric: p.metric,
                               recommendation: "Wait for the learning-rate decay before judging this curve.")
            }
            guard let f = p.learningRateFraction else {
                return Finding(kind: "plateau", severity: .warning, message: "\(head), with \(lrText).",
                               epoch: p.startEpoch, metric: p.metric,
                               recommendation: "If the learning rate is still near its peak, lower it (by 10x, as ReduceLROnPlateau would); otherwise stop early.")
            }
            if f >= o.highLearningRateFraction {
                return Finding(kind: "plateau", severity: .warning, message: "\(head), with \(lrText): still high.",
                               epoch: p.startEpoch, metric: p.metric,
                               recommendation: "Lower the learning rate: divide it by 10 (as ReduceLROnPlateau would), or let VAR's decay start sooner (a smaller `tblr`, or `sche` cos).")
            }
            return Finding(kind: "plateau", severity: .warning, message: "\(head), with \(lrText): already low.",
                           epoch: p.startEpoch, metric: p.metric,
                           recommendation: "Stop early: with the learning rate this low, more epochs will not help; a larger model or more data will.")
        }
    }
}
