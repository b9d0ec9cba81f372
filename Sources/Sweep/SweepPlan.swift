import Report
import Foundation

/// One run of a sweep: the unique, sanitised name of its output folder and the path it is read from.
public struct SweepRunRef: Codable, Sendable, Equatable {
    /// The output folder name under `DIR/runs/`: sanitised and unique within the sweep.
    public var name: String
    /// The run folder or log file, as given (list-file entries joined to the list's folder).
    public var path: String

    public init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}

/// The ordered list of every run of a sweep, written to `DIR/sweep-plan.json` by every
/// invocation (each shard writes the same bytes), so that `--merge` knows the whole sweep.
public struct SweepPlan: Codable, Sendable, Equatable {
    public var schema = "varreport.sweep-plan/1"
    public var runs: [SweepRunRef]

    public init(runs: [SweepRunRef]) { self.runs = runs }

    /// A plan for run paths in the given order: names derived from the paths, made unique.
    public init(paths: [String]) {
        runs = zip(OutputNaming.uniqueNames(for: paths), paths).map { SweepRunRef(name: $0, path: $1) }
    }

    public static let fileName = "sweep-plan.json"

    public func write(to directory: String) throws {
        try AtomicFile.write(try SweepJSONCoding.encode(self), to: directory + "/" + Self.fileName)
    }

    public static func read(from directory: String) throws -> SweepPlan {
        let path = directory + "/" + fileName
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepError.input(path: path, reason: "no sweep plan here (was this folder written by `varreport sweep`?)")
        }
        do { return try JSONDecoder().decode(SweepPlan.self, from: data) } catch {
            throw SweepError.input(path: path, reason: "not a sweep plan: \(error)")
        }
    }
}

/// Which share of the runs one machine renders: `--shard I/N` takes every run whose index in
/// the plan is I modulo N (I counts from 0, as Slurm's `--array=0-(N-1)` does).
public struct SweepShard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `I/N` with 0 <= I < N; nil otherwise.
    public init?(parsing text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)), n >= 1, i >= 0, i < n else { return nil }
        self.init(index: i, count: n)
    }

    public func contains(_ planIndex: Int) -> Bool { planIndex % count == index }
    public var description: String { "\(index)/\(count)" }
}

/// Errors of a sweep that stop it as a whole (a single run's failure never does).
public enum SweepError: Error, CustomStringConvertible {
    case input(path: String, reason: String)
    case noRuns(String)

    public var description: String {
        switch self {
        case let .input(path, reason): return "\(path): \(reason)"
        case let .noRuns(text): return text
        }
    }
}

/// Output names derived from run paths: the path below the runs' common folder (VAR's generic
/// `local_output` dropped), sanitised (no separators, no traversal, no control characters) and
/// made unique case-insensitively by `-2`, `-3`, ... in plan order.
public enum OutputNaming {
    public static func uniqueNames(for paths: [String]) -> [String] {
        let comps = paths.map { URL(fileURLWithPath: $0).standardizedFileURL.pathComponents }
        var common = comps.first.map { Array($0.dropLast()) } ?? []
        for c in comps.dropFirst() {
            var n = 0
            while n < common.count, n < c.count - 1, common[n] == c[n] { n += 1 }
            common = Array(common.prefix(n))
        }
        var used = Set<String>()
        var names: [String] = []
        for c in comps {
            var rest = Array(c.dropFirst(common.count))
            if rest.count > 1, rest.last == "local_output" { rest.removeLast() }
            if rest.isEmpty { rest = [c.last ?? "run"] }
            if rest.count == 1, rest[0] == "local_output", c.count >= 2 { rest = [c[c.count - 2]] }
            let base = sanitise(rest.joined(separator: "-"))
            var name = base
            var k = 2
            while used.contains(name.lowercased()) {
                name = "\(base)-\(k)"
                k += 1
            }
            used.insert(name.lowercased())
            names.append(name)
        }
        return names
    }

    /// A safe folder name: letters, digits and `-_.+=` kept, everything else `_`, no leading
    /// dots, never empty, at most 100 characters.
    public static func sanitise(_ name: String) -> String {
        var out = ""
        for scalar in name.unicodeScalars {
            if CharacterSet.alphanumerics.contains(scalar) || "-_.+=".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "_"
            }
        }
        while out.hasPrefix(".") { out.removeFirst() }
        if out.isEmpty { out = "run" }
        return String(out.prefix(100))
    }
}
