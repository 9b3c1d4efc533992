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
        let symmetric = key.keyForReading
        var vouchers: [Int64: (before: String?, after: String?, by: Int64)] = [:]
        for row in try Row.fetchAll(
            db, sql: "SELECT seq, before_digest, after_digest, by_seq FROM audit_redaction")
        {
            vouchers[row[0]] = (row[1], row[2], row[3])
        }
        let retentionSeqs = Set(vouchers.values.map(\.by))
        var anchored: [Int64: [AuditAnchor]] = [:]
        for a in anchors { anchored[a.seq, default: []].append(a) }
        var bulkSeqs: Set<Int64> = []
        var unkeyable: [Int64] = []
        var firstKeyed: Int64?
        var prev = AuditPolicy.genesis
        var expectedSeq: Int64 = 1
        var count = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while let row = try rows.next() {
            count += 1
            let seq: Int64 = row["seq"]
            if seq != expectedSeq {
                problems.append(
                    "entry \(expectedSeq)\(seq > expectedSeq + 1 ? "–\(seq - 1)" : "")"
                        + " is missing")
            }
            let stored: String = row["hash"]
            let storedPrev: String = row["prev_hash"]
            if storedPrev != prev {
                problems.append("entry \(seq) does not follow the entry before it")
            }
            let format: Int = row["format"] ?? 1
            let before: String? = row["before"]
            let after: String? = row["after"]
            if format == 1 {
                let h = AuditPolicy.hashV1(
                    seq: seq, at: row["at"], actor: row["actor"], command: row["command"],
                    action: row["action"], entity: row["entity"], before: before, after: after,
                    prevHash: storedPrev)
                if h != stored { problems.append("entry \(seq) has been altered") }
            } else {
                let sealed = AuditPolicy.Sealed(
                    format: format, seq: seq, at: row["at"], actor: row["actor"],
                    command: row["command"], action: row["action"], entity: row["entity"],
                    record: row["record"], state: row["state"],
                    beforeDigest: row["before_digest"], afterDigest: row["after_digest"],
                    prevHash: storedPrev)
                if format == 3 {
                    if firstKeyed == nil { firstKeyed = seq }
                } else if firstKeyed != nil {
                    problems.append(
                        "entry \(seq) is chained without the key although earlier entries are keyed"
                    )
                }
                if let h = sealed.hash(key: symmetric) {
                    if h != stored { problems.append("entry \(seq) has been altered") }
                } else {
                    unkeyable.append(seq)
                }
                if let saltHex: String = row["salt"] {
                    let salt = RecordState.bytes(hex: saltHex)
                    if RecordState.digest(salt: salt, before) != sealed.beforeDigest
                        || RecordState.digest(salt: salt, after) != sealed.afterDigest
                    {
                        problems.append("entry \(seq)'s before/after has been altered")
                    }
                } else if let v = vouchers[seq] {
                    if RecordState.digest(salt: nil, before) != v.before
                        || RecordState.digest(salt: nil, after) != v.after
                    {
                        problems.append("entry \(seq)'s erased before/after has been altered")
                    }
                } else {
                    problems.append("entry \(seq)'s before/after was erased outside retention")
                }
                if sealed.record == nil, let state = sealed.state {
                    bulkSeqs.insert(seq)
                    if try groupDigest(db, seq: seq) != state {
                        problems.append("the rows entry \(seq) accounts for have been altered")
                    }
                }
                if retentionSeqs.contains(seq) {
                    let vouched = after.flatMap(JSONValue.parse)?[member: "erasures"]
                    if vouched != .string(try voucherDigest(db, by: seq)) {
                        problems.append("the erasures entry \(seq) made have been altered")
                    }
                }
            }
            for a in anchored[seq] ?? [] where a.hash != stored || a.at.storedSeconds != row["at"] {
                problems.append(
                    "entry \(seq) is not the entry anchored as '\(a)': the log has been rewritten")
            }
            prev = stored
            expectedSeq = seq + 1
        }
        let head = expectedSeq - 1
        for a in anchors where a.seq > head {
            problems.append(
                "the log no longer holds entry \(a.seq) (anchored as '\(a)'): "
                    + (head == 0
                        ? "the log has been emptied" : "its last entries have been removed"))
        }
        if let first = unkeyable.first, let last = unkeyable.last {
            problems.append(
                "entr\(first == last ? "y \(first) is" : "ies \(first)–\(last) are") keyed "
                    + "(HMAC-SHA256) and cannot be checked without the key: set audit_key_file "
                    + "to the key file, or run on the console that holds it")
        }
        for seq in Set(vouchers.values.map(\.by)) where seq > head {
            problems.append("the retention entry \(seq) that erased entries is missing")
        }
        let rowSeqs = try Int64.fetchAll(db, sql: "SELECT DISTINCT seq FROM audit_row")
        for seq in rowSeqs where !bulkSeqs.contains(seq) {
            problems.append("row digests are attached to entry \(seq), which made no bulk change")
        }
        if let headRecord = try String.fetchOne(
            db, sql: "SELECT value FROM meta WHERE key = 'audit_head'")
        {
            if headRecord != "\(head):\(prev)" {
                problems.append("the log's last entries have been removed or replaced")
            }
        } else if count > 0 {
            problems.append("the log's head record is missing")
        }
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
