import AlongsideCore
import AlongsideStore
import Foundation

/// `site import` (spec §9): a site's database copied into the trust database, all in the one
/// write transaction of the command.
enum PGSiteImport {
    /// The action of the entry that seals a copied chain.
    static let action = "import"

    /// The renumbering as runs of consecutive numbers, as the SQLite store writes it:
    /// `[{"old": "P1", "new": "P1041", "count": 40}, …]`.
    static func runs(_ mapping: [(old: Int, new: Int)]) -> JSONValue {
        var runs: [(old: Int, new: Int, count: Int)] = []
        for pair in mapping {
            if let last = runs.last, last.old + last.count == pair.old,
                last.new + last.count == pair.new
            {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((pair.old, pair.new, 1))
            }
        }
        return .array(
            runs.map {
                .object([
                    ("old", .string(PresentationID.format($0.old))),
                    ("new", .string(PresentationID.format($0.new))), ("count", .int($0.count)),
                ])
            })
    }

    /// The copied chains of imported sites (`site_audit`), as the SQLite store checks them
    /// (the same sentences): each must run from the genesis hash, entry after entry, to the
    /// head its sealing entry of this chain recorded. (Each copied entry's content is a
    /// record the sealing entry digested, so `check` finds one edited.)
    static func chainProblems(_ run: PGRunner) throws -> [String] {
        var seals: [String: (seq: Int64, head: String?, entries: Int)] = [:]
        for row in try run.query(
            """
            SELECT seq, after FROM audit
            WHERE action = 'import' AND entity LIKE 'site:%' ORDER BY seq
            """)
        {
            guard let after = row.text(1).flatMap(JSONValue.parse),
                case .string(let site)? = after[member: "site"]
            else { continue }
            var head: String?
            if case .string(let h)? = after[member: "head"] { head = h }
            var entries = 0
            if case .int(let n)? = after[member: "entries"] { entries = n }
            seals[site] = (row.int64(0), head, entries)
        }
        var problems: [String] = []
        var chains: [String: (count: Int, head: String)] = [:]
        var current: String?
        var prev = AuditPolicy.genesis
        var expected: Int64 = 1
        var after: (site: String, seq: Int64) = ("", 0)
        while true {
            let rows = try run.query(
                """
                SELECT site, seq, prev_hash, hash FROM site_audit WHERE (site, seq) > ($1, $2)
                ORDER BY site, seq LIMIT \(PGAuditedTable.pageSize)
                """, [after.site.pg, after.seq.pg])
            for row in rows {
                let site = row.string(0)
                if site != current {
                    current = site
                    prev = AuditPolicy.genesis
                    expected = 1
                }
                let seq = row.int64(1)
                if seq != expected {
                    problems.append("site \(site)'s copied audit entry \(expected) is missing")
                }
                if row.string(2) != prev {
                    problems.append(
                        "site \(site)'s copied audit entry \(seq) does not follow the entry "
                            + "before it")
                }
                prev = row.string(3)
                expected = seq + 1
                chains[site] = ((chains[site]?.count ?? 0) + 1, prev)
            }
            guard rows.count == PGAuditedTable.pageSize, let last = rows.last else { break }
            after = (last.string(0), last.int64(1))
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

extension PostgresTransaction {
    /// As the SQLite store's `importSite`, step for step (the same refusals, the same new
    /// numbers and ids, the same sealing entry and row digests).
    func importSite(_ bundle: SiteBundle) throws -> [(old: Int, new: Int)] {
        let site = bundle.site.lowercased()
        let copiedBefore =
            try run.one("SELECT 1 FROM site_audit WHERE site = $1 LIMIT 1", [site.pg]) != nil
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

        var selections: [PGRecordSelection] = []
        try run.insertMany(
            "mentor", columns: Columns.mentor.components(separatedBy: ", "),
            rows: newMentors.map(\.binds))
        if !newMentors.isEmpty {
            selections.append(
                PGRecordSelection(
                    .mentor, "lower(id) = ANY ($1::text[])",
                    [PGArray.texts(newMentors.map { NoCase.fold($0.id) })]))
        }
        try run.insertMany(
            "staff", columns: ["name", "role", "pin_hash"],
            rows: newStaff.map { [$0.name.pg, $0.role.rawValue.pg, $0.pinHash.pg] })
        if !newStaff.isEmpty {
            selections.append(
                PGRecordSelection(
                    .staff, "name = ANY ($1::text[])", [PGArray.texts(newStaff.map(\.name))]))
        }

        // Presentations, renumbered after this database's last, in their own order.
        let base = Int(try run.int("SELECT max(id) FROM presentation") ?? 0)
        var mapping: [(old: Int, new: Int)] = []
        var newNumber: [Int: Int] = [:]
        var rows: [[PGValue]] = []
        for p in bundle.presentations.sorted(by: { $0.number < $1.number }) {
            let number = base + mapping.count + 1
            var copy = p
            copy.site = site
            rows.append([number.pg] + copy.bindsWithoutID)
            mapping.append((p.number, number))
            newNumber[p.number] = number
        }
        try run.insertMany(
            "presentation", columns: ["id"] + Presentation.columnsWithoutID, rows: rows)
        func renumbered(_ old: Int, _ what: String) throws -> Int {
            guard let n = newNumber[old] else {
                throw StoreError.incompatible(
                    "the site's file holds \(what) of P\(old), a presentation it does not hold")
            }
            return n
        }
        if let first = mapping.first, let last = mapping.last {
            let range = [first.new.pg, last.new.pg]
            let ofRange = "presentation_id BETWEEN $1 AND $2"
            selections += [
                PGRecordSelection(.presentation, "id BETWEEN $1 AND $2", range),
                PGRecordSelection(.decline, ofRange, range),
                PGRecordSelection(.hold, ofRange, range),
            ]
        }
        try run.insertMany(
            "decline", columns: ["presentation_id", "mentor_id", "at", "reason"],
            rows: try bundle.declines.map { old, d in
                [try renumbered(old, "a decline").pg, d.mentorID.pg, d.at.pg, d.reason.pg]
            })
        let firstCorrection = try run.nextID("correction")
        try run.insertMany(
            "correction", columns: ["id", "presentation_id", "at", "actor", "kind", "reason"],
            rows: try bundle.corrections.enumerated().map { i, item in
                let c = item.correction
                return [
                    (firstCorrection + Int64(i)).pg,
                    try renumbered(item.presentation, "a correction").pg, c.at.pg, c.actor.pg,
                    c.kind.pg, c.reason.pg,
                ]
            })
        try run.insertMany(
            "hold", columns: ["presentation_id", "reason", "at"],
            rows: try bundle.holds.map { old, h in
                [try renumbered(old, "a legal hold").pg, h.reason.pg, h.at.pg]
            })
        let firstReferral = try run.nextID("referral")
        try run.insertMany(
            "referral",
            columns: [
                "id", "presentation_id", "service_id", "service_name", "status", "consent",
                "requested_at", "accepted_at", "attended_at", "completed_at", "ended_at",
            ],
            rows: try bundle.referrals.enumerated().map { i, r in
                [
                    (firstReferral + Int64(i)).pg,
                    try renumbered(r.presentation, "an onward referral").pg, r.serviceID.pg,
                    r.serviceName.pg, r.status.rawValue.pg, "given".pg, r.requestedAt.pg,
                    r.acceptedAt.pg, r.attendedAt.pg, r.completedAt.pg, r.endedAt.pg,
                ]
            })

        // Shifts, leave and sign-ins of the shared pool: one already held (the same mentor,
        // without case, and times) is not added twice, nor one the site's file holds twice.
        func copySpans(_ table: String, _ spans: [(mentor: String, span: TimeSpan)]) throws
            -> [Int64]
        {
            var ids: [Int64] = []
            for row in spans {
                let held = try run.one(
                    """
                    SELECT 1 FROM \(table)
                    WHERE lower(mentor_id) = $1 AND start = $2 AND "end" = $3 LIMIT 1
                    """, [NoCase.fold(row.mentor).pg, row.span.start.pg, row.span.end.pg])
                if held != nil { continue }
                ids.append(
                    try run.insertNext(
                        table, columns: ["mentor_id", "start", #""end""#],
                        [row.mentor.pg, row.span.start.pg, row.span.end.pg]))
            }
            return ids
        }
        let shiftIDs = try copySpans("shift", bundle.shifts.map { ($0.mentorID, $0.span) })
        let leaveIDs = try copySpans("leave", bundle.leave.map { ($0.mentorID, $0.span) })
        if !shiftIDs.isEmpty {
            selections.append(
                PGRecordSelection(.shift, "id = ANY ($1::bigint[])", [PGArray.ints(shiftIDs)]))
        }
        if !leaveIDs.isEmpty {
            selections.append(
                PGRecordSelection(.leave, "id = ANY ($1::bigint[])", [PGArray.ints(leaveIDs)]))
        }
        var signIns = 0
        for s in bundle.signIns {
            let held = try run.one(
                """
                SELECT 1 FROM sign_in
                WHERE lower(mentor_id) = $1 AND in_at = $2 AND out_at IS NOT DISTINCT FROM $3
                LIMIT 1
                """, [NoCase.fold(s.mentorID).pg, s.inAt.pg, s.outAt.pg])
            if held != nil { continue }
            try run.insertNext(
                "sign_in", columns: ["mentor_id", "in_at", "out_at"],
                [s.mentorID.pg, s.inAt.pg, s.outAt.pg])
            signIns += 1
        }

        // The site's chain, kept as its history, verbatim.
        try run.insertMany(
            "site_audit",
            columns: [
                "site", "seq", "at", "actor", "command", "action", "entity", "before", "after",
                "prev_hash", "hash",
            ],
            rows: bundle.audit.map {
                [
                    site.pg, $0.seq.pg, $0.at.pg, $0.actor.pg, $0.command.pg, $0.action.pg,
                    $0.entity.pg, $0.before.pg, $0.after.pg, $0.prevHash.pg, $0.hash.pg,
                ]
            })
        if !bundle.audit.isEmpty {
            selections.append(PGRecordSelection(.siteAudit, "site = $1", [site.pg]))
        }

        // One entry of this chain seals the copy: the site's head hash, what was added, and
        // the renumbering (as runs: P1–P40 → P1041–P1080).
        try audit(
            PGSiteImport.action, entity: "site:\(site)", before: nil,
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
                ("mapping", PGSiteImport.runs(mapping)),
            ]), bulk: selections, redacting: false)
        return mapping
    }
}
