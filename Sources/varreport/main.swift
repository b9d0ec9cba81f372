import ArgumentParser
import Foundation

// A closed pipe (`varreport summary RUN | head`) must end the program quietly, not by a signal.
signal(SIGPIPE, SIG_IGN)

do {
    var command = try VarReport.parseAsRoot()
    try command.run()
    exit(0)
} catch {
    exit(ExitStatus.report(error))
}
