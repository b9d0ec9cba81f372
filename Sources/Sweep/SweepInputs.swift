import Report
import Foundation
import TrainingLog

/// Turns the RUNS arguments of `varreport sweep` into run paths: a run folder is taken as it
/// is, a parent folder is searched for run folders (sorted, hidden folders and the output
/// folder skipped), and a text file whose every line names an existing path is a list of runs
/// (`#` comments and blank lines allowed; relative entries are relative to the list's folder).
public enum SweepInputs {
    /// Run paths in argument order, each once. `skipped` hears every folder that could hold a
    /// run but cannot be opened (a name that is not UTF-8), in words, so that it is not lost
    /// without a word.
    public static func discover(_ arguments: [String], excluding output: String? = nil,
                                skipped: ((String) -> Void)? = nil) throws -> [String] {
        let fm = FileManager.default
        let excluded = output.map { canonical($0) }
        var found: [String] = []
        var seen = Set<String>()
        func add(_ p: String) {
            let key = canonical(p)
            if seen.insert(key).inserted { found.append(p) }
        }
        for arg in arguments {
            var isDir: ObjCBool = false
            guard fm.fileExists(atPath: arg, isDirectory: &isDir) else {
                throw SweepError.input(path: arg, reason: "no such file or folder")
            }
            if isDir.boolValue {
                if isRunFolder(arg) { add(arg); continue }
                let runs = searchRuns(under: arg, excluded: excluded, depth: 0, skipped: skipped)
                if runs.isEmpty {
                    throw SweepError.input(path: arg, reason: "no run folders found under it (a run folder holds a training log: VAR's stdout.txt or log.txt, TensorBoard event files, CSV or JSON Lines, whatever their names)")
                }
                runs.forEach(add)
            } else if let list = try runList(arg) {
                if list.isEmpty { throw SweepError.input(path: arg, reason: "the run list is empty") }
                list.forEach(add)
            } else {
                add(arg)
            }
        }
        return found
    }

    /// True when the folder itself holds logs (not only in sub-folders, except VAR's `tb-*`),
    /// recognised by content as `RunLoader` reads them: a CSV named `metrics.txt` counts. A
    /// folder with a file named as VAR names its logs (`stdout.txt`, `log.txt`, an event file)
    /// is a run too, even when that file cannot be read: it fails in the sweep, with its reason,
    /// instead of being passed over in silence.
    public static func isRunFolder(_ path: String) -> Bool {
        if RunLoader.holdsLogs(path) { return true }
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return false }
        return names.contains { $0 == "stdout.txt" || $0 == "log.txt" || $0.contains("tfevents") }
    }

    static func searchRuns(under path: String, excluded: String?, depth: Int, skipped: ((String) -> Void)? = nil) -> [String] {
        guard depth < 8, let listing = FolderListing.entries(path) else { return [] }
        for bad in listing.notUTF8 where !bad.hasPrefix(".") {
            let child = path.hasSuffix("/") ? path + bad : path + "/" + bad
            skipped?("\(child): skipped: the name is not valid UTF-8, so it cannot be opened by name; rename it if it is a run")
        }
        var out: [String] = []
        for n in listing.names where !n.hasPrefix(".") {
            let child = path.hasSuffix("/") ? path + n : path + "/" + n
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: child, isDirectory: &isDir), isDir.boolValue else { continue }
            if let excluded, canonical(child) == excluded { continue }
            if isRunFolder(child) { out.append(child) } else {
                out += searchRuns(under: child, excluded: excluded, depth: depth + 1, skipped: skipped)
            }
        }
        return out
    }

    /// The entries of a run-list file, or nil when the file is not one (a log file).
    static func runList(_ path: String) throws -> [String]? {
        let name = URL(fileURLWithPath: path).lastPathComponent
        if name == "stdout.txt" || name == "log.txt" || name.contains("tfevents") { return nil }
        if let why = FileType.notReadableReason(path) { throw SweepError.input(path: path, reason: why) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SweepError.input(path: path, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        let head = handle.readData(ofLength: 1 << 20)
        if head.count >= 1 << 20 || head.contains(0) { return nil }
        guard let text = String(data: head, encoding: .utf8) else { return nil }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var entries: [String] = []
        var existing = 0
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let resolved = line.hasPrefix("/") ? line : folder + "/" + line
            if FileManager.default.fileExists(atPath: resolved) {
                existing += 1
                entries.append(line.hasPrefix("/") ? line : relativeToWorkingDirectory(resolved))
            } else if FileManager.default.fileExists(atPath: line) {
                existing += 1
                entries.append(line)
            } else {
                // Kept: the run will fail with "no such file or folder" and not stop the others.
                entries.append(line.hasPrefix("/") ? line : relativeToWorkingDirectory(resolved))
            }
        }
        // Only comments: an empty list (an error); blank: not a list (a log that fails to read).
        if entries.isEmpty { return text.contains("#") ? [] : nil }
        // A list when most of its lines name existing paths; a log's lines never do.
        return existing * 2 >= entries.count && existing > 0 ? entries : nil
    }

    static func relativeToWorkingDirectory(_ path: String) -> String {
        let standard = URL(fileURLWithPath: path).standardizedFileURL.path
        let cwd = FileManager.default.currentDirectoryPath
        if standard.hasPrefix(cwd + "/") { return String(standard.dropFirst(cwd.count + 1)) }
        return standard
    }

    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
