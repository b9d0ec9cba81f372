import Analysis

/// The words drawn inside the VAR figures (titles, subtitles, axes, legends, annotations) in the
/// report's language. Metric names and numbers stay as they are.
struct FigureWords: Sendable {
    let language: ReportLanguage

    /// A fixed phrase in the figure's language (English as given when there is no translation).
    func callAsFunction(_ english: String) -> String {
        language == .zh ? (Self.chinese[english] ?? english) : english
    }

    func at(epoch: Int?, step: Int?) -> String { language.wording.at(epoch: epoch, step: step) ?? "?" }

    func smoothedSubtitle(weight: String) -> String {
        language == .zh ? "浅色：原始值；粗线：TensorBoard 平滑（权重 \(weight)）；点：验证"
            : "faint: raw; bold: TensorBoard-smoothed (weight \(weight)); points: validation"
    }
    func focusedNote(_ lnV: String) -> String {
        language == .zh ? "；y 轴已聚焦：每个运行都从 ln V = \(lnV) 开始" : "; y axis focused: every run starts at ln V = \(lnV)"
    }
    func threshold(_ bar: String, of metrics: String? = nil) -> String {
        let head = language == .zh ? "阈值 \(bar)" : "threshold \(bar)"
        return metrics.map { "\(head) (\($0))" } ?? head
    }
    func uniform(_ lnV: String) -> String { language == .zh ? "均匀分布 ln V = \(lnV)" : "uniform ln V = \(lnV)" }
    func staysBelow(from place: String) -> String { language == .zh ? "自\(place)起保持在其下" : "stays below from \(place)" }
    func best(_ metric: String, _ value: String, _ place: String) -> String {
        language == .zh ? "\(metric) 最佳 \(value)（\(place)）" : "best \(metric) \(value) (\(place))"
    }
    func earlyStop(_ place: String) -> String { language == .zh ? "提前停止：\(place)" : "early stop: \(place)" }
    func overfitting(from place: String) -> String { language == .zh ? "自\(place)起过拟合" : "overfitting from \(place)" }
    func clip(_ value: String) -> String { language == .zh ? "裁剪 \(value)" : "clip \(value)" }

    static let chinese: [String: String] = [
        "Loss": "损失",
        "Token accuracy": "词元准确率",
        "Learning rate": "学习率",
        "Weight decay": "权重衰减",
        "Gradient norm": "梯度范数",
        "Throughput": "吞吐量",
        "Loss per scale": "各尺度损失",
        "Accuracy per scale": "各尺度准确率",
        "faint: logged iterations; bold: epoch averages; points: validation": "浅色：记录的迭代；粗线：每轮平均；点：验证",
        "top-1 token accuracy, percent; points: validation": "top-1 词元准确率（%）；点：验证",
        "log scale": "对数坐标",
        "VAR predicts token maps coarse to fine; rows are resolutions in pixels": "VAR 由粗到细预测词元图；每行是一个分辨率（像素）",
        "epoch": "轮次",
        "step": "步数",
        "hours": "小时",
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
        "(per epoch)": "（每轮）",
    ]
}
