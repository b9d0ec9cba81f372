import Report
import Foundation

/// The power law of the VAR paper, L = (beta * N)^alpha with N the parameter count, fitted by
/// least squares on ln L = alpha ln beta + alpha ln N.
public struct ScalingFit: Codable, Sendable, Equatable {
    /// The metric the losses come from (`val/loss_tail`, ...).
    public var metric: String
    /// `raw` for the loss itself, `reducible` for the loss minus `irreducible`.
    public var kind: String
    public var irreducible: Double?
    public var alpha: Double
    public var beta: Double
    /// Coefficient of determination of the linear fit in log-log space.
    public var r2: Double
    /// Pearson correlation of ln N and ln L (negative when loss falls with size).
    public var r: Double
    public var nPoints: Int
    /// The fitted points: run name, parameters, loss (raw or reducible).
    public var points: [ScalingPoint]
    /// Runs this fit left out that the others kept, with the reason (a final loss below the
    /// irreducible loss of a reducible fit).
    public var excluded: [ScalingExclusion] = []

    enum CodingKeys: String, CodingKey {
        case metric, kind, irreducible, alpha, beta, r2, r, points, excluded
        case nPoints = "n_points"
    }

    /// The fitted loss at N parameters.
    public func loss(atParameters n: Double) -> Double { pow(beta * n, alpha) }
}

/// A run left out of a fit, and why.
public struct ScalingExclusion: Codable, Sendable, Equatable {
    public var name: String
    public var reason: String
    public init(name: String, reason: String) {
        self.name = name
        self.reason = reason
    }
}

/// One run in a scaling plot.
public struct ScalingPoint: Codable, Sendable, Equatable {
    public var name: String
    public var parameters: Double
    public var loss: Double
}

public enum ScalingLaw {
    /// Fewest runs a fit is made from: two points always lie on a line (r² = 1 says nothing).
    public static let minimumRuns = 3

    /// Least squares on (ln N, ln L); nil with fewer than `minimumRuns` usable points, fewer than
    /// two distinct N, or non-positive values.
    public static func fit(metric: String, kind: String, irreducible: Double?, points: [ScalingPoint]) -> ScalingFit? {
        let usable = points.filter { $0.parameters > 0 && $0.loss > 0 && $0.parameters.isFinite && $0.loss.isFinite }
        guard usable.count >= minimumRuns, Set(usable.map(\.parameters)).count >= 2 else { return nil }
        let xs = usable.map { log($0.parameters) }, ys = usable.map { log($0.loss) }
        let n = Double(xs.count)
        let mx = xs.reduce(0, +) / n, my = ys.reduce(0, +) / n
        var sxx = 0.0, sxy = 0.0, syy = 0.0
        for i in xs.indices {
            sxx += (xs[i] - mx) * (xs[i] - mx)
            sxy += (xs[i] - mx) * (ys[i] - my)
            syy += (ys[i] - my) * (ys[i] - my)
        }
        guard sxx > 0 else { return nil }
        let slope = sxy / sxx
        let intercept = my - slope * mx
        guard slope != 0 else { return nil }
        var sse = 0.0
        for i in xs.indices { let e = ys[i] - intercept - slope * xs[i]; sse += e * e }
        let r2 = syy > 0 ? 1 - sse / syy : 1
        let r = syy > 0 ? sxy / (sxx * syy).squareRoot() : 0
        let beta = exp(intercept / slope)
        return ScalingFit(metric: metric, kind: kind, irreducible: irreducible, alpha: slope, beta: beta,
                          r2: r2, r: r, nPoints: usable.count, points: usable)
    }

    /// Parameters of a VAR transformer of depth d (width C = 64 d, d heads, MLP ratio 4, AdaLN):
    /// per block 18 C^2 (attention 4 C^2, MLP 8 C^2, AdaLN 6 C^2) plus biases, and the
    /// embeddings and head for a 4096-entry codebook at 256 px (680 tokens, 1000 classes).
    /// d16 gives 310.3 M, d20 600 M, d24 1.0 B, d30 2.0 B, as the VAR paper lists.
    public static func parameters(depth d: Int, vocabSize v: Int = 4096, tokens l: Int = 680,
                                  classes: Int = 1000, codeDim: Int = 32) -> Double {
        let c = Double(64 * d), dd = Double(d)
        let perBlock = 18 * c * c + 14 * c + dd
        let head = 2 * c * c + 2 * c + Double(v) * c + Double(v)
        let embeddings = Double(codeDim) * c + c + Double(classes + 1) * c + 10 * c + c + Double(l) * c
        return dd * perBlock + head + embeddings
    }
}
