import AlongsideCore
import ArgumentParser
import Foundation

/// `seen P`: the mentor has met the person; stops the wait clock.
struct Seen: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "seen",
        abstract: "Record that the mentor has met the person: stops the wait clock.",
        discussion: """
            Examples:
              seen P12
              seen P12 --at 09:52
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Option(help: "When they met (default now).")
    var at: String?

    func execute(_ session: Session) throws -> String {
        let when = try session.eventTime(at)
        return try session.write("seen") { tx in
            var p = try session.presentation(presentation, in: tx)
            try session.step { try p.markSeen(at: when) }
            try tx.updatePresentation(p)
            let wait = p.waitSeconds ?? 0
            let target = session.config.targetMinutes
            let verdict = wait <= target * 60
                ? session.style.green("within the \(target)-minute target")
                : session.style.red("over the \(target)-minute target")
            return "\(p.id) seen by \(p.mentorID ?? "?") at \(session.calendar.timeString(when)): waited \(Fmt.minutes(wait)), \(verdict)."
        }
    }
}
