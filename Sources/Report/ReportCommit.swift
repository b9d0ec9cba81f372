import Foundation

/// A report is one unit: its files are written into a staging folder inside the output folder,
/// synced, listed in a manifest (the files it owns, their sizes and hashes, the run, a generation
/// id) written last into the staging folder, and only then moved into place, the manifest last of
/// all. Files an earlier report owned (its manifest says so) that the new one does not produce are
/// removed; files the user put in the folder are never touched. A commit cut short (the process
/// killed while moving files) is finished by the next writer before it starts: a staging folder
/// with a complete manifest is moved into place, one without is removed.
public enum ReportCommit {
    public static let manifestName = ".varreport-manifest.json"
    static let stagingPrefix = ".varreport-staging-"
    static let lockName = ".varreport.lock"

    public struct Manifest: Codable, Sendable, Equatable {
        public var schema = "varreport.manifest/1"
        public var generation: String
        public var run: String
        public var runPath: String
        public var files: [Entry]

        public struct Entry: Codable, Sendable, Equatable {
            public var path: String
            public var size: Int
            /// FNV-1a, 64 bits, as 16 hex digits: enough to tell that a file is the one listed.
            public var hash: String
        }

        enum CodingKeys: String, CodingKey { case schema, generation, run, runPath = "run_path", files }
    }

    /// Writes one unit of files into `directory`: takes the folder's lock, finishes what an
    /// interrupted writer left, lets `produce` write every file into a fresh staging folder
    /// (it returns their paths relative to it), then seals and commits them together. On an
    /// error the staging folder is removed and the folder keeps its previous unit.
    public static func writeUnit(into directory: String, run: String, runPath: String, lockWaitSeconds: Double,
                                 _ produce: (_ staging: String) throws -> [String]) throws {
        try AtomicFile.createFolder(directory)
        let lock = try Lock(directory, waiting: lockWaitSeconds)
        defer { withExtendedLifetime(lock) {} }
        recover(directory)
        let (staging, generation) = try stagingFolder(in: directory)
        do {
            let written = try produce(staging)
            _ = try seal(staging, generation: generation, run: run, runPath: runPath, files: written)
            try commit(staging, into: directory)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw error
        }
    }

    /// A fresh staging folder inside `directory`.
    static func stagingFolder(in directory: String) throws -> (path: String, generation: String) {
        let generation = String(UInt64(Date().timeIntervalSince1970 * 1000), radix: 36) + "-" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        let path = directory + "/" + stagingPrefix + generation
        try AtomicFile.createFolder(path)
        return (path, generation)
    }

    /// Lists the files of `staging` (relative paths) in a manifest written last, into the staging folder.
    static func seal(_ staging: String, generation: String, run: String, runPath: String, files: [String]) throws -> Manifest {
        var entries: [Manifest.Entry] = []
        for rel in files.sorted() {
            let data = try FileProblem.writing(staging + "/" + rel) { try Data(contentsOf: URL(fileURLWithPath: staging + "/" + rel)) }
            entries.append(Manifest.Entry(path: rel, size: data.count, hash: hash(data)))
        }
        let manifest = Manifest(generation: generation, run: run, runPath: runPath, files: entries)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try AtomicFile.write(try encoder.encode(manifest), to: staging + "/" + manifestName)
        return manifest
    }

    /// Moves a sealed staging folder into `directory`: each file, then the manifest; then removes
    /// what the previous manifest owned and this one does not, and the staging folder.
    static func commit(_ staging: String, into directory: String) throws {
        guard let new = readManifest(staging + "/" + manifestName) else {
            try? FileManager.default.removeItem(atPath: staging)
            return
        }
        let old = readManifest(directory + "/" + manifestName)
        for e in new.files {
            let from = staging + "/" + e.path, to = directory + "/" + e.path
            // Already moved by a commit that was cut short.
            if !FileManager.default.fileExists(atPath: from) { continue }
            try AtomicFile.createFolder(URL(fileURLWithPath: to).deletingLastPathComponent().path)
            try AtomicFile.commit(temporary: from, to: to)
        }
        try AtomicFile.commit(temporary: staging + "/" + manifestName, to: directory + "/" + manifestName)
        let kept = Set(new.files.map(\.path))
        for e in old?.files ?? [] where !kept.contains(e.path) {
            // Only a file that is still the one the old report wrote: the user may have replaced it.
            let path = directory + "/" + e.path
            if let data = FileManager.default.contents(atPath: path), data.count == e.size, hash(data) == e.hash {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
        try? FileManager.default.removeItem(atPath: staging)
    }

    /// Finishes or discards what an interrupted writer left in `directory`.
    static func recover(_ directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for n in names.sorted() where n.hasPrefix(stagingPrefix) {
            try? commit(directory + "/" + n, into: directory)
        }
    }

    /// True when `directory` holds a complete report: its manifest, and every file the manifest
    /// lists at the listed size. A sweep re-renders a run whose report lost a file (a deleted
    /// `report.pdf` or figure) instead of linking to it.
    public static func isIntact(_ directory: String) -> Bool {
        guard let manifest = readManifest(directory + "/" + manifestName) else { return false }
        return manifest.files.allSatisfy { entry in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: directory + "/" + entry.path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let size = attributes[.size] as? NSNumber else { return false }
            return size.intValue == entry.size
        }
    }

    static func readManifest(_ path: String) -> Manifest? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return try? JSONDecoder().decode(Manifest.self, from: data)
    }

    static func hash(_ data: Data) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        let hex = String(h, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// An exclusive lock on `directory` for one writer (flock on a lock file in it): a second
    /// writer waits up to `seconds`, then fails with a message naming the folder.
    final class Lock {
        private let fd: Int32

        init(_ directory: String, waiting seconds: Double) throws {
            let path = directory + "/" + ReportCommit.lockName
            fd = open(path, O_RDWR | O_CREAT, 0o644)
            guard fd >= 0 else { throw ReportError.cannotWrite(path: path, reason: FileProblem.words(errno: errno)) }
            let deadline = Date().addingTimeInterval(seconds)
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if Date() >= deadline {
                    close(fd)
                    throw ReportError.cannotWrite(path: directory, reason: "another varreport is writing into this folder (waited \(Int(seconds)) s); try again when it is done")
                }
                usleep(50_000)
            }
        }

        deinit {
            flock(fd, LOCK_UN)
            close(fd)
        }
    }
}
