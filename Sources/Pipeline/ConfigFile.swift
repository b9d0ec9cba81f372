import Analysis
import Foundation
import Yams

/// `--config FILE`: the command-line options as a YAML file, for settings a team shares.
///
/// ```yaml
/// threshold: 5.5            # default loss bar
/// thresholds:               # per metric
///   train/loss_mean: 6.0
/// vocab: 4096
/// names:                    # map a fork's column names to canonical ones
///   loss: train/loss_mean
/// theme: dark               # light | dark
/// lang: zh                  # en | zh
/// template: my-templates/   # a folder of .mustache files
/// x: epoch                  # epoch | step | hours | wall
/// smoothing: 0.9            # TensorBoard's EMA weight, on every curve (default: 0.6, raised on long ones)
/// log_y: true               # y axes on a log scale
/// ylim: 5:7                 # y range of the loss panels (or [5, 7])
/// analysis:                 # any rule setting of docs/ANALYSIS.md, snake_case
///   plateau_patience: 15
///   overfitting_patience: 2
/// ```
/// Options given on the command line win over the file.
public struct ConfigFile: Sendable {
    public var threshold: Double?
    public var thresholds: [String: Double] = [:]
    public var vocab: Int?
    public var names: [String: String] = [:]
    public var theme: String?
    public var lang: String?
    public var template: String?
    public var x: String?
    public var emaWeight: Double?
    public var emaAutoSpan: Double?
    public var smoothing: Double?
    public var logY: Bool?
    /// `LO:HI` as written (a list `[LO, HI]` is turned into that form).
    public var ylim: String?
    /// The `analysis:` section: every rule's setting, over the defaults.
    public var analysis: AnalysisOptions?

    static let knownKeys: Set<String> = ["threshold", "thresholds", "vocab", "names", "theme", "lang",
                                         "template", "x", "ema_weight", "ema_auto_span", "analysis",
                                         "smoothing", "log_y", "ylim"]

    public init() {}

    /// Reads and checks a config file; every unknown key or wrongly typed value is an error
    /// naming the file and the key.
    public static func load(_ path: String) throws -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigError(file: path, message: "cannot read the file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let node: Any?
        do { node = try Yams.load(yaml: text) } catch {
            throw ConfigError(file: path, message: "not valid YAML: \(error)")
        }
        guard let root = node as? [String: Any] else {
            if node == nil { return ConfigFile() }
            throw ConfigError(file: path, message: "expected a mapping of option names to values at the top level")
        }
        var c = ConfigFile()
        for key in root.keys.sorted() where !knownKeys.contains(key) {
            throw ConfigError(file: path, message: "unknown option '\(key)' (known: \(knownKeys.sorted().joined(separator: ", ")))")
        }
        c.threshold = try number(root["threshold"], "threshold", path)
        c.emaWeight = try number(root["ema_weight"], "ema_weight", path)
        c.emaAutoSpan = try number(root["ema_auto_span"], "ema_auto_span", path)
        c.smoothing = try number(root["smoothing"], "smoothing", path)
        if let v = root["log_y"] {
            guard let b = v as? Bool else { throw ConfigError(file: path, message: "'log_y' must be true or false") }
            c.logY = b
        }
        if let v = root["ylim"] {
            if let list = v as? [Any], list.count == 2 {
                let lo = try number(list[0], "ylim[0]", path)!, hi = try number(list[1], "ylim[1]", path)!
                c.ylim = "\(lo):\(hi)"
            } else if let text = v as? String {
                c.ylim = text
            } else {
                throw ConfigError(file: path, message: "'ylim' must be LO:HI (quoted) or a list [LO, HI]")
            }
        }
        if let v = root["vocab"] {
            guard let i = v as? Int, i > 1 else { throw ConfigError(file: path, message: "'vocab' must be an integer above 1") }
            c.vocab = i
        }
        if let m = root["thresholds"] {
            guard let d = m as? [String: Any] else { throw ConfigError(file: path, message: "'thresholds' must map metric names to numbers") }
            for (k, v) in d { c.thresholds[k] = try number(v, "thresholds.\(k)", path) }
        }
        if let m = root["names"] {
            guard let d = m as? [String: Any] else { throw ConfigError(file: path, message: "'names' must map source names to canonical names") }
            for (k, v) in d { c.names[k] = "\(v)" }
        }
        if let section = root["analysis"] {
            c.analysis = try analysisOptions(section, path)
        }
        c.theme = try string(root["theme"], "theme", path)
        c.lang = try string(root["lang"], "lang", path)
        c.template = try string(root["template"], "template", path)
        c.x = try string(root["x"], "x", path)
        if let t = c.template, !t.hasPrefix("/") {
            // A relative template folder is relative to the config file, not to the working directory.
            c.template = URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(t).path
        }
        return c
    }

    /// Decodes the `analysis:` section into `AnalysisOptions`, refusing keys it does not know
    /// (a misspelt setting must not be silently ignored).
    private static func analysisOptions(_ section: Any, _ path: String) throws -> AnalysisOptions {
        guard let dict = section as? [String: Any] else {
            throw ConfigError(file: path, message: "'analysis' must map setting names to values")
        }
        let known = AnalysisOptions.configKeys
        for key in dict.keys.sorted() where !known.contains(key) {
            throw ConfigError(file: path, message: "unknown analysis setting 'analysis.\(key)' (see docs/ANALYSIS.md)")
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: dict)
            return try JSONDecoder().decode(AnalysisOptions.self, from: data)
        } catch {
            throw ConfigError(file: path, message: "a value in 'analysis' has the wrong type: \(error)")
        }
    }

    private static func number(_ v: Any?, _ key: String, _ path: String) throws -> Double? {
        guard let v else { return nil }
        if let d = v as? Double, d.isFinite { return d }
        if let i = v as? Int { return Double(i) }
        throw ConfigError(file: path, message: "'\(key)' must be a number")
    }

    private static func string(_ v: Any?, _ key: String, _ path: String) throws -> String? {
        guard let v else { return nil }
        guard let s = v as? String else { throw ConfigError(file: path, message: "'\(key)' must be text") }
        return s
    }
}

public struct ConfigError: Error, CustomStringConvertible {
    public var file: String
    public var message: String
    public init(file: String, message: String) {
        self.file = file
        self.message = message
    }
    public var description: String { "\(file): \(message)" }
}
