import Foundation
import Render
import TextFormat
import TrainingLog

/// Every scalar of a run in canonical names, as `varreport export` writes it (CONTRACT.md): the
/// columns of TensorBoard's CSV download plus the epoch, one row per point, sorted by metric then
/// step (then epoch). An iteration point's epoch is its step's epoch when iterations per epoch are
/// known; an epoch point's step is the steps done by its epoch's end, (epoch + 1) x iterations per
/// epoch, as in summary.json and where a step axis draws it. `wall_time` is Unix seconds,
/// as in TensorBoard's download: a console's year-less time that could not be put on the Unix
/// clock (`ConsoleClock`) is left empty, not passed off as one. Unknown cells are empty;
/// non-finite values are spelled `nan`, `inf`, `-inf`.
public enum ScalarExport {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    struct Row {
        var metric: String
        var epoch: Int?
        var step: Int?
        var wallTime: Double?
        var value: Double
    }

    /// The rows of `run` (of one granularity only when `level` is given: a metric such as
    /// `train/loss_tail` has both epoch averages and per-iteration values, which can share a step).
    public static func data(_ run: Run, format: Format, level: Granularity? = nil) -> Data {
        let rows = self.rows(run, level: level)
        var out = ""
        out.reserveCapacity(rows.count * 48)
        switch format {
        case .csv:
            out += "metric,epoch,step,wall_time,value\n"
            for r in rows {
                out += csvField(r.metric) + "," + (r.epoch.map(String.init) ?? "") + "," + (r.step.map(String.init) ?? "") + ","
                out += (r.wallTime.map(number) ?? "") + "," + number(r.value) + "\n"
            }
        case .jsonl:
            for r in rows {
                out += "{\"metric\":" + jsonString(r.metric) + ",\"epoch\":" + (r.epoch.map(String.init) ?? "null")
                out += ",\"step\":" + (r.step.map(String.init) ?? "null") + ",\"wall_time\":" + (r.wallTime.map(number) ?? "null")
                out += ",\"value\":" + (r.value.isFinite ? number(r.value) : "\"" + number(r.value) + "\"") + "}\n"
            }
        }
        return Data(out.utf8)
    }

    static func rows(_ run: Run, level: Granularity? = nil) -> [Row] {
        let ipe = run.iterationsPerEpoch.flatMap { $0 > 0 ? $0 : nil }
        var rows: [Row] = []
        for s in run.series where level == nil || s.granularity == level {
            let times = s.hasWallTimes ? s.wallTimes : []
            for i in 0..<s.count {
                let x = s.xs[i]
                let wall = i < times.count && ConsoleClock.isUnixTime(times[i]) ? times[i] : nil
                switch s.granularity {
                case .iteration:
                    rows.append(Row(metric: s.name.rawValue, epoch: ipe.map { x >= 0 ? x / $0 : x }, step: x, wallTime: wall, value: s.values[i]))
                case .epoch:
                    rows.append(Row(metric: s.name.rawValue, epoch: x, step: ipe.flatMap { PointOrigin.stepsDone(epoch: x, iterationsPerEpoch: $0) },
                                    wallTime: wall, value: s.values[i]))
                }
            }
        }
        return rows.enumerated().sorted { a, b in
            let (l, r) = (a.element, b.element)
            if l.metric != r.metric { return l.metric < r.metric }
            if (l.step ?? Int.min) != (r.step ?? Int.min) { return (l.step ?? Int.min) < (r.step ?? Int.min) }
            if (l.epoch ?? Int.min) != (r.epoch ?? Int.min) { return (l.epoch ?? Int.min) < (r.epoch ?? Int.min) }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// How many points have a time on a year-less console clock only, so an empty `wall_time`.
    public static func pointsWithoutUnixTime(_ run: Run, level: Granularity? = nil) -> Int {
        run.series.lazy.filter { level == nil || $0.granularity == level }.reduce(0) { n, s in
            n + s.wallTimes.lazy.filter { $0.isFinite && !ConsoleClock.isUnixTime($0) }.count
        }
    }

    /// Shortest round-trip form ("0.1", "5.4023", "1e-05"), `nan`, `inf`, `-inf`.
    static func number(_ v: Double) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v > 0 ? "inf" : "-inf" }
        return "\(v)"
    }

    static func csvField(_ s: String) -> String { CSVText.field(s) }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += cFormat("\\u%04x", Int(u.value)) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
