import AlongsideCore
import AlongsideStore
import Crypto
import Foundation
import GRDB

/// The hash chain over the audit log: each entry's hash covers its fields and the previous
/// entry's hash, so editing, deleting or reordering any entry breaks every hash after it.
///
/// Entry formats (column `format`):
/// - 1 (databases of v1–v3): the hash covers the before/after text itself;
/// - 2: the hash (SHA-256) covers a salted SHA-256 digest of the before/after text and of
///   the record's stored state, so `retention` can erase identifying content from an old
///   entry (leaving a voucher, see `erase`) without breaking the chain;
/// - 3: as 2, with HMAC-SHA256 keyed by the site's `audit_key_file` instead of SHA-256.
enum AuditChain {
    /// Appends an entry chained to the last one. `record` names the one record the entry
    /// changed (its state after the change is digested; none if it was deleted); `bulk`
    /// names the rows of a bulk change, each digested in `audit_row`. Returns the entry's
    /// seq. `redacting: false` is for content the console makes itself (counts and
    /// digests, never typed text), whose hex digests could hold a run of digits that passes
    /// as an NHS number.
    @discardableResult
    static func append(
        _ db: Database, context: ActingContext, key: AuditKeyState, action: String,
        entity: String?, before: JSONValue?, after: JSONValue?, record: RecordRef? = nil,
        bulk: [RecordSelection] = [], redacting: Bool = true
    ) throws -> Int64 {
        let symmetric = try key.keyForWriting()
        let last = try Row.cachedOne(
            db, sql: "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1")
        let seq: Int64 = (last?["seq"] as Int64? ?? 0) + 1
        let prev: String = last?["hash"] ?? AuditPolicy.genesis
        let salt = RecordState.newSalt()
        let b = redacting ? AuditPolicy.storedText(before) : before?.text
        let a = redacting ? AuditPolicy.storedText(after) : after?.text
        var sealed = AuditPolicy.Sealed(
            format: symmetric == nil ? 2 : 3, seq: seq, at: context.at.storedSeconds,
            actor: context.actor, command: context.command, action: action, entity: entity,
            record: record?.key, state: nil, beforeDigest: RecordState.digest(salt: salt, b),
            afterDigest: RecordState.digest(salt: salt, a), prevHash: prev)
        if let record {
            sealed.state = RecordState.digest(salt: salt, try record.canonical(db))
        } else if !bulk.isEmpty {
            let insert = try db.cachedStatement(
                sql:
                    "INSERT OR REPLACE INTO audit_row(seq, record, salt, state) VALUES (?, ?, ?, ?)"
            )
            for selection in bulk {
                try selection.table.forEachRow(
                    db, where: selection.condition, arguments: selection.arguments
                ) { rowKey, canonical in
                    let rowSalt = RecordState.newSalt()
                    try insert.execute(arguments: [
                        seq, rowKey, PinHash.hex(rowSalt),
                        RecordState.digest(salt: rowSalt, canonical),
                    ])
                }
            }
            sealed.state = try groupDigest(db, seq: seq)
        }
        let hash = sealed.hash(key: symmetric)!
        try db.cachedExecute(
            sql: """
                INSERT INTO audit(seq, at, actor, command, action, entity, before, after,
                    prev_hash, hash, format, salt, before_digest, after_digest, record, state)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                seq, sealed.at, sealed.actor, sealed.command, action, entity, b, a, prev, hash,
                sealed.format, PinHash.hex(salt), sealed.beforeDigest, sealed.afterDigest,
                sealed.record, sealed.state,
            ])
        try db.cachedExecute(
            sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', ?)",
            arguments: ["\(seq):\(hash)"])
        return seq
    }

    /// The digest over a bulk entry's rows (`record`, `state`, in record order).
    static func groupDigest(_ db: Database, seq: Int64) throws -> String {
        var hasher = SHA256()
        let rows = try Row.fetchCursor(
            db, sql: "SELECT record, state FROM audit_row WHERE seq = ? ORDER BY record",
            arguments: [seq])
        while let row = try rows.next() {
            let line = "\(row[0] as String)\u{1F}\(row[1] as String? ?? "-")\n"
            hasher.update(data: Data(line.utf8))
        }
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// The digest over the erasure vouchers a retention entry made.
    static func voucherDigest(_ db: Database, by seq: Int64) throws -> String {
        var hasher = SHA256()
        let rows = try Row.fetchCursor(
            db,
            sql: """
                SELECT seq, before_digest, after_digest FROM audit_redaction
                WHERE by_seq = ? ORDER BY seq
                """, arguments: [seq])
        while let row = try rows.next() {
            let line =
                "\(row[0] as Int64)\u{1F}\(row[1] as String? ?? "-")"
                + "\u{1F}\(row[2] as String? ?? "-")\n"
            hasher.update(data: Data(line.utf8))
        }
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// Erases identifying content from the (format 2/3) entries about `entities`, leaving
    /// for each a voucher (digests of the erased text) that the retention entry `bySeq`
    /// vouches for; clears the salts of the rows of `records` digested before it, so no
    /// erased value can be guessed from an old digest. Returns how many entries changed.
    static func erase(
        _ db: Database, entitiesIn entityTable: String, recordsWhere recordCondition: String,
        bySeq: Int64
    ) throws -> Int {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT seq, before, after FROM audit
                WHERE format >= 2 AND salt IS NOT NULL
                  AND entity IN (SELECT entity FROM \(entityTable))
                ORDER BY seq
                """)
        func erased(_ text: String?) -> String? {
            guard let text else { return nil }
            guard let value = JSONValue.parse(text) else { return "\"[removed]\"" }
            return value.erasingMembers(where: AuditPolicy.isErasable, replacement: .string("[removed]")).text
        }
        let update = try db.cachedStatement(
            sql: "UPDATE audit SET before = ?, after = ?, salt = NULL WHERE seq = ?")
        let voucher = try db.cachedStatement(
            sql: """
                INSERT INTO audit_redaction(seq, before_digest, after_digest, by_seq)
                VALUES (?, ?, ?, ?)
                """)
        for row in rows {
            let seq: Int64 = row["seq"]
            let b = erased(row["before"])
            let a = erased(row["after"])
            try update.execute(arguments: [b, a, seq])
            try voucher.execute(arguments: [
                seq, RecordState.digest(salt: nil, b), RecordState.digest(salt: nil, a), bySeq,
            ])
        }
        try db.execute(
            sql:
                "UPDATE audit_row SET salt = NULL "
                + "WHERE salt IS NOT NULL AND seq < ? AND (\(recordCondition))",
            arguments: [bySeq])
        return rows.count
    }
}

