import AlongsideCore
import Crypto
import Foundation
import GRDB

/// The hash chain over the audit log: each entry's hash covers its fields and the previous
/// entry's hash, so editing, deleting or reordering any entry breaks every hash after it.
enum AuditChain {
    static let genesis = String(repeating: "0", count: 64)

    static func hash(
        seq: Int64, at: Int64, actor: String, command: String, action: String, entity: String?,
        before: String?, after: String?, prevHash: String
    ) -> String {
        let canonical = JSONValue.array([
            .int(Int(seq)), .int(Int(at)), .string(actor), .string(command), .string(action),
            .string(entity), .string(before), .string(after), .string(prevHash),
        ]).text
        let digest = SHA256.hash(data: Data(canonical.utf8))
        return PinHash.hex(Array(digest))
    }

    /// Appends an entry chained to the last one.
    static func append(
        _ db: Database, context: ActingContext, action: String, entity: String?,
        before: JSONValue?, after: JSONValue?
    ) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let prev: String = last?["hash"] ?? genesis
        let at = context.at.storedSeconds
        // Free text never carries an NHS number into the log, whatever was typed.
        let b = before.map { NHSNumber.redact(in: $0.text) }
        let a = after.map { NHSNumber.redact(in: $0.text) }
        let h = hash(
            seq: seq, at: at, actor: context.actor, command: context.command, action: action,
            entity: entity, before: b, after: a, prevHash: prev)
        try db.execute(
            sql: """
                INSERT INTO audit(seq, at, actor, command, action, entity, before, after, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [seq, at, context.actor, context.command, action, entity, b, a, prev, h])
        try db.execute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', ?)",
            arguments: ["\(seq):\(h)"])
    }

    /// Walks the whole log; returns the problems found and the number of entries.
    static func verify(_ db: Database) throws -> (problems: [String], entries: Int) {
        var problems: [String] = []
        var prev = genesis
        var expectedSeq: Int64 = 1
        var count = 0
        let rows = try Row.fetchCursor(db, sql: "SELECT * FROM audit ORDER BY seq")
        while let row = try rows.next() {
            count += 1
            let seq: Int64 = row["seq"]
            if seq != expectedSeq {
                problems.append("entry \(expectedSeq)\(seq > expectedSeq + 1 ? "–\(seq - 1)" : "") is missing")
            }
            let stored: String = row["hash"]
            let storedPrev: String = row["prev_hash"]
            if storedPrev != prev {
                problems.append("entry \(seq) does not follow the entry before it")
            }
            let h = hash(
                seq: seq, at: row["at"], actor: row["actor"], command: row["command"],
                action: row["action"], entity: row["entity"], before: row["before"],
                after: row["after"], prevHash: storedPrev)
            if h != stored { problems.append("entry \(seq) has been altered") }
            prev = stored
            expectedSeq = seq + 1
        }
        if let head = try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = 'audit_head'") {
            if head != "\(expectedSeq - 1):\(prev)" {
                problems.append("the log's last entries have been removed or replaced")
            }
        } else if count > 0 {
            problems.append("the log's head record is missing")
        }
        return (problems, count)
    }
}
