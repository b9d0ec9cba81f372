/// An optional field that summary.json always carries, as `null` when absent (the contract's
/// "`x` | null" fields), where a plain optional is left out when absent. The one way the
/// summary's types write absent values: they use Swift's synthesized `Encodable` and mark these
/// fields, instead of each writing its own `encode(to:)`.
@propertyWrapper
public struct WrittenAsNull<Value: Codable>: Codable {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        wrappedValue = c.decodeNil() ? nil : try c.decode(Value.self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
    }
}

extension WrittenAsNull: Equatable where Value: Equatable {}
extension WrittenAsNull: Sendable where Value: Sendable {}

extension KeyedDecodingContainer {
    /// A missing key reads as nil, as for a plain optional (older summaries lack newer fields).
    public func decode<Value>(_ type: WrittenAsNull<Value>.Type, forKey key: Key) throws -> WrittenAsNull<Value> {
        try decodeIfPresent(type, forKey: key) ?? WrittenAsNull(wrappedValue: nil)
    }
}
