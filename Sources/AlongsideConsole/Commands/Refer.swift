import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `refer P SERVICE --consent given`: an onward referral, only with the person's consent.
struct Refer: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "refer",
        abstract: "Refer a person on to a local service, with their consent.",
        discussion: """
            Records an onward referral of P to SERVICE (an id from 'services'), in status \
            requested. The person must have agreed: without --consent given (and with \
            --consent declined) nothing is written. A person may be referred to several \
            services, and referred after their presentation has closed; a second referral to \
            the same service waits until the first has ended. Move it on with 'referral'.

            Examples:
              refer P12 fylde-debt-advice --consent given
              refer P12 blackpool-family-hub --consent given --at 10:40
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Argument(help: "The service id, from 'services'.")
    var service: String
    @Option(help: "The person's consent: given (anything else refuses the referral).")
    var consent: String?
    @Option(help: "When the referral was made (default now).")
    var at: String?
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        guard let consent else {
            throw CommandError.field(
                "--consent",
                "an onward referral needs the person's consent; ask them, then add --consent given")
        }
        guard consent.lowercased() == "given" else {
            throw CommandError.field(
                "--consent",
                "'\(consent)': without the person's consent no referral is made (nothing was "
                    + "written); with it, give --consent given")
        }
        let when = try session.eventTime(at)
        let stored = try session.write("refer") { tx in
            let p = try session.presentation(presentation, in: tx)
            guard let s = try tx.service(service) else {
                let ids = try tx.services(need: nil, activeOnly: true).map(\.id)
                throw CommandError.field(
                    "SERVICE",
                    "no service '\(service)' in the directory"
                        + Suggestion.didYouMean(service, in: ids)
                        + "; see 'services'")
            }
            guard s.isActive else {
                throw CommandError.field(
                    "SERVICE", "\(s.id) is \(s.status) and takes no referrals; see 'services'")
            }
            if when < p.arrivedAt {
                throw CommandError.field(
                    "--at",
                    "is before \(p.id) was referred to peer support "
                        + "(\(session.calendar.shortString(p.arrivedAt)))")
            }
            let existing = try tx.referrals(presentation: p.number)
            if let open = existing.last(where: {
                $0.serviceID.lowercased() == s.id.lowercased() && $0.status.isOpen
            }) {
                throw CommandError(
                    "\(p.id) already has an open referral to \(s.id) (\(open.status.rawValue)); "
                        + "move it on with 'referral \(p.id) \(s.id) STATUS'")
            }
            var r = Referral(
                presentation: p.number, serviceID: s.id, serviceName: s.name, requestedAt: when)
            r.number = try tx.insertReferral(r)
            return r
        }
        return ReferralView.render(stored, format: format, session: session)
    }
}

/// `referral P SERVICE STATUS`: move the referral on one step.
struct ReferralCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "referral",
        abstract: "Move P's latest open referral to SERVICE on one step.",
        discussion: """
            The steps are: requested → accepted, declined or cancelled; accepted → attended, \
            did-not-attend or cancelled; attended → completed. Any other step is refused. \
            Declined, cancelled, did-not-attend and completed are final.

            Examples:
              referral P12 fylde-debt-advice accepted
              referral P12 fylde-debt-advice attended --at 2026-11-20T14:00
              referral P12 fylde-debt-advice completed
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Argument(help: "The service id the referral is to.")
    var service: String
    @Argument(help: "accepted, declined, cancelled, attended, did-not-attend or completed.")
    var status: ReferralStatus
    @Option(help: "When it happened (default now).")
    var at: String?
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let target = status
        let when = try session.eventTime(at)
        let moved = try session.write("referral") { tx in
            let p = try session.presentation(presentation, in: tx)
            let all = try tx.referrals(presentation: p.number)
            let toService = all.filter { $0.serviceID.lowercased() == service.lowercased() }
            guard let r = toService.last(where: { $0.status.isOpen }) else {
                if let last = toService.last {
                    throw CommandError(
                        "\(p.id)'s referral to \(last.serviceID) is \(last.status.rawValue), which "
                            + "is final; make a new one with 'refer' if the person agrees")
                }
                let names = Array(Set(all.map(\.serviceID))).sorted()
                throw CommandError.field(
                    "SERVICE",
                    "\(p.id) has no referral to '\(service)'"
                        + (names.isEmpty
                            ? "; make one with 'refer \(p.id) SERVICE --consent given'"
                            : " (it has referrals to \(names.joined(separator: ", ")))"))
            }
            let next: Referral
            do { next = try r.moved(to: target, at: when) } catch let error as ReferralError {
                if case .beforeLastStep = error {
                    throw CommandError.field(
                        "--at",
                        "is before the referral's last step "
                            + "(\(session.calendar.shortString(r.lastStepAt)))")
                }
                throw CommandError.field("STATUS", error.description)
            }
            try tx.updateReferral(next)
            return next
        }
        return ReferralView.render(moved, format: format, session: session)
    }
}

/// Printing referrals.
enum ReferralView {
    static func json(_ r: Referral, _ cal: SiteCalendar) -> JSONValue {
        func t(_ d: Date?) -> JSONValue { d.map { .string(cal.isoString($0)) } ?? .null }
        return .object([
            ("referral", .string(r.id)),
            ("presentation", .string(PresentationID.format(r.presentation))),
            ("service", .string(r.serviceID)), ("name", .string(r.serviceName)),
            ("status", .string(r.status.rawValue)), ("consent", .string("given")),
            ("requested_at", t(r.requestedAt)), ("accepted_at", t(r.acceptedAt)),
            ("attended_at", t(r.attendedAt)), ("completed_at", t(r.completedAt)),
            ("ended_at", t(r.endedAt)),
        ])
    }

    static let csvHeader = [
        "referral", "presentation", "service", "name", "status", "requested_at", "accepted_at",
        "attended_at", "completed_at", "ended_at",
    ]

    static func csvRow(_ r: Referral, _ cal: SiteCalendar) -> [String] {
        func t(_ d: Date?) -> String { d.map(cal.isoString) ?? "" }
        return [
            r.id, PresentationID.format(r.presentation), r.serviceID, r.serviceName,
            r.status.rawValue, t(r.requestedAt), t(r.acceptedAt), t(r.attendedAt),
            t(r.completedAt), t(r.endedAt),
        ]
    }

    /// One line for `show P`: `fylde-debt-advice (Fylde Debt Advice): accepted, referred …`.
    static func line(_ r: Referral, _ cal: SiteCalendar) -> String {
        "\(r.serviceID) (\(r.serviceName)): \(r.status.rawValue), referred "
            + "\(cal.shortString(r.requestedAt)), last step \(cal.shortString(r.lastStepAt))"
    }

    static func render(_ r: Referral, format: OutputFormat, session: Session)
        -> String
    {
        let cal = session.calendar
        switch format {
        case .json: return json(r, cal).text
        case .csv: return CSV.document(header: csvHeader, rows: [csvRow(r, cal)])
        default:
            let p = PresentationID.format(r.presentation)
            if r.status == .requested {
                return "\(p) referred to \(r.serviceID) (\(r.serviceName)) at "
                    + "\(cal.shortString(r.requestedAt)), with consent; status requested."
            }
            let next = r.status.next.map(\.rawValue)
            return "\(p)'s referral to \(r.serviceID) is now \(r.status.rawValue)"
                + (next.isEmpty ? " (final)." : "; next: \(next.joined(separator: ", ")).")
        }
    }
}
