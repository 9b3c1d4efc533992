import AlongsideCore
import ArgumentParser
import Foundation

/// `decline P`: the assigned mentor cannot take the presentation.
struct Decline: ConsoleCommand {
    static let configuration = CommandConfiguration(
        abstract: "The assigned mentor cannot take a presentation; it waits again.",
        discussion: """
            The mentor is left out of this person's matches from now on; the wait clock keeps \
            running from the referral.

            Examples:
              decline P12
              decline P12 --reason "knows the family"
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Option(help: "Why (kept in the record; do not write names or NHS numbers).")
    var reason: String?

    func execute(_ session: Session) throws -> String {
        let now = session.now
        let reason = try Validate.text(self.reason, option: "--reason", max: 200)
        return try session.write("decline") { tx in
            var p = try session.presentation(presentation, in: tx)
            guard p.status == .assigned, let mentor = p.mentorID else {
                throw CommandError(
                    p.status == .waiting
                        ? "\(p.id) has no mentor assigned, so there is nothing to decline"
                        : "\(p.id) is \(p.status.rawValue); only an assigned, unseen presentation can be declined")
            }
            try tx.insertDecline(presentation: p.number, mentor: mentor, at: now, reason: reason)
            p.mentorID = nil
            p.assignedAt = nil
            p.overrideReason = nil
            try tx.updatePresentation(p)
            let request = try session.matchRequest(p, in: tx)
            let result = session.matcher.rank(request, mentors: try tx.mentorStates(at: now, onShiftOnly: true), at: now)
            var out = "\(mentor) declined \(p.id); \(p.id) is waiting again."
            if let best = result.candidates.first {
                out += " Best available now: \(best.mentorID) (score \(Fmt.score(best.score)))."
            } else {
                out += " No mentor is available now."
            }
            return out
        }
    }
}
