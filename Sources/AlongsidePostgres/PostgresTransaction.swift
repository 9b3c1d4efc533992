import AlongsideCore
import AlongsideStore
import Foundation

/// One transaction on the trust database, seen through the domain protocols. Every method
/// gives what the SQLite store's transaction gives for the same calls: the same rows in the
/// same order (ties broken as SQLite's indexes break them), ids compared without case where
/// SQLite compares them without case, the same numbers for new rows.
struct PostgresTransaction: StoreWriting {
    let run: PGRunner
    /// Who is acting; nil in read transactions.
    let context: ActingContext?
    /// The keyed chain's key, if any (write transactions).
    var key: AuditKeyState = .none
    /// The store's decoded roster kept across commands (nil: read the table each time).
    var roster: RosterCache? = nil

    /// Appends the audit entry of a change (see ``PGAuditChain/append``).
    @discardableResult
    func audit(
        _ action: String, entity: String?, before: JSONValue?, after: JSONValue?,
        record: PGRecordRef? = nil, bulk: [PGRecordSelection] = [], redacting: Bool = true
    ) throws -> Int64 {
        guard let context else {
            preconditionFailure("a change was attempted in a read transaction")
        }
        return try PGAuditChain.append(
            run, context: context, key: key, action: action, entity: entity, before: before,
            after: after, record: record, bulk: bulk, redacting: redacting)
    }

    /// The longest a shift may last in real time (see the SQLite store).
    static let longestShift = Int64(Shift.longestRealSeconds)

    // MARK: Reading

    func mentor(_ id: String) throws -> Mentor? {
        try run.one(
            "SELECT \(Columns.mentor) FROM mentor WHERE lower(id) = $1", [NoCase.fold(id).pg]
        ).map { Mentor(pg: $0) }
    }

    func mentors() throws -> [Mentor] {
        guard let roster else { return try allMentors().sortedNaturallyByID() }
        return try roster.roster(version: try rosterVersion(), load: allMentors).sorted
    }

    /// Every mentor row, in no particular order.
    private func allMentors() throws -> [Mentor] {
        try run.query("SELECT \(Columns.mentor) FROM mentor").map { Mentor(pg: $0) }
    }

    /// The roster version (pg3-roster-version), nil before that migration.
    private func rosterVersion() throws -> String? {
        try run.text("SELECT value FROM meta WHERE key = 'roster_version'")
    }

    func mentorStates(at time: Date, onShiftOnly: Bool) throws -> [MentorState] {
        let t = time.storedSeconds
        let state = try PGStateAtTime.read(run, at: t)
        let mentors: [Mentor]
        if let roster, !onShiftOnly || roster.wantsWholeRoster() {
            let kept = try roster.roster(version: state.rosterVersion, load: allMentors)
            mentors = onShiftOnly ? kept.mentors(withKeys: state.shifts.keys) : kept.sorted
        } else if onShiftOnly {
            mentors = try run.query(
                """
                SELECT \(Columns.mentor) FROM mentor WHERE lower(id) IN (
                    SELECT lower(mentor_id) FROM shift
                    WHERE start <= $1 AND start >= $2 AND "end" > $1)
                """, [t.pg, (t - Self.longestShift).pg]
            ).map { Mentor(pg: $0) }
                .sortedNaturallyByID()
        } else {
            mentors = try allMentors().sortedNaturallyByID()
        }
        return mentors.map { m in
            let key = m.id.lowercased()
            return MentorState(
                mentor: m, shifts: state.shifts[key] ?? [], leave: state.leave[key] ?? [],
                caseload: state.caseloads[key] ?? 0, signIns: state.signIns[key] ?? [])
        }
    }

    func mentorState(_ id: String, at time: Date) throws -> MentorState? {
        guard let m = try mentor(id) else { return nil }
        let t = time.storedSeconds
        let key = NoCase.fold(m.id)
        let shifts = try run.query(
            """
            SELECT start, "end" FROM shift
            WHERE lower(mentor_id) = $1 AND start <= $2 AND start >= $3 AND "end" > $2
            ORDER BY start, id
            """, [key.pg, t.pg, (t - Self.longestShift).pg]
        ).map { TimeSpan(start: $0.date(0), end: $0.date(1)) }
        let leave = try run.query(
            """
            SELECT start, "end" FROM leave
            WHERE lower(mentor_id) = $1 AND "end" > $2 AND start <= $2
            ORDER BY start, id
            """, [key.pg, t.pg]
        ).map { TimeSpan(start: $0.date(0), end: $0.date(1)) }
        let load =
            try run.int(
                "SELECT count(*) FROM presentation WHERE lower(mentor_id) = $1 "
                    + "AND closed_at IS NULL",
                [key.pg]) ?? 0
        return MentorState(
            mentor: m, shifts: shifts, leave: leave, caseload: Int(load),
            signIns: try signInsCovering(time, mentor: m.id)[m.id.lowercased()] ?? [])
    }

    func shiftSeconds(startingIn span: TimeSpan) throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try run.query(
            """
            SELECT min(mentor_id), sum("end" - start)::bigint FROM shift
            WHERE start >= $1 AND start < $2 GROUP BY lower(mentor_id)
            """, [span.start.pg, span.end.pg])
        {
            result[row.string(0), default: 0] += row.integer(1)
        }
        return result
    }

    func presentationTimes(arrivedIn span: TimeSpan) throws -> [Presentation] {
        try run.query(
            """
            SELECT id, ref, arrived_at, seen_at, closed_at, outcome, site FROM presentation
            WHERE arrived_at >= $1 AND arrived_at < $2 AND voided_at IS NULL
            ORDER BY arrived_at, id
            """, [span.start.pg, span.end.pg]
        ).map { row in
            Presentation(
                number: row.integer(0), ref: row.text(1), locality: "", needs: [],
                arrivedAt: row.date(2), seenAt: row.optDate(3), closedAt: row.optDate(4),
                outcome: row.text(5).flatMap(Outcome.init(rawValue:)), site: row.string(6))
        }
    }

    func caseloads() throws -> [String: Int] {
        var result: [String: Int] = [:]
        for row in try run.query(
            """
            SELECT min(mentor_id), count(*) FROM presentation
            WHERE closed_at IS NULL AND mentor_id IS NOT NULL GROUP BY lower(mentor_id)
            """)
        {
            result[row.string(0).lowercased()] = row.integer(1)
        }
        return result
    }

    /// Rows of `shift` or `leave` overlapping `span`, by start then mentor (without case),
    /// as SQLite orders them.
    private func spans<T>(
        table: String, mentor: String?, overlapping span: TimeSpan?, longest: Int64?,
        make: (Int64, String, TimeSpan) -> T
    ) throws -> [T] {
        var sql = #"SELECT id, mentor_id, start, "end" FROM \#(table) WHERE true"#
        var binds: [PGValue] = []
        if let mentor {
            binds.append(NoCase.fold(mentor).pg)
            sql += " AND lower(mentor_id) = $\(binds.count)"
        }
        if let span {
            binds += [span.end.pg, span.start.pg]
            sql += #" AND start < $\#(binds.count - 1) AND "end" > $\#(binds.count)"#
            if let longest {
                binds.append(.int(span.start.storedSeconds - longest))
                sql += " AND start >= $\(binds.count)"
            }
        }
        sql += " ORDER BY start, lower(mentor_id), id"
        return try run.query(sql, binds).map {
            make($0.int64(0), $0.string(1), TimeSpan(start: $0.date(2), end: $0.date(3)))
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
        try run.one(
            "SELECT \(Columns.presentation) FROM presentation WHERE id = $1", [number.pg]
        ).map { Presentation(pg: $0) }
    }

    func waitingPresentations() throws -> [Presentation] {
        try run.query(
            """
            SELECT \(Columns.presentation) FROM presentation
            WHERE seen_at IS NULL AND closed_at IS NULL ORDER BY arrived_at, id
            """
        ).map { Presentation(pg: $0) }
    }

    func presentations(arrivedIn span: TimeSpan, includingVoided: Bool) throws -> [Presentation] {
        let voided = includingVoided ? "" : " AND voided_at IS NULL"
        return try run.query(
            """
            SELECT \(Columns.presentation) FROM presentation
            WHERE arrived_at >= $1 AND arrived_at < $2\(voided)
            ORDER BY arrived_at, id
            """, [span.start.pg, span.end.pg]
        ).map { Presentation(pg: $0) }
    }

    func presentations(mentor: String, limit: Int) throws -> [Presentation] {
        try run.query(
            """
            SELECT \(Columns.presentation) FROM presentation
            WHERE lower(mentor_id) = $1 ORDER BY arrived_at DESC, id DESC LIMIT $2
            """, [NoCase.fold(mentor).pg, limit.pg]
        ).map { Presentation(pg: $0) }
    }

    func declines(of number: Int) throws -> [DeclineRecord] {
        // SQLite reads the declines through their primary key (mentor without case) and sorts
        // by time keeping that order for ties.
        try run.query(
            """
            SELECT mentor_id, at, reason FROM decline WHERE presentation_id = $1
            ORDER BY at, lower(mentor_id)
            """, [number.pg]
        ).map { DeclineRecord(mentorID: $0.string(0), at: $0.date(1), reason: $0.text(2)) }
    }

    func previousMentors(nhs: String?, ref: String?, excluding number: Int) throws -> Set<String> {
        guard nhs != nil || ref != nil else { return [] }
        let rows = try run.query(
            """
            SELECT DISTINCT ON (lower(mentor_id)) mentor_id FROM presentation
            WHERE id <> $1 AND mentor_id IS NOT NULL AND seen_at IS NOT NULL
              AND voided_at IS NULL
              AND (($2::text IS NOT NULL AND nhs = $2) OR ($3::text IS NOT NULL AND ref = $3))
            ORDER BY lower(mentor_id), id
            """, [number.pg, nhs.pg, ref.pg])
        return Set(rows.map { $0.string(0) })
    }

    func staffMember(_ name: String) throws -> StaffMember? {
        try run.one(
            "SELECT name, role, pin_hash FROM staff WHERE lower(name) = $1 LIMIT 1",
            [NoCase.fold(name).pg]
        ).map {
            StaffMember(
                name: $0.string(0), role: Role(rawValue: $0.string(1)) ?? .liaison,
                pinHash: $0.text(2))
        }
    }

    func staff() throws -> [StaffMember] {
        try run.query("SELECT name, role, pin_hash FROM staff ORDER BY name").map {
            StaffMember(
                name: $0.string(0), role: Role(rawValue: $0.string(1)) ?? .liaison,
                pinHash: $0.text(2))
        }
    }

    func auditEntries(since: Date?, entity: String?) throws -> [AuditEntry] {
        var sql = """
            SELECT seq, at, actor, command, action, entity, before, after, prev_hash, hash
            FROM audit WHERE true
            """
        var binds: [PGValue] = []
        if let since {
            binds.append(since.pg)
            sql += " AND at >= $\(binds.count)"
        }
        if let entity {
            binds.append(NoCase.fold(entity).pg)
            sql += " AND lower(entity) = $\(binds.count)"
        }
        sql += " ORDER BY seq"
        return try run.query(sql, binds).map {
            AuditEntry(
                seq: $0.int64(0), at: $0.date(1), actor: $0.string(2), command: $0.string(3),
                action: $0.string(4), entity: $0.text(5), before: $0.text(6), after: $0.text(7),
                prevHash: $0.string(8), hash: $0.string(9))
        }
    }

    func nextMentorID() throws -> String {
        // SQLite's LIKE 'M%' is without case (ASCII), so 'm7' counts too.
        let ids = try run.query("SELECT id FROM mentor WHERE lower(id) LIKE 'm%'").map {
            $0.string(0)
        }
        let highest = ids.compactMap { Int($0.dropFirst()) }.max() ?? 0
        return "M\(highest + 1)"
    }

    func auditCount() throws -> Int {
        Int(try run.int("SELECT count(*) FROM audit") ?? 0)
    }

    func pinAttempts(_ name: String) throws -> PinAttempts {
        guard
            let row = try run.one(
                "SELECT failures, locked_until, first_pin FROM pin_state WHERE lower(name) = $1",
                [NoCase.fold(name).pg])
        else { return PinAttempts() }
        return PinAttempts(
            failures: row.integer(0), lockedUntil: row.optDate(1), firstPin: row.flag(2))
    }

    // MARK: Writing

    func insertMentor(_ mentor: Mentor) throws {
        if try self.mentor(mentor.id) != nil {
            throw StoreError.duplicate("mentor \(mentor.id) already exists")
        }
        try run.execute(
            "INSERT INTO mentor(\(Columns.mentor)) VALUES (\(placeholders(11)))", mentor.binds)
        try audit(
            "insert", entity: mentor.id, before: nil, after: mentor.auditJSON,
            record: .mentor(mentor.id))
    }

    func updateMentor(_ mentor: Mentor) throws {
        guard let before = try self.mentor(mentor.id) else {
            throw StoreError.notFound(kind: "mentor", id: mentor.id)
        }
        if before == mentor { return }
        try run.execute(
            """
            UPDATE mentor SET name = $1, gender = $2, languages = $3, localities = $4,
            experience = $5, capacity = $6, dbs_recheck_due = $7, lead = $8, status = $9,
            phone = $10 WHERE lower(id) = $11
            """, Array(mentor.binds.dropFirst()) + [NoCase.fold(before.id).pg])
        try audit(
            "update", entity: before.id, before: before.auditJSON, after: mentor.auditJSON,
            record: .mentor(before.id))
    }

    func insertShift(_ shift: Shift) throws -> Int64 {
        let (id, record) = try run.insertAudited(
            .shift, columns: ["mentor_id", "start", #""end""#],
            [shift.mentorID.pg, shift.span.start.pg, shift.span.end.pg], record: PGRecordRef.shift)
        try audit(
            "insert", entity: shift.mentorID, before: nil,
            after: .object([
                ("shift", .int(Int(id))), ("start", .int(Int(shift.span.start.storedSeconds))),
                ("end", .int(Int(shift.span.end.storedSeconds))),
            ]), record: record)
        return id
    }

    func deleteShifts(_ shifts: [Shift]) throws {
        for shift in shifts {
            try run.execute("DELETE FROM shift WHERE id = $1", [shift.id.pg])
            try audit(
                "delete", entity: shift.mentorID,
                before: .object([
                    ("shift", .int(Int(shift.id))),
                    ("start", .int(Int(shift.span.start.storedSeconds))),
                    ("end", .int(Int(shift.span.end.storedSeconds))),
                ]), after: nil, record: .shift(shift.id))
        }
    }

    func insertLeave(_ leave: Leave) throws -> Int64 {
        let (id, record) = try run.insertAudited(
            .leave, columns: ["mentor_id", "start", #""end""#],
            [leave.mentorID.pg, leave.span.start.pg, leave.span.end.pg], record: PGRecordRef.leave)
        try audit(
            "insert", entity: leave.mentorID, before: nil,
            after: .object([
                ("leave", .int(Int(id))), ("start", .int(Int(leave.span.start.storedSeconds))),
                ("end", .int(Int(leave.span.end.storedSeconds))),
            ]), record: record)
        return id
    }

    func insertPresentation(_ p: Presentation) throws -> Int {
        let (id, record) = try run.insertAudited(
            .presentation, columns: Presentation.columnsWithoutID, p.bindsWithoutID
        ) { PGRecordRef.presentation(Int($0)) }
        var stored = p
        stored.number = Int(id)
        try audit(
            "insert", entity: stored.id, before: nil, after: stored.auditJSON, record: record)
        return stored.number
    }

    func updatePresentation(_ p: Presentation) throws {
        guard let before = try presentation(p.number) else {
            throw StoreError.notFound(kind: "presentation", id: p.id)
        }
        let columns = Presentation.columnsWithoutID
        let assignments = columns.enumerated().map { "\($0.element) = $\($0.offset + 1)" }
            .joined(separator: ", ")
        try run.execute(
            """
            UPDATE presentation
            SET \(assignments)
            WHERE id = $\(columns.count + 1)
            """, p.bindsWithoutID + [p.number.pg])
        try audit(
            "update", entity: p.id, before: before.auditJSON, after: p.auditJSON,
            record: .presentation(p.number))
    }

    func insertDecline(presentation: Int, mentor: String, at: Date, reason: String?) throws {
        // SQLite's INSERT OR REPLACE on the (presentation, mentor without case) key.
        try run.execute(
            """
            INSERT INTO decline(presentation_id, mentor_id, at, reason) VALUES ($1, $2, $3, $4)
            ON CONFLICT (presentation_id, lower(mentor_id)) DO UPDATE
            SET mentor_id = excluded.mentor_id, at = excluded.at, reason = excluded.reason
            """, [presentation.pg, mentor.pg, at.pg, reason.pg])
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
        try run.execute(
            """
            INSERT INTO staff(name, role, pin_hash) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET role = excluded.role, pin_hash = excluded.pin_hash
            """, [member.name.pg, member.role.rawValue.pg, member.pinHash.pg])
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

    func setPinAttempts(_ name: String, _ state: PinAttempts) throws {
        // Not audited (the attempts are, as `denied` entries), so the change counter is
        // bumped here: the live board of another console sees a lock come and go.
        try run.execute(
            """
            WITH kept AS (
                INSERT INTO pin_state(name, failures, locked_until, first_pin)
                VALUES ($1, $2, $3, $4)
                ON CONFLICT (lower(name)) DO UPDATE SET failures = excluded.failures,
                    locked_until = excluded.locked_until, first_pin = excluded.first_pin
                RETURNING 1)
            UPDATE audit_head SET changes = changes + 1 WHERE one = 1
            """, [name.pg, state.failures.pg, state.lockedUntil.pg, state.firstPin.pg])
    }

    func removeStaff(_ name: String) throws {
        guard let before = try staffMember(name) else {
            throw StoreError.notFound(kind: "staff member", id: "'\(name)'")
        }
        try run.execute("DELETE FROM staff WHERE name = $1", [before.name.pg])
        try run.execute(
            "DELETE FROM pin_state WHERE lower(name) = $1", [NoCase.fold(before.name).pg])
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
