@testable import TrainingLog

/// Test-only encoder of TensorBoard event files (TFRecord framing + Event protobuf), to build
/// exact binary inputs, damage included.
enum EventWriter {
    static func varint(_ v: UInt64) -> [UInt8] {
        var v = v, out: [UInt8] = []
        while v >= 0x80 { out.append(UInt8(v & 0x7F) | 0x80); v >>= 7 }
        out.append(UInt8(v))
        return out
    }
    static func key(_ field: Int, _ wire: Int) -> [UInt8] { varint(UInt64(field << 3 | wire)) }
    static func bytes(_ field: Int, _ b: [UInt8]) -> [UInt8] { key(field, 2) + varint(UInt64(b.count)) + b }
    static func le32(_ v: UInt32) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    enum Payload {
        case simple(Float)
        case floatContent(Float)          // DT_FLOAT, tensor_content
        case doubleVal(Double)            // DT_DOUBLE, double_val
        case halfVal(UInt16)              // DT_HALF, half_val (bits)
        case floatVal(Float)              // DT_FLOAT, float_val
    }

    static func value(tag: String, _ p: Payload, plugin: String? = nil) -> [UInt8] {
        var v = bytes(1, Array(tag.utf8))
        var tensor: [UInt8]? = nil
        switch p {
        case .simple(let f): v += key(2, 5) + le32(f.bitPattern)
        case .floatContent(let f): tensor = key(1, 0) + varint(1) + bytes(2, []) + bytes(4, le32(f.bitPattern))
        case .doubleVal(let d): tensor = key(1, 0) + varint(2) + bytes(2, []) + bytes(6, le64(d.bitPattern))
        case .halfVal(let h): tensor = key(1, 0) + varint(19) + bytes(2, []) + bytes(13, varint(UInt64(h)))
        case .floatVal(let f): tensor = key(1, 0) + varint(1) + bytes(2, []) + bytes(5, le32(f.bitPattern))
        }
        if let plugin { v += bytes(9, bytes(1, bytes(1, Array(plugin.utf8)))) }
        if let t = tensor { v += bytes(8, t) }
        return v
    }

    static func event(wall: Double, step: Int64, values: [[UInt8]]) -> [UInt8] {
        var e = key(1, 1) + le64(wall.bitPattern) + key(2, 0) + varint(UInt64(bitPattern: step))
        e += bytes(5, values.flatMap { bytes(1, $0) })
        return e
    }

    static func fileVersion() -> [UInt8] {
        key(1, 1) + le64(Double(1_700_000_000).bitPattern) + bytes(3, Array("brain.Event:2".utf8))
    }

    static func sessionStart(wall: Double, step: Int64) -> [UInt8] {
        key(1, 1) + le64(wall.bitPattern) + key(2, 0) + varint(UInt64(bitPattern: step)) + bytes(7, key(1, 0) + varint(1))
    }

    static func record(_ data: [UInt8]) -> [UInt8] {
        let len = le64(UInt64(data.count))
        let lc = len.withUnsafeBytes { CRC32C.masked($0) }
        let dc = data.withUnsafeBytes { CRC32C.masked($0) }
        return len + le32(lc) + data + le32(dc)
    }

    /// A file of scalar events, one per (tag, step, value).
    static func file(_ points: [(tag: String, step: Int64, value: Float)], wall0: Double = 1_700_000_000) -> [UInt8] {
        var out = record(fileVersion())
        for p in points {
            out += record(event(wall: wall0 + Double(p.step), step: p.step, values: [value(tag: p.tag, .simple(p.value))]))
        }
        return out
    }
}
