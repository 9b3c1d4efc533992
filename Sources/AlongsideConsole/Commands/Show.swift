import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `show P` / `show M`: one record with its history.
struct Show: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "One presentation or mentor with its history.",
        discussion: """
            Showing a person's record is logged in the audit log.

            Examples:
              show P12
              show M3
              show amy-w --format json
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "A presentation id (P12) or a mentor id.")
    var id: String
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        if PresentationID.parse(id) != nil {
            return try showPresentation(session, format: format)
        }
        return try showMentor(session, format: format)
    }

    /// Everything held about one presentation, read in one transaction.
    struct PresentationRecord {
        var presentation: Presentation
        var declines: [DeclineRecord]
        var history: [AuditEntry]
        var referrals: [Referral]
        var hold: HoldRecord?
        var corrections: [CorrectionRecord]

        /// Reads it all.
        static func read(_ p: Presentation, in tx: any StoreReading) throws -> PresentationRecord {
            PresentationRecord(
                presentation: p, declines: try tx.declines(of: p.number),
                history: try tx.auditEntries(since: nil, entity: p.id),
                referrals: try tx.referrals(presentation: p.number), hold: try tx.hold(of: p.number),
                corrections: try tx.corrections(of: p.number))
        }

        /// The record's fields, in the order `show P` gives them.
        func fields(_ session: Session) -> [(String, JSONValue)] {
            let p = presentation
            let cal = session.calendar
            let retention = Show.retention(p, hold: hold, session: session)
            func t(_ d: Date?) -> JSONValue { d.map { .string(cal.isoString($0)) } ?? .null }
            return [
                ("presentation", .string(p.id)), ("status", .string(p.status.rawValue)),
                ("ref", .string(p.ref)), ("nhs", .string(p.nhs)), ("locality", .string(p.locality)),
                ("needs", .array(p.needs.map { .string($0) })), ("arrived_at", t(p.arrivedAt)),
                ("ed_arrival", t(p.edArrival)), ("age_band", .string(p.ageBand)),
                ("gender", .string(p.gender)), ("mentor_gender", .string(p.mentorGender)),
                ("language", .string(p.language)), ("lead_mentor", .bool(p.leadMentor)),
                ("mentor", .string(p.mentorID)), ("assigned_at", t(p.assignedAt)),
                ("seen_at", t(p.seenAt)), ("closed_at", t(p.closedAt)),
                ("outcome", .string(p.outcome?.rawValue)),
                ("wait_minutes", p.waitSeconds.map { .double(Double($0) / 60) } ?? .null),
                ("override_reason", .string(p.overrideReason)),
                ("voided_at", t(p.voidedAt)),
                (
                    "declined_by",
                    .array(
                        declines.map {
                            .object([
                                ("mentor", .string($0.mentorID)), ("at", t($0.at)),
                                ("reason", .string($0.reason)),
                            ])
                        })
                ),
                ("identifiers_removed_from", .string(retention.date)),
                ("hold", .string(hold?.reason)),
            ]
        }

        /// The whole record as JSON: the fields, referrals, corrections and history.
        func json(_ session: Session) -> JSONValue {
            let cal = session.calendar
            let fixes = JSONValue.array(
                corrections.map {
                    .object([
                        ("kind", .string($0.kind)), ("at", .string(cal.isoString($0.at))),
                        ("by", .string($0.actor)), ("reason", .string($0.reason)),
                    ])
                })
            return .object(
                fields(session) + [
                    ("referrals", .array(referrals.map { ReferralView.json($0, cal) })),
                    ("corrections", fixes),
                    ("history", Show.historyJSON(history, cal)),
                ])
        }
    }

    private func showPresentation(_ session: Session, format: OutputFormat) throws -> String {
        let cal = session.calendar
        let record = try session.write("show") { tx in
            let p = try session.presentation(id, in: tx)
            try tx.logEvent(action: "read", entity: p.id, detail: nil)
            return try PresentationRecord.read(p, in: tx)
        }
        let p = record.presentation
        let (declines, history, referrals, hold, corrections) = (
            record.declines, record.history, record.referrals, record.hold, record.corrections
        )
        let retention = Self.retention(p, hold: hold, session: session)
        let fields = record.fields(session)
        switch format {
        case .json:
            return record.json(session).text
        case .csv:
            return CSV.document(
                header: fields.filter { $0.0 != "declined_by" }.map(\.0),
                rows: [fields.filter { $0.0 != "declined_by" }.map { plain($0.1) }])
        default:
            var out = session.style.bold("\(p.id)") + "  \(p.status.rawValue)\n"
            var t = TextTable(["field", "value"])
            for (k, v) in fields where !["presentation", "declined_by", "identifiers_removed_from", "hold"].contains(k) {
                if case .null = v { continue }
                if k == "nhs", let n = p.nhs, let nhs = try? NHSNumber(n) {
                    t.add([k, nhs.description])
                } else {
                    t.add([k, plain(v)])
                }
            }
            out += t.render(style: Style(enabled: false)).split(separator: "\n").dropFirst()
                .joined(separator: "\n") + "\n"
            for d in declines {
                out += "declined by \(d.mentorID) at \(cal.shortString(d.at))\(d.reason.map { ": \($0)" } ?? "")\n"
            }
            if !referrals.isEmpty {
                out += "\nOnward referrals:\n"
                for r in referrals { out += "  \(ReferralView.line(r, cal))\n" }
            }
            for c in corrections {
                out += "correction: \(c.kind) at \(cal.shortString(c.at)) by \(c.actor)"
                    + "\(c.reason.map { ": \($0)" } ?? "")\n"
            }
            out += "identifiers: \(retention.text)\n"
            out += "\nHistory:\n" + historyTable(history, cal).render(style: session.style)
            return out
        }
    }

    private func showMentor(_ session: Session, format: OutputFormat) throws -> String {
        let cal = session.calendar
        let now = session.now
        let horizon = TimeSpan(start: now.addingTimeInterval(-86400), end: now.addingTimeInterval(14 * 86400))
        let (m, state, shifts, leave, recent) = try session.read { tx in
            let m = try session.mentor(id, in: tx)
            guard let state = try tx.mentorState(m.id, at: now) else {
                throw CommandError("no mentor '\(m.id)'")
            }
            return (
                m, state, try tx.shifts(mentor: m.id, overlapping: horizon),
                try tx.leave(mentor: m.id, overlapping: TimeSpan(start: now, end: now.addingTimeInterval(366 * 86400))),
                try tx.presentations(mentor: m.id, limit: 10)
            )
        }
        let available = MentorsView.availability(state, session: session, at: now)
        switch format {
        case .json:
            var record = MentorsView.json(m, state: state, session: session, at: now)
            if case .object(var f) = record {
                f.append(("shifts", .array(shifts.map { .object([("start", .string(cal.isoString($0.span.start))), ("end", .string(cal.isoString($0.span.end)))]) })))
                f.append(("leave", .array(leave.map { .object([("start", .string(cal.isoString($0.span.start))), ("end", .string(cal.isoString($0.span.end)))]) })))
                f.append(("recent", .array(recent.map { .object([("presentation", .string($0.id)), ("status", .string($0.status.rawValue)), ("arrived_at", .string(cal.isoString($0.arrivedAt)))]) })))
                record = .object(f)
            }
            return record.text
        case .csv:
            return CSV.document(header: MentorsView.csvHeader, rows: [MentorsView.csvRow(m, state: state, session: session, at: now)])
        default:
            var out = session.style.bold("\(m.id)  \(m.name)") + "  \(m.status.rawValue)\(m.lead ? ", lead" : "")\n"
            out += "available now: \(available == nil ? "yes" : "no (\(available!.explanation))")\n"
            out += "caseload: \(state.caseload) of \(m.capacity)\n"
            out += "phone: \(m.phone ?? "-")\n"
            let since = MentorsView.signedInSince(state, at: now)
            out += "signed in: \(since.map { "since \(cal.shortString($0))" } ?? "no")\n"
            out += "gender: \(m.gender ?? "-"); languages: \(m.languages.isEmpty ? "-" : m.languages.joined(separator: ", "))\n"
            out += "localities: \(m.localities.isEmpty ? "-" : m.localities.joined(separator: ", "))\n"
            out += "experience: \(m.experience.isEmpty ? "-" : m.experience.joined(separator: ", "))\n"
            out += "DBS recheck due: \(MentorsView.dbsText(m, today: cal.localDate(now)))\n"
            out += "\nShifts (yesterday to two weeks ahead):\n"
            if shifts.isEmpty { out += "  none\n" }
            for s in shifts {
                out += "  \(s.span.start.weekdayName(cal)) \(cal.shortString(s.span.start)) – \(cal.timeString(s.span.end))  (\(String(format: "%.1f", Double(s.span.seconds) / 3600)) h)\n"
            }
            if !leave.isEmpty {
                out += "\nLeave:\n"
                for l in leave { out += "  \(cal.shortString(l.span.start)) – \(cal.shortString(l.span.end))\n" }
            }
            out += "\nRecent presentations:\n"
            if recent.isEmpty { out += "  none\n" }
            for p in recent {
                out += "  \(p.id)  \(cal.shortString(p.arrivedAt))  \(p.status.rawValue)\(p.outcome.map { " (\($0.rawValue))" } ?? "")\n"
            }
            return out
        }
    }

    /// From which date P's identifiers will be removed (spec §8), and that in words.
    static func retention(
        _ p: Presentation, hold: HoldRecord?, session: Session
    ) -> (date: String?, text: String) {
        let years = session.config.retentionYears
        if let hold { return (nil, "kept while on legal hold (\(hold.reason))") }
        guard let closed = p.closedAt else {
            return (nil, "removed \(years) years after it is closed")
        }
        let date = RetentionRule.removalDate(
            closed: session.calendar.localDate(closed), years: years)
        return (date.description, "removed from \(date) by 'retention' (\(years) years after closing)")
    }

    private func plain(_ v: JSONValue) -> String {
        switch v {
        case .null: ""
        case .string(let s): s
        case .bool(let b): b ? "yes" : "no"
        case .int(let i): "\(i)"
        case .double(let d): "\(d)"
        case .array(let a): a.map(plain).joined(separator: ";")
        case .object: v.text
        }
    }

    static func historyJSON(_ h: [AuditEntry], _ cal: SiteCalendar) -> JSONValue {
        .array(h.map { e in
            .object([("at", .string(cal.isoString(e.at))), ("by", .string(e.actor)), ("command", .string(e.command)), ("action", .string(e.action))])
        })
    }

    private func historyTable(_ h: [AuditEntry], _ cal: SiteCalendar) -> TextTable {
        var t = TextTable(["when", "by", "command", "action"])
        for e in h { t.add([cal.shortString(e.at), e.actor, e.command, e.action]) }
        return t
    }
}

extension Date {
    /// Mon…Sun of the instant in the site zone.
    func weekdayName(_ cal: SiteCalendar) -> String { cal.localDate(self).weekdayName }
}
