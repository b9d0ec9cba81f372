import Foundation

/// Reads one run of MLflow's file store (`mlruns/<experiment>/<run>/`):
///
/// - `metrics/<key>`: one line per logged value, `timestamp value step` (milliseconds since the
///   epoch, the value, the step); a key with slashes (`train/loss`) is a path of folders;
/// - `params/<key>`: one value per file, the run's configuration;
/// - `meta.yaml`: `run_name`, `status` (1 running, 3 finished, 4 failed, 5 killed), `end_time`;
/// - `tags/mlflow.runName`: the run's name when meta.yaml has none.
///
/// Metric keys go through the name mapping (VAR's `L_mean` -> `train/loss_mean`, a config
/// file's `names:`); the steps are as logged (iteration points; an `epoch` param or metric does
/// not change them). A finished status is the run's end marker; failed or killed is crash
/// evidence at meta.yaml's status line.
public enum MLflowReader {
    /// True when `folder` is an MLflow run folder (meta.yaml beside a metrics folder).
    public static func isRunFolder(_ folder: String) -> Bool {
        ByteFile.isRegularFile(RunNaming.join(folder, "meta.yaml")) && ByteFile.isDirectory(RunNaming.join(folder, "metrics")) == true
    }

    public static func read(folder: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        let metricsDir = RunNaming.join(folder, "metrics")
        var series: [Series] = []
        var sources: [SourceInfo] = []
        for (key, path) in files(under: metricsDir, prefix: "").sorted(by: { $0.0 < $1.0 }) {
            let (s, warnings) = parseMetricFile(try ByteFile.readAll(path), path: path, key: key, options: options)
            if !s.isEmpty { series.append(s) }
            sources.append(SourceInfo(path: path, format: .mlflow, firstStep: s.xs.first, lastStep: s.xs.last, warnings: warnings))
        }
        var config: [ConfigEntry] = []
        for (key, path) in files(under: RunNaming.join(folder, "params"), prefix: "").sorted(by: { $0.0 < $1.0 }) {
            let value = (try? ByteFile.readAll(path, limit: 4096)).map { String(decoding: $0, as: UTF8.self) } ?? ""
            config.append(ConfigEntry(key: key, value: value.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let meta = RunNaming.join(folder, "meta.yaml")
        let fields = metaFields((try? ByteFile.readAll(meta, limit: 1 << 16)) ?? [])
        var name = fields["run_name"]?.value ?? ""
        if name.isEmpty, let tag = try? ByteFile.readAll(RunNaming.join(folder, "tags/mlflow.runName"), limit: 4096) {
            name = String(decoding: tag, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        var run = Run(name: name.isEmpty ? RunNaming.lastComponent(folder) : name, path: folder, config: config,
                      epochsPlanned: config.first { $0.key == "epochs" || $0.key == "ep" }.flatMap { Int($0.value) },
                      series: series, sources: sources + [SourceInfo(path: meta, format: .mlflow)])
        if let status = fields["status"] {
            switch status.value {
            case "3":
                run.finishedMarker = true
                run.endMarker = LineRef(file: meta, line: status.line)
            case "4", "5":
                run.crashEvidence = [CrashEvidence(kind: status.value == "5" ? .killed : .exitCode, file: meta, line: status.line,
                                                   text: "status: \(status.value) (\(status.value == "5" ? "KILLED" : "FAILED") in MLflow's meta.yaml)")]
            default: break
            }
        }
        return run
    }

    /// One metric file: `timestamp value step` lines (milliseconds, value, step); a line of
    /// another shape is skipped with a warning at its line. Steps sorted, the last value of a
    /// repeated step kept.
    static func parseMetricFile(_ bytes: [UInt8], path: String, key: String, options: LoadOptions = .init()) -> (Series, [Diagnostic]) {
        var warnings: [Diagnostic] = []
        var s = Series(name: options.canonical(column: key), granularity: .iteration, source: path)
        var lineNo = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNo += 1
            let fields = raw.split(separator: 0x20)
            if fields.isEmpty { continue }
            guard fields.count == 3, let ms = Double(String(decoding: fields[0], as: UTF8.self)),
                  let value = Double(String(decoding: fields[1], as: UTF8.self)),
                  let step = Int(String(decoding: fields[2], as: UTF8.self)) else {
                warnings.append(Diagnostic(file: path, line: lineNo, message: "expected `timestamp value step`; line skipped"))
                continue
            }
            s.append(x: step, value: value, wallTime: ms / 1000)
        }
        s.sortAndKeepLast()
        return (s, warnings)
    }

    /// Every file under `dir`, keyed by its path below `dir` (a metric key with slashes).
    static func files(under dir: String, prefix: String) -> [(String, String)] {
        guard let names = ByteFile.listDirectory(dir) else { return [] }
        var out: [(String, String)] = []
        for n in names where !n.hasPrefix(".") {
            let p = RunNaming.join(dir, n)
            let key = prefix.isEmpty ? n : prefix + "/" + n
            if ByteFile.isDirectory(p) == true {
                if prefix.split(separator: "/").count < 8 { out += files(under: p, prefix: key) }
            } else if ByteFile.isRegularFile(p) {
                out.append((key, p))
            }
        }
        return out
    }

    /// The top-level `key: value` lines of meta.yaml, with their line numbers.
    static func metaFields(_ bytes: [UInt8]) -> [String: (value: String, line: Int)] {
        var out: [String: (value: String, line: Int)] = [:]
        var lineNo = 0
        for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNo += 1
            let line = String(decoding: raw, as: UTF8.self)
            guard let first = line.first, first != " ", first != "-", let colon = line.firstIndex(of: ":") else { continue }
            var value = String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespacesAndNewlines)
            if value.count >= 2, let q = value.first, q == "'" || q == "\"", value.last == q { value = String(value.dropFirst().dropLast()) }
            out[String(line[..<colon])] = (value, lineNo)
        }
        return out
    }
}
