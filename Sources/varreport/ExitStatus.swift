import Pipeline
import ArgumentParser
import Foundation
import Report
import TextFormat
import TrainingLog

/// Maps every error to CONTRACT.md's exit codes and prints it once:
/// 0 success (and --help), 1 a failed `check` or a sweep with failed runs,
/// 2 usage errors and unreadable or unrecognised input.
enum ExitStatus {
    static let checkFailed: Int32 = 1
    static let usage: Int32 = 2

    static func report(_ error: Error) -> Int32 {
        switch error {
        case let e as ExitCode:
            return e.rawValue
        case let d as Diagnostic:
            printError("error: \(d)")
            return usage
        case let r as ReportError:
            printError("error: \(r)")
            return usage
        case let c as ConfigError:
            printError("error: \(c)")
            return usage
        case let ns as NSError where ns.domain == NSCocoaErrorDomain || ns.domain == NSPOSIXErrorDomain:
            // A Foundation error that no layer put into words: its path and cause, never its
            // domain, code or UserInfo.
            let path = (ns.userInfo[NSFilePathErrorKey] as? String) ?? (ns.userInfo[NSURLErrorKey] as? URL)?.path
            printError("error: " + (path.map { "\($0): " } ?? "") + FileProblem.words(for: ns))
            return usage
        default:
            let code = VarReport.exitCode(for: error)
            let message = VarReport.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { Console.say(message) }
                return 0
            }
            if !message.isEmpty { printError(message) }
            // ArgumentParser's usage errors are EX_USAGE (64); the contract says 2.
            return usage
        }
    }

    static func printError(_ text: String) {
        FileHandle.standardError.write(Data(("varreport: " + TerminalText.safe(text) + "\n").utf8))
    }
}
