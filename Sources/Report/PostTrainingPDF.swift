import Analysis
import Foundation
import Render
import TrainingLog
import TextFormat

/// The post-training PDF: page 1 is what a reader gets in 30 seconds (run, verdict, key numbers,
/// findings with recommendations); then the figures, full width; then configuration, sources and
/// warnings. Every section is a PDF bookmark; pages are numbered.
struct PostTrainingPDF {
    let model: ReportModel
    let figures: [NamedFigure]

    var summary: Summary { model.summary }
    var labels: Labels { model.labels }

    func document() -> PDFDocument {
        let s = summary
        let doc = PDFDocument(title: "\(labels["report_title"]): \(s.run.name)", author: "varreport",
                              subject: "VAR training run \(s.run.name)", creator: "varreport \(ReportContext.toolVersion)")
        let pageOf = labels["page_of"]
        doc.footerText = { page, total in
            pageOf.replacingOccurrences(of: "{n}", with: "\(page)").replacingOccurrences(of: "{total}", with: total.map(String.init) ?? "?")
        }
        firstPage(doc)
        doc.sectionBreak()
        runAndAllFindings(doc)
        doc.sectionBreak()
        doc.heading(labels["figures"], level: 1)
        for nf in figures {
            doc.heading(nf.title, level: 2)
            doc.figure(nf.figure, caption: nf.caption.isEmpty ? nil : nf.caption)
        }
        doc.sectionBreak()
        sourcesAndConfig(doc)
        return doc
    }

    /// Page 1, the 30-second read: the run, the verdict with its evidence, the key numbers and
    /// what needs attention, with recommendations.
    func firstPage(_ doc: PDFDocument) {
        let s = summary
        doc.heading("\(labels["report_title"]): \(s.run.name)", level: 1)
        var subtitle = s.run.path
        let keyConfig = ["depth", "bs", "ep", "tblr", "twd", "pn", "fp16"].compactMap { k in s.run.config[k].map { "\(k)=\($0)" } }
        if !keyConfig.isEmpty { subtitle += "   " + keyConfig.joined(separator: "  ") }
        doc.text(subtitle)
        var facts = "\(labels["status"]): \(model.statusLabel) · \(labels["epochs"]): \(model.epochsText) · \(labels["restarts"]): \(s.run.restarts)"
        if let h = s.run.totalHours { facts += " · \(labels["time"]): \(NumberFormat.hours(h))" }
        if let p = s.run.parametersMillions { facts += " · " + cFormat("%.1f M", p) + " " + labels["parameters"].lowercased() }
        doc.text(facts)
        doc.space(6)

        doc.paragraph("<span size=\"x-large\" weight=\"bold\" foreground=\"\(verdictColour)\">\(labels["verdict"]): \(escape(model.verdictLabel))</span>")
        doc.paragraph(escape(model.headlineDetail))
        doc.space(4)

        doc.heading(labels["key_numbers"], level: 2)
        // A column of thresholds only when the losses were judged against different ones (the
        // line under the table says the threshold either way); a page has room for 7 columns.
        let perRow = model.commonThreshold == nil
        let rows = model.keyRows.map { r in
            [r.name, r.last, r.best, r.bestAt, r.smoothed] + (perRow ? [r.threshold.map { NumberFormat.compact($0) } ?? ""] : [])
                + [r.firstBelow, r.staysBelow]
        }
        doc.table(header: [labels["metric"], labels["last"], labels["best"], labels["best_epoch"], labels["smoothed"]]
                      + (perRow ? [labels["threshold"]] : []) + [labels["first_below"], labels["stays_below"]],
                  rows: rows,
                  columnAlignments: [.leading] + Array(repeating: .trailing, count: perRow ? 7 : 6))
        doc.text("\(labels["threshold"]) \(model.thresholdText); \(labels["uniform_loss"]) \(NumberFormat.loss(s.uniformLoss)) (V = \(s.vocabSize)).")

        doc.heading(labels["findings"], level: 2)
        let attention = model.findings.filter { $0.severity != .info }
        if attention.isEmpty { doc.text(labels["no_findings"]) }
        for f in attention { finding(f, doc) }
        let more = model.findings.count - attention.count
        if more > 0 { doc.textIfRoom(labels["more_info_findings"].replacingOccurrences(of: "{n}", with: "\(more)")) }
    }

    func runAndAllFindings(_ doc: PDFDocument) {
        let s = summary
        doc.heading(labels["run"], level: 1)
        var facts: [(String, String)] = [
            (labels["status"], plain(model.statusReason.isEmpty ? model.statusLabel : "\(model.statusLabel): \(model.statusReason)")),
            (labels["epochs"], model.epochsText),
            (labels["restarts"], model.restartsText),
        ]
        if let p = s.run.parametersMillions { facts.append((labels["parameters"], cFormat("%.1f M", p))) }
        if let ipe = s.run.iterationsPerEpoch { facts.append((labels["iterations_per_epoch"], "\(ipe)")) }
        if let h = s.run.totalHours {
            var t = NumberFormat.hours(h)
            if let spi = s.run.secondsPerIteration { t += cFormat(" (%.3f s ", spi) + labels["per_iteration"] + ")" }
            facts.append((labels["time"], t))
        }
        if let eta = s.run.etaHours { facts.append((labels["eta"], NumberFormat.hours(eta))) }
        doc.keyValueTable(facts)
        let info = model.findings.filter { $0.severity == .info }
        if !info.isEmpty {
            doc.heading(labels["findings"] + " (" + labels["severity_info"] + ")", level: 2)
            for f in info { finding(f, doc) }
        }
    }

    func sourcesAndConfig(_ doc: PDFDocument) {
        let s = summary
        doc.heading(labels["sources"], level: 1)
        doc.table(header: [labels["file"], labels["format"], labels["covered"], labels["warnings"]],
                  rows: s.run.sources.map { src in
                      [src.path, src.format, model.coverage(first: src.firstEpoch, last: src.lastEpoch), "\(src.warnings.count)"]
                  },
                  columnAlignments: [.leading, .leading, .leading, .trailing])
        let warnings = s.run.sources.flatMap(\.warnings)
        doc.heading(labels["warnings"], level: 2)
        if warnings.isEmpty { doc.text(labels["no_warnings"]) } else { doc.text(labels["warnings_quoted"] + ":") }
        // The readers' own words, quoted as written (like a log line they point at).
        for w in warnings.prefix(200) { doc.text("• " + w) }
        if warnings.count > 200 { doc.text(labels["more_warnings"].replacingOccurrences(of: "{n}", with: "\(warnings.count - 200)")) }
        let config = model.displayedConfig
        if !config.isEmpty {
            doc.heading(labels["config"], level: 2)
            doc.table(header: [labels["key"], labels["value"]], rows: config.map { [$0.key, $0.value] })
        }
    }

    func finding(_ f: FindingText, _ doc: PDFDocument) {
        let sev: String
        switch f.severity {
        case .critical: sev = "<span foreground=\"#c62828\" weight=\"bold\">\(escape(f.severityLabel))</span>"
        case .warning: sev = "<span foreground=\"#b26a00\" weight=\"bold\">\(escape(f.severityLabel))</span>"
        case .info: sev = "<span foreground=\"#0072b2\" weight=\"bold\">\(escape(f.severityLabel))</span>"
        }
        var p = "\(sev)  \(escape(f.message))"
        if let r = f.recommendation { p += "\n<i>\(escape(labels["recommendation"])): \(escape(r))</i>" }
        doc.paragraph(p)
    }

    var verdictColour: String {
        switch model.verdictClass {
        case "ok": return "#1a7f37"
        case "bad": return "#c62828"
        default: return "#b26a00"
        }
    }

    func write(to path: String) throws {
        try document().finish(to: path)
    }

    /// A report sentence (written once, for Markdown too) as Pango markup: escaped, with `code`
    /// set in a monospace font and **strong** in bold, so no Markdown punctuation reaches the page.
    private func escape(_ text: String) -> String {
        var out = ""
        var inCode = false, inStrong = false
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "`" {
                out += inCode ? "</tt>" : "<tt>"
                inCode.toggle()
            } else if !inCode, c == "*", i + 1 < chars.count, chars[i + 1] == "*" {
                out += inStrong ? "</b>" : "<b>"
                inStrong.toggle()
                i += 1
            } else {
                for u in c.unicodeScalars { MarkupText.append(u, to: &out) }
            }
            i += 1
        }
        if inCode { out += "</tt>" }
        if inStrong { out += "</b>" }
        return out
    }

    /// A report sentence for a plain-text block: the Markdown code and strong marks dropped.
    private func plain(_ text: String) -> String {
        text.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "`", with: "")
    }
}
