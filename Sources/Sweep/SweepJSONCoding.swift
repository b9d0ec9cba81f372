import Report
import Foundation

/// The JSON style of every file a sweep writes: pretty-printed, keys sorted, a final newline,
/// so that the same inputs give the same bytes on every machine and in every shard.
enum SweepJSONCoding {
    static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }

    static func decode<T: Decodable>(_ type: T.Type, from path: String) throws -> T {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SweepError.input(path: path, reason: "cannot read the file")
        }
        do { return try JSONDecoder().decode(type, from: data) } catch {
            throw SweepError.input(path: path, reason: "not valid: \(error)")
        }
    }
}
