/// Options for reading runs: extra name mappings on top of VAR's own (see `VARNames`).
public struct LoadOptions: Sendable {
    /// Extra column/tag name mappings (source name -> canonical name), e.g. from a config file.
    /// Applied before VAR's mapping, to stdout fields, log.txt keys, CSV / JSON Lines columns and
    /// TensorBoard tags.
    public var nameMap: [String: String] = [:]
    public init(nameMap: [String: String] = [:]) { self.nameMap = nameMap }

    /// The canonical name of a column / key / field, through `nameMap` first, then VAR's names.
    public func canonical(column: String) -> MetricName {
        if let m = nameMap[column] { return MetricName(m) }
        return VARNames.canonical(column: column)
    }
}
