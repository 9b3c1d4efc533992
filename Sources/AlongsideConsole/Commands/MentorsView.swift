import AlongsideCore
import Foundation

/// How mentors are printed by `mentors` and `show M`.
enum MentorsView {
    static let csvHeader = [
        "id", "name", "gender", "languages", "localities", "experience", "capacity",
        "dbs_recheck_due", "lead", "status", "caseload", "available_now",
    ]

    /// The first mentor-side rule that stops the mentor taking anyone now (rules 1–4), or nil.
    static func availability(_ state: MentorState, session: Session, at now: Date) -> HardRule? {
        session.matcher.mentorSideRule(state, at: now)
    }

    static func dbsText(_ m: Mentor, today: LocalDate) -> String {
        guard let due = m.dbsRecheckDue else { return "not set" }
        let days = due.daysSinceEpoch - today.daysSinceEpoch
        if days < 0 { return "\(due) (OVERDUE: never offered)" }
        if days <= 60 { return "\(due) (due in \(days) day\(days == 1 ? "" : "s"))" }
        return due.description
    }

    /// Days until the DBS recheck falls due, when it is within 60 days or overdue.
    static func dbsWarning(_ m: Mentor, today: LocalDate) -> Int? {
        guard let due = m.dbsRecheckDue, m.status != .retired else { return nil }
        let days = due.daysSinceEpoch - today.daysSinceEpoch
        return days <= 60 ? days : nil
    }

    static func json(_ m: Mentor, state: MentorState, session: Session, at now: Date) -> JSONValue {
        let rule = availability(state, session: session, at: now)
        return .object([
            ("id", .string(m.id)), ("name", .string(m.name)), ("gender", .string(m.gender)),
            ("languages", .array(m.languages.map { .string($0) })),
            ("localities", .array(m.localities.map { .string($0) })),
            ("experience", .array(m.experience.map { .string($0) })),
            ("capacity", .int(m.capacity)),
            ("dbs_recheck_due", .string(m.dbsRecheckDue?.description)),
            ("lead", .string(m.lead ? "yes" : "no")), ("status", .string(m.status.rawValue)),
            ("caseload", .int(state.caseload)), ("available_now", .bool(rule == nil)),
            ("unavailable_because", .string(rule?.rawValue)),
            ("phone", .string(m.phone)),
            (
                "signed_in",
                .string(signedInSince(state, at: now).map { session.calendar.isoString($0) })
            ),
        ])
    }

    /// When the mentor signed in, if they are signed in at `now`.
    static func signedInSince(_ state: MentorState, at now: Date) -> Date? {
        state.signIns.filter { $0.covers(now) }.map(\.inAt).max()
    }

    static func csvRow(_ m: Mentor, state: MentorState, session: Session, at now: Date) -> [String] {
        [
            m.id, m.name, m.gender ?? "", m.languages.joined(separator: ";"),
            m.localities.joined(separator: ";"), m.experience.joined(separator: ";"),
            "\(m.capacity)", m.dbsRecheckDue?.description ?? "", m.lead ? "yes" : "no",
            m.status.rawValue, "\(state.caseload)",
            availability(state, session: session, at: now) == nil ? "yes" : "no",
        ]
    }
}
