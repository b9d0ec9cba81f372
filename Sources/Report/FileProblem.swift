import Foundation
import TextFormat

/// Why a file or folder could not be written, in words: never a Foundation error domain, code or
/// `UserInfo` (CONTRACT.md: errors in one line, naming the path and the cause).
public enum FileProblem {
    /// "a part of the path is a file, not a folder", "permission denied", "no space left on the
    /// disk", ... for an error of Foundation or of a POSIX call.
    public static func words(for error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return words(errno: Int32(underlying.code))
        }
        if ns.domain == NSPOSIXErrorDomain { return words(errno: Int32(ns.code)) }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
            case NSFileWriteOutOfSpaceError: return "no space left on the disk"
            case NSFileWriteVolumeReadOnlyError: return "the file system is read-only"
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return "no such file or folder"
            case NSFileWriteFileExistsError: return "a file of that name is in the way"
            default: break
            }
        }
        if let described = error as? CustomStringConvertible, !(error is NSError) || ns.domain != NSCocoaErrorDomain {
            return described.description
        }
        return "the system refused to write it"
    }

    public static func words(errno code: Int32) -> String { ErrnoWords.words(code) }

    /// Runs `body`, turning any error into `ReportError.cannotWrite` naming `path` and the cause.
    public static func writing<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ReportError { throw e } catch {
            throw ReportError.cannotWrite(path: path, reason: words(for: error))
        }
    }
}
