import AlongsideCore
import ArgumentParser
import Foundation

/// `close P OUTCOME`: end a presentation.
struct Close: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "End a presentation with an outcome.",
        discussion: """
            Outcomes: supported-discharged, admitted, referred-community, referred-cmht (these \
            need the person to have been seen); left-before-seen, no-mentor-available (these \
            need them not to have been); declined-support (either). Closing ends the mentor's \
            caseload for the person.

            Examples:
              close P12 supported-discharged
              close P14 left-before-seen --at 10:05
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Argument(help: "The outcome code (help outcomes).")
    var outcome: Outcome
    @Option(help: "When it ended (default now).")
    var at: String?

    func execute(_ session: Session) throws -> String {
        let when = try session.eventTime(at)
        return try session.write("close") { tx in
            var p = try session.presentation(presentation, in: tx)
            try session.step { try p.close(outcome, at: when) }
            try tx.updatePresentation(p)
            return "\(p.id) closed: \(outcome.rawValue)."
        }
    }
}
