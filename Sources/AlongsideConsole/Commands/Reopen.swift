import AlongsideCore
import ArgumentParser
import Foundation

/// `reopen P --reason TEXT`: a presentation closed in error.
struct Reopen: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "reopen",
        abstract: "Reopen a presentation closed in error: back to the state before the close.",
        discussion: """
            The outcome and close time are removed (they stay in the audit log). If the \
            mentor can no longer hold the person (paused, retired or at capacity), the person \
            waits again without a mentor, and the console says so.

            Examples:
              reopen P12 --reason "closed the wrong person; meant P21"
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var target: CorrectionTarget

    func execute(_ session: Session) throws -> String {
        let reason = try session.correctionReason(target.reason, example: "closed in error")
        let now = session.now
        return try session.write("reopen") { tx in
            var p = try session.presentation(target.presentation, in: tx)
            var canHold = true
            var why = ""
            if p.status == .closed, let m = p.mentorID, let state = try tx.mentorState(m, at: now) {
                if state.mentor.status != .active {
                    canHold = false
                    why = state.mentor.status.rawValue
                } else if state.caseload >= state.mentor.capacity {
                    canHold = false
                    why = "at capacity, \(state.caseload) of \(state.mentor.capacity)"
                }
            }
            let result = try session.step { try p.reopen(mentorCanHold: canHold) }
            try tx.updatePresentation(p)
            try tx.insertCorrection(presentation: p.number, kind: "reopen", reason: reason)
            switch result {
            case .restored(let status):
                return "\(p.id) reopened: \(status.rawValue)"
                    + (p.mentorID.map { " (mentor \($0))" } ?? "") + "."
            case .waitingWithoutMentor(let former):
                session.warnings.append(
                    "\(former) can no longer hold \(p.id) (\(why)); "
                        + "\(p.id) waits again without a mentor"
                )
                return "\(p.id) reopened: waiting again without a mentor, because \(former) "
                    + "can no longer hold them (\(why)). See 'match \(p.id)'."
            }
        }
    }
}
