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

    static func build(_ run: Run, clock: RunClock?, instability: Instability, options o: AnalysisOptions) -> RunFacts {
        let done = epochsCompleted(run)
        let planned = epochsPlanned(run)
        let spi = secondsPerIteration(run, clock: clock)
        let perEpoch = spi.flatMap { s in run.iterationsPerEpoch.map { s * Double($0) / 3600 } } ?? clock?.hoursPerEpoch
        let decision = RunStatusRules.decide(run, epochsCompleted: done, epochsPlanned: planned, instability: instability,
                                             hoursPerEpoch: perEpoch, options: o)
        let total = done > 0 ? clock?.hours(endOfEpoch: done - 1) : nil
        var eta: Double? = nil
        // Time to go only for a run that is still training: a stopped or crashed run has none.
        if decision.status == .running, let planned, planned > done {
            if let perEpoch { eta = perEpoch * Double(planned - done) }
            else if let rest = run.series(.remainingHours, .epoch)?.values.last(where: { $0.isFinite && $0 >= 0 }) { eta = rest }
        }
        var config: [String: String] = [:]
        for c in run.config { config[c.key] = c.value }
        let sources = run.sources.map {
            SourceSummary(path: $0.path, format: $0.format.rawValue, firstEpoch: $0.firstEpoch, lastEpoch: $0.lastEpoch,
                          warnings: $0.warnings.map(\.description))
        }
        let history = launchHistory(run, planned: planned)
        let restartEpochs = history.isEmpty ? run.restartEpochs
            : history.filter { $0.role == "restart" }.compactMap { $0.resumeEpoch ?? $0.firstEpoch }
        var f = RunFacts(name: run.name, path: run.path, status: decision.status, epochsCompleted: done, epochsPlanned: planned,
                         restarts: restartEpochs.count, restartEpochs: restartEpochs,
                         iterationsPerEpoch: run.iterationsPerEpoch, parametersMillions: run.parametersMillions,
                         secondsPerIteration: spi, totalHours: total, etaHours: eta, config: config, sources: sources)
        f.statusReason = decision.reason
        f.statusEvidence = decision.evidence
        f.launchHistory = history
        f.launches = max(1, history.count, restartEpochs.count + 1)
        f.idleLaunches = history.filter { $0.role.hasPrefix("idle") }.count
        f.family = family(run)
        f.clockBasis = clock?.basis
        f.gpus = gpus(run)
        f.lastStep = run.series.filter { $0.granularity == .iteration }.compactMap(\.xs.last).filter { $0 >= 0 }.max()
        return f
    }

    /// Every launch with its role: `first` (the first that trained), `restart` (trained after an
    /// earlier launch had), `idle-before-training`, `idle-after-end` (after every planned epoch,
    /// or after the end marker), `idle` (trained nothing in between).
    static func launchHistory(_ run: Run, planned: Int?) -> [LaunchSummary] {
        let ls = run.launches
        guard let first = ls.firstIndex(where: \.trained) else {
            return ls.enumerated().map { i, l in
                LaunchSummary(index: i + 1, role: "idle", startedAt: l.startedAt, resumeEpoch: l.resumeEpoch,
                              firstEpoch: nil, lastEpoch: nil, file: l.file, line: l.line, duplicateBanners: l.duplicateBanners)
            }
        }
        var trainedUpTo = -1  // the last epoch trained by the launches so far
        var out: [LaunchSummary] = []
        for (i, l) in ls.enumerated() {
            let role: String
            if l.trained {
                role = i == first ? "first" : "restart"
                trainedUpTo = max(trainedUpTo, l.lastEpoch ?? trainedUpTo)
            } else if i < first {
                role = "idle-before-training"
            } else if let p = planned, trainedUpTo + 1 >= p || (l.resumeEpoch ?? -1) >= p {
                role = "idle-after-end"
            } else {
                role = "idle"
            }
            out.append(LaunchSummary(index: i + 1, role: role, startedAt: l.startedAt, resumeEpoch: l.resumeEpoch,
                                     firstEpoch: l.firstEpoch, lastEpoch: l.lastEpoch, file: l.file, line: l.line,
                                     duplicateBanners: l.duplicateBanners))
        }
        return out
    }

    /// "a", "a and b", "a, b and c".
    static func list(_ xs: [String]) -> String {
        xs.count <= 1 ? (xs.first ?? "") : xs.dropLast().joined(separator: ", ") + " and " + xs.last!
    }

    /// `var` when the logs are VAR's own (its console or log.txt, or a TensorBoard folder named by
    /// VAR), `infinity` when the reader saw Infinity's own lines, `llamagen` for LlamaGen's log, else
    /// `other`.
    static func family(_ run: Run) -> String {
        // Lines only one family prints (Infinity's console) say more than the format.
        if let hint = run.familyHint { return hint }
        if run.sources.contains(where: { $0.format == .varStdout || $0.format == .varLogTxt }) { return "var" }
        if run.sources.contains(where: { $0.format == .llamaGen }) { return "llamagen" }
        if run.config.contains(where: { $0.key == "pn" }), run.config.contains(where: { $0.key == "depth" }) { return "var" }
        return "other"
    }

    /// Findings about the run itself: its status with the reason, and its launches.
    static func findings(_ f: RunFacts) -> [Finding] {
        var out: [Finding] = []
        let speed = f.secondsPerIteration.map { " (\(Format.num($0, 3)) s/it)" } ?? ""
        let last = f.epochsCompleted > 0 ? f.epochsCompleted - 1 : nil
        let took = f.totalHours.map { " in \(Format.hours($0))" } ?? ""
        switch f.status {
        case .finished:
            var msg = f.epochsCompleted == 0 && f.epochsPlanned == nil
                ? "The run finished\(f.lastStep.map { " at step \($0)" } ?? "")\(took)\(speed)"
                : "The run finished \(f.epochsPlanned.map { "all \($0)" } ?? "its \(f.epochsCompleted)") epochs\(took)\(speed)"
            if f.epochsPlanned.map({ f.epochsCompleted < $0 }) == true { msg = "The run finished after \(f.epochsCompleted) of \(f.epochsPlanned!) epochs\(took)\(speed)" }
            out.append(Finding(kind: "finished", severity: .info, message: msg + ": " + f.statusReason + ".", epoch: last))
        case .running:
            var msg = "The run is still training: \(f.statusReason)\(speed)"
            msg += f.etaHours.map { "; about \(Format.hours($0)) remain at this pace." } ?? "."
            out.append(Finding(kind: "running", severity: .info, message: msg, epoch: last))
        case .stopped:
            out.append(Finding(kind: "stopped", severity: .warning, message: "The run stopped: \(f.statusReason).", epoch: last,
                               recommendation: "If it was not stopped on purpose, look at the job's scheduler log (its .out / .err files) for why, and resume from " + (f.family == "llamagen" ? "the last saved checkpoint (LlamaGen's --gpt-ckpt)." : "ar-ckpt-last.pth.")))
        case .crashed:
            out.append(Finding(kind: "crashed", severity: .critical, message: "The run crashed: \(f.statusReason).", epoch: last,
                               recommendation: f.family == "llamagen"
                                   ? "Fix the cause and resume with --gpt-ckpt from the last saved checkpoint (every --ckpt-every steps): the steps after it are trained again."
                                   : "Fix the cause and resume: VAR's auto-resume picks up ar-ckpt-last.pth (saved at the last validation epoch), so the epochs after it are trained again."))
        case .unknown:
            if f.epochsCompleted == 0, f.epochsPlanned == nil, let step = f.lastStep {
                // A log by steps only (a CSV or JSON Lines fork): nothing says how long the run was meant to be.
                out.append(Finding(kind: "incomplete", severity: .info,
                                   message: "The logs do not say whether the run finished: training was logged up to step \(step)\(f.totalHours.map { " over \(Format.hours($0))" } ?? "")\(speed).",
                                   epoch: nil))
            } else {
                out.append(Finding(kind: "incomplete", severity: .info, message: "Whether the run finished is unknown: \(f.statusReason)\(speed).",
                                   epoch: last))
            }
        case .diverged:
            break
        }
        if let l = launchFinding(f) { out.append(l) }
        return out
    }

    /// "The run was launched 5 times: 1 restart resumed training at epoch 85; 3 launches trained
    /// nothing: 1 before the first epoch and 2 after the end (epoch 200)."
    static func launchFinding(_ f: RunFacts) -> Finding? {
        guard f.launches > 1 else { return nil }
        var parts: [String] = []
        if f.restarts > 0 {
            let at = f.restartEpochs.map(String.init).joined(separator: ", ")
            parts.append("\(f.restarts) restart\(f.restarts == 1 ? "" : "s") that resumed training at epoch\(f.restarts == 1 ? "" : "s") \(at) (repeated epochs count once, with their later values)")
        }
        let h = f.launchHistory
        let endEpoch = f.epochsPlanned ?? f.epochsCompleted
        for (role, what) in [("idle-before-training", "before any training"), ("idle-after-end", "after the end (epoch \(endEpoch))"),
                             ("idle", "between")] {
            let ls = h.filter { $0.role == role }
            guard !ls.isEmpty else { continue }
            let when = ls.compactMap(\.startedAt)
            parts.append("\(ls.count) launch\(ls.count == 1 ? "" : "es") \(what) that trained nothing" + (when.isEmpty ? "" : " (started \(when.joined(separator: ", ")))"))
        }
        let dup = h.reduce(0) { $0 + $1.duplicateBanners }
        var msg = "The training script was started \(f.launches) times: the first run, then " + list(parts) + "."
        if dup > 0 { msg += " \(dup) more RESTART banner\(dup == 1 ? " was" : "s were") printed by other ranks in the same second and count once." }
        return Finding(kind: "restarts", severity: .info, message: msg, epoch: f.restartEpochs.first)
    }
}
