import Foundation

/// Reads a LlamaGen training log (FoundationVision/LlamaGen `autoregressive/train/train_*.py`,
/// written by its logger to the console and to `results/NNN-GPT-X/log.txt`). Its lines carry an
/// ANSI-coloured `[YYYY-MM-DD HH:MM:SS]` time, then the message:
///
/// - `(step=0000100) Train Loss: 7.1234, Train Steps/Sec: 1.23`: the running mean of the token
///   cross-entropy since the last line (`train/loss`) and the speed (`time/sec_per_iter`); forks
///   print `Train Sec/Step`, `Current learning rate` / `lr` (`opt/lr`) and `Max Grad Norm` /
///   `Grad Norm` (`opt/grad_norm`) on the same line.
/// - `Namespace(vocab_size=16384, epochs=300, global_batch_size=256, ...)`: the configuration.
/// - `Dataset contains 1,281,167 images ...` and `global_batch_size`: iterations per epoch.
/// - `Training for 300 epochs...`, `Beginning epoch 5...`, `GPT Parameters: 111,060,736`, `Done!`.
///
/// A step-counted run. Its points are at 0-based iteration indices, as VAR counts steps: LlamaGen's
/// `step=N` is the N-th iteration, index N - 1, so that step 1000 of a 1000-step epoch is in epoch
/// 0. A `Resume training from checkpoint` line starts a new launch (a restart at the `epochs=` of
/// its `Initial state` line).
public enum LlamaGenReader {
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try LlamaGenParser.read(path: path, options: options)
    }

    /// Parses log text held in memory (tests, fuzzing); `path` names it.
    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        LlamaGenParser.parse(bytes, path: path, options: options)
    }

    /// True when a line is one of LlamaGen's step lines (for format detection).
    static func isStepLine(_ l: ArraySlice<UInt8>) -> Bool {
        l.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return false }
            guard let s = ByteScan.find(p, 0, b.count, "(step=") else { return false }
            return ByteScan.find(p, s, b.count, "Loss:") != nil
        }
    }
}

struct LlamaGenParser: LineParser {
    let path: String
    let options: LoadOptions
    var loss: Series
    var secondsPerStep: Series
    var learningRate: Series
    var gradNorm: Series
    var config: [ConfigEntry] = []
    var datasetSize: Int?
    var epochsPlanned: Int?
    var parameters: Double?
    var endMarker: LineRef?
    var launch: LaunchTracker
    var lastStep = -1
    var warnings: [Diagnostic] = []

    init(path: String, options: LoadOptions) {
        self.path = path
        self.options = options
        loss = Series(name: options.canonical(column: "train/loss"), granularity: .iteration, source: path)
        secondsPerStep = Series(name: .secondsPerIteration, granularity: .iteration, source: path)
        learningRate = Series(name: .learningRate, granularity: .iteration, source: path)
        gradNorm = Series(name: .gradNorm, granularity: .iteration, source: path)
        launch = LaunchTracker(file: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        guard let p = line.baseAddress, line.count > 0 else { return }
        let e = line.count
        // The text after the last carriage return is what a terminal showed (tqdm bars).
        var s = 0
        var k = e - 1
        while k > 0, p[k] != 0x0D { k -= 1 }
        if p[k] == 0x0D { s = k + 1 }
        // NUL bytes (a crash left a hole in the file): the text after the last one is read.
        if e > s, memchr(p + s, 0, e - s) != nil {
            var z = e - 1
            while z >= s, p[z] != 0 { z -= 1 }
            s = z + 1
            warnings.append(Diagnostic(file: path, line: lineNo, message: "NUL bytes in line; the text after them is read"))
        }
        // The time prefix: `[` ESC[34m `2024-06-01 12:00:00` ESC[0m `] `, colour codes optional.
        var wall: Double? = nil
        if s < e, p[s] == 0x5B, let close = ByteScan.find(p, s, min(e, s + 48), "] ") {
            wall = Self.time(ByteScan.string(p, s + 1, close))
            s = close + 2
        }
        s = ByteScan.skipSpaces(p, s, e)
        guard s < e else { return }
        if let at = ByteScan.find(p, s, min(e, s + 16), "(step="), let n = ByteScan.parseInt(p, at + 6, e) {
            stepLine(p, n.next, e, step: n.value - 1, wall: wall, lineNo: lineNo)
            return
        }
        let text = ByteScan.string(p, s, e)
        if text.hasPrefix("Namespace(") {
            config = Self.namespace(text)
            if let v = config.first(where: { $0.key == "epochs" }).flatMap({ Int($0.value) }) { epochsPlanned = v }
        } else if text.hasPrefix("Dataset contains ") {
            datasetSize = Self.leadingCount(text.dropFirst("Dataset contains ".count))
        } else if text.hasPrefix("Training for "), let n = Self.leadingCount(text.dropFirst("Training for ".count)) {
            epochsPlanned = n
        } else if text.hasPrefix("GPT Parameters: "), let n = Self.leadingCount(text.dropFirst("GPT Parameters: ".count)) {
            parameters = Double(n) / 1e6
        } else if text.hasPrefix("Resume training from checkpoint") {
            _ = launch.banner(line: lineNo, stamp: nil, time: wall)
        } else if text.hasPrefix("Initial state:"), let r = text.range(of: "epochs="),
                  let epoch = Int(text[r.upperBound...].prefix { $0.isNumber }) {
            launch.resume(epoch: epoch)
        } else if text.hasPrefix("Done!") {
            endMarker = LineRef(file: path, line: lineNo)
        } else {
            launch.look(p, s, e, line: lineNo)
        }
    }

    mutating func stepLine(_ p: UnsafePointer<UInt8>, _ from: Int, _ e: Int, step: Int, wall: Double?, lineNo: Int) {
        if step <= lastStep {
            warnings.append(Diagnostic(file: path, line: lineNo,
                                       message: "step \(step + 1) after step \(lastStep + 1): a restart from a checkpoint; the later values are kept"))
            loss.removePoints(fromX: step)
            secondsPerStep.removePoints(fromX: step)
            learningRate.removePoints(fromX: step)
            gradNorm.removePoints(fromX: step)
        }
        lastStep = step
        func value(after label: StaticString) -> Double? {
            guard let at = ByteScan.find(p, from, e, label) else { return nil }
            return ByteScan.parseDouble(p, ByteScan.skipSpaces(p, at + label.utf8CodeUnitCount, e), e)?.value
        }
        if let v = value(after: "Loss:") { loss.append(x: step, value: v, wallTime: wall) }
        if let v = value(after: "Sec/Step:") { secondsPerStep.append(x: step, value: v, wallTime: wall) }
        else if let v = value(after: "Steps/Sec:"), v > 0 { secondsPerStep.append(x: step, value: 1 / v, wallTime: wall) }
        if let v = value(after: "learning rate:") ?? value(after: "lr:") ?? value(after: "LR:") {
            learningRate.append(x: step, value: v, wallTime: wall)
        }
        if let v = value(after: "Grad Norm:") ?? value(after: "grad_norm:") { gradNorm.append(x: step, value: v, wallTime: wall) }
        launch.progress(epoch: nil, step: step, line: lineNo)
    }

    mutating func finish(_ stats: LineStats) -> Run {
        if stats.lastLineUnterminated {
            warnings.append(Diagnostic(file: path, line: stats.lines, message: "the last line is cut off (the log is still being written?)"))
        }
        let batch = config.first { $0.key == "global_batch_size" }.flatMap { Int($0.value) }
        let ipe = datasetSize.flatMap { d in batch.map { b in b > 0 ? d / b : 0 } }.flatMap { $0 > 0 ? $0 : nil }
        let series = [loss, secondsPerStep, learningRate, gradNorm].filter { !$0.isEmpty }
        let steps = series.flatMap(\.xs)
        var run = Run(name: RunNaming.name(forFile: path), path: path, config: config, iterationsPerEpoch: ipe,
                      epochsPlanned: epochsPlanned, parametersMillions: parameters, series: series,
                      sources: [SourceInfo(path: path, format: .llamaGen, firstStep: steps.min(), lastStep: steps.max(),
                                           warnings: warnings)])
        run.finishedMarker = endMarker != nil
        run.endMarker = endMarker
        run.launches = launch.launches
        run.crashEvidence = launch.finishedEvidence()
        return run
    }

    /// `2024-06-01 12:00:00` (after ANSI colour codes are taken out) as Unix seconds, UTC.
    static func time(_ raw: String) -> Double? {
        var text = ""
        var inEscape = false
        for c in raw.unicodeScalars {
            if c == "\u{1B}" { inEscape = true; continue }
            if inEscape { if c == "m" { inEscape = false }; continue }
            text.unicodeScalars.append(c)
        }
        let parts = text.split { $0 == "-" || $0 == " " || $0 == ":" }.compactMap { Int($0) }
        guard parts.count == 6, (1970...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2]),
              (0...23).contains(parts[3]), (0...59).contains(parts[4]), (0...60).contains(parts[5]) else { return nil }
        var t = tm()
        t.tm_year = Int32(parts[0] - 1900); t.tm_mon = Int32(parts[1] - 1); t.tm_mday = Int32(parts[2])
        t.tm_hour = Int32(parts[3]); t.tm_min = Int32(parts[4]); t.tm_sec = Int32(parts[5])
        return Double(timegm(&t))
    }

    /// `1,281,167 images ...` -> 1281167.
    static func leadingCount(_ s: Substring) -> Int? {
        Int(String(s.prefix { $0.isNumber || $0 == "," }.filter(\.isNumber)))
    }

    /// `Namespace(a=1, b='x', c=[1, 2])` -> its top-level `key=value` pairs, values as written.
    static func namespace(_ text: String) -> [ConfigEntry] {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else { return [] }
        var entries: [ConfigEntry] = []
        var depth = 0
        var quote: Character? = nil
        var current = ""
        func flush() {
            let item = current.trimmingCharacters(in: .whitespaces)
            current = ""
            guard let eq = item.firstIndex(of: "=") else { return }
            var value = String(item[item.index(after: eq)...])
            if value.count >= 2, let f = value.first, f == "'" || f == "\"", value.last == f { value = String(value.dropFirst().dropLast()) }
            entries.append(ConfigEntry(key: String(item[..<eq]), value: value))
        }
        for c in text[text.index(after: open)..<close] {
            if let q = quote { current.append(c); if c == q { quote = nil }; continue }
            switch c {
            case "'", "\"": quote = c; current.append(c)
            case "(", "[", "{": depth += 1; current.append(c)
            case ")", "]", "}": depth -= 1; current.append(c)
            case "," where depth == 0: flush()
            default: current.append(c)
            }
        }
        flush()
        return entries
    }
}
