#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// printf-style formatting of numbers by the C library (`vsnprintf`, C locale: a point as the
/// decimal separator), for `%d`, `%f`, `%g`, `%e` with Int and Double arguments.
///
/// Foundation's `String(format:)` gives the same text but creates ICU number formatters on
/// first use: in a command that formats a single number that loads about 3 MB of ICU data and
/// costs milliseconds. Strings are interpolated around the call, never passed as arguments.
public func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    var capacity = 64
    while true {
        var buffer = [CChar](repeating: 0, count: capacity)
        let needed = withVaList(arguments) { va in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, capacity, format, va) }
        }
        if needed < 0 { return "" }
        if Int(needed) < capacity {
            return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        }
        capacity = Int(needed) + 1
    }
}
