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
        // A W&B run file names its run (the run record's display name); others by their path.
        if format != .wandb || run.name.isEmpty { run.name = RunNaming.name(forFile: path) }
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
        case .wandb: return try WandbReader.read(path: path, options: options)
        case .mlflow: throw Diagnostic(file: path, message: "an MLflow run is read from its folder (mlruns/<experiment>/<run>/)")
        }
    }

    static func hasData(_ run: Run) -> Bool {
        run.series.contains { !$0.isEmpty } || !run.config.isEmpty || !run.finalValidation.isEmpty
    }

    /// A file found in a folder, with its recognised format.
    struct Found { var path: String; var format: SourceFormat; var dir: String }

    /// What a folder scan found: the recognised files sorted by path, the number of files
    /// examined, the files that could not be (empty, unreadable: for the "no log" error), and
    /// warnings for the run (a FIFO or device skipped, a symlink loop, a name that is not
    /// UTF-8, the file limit reached).
    struct Scan {
        var found: [Found] = []
        var looked = 0
        var problems: [String] = []
        var warnings: [Diagnostic] = []
    }

    /// Folders that hold a run's outputs, never its logs: VAR's and its forks' sample images,
    /// checkpoints, caches. A run folder with 25,000 samples must not hide its stdout.txt.
    static let nonLogFolders: Set<String> = ["samples", "sample", "images", "imgs", "vis", "visuals", "visualization",
                                             "visualizations", "checkpoints", "checkpoint", "ckpt", "ckpts",
                                             "__pycache__", "node_modules", "site-packages"]
    /// W&B's side files beside its record stream (`run-ID.wandb` holds the same): a one-object
    /// JSON file would read as a one-row JSON Lines log.
    static let nonLogFiles: Set<String> = ["wandb-summary.json", "wandb-metadata.json", "requirements.txt", "config.yaml"]
    /// Files that are never logs, skipped without being opened (they do not count as looked at).
    static let nonLogExtensions: Set<String> = ["png", "jpg", "jpeg", "gif", "webp", "bmp", "tif", "tiff", "mp4",
                                                "pth", "pt", "ckpt", "safetensors", "bin", "npy", "npz", "h5",
                                                "pkl", "zip", "tar", "gz", "tgz", "pdf", "so", "pyc"]

    /// Recognised files under `root`, sorted by path; `looked` counts the files examined.
    static func scan(_ root: String, maxDepth: Int = 3, maxFiles: Int = 20_000) -> (found: [Found], looked: Int) {
        let r = scanFolder(root, maxDepth: maxDepth, maxFiles: maxFiles)
        return (r.found, r.looked)
    }

    /// Looks for logs under `root`, `maxDepth` folder levels deep: in each folder its files
    /// first, then its subfolders (`tb-*` first), so the likely logs are reached before any
    /// limit. At most `maxFiles` files are opened; reaching the limit is a warning. Hidden
    /// entries, `nonLogFolders` and `nonLogExtensions` are skipped; a file or folder reached
    /// twice through symlinks is read once, and a symlink back to an enclosing folder is
    /// reported as a loop.
    ///
    /// `known` gives the formats of files recognised before (a follower's earlier scans): they
    /// are not opened again.
    static func scanFolder(_ root: String, maxDepth: Int = 3, maxFiles: Int = 20_000, known: [String: SourceFormat] = [:]) -> Scan {
        var scan = Scan()
        var seenFiles: Set<FileIdentity> = []
        var seenFolders: Set<FileIdentity> = []
        var skippedAtLimit = 0
        func walk(_ dir: String, _ depth: Int, ancestors: [FileIdentity: String]) {
            guard let listing = ByteFile.listDirectoryChecked(dir) else { return }
            for bad in listing.notUTF8 where !bad.hasPrefix(".") {
                scan.warnings.append(Diagnostic(file: RunNaming.join(dir, bad), message:
                    "skipped: the name is not valid UTF-8, so it cannot be opened by name here; rename it to read it"))
            }
            var subfolders: [(path: String, id: FileIdentity)] = []
            for name in listing.names where !name.hasPrefix(".") {
                let p = RunNaming.join(dir, name)
                let type = FileType.of(p)
                switch type {
                case .missing:
                    continue
                case .directory:
                    guard depth < maxDepth, !nonLogFolders.contains(name.lowercased()),
                          let id = ByteFile.identity(p) else { continue }
                    if let enclosing = ancestors[id] {
                        scan.warnings.append(Diagnostic(file: p, message:
                            "symlink loop: it leads back to \(enclosing); not followed"))
                        continue
                    }
                    subfolders.append((p, id))
                    continue
                case .regular:
                    break
                default:
                    scan.warnings.append(Diagnostic(file: p, message: "skipped: it is \(type.words), not a file (reading it could wait forever)"))
                    continue
                }
                if let dot = name.lastIndex(of: "."), nonLogExtensions.contains(name[name.index(after: dot)...].lowercased()) {
                    continue
                }
                if nonLogFiles.contains(name) { continue }
                if let id = ByteFile.identity(p), !seenFiles.insert(id).inserted { continue }
                if scan.looked >= maxFiles { skippedAtLimit += 1; continue }
                scan.looked += 1
                if let format = known[p] {
                    scan.found.append(Found(path: p, format: format, dir: dir))
                    continue
                }
                let prefix: [UInt8]
                do { prefix = try ByteFile.prefix(p) } catch {
                    scan.problems.append("\(RunNaming.lastComponent(p)): \(error.message)")
                    continue
                }
                if prefix.isEmpty {
                    scan.problems.append("\(RunNaming.lastComponent(p)) is empty")
                    continue
                }
                let detected = FormatDetector.detect(path: p, prefix: prefix)
                // stderr.txt (VAR's line prefix, but no training lines) and a scheduler's console
                // files say how the run ended: read them for banners and crash evidence.
                if isConsoleName(name), detected == nil || (detected == .varStdout && !FormatDetector.contains(prefix, "[Ep]:")),
                   FormatDetector.isText(prefix) {
                    scan.found.append(Found(path: p, format: .console, dir: dir))
                    continue
                }
                guard let format = detected else { continue }
                scan.found.append(Found(path: p, format: format, dir: dir))
            }
            // VAR's TensorBoard folders before anything else below this one.
            subfolders.sort { (RunNaming.lastComponent($0.path).hasPrefix("tb-") ? 0 : 1, $0.path)
                < (RunNaming.lastComponent($1.path).hasPrefix("tb-") ? 0 : 1, $1.path) }
            for sub in subfolders where seenFolders.insert(sub.id).inserted {
                var inner = ancestors
                inner[sub.id] = sub.path
                walk(sub.path, depth + 1, ancestors: inner)
            }
        }
        var top: [FileIdentity: String] = [:]
        if let id = ByteFile.identity(root) {
            top[id] = root
            seenFolders.insert(id)
        }
        walk(root, 0, ancestors: top)
        if skippedAtLimit > 0 {
            scan.warnings.append(Diagnostic(file: root, message:
                "stopped looking for logs after \(maxFiles) files; \(skippedAtLimit) more were not looked at, so logs among them are missing from this report (pass the folder that holds the logs)"))
        }
        scan.found.sort { $0.path < $1.path }
        scan.problems.sort()
        return scan
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
        let scanned = scanFolder(folder)
        try requireLogs(in: folder, scanned)
        let jobs = jobs(scanned.found)
        let results = ParallelMap.map(jobs) { job in
            Result { () throws(Diagnostic) -> Run in
                if job[0].format == .tensorBoard {
                    return try TensorBoardReader.read(files: job.map(\.path), options: options)
                }
                return try read(job[0].path, job[0].format, options)
            }
        }
        return try assemble(folder: folder, scanned: scanned, jobs: jobs, results: results)
    }

    /// Throws the "no log here" error when the scan found no training log (only console files,
    /// or files that could not be read: those first, as the likely reason).
    static func requireLogs(in folder: String, _ scanned: Scan) throws(Diagnostic) {
        let (found, looked, problems) = (scanned.found, scanned.looked, scanned.problems)
        guard !found.contains(where: { $0.format != .console }) else { return }
        let consoles = found.map { RunNaming.lastComponent($0.path) }
        let only = consoles.isEmpty ? "" : "; only console output without metrics (\(consoles.joined(separator: ", ")))"
        // What could not be read comes first: it is the likely reason, not a missing log.
        if !problems.isEmpty {
            let more = problems.count > 5 ? " (and \(problems.count - 5) more)" : ""
            throw Diagnostic(file: folder, message: problems.prefix(5).joined(separator: "; ") + more
                + "; no other log found in this folder (\(looked) files looked at, 3 levels deep\(only))")
        }
        throw Diagnostic(file: folder, message: "no recognised log in this folder (\(looked) files looked at, 3 levels deep\(only)): expected VAR's stdout.txt / log.txt, TensorBoard event files, CSV or JSON Lines")
    }

    /// What is read together: each TensorBoard folder's event files as one stream, every other
    /// file on its own.
    static func jobs(_ found: [Found]) -> [[Found]] {
        var jobs: [[Found]] = []
        var tbDirs: [String: Int] = [:]
        for f in found {
            if f.format == .tensorBoard {
                if let j = tbDirs[f.dir] { jobs[j].append(f) } else { tbDirs[f.dir] = jobs.count; jobs.append([f]) }
            } else {
                jobs.append([f])
            }
        }
        return jobs
    }

    /// One run from what each job read: merged, with the failures, the scan's warnings, the
    /// name and what a VAR TensorBoard folder's name states. The one way a folder becomes a run,
    /// for `load` and for a follower of a growing run (`RunFollower`).
    static func assemble(folder: String, scanned: Scan, jobs: [[Found]], results: [Result<Run, Diagnostic>]) throws(Diagnostic) -> Run {
        let found = scanned.found
        let tbDirs = Set(found.filter { $0.format == .tensorBoard }.map(\.dir))
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
        if !scanned.warnings.isEmpty, !run.sources.isEmpty { run.sources[0].warnings.append(contentsOf: scanned.warnings) }
        run.path = folder
        run.name = RunNaming.name(forFolder: folder, tensorBoardDirs: Array(tbDirs))
        // A TensorBoard folder named by VAR states the config: fill what the logs did not say.
        if tbDirs.count == 1, let dir = tbDirs.first {
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
