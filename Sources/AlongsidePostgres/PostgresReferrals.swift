import AlongsideCore
import AlongsideStore
import Crypto
import Foundation

// The directory of local services and onward referrals (spec §12) on the trust database.

extension PostgresTransaction {
    func services(need: String?, activeOnly: Bool) throws -> [Service] {
        var filter = "true"
        var binds: [PGValue] = []
        if activeOnly { filter += " AND status = 'active'" }
        if let need {
            // SQLite's LIKE: A–Z without case, no escape character.
            binds.append("%;\(need.lowercased());%".pg)
            filter += " AND lower(';' || taxonomies || ';') LIKE $1 ESCAPE ''"
        }
        return try loadServices(where: filter, binds)
    }

    func service(_ id: String) throws -> Service? {
        try loadServices(where: "lower(id) = $1", [NoCase.fold(id).pg]).first
    }

    /// Services matching `filter` (on the service table), with their schedules, in order.
    private func loadServices(where filter: String, _ binds: [PGValue]) throws -> [Service] {
        var schedules: [String: [RegularSchedule]] = [:]
        for row in try run.query(
            """
            SELECT service_id, id, freq, byday, opens_at, closes_at, valid_from, valid_to
            FROM service_schedule
            WHERE lower(service_id) IN (SELECT lower(id) FROM service WHERE \(filter))
            ORDER BY row_order
            """, binds)
        {
            let days = Set(
                row.string(3).split(separator: ",").compactMap { Weekday(rawValue: String($0)) })
            schedules[row.string(0).lowercased(), default: []].append(
                RegularSchedule(
                    id: row.string(1),
                    freq: RegularSchedule.Frequency(rawValue: row.string(2)) ?? .weekly,
                    byday: days, opensAt: row.integer(4), closesAt: row.integer(5),
                    validFrom: row.text(6).flatMap(LocalDate.init),
                    validTo: row.text(7).flatMap(LocalDate.init)))
        }
        return try run.query(
            """
            SELECT id, name, description, status, email, url, minimum_age, maximum_age,
                   areas, taxonomies
            FROM service WHERE \(filter) ORDER BY position
            """, binds
        ).map { row in
            let id = row.string(0)
            return Service(
                id: id, name: row.string(1), description: row.string(2), status: row.string(3),
                email: row.text(4), url: row.text(5), minimumAge: row.optInt(6).map(Int.init),
                maximumAge: row.optInt(7).map(Int.init), areas: ListField.decode(row.text(8)),
                taxonomies: ListField.decode(row.text(9)),
                schedules: schedules[id.lowercased()] ?? [])
        }
    }

    func replaceServices(_ services: [Service]) throws {
        let before = try run.int("SELECT count(*) FROM service") ?? 0
        try run.execute("DELETE FROM service_schedule")
        try run.execute("DELETE FROM service")
        var rows: [[PGValue]] = []
        var scheduleRows: [[PGValue]] = []
        for (i, s) in services.enumerated() {
            rows.append([
                s.id.pg, i.pg, s.name.pg, s.description.pg, s.status.pg, s.email.pg, s.url.pg,
                s.minimumAge.pg, s.maximumAge.pg, ListField.encode(s.areas).pg,
                ListField.encode(s.taxonomies).pg,
            ])
            for r in s.schedules {
                scheduleRows.append([
                    (scheduleRows.count + 1).pg, s.id.pg, r.id.pg, r.freq.rawValue.pg,
                    r.bydayText.pg, r.opensAt.pg, r.closesAt.pg,
                    r.validFrom?.description.pg ?? .null, r.validTo?.description.pg ?? .null,
                ])
            }
        }
        try run.insertMany(
            "service",
            columns: [
                "id", "position", "name", "description", "status", "email", "url",
                "minimum_age", "maximum_age", "areas", "taxonomies",
            ], rows: rows)
        try run.insertMany(
            "service_schedule",
            columns: [
                "row_order", "service_id", "id", "freq", "byday", "opens_at", "closes_at",
                "valid_from", "valid_to",
            ], rows: scheduleRows)
        let digest = SHA256.hash(data: Data(JSONValue.array(services.map(\.canonical)).text.utf8))
        try audit(
            "import", entity: "services", before: .object([("services", .int(Int(before)))]),
            after: .object([
                ("services", .int(services.count)),
                ("schedules", .int(services.reduce(0) { $0 + $1.schedules.count })),
                ("sha256", .string(PinHash.hex(Array(digest)))),
            ]))
    }

    func referrals(presentation: Int) throws -> [Referral] {
        try run.query(
            "SELECT \(Referral.columns) FROM referral WHERE presentation_id = $1 ORDER BY id",
            [presentation.pg]
        ).map { Referral(pg: $0) }
    }

    func referrals(requestedIn span: TimeSpan) throws -> [Referral] {
        try run.query(
            """
            SELECT \(Referral.columns) FROM referral
            WHERE requested_at >= $1 AND requested_at < $2 ORDER BY id
            """, [span.start.pg, span.end.pg]
        ).map { Referral(pg: $0) }
    }

    func presentationIdentities(arrivedIn span: TimeSpan) throws -> [Presentation] {
        try run.query(
            """
            SELECT id, nhs, ref, arrived_at FROM presentation
            WHERE arrived_at >= $1 AND arrived_at < $2 AND (nhs IS NOT NULL OR ref IS NOT NULL)
            ORDER BY arrived_at, id
            """, [span.start.pg, span.end.pg]
        ).map { row in
            Presentation(
                number: row.integer(0), ref: row.text(2), nhs: row.text(1), locality: "",
                needs: [], arrivedAt: row.date(3))
        }
    }

    func presentations(nhs: String?, ref: String?) throws -> [Presentation] {
        guard nhs != nil || ref != nil else { return [] }
        var rows: [Int: Presentation] = [:]
        if let nhs {
            for p in try run.query(
                "SELECT \(Columns.presentation) FROM presentation WHERE nhs = $1", [nhs.pg]
            ).map({ Presentation(pg: $0) }) { rows[p.number] = p }
        }
        if let ref {
            for p in try run.query(
                "SELECT \(Columns.presentation) FROM presentation WHERE ref = $1",
                [ref.uppercased().pg]
            ).map({ Presentation(pg: $0) }) { rows[p.number] = p }
        }
        return rows.values.sorted { ($0.arrivedAt, $0.number) < ($1.arrivedAt, $1.number) }
    }

    func insertReferral(_ r: Referral) throws -> Int {
        let id = try run.insertNext(
            "referral",
            columns: [
                "presentation_id", "service_id", "service_name", "status", "consent",
                "requested_at",
            ],
            [
                r.presentation.pg, r.serviceID.pg, r.serviceName.pg, r.status.rawValue.pg,
                "given".pg, r.requestedAt.pg,
            ])
        var stored = r
        stored.number = Int(id)
        try audit(
            "refer", entity: PresentationID.format(r.presentation), before: nil,
            after: stored.auditJSON)
        return stored.number
    }

    func updateReferral(_ r: Referral) throws {
        guard
            let before = try run.one(
                "SELECT \(Referral.columns) FROM referral WHERE id = $1", [r.number.pg]
            ).map({ Referral(pg: $0) })
        else { throw StoreError.notFound(kind: "referral", id: r.id) }
        try run.execute(
            """
            UPDATE referral SET status = $1, accepted_at = $2, attended_at = $3,
                completed_at = $4, ended_at = $5 WHERE id = $6
            """,
            [
                r.status.rawValue.pg, r.acceptedAt.pg, r.attendedAt.pg, r.completedAt.pg,
                r.endedAt.pg, r.number.pg,
            ])
        try audit(
            "referral", entity: PresentationID.format(r.presentation), before: before.auditJSON,
            after: r.auditJSON)
    }
}
