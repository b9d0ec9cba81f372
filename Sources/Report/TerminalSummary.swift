import Analysis
import Foundation
import TextFormat

/// The summary as a readable terminal table (`varreport summary RUN`).
public enum TerminalSummary {
    public static func render(_ model: ReportModel, color: Bool) -> String {
        let s = model.summary
        // Our colour codes are built with TerminalText's marker, so that the names from the logs
        // can be cleaned of escape sequences at the end without losing them.
        let esc = String(TerminalText.styleMarker)
        func paint(_ text: String, _ code: String) -> String { color ? "\(esc)[\(code)m\(text)\(esc)[0m" : text }
        let verdictColour: String
        switch model.verdictClass {
        case "ok": verdictColour = "1;32"
        case "bad": verdictColour = "1;31"
        default: verdictColour = "1;33"
        }
        var out = ""
        out += paint(s.run.name, "1") + "  (\(s.run.path))\n"
        let epochs = s.run.epochsPlanned.map { "\(s.run.epochsCompleted)/\($0)" } ?? "\(s.run.epochsCompleted)"
        if s.run.epochsCompleted == 0, s.run.epochsPlanned == nil, let step = s.run.lastStep {
            out += "status \(s.run.status.rawValue), logged to step \(step) (no epochs in the logs), restarts \(s.run.restarts)"
        } else {
            out += "status \(s.run.status.rawValue), epochs \(epochs), restarts \(s.run.restarts)"
        }
        if s.run.idleLaunches > 0 { out += " (\(s.run.launches) launches, \(s.run.idleLaunches) trained nothing)" }
        if let h = s.run.totalHours { out += ", \(NumberFormat.hours(h)) of training" }
        // Why the status is what it is, unless the run simply finished.
        if s.run.status != .finished, !s.run.statusReason.isEmpty { out += "\n" + s.run.statusReason }
        out += "\n\n"
        out += paint(model.verdictLabel, verdictColour) + ": " + model.headlineDetail + "\n\n"

        // One threshold for every judged loss goes in the header; several get a column of their
        // own; none (no loss was judged against a bar) names none.
        let judged = !model.thresholds.isEmpty
        let common = judged ? model.commonThreshold : nil
        var header = ["metric", "last", "best", "best at", "smoothed"]
        header += common.map { ["first < \(NumberFormat.compact($0))"] } ?? (judged ? ["bar", "first below"] : ["first below"])
        header.append("stays below")
        let rows: [[String]] = model.keyRows.map { r in
            var row = [r.name, r.last, r.best, r.bestAt, r.smoothed]
            if judged, common == nil { row.append(r.threshold.map { NumberFormat.compact($0) } ?? "") }
            return row + [r.firstBelow, r.staysBelow]
        }
        out += table(header: header, rows: rows, rightAligned: Set(1..<header.count))
        let others = model.otherRows.count
        if others > 0 { out += "(\(others) more metrics in --json)\n" }
        if !model.findings.isEmpty {
            out += "\nfindings:\n"
            for f in model.findings {
                let tag: String
                switch f.severity {
                case .critical: tag = paint("critical", "31")
                case .warning: tag = paint("warning", "33")
                case .info: tag = paint("info", "36")
                }
                out += "  \(tag)  \(f.message)\n"
                if let r = f.recommendation { out += "           -> \(r)\n" }
            }
        }
        return TerminalText.safeStyled(out)
    }

    /// A plain text table with columns padded to their widest cell.
    public static func table(header: [String], rows: [[String]], rightAligned: Set<Int>) -> String {
        let all = [header] + rows
        var widths = [Int](repeating: 0, count: header.count)
        for r in all { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ r: [String]) -> String {
            r.enumerated().map { i, c in
                let pad = String(repeating: " ", count: max(0, widths[i] - c.count))
                return rightAligned.contains(i) ? pad + c : c + pad
            }.joined(separator: "  ").replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)
        }
        var out = line(header) + "\n"
        out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
        for r in rows { out += line(r) + "\n" }
        return out
    }
}
