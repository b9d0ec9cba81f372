#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A system error number in the words a user reads ("no space left on the disk"), for every
/// message about a file that could not be written or read. The one home of these words.
public enum ErrnoWords {
    public static func words(_ code: Int32) -> String {
        switch code {
        case ENOTDIR: return "a part of the path is a file, not a folder"
        case EACCES, EPERM: return "permission denied"
        case ENOSPC: return "no space left on the disk"
        case EDQUOT: return "the disk quota is used up"
        case EROFS: return "the file system is read-only"
        case ENOENT: return "no such file or folder"
        case EISDIR: return "is a folder, not a file"
        case EEXIST: return "a file of that name is in the way"
        case ENAMETOOLONG: return "the name is too long"
        default: return String(cString: strerror(code))
        }
    }
}
