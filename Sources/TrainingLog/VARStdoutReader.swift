#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads VAR's `stdout.txt` (the console log, appended across restarts) into a one-file `Run`.
///
/// What it takes from the file (see VAR-LOGS.md):
/// - iteration lines `[Ep]: [  12/200]  [ 417/1669]  ...  name: value  ...`: every `name: value`
///   field becomes an iteration series at global step `ep * iters + it` (the `iters` printed on
///   the line). For `Lm`/`Lt`/`Accm`/`Acct` the value is the FIRST number, the median of the last
///   30 iterations, which is what VAR shows as the current value; `tlr` -> `opt/lr`,
///   `tnm` -> `opt/grad_norm`, `time`/`data` -> `time/iter_time`/`time/data_time`, `eta` is skipped,
///   other fields (forks) keep their names. Wall times come from the `[MM-DD HH:MM:SS]` prefix.
/// - epoch summaries `[ep12]  (training )  Lm: BEST (CUR), Lt: BEST (CUR), ...`: the CUR values give
///   epoch-level `train/loss_mean` and `train/loss_tail`. Whether a file prints `BEST (CUR)` or
///   `CUR (BEST)` is decided from the data (a best-so-far column is never worse than the current
///   value and never gets worse within a restart segment). `Acc m&t` there are running maxima and
///   are not stored.
/// - epoch-level `train/acc_mean` / `train/acc_tail`: the running epoch average (the number in
///   parentheses) of the last iteration line of each epoch, the closest stdout has to the epoch's
///   accuracy (it misses the iterations after that line and is not averaged over ranks).
/// - `Total time: ... (2.544 s / it)` -> epoch-level `time/sec_per_iter`.
/// - the `initial args:` block -> config (`ep` -> epochsPlanned), `[INIT][#para] ... VAR=310.28` ->
///   parametersMillions, `[dataloader] ... iters_train=1669` -> iterationsPerEpoch.
/// - `final args:` block -> finishedMarker and finalValidation (`vL_mean` ... `vacc_tail`);
///   `[PT finished]` -> finishedMarker (its sentinel values are never data).
/// - RESTART banners -> launches (copies printed by several ranks at once count once), each with
///   the epoch it resumed from and the epochs it trained; restartEpochs are the resume epochs of
///   the launches that trained after an earlier one had. Repeated epochs/iterations keep their
///   later occurrence; identical lines from several ranks count once.
/// - crash evidence (tracebacks, `ChildFailedError`, exit codes, out of memory, a scheduler's
///   cancellation: `CrashEvidence`) with its line, and whether training was logged after it.
/// - ` [*] [ep9]  (val 50000)` lines print TRAINING averages and are never read as validation.
/// Loss and accuracy values of exactly -1 or 999 are VAR's "not computed" sentinels and are skipped.
public enum VARStdoutReader {
    /// Reads a stdout.txt file; throws only when the file cannot be opened or read.
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try VARStdoutParser.read(path: path, options: options) { parser in
            // An iteration line is at least ~250 bytes: reserve for a file of nothing else
            // (untouched reserved pages cost address space only).
            if let size = ByteFile.fileSize(path), size > 64 << 20 { parser.iter.reserve = min(size / 250, 1 << 26) }
        }
    }

    /// Parses stdout text held in memory (tests, fuzzing); `path` names it in warnings.
    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        VARStdoutParser.parse(bytes, path: path, options: options)
    }
}

/// The line-by-line state machine behind `VARStdoutReader`.
struct VARStdoutParser: LineParser {
    let path: String
    let options: LoadOptions
    var warnings: WarningSink
    var iter: SeriesCollector
    var epoch: SeriesCollector
    var clock = VARTimestampClock()
    var launch: LaunchTracker

    // Facts
    var config: [ConfigEntry] = []
    var finalConfig: [ConfigEntry] = []
    var itersFromDataloader: Int?
    var itersFromLines: Int?
    var epochsFromLines: Int?
    var params: Double?
    var finished = false
    var endMarker: LineRef? = nil
    var ansiLines = 0
    /// Set by lines only Infinity prints (its `[Ep]: [ 0/100]:` colon, `Cost of this ep`, `Lmean:`).
    var infinityLines = false
    var warnedInfinityVal = false
    var pendingRestart = false
    var segment = 0
    var iterationLines = 0
    var nulLines = 0
    var crLines = 0
    /// Lines that held two ranks' lines at once.
    var gluedLines = 0

    // Iteration-line fields, learned as they appear: name bytes -> what to do with the value.
    struct Field { var name: [UInt8]; var slot: Int; var avg: Int; var sentinel: Bool }
    var fields: [Field] = []

    /// Per epoch: the running averages of the last iteration line (Accm, Acct).
    struct EpochAcc { var segment: Int; var it: Int; var last: Bool; var accm: Double?; var acct: Double?; var wall: Double? }
    /// Epochs that finished (a `Total time` or summary line): only these, or epochs whose last
    /// iteration was printed, get an epoch-level accuracy (a crashed epoch's partial average is not one).
    var finishedEpochs: Set<Int> = []
    /// One record per epoch run-through, in file order (a later record of an epoch wins).
    var epochAcc: [(ep: Int, acc: EpochAcc)] = []
    var currentAcc: (ep: Int, acc: EpochAcc)? = nil

    mutating func flushAcc() {
        guard let cur = currentAcc else { return }
        currentAcc = nil
        epochAcc.append(cur)
    }

    /// Epoch summary lines, kept until the BEST/CUR order is known.
    struct Summary { var ep: Int; var lm: (Double, Double)?; var lt: (Double, Double)?; var line: Int; var segment: Int; var wall: Double? }
    var summaries: [Summary] = []

    enum Block { case none, expectBrace(final: Bool, left: Int), inside(final: Bool) }
    var block = Block.none
    var lastBlockKey: String? = nil

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        warnings = WarningSink(file: path)
        iter = SeriesCollector(.iteration, source: path)
        epoch = SeriesCollector(.epoch, source: path)
        launch = LaunchTracker(file: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        guard let p = line.baseAddress, line.count > 0 else {
            if case .expectBrace(let f, let left) = block {
                block = left > 0 ? .expectBrace(final: f, left: left - 1) : .none
            }
            return
        }
        var s = 0
        var e = line.count
        while e > s, p[e - 1] == 0x0D { e -= 1 }
        // Progress lines: only the text after the last carriage return is what a terminal shows.
        if memchr(p, 0x0D, e) != nil {
            var k = e - 1
            while k >= s, p[k] != 0x0D { k -= 1 }
            s = k + 1
            crLines += 1
        }
        // ANSI colour codes (a coloured logger, `script` or tmux captures): the text without them.
        if e > s, memchr(p + s, 0x1B, e - s) != nil {
            ansiLines += 1
            if ansiLines == 1 { warnings.add("ansi", line: lineNo, "info: terminal colour codes in the log; read without them") }
            let clean = Self.withoutEscapes(UnsafeBufferPointer(start: p + s, count: e - s))
            clean.withUnsafeBufferPointer { feed($0, lineNo) }
            return
        }
        // NUL bytes (a crash left a hole in the file): keep the text after the last one.
        if e > s, memchr(p + s, 0, e - s) != nil {
            var k = e - 1
            while k >= s, p[k] != 0 { k -= 1 }
            s = k + 1
            nulLines += 1
            if nulLines == 1 { warnings.add("nul", line: lineNo, "NUL bytes in line; the text after them is read") }
        }
        // Two ranks' lines printed onto one (no newline between them): each VAR prefix starts a
        // line of its own.
        // ('=' is rare in VAR's lines, ')' is not: the search is anchored on it.)
        if let first = ByteScan.find(p, s, e, "=> "), let second = ByteScan.find(p, first + 3, e, "=> "), p[second - 1] == 0x29 {
            var k = second
            while k > first + 3, !(p[k] == 0x5B && VARTimestampClock.parse(p, k, e) != nil) { k -= 1 }
            if k > first + 3 {
                gluedLines += 1
                if gluedLines == 1 { warnings.add("glued", line: lineNo, "two log lines printed onto one (ranks writing at once); both are read") }
                process(p, s, k, lineNo)
                process(p, k, e, lineNo)
                return
            }
        }
        process(p, s, e, lineNo)
    }

    private mutating func process(_ p: UnsafePointer<UInt8>, _ s0: Int, _ e: Int, _ lineNo: Int) {
        // Inside an args block, lines are printed without prefix.
        switch block {
        case .none: break
        case .expectBrace(let final, let left):
            let (a, b) = ByteScan.trim(p, s0, e)
            if b == a + 1, p[a] == 0x7B { block = .inside(final: final); lastBlockKey = nil; return }
            if b == a { block = left > 0 ? .expectBrace(final: final, left: left - 1) : .none; return }
            block = .none
        case .inside(let final):
            let (a, b) = ByteScan.trim(p, s0, e)
            if b == a + 1, p[a] == 0x7D { block = .none; return }
            if let entry = Self.configEntry(p, a, b) {
                if final { finalConfig.append(entry) } else { Self.merge(entry, into: &config) }
                lastBlockKey = entry.key
                return
            }
            if b == a { return }
            // A value printed over several lines (a commit message, a list) continues the last
            // entry; a prefixed log line, an `[Ep]` line or a banner means the block was cut off.
            if p[a] != 0x5B, p[a] != 0x3D, let key = lastBlockKey {
                let more = "\n" + ByteScan.string(p, a, b)
                if final { if let i = finalConfig.lastIndex(where: { $0.key == key }) { finalConfig[i].value += more } }
                else if let i = config.firstIndex(where: { $0.key == key }) { config[i].value += more }
                return
            }
            warnings.add("args", line: lineNo, "args block ended without '}'")
            block = .none
        }

        var s = s0
        var wall: Double? = nil
        if e - s >= 16, p[s] == 0x5B, let raw = VARTimestampClock.parse(p, s, e) {
            // `[MM-DD HH:MM:SS] (file, lineNNNN)=> message`
            let limit = min(e, s + 16 + 80)
            if let arrow = ByteScan.find(p, s + 16, limit, ")=>") {
                s = arrow + 3
                wall = raw
            }
        }
        s = ByteScan.skipSpaces(p, s, e)
        guard s < e else { return }
        let c = p[s]
        if c == 0x5B { // '['
            if ByteScan.matches(p, s, e, "[Ep]:") {
                parseEpLine(p, s + 5, e, lineNo, wall); return
            }
            if ByteScan.matches(p, s, e, "[ep"), s + 3 < e, ByteScan.isDigit(p[s + 3]) {
                parseSummary(p, s + 3, e, lineNo, wall); return
            }
            // Infinity's epoch lines: `[*] [ep3]  Lmean: ...` (its summary) and
            // `[*] [ep4]  VAL 50000  |  Lm: ...`, which prints the training means: never validation.
            if ByteScan.matches(p, s, e, "[*] [ep"), s + 7 < e, ByteScan.isDigit(p[s + 7]) {
                if ByteScan.find(p, s, min(e, s + 40), " VAL ") != nil {
                    if !warnedInfinityVal {
                        warnedInfinityVal = true
                        warnings.add("infinity-val", line: lineNo, "info: Infinity's '[*] [epN]  VAL' lines print the training means, not validation: not read as validation (its TensorBoard vL_* tags are)")
                    }
                    return
                }
                if ByteScan.find(p, s, min(e, s + 40), "Lmean:") != nil { parseSummary(p, s + 7, e, lineNo, wall) }
                return
            }
            if ByteScan.matches(p, s, e, "[*] [PT finished]") {
                finished = true
                endMarker = LineRef(file: path, line: lineNo)
                return
            }
            if ByteScan.matches(p, s, e, "[INIT][#para]") { parseParams(p, s, e); return }
            // `[auto_resume success] resume from ep85, it0`: the epoch a restart resumes at, even
            // when the relaunch trains nothing (a finished run started again).
            if ByteScan.matches(p, s, e, "[auto_resume success]"),
               let k = ByteScan.find(p, s, e, "resume from ep"), let (ep, _) = ByteScan.parseInt(p, k + 14, e), ep >= 0 {
                launch.resume(epoch: ep)
                if pendingRestart { noteEpoch(ep) }
                return
            }
            if ByteScan.matches(p, s, e, "[dataloader] "), let k = ByteScan.find(p, s, e, "iters_train=") {
                if let (v, _) = ByteScan.parseInt(p, k + 12, e), v > 0 { itersFromDataloader = v }
                return
            }
            launch.look(p, s, e, line: lineNo)  // `[rank0]: Traceback ...` (torch >= 2.2)
            return
        }
        if c == 0x3D { // '=': RESTART banner
            if let k = ByteScan.find(p, s, e, " RESTART ") {
                let at = ByteScan.skipSpaces(p, k + 9, e)
                let time = VARTimestampClock.parse(p, at, e)
                let stamp = time != nil ? ByteScan.string(p, at + 1, at + 15) : nil
                if launch.banner(line: lineNo, stamp: stamp, time: time) {
                    pendingRestart = true
                    segment += 1
                }
            }
            return
        }
        if c == 0x69, ByteScan.matches(p, s, e, "initial args:") { block = .expectBrace(final: false, left: 3); return }
        if c == 0x66, ByteScan.matches(p, s, e, "final args:") {
            finished = true
            endMarker = LineRef(file: path, line: lineNo)
            finalConfig = []
            block = .expectBrace(final: true, left: 3)
            return
        }
        launch.look(p, s, e, line: lineNo)
    }

    /// A later `initial args` block (after a restart) updates earlier keys in place and adds new ones.
    static func merge(_ entry: ConfigEntry, into config: inout [ConfigEntry]) {
        if let i = config.firstIndex(where: { $0.key == entry.key }) { config[i].value = entry.value }
        else { config.append(entry) }
    }

    /// `  key                 : value` -> entry; nil when the line does not look like one.
    static func configEntry(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int) -> ConfigEntry? {
        var k = a
        while k < b, p[k] != 0x3A { k += 1 }
        guard k < b else { return nil }
        let (ka, kb) = ByteScan.trim(p, a, k)
        guard kb > ka else { return nil }
        for i in ka..<kb where ByteScan.isSpace(p[i]) { return nil }
        let (va, vb) = ByteScan.trim(p, k + 1, b)
        return ConfigEntry(key: ByteScan.string(p, ka, kb), value: ByteScan.string(p, va, vb))
    }

    private mutating func noteEpoch(_ ep: Int) {
        if pendingRestart {
            pendingRestart = false
            // The resumed run logs epoch `ep` onwards again: drop the earlier copies now rather
            // than at the end (the later occurrence wins either way).
            epoch.removePoints(fromX: ep)
            if let ipe = itersFromDataloader ?? itersFromLines { iter.removePoints(fromX: ep * ipe) }
            summaries.removeAll { $0.ep >= ep }
        }
    }

    /// After `[Ep]:` -> `[ ep/total]` then either `[ it/iters]  fields...` or `Total time: ... (x s / it)`.
    private mutating func parseEpLine(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ lineNo: Int, _ rawWall: Double?) {
        guard let (ep, total, j) = Self.bracketPair(p, s, e), ep >= 0 else {
            warnings.add("ep-line", line: lineNo, "unreadable [Ep]: line")
            return
        }
        if total > 0 { epochsFromLines = total }
        var k = ByteScan.skipSpaces(p, j, e)
        // Infinity's header is `[Ep]: [   0/100]:  [ 50/152]` (misc.py's `header + ':'`).
        if k < e, p[k] == 0x3A {
            infinityLines = true
            k = ByteScan.skipSpaces(p, k + 1, e)
        }
        if k < e, p[k] == 0x5B {
            guard let (it, iters, j2) = Self.bracketPair(p, k, e), it >= 0, iters > 0 else {
                warnings.add("ep-line", line: lineNo, "unreadable iteration counter in [Ep]: line")
                return
            }
            let (m, o1) = ep.multipliedReportingOverflow(by: iters)
            let (step, o2) = m.addingReportingOverflow(it)
            if o1 || o2 {
                warnings.add("overflow", line: lineNo, "step out of range (epoch \(ep), iteration \(it))")
                return
            }
            noteEpoch(ep)
            launch.progress(epoch: ep, step: step, line: lineNo)
            itersFromLines = iters
            iterationLines += 1
            let wall = rawWall.map { clock.monotonic($0) }
            parseFields(p, j2, e, lineNo, step: step, ep: ep, it: it, iters: iters, wall: wall)
            return
        }
        // VAR's `Total time: ... (x s / it)`, Infinity's `Cost of this ep:  0:12:40   (x s / it)`.
        let cost = ByteScan.matches(p, k, e, "Cost of this ep:")
        if cost { infinityLines = true }
        if ByteScan.matches(p, k, e, "Total time:") || cost {
            k += cost ? 16 : 11
            guard let paren = ByteScan.find(p, k, e, "("),
                  let (v, _) = ByteScan.parseDouble(p, ByteScan.skipSpaces(p, paren + 1, e), e) else {
                warnings.add("ep-line", line: lineNo, "unreadable 'Total time' line")
                return
            }
            noteEpoch(ep)
            launch.progress(epoch: ep, step: nil, line: lineNo)
            finishedEpochs.insert(ep)
            epoch.append(.secondsPerIteration, x: ep, value: v, wallTime: rawWall.map { clock.monotonic($0) })
        }
    }

    /// `[  12/200]` at p[s] -> (12, 200, index after `]`).
    static func bracketPair(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> (Int, Int, Int)? {
        var k = ByteScan.skipSpaces(p, s, e)
        guard k < e, p[k] == 0x5B else { return nil }
        k = ByteScan.skipSpaces(p, k + 1, e)
        guard let (a, k1) = ByteScan.parseInt(p, k, e) else { return nil }
        k = ByteScan.skipSpaces(p, k1, e)
        guard k < e, p[k] == 0x2F else { return nil }
        k = ByteScan.skipSpaces(p, k + 1, e)
        guard let (b, k2) = ByteScan.parseInt(p, k, e) else { return nil }
        k = ByteScan.skipSpaces(p, k2, e)
        guard k < e, p[k] == 0x5D else { return nil }
        return (a, b, k + 1)
    }

    private mutating func fieldIndex(_ p: UnsafePointer<UInt8>, _ a: Int, _ b: Int, hint: Int) -> Int {
        let n = b - a
        if hint < fields.count {
            let f = fields[hint].name
            if f.count == n, f.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p + a, n) }) == 0 { return hint }
        }
        for i in fields.indices {
            let f = fields[i].name
            if f.count == n, f.withUnsafeBufferPointer({ memcmp($0.baseAddress!, p + a, n) }) == 0 { return i }
        }
        let nameBytes = Array(UnsafeBufferPointer(start: p + a, count: n))
        let raw = String(decoding: nameBytes, as: UTF8.self)
        var slot = -1, avg = 0, sentinel = false
        if raw != "eta" {
            let name: MetricName
            if let mapped = options.nameMap[raw] { name = MetricName(mapped) }
            else if let v = VARNames.stdout[raw] { name = v }
            else if raw == "time" { name = "time/iter_time" }
            else if raw == "data" { name = "time/data_time" }
            else { name = VARNames.canonical(column: raw) }
            slot = iter.slot(name)
            if name == .trainAccMean { avg = 1 } else if name == .trainAccTail { avg = 2 }
            sentinel = name.isLoss || name.isAccuracy
        }
        fields.append(Field(name: nameBytes, slot: slot, avg: avg, sentinel: sentinel))
        return fields.count - 1
    }

    /// `  name: value  name: v1 (v2)  ...` (two-space separated).
    private mutating func parseFields(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ lineNo: Int,
                                      step: Int, ep: Int, it: Int, iters: Int, wall: Double?) {
        var k = s
        var accm: Double? = nil, acct: Double? = nil
        var hint = 0
        while k < e {
            k = ByteScan.skipSpaces(p, k, e)
            if k >= e { break }
            let ns = k
            // The name runs to the colon (names may hold single spaces: `max mem: 1234`).
            while k < e, p[k] != 0x3A, !(p[k] == 0x20 && k + 1 < e && p[k + 1] == 0x20) { k += 1 }
            let colon = k
            var ne = colon
            while ne > ns, p[ne - 1] == 0x20 { ne -= 1 }
            guard colon < e, p[colon] == 0x3A, ne > ns else {
                warnings.add("field", line: lineNo, "text without 'name: value' form in iteration line")
                k = Self.nextGap(p, colon < e && p[colon] == 0x3A ? colon + 1 : colon, e)
                continue
            }
            let fi = fieldIndex(p, ns, ne, hint: hint)
            hint = fi + 1
            let f = fields[fi]
            if f.slot < 0 { k = Self.nextGap(p, colon + 1, e); continue }
            let vs = ByteScan.skipSpaces(p, colon + 1, e)
            guard let (v, after) = ByteScan.parseDouble(p, vs, e) else {
                warnings.add("value", line: lineNo, "unreadable value for '\(String(decoding: f.name, as: UTF8.self))'")
                k = Self.nextGap(p, vs, e)
                continue
            }
            // A number that runs on into more number-like text (`0x1p3`, `1_000`, `5.0.1`, `1e`)
            // is not what the trainer printed as a decimal: read no prefix of it. A unit (`5.1s`)
            // may follow.
            if after < e, Self.continuesANumber(p[after]) {
                let end = Self.nextGap(p, vs, e)
                warnings.add("value", line: lineNo, "unreadable value for '\(String(decoding: f.name, as: UTF8.self))': '\(String(decoding: UnsafeBufferPointer(start: p + vs, count: min(end - vs, 40)), as: UTF8.self))' is not a decimal number")
                k = end
                continue
            }
            var q = after
            // An optional `(running average)` after the value.
            let open = ByteScan.skipSpaces(p, q, e)
            if open < e, p[open] == 0x28,
               let (a, after2) = ByteScan.parseDouble(p, ByteScan.skipSpaces(p, open + 1, e), e) {
                q = ByteScan.skipSpaces(p, after2, e)
                if q < e, p[q] == 0x29 { q += 1 }
                if f.avg != 0, !(f.sentinel && (a == -1 || a == 999)) {
                    if f.avg == 1 { accm = a } else { acct = a }
                }
            }
            // The value ends at a two-space gap; anything else up to the gap is ignored.
            k = (q >= e || (p[q] == 0x20 && (q + 1 >= e || p[q + 1] == 0x20))) ? q : Self.nextGap(p, q, e)
            if f.sentinel && (v == -1 || v == 999) { continue }
            iter.append(f.slot, x: step, value: v, wallTime: wall)
        }
        if accm != nil || acct != nil {
            // The current epoch's record stays out of the dictionary until the epoch changes.
            if let cur = currentAcc, cur.ep != ep { flushAcc() }
            if let cur = currentAcc, cur.acc.segment == segment, cur.acc.it > it { return }
            currentAcc = (ep, EpochAcc(segment: segment, it: it, last: it == iters - 1, accm: accm, acct: acct, wall: wall))
        }
    }

    /// True for a byte that, right after a parsed number, shows the number was longer than
    /// what was parsed: `.`, `_`, `x`, `e`, a sign, a comma-free digit group.
    static func continuesANumber(_ c: UInt8) -> Bool {
        c == 0x2E || c == 0x5F || c | 0x20 == 0x78 || c | 0x20 == 0x65 || c == 0x2B || c == 0x2D || ByteScan.isDigit(c)
    }

    /// `bytes` without ANSI escape sequences: CSI (`ESC [ params final`, colours and cursor
    /// moves), OSC (`ESC ] ... BEL` or `ESC \`, window titles) and two-byte escapes.
    static func withoutEscapes(_ bytes: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let c = bytes[i]
            guard c == 0x1B else { out.append(c); i += 1; continue }
            i += 1
            guard i < n else { break }
            switch bytes[i] {
            case 0x5B: // CSI: parameters and intermediates, then one final byte 0x40-0x7E
                i += 1
                while i < n, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
                i += 1
            case 0x5D: // OSC: up to BEL or ESC backslash
                i += 1
                while i < n, bytes[i] != 0x07, !(bytes[i] == 0x1B && i + 1 < n && bytes[i + 1] == 0x5C) { i += 1 }
                i += i < n && bytes[i] == 0x07 ? 1 : 2
            default:
                i += 1
            }
        }
        return out
    }

    /// The index of the next two-space gap at or after `i`, or `e`.
    static func nextGap(_ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int) -> Int {
        var k = i
        while k < e, !(p[k] == 0x20 && k + 1 < e && p[k + 1] == 0x20) { k += 1 }
        return k
    }

    /// `[ep12]  (training )  Lm: a (b), Lt: a (b),  Acc m&t: ...`, or Infinity's `[ep3]  Lmean:
    /// a (b), Ltail a (b),  Acc m-t: ...` (p[s] is the first digit).
    private mutating func parseSummary(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int, _ lineNo: Int, _ rawWall: Double?) {
        guard let (ep, j) = ByteScan.parseInt(p, s, e), ep >= 0, j < e, p[j] == 0x5D else { return }
        // ` [*] [ep9]  (val 50000)` never reaches here (it starts with `[*]`); forks that print
        // `[ep9]  (val ...)` are skipped by requiring `(training`.
        let infinity = ByteScan.find(p, j, min(e, j + 40), "Lmean:") != nil
        guard infinity || ByteScan.find(p, j, min(e, j + 40), "(training") != nil else { return }
        if infinity { infinityLines = true }
        func pair(_ key: StaticString) -> (Double, Double)? {
            guard let k = ByteScan.find(p, j, e, key) else { return nil }
            let a0 = ByteScan.skipSpaces(p, k + key.utf8CodeUnitCount, e)
            guard let (a, k1) = ByteScan.parseDouble(p, a0, e) else { return nil }
            var q = ByteScan.skipSpaces(p, k1, e)
            guard q < e, p[q] == 0x28 else { return (a, a) } // a fork printing one value: it is CUR
            q = ByteScan.skipSpaces(p, q + 1, e)
            guard let (b, _) = ByteScan.parseDouble(p, q, e) else { return nil }
            return (a, b)
        }
        // Infinity: `Lmean: BEST (CUR), Ltail BEST (CUR)` (no colon after Ltail).
        let lm = infinity ? pair("Lmean:") : pair("Lm:"), lt = infinity ? pair("Ltail ") : pair("Lt:")
        if lm == nil && lt == nil {
            warnings.add("summary", line: lineNo, "epoch summary without readable 'Lm: a (b)' / 'Lt: a (b)'")
            return
        }
        noteEpoch(ep)
        launch.progress(epoch: ep, step: nil, line: lineNo)
        finishedEpochs.insert(ep)
        summaries.append(Summary(ep: ep, lm: lm, lt: lt, line: lineNo, segment: segment,
                                 wall: rawWall.map { clock.monotonic($0) }))
    }

    private mutating func parseParams(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) {
        var k = s
        while let hit = ByteScan.find(p, k, e, "VAR=") {
            if hit == s || p[hit - 1] == 0x20 || p[hit - 1] == 0x2C || p[hit - 1] == 0x5D {
                if let (v, _) = ByteScan.parseDouble(p, hit + 4, e), v.isFinite, v >= 0 { params = v }
                return
            }
            k = hit + 1
        }
    }

    /// Decides whether summaries print `BEST (CUR)` (true, VAR's order) or `CUR (BEST)`.
    func bestFirst() -> Bool {
        var score = 0
        var prev: Summary? = nil
        for sm in summaries {
            for pr in [sm.lm, sm.lt].compactMap({ $0 }) where !Self.isSentinel(pr.0) && !Self.isSentinel(pr.1) {
                if pr.0 < pr.1 { score += 1 } else if pr.0 > pr.1 { score -= 1 }
            }
            if let pv = prev, pv.segment == sm.segment, pv.ep < sm.ep {
                for (x, y) in [(pv.lm, sm.lm), (pv.lt, sm.lt)] {
                    guard let x, let y else { continue }
                    if y.0 > x.0 { score -= 1 }   // first column got worse: it is not a best-so-far
                    if y.1 > x.1 { score += 1 }
                }
            }
            prev = sm
        }
        return score >= 0
    }

    static func isSentinel(_ v: Double) -> Bool { v == -1 || v == 999 }


    mutating func finish(_ stats: LineStats) -> Run {
        if stats.lastLineUnterminated {
            warnings.add("eof", line: stats.lines, "last line has no newline (the file may still be written); its values may be cut short")
        }
        for l in stats.overlongLines {
            warnings.add("long", line: l, "line longer than 64 MB; only its start was read")
        }
        if crLines > 0 {
            warnings.add("cr", "info: \(crLines) lines with carriage returns (progress output): the text after the last one was read")
        }
        if nulLines > 1 { warnings.add("nul", "\(nulLines) lines held NUL bytes") }

        flushAcc()
        let bf = bestFirst()
        for sm in summaries {
            if let lm = sm.lm {
                let cur = bf ? lm.1 : lm.0
                if !Self.isSentinel(cur) { epoch.append(.trainLossMean, x: sm.ep, value: cur, wallTime: sm.wall) }
            }
            if let lt = sm.lt {
                let cur = bf ? lt.1 : lt.0
                if !Self.isSentinel(cur) { epoch.append(.trainLossTail, x: sm.ep, value: cur, wallTime: sm.wall) }
            }
        }
        if !summaries.isEmpty && !bf {
            warnings.add("order", "info: epoch summaries print 'CUR (BEST)' (a fork's order); read accordingly")
        }
        for (ep, a) in epochAcc where a.last || finishedEpochs.contains(ep) {
            if let v = a.accm { epoch.append(.trainAccMean, x: ep, value: v, wallTime: a.wall) }
            if let v = a.acct { epoch.append(.trainAccTail, x: ep, value: v, wallTime: a.wall) }
        }

        let iterSeries = iter.finish()
        let epochSeries = epoch.finish()
        var info = SourceInfo(path: path, format: .varStdout)
        if let (a, b) = epochSeries.xRange { info.firstEpoch = a; info.lastEpoch = b }
        if let (a, b) = iterSeries.xRange { info.firstStep = a; info.lastStep = b }

        var finalValidation: [MetricName: Double] = [:]
        for entry in finalConfig {
            guard entry.key.hasPrefix("v"), let name = VARNames.logTxt[entry.key], name.isValidation else { continue }
            if let v = Double(entry.value), !Self.isSentinel(v) { finalValidation[name] = v }
        }
        let cfg = config.isEmpty ? finalConfig : config
        let planned = cfg.last(where: { $0.key == "ep" }).flatMap { Int($0.value) } ?? epochsFromLines
        if summaries.isEmpty && iterationLines == 0 && config.isEmpty && finalConfig.isEmpty {
            warnings.add("empty", "no VAR iteration lines, epoch summaries or args block found")
        }
        info.warnings = warnings.finish()
        var run = Run(name: "", path: path, config: cfg,
                      iterationsPerEpoch: itersFromDataloader ?? itersFromLines,
                      epochsPlanned: planned.flatMap { $0 > 0 ? $0 : nil }, parametersMillions: params,
                      restartEpochs: Launch.resumeEpochs(launch.launches), finishedMarker: finished,
                      finalValidation: finalValidation, series: iterSeries + epochSeries, sources: [info])
        run.launches = launch.launches
        run.crashEvidence = launch.finishedEvidence()
        run.endMarker = endMarker
        if infinityLines { run.familyHint = "infinity" }
        run.name = RunNaming.name(forFile: path)
        return run
    }
}
