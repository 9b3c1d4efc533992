import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

/// One transaction on the SQLite file, seen through the domain protocols.
struct SQLiteTransaction: StoreWriting {
    let db: Database
    /// Who is acting; nil in read transactions.
    let context: ActingContext?
    /// The keyed chain's key, if any (write transactions).
    var key: AuditKeyState = .none
    /// The store's decoded roster kept across commands (nil: read the table each time).
    var roster: RosterCache? = nil

    /// Appends the audit entry of a change; `record` is the record changed (its stored
    /// state is digested, so `check` can compare it), `bulk` the rows of a bulk change.
    @discardableResult
    func audit(
        _ action: String, entity: String?, before: JSONValue?, after: JSONValue?,
        record: RecordRef? = nil, bulk: [RecordSelection] = [], redacting: Bool = true
    ) throws -> Int64 {
        guard let context else {
            preconditionFailure("a change was attempted in a read transaction")
        }
        return try AuditChain.append(
            db, context: context, key: key, action: action, entity: entity, before: before,
            after: after, record: record, bulk: bulk, redacting: redacting)
    }

    // MARK: Reading

    func mentor(_ id: String) throws -> Mentor? {
        try Row.cachedOne(db, sql: "SELECT \(Columns.mentor) FROM mentor WHERE id = ?", arguments: [id])
            .map(Mentor.init(row:))
    }

    func mentors() throws -> [Mentor] {
        if let roster { return try roster.roster(db).sorted }
        return try Row.cachedAll(db, sql: "SELECT \(Columns.mentor) FROM mentor")
            .map(Mentor.init(row:))
            .sortedNaturallyByID()
    }

    /// The longest a shift may last in real time (the core's one limit, which shift add,
    /// shift weekly and roster import all enforce), so "covering t" only needs shifts that
    /// started that long before t.
    static let longestShift = Int64(Shift.longestRealSeconds)

    func mentorStates(at time: Date, onShiftOnly: Bool) throws -> [MentorState] {
        let t = time.storedSeconds
        // Rows streamed from cursors and decoded by position (no array of rows, no copies).
        func spansByMentor(_ sql: String, _ arguments: StatementArguments) throws
            -> [String: [TimeSpan]]
        {
            var result: [String: [TimeSpan]] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
            while let row = try rows.next() {
                result[Identifiers.caseKey(row[0]), default: []].append(
                    TimeSpan(start: Date(storedSeconds: row[1]), end: Date(storedSeconds: row[2])))
            }
            return result
        }
        let shifts = try spansByMentor(
            """
            SELECT mentor_id, start, "end" FROM shift
            WHERE start <= ? AND start >= ? AND "end" > ?
            """, [t, t - Self.longestShift, t])
        let leave = try spansByMentor(
            #"SELECT mentor_id, start, "end" FROM leave WHERE "end" > ? AND start <= ?"#, [t, t])
        let loads = try caseloads()
        let signIns = try signInsCovering(time)
        let mentors: [Mentor]
        if onShiftOnly, let kept = try roster?.keptRoster(db) {
            // The kept roster, in its natural order, for the ids with a shift covering t.
            mentors = kept.mentors(withKeys: shifts.keys)
        } else if onShiftOnly {
            mentors = try Row.cachedAll(
                db,
                sql: """
                    SELECT \(Columns.mentor) FROM mentor WHERE id IN (
                        SELECT mentor_id FROM shift WHERE start <= ? AND start >= ? AND "end" > ?)
                    """, arguments: [t, t - Self.longestShift, t]
            ).map(Mentor.init(row:))
            .sortedNaturallyByID()
        } else {
            mentors = try self.mentors()
        }
        return mentors.map { m in
            let key = Identifiers.caseKey(m.id)
            return MentorState(
                mentor: m, shifts: shifts[key] ?? [], leave: leave[key] ?? [],
                caseload: loads[key] ?? 0, signIns: signIns[key] ?? [])
        }
    }

    func mentorState(_ id: String, at time: Date) throws -> MentorState? {
        guard let m = try mentor(id) else { return nil }
        let t = time.storedSeconds
        let shifts = try Row.cachedAll(
            db,
            sql: """
                SELECT start, "end" FROM shift
                WHERE mentor_id = ? AND start <= ? AND start >= ? AND "end" > ?
                """, arguments: [m.id, t, t - Self.longestShift, t]
        ).map { TimeSpan(start: Date(storedSeconds: $0[0]), end: Date(storedSeconds: $0[1])) }
        let leave = try Row.cachedAll(
            db, sql: #"SELECT start, "end" FROM leave WHERE mentor_id = ? AND "end" > ? AND start <= ?"#,
            arguments: [m.id, t, t]
        ).map { TimeSpan(start: Date(storedSeconds: $0[0]), end: Date(storedSeconds: $0[1])) }
        let load = try Int.fetchOne(
            db.cachedStatement(
                sql: "SELECT count(*) FROM presentation WHERE mentor_id = ? AND closed_at IS NULL"),
            arguments: [m.id]) ?? 0
        return MentorState(
            mentor: m, shifts: shifts, leave: leave, caseload: load,
            signIns: try signInsCovering(time, mentor: m.id)[m.id.lowercased()] ?? [])
    }

    func shiftSeconds(startingIn span: TimeSpan) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try Row.cachedAll(
            db,
            sql: """
                SELECT mentor_id, sum("end" - start) FROM shift
                WHERE start >= ? AND start < ? GROUP BY mentor_id
                """, arguments: [span.start.storedSeconds, span.end.storedSeconds])
        {
            result[row[0] as String, default: 0] += row[1] as Int
        }
        return result
    }

    func presentationTimes(arrivedIn span: TimeSpan) throws -> [Presentation] {
        // Streamed from a cursor over the covering index: no array of rows beside the
        // result (a year of a trend is ~185k rows).
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT id, ref, arrived_at, seen_at, closed_at, outcome, site FROM presentation
                    WHERE arrived_at >= ? AND arrived_at < ? AND voided_at IS NULL
                    ORDER BY arrived_at, id
                    """), arguments: [span.start.storedSeconds, span.end.storedSeconds])
        var result: [Presentation] = []
        while let row = try rows.next() {
            result.append(
                Presentation(
                    number: row[0], ref: row[1], locality: "", needs: [],
                    arrivedAt: Date(storedSeconds: row[2]),
                    seenAt: (row[3] as Int64?).map(Date.init(storedSeconds:)),
                    closedAt: (row[4] as Int64?).map(Date.init(storedSeconds:)),
                    outcome: (row[5] as String?).flatMap(Outcome.init(rawValue:)), site: row[6]))
        }
        return result
    }

    func caseloads() throws -> [String: Int] {
        var result: [String: Int] = [:]
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT mentor_id, count(*) AS n FROM presentation
                    WHERE closed_at IS NULL AND mentor_id IS NOT NULL GROUP BY mentor_id
                    """))
        while let row = try rows.next() {
            result[Identifiers.caseKey(row[0]), default: 0] += row[1] as Int
        }
        return result
    }

    /// Rows of `shift` or `leave` overlapping `span`. `longest` bounds how long a row can be
    /// (shifts: a day), so the query is a range on the start index.
    private func spans<T>(
        table: String, mentor: String?, overlapping span: TimeSpan?, longest: Int64?,
        make: (Int64, String, TimeSpan) -> T
    ) throws -> [T] {
        var sql = #"SELECT id, mentor_id, start, "end" FROM \#(table) WHERE 1"#
        var args: [(any DatabaseValueConvertible)?] = []
        if let mentor {
            sql += " AND mentor_id = ?"
            args.append(mentor)
        }
        if let span {
            sql += #" AND start < ? AND "end" > ?"#
            args += [span.end.storedSeconds, span.start.storedSeconds]
            if let longest {
                sql += " AND start >= ?"
                args.append(span.start.storedSeconds - longest)
            }
        }
        sql += " ORDER BY start, mentor_id"
        // By position, not by name: a week of shifts is ~20k rows.
        return try Row.cachedAll(db, sql: sql, arguments: StatementArguments(args)).map {
            make(
                $0[0], $0[1],
                TimeSpan(start: Date(storedSeconds: $0[2]), end: Date(storedSeconds: $0[3])))
        }
    }

    func shifts(mentor: String?, overlapping span: TimeSpan?) throws -> [Shift] {
        try spans(table: "shift", mentor: mentor, overlapping: span, longest: Self.longestShift) {
            Shift(id: $0, mentorID: $1, span: $2)
        }
    }

    func leave(mentor: String?, overlapping span: TimeSpan?) throws -> [Leave] {
        try spans(table: "leave", mentor: mentor, overlapping: span, longest: nil) {
            Leave(id: $0, mentorID: $1, span: $2)
        }
    }

    func presentation(_ number: Int) throws -> Presentation? {
        try Row.cachedOne(
            db, sql: "SELECT \(Columns.presentation) FROM presentation WHERE id = ?",
            arguments: [number]
        ).map(Presentation.init(row:))
    }

    func waitingPresentations() throws -> [Presentation] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT \(Columns.presentation) FROM presentation
                WHERE seen_at IS NULL AND closed_at IS NULL ORDER BY arrived_at, id
                """
        ).map(Presentation.init(row:))
    }

    func presentations(arrivedIn span: TimeSpan, includingVoided: Bool) throws -> [Presentation] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT \(Columns.presentation) FROM presentation
                WHERE arrived_at >= ? AND arrived_at < ?\(includingVoided ? "" : " AND voided_at IS NULL")
                ORDER BY arrived_at, id
                """, arguments: [span.start.storedSeconds, span.end.storedSeconds]
        ).map(Presentation.init(row:))
    }

    func presentations(mentor: String, limit: Int) throws -> [Presentation] {
        try Row.cachedAll(
            db,
            sql: """
                SELECT \(Columns.presentation) FROM presentation
                WHERE mentor_id = ? ORDER BY arrived_at DESC, id DESC LIMIT ?
                """, arguments: [mentor, limit]
        ).map(Presentation.init(row:))
    }

    func declines(of number: Int) throws -> [DeclineRecord] {
        try Row.cachedAll(
            db, sql: "SELECT mentor_id, at, reason FROM decline WHERE presentation_id = ? ORDER BY at",
            arguments: [number]
        ).map {
            DeclineRecord(
                mentorID: $0["mentor_id"], at: Date(storedSeconds: $0["at"]), reason: $0["reason"])
        }
    }

    func previousMentors(nhs: String?, ref: String?, excluding number: Int) throws -> Set<String> {
        guard nhs != nil || ref != nil else { return [] }
        let rows = try String.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT DISTINCT mentor_id FROM presentation
                    WHERE id <> ? AND mentor_id IS NOT NULL AND seen_at IS NOT NULL
                      AND voided_at IS NULL
                      AND ((? IS NOT NULL AND nhs = ?) OR (? IS NOT NULL AND ref = ?))
                    """), arguments: [number, nhs, nhs, ref, ref])
        return Set(rows)
    }

    func staffMember(_ name: String) throws -> StaffMember? {
        try Row.cachedOne(db, sql: "SELECT name, role, pin_hash FROM staff WHERE name = ? COLLATE NOCASE",
            arguments: [name])
            .map {
                StaffMember(
                    name: $0["name"], role: Role(rawValue: $0["role"]) ?? .liaison,
                    pinHash: $0["pin_hash"])
            }
    }

    func staff() throws -> [StaffMember] {
        try Row.cachedAll(db, sql: "SELECT name, role, pin_hash FROM staff ORDER BY name").map {
            StaffMember(
                name: $0["name"], role: Role(rawValue: $0["role"]) ?? .liaison,
                pinHash: $0["pin_hash"])
        }
    }

    func auditEntries(since: Date?, entity: String?) throws -> [AuditEntry] {
        var sql = "SELECT * FROM audit WHERE 1"
        var args: [(any DatabaseValueConvertible)?] = []
        if let since {
            sql += " AND at >= ?"
            args.append(since.storedSeconds)
        }
        if let entity {
            sql += " AND entity = ? COLLATE NOCASE"
            args.append(entity)
        }
        sql += " ORDER BY seq"
        return try Row.cachedAll(db, sql: sql, arguments: StatementArguments(args)).map {
            AuditEntry(
                seq: $0["seq"], at: Date(storedSeconds: $0["at"]), actor: $0["actor"],
                command: $0["command"], action: $0["action"], entity: $0["entity"],
                before: $0["before"], after: $0["after"], prevHash: $0["prev_hash"],
                hash: $0["hash"])
        }
    }

    func nextMentorID() throws -> String {
        let ids = try String.fetchAll(db, sql: "SELECT id FROM mentor WHERE id LIKE 'M%'")
        let highest = ids.compactMap { Int($0.dropFirst()) }.max() ?? 0
        return "M\(highest + 1)"
    }

    // MARK: Writing

    func insertMentor(_ mentor: Mentor) throws {
        if try self.mentor(mentor.id) != nil {
            throw StoreError.duplicate("mentor \(mentor.id) already exists")
        }
        try db.cachedExecute(
            sql: "INSERT INTO mentor(\(Columns.mentor)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            arguments: StatementArguments(mentor.arguments))
        try audit(
            "insert", entity: mentor.id, before: nil, after: mentor.auditJSON,
            record: .mentor(mentor.id))
    }

    func updateMentor(_ mentor: Mentor) throws {
        guard let before = try self.mentor(mentor.id) else {
            throw StoreError.notFound(kind: "mentor", id: mentor.id)
        }
        if before == mentor { return }
        try db.cachedExecute(
            sql: """
                UPDATE mentor SET name = ?, gender = ?, languages = ?, localities = ?,
                experience = ?, capacity = ?, dbs_recheck_due = ?, lead = ?, status = ?, phone = ?
                WHERE id = ?
                """,
            arguments: StatementArguments(Array(mentor.arguments.dropFirst()) + [before.id]))
        try audit(
            "update", entity: before.id, before: before.auditJSON, after: mentor.auditJSON,
            record: .mentor(before.id))
    }

    func insertShift(_ shift: Shift) throws -> Int64 {
        try db.cachedExecute(
            sql: #"INSERT INTO shift(mentor_id, start, "end") VALUES (?, ?, ?)"#,
            arguments: [shift.mentorID, shift.span.start.storedSeconds, shift.span.end.storedSeconds])
        let id = db.lastInsertedRowID
        try audit(
            "insert", entity: shift.mentorID, before: nil,
            after: .object([
                ("shift", .int(Int(id))), ("start", .int(Int(shift.span.start.storedSeconds))),
                ("end", .int(Int(shift.span.end.storedSeconds))),
            ]), record: .shift(id))
        return id
    }

    func deleteShifts(_ shifts: [Shift]) throws {
        for shift in shifts {
            try db.cachedExecute(sql: "DELETE FROM shift WHERE id = ?", arguments: [shift.id])
            try audit(
                "delete", entity: shift.mentorID,
                before: .object([
                    ("shift", .int(Int(shift.id))), ("start", .int(Int(shift.span.start.storedSeconds))),
                    ("end", .int(Int(shift.span.end.storedSeconds))),
                ]), after: nil, record: .shift(shift.id))
        }
    }

    func insertLeave(_ leave: Leave) throws -> Int64 {
        try db.cachedExecute(
            sql: #"INSERT INTO leave(mentor_id, start, "end") VALUES (?, ?, ?)"#,
            arguments: [leave.mentorID, leave.span.start.storedSeconds, leave.span.end.storedSeconds])
        let id = db.lastInsertedRowID
        try audit(
            "insert", entity: leave.mentorID, before: nil,
            after: .object([
                ("leave", .int(Int(id))), ("start", .int(Int(leave.span.start.storedSeconds))),
                ("end", .int(Int(leave.span.end.storedSeconds))),
            ]), record: .leave(id))
        return id
    }

    func insertPresentation(_ p: Presentation) throws -> Int {
        let columns = Columns.presentation.split(separator: ",").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try db.cachedExecute(
            sql: """
                INSERT INTO presentation(\(columns.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """, arguments: StatementArguments(p.argumentsWithoutID))
        var stored = p
        stored.number = Int(db.lastInsertedRowID)
        try audit(
            "insert", entity: stored.id, before: nil, after: stored.auditJSON,
            record: .presentation(stored.number))
        return stored.number
    }

    func updatePresentation(_ p: Presentation) throws {
        guard let before = try presentation(p.number) else {
            throw StoreError.notFound(kind: "presentation", id: p.id)
        }
        let columns = Columns.presentation.split(separator: ",").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        try db.cachedExecute(
            sql: """
                UPDATE presentation SET \(columns.map { "\($0) = ?" }.joined(separator: ", "))
                WHERE id = ?
                """, arguments: StatementArguments(p.argumentsWithoutID + [p.number]))
        try audit(
            "update", entity: p.id, before: before.auditJSON, after: p.auditJSON,
            record: .presentation(p.number))
    }

    func insertDecline(presentation: Int, mentor: String, at: Date, reason: String?) throws {
        try db.cachedExecute(
            sql: """
                INSERT OR REPLACE INTO decline(presentation_id, mentor_id, at, reason)
                VALUES (?, ?, ?, ?)
                """, arguments: [presentation, mentor, at.storedSeconds, reason])
        try audit(
            "decline", entity: PresentationID.format(presentation), before: nil,
            after: .object([("mentor", .string(mentor)), ("reason", .string(reason))]),
            record: .decline(presentation, mentor))
    }

    func upsertStaff(_ member: StaffMember) throws {
        let before = try staffMember(member.name)
        // Names compare without case (the contract); the name keeps the case first stored.
        var member = member
        if let before { member.name = before.name }
        try db.cachedExecute(
            sql: "INSERT OR REPLACE INTO staff(name, role, pin_hash) VALUES (?, ?, ?)",
            arguments: [member.name, member.role.rawValue, member.pinHash])
        func view(_ m: StaffMember?) -> JSONValue? {
            m.map {
                .object([
                    ("name", .string($0.name)), ("role", .string($0.role.rawValue)),
                    ("has_pin", .bool($0.pinHash != nil)),
                ])
            }
        }
        try audit(
            before == nil ? "insert" : "update", entity: "staff:\(member.name)",
            before: view(before), after: view(member), record: .staff(member.name))
    }

    func auditCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM audit") ?? 0
    }

    func pinAttempts(_ name: String) throws -> PinAttempts {
        guard
            let row = try Row.cachedOne(
                db, sql: "SELECT failures, locked_until, first_pin FROM pin_state WHERE name = ?",
                arguments: [name])
        else { return PinAttempts() }
        return PinAttempts(
            failures: row[0], lockedUntil: (row[1] as Int64?).map { Date(storedSeconds: $0) },
            firstPin: row[2])
    }

    func setPinAttempts(_ name: String, _ state: PinAttempts) throws {
        try db.cachedExecute(
            sql: """
                INSERT INTO pin_state(name, failures, locked_until, first_pin) VALUES (?, ?, ?, ?)
                ON CONFLICT(name) DO UPDATE SET failures = excluded.failures,
                    locked_until = excluded.locked_until, first_pin = excluded.first_pin
                """,
            arguments: [name, state.failures, state.lockedUntil?.storedSeconds, state.firstPin])
    }

    func removeStaff(_ name: String) throws {
        guard let before = try staffMember(name) else {
            throw StoreError.notFound(kind: "staff member", id: "'\(name)'")
        }
        try db.cachedExecute(sql: "DELETE FROM staff WHERE name = ?", arguments: [before.name])
        try db.cachedExecute(sql: "DELETE FROM pin_state WHERE name = ?", arguments: [before.name])
        try audit(
            "delete", entity: "staff:\(before.name)",
            before: .object([
                ("name", .string(before.name)), ("role", .string(before.role.rawValue)),
            ]),
            after: nil, record: .staff(before.name))
    }

    func logEvent(action: String, entity: String?, detail: String?) throws {
        try audit(
            action, entity: entity, before: nil,
            after: detail.map { .object([("detail", .string($0))]) })
    }
}
