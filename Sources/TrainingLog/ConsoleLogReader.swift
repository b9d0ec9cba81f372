/// Reads a console log that holds no metrics (VAR's `stderr.txt`, a scheduler's `.err` / `.out`
/// file) for what it can say about the run's end: its RESTART banners and its crash evidence
/// (`CrashEvidence`). It contributes no series.
public enum ConsoleLogReader {
    public static func read(path: String, options: LoadOptions = .init()) throws(Diagnostic) -> Run {
        try ConsoleLogParser.read(path: path, options: options)
    }

    /// Parses console text held in memory (tests, fuzzing); `path` names it.
    public static func parse(_ bytes: [UInt8], path: String, options: LoadOptions = .init()) -> Run {
        ConsoleLogParser.parse(bytes, path: path, options: options)
    }
}

struct ConsoleLogParser: LineParser {
    let path: String
    var launch: LaunchTracker

    init(path: String, options: LoadOptions) {
        self.path = path
        launch = LaunchTracker(file: path)
    }

    mutating func feed(_ line: UnsafeBufferPointer<UInt8>, _ lineNo: Int) {
        guard let p = line.baseAddress, line.count > 0 else { return }
        var s = 0
        let e = line.count
        // The text after the last carriage return is what a terminal showed.
        var k = e - 1
        while k > 0, p[k] != 0x0D { k -= 1 }
        if p[k] == 0x0D { s = k + 1 }
        // VAR's print prefix, when the line has one.
        if e - s >= 16, p[s] == 0x5B, VARTimestampClock.parse(p, s, e) != nil,
           let arrow = ByteScan.find(p, s + 16, min(e, s + 96), ")=>") {
            s = arrow + 3
        }
        s = ByteScan.skipSpaces(p, s, e)
        guard s < e else { return }
        if p[s] == 0x3D, let r = ByteScan.find(p, s, e, " RESTART ") {
            let at = ByteScan.skipSpaces(p, r + 9, e)
            let time = VARTimestampClock.parse(p, at, e)
            _ = launch.banner(line: lineNo, stamp: time != nil ? ByteScan.string(p, at + 1, at + 15) : nil, time: time)
            return
        }
        launch.look(p, s, e, line: lineNo)
    }

    mutating func finish(_ stats: LineStats) -> Run {
        var run = Run(name: RunNaming.name(forFile: path), path: path,
                      sources: [SourceInfo(path: path, format: .console)])
        run.launches = launch.launches
        run.crashEvidence = launch.finishedEvidence()
        return run
    }
}
