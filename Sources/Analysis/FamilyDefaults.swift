import TrainingLog

/// What the run's family sets when the user did not: the codebook size (so ln V, the uniform
/// start of the loss) and whether VAR's 5.5 bar applies. VAR's bar is VAR's: a LlamaGen loss over
/// a 16384-way codebook starts at ln 16384 = 9.70 and is not judged against it unless the user
/// sets a threshold. Runs of unknown family (a CSV, a TensorBoard folder) keep VAR's defaults.
enum FamilyDefaults {
    /// The family's default codebook size, where it has one.
    /// Infinity's tokens are bits: its loss is a per-bit cross-entropy (uniform start ln 2).
    static let vocabulary: [String: Int] = ["llamagen": 16384, "infinity": 2]
    /// Families whose losses VAR's default bar does not apply to.
    static let withoutVARBar: Set<String> = ["llamagen", "infinity"]
    /// Families whose `vocab_size` argument is not the classes of the loss (Infinity's codebook
    /// is of bit vectors; its loss is per bit).
    static let vocabularyFixed: Set<String> = ["infinity"]

    /// The options with the family's defaults, and a note saying what was detected and set.
    static func apply(_ options: AnalysisOptions, to run: Run) -> (AnalysisOptions, Finding?) {
        let family = RunFactsBuilder.family(run)
        guard family != "var", family != "other" else { return (options, nil) }
        var o = options
        var said: [String] = []
        if !o.vocabExplicit {
            if !vocabularyFixed.contains(family), let v = run.configValue("vocab_size").flatMap(Int.init), v > 1 {
                o.vocabSize = v
                said.append("the codebook size \(v) from its arguments (vocab_size)")
            } else if let v = vocabulary[family] {
                o.vocabSize = v
                said.append("its default codebook size \(v)")
            }
        }
        if withoutVARBar.contains(family), !o.thresholdExplicit {
            o.defaultBarApplies = false
            said.append("no loss bar (VAR's 5.5 is for VAR; pass --threshold to set one)")
        }
        let source = run.sources.first { $0.format == .llamaGen || (family == "infinity" && $0.format == .varStdout) }
            .map { RunNaming.lastComponent($0.path) } ?? "its logs"
        let lnV = VARNames.uniformLoss(vocabSize: max(o.vocabSize, 2))
        let message: String
        if family == "infinity" {
            message = "These are Infinity's logs (recognised from \(source) by its `[Ep]: [ 0/N]:` iteration lines and `Lmean:` epoch summaries): its tokens are bits, so the loss is taken as a per-bit cross-entropy that starts near ln 2 = \(Format.num(lnV)), the accuracies are bit accuracies, and "
                + (o.defaultBarApplies ? "your threshold applies." : "no loss bar applies (VAR's 5.5 is for 4096-way tokens; pass --threshold to set one).")
        } else {
            message = "These are \(family == "llamagen" ? "LlamaGen" : family)'s logs (recognised from \(source) by their lines), so the analysis uses " +
                said.joined(separator: " and ") + ": the loss starts near ln V = \(Format.num(lnV))."
        }
        let note = Finding(kind: "family", severity: .info, message: message,
                           facts: ["family": .text(family), "vocab_size": .count(o.vocabSize)])
        return (o, note)
    }
}
