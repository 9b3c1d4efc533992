import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `subject-access --nhs N | --ref R [--out FILE]`: everything held about one person, for a
/// UK GDPR subject access request (spec §8).
struct SubjectAccess: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "subject-access",
        abstract: "Everything held about one person, for a UK GDPR subject access request.",
        discussion: """
            Finds every presentation with that NHS number or local ref and writes, as one \
            JSON document, each one's whole record: identifiers, times, needs, outcome, \
            declines and their reasons, corrections, onward referrals, any legal hold, the \
            date its identifiers are due to be removed, and its audit history (who did what, \
            when). Nothing about anyone else is included: other people are never named, and \
            mentors and staff appear only by their ids. The request is written to the audit \
            log (without the number or ref). The ICO allows one month to answer.

            With --out the document is written to a private file (mode 0600); give that file \
            to the person by a secure route.

            Examples:
              subject-access --nhs "943 476 5919" --out /secure/sar-2026-12-01.json
              subject-access --ref RX12
            """)
    static let requiredRole = Role.admin

    @Option(help: "NHS number, 10 digits.")
    var nhs: String?
    @Option(help: "The person's local reference.")
    var ref: String?
    @Option(help: "Write the document to this file (mode 0600) instead of printing it.")
    var out: String?

    func execute(_ session: Session) throws -> String {
        let (nhs, ref) = try Find.identity(nhs: self.nhs, ref: self.ref)
        guard nhs != nil || ref != nil else { throw CommandError("give --nhs N or --ref R") }
        if nhs != nil && ref != nil { throw CommandError("give --nhs or --ref, not both") }
        let now = session.now
        let (document, count) = try session.write("subject-access") { tx in
            let found = try tx.presentations(nhs: nhs, ref: ref)
            let records = try found.map { try Show.PresentationRecord.read($0, in: tx) }
            try tx.logEvent(
                action: out == nil ? "read" : "export", entity: nil,
                detail: "subject access by \(nhs != nil ? "NHS number" : "ref"): "
                    + (found.isEmpty ? "none" : found.map(\.id).joined(separator: ",")))
            let document = JSONValue.object([
                ("request", .string("UK GDPR subject access")),
                ("generated_at", .string(session.calendar.isoString(now))),
                ("found_by", .string(nhs != nil ? "nhs" : "ref")),
                ("presentations", .array(records.map { $0.json(session) })),
            ])
            // Written inside the transaction: if the file cannot be written, the log keeps no
            // export.
            if let out { try TextFiles.writePrivate(document.text + "\n", to: out, field: "--out") }
            return (document, found.count)
        }
        guard let out else { return document.text }
        return "Wrote everything held about this person (\(count) presentation"
            + "\(count == 1 ? "" : "s")) to \(out)."
    }
}
