import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// MARK: - Database

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
            overrideReason: row[17], voidedAt: date(18), site: row[19])
    }

    /// Arguments for every column but `id`, in `Columns.presentation` order.
    var argumentsWithoutID: [(any DatabaseValueConvertible)?] {
        [
            ref, nhs, locality, ListField.encode(needs), arrivedAt.storedSeconds,
            edArrival?.storedSeconds, ageBand, gender, mentorGender, language, leadMentor,
            mentorID, assignedAt?.storedSeconds, seenAt?.storedSeconds, closedAt?.storedSeconds,
            outcome?.rawValue, overrideReason, voidedAt?.storedSeconds, site,
        ]
    }

}

extension TimeSpan {
    init(row: Row) {
        self.init(
            start: Date(storedSeconds: row["start"]), end: Date(storedSeconds: row["end"]))
    }
}
