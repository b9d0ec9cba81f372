import Analysis
import Foundation
@testable import Report
import Testing
import TrainingLog

/// `--lang zh`: every sentence of the report in Chinese. What may stay in Latin letters is what
/// the run itself names (metric names, file names, config keys and values), numbers and units,
/// and the readers' warnings, which the report quotes as written under their own heading.
@Suite struct ChineseReportTests {
    static var root: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    static let runs = ["Examples/var-d16", "Tests/Fixtures/diagnosis/overfit-60", "Tests/Fixtures/diagnosis/crashed-finetune",
                       "Tests/Fixtures/diagnosis/small-loss", "Tests/Fixtures/diagnosis/nan-recovered",
                       "Tests/Fixtures/diagnosis/relaunches", "Tests/Fixtures/readers/var-run",
                       "Tests/Fixtures/families/llamagen-c2i", "Tests/Fixtures/families/infinity-ft", "Tests/Fixtures/families/wandb",
                       "Tests/Fixtures/families/mlflow/mlruns/1/0f9e8d7c6b5a49382716a5b4c3d2e1f0"]

    /// Words that are names or units, not English prose.
    static let allowed: Set<String> = ["ln", "V", "VAR", "GPU", "NaN", "Inf", "inf", "nan", "TensorBoard", "top", "dropout",
                                       "L_inf", "alpha", "log2", "fp16", "min_delta", "Lt", "Lm", "val", "h", "s", "M", "min",
                                       "LlamaGen", "MLflow", "FINISHED", "Done", "gpt-ckpt", "ckpt-every", "FID", "yaml", "meta",
                                       "A", "t", "L", "ar", "ckpt", "best", "last", "pth", "varreport", "json", "summary",
                                       "stdout", "txt", "stderr", "log", "depth", "ep", "bs", "tblr", "twd", "pn", "ls", "drop",
                                       "tclip", "reso", "acc", "AR_iter_loss", "err", "out", "threshold", "config", "vocab",
                                       "loss_tail", "it", "Signal", "SIGKILL", "exitcode", "ChildFailedError",
                                       "Infinity", "PT", "finished", "Ep", "Lmean", "VAL", "wandb"]

    /// Lines with three or more English words, once names, numbers and units are taken out.
    static func englishSentences(_ text: String) -> [String] {
        var hits: [String] = []
        for line in text.split(separator: "\n") {
            var count = 0
            let words = line.split { !($0.isLetter && $0.isASCII) && $0 != "_" && $0 != "/" && $0 != "-" && $0 != "." && !$0.isNumber }
            for w in words {
                let word = w.trimmingCharacters(in: CharacterSet(charactersIn: ".-"))
                let isName = word.contains("/") || word.contains("_") || word.contains(".") || word.first?.isNumber == true
                    || allowed.contains(word) || word.count < 2 || word.unicodeScalars.contains { !$0.isASCII }
                if !isName { count += 1 }
                if count >= 3 { hits.append(String(line)); break }
            }
        }
        return hits
    }

    /// The report's own text: up to the sources page, where the run's files and configuration are
    /// listed as they are.
    static func reportText(_ pdfText: String) -> String {
        guard let r = pdfText.range(of: "数据来源") else { return pdfText }
        return String(pdfText[..<r.lowerBound])
    }

    @Test(arguments: runs)
    func noEnglishSentenceInTheChinesePDF(run path: String) throws {
        let run = try RunLoader.load(Self.root.appendingPathComponent(path).path)
        let summary = Analyzer.analyze(run)
        var settings = ReportSettings()
        settings.language = .zh
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("varreport-zh-\(UUID().uuidString)").path
        let files = try ReportWriter(settings: settings).write(run: run, summary: summary, to: dir)
        let pdf = try #require(files.pdf)
        guard let text = externalTool("pdftotext", ["-layout", pdf, "-"]) else { return }  // poppler-utils missing: no PDF text to read
        let body = Self.reportText(text)
        #expect(body.contains("结论"))
        let english = Self.englishSentences(body)
        #expect(english.isEmpty, "\(path): English left in the zh PDF: \(english.prefix(5))")
        // Every finding's sentence is in Chinese, with its numbers.
        let model = ReportModel(summary: summary, language: .zh)
        for f in model.findings {
            #expect(Self.englishSentences(f.message).isEmpty, "\(path): \(f.kind): \(f.message)")
            #expect(f.message.unicodeScalars.contains { $0.value >= 0x4E00 && $0.value <= 0x9FFF }, "\(path): \(f.kind) has no Chinese")
            if let r = f.recommendation { #expect(Self.englishSentences(r).isEmpty, "\(path): \(f.kind): \(r)") }
        }
        let markdown = try String(contentsOfFile: try #require(files.markdown), encoding: .utf8)
        let mdBody = markdown.components(separatedBy: "\n## 数据来源").first ?? markdown
        #expect(Self.englishSentences(mdBody).isEmpty, "\(path): English left in the zh Markdown: \(Self.englishSentences(mdBody).prefix(5))")
    }

    /// The checker itself finds English prose and lets names and numbers through.
    @Test func theCheckerTellsProseFromNames() {
        #expect(!Self.englishSentences("val/loss_mean went below 5.5 at epoch 83").isEmpty)
        #expect(Self.englishSentences("val/loss_mean 在第 159 轮最低（5.962），ln V = 8.318，用时 1.80 h").isEmpty)
    }
}
