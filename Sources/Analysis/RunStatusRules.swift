import TrainingLog

/// What became of a run, with the reason and the line it rests on (docs/ANALYSIS.md, "Run
/// status"). The first rule that holds wins:
/// 1. `diverged`: the loss ends non-finite or blew up and did not come back (`Instability`).
/// 2. `finished`: an end marker (VAR's `final args` / `[PT finished]`) or every planned epoch.
/// 3. `crashed`: crash evidence that nothing trained after (`CrashEvidence.terminal`). Evidence
///    in another file than the training log counts only when that file was written no earlier
///    than `evidence_slack_seconds` before the training log's last write: a traceback in
///    stderr.txt followed by an hour of training lines was not the end.
/// 4. `unknown`: no planned epoch count to compare with.
/// 5. `running`: written within the larger of `stale_minutes` and `stale_epochs` epochs.
/// 6. `stopped`: not written for longer than that (or `unknown` when the time of the last write,
///    or the time now, is not known).
enum RunStatusRules {
    struct Decision {
        var status: RunStatus
        var reason: String
        var evidence: LogPlace?
        /// The crash evidence the decision used (for findings), if any.
        var crash: CrashEvidence?
    }

    static func decide(_ run: Run, epochsCompleted done: Int, epochsPlanned planned: Int?, instability: Instability,
                       hoursPerEpoch: Double?, options o: AnalysisOptions) -> Decision {
        let of = planned.map { " of \($0)" } ?? ""
        if instability.diverged {
            return Decision(status: .diverged, reason: instability.divergedReason ?? "the loss diverged", evidence: nil)
        }
        let crash = terminalCrash(run, options: o)
        // How far it got: epochs, or the last step of a run logged only by steps.
        let lastStep = run.series.filter { $0.granularity == .iteration }.compactMap(\.xs.last).max()
        let progress = done == 0 && planned == nil ? (lastStep.map { "training to step \($0)" } ?? "training") : "\(done)\(of) epochs"
        if run.finishedMarker || (planned.map { done >= $0 } ?? false) {
            // The end marker in the words of the trainer that wrote it.
            let markerFormat = run.sources.first { $0.path == run.endMarker?.file }?.format
            let marker = markerFormat == .llamaGen ? "LlamaGen's end marker (Done!)"
                : markerFormat == .mlflow ? "MLflow's status FINISHED (meta.yaml)"
                : markerFormat == .wandb ? "W&B's exit record (exit code 0)"
                : run.familyHint == "infinity" ? "Infinity's end marker ([PT finished])" : "VAR's end marker (final args / [PT finished])"
            var reason = run.finishedMarker && planned.map({ done < $0 }) != true
                ? "the logs end with \(marker) after \(progress)"
                : (run.finishedMarker ? "the logs hold \(marker.replacingOccurrences(of: " (final args / [PT finished])", with: ""))" : "all \(planned!) planned epochs were logged")
            if run.finishedMarker, let p = planned, done < p {
                reason += ", though only \(done) of \(p) epochs were logged"
            }
            if let c = crash { reason += "; a later launch that trained nothing ended with \(c.label) (\(place(c)))" }
            let ev = run.endMarker.map { LogPlace(path: $0.file, line: $0.line) }
            return Decision(status: .finished, reason: reason, evidence: ev)
        }
        if let c = crash {
            return Decision(status: .crashed,
                            reason: "the logs say the process died after \(progress): \(c.label) (\(place(c)): \(clip(c.text)))",
                            evidence: LogPlace(path: c.file, line: c.line), crash: c)
        }
        guard let p = planned else {
            let lastStep = run.series.filter { $0.granularity == .iteration }.compactMap(\.xs.last).filter { $0 >= 0 }.max()
            let reason: String
            if done == 0, let step = lastStep {
                reason = "training was logged up to step \(Int(step)); the logs do not say how long it was meant to run"
            } else {
                reason = "the logs do not say how many epochs were planned, so \(done) epoch\(done == 1 ? "" : "s") may or may not be the whole run"
            }
            return Decision(status: .unknown, reason: reason, evidence: nil)
        }
        let stale = max(o.staleMinutes * 60, o.staleEpochs * (hoursPerEpoch ?? 0) * 3600)
        var lastWrite = run.sources.filter { $0.format != .console }.compactMap(\.modified).max()
        // A run folder copied without its times (cp -r, scp) has files "written" just now: when the
        // logs carry real clock times (TensorBoard's wall times) and the files are newer than the
        // last of them by more than the stale window, the logged time is what counts.
        var copied = false
        if let w = lastWrite, let logged = lastLoggedUnixTime(run), w - logged > stale {
            lastWrite = logged
            copied = true
        }
        guard let now = o.now, let w = lastWrite else {
            return Decision(status: .unknown,
                            reason: "\(done) of \(p) epochs were logged, with no end marker and no crash evidence; when the logs were last written is unknown",
                            evidence: nil)
        }
        let age = max(0, now - w)
        let basis = copied ? " (by the last time logged in them: the files themselves are newer, copied or touched since)" : ""
        if age <= stale {
            return Decision(status: .running,
                            reason: "\(done) of \(p) epochs so far, and the logs were written \(ago(age)) ago\(basis)", evidence: nil)
        }
        return Decision(status: .stopped,
                        reason: "\(done) of \(p) epochs were logged and nothing was written for \(ago(age))\(basis), with no end marker and no crash evidence in the logs",
                        evidence: nil)
    }

    /// The crash evidence that ended the run, if any: the most telling kind (a scheduler's or
    /// torchrun's word over a bare traceback), then the latest.
    static func terminalCrash(_ run: Run, options o: AnalysisOptions) -> CrashEvidence? {
        let trainingLogs = run.sources.filter { $0.format != .console }
        let trainingWrite = trainingLogs.compactMap(\.modified).max()
        let logPaths = Set(trainingLogs.map(\.path))
        let modified = Dictionary(run.sources.map { ($0.path, $0.modified) }, uniquingKeysWith: { a, _ in a })
        let usable = run.crashEvidence.filter { ev in
            guard ev.terminal else { return false }
            if logPaths.contains(ev.file) { return true }
            guard let tw = trainingWrite, let fw = modified[ev.file] ?? nil else { return true }
            return fw >= tw - o.evidenceSlackSeconds
        }
        return usable.max { a, b in
            if a.isFatalByItself != b.isFatalByItself { return !a.isFatalByItself }
            return (a.file, a.line) < (b.file, b.line)
        }
    }

    /// The latest wall time in the logs that is a real clock time (Unix seconds: TensorBoard,
    /// a CSV's wall_time, a console put on their clock), not the year-less time of VAR's
    /// console; nil when there is none.
    static func lastLoggedUnixTime(_ run: Run) -> Double? {
        run.series.compactMap { s -> Double? in
            guard s.hasWallTimes, let t = s.wallTimes.last(where: \.isFinite), ConsoleClock.isUnixTime(t) else { return nil }
            return t
        }.max()
    }

    static func place(_ c: CrashEvidence) -> String { "\(RunNaming.lastComponent(c.file)) line \(c.line)" }

    static func clip(_ s: String) -> String { s.count > 120 ? String(s.prefix(117)) + "..." : s }

    /// "12 min", "3.2 h", "4.1 days".
    static func ago(_ seconds: Double) -> String {
        if seconds < 3600 { return "\(Int((seconds / 60).rounded())) min" }
        if seconds < 2 * 86400 { return Format.num(seconds / 3600, 1) + " h" }
        return Format.num(seconds / 86400, 1) + " days"
    }
}
