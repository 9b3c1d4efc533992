import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `find --nhs N | --ref R`: one person's presentations.
struct Find: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "find",
        abstract: "One person's presentations, by NHS number or local ref.",
        discussion: """
            Lists every presentation with that NHS number or ref (id, date, outcome, mentor), \
            oldest first. The look-up is written to the audit log (without the number or ref).

            Examples:
              find --nhs "943 476 5919"
              find --ref RX12 --format json
            """)
    static let requiredRole = Role.liaison

    @Option(help: "NHS number, 10 digits.")
    var nhs: String?
    @Option(help: "The person's local reference.")
    var ref: String?
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let (nhs, ref) = try Self.identity(nhs: self.nhs, ref: self.ref)
        guard nhs != nil || ref != nil else {
            throw CommandError("give --nhs N or --ref R")
        }
        if nhs != nil && ref != nil {
            throw CommandError("give --nhs or --ref, not both")
        }
        let found = try session.write("find") { tx in
            let found = try tx.presentations(nhs: nhs, ref: ref)
            try tx.logEvent(
                action: "read", entity: nil,
                detail: "find by \(nhs != nil ? "NHS number" : "ref"): "
                    + (found.isEmpty ? "none" : found.map(\.id).joined(separator: ",")))
            return found
        }
        let cal = session.calendar
        switch format {
        case .json:
            return JSONValue.array(
                found.map {
                    .object([
                        ("presentation", .string($0.id)),
                        ("arrived_at", .string(cal.isoString($0.arrivedAt))),
                        ("date", .string(cal.localDate($0.arrivedAt).description)),
                        ("status", .string($0.status.rawValue)),
                        ("outcome", .string($0.outcome?.rawValue)),
                        ("mentor", .string($0.mentorID)),
                    ])
                }
            ).text
        case .csv:
            return CSV.document(
                header: ["presentation", "date", "outcome", "mentor"],
                rows: found.map {
                    [
                        $0.id, cal.localDate($0.arrivedAt).description, $0.outcome?.rawValue ?? "",
                        $0.mentorID ?? "",
                    ]
                })
        default:
            if found.isEmpty {
                return "No presentation holds that \(nhs != nil ? "NHS number" : "ref")."
            }
            var t = TextTable(["presentation", "date", "outcome", "mentor"])
            for p in found {
                t.add([
                    p.id, cal.shortString(p.arrivedAt), p.outcome?.rawValue ?? p.status.rawValue,
                    p.mentorID ?? "-",
                ])
            }
            return t.render(style: session.style)
        }
    }

    /// The checked NHS number digits and upper-cased ref.
    static func identity(nhs: String?, ref: String?) throws -> (String?, String?) {
        (try Validate.nhs(nhs), try Validate.ref(ref))
    }
}
