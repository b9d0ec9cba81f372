import TrainingLog

/// Is a loss on the scale of a V-way cross-entropy? A token loss over V codebook entries starts
/// near ln V (8.318 for V = 4096) and levels off a few nats below it; VAR's 5.5 bar, the
/// perplexity and the share of the way from ln V only mean something there. A loss whose median
/// lies outside [ln V / 3, 1.3 ln V] (for V = 4096: 2.8 to 10.8) is something else: a per-bit loss,
/// another codebook, a scaled or summed loss.
enum LossScale {
    static let lowShare = 1.0 / 3.0
    static let highShare = 1.3

    /// True when the median of the finite values (of at most 1001 of them, evenly spread) lies in
    /// the range; nil without a finite value.
    static func onVocabScale(_ values: [Double], uniformLoss lnV: Double) -> Bool? {
        let step = max(1, values.count / 1001)
        var sample: [Double] = []
        var i = 0
        while i < values.count {
            if values[i].isFinite { sample.append(values[i]) }
            i += step
        }
        guard let med = Stats.median(sample) else { return nil }
        return med >= lowShare * lnV && med <= highShare * lnV
    }
}

/// A note for each loss that is off the V-way scale and so was not judged against a bar.
enum LossScaleFindings {
    static func findings(_ names: [MetricName], metrics: [String: MetricSummary], uniformLoss lnV: Double,
                         options o: AnalysisOptions) -> [Finding] {
        names.compactMap { n -> Finding? in
            guard let m = metrics[n.rawValue], m.vocabScale == false else { return nil }
            let range = "\(Format.num(min(m.first.value, m.best.value))) to \(Format.num(max(m.first.value, m.last.value)))"
            var msg = "\(n.rawValue) runs from \(range), far from the range of a \(o.vocabSize)-way token cross-entropy (which starts near ln \(o.vocabSize) = \(Format.num(lnV))): it is another kind of loss (a per-bit loss, another codebook, a scaled or summed loss)"
            if m.threshold == nil {
                msg += ", so it is not judged against \(Format.bar(o.threshold)), and no perplexity or share of ln V is given; its best, last value, trend and validation are reported as they are."
            } else {
                msg += "; it is judged against the bar you set, \(Format.bar(m.threshold!)), but no perplexity or share of ln V is given."
            }
            return Finding(kind: "loss-scale", severity: .info, message: msg, metric: n.rawValue,
                           recommendation: m.threshold == nil ? "Pass --threshold (or thresholds in --config) to judge it against a bar of your own, or --vocab if the codebook is not \(o.vocabSize) entries." : nil)
        }
    }
}
