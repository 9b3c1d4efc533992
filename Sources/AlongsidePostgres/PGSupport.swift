import AlongsideCore
import AlongsideStore
import Foundation

// Small helpers between the domain's values and the connection's binds and rows.

/// A Swift value as a bind. Booleans go as integers 0/1: the trust database stores them as
/// SQLite does, so a record's canonical state (its audit digest) is the same in both stores.
protocol PGBindable {
    var pg: PGValue { get }
}

extension String: PGBindable {
    var pg: PGValue { .text(self) }
}

extension Int: PGBindable {
    var pg: PGValue { .int(Int64(self)) }
}

extension Int64: PGBindable {
    var pg: PGValue { .int(self) }
}

extension Bool: PGBindable {
    var pg: PGValue { .int(self ? 1 : 0) }
}

extension Optional: PGBindable where Wrapped: PGBindable {
    var pg: PGValue { self?.pg ?? .null }
}

extension Date {
    /// The stored whole seconds as a bind.
    var pg: PGValue { .int(storedSeconds) }
}

extension Optional where Wrapped == Date {
    /// The stored whole seconds as a bind, or NULL.
    var pg: PGValue { self.map { .int($0.storedSeconds) } ?? .null }
}

/// How SQLite's `COLLATE NOCASE` and `LIKE` fold text: A–Z to a–z and nothing else. The
/// schema's `lower(…)` on `COLLATE "C"` columns folds exactly these, so a bind folded here
/// compares with `lower(column)` as SQLite compares without case.
enum NoCase {
    static func fold(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 65 && $0 <= 90 }) else { return text }
        return String(
            decoding: text.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
    }
}

/// Array literals for `= ANY($1::bigint[])` and `= ANY($1::text[])` (one bind, any length).
enum PGArray {
    static func ints<S: Sequence>(_ values: S) -> PGValue where S.Element: BinaryInteger {
        .text("{" + values.map { String($0) }.joined(separator: ",") + "}")
    }

    static func texts<S: Sequence>(_ values: S) -> PGValue where S.Element == String {
        .text(
            "{"
                + values.map { value -> String in
                    var out = "\""
                    for c in value.unicodeScalars {
                        if c == "\"" || c == "\\" { out += "\\" }
                        out.unicodeScalars.append(c)
                    }
                    return out + "\""
                }.joined(separator: ",") + "}")
    }
}

extension PGRow {
    /// Column `i` as text ("" when NULL: only for NOT NULL columns).
    func string(_ i: Int) -> String { text(i) ?? "" }

    /// Column `i` as an integer (0 when NULL: only for NOT NULL columns).
    func int64(_ i: Int) -> Int64 {
        switch self[i] {
        case .int(let v): v
        case .bool(let b): b ? 1 : 0
        case .double(let d): Int64(d)
        default: 0
        }
    }

    /// Column `i` as an optional integer.
    func optInt(_ i: Int) -> Int64? {
        switch self[i] {
        case .int(let v): v
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }

    /// Column `i` as an `Int` (0 when NULL).
    func integer(_ i: Int) -> Int { Int(int64(i)) }

    /// Column `i` as a flag stored 0/1.
    func flag(_ i: Int) -> Bool { int64(i) != 0 }

    /// Column `i` as a time stored in whole seconds.
    func date(_ i: Int) -> Date { Date(storedSeconds: int64(i)) }

    /// Column `i` as an optional time stored in whole seconds.
    func optDate(_ i: Int) -> Date? { optInt(i).map(Date.init(storedSeconds:)) }

    /// The row's values as the canonical state of a record reads them (the same values
    /// SQLite reads back for the same record: integers, text, NULL).
    func storedValues(from start: Int = 0, count: Int? = nil) -> [StoredValue] {
        let end = count.map { start + $0 } ?? values.count
        return values[start..<end].map { v -> StoredValue in
            switch v {
            case .null: .null
            case .int(let n): .int(n)
            case .bool(let b): .int(b ? 1 : 0)
            case .double(let d): .double(d)
            case .text(let s): .text(s)
            case .bytes(let b): .blob(b)
            }
        }
    }
}

extension Mentor {
    /// Decodes a row selected with `Columns.mentor` (from column `at`).
    init(pg row: PGRow, at o: Int = 0) {
        self.init(
            id: row.string(o), name: row.string(o + 1), gender: row.text(o + 2),
            languages: ListField.decode(row.text(o + 3)),
            localities: ListField.decode(row.text(o + 4)),
            experience: ListField.decode(row.text(o + 5)), capacity: row.integer(o + 6),
            dbsRecheckDue: row.text(o + 7).flatMap(LocalDate.init),
            lead: row.flag(o + 8), status: MentorStatus(rawValue: row.string(o + 9)) ?? .paused,
            phone: row.text(o + 10))
    }

    /// The binds for `Columns.mentor`, in order.
    var binds: [PGValue] {
        [
            id.pg, name.pg, gender.pg, ListField.encode(languages).pg,
            ListField.encode(localities).pg, ListField.encode(experience).pg, capacity.pg,
            dbsRecheckDue?.description.pg ?? .null, lead.pg, status.rawValue.pg, phone.pg,
        ]
    }
}

extension Presentation {
    /// Decodes a row selected with `Columns.presentation`.
    init(pg row: PGRow) {
        self.init(
            number: row.integer(0), ref: row.text(1), nhs: row.text(2), locality: row.string(3),
            needs: ListField.decode(row.text(4)), arrivedAt: row.date(5),
            edArrival: row.optDate(6), ageBand: row.text(7), gender: row.text(8),
            mentorGender: row.text(9), language: row.text(10), leadMentor: row.flag(11),
            mentorID: row.text(12), assignedAt: row.optDate(13), seenAt: row.optDate(14),
            closedAt: row.optDate(15), outcome: row.text(16).flatMap(Outcome.init(rawValue:)),
            overrideReason: row.text(17), voidedAt: row.optDate(18), site: row.string(19))
    }

    /// The binds for every column but `id`, in `Columns.presentation` order.
    var bindsWithoutID: [PGValue] {
        [
            ref.pg, nhs.pg, locality.pg, ListField.encode(needs).pg, arrivedAt.pg,
            edArrival.pg, ageBand.pg, gender.pg, mentorGender.pg, language.pg, leadMentor.pg,
            mentorID.pg, assignedAt.pg, seenAt.pg, closedAt.pg, outcome?.rawValue.pg ?? .null,
            overrideReason.pg, voidedAt.pg, site.pg,
        ]
    }

    /// The columns after `id` in `Columns.presentation`.
    static let columnsWithoutID: [String] = Columns.presentation.split(separator: ",")
        .dropFirst().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
}

extension Referral {
    /// Decodes a row selected with `Referral.columns`.
    init(pg row: PGRow) {
        self.init(
            number: row.integer(0), presentation: row.integer(1), serviceID: row.string(2),
            serviceName: row.string(3), requestedAt: row.date(5))
        status = ReferralStatus(rawValue: row.string(4)) ?? .requested
        acceptedAt = row.optDate(6)
        attendedAt = row.optDate(7)
        completedAt = row.optDate(8)
        endedAt = row.optDate(9)
    }
}

/// `$1, $2, …` from `first` for `count` binds.
func placeholders(_ count: Int, from first: Int = 1) -> String {
    (first..<(first + count)).map { "$\($0)" }.joined(separator: ", ")
}
