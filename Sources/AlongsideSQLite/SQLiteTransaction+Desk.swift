import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// The live desk (spec §11): corrections, leave removal, sign-ins, open presentations.
extension SQLiteTransaction {
    /// Sign-ins that may cover `time` (signed in at most a shift and an hour before it, not
    /// signed out by then), per lower-cased mentor id; `mentor` limits them to one mentor.
    func signInsCovering(_ time: Date, mentor: String? = nil) throws -> [String: [SignIn]] {
        let t = time.storedSeconds
        var sql = """
            SELECT id, mentor_id, in_at, out_at FROM sign_in
            WHERE in_at <= ? AND in_at >= ? AND (out_at IS NULL OR out_at > ?)
            """
        var args: [(any DatabaseValueConvertible)?] = [
            t, t - Self.longestShift - Int64(SignIn.earlyAllowance), t,
        ]
        if let mentor {
            sql += " AND mentor_id = ?"
            args.append(mentor)
        }
        var result: [String: [SignIn]] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: sql), arguments: StatementArguments(args))
        while let row = try rows.next() {
            let s = Self.signIn(row)
            result[Identifiers.caseKey(s.mentorID), default: []].append(s)
        }
        return result
    }

    static func signIn(_ row: Row) -> SignIn {
        SignIn(
            id: row[0], mentorID: row[1], inAt: Date(storedSeconds: row[2]),
            outAt: (row[3] as Int64?).map(Date.init(storedSeconds:)))
    }

    func openPresentations() throws -> [Presentation] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT \(Columns.presentation) FROM presentation
                WHERE closed_at IS NULL ORDER BY arrived_at, id
                """
        ).map(Presentation.init(row:))
    }

    func corrections(of number: Int) throws -> [CorrectionRecord] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT at, actor, kind, reason FROM correction WHERE presentation_id = ?
                ORDER BY at, id
                """, arguments: [number]
        ).map {
            CorrectionRecord(
                at: Date(storedSeconds: $0[0]), actor: $0[1], kind: $0[2], reason: $0[3])
        }
    }

    func signIns(mentor: String?, overlapping span: TimeSpan?) throws -> [SignIn] {
        var sql = "SELECT id, mentor_id, in_at, out_at FROM sign_in WHERE 1"
        var args: [(any DatabaseValueConvertible)?] = []
        if let mentor {
            sql += " AND mentor_id = ?"
            args.append(mentor)
        }
        if let span {
            sql += " AND in_at < ? AND (out_at IS NULL OR out_at > ?)"
            args += [span.end.storedSeconds, span.start.storedSeconds]
        }
        sql += " ORDER BY in_at, id"
        return try Row.cachedAll(db, sql: sql, arguments: StatementArguments(args))
            .map(Self.signIn)
    }

    func insertCorrection(presentation: Int, kind: String, reason: String) throws {
        guard let context else {
            preconditionFailure("a change was attempted in a read transaction")
        }
        try db.cachedExecute(
            sql:
                "INSERT INTO correction(presentation_id, at, actor, kind, reason) "
                + "VALUES (?, ?, ?, ?, ?)",
            arguments: [presentation, context.at.storedSeconds, context.actor, kind, reason])
        try audit(
            "correction", entity: PresentationID.format(presentation), before: nil,
            after: .object([("kind", .string(kind)), ("reason", .string(reason))]))
    }

    func deleteLeave(_ leave: [Leave]) throws {
        for l in leave {
            try db.cachedExecute(sql: "DELETE FROM leave WHERE id = ?", arguments: [l.id])
            try audit(
                "delete", entity: l.mentorID,
                before: .object([
                    ("leave", .int(Int(l.id))), ("start", .int(Int(l.span.start.storedSeconds))),
                    ("end", .int(Int(l.span.end.storedSeconds))),
                ]), after: nil, record: .leave(l.id))
        }
    }

    func insertSignIn(_ signIn: SignIn) throws -> Int64 {
        try db.cachedExecute(
            sql: "INSERT INTO sign_in(mentor_id, in_at, out_at) VALUES (?, ?, ?)",
            arguments: [signIn.mentorID, signIn.inAt.storedSeconds, signIn.outAt?.storedSeconds])
        let id = db.lastInsertedRowID
        try audit(
            "sign-in", entity: signIn.mentorID, before: nil,
            after: .object([
                ("sign_in", .int(Int(id))), ("in", .int(Int(signIn.inAt.storedSeconds))),
            ]))
        return id
    }

    func updateSignIn(_ signIn: SignIn) throws {
        try db.cachedExecute(
            sql: "UPDATE sign_in SET out_at = ? WHERE id = ?",
            arguments: [signIn.outAt?.storedSeconds, signIn.id])
        try audit(
            "sign-out", entity: signIn.mentorID, before: nil,
            after: .object([
                ("sign_in", .int(Int(signIn.id))),
                ("out", signIn.outAt.map { .int(Int($0.storedSeconds)) } ?? .null),
            ]))
    }
}
