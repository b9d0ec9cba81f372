/// What VAR's TensorBoard folder name says about a run:
/// `tb-VARd{depth}__pn{pn}__b{bs}ep{ep}{opt[:4]}lr{tblr:g}wd{twd:g}` (see VAR's arg_util.py).
public enum VARFolderName {
    /// Config entries (`depth`, `pn`, `bs`, `ep`, `opt`, `tblr`, `twd`) from a `tb-VARd...` folder
    /// name, or [] when the name does not have that form.
    public static func config(fromTensorBoardFolder name: String) -> [ConfigEntry] {
        var s = Substring(name)
        guard s.hasPrefix("tb-VARd") else { return [] }
        s = s.dropFirst(7)
        func take(while cond: (Character) -> Bool) -> Substring {
            let t = s.prefix(while: cond)
            s = s.dropFirst(t.count)
            return t
        }
        func expect(_ lit: String) -> Bool {
            guard s.hasPrefix(lit) else { return false }
            s = s.dropFirst(lit.count)
            return true
        }
        let depth = take { $0.isNumber }
        guard !depth.isEmpty, expect("__pn") else { return [] }
        let pn = take { $0.isNumber || $0 == "_" || $0 == "-" }
        // pn ends with "__b": the loop above swallowed the "__" of it.
        var pnText = String(pn)
        while pnText.hasSuffix("_") { pnText.removeLast() }
        guard expect("b") else { return [] }
        let bs = take { $0.isNumber }
        guard !bs.isEmpty, expect("ep") else { return [] }
        let ep = take { $0.isNumber }
        guard !ep.isEmpty else { return [] }
        var opt = take { $0.isLetter } // `adamlr`: the optimizer's 4 letters, then `lr`
        guard opt.hasSuffix("lr") else { return [] }
        opt = opt.dropLast(2)
        let lr = take { $0.isNumber || $0 == "." || $0 == "e" || $0 == "-" || $0 == "+" }
        guard expect("wd") else { return [] }
        let wd = take { $0.isNumber || $0 == "." || $0 == "e" || $0 == "-" || $0 == "+" }
        var out = [ConfigEntry(key: "depth", value: String(depth)), ConfigEntry(key: "pn", value: pnText),
                   ConfigEntry(key: "bs", value: String(bs)), ConfigEntry(key: "ep", value: String(ep))]
        if !opt.isEmpty { out.append(ConfigEntry(key: "opt", value: String(opt))) }
        if Double(lr) != nil { out.append(ConfigEntry(key: "tblr", value: String(lr))) }
        if Double(wd) != nil { out.append(ConfigEntry(key: "twd", value: String(wd))) }
        return out
    }
}
