import TrainingLog
import Analysis

/// The words drawn inside the VAR figures (titles, subtitles, axes, legends, annotations) in the
/// report's language: a thin handle on the language's `ReportWording`. Metric names and numbers
/// stay as they are.
struct FigureWords: Sendable {
    let wording: any ReportWording

    init(language: ReportLanguage) { wording = language.wording }

    /// A fixed phrase in the figure's language (English as given when there is no translation).
    func callAsFunction(_ english: String) -> String { wording.figurePhrases[english] ?? english }
    func at(epoch: Int?, step: Int?) -> String { wording.at(epoch: epoch, step: step) ?? "?" }
    func smoothedSubtitle(weight: String) -> String { wording.figure(.smoothedSubtitle, weight) }
    func focusedNote(_ lnV: String) -> String { wording.figure(.focusedNote, lnV) }
    func threshold(_ bar: String, of metrics: String? = nil) -> String {
        let head = wording.figure(.threshold, bar)
        return metrics.map { "\(head) (\($0))" } ?? head
    }
    func uniform(_ lnV: String) -> String { wording.figure(.uniform, lnV) }
    func staysBelow(from place: String) -> String { wording.figure(.staysBelow, place) }
    func best(_ metric: String, _ value: String, _ place: String) -> String { wording.figure(.best, metric, value, place) }
    func earlyStop(_ place: String) -> String { wording.figure(.earlyStop, place) }
    func overfitting(from place: String) -> String { wording.figure(.overfitting, place) }
    func clip(_ value: String) -> String { wording.figure(.clip, value) }
    /// "Weight decay was constant at 0.05." for a series drawn as text, not as a panel.
    func constant(_ quantity: String, _ value: String) -> String { wording.figure(.constant, quantity, value) }
    /// What was done with the console's rounded values beside a precise source's.
    func roundedConsoleNote(_ r: RoundedConsoleValues) -> String {
        let console = RunNaming.lastComponent(r.consoleSource)
        let precise = r.preciseFormat == .wandb ? "W&B" : r.preciseFormat == .tensorBoard ? "TensorBoard" : RunNaming.lastComponent(r.preciseSource)
        return r.filledBeyond > 0
            ? wording.figure(.roundedConsoleFilled, console, precise, "\(r.filledBeyond)")
            : wording.figure(.roundedConsoleLeftOut, console, precise)
    }
}

/// The figure annotations that carry a value, worded by each language (`ReportWording.figure`).
enum FigurePhrase: Sendable {
    /// weight
    case smoothedSubtitle
    /// ln V
    case focusedNote
    /// the bar
    case threshold
    /// ln V
    case uniform
    /// the place ("epoch 48")
    case staysBelow
    /// metric, value, place
    case best
    /// the place
    case earlyStop
    /// the place
    case overfitting
    /// the clip value
    case clip
    /// quantity, value
    case constant
    /// console file, precise file
    case roundedConsoleLeftOut
    /// console file, precise file, points kept
    case roundedConsoleFilled
}
