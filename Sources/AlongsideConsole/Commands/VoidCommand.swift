import AlongsideCore
import ArgumentParser
import Foundation

/// `void P --reason TEXT`: a presentation registered in error.
struct VoidCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "void",
        abstract: "Void a presentation registered in error: it leaves the queue and every figure.",
        discussion: """
            For a person registered twice, or a registration that never happened. A voided \
            presentation is kept (and shown by 'show P' with the reason) but it is not in \
            'queue', 'board', 'allocate', 'handover' or any summary, and its mentor's place \
            is free again. It cannot be undone; register again if it was voided in error.

            Examples:
              void P13 --reason "registered twice; see P12"
            """)
    static let requiredRole = Role.liaison

    @OptionGroup var target: CorrectionTarget

    func execute(_ session: Session) throws -> String {
        let reason = try session.correctionReason(target.reason, example: "registered twice")
        let now = session.now
        return try session.write("void") { tx in
            var p = try session.presentation(target.presentation, in: tx)
            let held = p.status == .assigned || p.status == .seen ? p.mentorID : nil
            try session.step { try p.void(at: now) }
            try tx.updatePresentation(p)
            try tx.insertCorrection(presentation: p.number, kind: "void", reason: reason)
            return "\(p.id) voided: out of the queue and every figure."
                + (held.map { " \($0)'s place is free again." } ?? "")
        }
    }
}
