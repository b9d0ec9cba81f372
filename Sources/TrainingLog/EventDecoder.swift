/// One scalar found in an Event record.
struct EventScalar {
    /// The tag's bytes inside the record (valid during the callback only).
    var tag: UnsafeRawBufferPointer
    var value: Double
    /// The plugin named in the value's metadata (`scalars`, `histograms`, ...), when the record has it.
    var plugin: UnsafeRawBufferPointer?
    /// True for `simple_value`, false for a `tensor`.
    var simple: Bool
}

/// Minimal hand-written decoder of TensorBoard's `Event` protobuf (event.proto / summary.proto /
/// tensor.proto field numbers), reading only what scalars need and skipping every other field by
/// its wire type:
/// `Event{wall_time=1 double, step=2 int64, summary=5, session_log=7{status=1}}`, `Summary{value=1 repeated}`,
/// `Value{tag=1, simple_value=2 float, tensor=8, metadata=9{plugin_data=1{plugin_name=1}}}`,
/// `TensorProto{dtype=1, tensor_shape=2{dim=2{size=1}}, tensor_content=4, float_val=5,
/// double_val=6, int_val=7, int64_val=10, half_val=13}`.
/// Malformed input never traps: every read is bounds-checked and a bad message is reported as nil.
enum EventDecoder {
    struct Header {
        var wallTime: Double = 0
        var step: Int64 = 0
        var hasSummary = false
        /// A `SessionLog{status: START}` event (a writer restarted): TensorBoard then drops every
        /// tag's points at steps >= this event's step.
        var sessionStart = false
    }

    /// Decodes one Event. Calls `scalar` for each scalar-looking value (simple_value, or a tensor
    /// with one numeric element). Returns nil when the record is not a well-formed Event.
    static func decode(_ data: UnsafeRawBufferPointer, _ scalar: (Header, EventScalar) -> Void) -> Header? {
        guard let base = data.baseAddress else { return Header() }
        var r = ProtoReader(p: base.assumingMemoryBound(to: UInt8.self), i: 0, end: data.count)
        var h = Header()
        var summary: (Int, Int)? = nil
        while r.i < r.end {
            guard let (field, wire) = r.key() else { return nil }
            switch (field, wire) {
            case (1, 1): guard let v = r.fixed64() else { return nil }; h.wallTime = Double(bitPattern: v)
            case (2, 0): guard let v = r.varint() else { return nil }; h.step = Int64(bitPattern: v)
            case (5, 2):
                guard let (a, b) = r.lengthDelimited() else { return nil }
                summary = (a, b)
                h.hasSummary = true
            case (7, 2): // session_log { status = 1 (START = 1) }
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = ProtoReader(p: r.p, i: a, end: b)
                while q.i < q.end {
                    guard let (f2, w2) = q.key() else { return nil }
                    if f2 == 1, w2 == 0 { guard let v = q.varint() else { return nil }; h.sessionStart = v == 1 }
                    else if !q.skip(w2) { return nil }
                }
            default: guard r.skip(wire) else { return nil }
            }
        }
        // The summary may come before the step in the encoding: decode it last.
        if let (a, b) = summary {
            var s = ProtoReader(p: r.p, i: a, end: b)
            while s.i < s.end {
                guard let (field, wire) = s.key() else { return nil }
                if field == 1, wire == 2 {
                    guard let (va, vb) = s.lengthDelimited() else { return nil }
                    if let v = value(ProtoReader(p: r.p, i: va, end: vb)) { scalar(h, v) }
                } else if !s.skip(wire) { return nil }
            }
        }
        return h
    }

    /// A Summary.Value -> its scalar, if it has one.
    static func value(_ reader: ProtoReader) -> EventScalar? {
        var r = reader
        var tag: (Int, Int)? = nil
        var simple: Float? = nil
        var tensor: (Int, Int)? = nil
        var plugin: (Int, Int)? = nil
        while r.i < r.end {
            guard let (field, wire) = r.key() else { return nil }
            switch (field, wire) {
            case (1, 2): tag = r.lengthDelimited()
            case (2, 5): guard let v = r.fixed32() else { return nil }; simple = Float(bitPattern: v)
            case (8, 2): tensor = r.lengthDelimited()
            case (9, 2):
                guard let (ma, mb) = r.lengthDelimited() else { return nil }
                plugin = pluginName(ProtoReader(p: r.p, i: ma, end: mb))
            default: guard r.skip(wire) else { return nil }
            }
        }
        guard let (ta, tb) = tag else { return nil }
        let tagBuf = UnsafeRawBufferPointer(start: r.p + ta, count: tb - ta)
        let pluginBuf = plugin.map { UnsafeRawBufferPointer(start: r.p + $0.0, count: $0.1 - $0.0) }
        if let s = simple { return EventScalar(tag: tagBuf, value: Double(s), plugin: pluginBuf, simple: true) }
        if let (a, b) = tensor, let v = tensorScalar(ProtoReader(p: r.p, i: a, end: b)) {
            return EventScalar(tag: tagBuf, value: v, plugin: pluginBuf, simple: false)
        }
        return nil
    }

    /// SummaryMetadata.plugin_data.plugin_name
    static func pluginName(_ reader: ProtoReader) -> (Int, Int)? {
        var r = reader
        while r.i < r.end {
            guard let (field, wire) = r.key() else { return nil }
            if field == 1, wire == 2 {
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = ProtoReader(p: r.p, i: a, end: b)
                while q.i < q.end {
                    guard let (f2, w2) = q.key() else { return nil }
                    if f2 == 1, w2 == 2 { return q.lengthDelimited() }
                    guard q.skip(w2) else { return nil }
                }
                return nil
            }
            guard r.skip(wire) else { return nil }
        }
        return nil
    }

    /// A TensorProto holding exactly one number (rank 0, or all dims 1).
    static func tensorScalar(_ reader: ProtoReader) -> Double? {
        var r = reader
        var dtype: UInt64 = 0
        var elements = 1
        var content: (Int, Int)? = nil
        var first: Double? = nil
        var count = 0
        while r.i < r.end {
            guard let (field, wire) = r.key() else { return nil }
            switch (field, wire) {
            case (1, 0): guard let v = r.varint() else { return nil }; dtype = v
            case (2, 2):
                guard let (a, b) = r.lengthDelimited() else { return nil }
                elements = shapeElements(ProtoReader(p: r.p, i: a, end: b)) ?? 0
            case (4, 2): content = r.lengthDelimited()
            case (5, 2): // packed float_val
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = a
                while q + 4 <= b { if first == nil { first = Double(Float(bitPattern: r.u32(q))) }; count += 1; q += 4 }
            case (5, 5): guard let v = r.fixed32() else { return nil }; if first == nil { first = Double(Float(bitPattern: v)) }; count += 1
            case (6, 2): // packed double_val
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = a
                while q + 8 <= b { if first == nil { first = Double(bitPattern: r.u64(q)) }; count += 1; q += 8 }
            case (6, 1): guard let v = r.fixed64() else { return nil }; if first == nil { first = Double(bitPattern: v) }; count += 1
            case (7, 2), (10, 2), (13, 2): // packed int_val / int64_val / half_val (varints)
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = ProtoReader(p: r.p, i: a, end: b)
                while q.i < q.end {
                    guard let v = q.varint() else { return nil }
                    if first == nil { first = number(fromVarint: v, field: field, dtype: dtype) }
                    count += 1
                }
            case (7, 0), (10, 0), (13, 0):
                guard let v = r.varint() else { return nil }
                if first == nil { first = number(fromVarint: v, field: field, dtype: dtype) }
                count += 1
            default: guard r.skip(wire) else { return nil }
            }
        }
        guard elements == 1 else { return nil }
        if let (a, b) = content {
            let n = b - a
            switch dtype {
            case 1 where n == 4: return Double(Float(bitPattern: r.u32(a)))
            case 2 where n == 8: return Double(bitPattern: r.u64(a))
            case 19 where n == 2: return Double(half(UInt16(r.p[a]) | UInt16(r.p[a + 1]) << 8))
            case 14 where n == 2: return Double(Float(bitPattern: (UInt32(r.p[a]) | UInt32(r.p[a + 1]) << 8) << 16))
            case 3 where n == 4: return Double(Int32(bitPattern: r.u32(a)))
            case 9 where n == 8: return Double(Int64(bitPattern: r.u64(a)))
            default: return nil
            }
        }
        return count == 1 ? first : nil
    }

    static func number(fromVarint v: UInt64, field: Int, dtype: UInt64) -> Double {
        switch field {
        case 13: // half_val holds the 16 bits of a half (or bfloat16)
            let bits = UInt16(truncatingIfNeeded: v)
            return dtype == 14 ? Double(Float(bitPattern: UInt32(bits) << 16)) : Double(half(bits))
        case 7: return Double(Int32(truncatingIfNeeded: Int64(bitPattern: v)))
        default: return Double(Int64(bitPattern: v))
        }
    }

    /// IEEE half -> Float, without relying on Float16 (not on every platform).
    static func half(_ h: UInt16) -> Float {
        let sign: Float = (h & 0x8000) != 0 ? -1 : 1
        let exp = Int((h >> 10) & 0x1F)
        let frac = Float(h & 0x3FF)
        if exp == 0 { return sign * frac * 0x1p-24 }
        if exp == 31 { return frac == 0 ? sign * .infinity : .nan }
        return sign * (1 + frac / 1024) * Float(sign: .plus, exponent: exp - 15, significand: 1)
    }

    /// Number of elements of a TensorShapeProto (1 for rank 0); nil for unknown rank.
    static func shapeElements(_ reader: ProtoReader) -> Int? {
        var r = reader
        var n = 1
        while r.i < r.end {
            guard let (field, wire) = r.key() else { return nil }
            if field == 2, wire == 2 {
                guard let (a, b) = r.lengthDelimited() else { return nil }
                var q = ProtoReader(p: r.p, i: a, end: b)
                var size: Int64 = 0
                while q.i < q.end {
                    guard let (f2, w2) = q.key() else { return nil }
                    if f2 == 1, w2 == 0 { guard let v = q.varint() else { return nil }; size = Int64(bitPattern: v) }
                    else if !q.skip(w2) { return nil }
                }
                if size != 1 { n = 0 }
            } else if field == 3, wire == 0 {
                guard let v = r.varint() else { return nil }
                if v != 0 { return nil }
            } else if !r.skip(wire) { return nil }
        }
        return n
    }
}

/// Bounds-checked protobuf wire-format reading over p[i..<end].
struct ProtoReader {
    let p: UnsafePointer<UInt8>
    var i: Int
    let end: Int

    @inline(__always) mutating func varint() -> UInt64? {
        var v: UInt64 = 0
        var shift: UInt64 = 0
        while i < end {
            let b = p[i]
            i += 1
            if shift < 64 { v |= UInt64(b & 0x7F) << shift }
            if b < 0x80 { return v }
            shift += 7
            if shift > 63 + 7 { return nil }
        }
        return nil
    }

    @inline(__always) mutating func key() -> (Int, UInt8)? {
        guard let k = varint() else { return nil }
        let field = k >> 3
        guard field > 0, field < 1 << 29 else { return nil }
        return (Int(field), UInt8(k & 7))
    }

    @inline(__always) mutating func fixed64() -> UInt64? {
        guard end - i >= 8 else { return nil }
        let v = u64(i)
        i += 8
        return v
    }

    @inline(__always) mutating func fixed32() -> UInt32? {
        guard end - i >= 4 else { return nil }
        let v = u32(i)
        i += 4
        return v
    }

    @inline(__always) func u32(_ at: Int) -> UInt32 {
        UInt32(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt32.self))
    }
    @inline(__always) func u64(_ at: Int) -> UInt64 {
        UInt64(littleEndian: UnsafeRawPointer(p + at).loadUnaligned(as: UInt64.self))
    }

    /// A length-delimited field: the range of its bytes.
    @inline(__always) mutating func lengthDelimited() -> (Int, Int)? {
        guard let n = varint(), n <= UInt64(end - i) else { return nil }
        let a = i
        i += Int(n)
        return (a, i)
    }

    mutating func skip(_ wire: UInt8) -> Bool {
        switch wire {
        case 0: return varint() != nil
        case 1: guard end - i >= 8 else { return false }; i += 8; return true
        case 2: return lengthDelimited() != nil
        case 5: guard end - i >= 4 else { return false }; i += 4; return true
        default: return false // groups (3, 4) are not used by TensorBoard
        }
    }
}
