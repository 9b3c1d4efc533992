import AlongsideCore
import Foundation
import GRDB

// MARK: - Database

/// Column lists and row decoding for the domain types.
enum Columns {
    static let mentor =
        "id, name, gender, languages, localities, experience, capacity, dbs_recheck_due, lead, "
        + "status, phone"
    static let presentation = """
        id, ref, nhs, locality, needs, arrived_at, ed_arrival, age_band, gender, mentor_gender, \
        language, lead_mentor, mentor_id, assigned_at, seen_at, closed_at, outcome, \
        override_reason, voided_at
        """
}

extension Date {
    /// Whole seconds since 1970 for storage.
    var storedSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    init(storedSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(storedSeconds)) }
}

enum ListField {
    static func encode(_ list: [String]) -> String { list.joined(separator: ";") }
    static func decode(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ";").map(String.init)
    }
}

extension Mentor {
    /// Decodes a row selected with `Columns.mentor`, by position (fast for whole rosters).
    init(row: Row) {
        self.init(
            id: row[0], name: row[1], gender: row[2],
            languages: ListField.decode(row[3]), localities: ListField.decode(row[4]),
            experience: ListField.decode(row[5]), capacity: row[6],
            dbsRecheckDue: (row[7] as String?).flatMap(LocalDate.init),
            lead: row[8], status: MentorStatus(rawValue: row[9]) ?? .paused, phone: row[10])
    }

    var arguments: [(any DatabaseValueConvertible)?] {
        [
            id, name, gender, ListField.encode(languages), ListField.encode(localities),
            ListField.encode(experience), capacity, dbsRecheckDue?.description, lead,
            status.rawValue, phone,
        ]
    }

    /// The audit view: every field (a mentor's record holds no patient identifiers).
    var auditJSON: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("gender", .string(gender)),
            ("languages", .string(ListField.encode(languages))),
            ("localities", .string(ListField.encode(localities))),
            ("experience", .string(ListField.encode(experience))), ("capacity", .int(capacity)),
            ("dbs_recheck_due", .string(dbsRecheckDue?.description)), ("lead", .bool(lead)),
            ("status", .string(status.rawValue)),
        ] + (phone.map { [("phone", JSONValue.string($0))] } ?? []))
    }
}

extension Presentation {
    /// Decodes a row selected with `Columns.presentation`, by position (fast for a week's
    /// rows).
    init(row: Row) {
        func date(_ index: Int) -> Date? {
            (row[index] as Int64?).map(Date.init(storedSeconds:))
        }
        self.init(
            number: row[0], ref: row[1], nhs: row[2], locality: row[3],
            needs: ListField.decode(row[4]), arrivedAt: date(5)!, edArrival: date(6),
            ageBand: row[7], gender: row[8], mentorGender: row[9], language: row[10],
            leadMentor: row[11], mentorID: row[12], assignedAt: date(13), seenAt: date(14),
            closedAt: date(15), outcome: (row[16] as String?).flatMap(Outcome.init(rawValue:)),
            overrideReason: row[17], voidedAt: date(18))
    }

    /// Arguments for every column but `id`, in `Columns.presentation` order.
    var argumentsWithoutID: [(any DatabaseValueConvertible)?] {
        [
            ref, nhs, locality, ListField.encode(needs), arrivedAt.storedSeconds,
            edArrival?.storedSeconds, ageBand, gender, mentorGender, language, leadMentor,
            mentorID, assignedAt?.storedSeconds, seenAt?.storedSeconds, closedAt?.storedSeconds,
            outcome?.rawValue, overrideReason, voidedAt?.storedSeconds,
        ]
    }

    /// The audit view: identifiers are never written in clear, only whether one is held.
    var auditJSON: JSONValue {
        func t(_ d: Date?) -> JSONValue { d.map { .int(Int($0.storedSeconds)) } ?? .null }
        return .object([
            ("id", .string(id)), ("has_ref", .bool(ref != nil)), ("has_nhs", .bool(nhs != nil)),
            ("locality", .string(locality)), ("needs", .string(ListField.encode(needs))),
            ("arrived_at", t(arrivedAt)), ("ed_arrival", t(edArrival)),
            ("age_band", .string(ageBand)), ("gender", .string(gender)),
            ("mentor_gender", .string(mentorGender)), ("language", .string(language)),
            ("lead_mentor", .bool(leadMentor)), ("mentor", .string(mentorID)),
            ("assigned_at", t(assignedAt)), ("seen_at", t(seenAt)), ("closed_at", t(closedAt)),
            ("outcome", .string(outcome?.rawValue)), ("override_reason", .string(overrideReason)),
        ] + (voidedAt.map { [("voided_at", t($0))] } ?? []))
    }
}

extension TimeSpan {
    init(row: Row) {
        self.init(
            start: Date(storedSeconds: row["start"]), end: Date(storedSeconds: row["end"]))
    }
}
