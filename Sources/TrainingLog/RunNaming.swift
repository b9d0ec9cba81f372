#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How runs are named in reports: after their folder, skipping VAR's generic `local_output`.
public enum RunNaming {
    /// The last path component, without trailing slashes.
    public static func lastComponent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        if let slash = p.lastIndex(of: "/") { return String(p[p.index(after: slash)...]) }
        return String(p)
    }

    /// The folder part of a path ("." when there is none).
    static func parent(_ path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        if slash == p.startIndex { return "/" }
        return String(p[..<slash])
    }

    static func join(_ a: String, _ b: String) -> String { a.hasSuffix("/") ? a + b : a + "/" + b }

    /// A name for a run read from one file: its folder's name (see `name(forFolder:)`), else the
    /// file name.
    static func name(forFile path: String) -> String {
        let dir = parent(path)
        let n = name(forFolder: dir, tensorBoardDirs: [])
        return n.isEmpty ? lastComponent(path) : n
    }

    /// A folder's name. For VAR's generic `local_output`: the name of the folder above (where
    /// people put one run per folder), unless that is the VAR checkout itself (it holds
    /// `train.py`, VAR's default place for local_output), then the name of the only `tb-*` folder
    /// without `tb-`. `tb-VARd16...` becomes `VARd16...`.
    static func name(forFolder folder: String, tensorBoardDirs: [String]) -> String {
        let abs = absolute(folder)
        let d = lastComponent(abs)
        if d == "local_output" {
            let upPath = parent(abs)
            let up = lastComponent(upPath)
            let isCheckout = ByteFile.isDirectory(join(upPath, "train.py")) == false
            if meaningful(up), !isCheckout { return up }
            if tensorBoardDirs.count == 1 {
                let t = lastComponent(tensorBoardDirs[0])
                if t.hasPrefix("tb-"), t.count > 3 { return String(t.dropFirst(3)) }
                if t != "local_output" { return t }
            }
            if meaningful(up) { return up }
        }
        if d.hasPrefix("tb-"), d.count > 3 { return String(d.dropFirst(3)) }
        return meaningful(d) ? d : ""
    }

    static func meaningful(_ s: String) -> Bool { !s.isEmpty && s != "." && s != "/" && s != ".." }

    /// The path made absolute and free of `.` / `..` (realpath), or as given when that fails.
    static func absolute(_ path: String) -> String {
        guard let r = realpath(path, nil) else { return path }
        defer { free(r) }
        return String(cString: r)
    }
}
