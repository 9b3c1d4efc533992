import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// Sites (spec §9) on SQLite: which sites have registered someone, and `site import`, which
// copies a site's file into this database as one of its sites.

extension SQLiteTransaction {
    func sites() throws -> [String] {
        // One seek of presentation_site_arrived per site, not a scan of every presentation:
        // each step finds the least site after the one before.
        try String.fetchAll(
            db.cachedStatement(
                sql: """
                    WITH RECURSIVE known(site) AS (
                        SELECT min(site) FROM presentation
                        UNION ALL
                        SELECT (SELECT min(site) FROM presentation WHERE site > known.site)
                        FROM known WHERE known.site IS NOT NULL)
                    SELECT site FROM known WHERE site IS NOT NULL
                    """))
    }

    func importSite(_ bundle: SiteBundle) throws -> [(old: Int, new: Int)] {
        let site = bundle.site.lowercased()
        let copiedBefore =
            try Bool.fetchOne(
                db, sql: "SELECT EXISTS (SELECT 1 FROM site_audit WHERE site = ?)",
                arguments: [site]) ?? false
        let registered = try sites().contains(site)
        if copiedBefore || registered {
            throw StoreError.duplicate(
                "site \(site) already has records in this database; import the file under "
                    + "another name with --site")
        }
        // A mentor or a member of staff in both is kept once when the records are the same,
        // and refused (every one named) when they differ.
        var differing: [String] = []
        var newMentors: [Mentor] = []
        for m in bundle.mentors {
            guard let have = try mentor(m.id) else {
                newMentors.append(m)
                continue
            }
            var same = m
            same.id = have.id
            if same != have { differing.append("mentor \(m.id)") }
        }
        var newStaff: [StaffMember] = []
        for s in bundle.staff {
            guard let have = try staffMember(s.name) else {
                newStaff.append(s)
                continue
            }
            if have != s { differing.append("staff \(s.name)") }
        }
        if !differing.isEmpty {
            throw StoreError.duplicate(
                "these ids are in both databases with different records: "
                    + differing.joined(separator: ", "))
        }

        var selections: [RecordSelection] = []
        func idList<T: Encodable>(_ ids: [T]) -> String {
            String(decoding: (try? JSONEncoder().encode(ids)) ?? Data("[]".utf8), as: UTF8.self)
        }
        let byJSONList = "IN (SELECT value FROM json_each(?))"

        for m in newMentors {
            try db.cachedExecute(
                sql: """
                    INSERT INTO mentor(\(Columns.mentor)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: StatementArguments(m.arguments))
        }
        if !newMentors.isEmpty {
            selections.append(
                RecordSelection(
                    table: .mentor, condition: "id \(byJSONList)",
                    arguments: [idList(newMentors.map(\.id))]))
        }
        for s in newStaff {
            try db.cachedExecute(
                sql: "INSERT INTO staff(name, role, pin_hash) VALUES (?, ?, ?)",
                arguments: [s.name, s.role.rawValue, s.pinHash])
        }
        if !newStaff.isEmpty {
            selections.append(
                RecordSelection(
                    table: .staff, condition: "name \(byJSONList)",
                    arguments: [idList(newStaff.map(\.name))]))
        }

        // Presentations, renumbered after this database's last, in their own order.
        let base = try Int.fetchOne(db, sql: "SELECT max(id) FROM presentation") ?? 0
        var mapping: [(old: Int, new: Int)] = []
        var newNumber: [Int: Int] = [:]
        let columns = Columns.presentation.split(separator: ",").count
        let insertPresentation = try db.cachedStatement(
            sql: """
                INSERT INTO presentation(\(Columns.presentation))
                VALUES (\(Array(repeating: "?", count: columns).joined(separator: ", ")))
                """)
        for p in bundle.presentations.sorted(by: { $0.number < $1.number }) {
            let number = base + mapping.count + 1
            var copy = p
            copy.site = site
            try insertPresentation.execute(
                arguments: StatementArguments([number] + copy.argumentsWithoutID))
            mapping.append((p.number, number))
            newNumber[p.number] = number
        }
        func renumbered(_ old: Int, _ what: String) throws -> Int {
            guard let n = newNumber[old] else {
                throw StoreError.incompatible(
                    "the site's file holds \(what) of P\(old), a presentation it does not hold")
            }
            return n
        }
        if let first = mapping.first, let last = mapping.last {
            let range: StatementArguments = [first.new, last.new]
            let ofRange = "presentation_id BETWEEN ? AND ?"
            selections += [
                RecordSelection(
                    table: .presentation, condition: "id BETWEEN ? AND ?", arguments: range),
                RecordSelection(table: .decline, condition: ofRange, arguments: range),
                RecordSelection(table: .hold, condition: ofRange, arguments: range),
            ]
        }
        for (old, d) in bundle.declines {
            try db.cachedExecute(
                sql: """
                    INSERT INTO decline(presentation_id, mentor_id, at, reason) VALUES (?, ?, ?, ?)
                    """,
                arguments: [
                    try renumbered(old, "a decline"), d.mentorID, d.at.storedSeconds, d.reason,
                ])
        }
        for (old, c) in bundle.corrections {
            try db.cachedExecute(
                sql: """
                    INSERT INTO correction(presentation_id, at, actor, kind, reason)
                    VALUES (?, ?, ?, ?, ?)
                    """,
                arguments: [
                    try renumbered(old, "a correction"), c.at.storedSeconds, c.actor, c.kind,
                    c.reason,
                ])
        }
        for (old, h) in bundle.holds {
            try db.cachedExecute(
                sql: "INSERT INTO hold(presentation_id, reason, at) VALUES (?, ?, ?)",
                arguments: [try renumbered(old, "a legal hold"), h.reason, h.at.storedSeconds])
        }
        for r in bundle.referrals {
            try db.cachedExecute(
                sql: """
                    INSERT INTO referral(presentation_id, service_id, service_name, status,
                        consent, requested_at, accepted_at, attended_at, completed_at, ended_at)
                    VALUES (?, ?, ?, ?, 'given', ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    try renumbered(r.presentation, "an onward referral"), r.serviceID,
                    r.serviceName, r.status.rawValue, r.requestedAt.storedSeconds,
                    r.acceptedAt?.storedSeconds, r.attendedAt?.storedSeconds,
                    r.completedAt?.storedSeconds, r.endedAt?.storedSeconds,
                ])
        }

        // Shifts, leave and sign-ins of the shared pool: one already held (the same mentor
        // and times) is not added twice.
        func copySpans(_ table: String, _ rows: [(mentor: String, start: Int64, end: Int64)])
            throws -> [Int64]
        {
            var ids: [Int64] = []
            for row in rows {
                let held =
                    try Bool.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT EXISTS (SELECT 1 FROM \(table)
                                WHERE mentor_id = ? AND start = ? AND "end" = ?)
                                """), arguments: [row.mentor, row.start, row.end]) ?? false
                if held { continue }
                try db.cachedExecute(
                    sql: #"INSERT INTO \#(table)(mentor_id, start, "end") VALUES (?, ?, ?)"#,
                    arguments: [row.mentor, row.start, row.end])
                ids.append(db.lastInsertedRowID)
            }
            return ids
        }
        let shiftIDs = try copySpans(
            "shift",
            bundle.shifts.map {
                ($0.mentorID, $0.span.start.storedSeconds, $0.span.end.storedSeconds)
            })
        let leaveIDs = try copySpans(
            "leave",
            bundle.leave.map {
                ($0.mentorID, $0.span.start.storedSeconds, $0.span.end.storedSeconds)
            })
        if !shiftIDs.isEmpty {
            selections.append(
                RecordSelection(
                    table: .shift, condition: "id \(byJSONList)", arguments: [idList(shiftIDs)]))
        }
        if !leaveIDs.isEmpty {
            selections.append(
                RecordSelection(
                    table: .leave, condition: "id \(byJSONList)", arguments: [idList(leaveIDs)]))
        }
        var signIns = 0
        for s in bundle.signIns {
            let held =
                try Bool.fetchOne(
                    db.cachedStatement(
                        sql: """
                            SELECT EXISTS (SELECT 1 FROM sign_in
                            WHERE mentor_id = ? AND in_at = ? AND out_at IS ?)
                            """),
                    arguments: [s.mentorID, s.inAt.storedSeconds, s.outAt?.storedSeconds]) ?? false
            if held { continue }
            try db.cachedExecute(
                sql: "INSERT INTO sign_in(mentor_id, in_at, out_at) VALUES (?, ?, ?)",
                arguments: [s.mentorID, s.inAt.storedSeconds, s.outAt?.storedSeconds])
            signIns += 1
        }

        // The site's chain, kept as its history.
        let insertEntry = try db.cachedStatement(
            sql: """
                INSERT INTO site_audit(site, seq, at, actor, command, action, entity, before,
                    after, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        for e in bundle.audit {
            try insertEntry.execute(arguments: [
                site, e.seq, e.at.storedSeconds, e.actor, e.command, e.action, e.entity, e.before,
                e.after, e.prevHash, e.hash,
            ])
        }
        if !bundle.audit.isEmpty {
            selections.append(
                RecordSelection(table: .siteAudit, condition: "site = ?", arguments: [site]))
        }

        // One entry of this chain seals the copy: the site's head hash, what was added, and
        // the renumbering (as runs: P1–P40 → P1041–P1080).
        try audit(
            "import", entity: "site:\(site)", before: nil,
            after: .object([
                ("site", .string(site)),
                ("entries", .int(bundle.audit.count)),
                ("head", .string(bundle.audit.last?.hash)),
                ("presentations", .int(mapping.count)),
                ("mentors", .int(newMentors.count)),
                ("mentors_kept", .int(bundle.mentors.count - newMentors.count)),
                ("staff", .int(newStaff.count)),
                ("shifts", .int(shiftIDs.count)),
                ("leave", .int(leaveIDs.count)),
                ("sign_ins", .int(signIns)),
                ("referrals", .int(bundle.referrals.count)),
                ("mapping", .array(SiteMapping.runs(mapping).map(\.json))),
            ]), bulk: selections, redacting: false)
        return mapping
    }
}

/// The renumbering of an imported site, as runs of consecutive numbers.
enum SiteMapping {
    struct Run {
        var old: Int
        var new: Int
        var count: Int
        var json: JSONValue {
            .object([
                ("old", .string(PresentationID.format(old))),
                ("new", .string(PresentationID.format(new))), ("count", .int(count)),
            ])
        }
    }

    static func runs(_ mapping: [(old: Int, new: Int)]) -> [Run] {
        var runs: [Run] = []
        for pair in mapping {
            if var last = runs.last, last.old + last.count == pair.old,
                last.new + last.count == pair.new
            {
                last.count += 1
                runs[runs.count - 1] = last
            } else {
                runs.append(Run(old: pair.old, new: pair.new, count: 1))
            }
        }
        return runs
    }
}

extension AuditChain {
    /// The copied chains of imported sites (`site_audit`): each must run from the genesis
    /// hash, entry after entry, to the head its sealing entry of this chain recorded.
    static func siteChainProblems(_ db: Database) throws -> [String] {
        var seals: [String: (seq: Int64, head: String?, entries: Int)] = [:]
        for row in try Row.fetchAll(
            db,
            sql: """
                SELECT seq, after FROM audit
                WHERE action = 'import' AND entity LIKE 'site:%' ORDER BY seq
                """)
        {
            guard let after = (row[1] as String?).flatMap(JSONValue.parse),
                case .string(let site)? = after[member: "site"]
            else { continue }
            var head: String?
            if case .string(let h)? = after[member: "head"] { head = h }
            var entries = 0
            if case .int(let n)? = after[member: "entries"] { entries = n }
            seals[site] = (row[0], head, entries)
        }
        var problems: [String] = []
        var chains: [String: (count: Int, head: String)] = [:]
        var current: String?
        var prev = AuditPolicy.genesis
        var expected: Int64 = 1
        let rows = try Row.fetchCursor(
            db, sql: "SELECT site, seq, prev_hash, hash FROM site_audit ORDER BY site, seq")
        while let row = try rows.next() {
            let site: String = row[0]
            if site != current {
                current = site
                prev = AuditPolicy.genesis
                expected = 1
            }
            let seq: Int64 = row[1]
            if seq != expected {
                problems.append("site \(site)'s copied audit entry \(expected) is missing")
            }
            if (row[2] as String) != prev {
                problems.append(
                    "site \(site)'s copied audit entry \(seq) does not follow the entry before it")
            }
            prev = row[3]
            expected = seq + 1
            chains[site] = ((chains[site]?.count ?? 0) + 1, prev)
        }
        for (site, chain) in chains.sorted(by: { $0.key < $1.key }) {
            guard let seal = seals[site] else {
                problems.append("site \(site)'s copied audit chain has no sealing entry")
                continue
            }
            if seal.head != chain.head || seal.entries != chain.count {
                problems.append(
                    "site \(site)'s copied audit chain is not the one entry \(seal.seq) sealed")
            }
        }
        for (site, seal) in seals where seal.entries > 0 && chains[site] == nil {
            problems.append(
                "site \(site)'s copied audit chain (sealed by entry \(seal.seq)) is missing")
        }
        return problems
    }
}
