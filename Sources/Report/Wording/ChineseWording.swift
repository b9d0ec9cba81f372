import Analysis
import TrainingLog

/// 简体中文：报告中的每一句话都由发现的事实（类型、指标、`facts` 以及摘要中的数值）生成。
/// Metric names, file names and numbers stay as they are; quoted log lines stay verbatim.
struct ChineseWording: ReportWording {
    var labels: [String: String] { Labels.english.merging(Self.words) { _, zh in zh } }

    static let words: [String: String] = [
        "report_title": "训练报告",
        "sweep_title": "实验对比",
        "verdict": "结论",
        "key_numbers": "关键指标",
        "metric": "指标",
        "last": "最终值",
        "best": "最佳值",
        "best_epoch": "最佳轮次",
        "smoothed": "平滑值",
        "first_below": "首次低于阈值",
        "stays_below": "持续低于阈值自",
        "findings": "发现",
        "recommendation": "建议",
        "figures": "图表",
        "run": "运行",
        "status": "状态",
        "epochs": "轮次",
        "restarts": "重启次数",
        "parameters": "参数量",
        "threshold": "阈值",
        "uniform_loss": "均匀分布基线 ln V",
        "config": "配置",
        "sources": "数据来源",
        "warnings": "警告",
        "no_warnings": "无警告。",
        "figure_data": "数据",
        "no_threshold": "未使用（可用 --threshold 设定）",
        "no_findings": "无需报告的问题。",
        "format": "格式",
        "covered": "覆盖范围",
        "file": "文件",
        "key": "键",
        "value": "值",
        "overfitting": "过拟合",
        "early_stop": "提前停止",
        "time": "训练时间",
        "per_iteration": "每次迭代",
        "not_reached": "未达到",
        "never": "从未",
        "generated_by": "由 varreport 生成",
        "page": "页",
        "summary": "摘要",
        "verdict_converged": "已收敛",
        "verdict_converging": "正在收敛",
        "verdict_plateaued": "进入平台期",
        "verdict_overfitting": "过拟合",
        "verdict_diverged": "发散",
        "verdict_insufficient-data": "数据不足",
        "status_finished": "已完成",
        "status_running": "训练中",
        "status_stopped": "已停止",
        "status_crashed": "已崩溃",
        "status_diverged": "已发散",
        "status_unknown": "未知",
        "severity_critical": "严重",
        "severity_warning": "警告",
        "severity_info": "信息",
        "iterations_per_epoch": "每轮迭代数",
        "eta": "预计剩余时间",
        "more_info_findings": "另有 {n} 条信息类发现，见“发现 (信息)”一节。",
        "warnings_quoted": "读取日志时的原始提示（原文）",
        "more_warnings": "……另有 {n} 条（见 summary.json）",
        "page_of": "第 {n} 页，共 {total} 页",
    ]

    // MARK: - Small pieces

    func at(epoch: Int?, step: Int?) -> String? {
        if let e = epoch { return "第 \(e) 轮" }
        if let s = step { return "第 \(s) 步" }
        return nil
    }
    func epochs(_ n: Int) -> String { "\(n) 轮" }
    func steps(_ n: Int) -> String { "\(n) 步" }

    func coverage(first: Int?, last: Int?) -> String {
        switch (first, last) {
        case let (f?, l?) where f == l: return "第 \(f) 轮"
        case let (f?, l?): return "第 \(f)–\(l) 轮"
        default: return "–"
        }
    }

    func restarts(_ r: RunFacts) -> String {
        var t = "\(r.restarts)"
        if !r.restartEpochs.isEmpty { t += "（第 \(r.restartEpochs.map(String.init).joined(separator: "、")) 轮）" }
        if r.idleLaunches > 0 { t += "；共启动 \(r.launches) 次，其中 \(r.idleLaunches) 次未训练" }
        return t
    }

    private func num(_ v: Double?) -> String { NumberFormat.loss(v) }
    private func bar(_ v: Double?) -> String { NumberFormat.compact(v) }
    private func place(_ p: LogPlace?) -> String? {
        guard let p else { return nil }
        return "\(RunNaming.lastComponent(p.path))" + (p.line.map { " 第 \($0) 行" } ?? "")
    }
    /// "8/20 轮", or "第 1500 步" for a run logged only by steps.
    private func epochsOf(_ r: RunFacts) -> String {
        if r.epochsCompleted == 0, r.epochsPlanned == nil, let step = r.lastStep { return "第 \(step) 步" }
        return r.epochsPlanned.map { "\(r.epochsCompleted)/\($0) 轮" } ?? "\(r.epochsCompleted) 轮"
    }
    private func value(_ metric: String, _ v: Double) -> String {
        MetricName(metric).isAccuracy ? NumberFormat.percent(v) : num(v)
    }

    // MARK: - Status and headline

    func statusReason(_ s: Summary) -> String {
        let r = s.run
        let evidence = place(r.statusEvidence).map { "（证据：\($0)）" } ?? ""
        switch r.status {
        case .finished:
            let marker = r.family == "llamagen" ? "LlamaGen 的结束标记（Done!）"
                : r.family == "infinity" ? "Infinity 的结束标记（[PT finished]）"
                : r.sources.contains { $0.format == "wandb" } ? "wandb 的退出记录（退出码 0）"
                : r.sources.contains { $0.format == "mlflow" } ? "MLflow 记录的 FINISHED 状态" : "VAR 的结束标记"
            if r.statusEvidence != nil { return "日志以 \(marker)结尾，已记录 \(epochsOf(r))\(evidence)" }
            return "已记录全部 \(epochsOf(r))"
        case .crashed: return "日志显示进程在 \(epochsOf(r))后终止\(evidence)"
        case .diverged: return "损失发散且没有恢复"
        case .running: return "已记录 \(epochsOf(r))，日志最近仍在写入"
        case .stopped: return "已记录 \(epochsOf(r))，之后长时间没有写入，日志中也没有结束标记或崩溃证据"
        case .unknown:
            if r.epochsCompleted == 0, let step = r.lastStep { return "训练记录到第 \(step) 步；日志没有说明计划训练多久" }
            return "日志没有说明计划训练多少轮，\(r.epochsCompleted) 轮可能并非全部"
        }
    }

    func headline(_ s: Summary) -> String {
        var parts: [String] = []
        let o = s.overfitting
        switch s.verdict {
        case .overfitting:
            if let m = o.metric, let b = o.bestValue {
                parts.append("\(m) 在\(at(epoch: o.bestEpoch, step: o.bestStep) ?? "某处")最低（\(num(b))），此后每次验证都更差，而训练损失仍在下降")
            }
        case .diverged: parts.append("训练损失发散且没有恢复")
        case .plateaued: parts.append("训练损失已进入平台期")
        case .insufficientData: parts.append("日志中的数据不足以作出判断")
        case .converged, .converging: break
        }
        for name in ReportModel.orderedMetricNames(s) {
            guard let m = s.metrics[name], m.kind == "loss", let t = m.threshold, !MetricName(name).isValidation else { continue }
            if let fb = m.firstBelow {
                var c = "\(name) 在\(at(epoch: fb.epoch, step: fb.step) ?? "某处")低于 \(bar(t))"
                if let sb = m.staysBelowFrom { c += "，并自第 \(sb.epoch) 轮起保持在其下" }
                parts.append(c)
            } else {
                parts.append("\(name) 未达到 \(bar(t))（最终 \(num(m.last.value))）")
            }
        }
        switch s.run.status {
        case .crashed: parts.insert("运行在 \(epochsOf(s.run))后崩溃" + (place(s.run.statusEvidence).map { "（\($0)）" } ?? ""), at: 0)
        case .stopped: parts.insert("运行在 \(epochsOf(s.run))后停止", at: 0)
        case .running: parts.insert("运行仍在训练（\(epochsOf(s.run))）", at: 0)
        default: break
        }
        if parts.isEmpty || parts.allSatisfy({ $0.hasPrefix("运行") }),
           let name = MetricRoles.trainingLosses(s.metrics.keys.map { MetricName($0) }).first?.rawValue, let m = s.metrics[name] {
            // No threshold to speak of (a loss off the V-way scale): the loss itself.
            parts.append("\(name) 最终 \(num(m.last.value))（\(at(epoch: m.last.epoch, step: m.last.step) ?? "")），平滑值 \(num(m.smoothedLast))，最佳 \(num(m.best.value))")
        }
        return parts.isEmpty ? "日志中没有可判断的损失指标。" : parts.joined(separator: "；") + "。"
    }

    // MARK: - Crossings

    func crossing(metric: String, threshold: Double, _ m: MetricSummary) -> String {
        if let fb = m.firstBelow {
            var t = "\(metric) 在\(at(epoch: fb.epoch, step: fb.step) ?? "某处")低于 \(bar(threshold))（\(num(fb.value))）"
            if let stay = m.staysBelowFrom { t += "，并自第 \(stay.epoch) 轮起保持在其下" }
            return t + "。"
        }
        var t = "\(metric) 未达到 \(bar(threshold))（最终 \(num(m.last.value))，最佳 \(num(m.best.value))）"
        if let p = m.projection {
            if p.amplitude <= 0 || p.fallingAtEnd == false { t += "；已不再下降" }
            else if p.reach == "within-reach", let e = p.projectedEpoch { t += "；预计在第 \(Int(e.rounded())) 轮左右达到" }
            else if p.reach == "not-expected" { t += "；预计无法达到（拟合下限 \(num(p.lossInfinity))）" }
            else { t += "；按当前训练计划无法达到" }
        }
        return t + "。"
    }

    // MARK: - Findings

    func finding(_ f: Finding, in s: Summary) -> (message: String, recommendation: String?) {
        let metric = f.metric ?? ""
        let m = s.metrics[metric]
        let when = at(epoch: f.epoch, step: nil)
        switch f.kind {
        case "threshold-crossed":
            guard let m, let t = m.threshold, let fb = m.firstBelow else { break }
            var msg = MetricName(metric).isValidation
                ? "\(metric) 的验证值在\(at(epoch: fb.epoch, step: fb.step) ?? "某处")首次低于 \(bar(t))（\(num(fb.value))）"
                : "\(metric) 在\(at(epoch: fb.epoch, step: fb.step) ?? "某处")低于 \(bar(t))（\(num(fb.value))）"
            if m.points < 2 { msg += "，这是日志中唯一的数据点，无法判断何时达到" }
            else if let sb = m.staysBelowFrom { msg += "，并自第 \(sb.epoch) 轮起保持在其下" }
            var cost: [String] = []
            if let e = m.epochsToThreshold { cost.append("\(e) 轮") }
            if let h = m.hoursToThreshold { cost.append(hours(h)) }
            if let g = m.gpuHoursToThreshold { cost.append("\(NumberFormat.fixed(g, 0)) GPU 小时") }
            if !cost.isEmpty, m.points >= 2 { msg += "；用时 " + cost.joined(separator: "、") }
            return (msg + "。" + context(m, s), nil)
        case "threshold-not-held":
            guard let m, let t = m.threshold, let fb = m.firstBelow else { break }
            return ("\(metric) 在\(at(epoch: fb.epoch, step: fb.step) ?? "某处")低于 \(bar(t))（\(num(fb.value))），但最终又高于阈值（最终 \(num(m.last.value))）。" + context(m, s),
                    "同时关注两条曲线：越过阈值后损失再次上升，说明学习率过高或训练不稳定；参见平台期和尖峰相关的发现。")
        case "threshold-not-reached":
            guard let m, let t = m.threshold else { break }
            var msg = "\(metric) 未达到 \(bar(t))：最终 \(num(m.last.value))（\(at(epoch: m.last.epoch, step: m.last.step) ?? "")）。" + context(m, s)
            var rec: String? = nil
            let training = !MetricName(metric).isValidation
            if let p = m.projection {
                if p.amplitude > 0, p.reach == "beyond-schedule" || p.reach == "undetermined" {
                    msg += "它仍在下降，但按当前训练计划无法达到阈值（拟合无法确定其下限，或只有在远超已训练轮数之后才会达到）。"
                    if training { rec = "根据趋势而不是外推来判断：只有当曲线在结尾仍明显下降时才值得继续训练。" }
                } else if p.fallingAtEnd == false || p.amplitude <= 0 {
                    msg += "在最后 \(p.fitPoints ?? 0) 个点上它已不再下降，不改变训练设置就不会达到 \(bar(t))。"
                    if training { rec = "降低学习率或提前停止：曲线已在阈值之上变平。" }
                } else if !p.expectedToReach {
                    msg += "对最后 \(p.fitPoints ?? 0) 个点拟合 L(t) = L_inf + A t^-alpha 得到下限 L_inf = \(num(p.lossInfinity))，高于 \(bar(t))：预计无法达到。"
                    if training { rec = "继续同样的训练无法达到：需要更大的模型（depth）、更多数据或新的学习率计划。" }
                } else if let pe = p.projectedEpoch {
                    msg += "拟合预计在第 \(Int(pe.rounded())) 轮左右达到 \(bar(t))。"
                    if p.withinPlannedEpochs == false, let planned = s.run.epochsPlanned {
                        rec = "再训练约 \(max(1, Int(pe.rounded(.up)) + 1 - planned)) 轮，或接受当前结果。"
                    }
                }
            }
            return (msg, rec)
        case "overfitting":
            let o = s.overfitting
            guard let name = o.metric, let b = o.bestValue else { break }
            var msg = "\(name) 在\(at(epoch: o.bestEpoch, step: o.bestStep) ?? "某处")最低（\(num(b))），此后连续 \(o.perMetric[name]?.worseChecksAfterBest ?? 0) 次验证都更差"
            if let t = o.trainingMetric { msg += "，而 \(t) 仍在下降" }
            if let gl = o.generalizationLoss { msg += "；最后一次验证时泛化损失为 \(NumberFormat.fixed(gl, 1)) %" }
            msg += "。"
            let others = o.perMetric.filter { $0.key != name }.sorted { $0.key < $1.key }
            if !others.isEmpty {
                msg += "其他验证指标：" + others.map { k, v in
                    let best = "\(at(epoch: v.bestEpoch, step: v.bestStep) ?? "某处")\(v.kind == "accuracy" ? "最高" : "最低")（\(value(k, v.bestValue))）"
                    return v.worseChecksAfterBest > 0 ? "\(k) 在\(best)，此后 \(v.worseChecksAfterBest) 次验证都更差" : "\(k) 在\(best)，仍在改善"
                }.joined(separator: "；") + "。"
            }
            let keep = o.bestEpoch.map { "保留第 \($0) 轮的检查点" } ?? "保留最佳检查点"
            return (msg, "提前停止：\(keep)，并在继续训练之前加强正则化（更大的权重衰减 `twd`、标签平滑 `ls`、dropout `drop`）或增加数据。")
        case "early-stop":
            guard let e = s.earlyStop else { break }
            let unit = e.unit == "epochs" ? "轮" : "次验证"
            var msg = "对 \(e.metric) 使用提前停止规则（耐心 \(e.patience ?? 0) \(unit)，min_delta \(bar(e.minDelta ?? 0))）会在\(at(epoch: e.epoch, step: e.step) ?? "某处")停止"
            if let b = e.bestValue { msg += "，保留\(at(epoch: e.bestEpoch, step: e.bestStep) ?? "")的最佳值 \(num(b))" }
            if let saved = e.epochsSaved { msg += "，节省 \(saved) 轮" } else if let st = e.stepsSaved { msg += "，节省 \(st) 步" }
            var extra: [String] = []
            if let h = e.hoursSaved { extra.append(hours(h)) }
            if let g = e.gpuHoursSaved { extra.append("\(NumberFormat.fixed(g, 0)) GPU 小时") }
            if !extra.isEmpty { msg += "（" + extra.joined(separator: "、") + "）" }
            msg += "。"
            if e.checkpointNote != nil { msg += "VAR 的 ar-ckpt-best.pth 保存的是 val/loss_tail 最低时的检查点。" }
            let keep = e.bestEpoch.map { "使用第 \($0) 轮的检查点" } ?? "使用最佳检查点"
            return (msg, "提前停止：\(keep)；下次可按耐心 \(e.patience ?? 0) \(unit)停止，或缩短训练计划（`ep`）。")
        case "plateau", "plateau-expected":
            let p = s.plateaus.first { $0.metric == metric && $0.startEpoch == f.epoch } ?? s.plateau
            guard let p else { break }
            var msg = "\(p.metric) 自第 \(p.startEpoch) 轮起没有明显改善"
            if let b = p.bestValue { msg += "（最佳平滑值 \(num(b))）" }
            if let lr = p.learningRate { msg += "，此时学习率为 \(NumberFormat.compact(lr))" }
            if let frac = p.learningRateFraction { msg += "（峰值的 \(NumberFormat.fixed(frac * 100, 0)) %）" }
            if f.kind == "plateau-expected" {
                return (msg + "；这发生在 VAR 的\(p.phase == "warmup" ? "预热" : "恒定学习率")阶段，出现平台期是正常的。", "在学习率开始衰减之后再判断这条曲线。")
            }
            let low = (p.learningRateFraction ?? 1) < 0.3
            return (msg + "。", low ? "提前停止：学习率已经很低，继续训练不会有帮助；更大的模型或更多数据才会。"
                                    : "降低学习率（例如减半 `tblr`），或提前停止。")
        case "plateau-ended":
            let spans = s.plateaus.filter { $0.metric == metric && $0.endEpoch != nil }
            guard !spans.isEmpty else { break }
            return ("\(metric) 曾停滞 \(spans.count) 次（第 " + spans.map { "\($0.startEpoch)–\($0.endEpoch!)" }.joined(separator: "、")
                    + " 轮），每次之后都重新改善。", nil)
        case "trend":
            guard let from = f.facts?["from"]?.number, let to = f.facts?["to"]?.number,
                  let fe = f.facts?["from_epoch"]?.count, let te = f.facts?["to_epoch"]?.count else { break }
            let verb = f.facts?["improving"]?.flag == true ? "仍在改善" : "已不再改善"
            return ("\(metric) \(verb)：平滑值从第 \(fe) 轮的 \(num(from)) 变为第 \(te) 轮的 \(num(to))（\(te - fe) 轮内变化 \(to - from <= 0 ? "" : "+")\(num(to - from))）。", nil)
        case "loss-spike", "grad-norm-spike":
            let grad = f.kind == "grad-norm-spike"
            let count = grad ? s.instability.gradNormSpikeCount : s.instability.lossSpikeCount
            let list = s.instability.spikes.filter { grad ? $0.metric == MetricName.gradNorm.rawValue : $0.metric != MetricName.gradNorm.rawValue }
            var msg = "\(count) 次\(grad ? "梯度范数" : "损失")尖峰（远高于其相邻点的稳健基线）"
            if let big = list.max(by: { $0.value / max($0.baseline, 1e-12) < $1.value / max($1.baseline, 1e-12) }) {
                msg += "；最大的一次：\(NumberFormat.compact(big.value))（\(at(epoch: nil, step: big.step) ?? at(epoch: big.epoch, step: nil) ?? "")"
                    + (big.epoch.map { "，第 \($0) 轮" } ?? "") + "），局部基线 \(NumberFormat.compact(big.baseline))（\(NumberFormat.fixed(big.value / max(big.baseline, 1e-12), 1)) 倍）"
            }
            return (msg + "。", grad ? nil : "检查尖峰附近的数据批次与学习率；反复出现时可降低学习率或收紧梯度裁剪（`tclip`）。")
        case "grad-clipping":
            guard let frac = s.instability.gradClipFraction else { break }
            return ("梯度范数在 \(NumberFormat.fixed(frac * 100, 1)) % 的记录步数上达到裁剪值 \(bar(s.instability.gradClipValue))。", nil)
        case "grad-norm-non-finite":
            return ("梯度范数有 \(s.instability.nonFiniteGradNormCount) 个非有限值（NaN/Inf），训练随后继续。", nil)
        case "loss-scale-drop":
            let first = s.instability.lossScaleDrops.first
            return ("fp16 损失缩放下降了 \(s.instability.lossScaleDropCount) 次" + (first.map { "，首次在\(at(epoch: $0.epoch, step: $0.step) ?? "某处")（log2 缩放 \(NumberFormat.fixed($0.value, 1))）" } ?? "") + "。", nil)
        case "non-finite-recovered":
            let list = s.instability.nonFiniteValues.map { "\($0.metric) 在\(at(epoch: $0.epoch, step: $0.step) ?? "某处")为 \($0.value)" }
            return ("训练日志中出现非有限值（" + list.joined(separator: "；") + "），之后的损失恢复为有限且继续下降：训练已恢复，而不是发散。",
                    "检查该处附近的数据与学习率；如果反复出现，可降低学习率或启用梯度裁剪。")
        case "diverged":
            return ("训练发散：" + (s.instability.firstNonFinite.map { "损失在\(at(epoch: $0.epoch, step: $0.step) ?? "某处")变为非有限值，之后没有恢复" } ?? "损失远高于其最佳值且没有回落") + "。",
                    "从发散之前的检查点恢复，并降低学习率或收紧梯度裁剪（`tclip`）。")
        case "accuracy-falls-with-loss":
            guard let d = s.instability.accuracyFallsWithLoss.first else { break }
            return ("第 \(d.startEpoch)–\(d.endEpoch) 轮，\(d.lossMetric) 下降的同时 \(d.accuracyMetric) 也在下降（准确率变化 \(NumberFormat.fixed(d.accuracyChange, 2))，损失变化 \(num(d.lossChange))）：两者本应反向变化。",
                    "检查评估与日志记录是否一致（例如数据或指标定义是否变化）。")
        case "loss-scale":
            return ("\(metric) 的数值不在 \(s.vocabSize) 类交叉熵的范围内（起点应约为 ln V = \(num(s.uniformLoss))），因此不按 \(bar(s.threshold)) 判断，也不给出困惑度或 ln V 的完成比例"
                    + (m?.threshold.map { "；它按你设定的阈值 \(bar($0)) 判断" } ?? "") + "。",
                    m?.threshold == nil ? "用 --threshold（或 --config 中的 thresholds）设定自己的阈值；如果码本不是 \(s.vocabSize) 项，请用 --vocab。" : nil)
        case "no-validation-data":
            return ("日志中没有验证数据，因此无法判断过拟合；不会从训练曲线推断。",
                    s.run.family == "llamagen"
                        ? "LlamaGen 的训练脚本不记录验证损失：每隔几千步在留出集上评估一次（或用保存的检查点采样计算 FID），才能判断过拟合。"
                        : s.run.family == "infinity"
                        ? "Infinity 只把验证损失写入 TensorBoard 或 wandb（vL_mean、vL_tail）：请与运行一起保留这些文件（控制台的 VAL 行打印的是训练均值）。"
                        : "请保留 log.txt 和 TensorBoard 事件文件：VAR 只在那里写入验证结果。")
        case "validation-single-point":
            guard let m else { break }
            return ("\(metric) 只有一个验证点（\(at(epoch: m.last.epoch, step: m.last.step) ?? "某处")为 \(value(metric, m.last.value))），无法据此判断过拟合。",
                    "请保留 log.txt 或 TensorBoard 事件文件，它们记录了每一次验证。")
        case "validation-improving", "validation-no-overfitting":
            guard let v = s.overfitting.perMetric[metric] else { break }
            let best = "\(at(epoch: v.bestEpoch, step: v.bestStep) ?? "某处")（\(value(metric, v.bestValue))）"
            if f.kind == "validation-improving" {
                return ("\(metric) 仍在改善：最佳值出现在最后一次验证\(best)（共 \(v.checks) 次验证）。", nil)
            }
            return ("\(metric) 的最佳值在\(best)，之后 \(v.worseChecksAfterBest) 次验证更差，但还不足以认定过拟合（规则需要连续 \(v.requiredChecks) 次）。",
                    "同时关注两条曲线：继续观察接下来几次验证的验证损失。")
        case "validation-metrics-disagree":
            return ("各验证损失的走势不一致：\(metric) 仍在改善，而另一个验证损失自其最佳值之后每次验证都更差。",
                    "同时关注两条曲线：它们衡量的是不同尺度；最后一个尺度（`loss_tail`）主导图像质量。")
        case "validation-accuracy-stalled":
            guard let v = s.overfitting.perMetric[metric] else { break }
            return ("\(metric) 自\(at(epoch: v.bestEpoch, step: v.bestStep) ?? "某处")以来没有再上升（最高 \(value(metric, v.bestValue))；此后 \(v.worseChecksAfterBest) 次验证更低），而验证损失仍在改善。",
                    "同时关注两条曲线：观察两者的下一次验证。")
        case "finished":
            return ("运行已完成\(s.run.totalHours.map { "，用时 \(hours($0))" } ?? "")：\(statusReason(s))。", nil)
        case "running":
            return ("运行仍在训练：\(statusReason(s))" + (s.run.etaHours.map { "；按当前速度约剩 \(hours($0))" } ?? "") + "。", nil)
        case "stopped":
            let resume = s.run.family == "llamagen" ? "用 --gpt-ckpt 从最后保存的检查点恢复" : "从 ar-ckpt-last.pth 恢复"
            return ("运行已停止：\(statusReason(s))。", "如果不是有意停止，请查看作业调度器的日志（.out / .err 文件）找出原因，并\(resume)。")
        case "crashed":
            return ("运行崩溃：\(statusReason(s))。", s.run.family == "llamagen"
                ? "修复原因后用 --gpt-ckpt 从最后保存的检查点恢复训练（每 --ckpt-every 步保存一次），之后的步数会重新训练。"
                : "修复原因后恢复训练：VAR 的自动恢复会读取 ar-ckpt-last.pth（在最后一次验证时保存），之后的轮次会重新训练。")
        case "incomplete":
            return ("无法判断运行是否完成：\(statusReason(s))。", nil)
        case "restarts":
            let r = s.run
            var msg = "训练脚本共启动 \(r.launches) 次"
            if r.restarts > 0 { msg += "：\(r.restarts) 次重启恢复了训练（第 \(r.restartEpochs.map(String.init).joined(separator: "、")) 轮；重复的轮次只计一次，取后来的值）" }
            if r.idleLaunches > 0 { msg += "；\(r.idleLaunches) 次启动没有训练任何一轮" }
            return (msg + "。", nil)
        case "family":
            let family = f.facts?["family"]?.text ?? ""
            if family == "infinity" {
                return ("这是 Infinity 的日志（由其 `[Ep]: [ 0/N]:` 迭代行和 `Lmean:` 轮次摘要识别）：它的词元是比特，因此损失按逐比特交叉熵理解，起点约为 ln 2 = \(num(s.uniformLoss))，准确率是比特准确率"
                        + (s.metrics.values.contains { $0.threshold != nil } ? "。" : "，不使用 VAR 的 5.5 阈值（可用 --threshold 自行设定）。"), nil)
            }
            let name = family == "llamagen" ? "LlamaGen" : family
            return ("这是 \(name) 的日志（由其日志行识别），因此分析使用码本大小 \(s.vocabSize)（损失从 ln V = \(num(s.uniformLoss)) 左右开始）"
                    + (s.metrics.values.contains { $0.threshold != nil } ? "" : "，不使用 VAR 的 5.5 阈值（可用 --threshold 自行设定）") + "。", nil)
        case "insufficient-data":
            return ("数据不足：" + headline(s), "请把 varreport 指向整个运行文件夹（stdout.txt、log.txt 和 TensorBoard 文件），或让训练再运行一段时间。")
        default:
            break
        }
        // A finding this wording has no sentence for, or whose facts are missing (a summary read
        // back from JSON): say what kind it is, where, and on which metric.
        let severity = labels["severity_" + f.severity.rawValue] ?? f.severity.rawValue
        return ("\(severity)：\(f.kind)" + (f.metric.map { "（\($0)" + (when.map { "，\($0)" } ?? "") + "）" } ?? "") + "。", nil)
    }

    /// "平滑后的最终值 5.334（困惑度 207），已完成从 ln V 到 5.5 的 106 %。"
    private func context(_ m: MetricSummary, _ s: Summary) -> String {
        guard let sl = m.smoothedLast else { return "" }
        var t = "平滑后的最终值 \(num(sl))"
        if let p = m.perplexity { t += "（困惑度 \(NumberFormat.fixed(p, 0))）" }
        if let r = m.reducibleCovered, let thr = m.threshold { t += "，已完成从 ln V = \(num(s.uniformLoss)) 到 \(bar(thr)) 的 \(NumberFormat.fixed(r * 100, 0)) %" }
        return t + "。"
    }

    private func hours(_ h: Double) -> String {
        if h < 1 { return "\(NumberFormat.fixed(h * 60, 0)) 分钟" }
        return "\(NumberFormat.fixed(h, h < 10 ? 2 : 1)) 小时"
    }

    // MARK: - Figures

    var figurePhrases: [String: String] { Self.figureWords }

    func figure(_ phrase: FigurePhrase, _ args: String...) -> String {
        let a = args + ["", "", ""]
        switch phrase {
        case .smoothedSubtitle: return "浅色：原始值；粗线：TensorBoard 平滑（权重 \(a[0])）"
        case .focusedNote: return "；y 轴已聚焦：每个运行都从 ln V = \(a[0]) 开始"
        case .threshold: return "阈值 \(a[0])"
        case .uniform: return "均匀分布 ln V = \(a[0])"
        case .staysBelow: return "自\(a[0])起保持在其下"
        case .best: return "\(a[0]) 最佳 \(a[1])（\(a[2])）"
        case .earlyStop: return "提前停止：\(a[0])"
        case .overfitting: return "自\(a[0])起过拟合"
        case .constant: return "\(a[0])始终为 \(a[1])。"
        case .roundedConsoleLeftOut: return "学习率取自 \(a[1]) 的精确值；\(a[0]) 中只有两位有效数字的 tlr 未混入。"
        case .roundedConsoleFilled: return "学习率取自 \(a[1]) 的精确值；\(a[0]) 中只有两位有效数字的 tlr 仅在 \(a[1]) 未记录的 \(a[2]) 步以浅色画出。"
        case .clip: return "裁剪 \(a[0])"
        }
    }

    static let figureWords: [String: String] = [
        "Loss": "损失",
        "Token accuracy": "词元准确率",
        "Learning rate": "学习率",
        "Weight decay": "权重衰减",
        "Gradient norm": "梯度范数",
        "Throughput": "吞吐量",
        "Loss per scale": "各尺度损失",
        "Accuracy per scale": "各尺度准确率",
        "faint: logged iterations; bold: epoch averages": "浅色：记录的迭代；粗线：每轮平均",
        "top-1 token accuracy, percent": "top-1 词元准确率（%）",
        "; points: validation": "；点：验证",
        "log scale": "对数坐标",
        "VAR predicts token maps coarse to fine; rows are resolutions in pixels": "VAR 由粗到细预测词元图；每行是一个分辨率（像素）",
        "epoch": "轮次",
        "step": "步数",
        "hours": "小时",
        "date and time": "日期与时间",
        "the console's clock": "控制台时钟",
        "cross-entropy loss": "交叉熵损失",
        "accuracy (%)": "准确率（%）",
        "learning rate": "学习率",
        "weight decay": "权重衰减",
        "gradient norm": "梯度范数",
        "seconds per iteration": "每次迭代秒数",
        "resolution": "分辨率",
        "loss": "损失",
        "value": "数值",
        "restart": "重启",
        "spike": "尖峰",
        "(smoothed)": "（平滑）",
        "raw": "原始值",
        "smoothed": "平滑值",
        "(per epoch)": "（每轮）",
        "(console, 2 digits)": "（控制台，两位有效数字）",
        "faint: the console's rounded tlr, where no exact value was logged": "浅色：控制台四舍五入的 tlr，仅在没有精确值处",
        "exact values; the console's rounded tlr is not drawn": "精确值；未画控制台四舍五入的 tlr",
    ]


    func figureTitle(_ id: String, english: String) -> String {
        switch id {
        case "loss": return "损失"
        case "accuracy": return "词元准确率"
        case "optimizer": return "学习率与权重衰减"
        case "grad_norm": return "梯度范数"
        case "throughput": return "吞吐量"
        case "scales_loss": return "各尺度损失"
        case "scales_acc": return "各尺度准确率"
        case "overview": return "概览"
        default: return english
        }
    }

    func figureCaption(_ id: String, english: String, model: ReportModel) -> String {
        switch id {
        case "loss": return model.crossings.map(\.sentence).joined()
        case "accuracy": return "准确率随损失下降而上升；即使是好的模型，VAR 的词元准确率也只有百分之几。"
        case "optimizer": return "优化器遵循的学习率计划：VAR 先线性预热，然后衰减。"
        case "grad_norm":
            return "裁剪之前的梯度范数。" + (model.summary.instability.gradClipFraction.map { "它在 \(NumberFormat.fixed($0 * 100, 1)) % 的记录步数上达到裁剪值。" } ?? "")
        case "throughput": return "每轮的每次训练迭代秒数。"
        case "scales_loss", "scales_acc": return "各分辨率的数值，来自 TensorBoard 的 AR_iter_loss/L_{reso}（或 acc_{reso}）标签，在每一列内取平均：哪些尺度仍在学习，哪些已经停止。"
        default: return english
        }
    }
}
