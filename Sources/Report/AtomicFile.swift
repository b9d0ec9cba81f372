import Foundation
import Render

/// Writes files so that a reader never sees a half-written one: the bytes go to a temporary
/// file in the same folder, which is then renamed over the target (rename is atomic on POSIX).
/// An interrupted run leaves the previous file intact.
public enum AtomicFile {
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        do { try createFolder(folder) } catch let ReportError.cannotWrite(p, reason) {
            throw ReportError.cannotWrite(path: path, reason: p == folder ? "\(folder) \(reason)" : reason)
        }
        do { try writeFileAtomically(data, to: path) } catch let RenderError.write(p, reason) {
            throw ReportError.cannotWrite(path: p, reason: reason)
        }
    }

    /// Creates `folder` and its parents, with the cause in words when it cannot.
    public static func createFolder(_ folder: String) throws {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) {
            if isDir.boolValue { return }
            throw ReportError.cannotWrite(path: folder, reason: "is a file, not a folder")
        }
        // A file where a parent folder should be: say which (Foundation only says "unknown").
        var parent = URL(fileURLWithPath: folder).standardizedFileURL.deletingLastPathComponent()
        while parent.path != "/" {
            if FileManager.default.fileExists(atPath: parent.path, isDirectory: &isDir) {
                if !isDir.boolValue {
                    throw ReportError.cannotWrite(path: folder, reason: "\(parent.path) is a file, not a folder")
                }
                break
            }
            parent = parent.deletingLastPathComponent()
        }
        try FileProblem.writing(folder) {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
    }

    public static func write(_ text: String, to path: String) throws {
        try write(Data(text.utf8), to: path)
    }

    /// A temporary path beside `path` for writers that need a file name (Cairo surfaces);
    /// pass the result to `commit(temporary:to:)` when done.
    public static func temporaryPath(for path: String) throws -> String {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        try createFolder(folder)
        return folder + "/.\(url.lastPathComponent).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
    }

    public static func commit(temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let reason = FileProblem.words(errno: errno)
            unlink(temporary)
            throw ReportError.cannotWrite(path: path, reason: reason)
        }
    }
}

/// Errors of the report layer, each naming the file concerned.
public enum ReportError: Error, CustomStringConvertible {
    case cannotWrite(path: String, reason: String)
    case template(name: String, reason: String)
    case wouldOverwriteInput(path: String)

    public var description: String {
        switch self {
        case let .cannotWrite(path, reason): return "\(path): cannot write: \(reason)"
        case let .template(name, reason): return "template \(name): \(reason)"
        case let .wouldOverwriteInput(path):
            return "\(path): refusing to write the report over an input file; choose another -o folder"
        }
    }
}
