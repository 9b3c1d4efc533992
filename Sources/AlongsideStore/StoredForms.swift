import AlongsideCore
import Foundation

// How the domain's records are stored, the same in every store: the column lists (whose
// order is the canonical state an audit entry digests), whole seconds, `;` lists, and the
// audit views (what an entry may hold of a record).

/// The column lists of the stored records, in canonical order.
public enum Columns {
    public static let mentor =
        "id, name, gender, languages, localities, experience, capacity, dbs_recheck_due, lead, "
        + "status, phone"
    public static let presentation = """
        id, ref, nhs, locality, needs, arrived_at, ed_arrival, age_band, gender, mentor_gender, \
        language, lead_mentor, mentor_id, assigned_at, seen_at, closed_at, outcome, \
        override_reason, voided_at, site
        """
}

extension Date {
    /// Whole seconds since 1970 for storage.
    public var storedSeconds: Int64 { Int64(timeIntervalSince1970.rounded(.down)) }
    public init(storedSeconds: Int64) { self.init(timeIntervalSince1970: TimeInterval(storedSeconds)) }
}

/// A list stored as one text field, items joined by `;`.
public enum ListField {
    public static func encode(_ list: [String]) -> String { list.joined(separator: ";") }
    public static func decode(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        return text.split(separator: ";").map(String.init)
    }
}

extension Mentor {
    /// The audit view: every field (a mentor's record holds no patient identifiers).
    public var auditJSON: JSONValue {
        .object([
            ("id", .string(id)), ("name", .string(name)), ("gender", .string(gender)),
            ("languages", .string(ListField.encode(languages))),
            ("localities", .string(ListField.encode(localities))),
            ("experience", .string(ListField.encode(experience))), ("capacity", .int(capacity)),
            ("dbs_recheck_due", .string(dbsRecheckDue?.description)), ("lead", .bool(lead)),
            ("status", .string(status.rawValue)),
        ] + (phone.map { [("phone", JSONValue.string($0))] } ?? []))
    }

    /// The stored values in `Columns.mentor` order.
    public var storedValues: [StoredValue] {
        [
            .text(id), .text(name), gender.map(StoredValue.text) ?? .null,
            .text(ListField.encode(languages)), .text(ListField.encode(localities)),
            .text(ListField.encode(experience)), .int(Int64(capacity)),
            dbsRecheckDue.map { .text($0.description) } ?? .null, .int(lead ? 1 : 0),
            .text(status.rawValue), phone.map(StoredValue.text) ?? .null,
        ]
    }
}

extension Presentation {
    /// The stored values of every column but `id`, in `Columns.presentation` order.
    public var storedValuesWithoutID: [StoredValue] {
        func s(_ x: String?) -> StoredValue { x.map(StoredValue.text) ?? .null }
        func t(_ d: Date?) -> StoredValue { d.map { .int($0.storedSeconds) } ?? .null }
        return [
            s(ref), s(nhs), .text(locality), .text(ListField.encode(needs)),
            .int(arrivedAt.storedSeconds), t(edArrival), s(ageBand), s(gender), s(mentorGender),
            s(language), .int(leadMentor ? 1 : 0), s(mentorID), t(assignedAt), t(seenAt),
            t(closedAt), s(outcome?.rawValue), s(overrideReason), t(voidedAt), .text(site),
        ]
    }

    /// The audit view: identifiers are never written in clear, only whether one is held.
    public var auditJSON: JSONValue {
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
        ] + (voidedAt.map { [("voided_at", t($0))] } ?? [])
            + (site == SiteName.main ? [] : [("site", JSONValue.string(site))]))
    }
}

extension Referral {
    public static let columns = """
        id, presentation_id, service_id, service_name, status, requested_at, accepted_at, \
        attended_at, completed_at, ended_at
        """

    /// The audit view (no personal data: the presentation is named by its id).
    public var auditJSON: JSONValue {
        .object([
            ("referral", .string(id)),
            ("presentation", .string(PresentationID.format(presentation))),
            ("service", .string(serviceID)), ("status", .string(status.rawValue)),
            ("consent", .string("given")),
        ])
    }
}

extension Service {
    /// The canonical form hashed into the audit entry of an import.
    public var canonical: JSONValue {
        .array([
            .string(id), .string(name), .string(description), .string(status), .string(email),
            .string(url), minimumAge.map { .int($0) } ?? .null,
            maximumAge.map { .int($0) } ?? .null,
            .string(ListField.encode(areas)), .string(ListField.encode(taxonomies)),
            .array(
                schedules.map {
                    .array([
                        .string($0.id), .string($0.freq.rawValue), .string($0.bydayText),
                        .int($0.opensAt), .int($0.closesAt), .string($0.validFrom?.description),
                        .string($0.validTo?.description),
                    ])
                }),
        ])
    }
}


extension WeekFigures {
    /// The waits as stored with the kept figures: each wait in seconds as 8 bytes,
    /// little-endian, in ascending order.
    public var storedWaits: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(waitSeconds.count * 8)
        for wait in waitSeconds {
            withUnsafeBytes(of: Int64(wait).littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// Figures read back from their stored form; nil when the bytes are not a whole number
    /// of waits or not in ascending order (then they are not used).
    public init?(presentations: Int, storedWaits bytes: some Collection<UInt8>) {
        guard bytes.count % 8 == 0, presentations >= bytes.count / 8 else { return nil }
        var waits: [Int] = []
        waits.reserveCapacity(bytes.count / 8)
        var value: UInt64 = 0
        var shift: UInt64 = 0
        for byte in bytes {
            value |= UInt64(byte) << shift
            shift += 8
            if shift == 64 {
                let wait = Int(Int64(bitPattern: value))
                if let last = waits.last, wait < last { return nil }
                waits.append(wait)
                value = 0
                shift = 0
            }
        }
        self.init(presentations: presentations, waitSeconds: waits)
    }
}
