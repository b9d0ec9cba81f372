/// A problem found in an input file, with the place it was found: the file and a line number
/// or byte offset. Readers return these as warnings (the data around them is kept) or throw
/// them as errors (nothing usable could be read).
public struct Diagnostic: Error, Sendable, Codable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based line number, for text formats.
    public var line: Int?
    /// 0-based byte offset, for binary formats (TensorBoard event files).
    public var byteOffset: Int?
    public var message: String

    public init(file: String, line: Int? = nil, byteOffset: Int? = nil, message: String) {
        self.file = file
        self.line = line
        self.byteOffset = byteOffset
        self.message = message
    }

    /// `file:line: message` or `file@offset: message`, as compilers print them.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        if let byteOffset { return "\(file) at byte \(byteOffset): \(message)" }
        return "\(file): \(message)"
    }
}

extension Diagnostic {
    /// True for notes that need no action (messages starting with `info:`: a truncated last
    /// record of a file still being written, VAR's negative-step writes, progress lines, a fork's
    /// column order). Everything else is a warning about the data.
    public var isInformational: Bool { message.hasPrefix("info:") }
}
