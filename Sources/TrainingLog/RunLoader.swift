import Parallel

/// Reads a run from disk: a run folder (VAR's `local_output/`, or any folder of logs) or a single
/// log file, each file's format recognised from its content (`FormatDetector`).
///
/// A folder is searched up to three levels deep (hidden entries skipped); every recognised file is
/// read, others are ignored (`stderr.txt`, checkpoints, images). The event files of each folder
/// are read as one TensorBoard stream. Files are read in parallel, then merged by `RunMerger`.
public enum RunLoader {
    /// Reads a run folder or a single log file. Throws a `Diagnostic` (file + line/offset +
    /// message) when nothing usable can be read (unreadable path, no recognised log, unknown format).
    public static func load(_ path: String, options: LoadOptions = .init()) throws -> Run {
        try loadTyped(path, options: options)
    }

    /// `load` with a typed error.
    public static func loadTyped(_ path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        guard let isDir = ByteFile.isDirectory(path) else {
            throw Diagnostic(file: path, message: "no such file or folder")
        }
        if isDir, MLflowReader.isRunFolder(path) { return try loadMLflow(path, options) }
        return isDir ? try loadFolder(path, options) : try loadFile(path, options)
    }

    /// An MLflow file-store run folder: its metrics files, params and meta.yaml.
    static func loadMLflow(_ folder: String, _ options: LoadOptions) throws(Diagnostic) -> Run {
        var run = try MLflowReader.read(folder: folder, options: options)
        for k in run.sources.indices { run.sources[k].modified = ByteFile.modificationTime(run.sources[k].path) }
        guard run.series.contains(where: { !$0.isEmpty }) else {
            throw Diagnostic(file: folder, message: "no usable data in this MLflow run: its metrics folder holds no `timestamp value step` lines")
        }
        return run
    }

    /// One file; its format from its content.
    static func loadFile(_ path: String, _ options: LoadOptions) throws(Diagnostic) -> Run {
        let prefix = try ByteFile.prefix(path)
        if prefix.isEmpty { throw Diagnostic(file: path, message: "empty file") }
        guard let format = FormatDetector.detect(path: path, prefix: prefix) else {
            throw Diagnostic(file: path, message: "unrecognised format: not a VAR stdout.txt or log.txt, a TensorBoard event file, CSV with a header row, or JSON Lines")
        }
        var run = try read(path, format, options)
        for k in run.sources.indices { run.sources[k].modified = ByteFile.modificationTime(run.sources[k].path) }
        guard hasData(run) else {
            let why = run.warnings.first.map { ": \($0.description)" } ?? ""
            throw Diagnostic(file: path, message: "no usable data in this \(format.rawValue) file\(why)")
        }
        run.path = path
        run.name = RunNaming.name(forFile: path)
        return run
    }

    static func read(_ path: String, _ format: SourceFormat, _ options: LoadOptions) throws(Diagnostic) -> Run {
        switch format {
        case .varStdout: return try VARStdoutReader.read(path: path, options: options)
        case .varLogTxt: return try VARLogTxtReader.read(path: path, options: options)
        case .tensorBoard: return try TensorBoardReader.read(path: path, options: options)
        case .csv: return try CSVReader.read(path: path, options: options)
        case .jsonLines: return try JSONLinesReader.read(path: path, options: options)
        case .console: return try ConsoleLogReader.read(path: path, options: options)
        case .llamaGen: return try LlamaGenReader.read(path: path, options: options)
        case .mlflow: throw Diagnostic(file: path, message: "an MLflow run is read from its folder (mlruns/<experiment>/<run>/)")
        }
    }

    static func hasData(_ run: Run) -> Bool {
        run.series.contains { !$0.isEmpty } || !run.config.isEmpty || !run.finalValidation.isEmpty
    }

    /// A file found in a folder, with its recognised format.
    struct Found { var path: String; var format: SourceFormat; var dir: String }

    /// Recognised files under `root`, sorted by path; `looked` counts the files examined.
    static func scan(_ root: String, maxDepth: Int = 3, maxFiles: Int = 20_000) -> (found: [Found], looked: Int) {
        let r = scanWithProblems(root, maxDepth: maxDepth, maxFiles: maxFiles)
        return (r.found, r.looked)
    }

    /// `scan`, plus the files that could not be looked at: empty, or unreadable (with why).
    static func scanWithProblems(_ root: String, maxDepth: Int = 3, maxFiles: Int = 20_000)
        -> (found: [Found], looked: Int, problems: [String])
    {
        var found: [Found] = []
        var problems: [String] = []
        var looked = 0
        func walk(_ dir: String, _ depth: Int) {
            guard let names = ByteFile.listDirectory(dir) else { return }
            for name in names where !name.hasPrefix(".") {
                if looked >= maxFiles { return }
                let p = RunNaming.join(dir, name)
                guard let isDir = ByteFile.isDirectory(p) else { continue }
                if isDir {
                    if depth < maxDepth { walk(p, depth + 1) }
                    continue
                }
                guard ByteFile.isRegularFile(p) else { continue }
                looked += 1
                let prefix: [UInt8]
                do { prefix = try ByteFile.prefix(p) } catch {
                    problems.append("\(RunNaming.lastComponent(p)): \(error.message)")
                    continue
                }
                if prefix.isEmpty {
                    problems.append("\(RunNaming.lastComponent(p)) is empty")
                    continue
                }
                let detected = FormatDetector.detect(path: p, prefix: prefix)
                // stderr.txt (VAR's line prefix, but no training lines) and a scheduler's console
                // files say how the run ended: read them for banners and crash evidence.
                if isConsoleName(name), detected == nil || (detected == .varStdout && !FormatDetector.contains(prefix, "[Ep]:")),
                   FormatDetector.isText(prefix) {
                    found.append(Found(path: p, format: .console, dir: dir))
                    continue
                }
                guard let format = detected else { continue }
                found.append(Found(path: p, format: format, dir: dir))
            }
        }
        walk(root, 0)
        return (found.sorted { $0.path < $1.path }, looked, problems.sorted())
    }

    /// The files loading the folder `folder` reads (recognised by content, as `load` does),
    /// sorted by path; files under `excluding` (a report or sweep folder kept inside the run
    /// folder) are left out. What a sweep hashes to know that a run has not changed.
    public static func logFiles(in folder: String, excluding: String? = nil) -> [String] {
        if MLflowReader.isRunFolder(folder) {
            let root = RunNaming.absolute(folder)
            return (["metrics", "params"].flatMap { MLflowReader.files(under: RunNaming.join(root, $0), prefix: "").map(\.1) }
                + [RunNaming.join(root, "meta.yaml")]).sorted()
        }
        let excluded = excluding.map { RunNaming.absolute($0) + "/" }
        return scan(RunNaming.absolute(folder)).found.map(\.path).filter { p in excluded.map { !p.hasPrefix($0) } ?? true }
    }

    /// True when `folder` itself holds a recognised training log (by content, as `load` reads
    /// it), or a VAR `tb-*` folder of event files does: a run folder rather than a folder of runs.
    public static func holdsLogs(_ folder: String) -> Bool {
        if MLflowReader.isRunFolder(folder) { return true }
        if scan(folder, maxDepth: 0).found.contains(where: { $0.format != .console }) { return true }
        guard let names = ByteFile.listDirectory(folder) else { return false }
        return names.contains { name in
            name.hasPrefix("tb-") && scan(RunNaming.join(folder, name), maxDepth: 0).found.contains { $0.format == .tensorBoard }
        }
    }

    /// Names of console logs worth reading for how a run ended: `stderr.txt`, `*.err`, `*.out`
    /// (Slurm's `slurm-123.out`, `nohup.out`), `*.log`.
    static func isConsoleName(_ name: String) -> Bool {
        let n = name.lowercased()
        return n.hasPrefix("stderr") || n.hasSuffix(".err") || n.hasSuffix(".out") || n.hasSuffix(".log")
    }

    static func loadFolder(_ folder: String, _ options: LoadOptions) throws(Diagnostic) -> Run {
        let (found, looked, problems) = scanWithProblems(folder)
        guard found.contains(where: { $0.format != .console }) else {
            let consoles = found.map { RunNaming.lastComponent($0.path) }
            var only = consoles.isEmpty ? "" : "; only console output without metrics (\(consoles.joined(separator: ", ")))"
            if !problems.isEmpty { only += "; " + problems.prefix(5).joined(separator: "; ") }
            throw Diagnostic(file: folder, message: "no recognised log in this folder (\(looked) files looked at, 3 levels deep\(only)): expected VAR's stdout.txt / log.txt, TensorBoard event files, CSV or JSON Lines")
        }
        // Jobs: each TensorBoard folder as one stream, every other file on its own.
        var jobs: [[Found]] = []
        var tbDirs: [String: Int] = [:]
        for f in found {
            if f.format == .tensorBoard {
                if let j = tbDirs[f.dir] { jobs[j].append(f) } else { tbDirs[f.dir] = jobs.count; jobs.append([f]) }
            } else {
                jobs.append([f])
            }
        }
        let results = ParallelMap.map(jobs) { job in
            Result { () throws(Diagnostic) -> Run in
                if job[0].format == .tensorBoard {
                    return try TensorBoardReader.read(files: job.map(\.path), options: options)
                }
                return try read(job[0].path, job[0].format, options)
            }
        }

        var parts: [Run] = []
        var failures: [SourceInfo] = []
        for (i, r) in results.enumerated() {
            switch r {
            case .success(var run):
                for k in run.sources.indices { run.sources[k].modified = ByteFile.modificationTime(run.sources[k].path) }
                parts.append(run)
            case .failure(let e): failures.append(SourceInfo(path: jobs[i][0].path, format: jobs[i][0].format, warnings: [e]))
            }
        }
        var run = RunMerger.merge(parts)
        run.sources.append(contentsOf: failures)
        // Several VAR consoles or TensorBoard folders in different places: maybe several runs.
        for format in [SourceFormat.varStdout, .varLogTxt, .tensorBoard] {
            let dirs = Set(found.filter { $0.format == format }.map(\.dir))
            guard dirs.count > 1, let i = run.sources.lastIndex(where: { $0.format == format }) else { continue }
            run.sources[i].warnings.append(Diagnostic(file: run.sources[i].path, message:
                "\(format.rawValue) files in \(dirs.count) different folders were merged into one run; pass each run folder on its own if they are separate runs"))
        }
        run.path = folder
        run.name = RunNaming.name(forFolder: folder, tensorBoardDirs: Array(tbDirs.keys))
        // A TensorBoard folder named by VAR states the config: fill what the logs did not say.
        if tbDirs.count == 1, let dir = tbDirs.keys.first {
            let fromName = VARFolderName.config(fromTensorBoardFolder: RunNaming.lastComponent(dir))
            for e in fromName where !run.config.contains(where: { $0.key == e.key }) { run.config.append(e) }
            if run.epochsPlanned == nil, let ep = fromName.first(where: { $0.key == "ep" }).flatMap({ Int($0.value) }), ep > 0 {
                run.epochsPlanned = ep
            }
        }
        guard hasData(run) else {
            let first = run.warnings.first.map { ": first problem: \($0.description)" } ?? ""
            throw Diagnostic(file: folder, message: "no usable data in the \(found.count) recognised log files\(first)")
        }
        return run
    }

}
