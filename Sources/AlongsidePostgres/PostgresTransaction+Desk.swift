import AlongsideCore
import AlongsideStore
import Foundation

// The live desk (spec §11): corrections, leave removal, sign-ins, open presentations; and
// the bulk insert of presentations.
extension PostgresTransaction {
    /// Sign-ins that may cover `time`, per lower-cased mentor id (see the SQLite store).
    func signInsCovering(_ time: Date, mentor: String? = nil) throws -> [String: [SignIn]] {
        let t = time.storedSeconds
        var sql = """
            SELECT id, mentor_id, in_at, out_at FROM sign_in
            WHERE in_at <= $1 AND in_at >= $2 AND (out_at IS NULL OR out_at > $1)
            """
        var binds: [PGValue] = [t.pg, (t - Self.longestShift - Int64(SignIn.earlyAllowance)).pg]
        if let mentor {
            binds.append(NoCase.fold(mentor).pg)
            sql += " AND lower(mentor_id) = $3 ORDER BY in_at, id"
        } else {
            sql += " ORDER BY in_at, id"
        }
        var result: [String: [SignIn]] = [:]
        for row in try run.query(sql, binds) {
            let s = Self.signIn(row)
            result[s.mentorID.lowercased(), default: []].append(s)
        }
        return result
    }

    static func signIn(_ row: PGRow) -> SignIn {
        SignIn(
            id: row.int64(0), mentorID: row.string(1), inAt: row.date(2), outAt: row.optDate(3))
    }

    func openPresentations() throws -> [Presentation] {
        try run.query(
            """
            SELECT \(Columns.presentation) FROM presentation
            WHERE closed_at IS NULL ORDER BY arrived_at, id
            """
        ).map { Presentation(pg: $0) }
    }

    func corrections(of number: Int) throws -> [CorrectionRecord] {
        try run.query(
            """
            SELECT at, actor, kind, reason FROM correction WHERE presentation_id = $1
            ORDER BY at, id
            """, [number.pg]
        ).map {
            CorrectionRecord(
                at: $0.date(0), actor: $0.string(1), kind: $0.string(2), reason: $0.text(3))
        }
    }

    func signIns(mentor: String?, overlapping span: TimeSpan?) throws -> [SignIn] {
        var sql = "SELECT id, mentor_id, in_at, out_at FROM sign_in WHERE true"
        var binds: [PGValue] = []
        if let mentor {
            binds.append(NoCase.fold(mentor).pg)
            sql += " AND lower(mentor_id) = $\(binds.count)"
        }
        if let span {
            binds += [span.end.pg, span.start.pg]
            sql +=
                " AND in_at < $\(binds.count - 1) AND (out_at IS NULL OR out_at > $\(binds.count))"
        }
        sql += " ORDER BY in_at, id"
        return try run.query(sql, binds).map(Self.signIn)
    }

    func insertCorrection(presentation: Int, kind: String, reason: String) throws {
        guard let context else {
            preconditionFailure("a change was attempted in a read transaction")
        }
        try run.insertNext(
            "correction", columns: ["presentation_id", "at", "actor", "kind", "reason"],
            [presentation.pg, context.at.pg, context.actor.pg, kind.pg, reason.pg])
        try audit(
            "correction", entity: PresentationID.format(presentation), before: nil,
            after: .object([("kind", .string(kind)), ("reason", .string(reason))]))
    }

    func deleteLeave(_ leave: [Leave]) throws {
        for l in leave {
            try run.execute("DELETE FROM leave WHERE id = $1", [l.id.pg])
            try audit(
                "delete", entity: l.mentorID,
                before: .object([
                    ("leave", .int(Int(l.id))), ("start", .int(Int(l.span.start.storedSeconds))),
                    ("end", .int(Int(l.span.end.storedSeconds))),
                ]), after: nil, record: .leave(l.id))
        }
    }

    func insertSignIn(_ signIn: SignIn) throws -> Int64 {
        let id = try run.insertNext(
            "sign_in", columns: ["mentor_id", "in_at", "out_at"],
            [signIn.mentorID.pg, signIn.inAt.pg, signIn.outAt.pg])
        try audit(
            "sign-in", entity: signIn.mentorID, before: nil,
            after: .object([
                ("sign_in", .int(Int(id))), ("in", .int(Int(signIn.inAt.storedSeconds))),
            ]))
        return id
    }

    func updateSignIn(_ signIn: SignIn) throws {
        try run.execute(
            "UPDATE sign_in SET out_at = $1 WHERE id = $2", [signIn.outAt.pg, signIn.id.pg])
        try audit(
            "sign-out", entity: signIn.mentorID, before: nil,
            after: .object([
                ("sign_in", .int(Int(signIn.id))),
                ("out", signIn.outAt.map { .int(Int($0.storedSeconds)) } ?? .null),
            ]))
    }

    func sites() throws -> [String] {
        // A loose index scan over presentation_site_arrived: one index probe per site, where
        // SELECT DISTINCT reads every row (PostgreSQL 15 has no skip scan; 57 ms at 1M rows,
        // paid by every register that checks its site).
        try run.query(
            """
            WITH RECURSIVE s(site) AS (
                (SELECT site FROM presentation ORDER BY site LIMIT 1)
                UNION ALL
                SELECT (SELECT p.site FROM presentation p WHERE p.site > s.site
                        ORDER BY p.site LIMIT 1)
                FROM s WHERE s.site IS NOT NULL
            )
            SELECT site FROM s WHERE site IS NOT NULL
            """
        ).map { $0.string(0) }
    }

    /// Adds presentations (in the order given) with multi-row INSERTs and ONE audit entry
    /// for the batch, as the SQLite store; the numbers are consecutive from `max(id) + 1`
    /// (the write lock keeps every other writer out).
    func insertPresentations(_ ps: [Presentation]) throws -> ClosedRange<Int>? {
        guard !ps.isEmpty else { return nil }
        let first = Int(try run.nextID("presentation"))
        let last = first + ps.count - 1
        try run.insertMany(
            "presentation", columns: ["id"] + Presentation.columnsWithoutID,
            rows: ps.enumerated().map { [(first + $0.offset).pg] + $0.element.bindsWithoutID })
        try audit(
            "insert", entity: nil, before: nil,
            after: .object([
                ("presentations", .int(ps.count)), ("first", .string(PresentationID.format(first))),
                ("last", .string(PresentationID.format(last))),
            ]),
            bulk: [PGRecordSelection(.presentation, "id BETWEEN $1 AND $2", [first.pg, last.pg])])
        return first...last
    }
}
