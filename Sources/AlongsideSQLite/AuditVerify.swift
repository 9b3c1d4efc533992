import AlongsideCore
import AlongsideStore
import Crypto
import Foundation
import GRDB

extension AuditChain {
    /// The log's head as an anchor, or nil for an empty log.
    static func anchor(_ db: Database) throws -> AuditAnchor? {
        try Row.fetchOne(db, sql: "SELECT seq, hash, at FROM audit ORDER BY seq DESC LIMIT 1").map {
            AuditAnchor(seq: $0["seq"], hash: $0["hash"], at: Date(storedSeconds: $0["at"]))
        }
    }

    /// Walks the whole log; returns the problems found and the number of entries. Each of
    /// `anchors` must still be in the log with its hash and time.
    static func verify(
        _ db: Database, key: AuditKeyState, anchors: [AuditAnchor] = []
    ) throws -> (problems: [String], entries: Int) {
        var problems = try AuditGuards.problems(db)
        var vouchers: [Int64: AuditWalk.Voucher] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT seq, before_digest, after_digest, by_seq FROM audit_redaction")
        {
            vouchers[row[0]] = (row[1], row[2], row[3])
        }
        var walk = AuditWalk(key: key, anchors: anchors, vouchers: vouchers)
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while let row = try rows.next() {
            try walk.visit(
                StoredAuditEntry(
                    seq: row["seq"], at: row["at"], actor: row["actor"], command: row["command"],
                    action: row["action"], entity: row["entity"], before: row["before"],
                    after: row["after"], prevHash: row["prev_hash"], hash: row["hash"],
                    format: row["format"] ?? 1, salt: row["salt"],
                    beforeDigest: row["before_digest"], afterDigest: row["after_digest"],
                    record: row["record"], state: row["state"]),
                groupDigest: { try groupDigest(db, seq: $0) },
                voucherDigest: { try voucherDigest(db, by: $0) })
        }
        let headRecord = try String.fetchOne(
            db, sql: "SELECT value FROM meta WHERE key = 'audit_head'"
        ).map { text -> (seq: Int64, hash: String) in
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            return (Int64(parts.first ?? "") ?? -1, parts.count > 1 ? parts[1] : "")
        }
        problems += walk.finish(
            rowDigestSeqs: try Int64.fetchAll(db, sql: "SELECT DISTINCT seq FROM audit_row"),
            headRecord: headRecord)
        let count = walk.count
        problems += try siteChainProblems(db)
        if count == 0 {
            for table in AuditedTable.all
            where try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM \(table.name))") == true
            {
                problems.append(
                    "the audit log is empty but the database holds \(table.name) records: "
                        + "the log has been deleted")
                break
            }
        }
        return (problems, count)
    }
}

/// The triggers that keep the audit log append-only (spec §8: `check` fails when one is
/// missing or changed).
enum AuditGuards {
    /// Problems with the guards: each must exist with exactly its shipped definition.
    static func problems(_ db: Database) throws -> [String] {
        var found: [String: String] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
        {
            found[row[0]] = row[1]
        }
        var problems: [String] = []
        for (name, sql) in Migrations.auditGuards + Migrations.siteAuditGuards {
            guard let have = found[name] else {
                problems.append("the audit guard \(name) is missing: the log is not protected")
                continue
            }
            if normalised(have) != normalised(sql) {
                problems.append("the audit guard \(name) has been changed")
            }
        }
        return problems
    }

    static func normalised(_ sql: String) -> String {
        sql.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            .trimmingCharacters(in: CharacterSet(charactersIn: ";"))
    }
}
