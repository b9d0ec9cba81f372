#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a path is, following symlinks: the readers open regular files only, because opening a
/// FIFO waits for a writer forever and a device never ends.
public enum FileType: Equatable, Sendable {
    case regular, directory, fifo, characterDevice, blockDevice, socket, other
    /// Nothing there (or a dangling symlink).
    case missing

    public static func of(_ path: String) -> FileType {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        return from(mode: st.st_mode)
    }

    static func from(mode: mode_t) -> FileType {
        switch mode & S_IFMT {
        case S_IFREG: return .regular
        case S_IFDIR: return .directory
        case S_IFIFO: return .fifo
        case S_IFCHR: return .characterDevice
        case S_IFBLK: return .blockDevice
        case S_IFSOCK: return .socket
        default: return .other
        }
    }

    /// "a FIFO (named pipe)", for messages: "stdout.txt is a FIFO (named pipe), not a log file".
    public var words: String {
        switch self {
        case .regular: return "a file"
        case .directory: return "a folder"
        case .fifo: return "a FIFO (named pipe)"
        case .characterDevice: return "a character device"
        case .blockDevice: return "a block device"
        case .socket: return "a socket"
        case .other: return "not a regular file"
        case .missing: return "missing"
        }
    }

    /// The message for a path that is there but cannot be read as a log, nil for a regular file.
    public static func notReadableReason(_ path: String) -> String? {
        let type = of(path)
        switch type {
        case .regular, .directory, .missing: return nil
        default: return "is \(type.words), not a log file: not read (it could block forever)"
        }
    }
}

/// A folder's entries as `readdir` gives them, for the modules above the readers.
public enum FolderListing {
    /// The names in `path`, sorted, apart from those that are not valid UTF-8 (a Swift string
    /// cannot hold them, so they cannot be opened by name: Foundation drops or mangles them
    /// without a word); those come back separately, with the bad bytes shown as U+FFFD, so
    /// the caller can say it skipped them. nil when the folder cannot be listed.
    public static func entries(_ path: String) -> (names: [String], notUTF8: [String])? {
        ByteFile.listDirectoryChecked(path)
    }
}

extension ByteFile {
    /// Opens a regular file for reading. Anything else is refused with the reason before it can
    /// block: the open itself does not wait (O_NONBLOCK), and the type is checked on the open
    /// descriptor, so a FIFO put in the file's place after a check is refused too.
    static func openRegular(_ path: String) throws(Diagnostic) -> Int32 {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw Diagnostic(file: path, message: "cannot open: \(errnoText())") }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let why = errnoText()
            close(fd)
            throw Diagnostic(file: path, message: "cannot open: \(why)")
        }
        let type = FileType.from(mode: st.st_mode)
        guard type == .regular else {
            close(fd)
            throw Diagnostic(file: path, message: type == .directory ? "is a folder, not a log file"
                : "is \(type.words), not a log file: not read (it could block forever)")
        }
        let flags = fcntl(fd, F_GETFL)
        if flags >= 0 { _ = fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) }
        return fd
    }
}
