import AlongsideCore
import ArgumentParser
import Foundation

/// `unassign P --reason TEXT`: take a wrongly picked mentor off, recording no decline.
struct Unassign: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "unassign",
        abstract: "Take the mentor off a presentation picked in error (no decline is recorded).",
        discussion: """
            A correction: the person waits again, the clock still running from the referral, \
            and the mentor stays free to be offered for them (unlike 'decline', which leaves \
            the mentor out of this person's matches). The reason is required and shown in \
            'show P'.

            Examples:
              unassign P12 --reason "picked M3 instead of M8"
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var target: CorrectionTarget

    func execute(_ session: Session) throws -> String {
        let reason = try session.correctionReason(target.reason, example: "wrong mentor picked")
        let now = session.now
        return try session.write("unassign") { tx in
            var p = try session.presentation(target.presentation, in: tx)
            let mentor = try session.step { try p.unassign() }
            try tx.updatePresentation(p)
            try tx.insertCorrection(presentation: p.number, kind: "unassign", reason: reason)
            let request = try session.matchRequest(p, in: tx)
            let states = try tx.mentorStates(at: now, onShiftOnly: true)
            let best = session.matcher.rank(request, mentors: states, at: now).candidates.first
            return "\(mentor) taken off \(p.id) (no decline recorded); \(p.id) is waiting again."
                + (best.map {
                    " Best available now: \($0.mentorID) (score \(Fmt.score($0.score)))."
                }
                    ?? " No mentor is available now.")
        }
    }
}
