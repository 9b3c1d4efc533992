import AlongsideCore
import Foundation
import GRDB

// MARK: - Database

/// Column lists and row decoding for the domain types.
enum Columns {
    static let mentor =
        "id, name, gender, languages, localities, experience, capacity, dbs_recheck_due, lead, status"
    static let presentation = """
        id, ref, nhs, locality, needs, arrived_at, ed_arrival, age_band, gender, mentor_gender, \
        language, lead_mentor, mentor_id, assigned_at, seen_at, closed_at, outcome, override_reason
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
    init(row: Row) {
        self.init(
            id: row["id"], name: row["name"], gender: row["gender"],
            languages: ListField.decode(row["languages"]),
            localities: ListField.decode(row["localities"]),
            experience: ListField.decode(row["experience"]), capacity: row["capacity"],
            dbsRecheckDue: (row["dbs_recheck_due"] as String?).flatMap(LocalDate.init),
            lead: row["lead"], status: MentorStatus(rawValue: row["status"]) ?? .paused)
    }

    var arguments: [(any DatabaseValueConvertible)?] {
        [
            id, name, gender, ListField.encode(languages), ListField.encode(localities),
            ListField.encode(experience), capacity, dbsRecheckDue?.description, lead,
            status.rawValue,
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
        ])
    }
}

extension Presentation {
    init(row: Row) {
        func date(_ column: String) -> Date? {
            (row[column] as Int64?).map(Date.init(storedSeconds:))
        }
        self.init(
            number: row["id"], ref: row["ref"], nhs: row["nhs"], locality: row["locality"],
            needs: ListField.decode(row["needs"]), arrivedAt: date("arrived_at")!,
            edArrival: date("ed_arrival"), ageBand: row["age_band"], gender: row["gender"],
            mentorGender: row["mentor_gender"], language: row["language"],
            leadMentor: row["lead_mentor"], mentorID: row["mentor_id"],
            assignedAt: date("assigned_at"), seenAt: date("seen_at"), closedAt: date("closed_at"),
            outcome: (row["outcome"] as String?).flatMap(Outcome.init(rawValue:)),
            overrideReason: row["override_reason"])
    }

    /// Arguments for every column but `id`, in `Columns.presentation` order.
    var argumentsWithoutID: [(any DatabaseValueConvertible)?] {
        [
            ref, nhs, locality, ListField.encode(needs), arrivedAt.storedSeconds,
            edArrival?.storedSeconds, ageBand, gender, mentorGender, language, leadMentor,
            mentorID, assignedAt?.storedSeconds, seenAt?.storedSeconds, closedAt?.storedSeconds,
            outcome?.rawValue, overrideReason,
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
        ])
    }
}

extension TimeSpan {
    init(row: Row) {
        self.init(
            start: Date(storedSeconds: row["start"]), end: Date(storedSeconds: row["end"]))
    }
}
