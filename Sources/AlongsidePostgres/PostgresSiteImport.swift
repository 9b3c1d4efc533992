import AlongsideCore
import AlongsideStore
import Foundation

/// `site import` (spec §9): a site's database copied into the trust database, all in the one
/// write transaction of the command.
enum PGSiteImport {
    /// The action of the entry that seals a copied chain.
    static let action = "site-import"

    /// Runs of consecutive old numbers mapped to consecutive new ones:
    /// `[[old_first, old_last, new_first], …]` (one run for a site whose numbers have no gap).
    static func runs(_ mapping: [(old: Int, new: Int)]) -> JSONValue {
        var runs: [(Int, Int, Int)] = []
        for (old, new) in mapping {
            if let last = runs.last, last.1 + 1 == old, last.2 + (old - last.0) == new {
                runs[runs.count - 1].1 = old
            } else {
                runs.append((old, old, new))
            }
        }
        return .array(runs.map { .array([.int($0.0), .int($0.1), .int($0.2)]) })
    }

    /// Checks each copied chain against the entry that sealed it: its entries are 1…n, each
    /// follows the one before (from the genesis hash), there are as many as sealed, the last
    /// has the sealed head hash, and every entry is in the state the seal's row digests
    /// record. A copied chain no entry sealed is a problem too.
    static func verifySeals(
        _ run: PGRunner, seals: [(seq: Int64, site: String, after: String?)]
    ) throws -> [String] {
        var problems: [String] = []
        var sealedSites: Set<String> = []
        for seal in seals {
            sealedSites.insert(seal.site)
            let after = seal.after.flatMap(JSONValue.parse)
            guard case .string(let head)? = after?[member: "head"],
                case .int(let entries)? = after?[member: "entries"]
            else {
                problems.append(
                    "the entry \(seal.seq) that sealed site \(seal.site) has been altered")
                continue
            }
            var altered: [String] = []
            var prev = AuditPolicy.genesis
            var expected: Int64 = 1
            var count = 0
            var lastSeq: Int64 = 0
            while true {
                let rows = try run.query(
                    """
                    SELECT seq, prev_hash, hash FROM site_audit WHERE site = $1 AND seq > $2
                    ORDER BY seq LIMIT \(PGAuditedTable.pageSize)
                    """, [seal.site.pg, lastSeq.pg])
                for row in rows {
                    count += 1
                    if row.int64(0) != expected || row.string(1) != prev {
                        altered.append("entry \(row.int64(0)) does not follow the one before it")
                    }
                    prev = row.string(2)
                    expected = row.int64(0) + 1
                }
                guard rows.count == PGAuditedTable.pageSize, let last = rows.last else { break }
                lastSeq = last.int64(0)
            }
            if count != entries { altered.append("it holds \(count) entries, not \(entries)") }
            if prev != head { altered.append("its last entry is not the one sealed") }
            var states: [String: (salt: String?, state: String?)] = [:]
            for row in try run.query(
                "SELECT record, salt, state FROM audit_row WHERE seq = $1 AND record LIKE $2",
                [seal.seq.pg, "site\\_audit:%".pg])
            {
                states[row.string(0)] = (row.text(1), row.text(2))
            }
            var changed = 0
            try PGAuditedTable.siteAudit.forEachRow(run, where: "site = $1", binds: [seal.site.pg])
            {
                key, canonical in
                guard let kept = states[key], let salt = kept.salt,
                    RecordState.digest(salt: RecordState.bytes(hex: salt), canonical) == kept.state
                else {
                    changed += 1
                    return
                }
            }
            if changed > 0 {
                altered.append("\(changed) of its entries differ from what was copied")
            }
            if !altered.isEmpty {
                problems.append(
                    "the history of site \(seal.site) sealed by entry \(seal.seq) has been "
                        + "altered: " + altered.joined(separator: "; "))
            }
        }
        for row in try run.query("SELECT DISTINCT site FROM site_audit ORDER BY site")
        where !sealedSites.contains(row.string(0)) {
            problems.append(
                "the history of site \(row.string(0)) was copied in without an entry sealing it")
        }
        return problems
    }
}

extension PostgresTransaction {
    func importSite(_ bundle: SiteBundle) throws -> [(old: Int, new: Int)] {
        let site = bundle.site
        if try run.one("SELECT 1 FROM site_audit WHERE site = $1 LIMIT 1", [site.pg]) != nil {
            throw StoreError.duplicate(
                "site \(site) has already been imported into the trust database")
        }
        // Mentors and staff present in both: kept once when identical, else refused.
        var differing: [String] = []
        var newMentors: [Mentor] = []
        var seenMentors: Set<String> = []
        for m in bundle.mentors where seenMentors.insert(m.id.lowercased()).inserted {
            if let existing = try mentor(m.id) {
                if existing != m { differing.append("mentor \(m.id)") }
            } else {
                newMentors.append(m)
            }
        }
        var newStaff: [StaffMember] = []
        for s in bundle.staff {
            if let existing = try staffMember(s.name) {
                if existing != s { differing.append("staff \(s.name)") }
            } else if !newStaff.contains(where: { $0.name == s.name }) {
                newStaff.append(s)
            }
        }
        if !differing.isEmpty {
            throw StoreError.duplicate(
                "these are in both databases with different records: "
                    + differing.joined(separator: ", ")
                    + "; make each pair the same (or give one another id) and import again")
        }

        // Presentations after this database's last, in the order of their old numbers.
        let base = Int(try run.nextID("presentation"))
        let ordered = bundle.presentations.sorted { $0.number < $1.number }
        var mapping: [(old: Int, new: Int)] = []
        var newNumber: [Int: Int] = [:]
        for (i, p) in ordered.enumerated() {
            guard newNumber[p.number] == nil else {
                throw StoreError.incompatible(
                    "the site's database holds P\(p.number) twice; it cannot be imported")
            }
            newNumber[p.number] = base + i
            mapping.append((p.number, base + i))
        }
        func renumbered(_ old: Int, _ what: String) throws -> Int {
            guard let new = newNumber[old] else {
                throw StoreError.incompatible(
                    "the site's database has \(what) of P\(old), which it does not hold; "
                        + "run check on it first")
            }
            return new
        }

        try run.insertMany(
            "mentor", columns: Columns.mentor.components(separatedBy: ", "),
            rows: newMentors.map(\.binds))
        try run.insertMany(
            "staff", columns: ["name", "role", "pin_hash"],
            rows: newStaff.map { [$0.name.pg, $0.role.rawValue.pg, $0.pinHash.pg] })

        // Shifts, leave and sign-ins, new ids; one identical to a row already here (a mentor
        // the two share) is kept once.
        let shared = Set(
            bundle.mentors.map { $0.id.lowercased() }.filter { id in
                !newMentors.contains { $0.id.lowercased() == id }
            })
        func copySpans(_ table: String, _ spans: [(String, TimeSpan)]) throws -> [Int64] {
            let first = try run.nextID(table)
            var rows: [[PGValue]] = []
            var ids: [Int64] = []
            for (mentorID, span) in spans {
                if shared.contains(mentorID.lowercased()),
                    try run.one(
                        """
                        SELECT 1 FROM \(table) WHERE lower(mentor_id) = $1 AND start = $2
                        AND "end" = $3 LIMIT 1
                        """, [NoCase.fold(mentorID).pg, span.start.pg, span.end.pg]) != nil
                {
                    continue
                }
                let id = first + Int64(ids.count)
                ids.append(id)
                rows.append([id.pg, mentorID.pg, span.start.pg, span.end.pg])
            }
            try run.insertMany(
                table, columns: ["id", "mentor_id", "start", #""end""#], rows: rows)
            return ids
        }
        let shiftIDs = try copySpans("shift", bundle.shifts.map { ($0.mentorID, $0.span) })
        let leaveIDs = try copySpans("leave", bundle.leave.map { ($0.mentorID, $0.span) })
        let firstSignIn = try run.nextID("sign_in")
        try run.insertMany(
            "sign_in", columns: ["id", "mentor_id", "in_at", "out_at"],
            rows: bundle.signIns.enumerated().map {
                [
                    (firstSignIn + Int64($0.offset)).pg, $0.element.mentorID.pg,
                    $0.element.inAt.pg, $0.element.outAt.pg,
                ]
            })

        try run.insertMany(
            "presentation", columns: ["id"] + Presentation.columnsWithoutID,
            rows: ordered.map { p in
                var q = p
                q.site = site
                return [newNumber[p.number]!.pg] + q.bindsWithoutID
            })
        try run.insertMany(
            "decline", columns: ["presentation_id", "mentor_id", "at", "reason"],
            rows: try bundle.declines.map {
                [
                    try renumbered($0.presentation, "a decline").pg, $0.decline.mentorID.pg,
                    $0.decline.at.pg, $0.decline.reason.pg,
                ]
            })
        let firstCorrection = try run.nextID("correction")
        try run.insertMany(
            "correction", columns: ["id", "presentation_id", "at", "actor", "kind", "reason"],
            rows: try bundle.corrections.enumerated().map { i, c in
                [
                    (firstCorrection + Int64(i)).pg,
                    try renumbered(c.presentation, "a correction").pg,
                    c.correction.at.pg, c.correction.actor.pg, c.correction.kind.pg,
                    c.correction.reason.pg,
                ]
            })
        try run.insertMany(
            "hold", columns: ["presentation_id", "reason", "at"],
            rows: try bundle.holds.map {
                [try renumbered($0.presentation, "a hold").pg, $0.hold.reason.pg, $0.hold.at.pg]
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
                    (firstReferral + Int64(i)).pg, try renumbered(r.presentation, "a referral").pg,
                    r.serviceID.pg, r.serviceName.pg, r.status.rawValue.pg, "given".pg,
                    r.requestedAt.pg, r.acceptedAt.pg, r.attendedAt.pg, r.completedAt.pg,
                    r.endedAt.pg,
                ]
            })
        // The site's chain, verbatim.
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

        // One entry of this chain seals it all, with a digest of every row copied.
        var after: [(String, JSONValue)] = [
            ("site", .string(NHSNumber.redact(in: site))),
            ("entries", .int(bundle.audit.count)),
            ("head", .string(bundle.audit.last?.hash ?? AuditPolicy.genesis)),
            ("presentations", .int(mapping.count)),
        ]
        if let first = mapping.first, let last = mapping.last {
            after += [
                ("first", .string(PresentationID.format(first.new))),
                ("last", .string(PresentationID.format(last.new))),
            ]
        }
        after += [
            ("mentors", .int(newMentors.count)), ("staff", .int(newStaff.count)),
            ("shifts", .int(shiftIDs.count)), ("leave", .int(leaveIDs.count)),
            ("mapping", PGSiteImport.runs(mapping)),
        ]
        let last = base + max(mapping.count, 1) - 1
        try audit(
            PGSiteImport.action, entity: "site:\(site)", before: nil, after: .object(after),
            bulk: [
                PGRecordSelection(.presentation, "id BETWEEN $1 AND $2", [base.pg, last.pg]),
                PGRecordSelection(
                    .mentor, "lower(id) = ANY ($1::text[])",
                    [PGArray.texts(newMentors.map { NoCase.fold($0.id) })]),
                PGRecordSelection(.shift, "id = ANY ($1::bigint[])", [PGArray.ints(shiftIDs)]),
                PGRecordSelection(.leave, "id = ANY ($1::bigint[])", [PGArray.ints(leaveIDs)]),
                PGRecordSelection(
                    .decline, "presentation_id BETWEEN $1 AND $2", [base.pg, last.pg]),
                PGRecordSelection(
                    .staff, "name = ANY ($1::text[])", [PGArray.texts(newStaff.map(\.name))]),
                PGRecordSelection(.hold, "presentation_id BETWEEN $1 AND $2", [base.pg, last.pg]),
                PGRecordSelection(.siteAudit, "site = $1", [site.pg]),
            ], redacting: false)
        return mapping
    }
}
