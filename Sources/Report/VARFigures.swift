import Analysis
import Foundation
import Render
import TrainingLog
import TextFormat

/// A figure of the report with its name and caption.
public struct NamedFigure: Sendable {
    public var id: String
    public var title: String
    public var caption: String
    public var figure: Figure
    /// Sentences in the report's language that belong after the caption, whatever language's
    /// caption replaces the English one: what a figure leaves out and why (a constant series,
    /// rounded values not drawn).
    public var notes: [String]

    public init(id: String, title: String, caption: String, figure: Figure, notes: [String] = []) {
        self.id = id
        self.title = title
        self.caption = caption
        self.figure = figure
        self.notes = notes
    }
}

/// The figures a VAR report needs, each a function of a `Run` and its `Summary`.
/// Only figures with data are made: a stdout-only run has no per-scale heatmap.
public enum VARFigures {
    /// Colours by role, from the colour-blind-safe palette: one colour per quantity, the same in
    /// every figure (tail = blue, mean = orange, validation drawn in the same hue with markers).
    static let tailColor = Palette.color(1)
    static let meanColor = Palette.color(0)
    static let thresholdColor = Color(hex: 0xC62828)
    /// Vermillion: the overfitting band, away from the two loss hues.
    static let overfitColor = Palette.color(3)
    /// Reddish purple: the early-stop rule.
    static let earlyStopColor = Palette.color(4)

    public static func all(run: Run, model: ReportModel, settings: FigureSettings) -> [NamedFigure] {
        let summary = model.summary
        let words = FigureWords(language: model.language)
        let figures: [NamedFigure?] = [
            loss(run: run, model: model, settings: settings),
            accuracy(run: run, model: model, settings: settings),
            optimizer(run: run, summary: summary, settings: settings, words: words),
            gradientNorm(run: run, summary: summary, settings: settings, words: words),
            throughput(run: run, summary: summary, settings: settings, words: words),
            perScale(run: run, summary: summary, settings: settings, accuracy: false, words: words),
        ]
        // Titles and captions in the report's language.
        return figures.compactMap { $0 }.map { f in
            var f = f
            f.title = model.figureTitle(f.id, english: f.title)
            f.caption = ([model.figureCaption(f.id, english: f.caption)] + f.notes).filter { !$0.isEmpty }.joined(separator: " ")
            return f
        }
    }

    /// The figure for a `plot --metric ...` request: the named metrics on one chart, with the
    /// threshold and crossings when they are losses.
    public static func metrics(_ names: [MetricName], run: Run, model: ReportModel, settings: FigureSettings) -> NamedFigure? {
        let summary = model.summary
        let words = FigureWords(language: model.language)
        let x = XMapping(run: run, requested: settings.xAxis)
        var marks: [any Mark] = []
        var ys: [[Double]] = []
        var used = Set<Int>()
        for name in names {
            let color = colorFor(name, used: &used)
            if name.isValidation {
                guard let s = run.preferredSeries(name), !s.isEmpty else { continue }
                marks += validationMarks(s, name: name, color: color, x: x)
                ys.append(s.values)
            } else {
                let drawn = curveMarks(run: run, name: name, color: color, x: x, smoothing: summary.smoothing)
                marks += drawn.marks
                ys.append(drawn.focusValues)
                if let m = drawn.rawMinimum { ys.append([m]) }
            }
        }
        guard !marks.isEmpty else { return nil }
        let allLoss = names.allSatisfy(\.isLoss)
        if allLoss {
            marks = restartMarks(run: run, x: x, words: words) + marks
            marks += thresholdMarks(summary: summary, names: names, x: x, words: words)
        }
        let chart = Chart(
            title: names.map(\.rawValue).joined(separator: ", "),
            x: x.axis(words(x.axisLabel)), y: Axis(allLoss ? words("loss") : names.count == 1 ? names[0].rawValue : words("value"),
                                          scale: settings.logY ? .log10 : .linear,
                                          domain: yDomain(settings, focused: allLoss ? focusedLossDomain(ys, summary: summary, names: names) : nil)),
            marks: marks)
        return NamedFigure(id: "plot", title: chart.title ?? "", caption: "",
                           figure: figure(chart, settings: settings, title: run.name))
    }

    /// Tail metrics in the tail colour and mean metrics in the mean colour, so a train curve and
    /// its validation points match; anything else takes the next free palette colour.
    static func colorFor(_ name: MetricName, used: inout Set<Int>) -> Color {
        let raw = name.rawValue
        if raw.hasSuffix("_tail") { used.insert(1); return tailColor }
        if raw.hasSuffix("_mean") { used.insert(0); return meanColor }
        let index = (2..<20).first { !used.contains($0) } ?? 2
        used.insert(index)
        return Palette.color(index)
    }

    /// Validation: points joined by a thin dashed line (they exist only every few epochs).
    static func validationMarks(_ s: Series, name: MetricName, color: Color, x: XMapping) -> [any Mark] {
        let xs = x.xs(s)
        return [
            LineMark(xs: xs, ys: s.values, color: color, width: 1.2, dash: .dashed, label: name.rawValue, showsInLegend: false)
                .loggedAt(x.origin(s)),
            PointMark(xs: xs, ys: s.values, symbol: .circle, size: 6, color: color, outlined: false, label: name.rawValue)
                .loggedAt(x.origin(s)),
        ]
    }

    /// The four panels people look at first, in one figure: loss, accuracy, learning rate and
    /// gradient norm (`varreport plot RUN --figure overview`).
    public static func overview(run: Run, model: ReportModel, settings: FigureSettings) -> NamedFigure? {
        let summary = model.summary
        let words = FigureWords(language: model.language)
        let x = XMapping(run: run, requested: settings.xAxis)  // one mapping, so shared x arrays are mapped once
        var loss = lossChart(run: run, summary: summary, settings: settings, compact: true, xMapping: x, words: words)
        loss?.subtitle = nil  // four panels share the width: keep each panel's text short
        let charts = [
            loss,
            accuracyChart(run: run, summary: summary, settings: settings, xMapping: x, words: words),
            learningRateChart(run: run, settings: settings, xMapping: x, words: words),
            gradientNormChart(run: run, summary: summary, settings: settings, xMapping: x, words: words),
        ].compactMap { $0 }
        guard !charts.isEmpty else { return nil }
        // A constant learning rate has no panel: its value goes into the figure's title line.
        var title = run.name
        if let lr = learningRateSeries(run), let value = constantValue(lr) {
            title += " · " + words.constant(words("Learning rate"), NumberFormat.compact(value))
        }
        let fig = Figure(width: settings.width, height: settings.height, title: title, rows: nil,
                         columns: charts.count == 1 ? 1 : 2, theme: settings.theme,
                         transparent: settings.transparent, charts: charts.map { withYScale($0, settings) })
        return NamedFigure(id: "overview", title: model.figureTitle("overview", english: "Overview"), caption: "", figure: fig)
    }

    // MARK: - Loss

    public static func loss(run: Run, model: ReportModel, settings: FigureSettings) -> NamedFigure? {
        guard let chart = lossChart(run: run, summary: model.summary, settings: settings,
                                    words: FigureWords(language: model.language)) else { return nil }
        let crossing = model.crossings.map(\.sentence).joined(separator: " ")
        return NamedFigure(id: "loss", title: model.figureTitle("loss", english: "Loss"), caption: model.figureCaption("loss", english: crossing),
                           figure: figure(chart, settings: settings, title: run.name))
    }

    /// The losses a loss chart draws: the training losses (VAR's tail and mean, or a fork's
    /// `loss`, `train/loss`) as curves and the validation losses (`val/loss_*`, `val_loss`,
    /// `eval/loss`) as points, each validation metric in the colour of its training counterpart.
    static func roleColors(train: [MetricName], validation: [MetricName]) -> [(MetricName, Color)] {
        var used = Set<Int>()
        var byName: [MetricName: Color] = [:]
        var out: [(MetricName, Color)] = []
        for n in train {
            let c = colorFor(n, used: &used)
            byName[n] = c
            out.append((n, c))
        }
        for n in validation {
            let c = MetricRoles.trainingCounterpart(n).flatMap { byName[$0] } ?? colorFor(n, used: &used)
            out.append((n, c))
        }
        return out
    }

    /// The loss chart. `compact` (for a panel among several) keeps the marks but leaves out the
    /// text annotations, which would crowd a small panel.
    static func lossChart(run: Run, summary: Summary, settings: FigureSettings, compact: Bool = false, xMapping: XMapping? = nil,
                          words: FigureWords = FigureWords(language: .en)) -> Chart? {
        let x = xMapping ?? XMapping(run: run, requested: settings.xAxis)
        let names = run.metricNames
        let train = MetricRoles.trainingLosses(names).filter { !MetricRoles.isPerScale($0) }
        let validation = MetricRoles.validationLosses(names)
        var marks: [any Mark] = []
        var focus: [[Double]] = []
        var boldIsEpochAverage = false
        for (name, color) in roleColors(train: train, validation: validation) {
            if name.isValidation {
                guard let s = run.preferredSeries(name), !s.isEmpty else { continue }
                marks += validationMarks(s, name: name, color: color, x: x)
                focus.append(s.values)
                continue
            }
            let drawn = curveMarks(run: run, name: name, color: color, x: x, smoothing: summary.smoothing)
            marks += drawn.marks
            focus.append(drawn.focusValues)
            boldIsEpochAverage = boldIsEpochAverage || drawn.boldIsEpochAverage
            if let m = drawn.rawMinimum { focus.append([m]) }
        }
        guard !marks.isEmpty else { return nil }
        let colors = Dictionary(roleColors(train: train, validation: validation), uniquingKeysWith: { a, _ in a })
        marks = overfittingMarks(summary: summary, x: x, words: words) + restartMarks(run: run, x: x, words: words) + marks
        marks += thresholdMarks(summary: summary, names: train + validation, x: x, colors: colors, words: words)
        marks += validationBestMarks(summary: summary, names: validation, x: x, colors: colors, words: words)
        marks += earlyStopMarks(summary: summary, x: x, words: words)
        if compact { marks = marks.filter { !($0 is TextMark) } }

        let domain = yDomain(settings, focused: focusedLossDomain(focus, summary: summary, names: train + validation))
        let weight = train.compactMap { run.series($0, .iteration) }
            .filter { $0.count >= 2 }.map { summary.smoothing.weight(points: $0.count, granularity: $0.granularity) }.max()
            ?? summary.smoothing.emaWeight
        var subtitle = boldIsEpochAverage
            ? words("faint: logged iterations; bold: epoch averages")
            : words.smoothedSubtitle(weight: cFormat("%.4g", weight))
        if validation.contains(where: { !(run.preferredSeries($0)?.isEmpty ?? true) }) { subtitle += words("; points: validation") }
        if settings.yRange == nil, let d = domain, d.upperBound < summary.uniformLoss {
            subtitle += words.focusedNote(NumberFormat.loss(summary.uniformLoss))
        }
        return Chart(title: words("Loss"), subtitle: subtitle, x: x.axis(words(x.axisLabel)),
                     y: Axis(words("cross-entropy loss"), scale: settings.logY ? .log10 : .linear, domain: domain), marks: marks)
    }

    /// The y range of a loss chart: from just under the lowest value to a little above the
    /// threshold and the values after the first few percent of the run, so that the start at
    /// 8.3 does not squash the region near the threshold.
    /// `parts` are the curves' values (kept apart: a million-point run's are not copied twice).
    static func focusedLossDomain(_ parts: [[Double]], summary: Summary, names: [MetricName]) -> ClosedRange<Double>? {
        let bars = thresholds(summary: summary, names: names).map(\.value)
        var finite: [Double] = []
        finite.reserveCapacity(parts.reduce(0) { $0 + $1.count })
        var lowest = Double.infinity
        for part in parts {
            for v in part where v.isFinite {
                finite.append(v)
                if v < lowest { lowest = v }
            }
        }
        guard !finite.isEmpty else { return nil }
        let lo = lowest
        let p95 = OrderStatistics.kthSmallest(&finite, min(finite.count - 1, Int(Double(finite.count - 1) * 0.97)))
        var top = max(p95, (bars.max() ?? -.infinity) + 0.2)
        top = min(top, summary.uniformLoss + 0.1)
        let bottom = min(lo, bars.min() ?? lo) - 0.05 * max(top - lo, 0.1)
        guard top > bottom else { return nil }
        return bottom...(top + 0.03 * (top - bottom))
    }

    /// The distinct thresholds the losses `names` were judged against (each metric's own, from
    /// the summary), with the metrics of each, in the order of `names`.
    static func thresholds(summary: Summary, names: [MetricName]) -> [(value: Double, metrics: [MetricName])] {
        var out: [(value: Double, metrics: [MetricName])] = []
        for n in names {
            guard let t = summary.metrics[n.rawValue]?.threshold else { continue }
            if let i = out.firstIndex(where: { $0.value == t }) { out[i].metrics.append(n) } else { out.append((t, [n])) }
        }
        return out
    }

    /// One rule per distinct threshold of the drawn losses (named by its metrics when there are
    /// several), the uniform baseline, and for each loss that crossed, a star at the first
    /// crossing labelled with its own threshold and a dotted rule where it stays below.
    static func thresholdMarks(summary: Summary, names: [MetricName], x: XMapping, colors: [MetricName: Color] = [:],
                               words: FigureWords = FigureWords(language: .en)) -> [any Mark] {
        let bars = thresholds(summary: summary, names: names)
        var marks: [any Mark] = bars.map { bar in
            let label = words.threshold(NumberFormat.compact(bar.value),
                                        of: bars.count == 1 ? nil : bar.metrics.map(shortName).joined(separator: ", "))
            return RuleMark(y: bar.value, color: thresholdColor, width: 1.2, dash: .dashed, label: label)
        }
        if summary.uniformLoss.isFinite {
            marks.append(RuleMark(y: summary.uniformLoss, color: Color(hex: 0x888888), width: 0.8, dash: .dotted,
                                  label: words.uniform(NumberFormat.loss(summary.uniformLoss))))
        }
        for name in names {
            guard let m = summary.metrics[name.rawValue], let bar = m.threshold, let fb = m.firstBelow,
                  let px = x.x(epoch: fb.epoch, step: fb.step) else { continue }
            let color = colors[name] ?? (name.rawValue.hasSuffix("_mean") ? meanColor : tailColor)
            marks.append(PointMark(x: px, y: fb.value, symbol: .star, size: 13, color: color, outlined: true,
                                   label: "\(name.rawValue) first below \(NumberFormat.compact(bar))", showsInLegend: false)
                .annotating(name.rawValue))
            var text = "\(shortName(name)) < \(NumberFormat.compact(bar)): \(words.at(epoch: fb.epoch, step: fb.step))"
            // Where it stays below: by epoch, or by step for a run known only by steps.
            let stayEpoch = m.staysBelowFrom?.epoch
            let stayStep = stayEpoch == nil ? m.staysBelowFromStep : nil
            let staysLater = stayEpoch.map { $0 != fb.epoch } ?? stayStep.map { $0 != fb.step } ?? false
            if staysLater {
                text += "\n" + words.staysBelow(from: words.at(epoch: stayEpoch, step: stayStep))
                if let sx = x.x(epoch: stayEpoch, step: stayStep) {
                    // Unlabelled on the plot (the crossing's text says it); named for the data.
                    var rule = RuleMark(x: sx, color: color.opacity(0.7), width: 0.8, dash: .dotted)
                    rule.dataName = "\(name.rawValue) stays below from"
                    marks.append(rule)
                }
            }
            marks.append(TextMark(x: px, y: fb.value, text: text, offset: (30, -34), color: color).annotating(name.rawValue))
        }
        return marks
    }

    /// A diamond at each validation metric's best check (lowest loss, highest accuracy), as the
    /// key table reports it; the metric the overfitting rule leads with gets its text.
    static func validationBestMarks(summary: Summary, names: [MetricName], x: XMapping, colors: [MetricName: Color],
                                    words: FigureWords = FigureWords(language: .en)) -> [any Mark] {
        var marks: [any Mark] = []
        let lead = summary.overfitting.metric
        for name in names {
            guard let m = summary.metrics[name.rawValue], m.best.value.isFinite,
                  let px = x.x(epoch: m.best.epoch, step: m.best.step) else { continue }
            let color = colors[name] ?? tailColor
            marks.append(PointMark(x: px, y: m.best.value, symbol: .diamond, size: 12, color: color, outlined: true,
                                   label: "\(name.rawValue) best", showsInLegend: false)
                .annotating(name.rawValue))
            if name.rawValue == lead || (lead == nil && name == names.first) {
                let value = name.isAccuracy ? NumberFormat.percent(m.best.value) : NumberFormat.loss(m.best.value)
                marks.append(TextMark(x: px, y: m.best.value,
                                      text: words.best(name.rawValue, value, words.at(epoch: m.best.epoch, step: m.best.step)),
                                      offset: (-40, name.isAccuracy ? -30 : 30), color: color).annotating(name.rawValue))
            }
        }
        return marks
    }

    static func earlyStopMarks(summary: Summary, x: XMapping, words: FigureWords = FigureWords(language: .en)) -> [any Mark] {
        guard let stop = summary.earlyStop, let px = x.x(epoch: stop.epoch, step: stop.step) else { return [] }
        return [RuleMark(x: px, color: earlyStopColor, width: 1.2, dash: .dashed,
                         label: words.earlyStop(words.at(epoch: stop.epoch, step: stop.step)))]
    }

    static func overfittingMarks(summary: Summary, x: XMapping, words: FigureWords = FigureWords(language: .en)) -> [any Mark] {
        let o = summary.overfitting
        guard o.detected,
              let x0 = x.x(epoch: o.regionStartEpoch ?? o.onsetEpoch, step: o.regionStartStep ?? o.onsetStep),
              let x1 = x.x(epoch: o.regionEndEpoch, step: o.regionEndStep), x1 >= x0 else { return [] }
        let onset = words.at(epoch: o.onsetEpoch ?? o.regionStartEpoch, step: o.onsetStep ?? o.regionStartStep)
        return [RectangleMark(xRange: x0...max(x1, x0 + 0.5), fill: overfitColor.opacity(0.10),
                              label: words.overfitting(from: onset))]
    }

    /// A dotted rule at each epoch where the run was resumed. A relaunch after the last epoch
    /// (it trains nothing) is left out: it would only sit on the right edge.
    static func restartMarks(run: Run, x: XMapping, words: FigureWords = FigureWords(language: .en)) -> [any Mark] {
        let lastEpoch = run.series.filter { $0.granularity == .epoch }.compactMap(\.xs.last).max() ?? Int.max
        return run.restartEpochs.filter { $0 <= lastEpoch }.compactMap { e in
            x.x(epoch: e).map { RuleMark(x: $0, color: Color(hex: 0x999999), width: 0.8, dash: .dotted, label: words("restart")) }
        }
    }

    // MARK: - Accuracy, optimiser, gradients, throughput

    public static func accuracy(run: Run, model: ReportModel, settings: FigureSettings) -> NamedFigure? {
        let summary = model.summary
        guard let chart = accuracyChart(run: run, summary: summary, settings: settings,
                                        words: FigureWords(language: model.language)) else { return nil }
        var caption = "Accuracy rises as the loss falls; VAR's token accuracy stays at a few percent even for good models."
        if let row = model.keyRows.first(where: { $0.kind == "accuracy" }) {
            caption += " Last \(row.name) \(row.last)."
        }
        return NamedFigure(id: "accuracy", title: "Token accuracy", caption: caption,
                           figure: figure(chart, settings: settings, title: run.name))
    }

    static func accuracyChart(run: Run, summary: Summary, settings: FigureSettings, xMapping: XMapping? = nil,
                              words: FigureWords = FigureWords(language: .en)) -> Chart? {
        let x = xMapping ?? XMapping(run: run, requested: settings.xAxis)
        let names = run.metricNames
        let train = MetricRoles.trainingAccuracies(names)
        let validation = MetricRoles.validationAccuracies(names)
        let roles = roleColors(train: train, validation: validation)
        var marks: [any Mark] = []
        for (name, color) in roles {
            if name.isValidation {
                guard let s = run.preferredSeries(name), !s.isEmpty else { continue }
                marks += validationMarks(s, name: name, color: color, x: x)
            } else {
                marks += curveMarks(run: run, name: name, color: color, x: x, smoothing: summary.smoothing).marks
            }
        }
        guard !marks.isEmpty else { return nil }
        let colors = Dictionary(roles, uniquingKeysWith: { a, _ in a })
        marks = overfittingMarks(summary: summary, x: x, words: words) + restartMarks(run: run, x: x, words: words) + marks
        marks += validationBestMarks(summary: summary, names: validation, x: x, colors: colors, words: words)
        let hasValidation = validation.contains { !(run.preferredSeries($0)?.isEmpty ?? true) }
        return Chart(title: words("Token accuracy"),
                     subtitle: words("top-1 token accuracy, percent") + (hasValidation ? words("; points: validation") : ""),
                     x: x.axis(words(x.axisLabel)), y: Axis(words("accuracy (%)")), legend: .auto, marks: marks)
    }

    static func optimizer(run: Run, summary: Summary, settings: FigureSettings, words: FigureWords = FigureWords(language: .en)) -> NamedFigure? {
        let x = XMapping(run: run, requested: settings.xAxis)
        var charts: [Chart] = []
        var notes: [String] = []
        if let lr = learningRateSeries(run) {
            if let value = constantValue(lr) { notes.append(words.constant(words("Learning rate"), NumberFormat.compact(value))) }
            else if let chart = learningRateChart(run: run, settings: settings, xMapping: x, words: words) { charts.append(chart) }
            if let rounded = roundedLearningRate(run) { notes.append(words.roundedConsoleNote(rounded)) }
        }
        if let wd = run.series(.weightDecay, .iteration) ?? run.series(.weightDecay, .epoch), !wd.isEmpty {
            if let value = constantValue(wd) { notes.append(words.constant(words("Weight decay"), NumberFormat.compact(value))) }
            else {
                charts.append(Chart(title: words("Weight decay"), x: x.axis(words(x.axisLabel)), y: Axis(words("weight decay")), legend: .none,
                                    marks: [LineMark(xs: x.xs(wd), ys: wd.values, color: Palette.color(4), label: "opt/wd").loggedAt(x.origin(wd))]))
            }
        }
        // Nothing that changes: the constant values are said in the report's text, not drawn.
        guard !charts.isEmpty else { return nil }
        var fig = Figure(width: settings.width, height: settings.height * 0.75, title: nil, rows: 1,
                         columns: charts.count, theme: settings.theme, transparent: settings.transparent,
                         charts: charts.map { withYScale($0, settings) })
        fig.textScale = textScale(settings)
        return NamedFigure(id: "optimizer", title: "Learning rate and weight decay",
                           caption: "The schedule the optimiser followed: VAR warms up linearly, then decays.",
                           figure: fig, notes: notes)
    }

    /// The learning-rate series a figure draws: per iteration when logged so, else per epoch.
    static func learningRateSeries(_ run: Run) -> Series? {
        guard let lr = run.series(.learningRate, .iteration) ?? run.series(.learningRate, .epoch), !lr.isEmpty else { return nil }
        return lr
    }

    /// What the merger did with the console's rounded `tlr` beside a precise learning rate.
    static func roundedLearningRate(_ run: Run) -> RoundedConsoleValues? {
        guard let lr = learningRateSeries(run) else { return nil }
        return run.roundedConsoleValues.first { $0.name == .learningRate && $0.granularity == lr.granularity }
    }

    /// The value of a series whose every finite value is the same (a constant weight decay),
    /// nil when it changes or has no finite value. Such a series is a line of text, not a panel.
    static func constantValue(_ s: Series) -> Double? {
        var value: Double? = nil
        for v in s.values where v.isFinite {
            if let c = value { if v != c { return nil } } else { value = v }
        }
        return value
    }

    /// The learning rate, exact where a precise source has it. Points the console filled in
    /// beyond that source's steps (rounded to two significant digits) are a faint line of
    /// their own, and the subtitle says which is which; nil for no or a constant learning rate.
    static func learningRateChart(run: Run, settings: FigureSettings, xMapping: XMapping? = nil,
                                  words: FigureWords = FigureWords(language: .en)) -> Chart? {
        guard let lr = learningRateSeries(run), constantValue(lr) == nil else { return nil }
        let x = xMapping ?? XMapping(run: run, requested: settings.xAxis)
        let xs = x.xs(lr)
        var marks = restartMarks(run: run, x: x, words: words)
        var subtitle: String? = nil
        if let rounded = roundedLearningRate(run) {
            let range = rounded.preciseRange
            let inside = lr.xs.map { range.contains($0) }
            let exact = zip(lr.values, inside).map { $1 ? $0 : .nan }
            if rounded.filledBeyond > 0 {
                let coarse = zip(lr.values, inside).map { $1 ? .nan : $0 }
                marks.append(LineMark(xs: xs, ys: coarse, color: Palette.color(2), width: 1.2, opacity: 0.45,
                                      label: "opt/lr " + words("(console, 2 digits)"), showsInLegend: false).loggedAt(x.origin(lr)))
                subtitle = words("faint: the console's rounded tlr, where no exact value was logged")
            } else {
                subtitle = words("exact values; the console's rounded tlr is not drawn")
            }
            marks.append(LineMark(xs: xs, ys: exact, color: Palette.color(2), label: "opt/lr").loggedAt(x.origin(lr)))
        } else {
            marks.append(LineMark(xs: xs, ys: lr.values, color: Palette.color(2), label: "opt/lr").loggedAt(x.origin(lr)))
        }
        return Chart(title: words("Learning rate"), subtitle: subtitle, x: x.axis(words(x.axisLabel)), y: Axis(words("learning rate")),
                     legend: .none, marks: marks)
    }

    static func gradientNorm(run: Run, summary: Summary, settings: FigureSettings, words: FigureWords = FigureWords(language: .en)) -> NamedFigure? {
        guard let chart = gradientNormChart(run: run, summary: summary, settings: settings, words: words) else { return nil }
        var caption = "The gradient norm before clipping."
        if let f = summary.instability.gradClipFraction {
            caption += " It sat at the clip value at \(NumberFormat.fixed(f * 100, 1)) % of logged steps."
        }
        return NamedFigure(id: "grad_norm", title: "Gradient norm", caption: caption,
                           figure: figure(chart, settings: settings, title: run.name, heightFactor: 0.75))
    }

    static func gradientNormChart(run: Run, summary: Summary, settings: FigureSettings, xMapping: XMapping? = nil,
                                  words: FigureWords = FigureWords(language: .en)) -> Chart? {
        guard let g = run.series(.gradNorm, .iteration) ?? run.series(.gradNorm, .epoch), !g.isEmpty else { return nil }
        let x = xMapping ?? XMapping(run: run, requested: settings.xAxis)
        let xs = x.xs(g)
        let positive = g.values.map { $0 > 0 ? $0 : .nan }
        var marks: [any Mark] = restartMarks(run: run, x: x, words: words)
        marks.append(LineMark(xs: xs, ys: positive, color: Palette.color(4), width: 1, opacity: 0.35, label: "opt/grad_norm (raw)", showsInLegend: false)
            .loggedAt(x.origin(g)))
        marks.append(LineMark(xs: xs, ys: Smoothing.debiasedEMA(positive, weight: summary.smoothing.weight(points: g.count, granularity: g.granularity)),
                              color: Palette.color(4), width: 1.8, label: "opt/grad_norm " + words("(smoothed)")).loggedAt(x.origin(g)))
        // The epoch-level values (log.txt's grad_norm) are what the key table reports: drawn too.
        if g.granularity == .iteration, let e = run.series(.gradNorm, .epoch), !e.isEmpty {
            marks.append(PointMark(xs: x.xs(e), ys: e.values.map { $0 > 0 ? $0 : .nan }, symbol: .circle, size: 5,
                                   color: Palette.color(4), outlined: false, label: "opt/grad_norm " + words("(per epoch)")).loggedAt(x.origin(e)))
        }
        if let clip = run.configValue("tclip").flatMap(Double.init), clip > 0 {
            marks.append(RuleMark(y: clip, color: thresholdColor, width: 1, dash: .dashed, label: words.clip(NumberFormat.compact(clip))))
        }
        // Each spike on the curve's own point (its step, or its epoch for an epoch series), so
        // it sits on its spike in every x unit and says where it was logged.
        let spikes = summary.instability.gradNormSpikes.compactMap { v -> (x: Double, value: Double, logged: Int)? in
            guard let logged = g.granularity == .iteration ? v.step : v.epoch, let i = g.index(ofX: logged), xs[i].isFinite else { return nil }
            return (xs[i], v.value, logged)
        }
        if !spikes.isEmpty {
            marks.append(PointMark(xs: spikes.map(\.x), ys: spikes.map(\.value), symbol: .triangle, size: 8,
                                   color: thresholdColor, outlined: false, label: words("spike"))
                .loggedAt(PointOrigin(level: g.granularity == .epoch ? .epoch : .iteration, xs: spikes.map(\.logged),
                                      iterationsPerEpoch: run.iterationsPerEpoch)))
        }
        return Chart(title: words("Gradient norm"), subtitle: words("log scale"), x: x.axis(words(x.axisLabel)),
                     y: Axis(words("gradient norm"), scale: .log10), marks: marks)
    }

    static func throughput(run: Run, summary: Summary, settings: FigureSettings, words: FigureWords = FigureWords(language: .en)) -> NamedFigure? {
        guard let t = run.series(.secondsPerIteration, .epoch), t.count >= 2 else { return nil }
        let x = XMapping(run: run, requested: settings.xAxis)
        let chart = Chart(title: words("Throughput"), x: x.axis(words(x.axisLabel)), y: Axis(words("seconds per iteration")), legend: .none,
                          marks: restartMarks(run: run, x: x, words: words) + [
                              LineMark(xs: x.xs(t), ys: t.values, color: Palette.color(2), label: "time/sec_per_iter").loggedAt(x.origin(t)),
                              PointMark(xs: x.xs(t), ys: t.values, symbol: .circle, size: 3, color: Palette.color(2), outlined: false,
                                        label: "time/sec_per_iter", showsInLegend: false).loggedAt(x.origin(t)),
                          ])
        let caption = "Seconds per training iteration, per epoch" +
            (summary.run.secondsPerIteration.map { "; median \(cFormat("%.3f", $0)) s." } ?? ".")
        return NamedFigure(id: "throughput", title: "Throughput", caption: caption,
                           figure: figure(chart, settings: settings, title: run.name, heightFactor: 0.6))
    }

    // MARK: - Per-scale heatmap

    /// Loss (or accuracy) per resolution over training, from `AR_iter_loss/L_{reso}`.
    static func perScale(run: Run, summary: Summary, settings: FigureSettings, accuracy: Bool,
                         words: FigureWords = FigureWords(language: .en)) -> NamedFigure? {
        let prefix = "scale/"
        let suffix = accuracy ? "/acc" : "/loss"
        let scales = run.series.filter { $0.name.rawValue.hasPrefix(prefix) && $0.name.rawValue.hasSuffix(suffix) && !$0.isEmpty }
            .compactMap { s -> (Int, Series)? in
                let mid = s.name.rawValue.dropFirst(prefix.count).dropLast(suffix.count)
                return Int(mid).map { ($0, s) }
            }
            .sorted { $0.0 < $1.0 }
        guard scales.count >= 2 else { return nil }
        let x = XMapping(run: run, requested: settings.xAxis.isClock ? .epoch : settings.xAxis)
        // Columns: the union of logged steps, at most 200 columns (averaging within a column).
        let allX = Array(Set(scales.flatMap { x.xs($0.1) }.filter(\.isFinite))).sorted()
        guard allX.count >= 2, let lo = allX.first, let hi = allX.last, hi > lo else { return nil }
        let columns = min(200, allX.count)
        let width = (hi - lo) / Double(columns)
        let edges = (0...columns).map { lo + Double($0) * width }
        var values: [[Double]] = []
        for (_, s) in scales.reversed() {
            var sum = [Double](repeating: 0, count: columns), n = [Double](repeating: 0, count: columns)
            for (px, v) in zip(x.xs(s), s.values) where px.isFinite && v.isFinite {
                let c = min(columns - 1, max(0, Int((px - lo) / width)))
                sum[c] += v; n[c] += 1
            }
            values.append(zip(sum, n).map { $1 > 0 ? $0 / $1 : .nan })
        }
        let heat = HeatmapMark(xEdges: edges, categories: scales.reversed().map { "\($0.0)" }, values: values,
                               colorBarLabel: words(accuracy ? "accuracy (%)" : "loss"))
        let chart = Chart(title: words(accuracy ? "Accuracy per scale" : "Loss per scale"),
                          subtitle: words("VAR predicts token maps coarse to fine; rows are resolutions in pixels"),
                          x: x.axis(words(x.axisLabel)), y: Axis(words("resolution")), legend: .none, showsGrid: false, marks: [heat])
        return NamedFigure(id: accuracy ? "scales_acc" : "scales_loss", title: accuracy ? "Accuracy per scale" : "Loss per scale",
                           caption: "Per resolution, from TensorBoard's AR_iter_loss/L_{reso} (or acc_{reso}) tags, averaged within each column: which scales are still learning, and which have stopped.",
                           figure: figure(chart, settings: settings, title: run.name, heightFactor: 0.8))
    }

    // MARK: - Shared pieces

    /// A raw curve (faint) and its TensorBoard-smoothed version (bold) for one metric: the
    /// iteration series when there is one, otherwise the epoch series. Returns the values that
    /// should decide a focused y range (the smoothed curve, not the noise).
    static func curveMarks(run: Run, name: MetricName, color: Color, x: XMapping, smoothing: SmoothingUsed)
        -> (marks: [any Mark], focusValues: [Double], boldIsEpochAverage: Bool, rawMinimum: Double?)
    {
        let iter = run.series(name, .iteration).flatMap { $0.count >= 2 ? $0 : nil }
        let epoch = run.series(name, .epoch).flatMap { $0.isEmpty ? nil : $0 }
        guard let raw = iter ?? epoch else { return ([], [], false, nil) }
        var rawMinimum: Double? = nil
        for v in raw.values where v.isFinite && v < (rawMinimum ?? .infinity) { rawMinimum = v }
        let xs = x.xs(raw)
        var marks: [any Mark] = [
            LineMark(xs: xs, ys: raw.values, color: color, width: 1, opacity: 0.3, label: "\(name.rawValue) (raw)", showsInLegend: false)
                .loggedAt(x.origin(raw)),
        ]
        if let epoch, iter != nil {
            // Both exist: the epoch averages are the cleanest bold curve.
            marks.append(LineMark(xs: x.xs(epoch), ys: epoch.values, color: color, width: 2, label: name.rawValue).loggedAt(x.origin(epoch)))
            return (marks, epoch.values, true, rawMinimum)
        }
        let smoothed = Smoothing.debiasedEMA(raw.values, weight: smoothing.weight(points: raw.count, granularity: raw.granularity))
        marks.append(LineMark(xs: xs, ys: smoothed, color: color, width: 2, label: name.rawValue).loggedAt(x.origin(raw)))
        return (marks, smoothed, false, rawMinimum)
    }

    static func shortName(_ name: MetricName) -> String {
        switch name {
        case .trainLossTail: return "Lt"
        case .trainLossMean: return "Lm"
        case .valLossTail: return "val Lt"
        case .valLossMean: return "val Lm"
        default: return name.rawValue
        }
    }

    static func figure(_ chart: Chart, settings: FigureSettings, title: String?, heightFactor: Double = 1) -> Figure {
        var fig = Figure(withYScale(chart, settings), width: settings.width, height: settings.height * heightFactor, title: nil,
                         theme: settings.theme, transparent: settings.transparent)
        fig.textScale = textScale(settings)
        return fig
    }

    /// One text size for every figure of a report: that of a full-height figure. A shorter one
    /// (throughput, gradient norm) would otherwise shrink its text with its height, and need
    /// more width than a desktop page has to keep its tick labels at 9 px in the HTML report.
    static func textScale(_ settings: FigureSettings) -> Double {
        Figure(width: settings.width, height: settings.height, title: nil, charts: []).resolvedTextScale
    }

    /// `--log-y`: the chart's y axis on a log scale (a heatmap's rows are not a scale).
    static func withYScale(_ chart: Chart, _ settings: FigureSettings) -> Chart {
        guard settings.logY, chart.heatmap == nil else { return chart }
        var c = chart
        c.y.scale = .log10
        if let d = c.y.domain, d.lowerBound <= 0 { c.y.domain = nil }  // a focused range reaching 0 cannot be drawn on a log scale
        return c
    }

    /// The y range a loss (or `--metric`) chart is drawn with: `--ylim` when given, else the
    /// focused range (nil: fitted to the data).
    static func yDomain(_ settings: FigureSettings, focused: ClosedRange<Double>?) -> ClosedRange<Double>? {
        settings.yRange ?? focused
    }
}
