import Analysis
import Foundation

/// The summary as `varreport summary --json` prints it and `summary.json` holds it:
/// pretty-printed, keys sorted, so the same run gives the same bytes.
public enum SummaryJSON {
    public static func encode(_ summary: Summary) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(summary)
        data.append(0x0A)
        return data
    }
}
