import Foundation
import TrainingLog

/// The facts of a run: finished or not (epochs done of planned), restarts, seconds per
/// iteration, hours, ETA, GPUs, config and sources.
enum RunFactsBuilder {
    /// Epochs completed: the highest epoch of any epoch-level series or source, plus one; from
    /// iteration series, (last step + 1) / iterations per epoch; the largest of these.
    static func epochsCompleted(_ run: Run) -> Int {
        var n = 0
        for s in run.series where !s.isEmpty {
            switch s.granularity {
            case .epoch: n = max(n, min(s.xs[s.count - 1], Int.max - 1) + 1)
            case .iteration:
                if let ipe = run.iterationsPerEpoch, ipe > 0, let last = s.xs.last, last >= 0 { n = max(n, min(last, Int.max - 1) / ipe + (last % ipe == ipe - 1 ? 1 : 0)) }
            }
        }
        for src in run.sources { if let e = src.lastEpoch, e >= 0 { n = max(n, min(e, Int.max - 1) + 1) } }
        return n
    }

    /// Epochs planned: the run's own field, else `ep` from the config.
    static func epochsPlanned(_ run: Run) -> Int? {
        run.epochsPlanned ?? run.configValue("ep").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
    }

    /// GPUs from `glb_batch_size / batch_size` (VAR sets the global batch to local batch times
    /// world size).
    static func gpus(_ run: Run) -> Int? {
        func int(_ k: String) -> Int? { run.configValue(k).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
        guard let g = int("glb_batch_size"), let l = int("batch_size"), l > 0, g >= l, g % l == 0 else { return nil }
        return g / l
    }

    /// Median seconds per iteration: VAR's `time/sec_per_iter`, else the wall times of an
    /// iteration series, else the clock's hours per epoch over iterations per epoch.
    static func secondsPerIteration(_ run: Run, clock: RunClock?) -> Double? {
        if let s = run.series(.secondsPerIteration, .epoch), let m = Stats.median(s.values.filter { $0 > 0 }) { return m }
        for s in run.series where s.granularity == .iteration && s.hasWallTimes && s.count >= 2 {
            var rates: [Double] = []
            for i in 1..<s.count {
                let dt = s.wallTimes[i] - s.wallTimes[i - 1], ds = s.xs[i] - s.xs[i - 1]
                if dt.isFinite, dt > 0, ds > 0 { rates.append(dt / Double(ds)) }
            }
            if let m = Stats.median(rates) { return m }
        }
        if let h = clock?.hoursPerEpoch, let ipe = run.iterationsPerEpoch, ipe > 0 { return h * 3600 / Double(ipe) }
        return nil
    }

    static func build(_ run: Run, clock: RunClock?, diverged: Bool) -> RunFacts {
        let done = epochsCompleted(run)
        let planned = epochsPlanned(run)
        let status: RunStatus = diverged ? .diverged
            : (run.finishedMarker || (planned.map { done >= $0 } ?? false)) ? .finished : .incomplete
        let spi = secondsPerIteration(run, clock: clock)
        let total = done > 0 ? clock?.hours(endOfEpoch: done - 1) : nil
        var eta: Double? = nil
        if status == .incomplete, let planned, planned > done {
            let perEpoch = spi.flatMap { s in run.iterationsPerEpoch.map { s * Double($0) / 3600 } } ?? clock?.hoursPerEpoch
            if let perEpoch { eta = perEpoch * Double(planned - done) }
            else if let rest = run.series(.remainingHours, .epoch)?.values.last(where: { $0.isFinite && $0 >= 0 }) { eta = rest }
        }
        var config: [String: String] = [:]
        for c in run.config { config[c.key] = c.value }
        let sources = run.sources.map {
            SourceSummary(path: $0.path, format: $0.format.rawValue, firstEpoch: $0.firstEpoch, lastEpoch: $0.lastEpoch,
                          warnings: $0.warnings.map(\.description))
        }
        var f = RunFacts(name: run.name, path: run.path, status: status, epochsCompleted: done, epochsPlanned: planned,
                         restarts: run.restartEpochs.count, restartEpochs: run.restartEpochs,
                         iterationsPerEpoch: run.iterationsPerEpoch, parametersMillions: run.parametersMillions,
                         secondsPerIteration: spi, totalHours: total, etaHours: eta, config: config, sources: sources)
        f.clockBasis = clock?.basis
        f.gpus = gpus(run)
        f.lastStep = run.series.filter { $0.granularity == .iteration }.compactMap(\.xs.last).filter { $0 >= 0 }.max()
        return f
    }

    /// Findings about the run itself: finished or not, restarts.
    static func findings(_ f: RunFacts) -> [Finding] {
        var out: [Finding] = []
        let speed = f.secondsPerIteration.map { " (\(Format.num($0, 3)) s/it)" } ?? ""
        switch f.status {
        case .finished:
            var msg = "The run finished \(f.epochsPlanned.map { "all \($0)" } ?? "its \(f.epochsCompleted)") epochs"
            msg += f.totalHours.map { " in \(Format.hours($0))" } ?? ""
            out.append(Finding(kind: "finished", severity: .info, message: msg + speed + ".", epoch: f.epochsCompleted > 0 ? f.epochsCompleted - 1 : nil))
        case .incomplete where f.epochsCompleted == 0 && f.epochsPlanned == nil && f.lastStep != nil:
            // A log by steps only (a CSV or JSON Lines fork): nothing says how long the run was meant to be.
            var msg = "The logs do not say whether the run finished: training was logged up to step \(f.lastStep!)"
            msg += f.totalHours.map { " over \(Format.hours($0))" } ?? ""
            out.append(Finding(kind: "incomplete", severity: .info, message: msg + speed + ".", epoch: nil))
        case .incomplete:
            var msg = "The run is incomplete: \(f.epochsCompleted) of \(f.epochsPlanned.map(String.init) ?? "an unknown number of") epochs done"
            msg += f.totalHours.map { " in \(Format.hours($0))" } ?? ""
            msg += speed
            msg += f.etaHours.map { "; about \(Format.hours($0)) remain at this pace." } ?? "."
            out.append(Finding(kind: "incomplete", severity: .info, message: msg, epoch: f.epochsCompleted > 0 ? f.epochsCompleted - 1 : nil))
        case .diverged:
            break
        }
        if f.restarts > 0 {
            let at = f.restartEpochs.map(String.init).joined(separator: ", ")
            out.append(Finding(kind: "restarts", severity: .info,
                               message: "The run was resumed \(f.restarts) time\(f.restarts == 1 ? "" : "s") (at epoch\(f.restarts == 1 ? "" : "s") \(at)); repeated epochs count once, with their later values.",
                               epoch: f.restartEpochs.first))
        }
        return out
    }
}
