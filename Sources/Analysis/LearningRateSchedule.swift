import Foundation
import TrainingLog

/// VAR's learning-rate schedule as far as the run tells it: the logged `opt/lr` series when there
/// is one (the truth), otherwise VAR's `lr_wd_annealing` rebuilt from the config (`tlr` or `tblr`,
/// `ep`, `wp`, `wp0`, `wpe`, `sche`).
///
/// VAR warms up linearly from `wp0` (0.005) of the peak over `wp` epochs (default `ep / 50`), then
/// with `sche = lin0` (the default) holds the peak for 5 % of the remaining run and decays
/// linearly to `wpe` (0.01) of the peak (`lin`: 15 % hold; `cos`, `lin00`: no hold).
struct LearningRateSchedule: Sendable {
    /// The logged learning rate, if any.
    let curve: Curve?
    /// Peak learning rate: the maximum of the logged series, else `tlr` from the config.
    let peak: Double?
    let epochs: Double?
    let warmupEpochs: Double?
    let schedule: String
    let wp0: Double
    let wpe: Double

    static func make(_ run: Run) -> LearningRateSchedule {
        func num(_ k: String) -> Double? { run.configValue(k).flatMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
        let curve = run.curve(.learningRate)
        var seriesPeak: Double? = nil
        for v in curve?.values ?? [] where v.isFinite && v > 0 && v > (seriesPeak ?? 0) { seriesPeak = v }
        var configPeak = num("tlr")
        if configPeak == nil, let tblr = num("tblr") {
            let bs = num("glb_batch_size") ?? num("bs")
            configPeak = bs.map { tblr * $0 / 256 }
        }
        let ep = num("ep") ?? run.epochsPlanned.map(Double.init)
        var wp = num("wp")
        if (wp ?? 0) <= 0, let ep { wp = ep / 50 }
        let sche = run.configValue("sche")?.trimmingCharacters(in: CharacterSet(charactersIn: " '\"")) ?? "lin0"
        return LearningRateSchedule(curve: curve, peak: seriesPeak ?? configPeak, epochs: ep, warmupEpochs: wp,
                                    schedule: sche.isEmpty ? "lin0" : sche, wp0: num("wp0") ?? 0.005,
                                    wpe: num("wpe") ?? 0.01)
    }

    /// The hold share T of VAR's schedule after warm-up (0 when the LR decays at once).
    private var hold: Double {
        switch schedule {
        case "lin0": return 0.05
        case "lin", "exp": return 0.15
        default: return 0
        }
    }

    /// The learning rate at the start of epoch `e`: the logged one, else the rebuilt schedule.
    func learningRate(atEpoch e: Int) -> Double? {
        if let c = curve, let i = c.lastIndex(atOrBefore: e), c.values[i].isFinite { return c.values[i] }
        guard let peak, let f = modelFraction(atEpoch: Double(e)) else { return nil }
        return peak * f
    }

    /// Learning rate at epoch `e` relative to the peak (0...1).
    func fraction(atEpoch e: Int) -> Double? {
        guard let peak, peak > 0, let lr = learningRate(atEpoch: e) else { return nil }
        return lr / peak
    }

    /// VAR's `lr_wd_annealing` in epoch units, relative to the peak.
    func modelFraction(atEpoch p: Double) -> Double? {
        guard let ep = epochs, let wp = warmupEpochs, ep > wp else { return nil }
        if p < wp { return wp0 + (1 - wp0) * p / wp }
        let pasd = min(max((p - wp) / (ep - wp), 0), 1)
        let rest = 1 - pasd
        switch schedule {
        case "cos": return wpe + (1 - wpe) * (0.5 + 0.5 * cos(Double.pi * pasd))
        case "lin", "lin0":
            let t = hold
            return pasd < t ? 1 : wpe + (1 - wpe) * rest / (1 - t)
        case "lin00": return wpe + (1 - wpe) * rest
        case "exp":
            let t = hold
            return pasd < t ? 1 : exp((pasd - t) / (1 - t) * log(wpe))
        default:
            if schedule.hasPrefix("lin"), let t = Double(schedule.dropFirst(3)), t > 0, t < 1 {
                let maxRest = 1 - t
                let mid = (1 + (wpe + (1 - wpe) * maxRest)) / 2
                return pasd < t ? 1 + (mid - 1) * pasd / t : wpe + (mid - wpe) * rest / maxRest
            }
            return nil
        }
    }

    /// The epoch (position) at which the LR starts to decay: after warm-up and the hold.
    var decayStartEpoch: Double? {
        if let c = curve, let peak, peak > 0 {
            // The last epoch at which the logged LR is still within 1 % of its peak.
            var last: Int? = nil
            for i in 0..<c.count where c.values[i].isFinite && c.values[i] >= 0.99 * peak {
                if let e = c.epochs[i] { last = e }
            }
            if let last { return Double(last) }
        }
        guard let ep = epochs, let wp = warmupEpochs, ep > wp else { return nil }
        return wp + hold * (ep - wp)
    }

    /// `warmup`, `constant` or `decay` at the start of epoch `e`; nil when unknown. The
    /// schedule rebuilt from the config decides when it can (it knows where VAR's hold ends);
    /// otherwise the logged LR: before its peak is warm-up, at the peak is the hold only if the
    /// LR decays later (an LR that never decays is not VAR's hold phase), below it is decay.
    func phase(atEpoch e: Int) -> String? {
        if let ep = epochs, let wp = warmupEpochs, ep > wp {
            let p = Double(e)
            if p < wp { return "warmup" }
            return (p - wp) / (ep - wp) < hold ? "constant" : "decay"
        }
        guard let c = curve, let peak, peak > 0, let i = c.lastIndex(atOrBefore: e), c.values[i].isFinite else { return nil }
        let atPeak = { (v: Double) in v >= 0.99 * peak }
        guard let peakIndex = c.values.firstIndex(where: atPeak) else { return nil }
        if i < peakIndex { return "warmup" }
        if atPeak(c.values[i]) {
            let decaysLater = c.values[i...].contains { $0.isFinite && !atPeak($0) }
            return decaysLater ? "constant" : nil
        }
        return "decay"
    }
}
