/// How runs are named in reports: after their folder, skipping VAR's generic `local_output`.
enum RunNaming {
    /// The last path component, without trailing slashes.
    static func lastComponent(_ path: String) -> String {
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

    /// A name for a run read from one file: its folder's name (or, for `local_output`, the name of
    /// the folder above), else the file name.
    static func name(forFile path: String) -> String {
        let dir = parent(path)
        let d = lastComponent(dir)
        if d == "local_output" {
            let up = lastComponent(parent(dir))
            if !up.isEmpty, up != ".", up != "/", up != ".." { return up }
        }
        if !d.isEmpty, d != ".", d != "/", d != ".." { return d }
        return lastComponent(path)
    }
}
