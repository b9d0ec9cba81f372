import Report
import Foundation
import TrainingLog

/// Content hashes for the incremental sweep: a 64-bit hash of every input file of a run
/// (relative path, size and bytes, in sorted path order), so that a re-run can tell that a
/// run's logs have not changed. Not cryptographic; it only has to notice edits.
public enum SweepHash {
    /// Files that are never logs: checkpoints, arrays, images, archives (VAR keeps its
    /// multi-GB `ar-ckpt-*.pth` beside the logs; hashing them would make every re-run slow).
    static let skippedExtensions: Set<String> = ["pth", "pt", "ckpt", "safetensors", "bin", "npz", "npy", "h5",
                                                 "png", "jpg", "jpeg", "gif", "pdf", "zip", "tar", "gz", "tgz"]

    /// The hash of a folder of any files (a template folder) or of one file, as 16 hex digits.
    /// In a folder, every regular file up to three levels deep is hashed, except hidden files,
    /// the kinds in `skippedExtensions` and anything under `excluding`. Runs are hashed by
    /// `run(_:excluding:)`, over the files the readers read.
    public static func inputs(of path: String, excluding: String? = nil) throws -> String {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SweepError.input(path: path, reason: "no such file or folder")
        }
        var h = Hasher64()
        if !isDir.boolValue {
            try h.add(file: path)
            return h.hex
        }
        var files: [String] = []
        let root = URL(fileURLWithPath: path).standardizedFileURL.path
        let excluded = excluding.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if let e = fm.enumerator(atPath: path) {
            while let rel = e.nextObject() as? String {
                let parts = rel.split(separator: "/")
                let full = root + "/" + rel
                if parts.contains(where: { $0.hasPrefix(".") }) || parts.count > 4 { e.skipDescendants(); continue }
                if let excluded, full == excluded || full.hasPrefix(excluded + "/") { e.skipDescendants(); continue }
                if let name = parts.last, name.contains("."), let ext = name.split(separator: ".").last,
                   skippedExtensions.contains(ext.lowercased()) { continue }
                if FileType.of(full) == .regular { files.append(rel) }
            }
        }
        for rel in files.sorted() {
            h.add(string: rel)
            try h.add(file: path + "/" + rel)
        }
        return h.hex
    }

    /// The hash of a run: of the files `RunLoader` reads from it (a folder) or of the file
    /// itself, so that discovering, hashing and loading a run agree on what its logs are.
    public static func run(_ path: String, excluding: String? = nil) throws -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
            throw SweepError.input(path: path, reason: "no such file or folder")
        }
        var h = Hasher64()
        guard isDir.boolValue else {
            try h.add(file: path)
            return h.hex
        }
        let root = URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
        for file in RunLoader.logFiles(in: path, excluding: excluding) {
            h.add(string: file.hasPrefix(root + "/") ? String(file.dropFirst(root.count + 1)) : file)
            try h.add(file: file)
        }
        return h.hex
    }

    /// The hash of a text (settings, template folder contents).
    public static func text(_ s: String) -> String {
        var h = Hasher64()
        h.add(string: s)
        return h.hex
    }
}

/// FNV-1a-style mixing over 64-bit words, with a final avalanche; fast enough to hash a
/// hundred runs' logs in well under a second.
struct Hasher64 {
    private var state: UInt64 = 0xCBF2_9CE4_8422_2325
    private static let prime: UInt64 = 0x0000_0100_0000_01B3

    mutating func add(word: UInt64) {
        state = (state ^ word) &* Self.prime
        state ^= state >> 29
    }

    mutating func add(bytes: UnsafeRawBufferPointer) {
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            add(word: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(bytes[i]) << shift
            shift += 8
            i += 1
        }
        add(word: tail ^ (UInt64(n & 7) << 56))
    }

    mutating func add(string: String) {
        var s = string
        s.withUTF8 { add(bytes: UnsafeRawBufferPointer($0)) }
        add(word: UInt64(string.utf8.count))
    }

    mutating func add(file path: String) throws {
        if let why = FileType.notReadableReason(path) { throw SweepError.input(path: path, reason: why) }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SweepError.input(path: path, reason: "cannot read the file")
        }
        defer { try? handle.close() }
        var total: UInt64 = 0
        while true {
            let chunk = handle.readData(ofLength: 4 << 20)
            if chunk.isEmpty { break }
            total += UInt64(chunk.count)
            chunk.withUnsafeBytes { add(bytes: $0) }
        }
        add(word: total)
    }

    var hex: String {
        var z = state
        z = (z ^ (z >> 33)) &* 0xFF51_AFD7_ED55_8CCD
        z = (z ^ (z >> 33)) &* 0xC4CE_B9FE_1A85_EC53
        z ^= z >> 33
        let s = String(z, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}
