import Foundation
import TrainingLog

/// A small VAR-like run built in code, so report tests do not depend on the readers.
/// train/loss_tail falls as 5.2 + 3.118 * exp(-e / 12): it first goes below 5.5 at epoch 29 (12 ln(3.118/0.3) = 28.1).
enum SyntheticRun {
    static func make(name: String = "synthetic-d16", epochs: Int = 60, withValidation: Bool = true) -> Run {
        let ipe = 100
        var lt = Series(name: .trainLossTail, granularity: .epoch, source: "/tmp/synthetic/stdout.txt")
        var lm = Series(name: .trainLossMean, granularity: .epoch, source: "/tmp/synthetic/stdout.txt")
        var acc = Series(name: .trainAccTail, granularity: .epoch, source: "/tmp/synthetic/stdout.txt")
        var iterLt = Series(name: .trainLossTail, granularity: .iteration, source: "/tmp/synthetic/stdout.txt")
        var lr = Series(name: .learningRate, granularity: .iteration, source: "/tmp/synthetic/stdout.txt")
        var vlt = Series(name: .valLossTail, granularity: .epoch, source: "/tmp/synthetic/log.txt")
        for e in 0..<epochs {
            let t = Double(e)
            lt.append(x: e, value: 5.2 + 3.118 * exp(-t / 12), wallTime: 1000 + t * 3600)
            lm.append(x: e, value: 5.85 + 2.468 * exp(-t / 12), wallTime: 1000 + t * 3600)
            acc.append(x: e, value: 7 * (1 - exp(-t / 12)), wallTime: 1000 + t * 3600)
            for i in stride(from: 0, to: ipe, by: 20) {
                let s = e * ipe + i
                let ts = Double(s) / Double(ipe)
                iterLt.append(x: s, value: 5.2 + 3.118 * exp(-ts / 12) + 0.05 * sin(Double(s)))
                lr.append(x: s, value: 1e-4 * (1 - Double(s) / Double(epochs * ipe)))
            }
            if withValidation && (e + 1) % 10 == 0 {
                vlt.append(x: e, value: 5.4 + 3.0 * exp(-t / 12) + (e >= 39 ? 0.01 * (t - 39) : 0))
            }
        }
        var series = [lt, lm, acc, iterLt, lr]
        if withValidation { series.append(vlt) }
        return Run(name: name, path: "/tmp/synthetic/\(name)",
                   config: [ConfigEntry(key: "depth", value: "16"), ConfigEntry(key: "ep", value: "\(epochs)"),
                            ConfigEntry(key: "tblr", value: "1e-4")],
                   iterationsPerEpoch: ipe, epochsPlanned: epochs, parametersMillions: 310.28,
                   restartEpochs: [], finishedMarker: true, series: series,
                   sources: [SourceInfo(path: "/tmp/synthetic/stdout.txt", format: .varStdout, firstEpoch: 0,
                                        lastEpoch: epochs - 1,
                                        warnings: [Diagnostic(file: "/tmp/synthetic/stdout.txt", line: 12,
                                                              message: "a line with NUL bytes was cleaned")])])
    }
}
