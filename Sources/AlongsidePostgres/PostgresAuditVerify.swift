import AlongsideCore
import AlongsideStore
import Crypto
import Foundation

extension PGAuditChain {
    /// The log's head as an anchor, or nil for an empty log.
    static func anchor(_ run: PGRunner) throws -> AuditAnchor? {
        try run.one("SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1").map {
            AuditAnchor(seq: $0.int64(0), hash: $0.string(1), at: $0.date(2))
        }
    }

    /// Walks the whole log in `seq` order, as the SQLite store's `AuditChain.verify` (the
    /// same checks, the same sentences), page by page; also checks each imported site's
    /// chain against the entry that sealed it. Returns the problems and the entry count.
    static func verify(
        _ run: PGRunner, key: AuditKeyState, anchors: [AuditAnchor] = []
    ) throws -> (problems: [String], entries: Int) {
        var problems = try PGAuditGuards.problems(run)
        var vouchers: [Int64: AuditWalk.Voucher] = [:]
        for row in try run.query(
            "SELECT seq, before_digest, after_digest, by_seq FROM audit_redaction")
        {
            vouchers[row.int64(0)] = (row.text(1), row.text(2), row.int64(3))
        }
        var walk = AuditWalk(key: key, anchors: anchors, vouchers: vouchers)
        var lastSeq: Int64 = 0
        while true {
            let rows = try run.query(
                """
                SELECT seq, at, actor, command, action, entity, before, after, prev_hash, hash,
                    format, salt, before_digest, after_digest, record, state
                FROM audit WHERE seq > $1 ORDER BY seq LIMIT \(PGAuditedTable.pageSize)
                """, [lastSeq.pg])
            for row in rows {
                try walk.visit(
                    StoredAuditEntry(
                        seq: row.int64(0), at: row.int64(1), actor: row.string(2),
                        command: row.string(3), action: row.string(4), entity: row.text(5),
                        before: row.text(6), after: row.text(7), prevHash: row.string(8),
                        hash: row.string(9), format: row.optInt(10).map(Int.init) ?? 1,
                        salt: row.text(11), beforeDigest: row.text(12),
                        afterDigest: row.text(13), record: row.text(14), state: row.text(15)),
                    groupDigest: { try groupDigest(run, seq: $0) },
                    voucherDigest: { try voucherDigest(run, by: $0) })
            }
            guard rows.count == PGAuditedTable.pageSize, let last = rows.last else { break }
            lastSeq = last.int64(0)
        }
        problems += walk.finish(
            rowDigestSeqs: try run.query("SELECT DISTINCT seq FROM audit_row ORDER BY seq")
                .map { $0.int64(0) },
            headRecord: try run.one("SELECT seq, hash FROM audit_head WHERE one = 1")
                .map { ($0.int64(0), $0.string(1)) })
        let count = walk.count
        problems += try PGSiteImport.chainProblems(run)
        if count == 0 {
            for table in PGAuditedTable.all
            where try run.one("SELECT 1 FROM \(table.name) LIMIT 1") != nil {
                problems.append(
                    "the audit log is empty but the database holds \(table.name) records: "
                        + "the log has been deleted")
                break
            }
        }
        return (problems, count)
    }
}

/// The triggers that keep the audit log append-only, and the functions they and retention's
/// erasure run (spec §8: `check` fails when one is missing or changed).
enum PGAuditGuards {
    /// Problems with the guards: each trigger must exist, be enabled, fire as shipped (BEFORE,
    /// its event, per row or per statement, no condition) and run its shipped function; each
    /// function must hold its shipped source.
    static func problems(_ run: PGRunner) throws -> [String] {
        var found:
            [String: (
                table: String, type: Int64, enabled: String, function: String,
                conditional: Bool
            )] = [:]
        for row in try run.query(
            """
            SELECT t.tgname::text, c.relname::text, t.tgtype::bigint, t.tgenabled::text,
                p.proname::text, t.tgqual IS NOT NULL
            FROM pg_trigger t
            JOIN pg_class c ON c.oid = t.tgrelid
            JOIN pg_proc p ON p.oid = t.tgfoid
            WHERE c.relnamespace = current_schema()::regnamespace AND NOT t.tgisinternal
            """)
        {
            found[row.string(0)] = (
                row.string(1), row.int64(2), row.string(3), row.string(4), row.bool(5) ?? true
            )
        }
        var problems: [String] = []
        for g in PostgresSchema.guards {
            guard let have = found[g.name] else {
                problems.append("the audit guard \(g.name) is missing: the log is not protected")
                continue
            }
            if have.enabled == "D" || have.enabled == "R" {
                problems.append(
                    "the audit guard \(g.name) has been disabled: the log is not protected")
            } else if have.table != g.table || have.type != g.tgtype
                || have.function != g.function || have.conditional
            {
                problems.append("the audit guard \(g.name) has been changed")
            }
        }
        var sources: [String: (source: String, definer: Bool)] = [:]
        for row in try run.query(
            """
            SELECT proname::text, prosrc, prosecdef FROM pg_proc
            WHERE pronamespace = current_schema()::regnamespace AND proname LIKE 'alongside\\_%'
            """)
        {
            sources[row.string(0)] = (row.string(1), row.bool(2) ?? false)
        }
        let shipped =
            PostgresSchema.guardFunctionBodies.map { ($0.name, $0.body, false) }
            + PostgresSchema.erasureBodies.map {
                ($0.name, $0.body, $0.name == "alongside_retention_erase")
            }
        for (name, body, definer) in shipped {
            guard let have = sources[name] else {
                problems.append(
                    "the audit function \(name) is missing: the log is not protected")
                continue
            }
            if normalised(have.source) != normalised(body) || have.definer != definer {
                problems.append("the audit function \(name) has been changed")
            }
        }
        return problems
    }

    static func normalised(_ sql: String) -> String {
        sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

/// `check`'s comparison of the stored records with the audit log (spec §8), as the SQLite
/// store's `RecordCheck`: every row of an audited table must be in the state its last audit
/// entry recorded; a record the log says exists must exist.
enum PGRecordCheck {
    /// The most problems listed one by one (the rest are counted).
    static let listed = 20

    static func problems(_ run: PGRunner) throws -> [String] {
        var last: [String: (seq: Int64, salt: String?, state: String?)] = [:]
        func note(_ seq: Int64, _ key: String, _ salt: String?, _ state: String?) {
            if let known = last[key], known.seq > seq { return }
            last[key] = (seq, salt, state)
        }
        var afterSeq: Int64 = 0
        while true {
            let rows = try run.query(
                """
                SELECT seq, record, salt, state FROM audit
                WHERE record IS NOT NULL AND seq > $1 ORDER BY seq LIMIT \(PGAuditedTable.pageSize)
                """, [afterSeq.pg])
            for row in rows { note(row.int64(0), row.string(1), row.text(2), row.text(3)) }
            guard rows.count == PGAuditedTable.pageSize, let lastRow = rows.last else { break }
            afterSeq = lastRow.int64(0)
        }
        var afterRow: (Int64, String) = (0, "")
        while true {
            let rows = try run.query(
                """
                SELECT seq, record, salt, state FROM audit_row WHERE (seq, record) > ($1, $2)
                ORDER BY seq, record LIMIT \(PGAuditedTable.pageSize)
                """, [afterRow.0.pg, afterRow.1.pg])
            for row in rows { note(row.int64(0), row.string(1), row.text(2), row.text(3)) }
            guard rows.count == PGAuditedTable.pageSize, let lastRow = rows.last else { break }
            afterRow = (lastRow.int64(0), lastRow.string(1))
        }

        var problems: [String] = []
        var more = 0
        func problem(_ text: String) {
            if problems.count < listed { problems.append(text) } else { more += 1 }
        }
        var seen: Set<String> = []
        seen.reserveCapacity(last.count)
        for table in PGAuditedTable.all {
            try table.forEachRow(run) { key, canonical in
                seen.insert(key)
                var name: String { RecordState.describe(key) }
                guard let entry = last[key] else {
                    problem("\(name) has no audit entry: it was written behind the console's back")
                    return
                }
                guard let state = entry.state else {
                    problem(
                        "\(name) exists although its last audit entry (\(entry.seq)) "
                            + "records it deleted")
                    return
                }
                guard let saltHex = entry.salt else {
                    problem("\(name): its last audit entry (\(entry.seq)) can no longer be checked")
                    return
                }
                if RecordState.digest(salt: RecordState.bytes(hex: saltHex), canonical) != state {
                    problem(
                        "\(name) differs from the state its last audit entry "
                            + "(\(entry.seq)) records: it was changed behind the console's back")
                }
            }
        }
        let gone = last.filter { $0.value.state != nil && !seen.contains($0.key) }
            .sorted { ($0.value.seq, $0.key) < ($1.value.seq, $1.key) }
        for (key, entry) in gone {
            problem(
                "\(RecordState.describe(key)) was deleted without an audit entry "
                    + "(its last entry is \(entry.seq))")
        }
        if more > 0 {
            problems.append("… and \(more) more records that differ from the audit log")
        }
        return problems
    }
}
