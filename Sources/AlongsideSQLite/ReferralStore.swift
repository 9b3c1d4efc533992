import AlongsideCore
import AlongsideStore
import Crypto
import Foundation
import GRDB

// The directory of local services and onward referrals (spec §12), on SQLite.

extension Referral {
    init(row: Row) {
        self.init(
            number: row[0], presentation: row[1], serviceID: row[2], serviceName: row[3],
            requestedAt: Date(storedSeconds: row[5]))
        status = ReferralStatus(rawValue: row[4]) ?? .requested
        acceptedAt = (row[6] as Int64?).map(Date.init(storedSeconds:))
        attendedAt = (row[7] as Int64?).map(Date.init(storedSeconds:))
        completedAt = (row[8] as Int64?).map(Date.init(storedSeconds:))
        endedAt = (row[9] as Int64?).map(Date.init(storedSeconds:))
    }

}

extension SQLiteTransaction {
    func services(need: String?, activeOnly: Bool) throws -> [Service] {
        var filter = "1"
        var args: [(any DatabaseValueConvertible)?] = []
        if activeOnly { filter += " AND status = 'active'" }
        if let need {
            // taxonomies is a ';' list of tags, which hold no ';' or '%'.
            filter += " AND ';' || taxonomies || ';' LIKE ?"
            args.append("%;\(need.lowercased());%")
        }
        return try loadServices(where: filter, StatementArguments(args))
    }

    func service(_ id: String) throws -> Service? {
        try loadServices(where: "id = ?", [id]).first
    }

    /// Services matching `filter` (on the service table), with their schedules, in order.
    private func loadServices(where filter: String, _ arguments: StatementArguments) throws
        -> [Service]
    {
        var schedules: [String: [RegularSchedule]] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT service_id, id, freq, byday, opens_at, closes_at, valid_from, valid_to
                FROM service_schedule
                WHERE service_id IN (SELECT id FROM service WHERE \(filter)) ORDER BY rowid
                """, arguments: arguments)
        {
            let days = Set(
                (row[3] as String).split(separator: ",").compactMap {
                    Weekday(rawValue: String($0))
                })
            schedules[(row[0] as String).lowercased(), default: []].append(
                RegularSchedule(
                    id: row[1], freq: RegularSchedule.Frequency(rawValue: row[2]) ?? .weekly,
                    byday: days, opensAt: row[4], closesAt: row[5],
                    validFrom: (row[6] as String?).flatMap(LocalDate.init),
                    validTo: (row[7] as String?).flatMap(LocalDate.init)))
        }
        return try Row.fetchAll(
            db,
            sql: """
                SELECT id, name, description, status, email, url, minimum_age, maximum_age,
                       areas, taxonomies
                FROM service WHERE \(filter) ORDER BY position
                """, arguments: arguments
        ).map { row in
            let id: String = row[0]
            return Service(
                id: id, name: row[1], description: row[2], status: row[3], email: row[4],
                url: row[5], minimumAge: row[6], maximumAge: row[7],
                areas: ListField.decode(row[8]), taxonomies: ListField.decode(row[9]),
                schedules: schedules[id.lowercased()] ?? [])
        }
    }

    func replaceServices(_ services: [Service]) throws {
        let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM service") ?? 0
        try db.execute(sql: "DELETE FROM service_schedule")
        try db.execute(sql: "DELETE FROM service")
        let insert = try db.makeStatement(
            sql: """
                INSERT INTO service(id, position, name, description, status, email, url,
                    minimum_age, maximum_age, areas, taxonomies)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let schedule = try db.makeStatement(
            sql: """
                INSERT INTO service_schedule(service_id, id, freq, byday, opens_at, closes_at,
                    valid_from, valid_to) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for (i, s) in services.enumerated() {
            try insert.execute(arguments: [
                s.id, i, s.name, s.description, s.status, s.email, s.url, s.minimumAge,
                s.maximumAge, ListField.encode(s.areas), ListField.encode(s.taxonomies),
            ])
            for r in s.schedules {
                try schedule.execute(arguments: [
                    s.id, r.id, r.freq.rawValue, r.bydayText, r.opensAt, r.closesAt,
                    r.validFrom?.description, r.validTo?.description,
                ])
            }
        }
        let digest = SHA256.hash(data: Data(JSONValue.array(services.map(\.canonical)).text.utf8))
        try audit(
            "import", entity: "services", before: .object([("services", .int(before))]),
            after: .object([
                ("services", .int(services.count)),
                ("schedules", .int(services.reduce(0) { $0 + $1.schedules.count })),
                ("sha256", .string(PinHash.hex(Array(digest)))),
            ]))
    }

    func referrals(presentation: Int) throws -> [Referral] {
        try Row.fetchAll(
            db,
            sql: "SELECT \(Referral.columns) FROM referral WHERE presentation_id = ? ORDER BY id",
            arguments: [presentation]
        ).map(Referral.init(row:))
    }

    func referrals(requestedIn span: TimeSpan) throws -> [Referral] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(Referral.columns) FROM referral
                WHERE requested_at >= ? AND requested_at < ? ORDER BY id
                """, arguments: [span.start.storedSeconds, span.end.storedSeconds]
        ).map(Referral.init(row:))
    }

    func presentationIdentities(arrivedIn span: TimeSpan) throws -> [Presentation] {
        // Streamed, each column decoded as its concrete type (the generic optional path
        // costs more than the query: 37 days are ~18k rows).
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT id, nhs, ref, arrived_at, site FROM presentation
                    WHERE arrived_at >= ? AND arrived_at < ? AND (nhs IS NOT NULL OR ref IS NOT NULL)
                    ORDER BY arrived_at, id
                    """), arguments: [span.start.storedSeconds, span.end.storedSeconds])
        var result: [Presentation] = []
        while let row = try rows.next() {
            let nhs: String? = row.hasNull(atIndex: 1) ? nil : (row[1] as String)
            let ref: String? = row.hasNull(atIndex: 2) ? nil : (row[2] as String)
            result.append(
                Presentation(
                    number: row[0] as Int, ref: ref, nhs: nhs, locality: "", needs: [],
                    arrivedAt: Date(storedSeconds: row[3] as Int64), site: row[4] as String))
        }
        return result
    }

    func presentations(nhs: String?, ref: String?) throws -> [Presentation] {
        guard nhs != nil || ref != nil else { return [] }
        // Two index lookups (presentation_by_nhs, presentation_by_ref), merged.
        var rows: [Int: Presentation] = [:]
        if let nhs {
            for p in try Row.fetchAll(
                db, sql: "SELECT \(Columns.presentation) FROM presentation WHERE nhs = ?",
                arguments: [nhs]
            ).map(Presentation.init(row:)) { rows[p.number] = p }
        }
        if let ref {
            for p in try Row.fetchAll(
                db, sql: "SELECT \(Columns.presentation) FROM presentation WHERE ref = ?",
                arguments: [ref.uppercased()]
            ).map(Presentation.init(row:)) { rows[p.number] = p }
        }
        return rows.values.sorted { ($0.arrivedAt, $0.number) < ($1.arrivedAt, $1.number) }
    }

    func insertReferral(_ r: Referral) throws -> Int {
        try db.execute(
            sql: """
                INSERT INTO referral(presentation_id, service_id, service_name, status, consent,
                    requested_at) VALUES (?, ?, ?, ?, 'given', ?)
                """,
            arguments: [
                r.presentation, r.serviceID, r.serviceName, r.status.rawValue,
                r.requestedAt.storedSeconds,
            ])
        var stored = r
        stored.number = Int(db.lastInsertedRowID)
        try audit(
            "refer", entity: PresentationID.format(r.presentation), before: nil,
            after: stored.auditJSON)
        return stored.number
    }

    func updateReferral(_ r: Referral) throws {
        guard
            let before = try Row.fetchOne(
                db, sql: "SELECT \(Referral.columns) FROM referral WHERE id = ?",
                arguments: [r.number]
            ).map(Referral.init(row:))
        else { throw StoreError.notFound(kind: "referral", id: r.id) }
        try db.execute(
            sql: """
                UPDATE referral SET status = ?, accepted_at = ?, attended_at = ?,
                    completed_at = ?, ended_at = ? WHERE id = ?
                """,
            arguments: [
                r.status.rawValue, r.acceptedAt?.storedSeconds, r.attendedAt?.storedSeconds,
                r.completedAt?.storedSeconds, r.endedAt?.storedSeconds, r.number,
            ])
        try audit(
            "referral", entity: PresentationID.format(r.presentation), before: before.auditJSON,
            after: r.auditJSON)
    }
}
