import Foundation
import Testing
import TextFormat

/// `cFormat` writes numbers exactly as `String(format:)` does, for the formats varreport uses.
@Suite struct CFormatTests {
    @Test func matchesFoundationForTheFormatsInUse() {
        let values: [Double] = [0, -0.0, 1, 5.5, 8.317766166719343, 1e-6, 3.25e-4, 123456.789, -42.125, 1e300, .nan, .infinity]
        for f in ["%.4f", "%.4g", "%.1f M", "%.9g", "%.1f", "%.3f s", "%.2e", "%.15g", "%.12g", "%.0f h", "%.2f B"] {
            for v in values {
                #expect(cFormat(f, v) == String(format: f, v), "\(f) \(v)")
            }
        }
        #expect(cFormat("%d:%02d", 7, 5) == "7:05")
        #expect(cFormat("α = %.4f, r = %.3f, r² = %.3f, %d runs", 0.05, 0.99, 0.98, 12) == "α = 0.0500, r = 0.990, r² = 0.980, 12 runs")
        #expect(cFormat("%.3f", 2.0).count == 5)
        let long = cFormat("%.300f", 1.0)
        #expect(long.count == 302 && long.hasPrefix("1.000"))
    }
}
