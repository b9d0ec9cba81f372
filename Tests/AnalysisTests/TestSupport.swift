import Foundation
@testable import Analysis
import TrainingLog

/// Seeded random numbers for the tests (Analysis's SplitMix64), so noisy curves are the same on every run.
struct TestRNG {
    private var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(seed: seed) }
    mutating func next() -> UInt64 { generator.next() }
    /// Uniform in (0, 1).
    mutating func uniform() -> Double { (Double(next() >> 11) + 0.5) / Double(UInt64(1) << 53) }
    /// Standard normal (Box-Muller).
    mutating func gaussian() -> Double {
        let u1 = uniform(), u2 = uniform()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// Builds runs for tests.
enum Fixture {
    /// An epoch-level series from values at epochs 0..<n (or the given epochs).
    static func epochSeries(_ name: MetricName, _ values: [Double], epochs: [Int]? = nil,
                            wallTimes: [Double] = []) -> Series {
        Series(name: name, granularity: .epoch, source: "test", xs: epochs ?? Array(values.indices), values: values,
               wallTimes: wallTimes)
    }

    static func iterationSeries(_ name: MetricName, steps: [Int], _ values: [Double], wallTimes: [Double] = []) -> Series {
        Series(name: name, granularity: .iteration, source: "test", xs: steps, values: values, wallTimes: wallTimes)
    }

    /// L(e) = lInf + a * (e + 1)^-alpha for e in 0..<n, optional Gaussian noise of `sigma`.
    static func powerLaw(n: Int, lInf: Double, a: Double, alpha: Double, sigma: Double = 0, seed: UInt64 = 1) -> [Double] {
        var rng = TestRNG(seed: seed)
        return (0..<n).map { e in lInf + a * pow(Double(e + 1), -alpha) + (sigma > 0 ? sigma * rng.gaussian() : 0) }
    }

    static func run(_ series: [Series], ipe: Int? = 100, planned: Int? = nil, finished: Bool = false,
                    config: [String: String] = [:], restarts: [Int] = [],
                    finalValidation: [MetricName: Double] = [:]) -> Run {
        Run(name: "test-run", path: "/tmp/test-run",
            config: config.sorted { $0.key < $1.key }.map { ConfigEntry(key: $0.key, value: $0.value) },
            iterationsPerEpoch: ipe, epochsPlanned: planned, restartEpochs: restarts, finishedMarker: finished,
            finalValidation: finalValidation, series: series)
    }

    /// Encodes a summary as the CLI does (sorted keys).
    static func json(_ s: Summary) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try e.encode(s), as: UTF8.self)
    }

    static func finding(_ s: Summary, _ kind: String, metric: String? = nil) -> Finding? {
        s.findings.first { $0.kind == kind && (metric == nil || $0.metric == metric) }
    }

    /// Options with smoothing off, for curves whose answers are exact.
    static var exact: AnalysisOptions {
        var o = AnalysisOptions()
        o.emaWeight = 0
        return o
    }
}
