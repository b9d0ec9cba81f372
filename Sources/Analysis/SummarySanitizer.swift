/// The last guard before JSON: `JSONEncoder` refuses NaN and Inf, so no number in a `Summary`
/// may be one. Optional numbers that are not finite become nil; the few required ones become
/// 0 (the analysis never produces them; this only keeps a bad input from breaking the output).
extension Summary {
    func sanitized() -> Summary {
        var s = self
        s.threshold = s.threshold.req
        s.uniformLoss = s.uniformLoss.req
        s.run.parametersMillions = s.run.parametersMillions.opt
        s.run.secondsPerIteration = s.run.secondsPerIteration.opt
        s.run.totalHours = s.run.totalHours.opt
        s.run.etaHours = s.run.etaHours.opt
        s.metrics = s.metrics.mapValues { $0.sanitized() }
        var o = s.overfitting
        o.bestValue = o.bestValue.opt
        o.generalizationLoss = o.generalizationLoss.opt
        o.lastValue = o.lastValue.opt
        s.overfitting = o
        if var e = s.earlyStop {
            e.hoursSaved = e.hoursSaved.opt
            e.bestValue = e.bestValue.opt
            e.minDelta = e.minDelta.opt
            s.earlyStop = e
        }
        s.plateau = s.plateau?.sanitized()
        s.plateaus = s.plateaus.map { $0.sanitized() }
        var i = s.instability
        i.firstNonFinite = i.firstNonFinite?.sanitized()
        i.lossSpikes = i.lossSpikes.map { $0.sanitized() }
        i.gradNormSpikes = i.gradNormSpikes.map { $0.sanitized() }
        i.gradClipFraction = i.gradClipFraction.opt
        i.gradClipValue = i.gradClipValue.opt
        i.lossScaleDrops = i.lossScaleDrops.map { $0.sanitized() }
        if var nf = i.nonFinite { nf.lastFiniteValue = nf.lastFiniteValue.opt; i.nonFinite = nf }
        i.spikes = i.spikes.map {
            var x = $0
            x.value = x.value.req; x.baseline = x.baseline.req; x.robustZ = x.robustZ.req
            return x
        }
        i.accuracyFallsWithLoss = i.accuracyFallsWithLoss.map {
            var x = $0
            x.accuracyChange = x.accuracyChange.req; x.lossChange = x.lossChange.req
            return x
        }
        s.instability = i
        return s
    }
}

extension MetricSummary {
    func sanitized() -> MetricSummary {
        var m = self
        m.first = m.first.sanitized()
        m.last = m.last.sanitized()
        m.best = m.best.sanitized()
        m.smoothedLast = m.smoothedLast.opt
        m.smoothingWeight = m.smoothingWeight.opt
        m.meanLast10Percent = m.meanLast10Percent.opt
        m.firstBelow = m.firstBelow?.sanitized()
        m.hoursToThreshold = m.hoursToThreshold.opt
        m.perplexity = m.perplexity.opt
        m.reducibleCovered = m.reducibleCovered.opt
        m.threshold = m.threshold.opt
        m.gpuHoursToThreshold = m.gpuHoursToThreshold.opt
        m.reducibleCoveredToFloor = m.reducibleCoveredToFloor.opt
        if var p = m.projection {
            p.lossInfinity = p.lossInfinity.req
            p.amplitude = p.amplitude.req
            p.alpha = p.alpha.req
            p.projectedEpoch = p.projectedEpoch.opt
            p.projectedEpochLow = p.projectedEpochLow.opt
            p.projectedEpochHigh = p.projectedEpochHigh.opt
            p.threshold = p.threshold.opt
            p.lossInfinityStdDev = p.lossInfinityStdDev.opt
            p.reachProbability = p.reachProbability.opt
            p.projectedStep = p.projectedStep.opt
            p.rmse = p.rmse.opt
            m.projection = p
        }
        return m
    }
}

extension Plateau {
    func sanitized() -> Plateau {
        var p = self
        p.learningRateFraction = p.learningRateFraction.opt
        p.learningRate = p.learningRate.opt
        p.bestValue = p.bestValue.opt
        return p
    }
}

extension ValueAt {
    func sanitized() -> ValueAt { ValueAt(value: value.req, epoch: epoch, step: step) }
}

private extension Double {
    /// Finite or 0.
    var req: Double { isFinite ? self : 0 }
}

private extension Optional where Wrapped == Double {
    /// Finite or nil.
    var opt: Double? { flatMap { $0.isFinite ? $0 : nil } }
}
