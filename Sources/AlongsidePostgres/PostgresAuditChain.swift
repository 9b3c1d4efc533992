import AlongsideCore
import AlongsideStore
import Crypto
import Foundation

/// The audit chain on the trust database: one chain for the whole database (every site),
/// hashed exactly as the SQLite store hashes it (``AuditPolicy``), over values as stored.
///
/// An entry is appended in the same transaction as its change, under the write lock every
/// write transaction takes first (``PostgresStore``), so `seq + 1` and the previous hash are
/// never read by two writers at once; the head row (`audit_head`) is updated in the same
/// statement as the insert, which also locks it.
enum PGAuditChain {
    /// Appends an entry chained to the last one (see the SQLite store's `AuditChain.append`
    /// for `record`, `bulk` and `redacting`). Returns the entry's seq.
    @discardableResult
    static func append(
        _ run: PGRunner, context: ActingContext, key: AuditKeyState, action: String,
        entity: String?, before: JSONValue?, after: JSONValue?, record: PGRecordRef? = nil,
        bulk: [PGRecordSelection] = [], redacting: Bool = true
    ) throws -> Int64 {
        let symmetric = try key.keyForWriting()
        let last: (seq: Int64, hash: String)
        if let head = run.head {
            last = head
        } else if let row = try run.one("SELECT \(headColumns)") {
            last = head(row, at: 0)
        } else {
            last = (0, AuditPolicy.genesis)
        }
        let seq = last.seq + 1
        let prev = last.hash
        let salt = RecordState.newSalt()
        let b = redacting ? AuditPolicy.storedText(before) : before?.text
        let a = redacting ? AuditPolicy.storedText(after) : after?.text
        var sealed = AuditPolicy.Sealed(
            format: symmetric == nil ? 2 : 3, seq: seq, at: context.at.storedSeconds,
            actor: context.actor, command: context.command, action: action, entity: entity,
            record: record?.key, state: nil, beforeDigest: RecordState.digest(salt: salt, b),
            afterDigest: RecordState.digest(salt: salt, a), prevHash: prev)
        if let record {
            let state = try record.stored ?? record.canonical(run)
            sealed.state = RecordState.digest(salt: salt, state)
        } else if !bulk.isEmpty {
            // One row per record key (the last one wins, as SQLite's INSERT OR REPLACE).
            var states: [String: [PGValue]] = [:]
            var order: [String] = []
            for selection in bulk {
                try selection.table.forEachRow(
                    run, where: selection.condition, binds: selection.binds
                ) { rowKey, canonical in
                    let rowSalt = RecordState.newSalt()
                    if states[rowKey] == nil { order.append(rowKey) }
                    states[rowKey] = [
                        seq.pg, rowKey.pg, PinHash.hex(rowSalt).pg,
                        RecordState.digest(salt: rowSalt, canonical).pg,
                    ]
                }
            }
            try run.insertMany(
                "audit_row", columns: ["seq", "record", "salt", "state"],
                rows: order.map { states[$0]! })
            sealed.state = try groupDigest(run, seq: seq)
        }
        let hash = sealed.hash(key: symmetric)!
        try run.execute(
            """
            WITH entry AS (
                INSERT INTO audit(seq, at, actor, command, action, entity, before, after,
                    prev_hash, hash, format, salt, before_digest, after_digest, record, state)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                RETURNING seq, hash)
            UPDATE audit_head SET seq = entry.seq, hash = entry.hash, changes = changes + 1
            FROM entry WHERE one = 1
            """,
            [
                seq.pg, sealed.at.pg, sealed.actor.pg, sealed.command.pg, action.pg, entity.pg,
                b.pg, a.pg, prev.pg, hash.pg, sealed.format.pg, PinHash.hex(salt).pg,
                sealed.beforeDigest.pg, sealed.afterDigest.pg, sealed.record.pg, sealed.state.pg,
            ])
        run.head = (seq, hash)
        return seq
    }

    /// The chain's head as two columns (seq, hash) of any statement: NULL for an empty log.
    /// Read under the write lock (by the first entry of a transaction, or with an audited
    /// insert, ``PGRunner/insertAudited(_:columns:_:record:)``).
    static let headColumns =
        "(SELECT seq FROM audit ORDER BY seq DESC LIMIT 1), "
        + "(SELECT hash FROM audit ORDER BY seq DESC LIMIT 1)"

    /// The head read by ``headColumns`` at columns `i` and `i + 1` of `row` (the genesis
    /// for an empty log).
    static func head(_ row: PGRow, at i: Int) -> (seq: Int64, hash: String) {
        (row.optInt(i) ?? 0, row.text(i + 1) ?? AuditPolicy.genesis)
    }

    /// The digest over a bulk entry's rows (`record`, `state`, in record order: byte order,
    /// as SQLite's BINARY).
    static func groupDigest(_ run: PGRunner, seq: Int64) throws -> String {
        var hasher = SHA256()
        var after: String?
        while true {
            let rows = try run.query(
                """
                SELECT record, state FROM audit_row
                WHERE seq = $1 AND ($2::text IS NULL OR record > $2)
                ORDER BY record LIMIT \(PGAuditedTable.pageSize)
                """, [seq.pg, after.pg])
            for row in rows {
                let line = "\(row.string(0))\u{1F}\(row.text(1) ?? "-")\n"
                hasher.update(data: Data(line.utf8))
            }
            guard rows.count == PGAuditedTable.pageSize, let last = rows.last else { break }
            after = last.string(0)
        }
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// The digest over the erasure vouchers a retention entry made.
    static func voucherDigest(_ run: PGRunner, by seq: Int64) throws -> String {
        var hasher = SHA256()
        for row in try run.query(
            """
            SELECT seq, before_digest, after_digest FROM audit_redaction
            WHERE by_seq = $1 ORDER BY seq
            """, [seq.pg])
        {
            let line = "\(row.int64(0))\u{1F}\(row.text(1) ?? "-")\u{1F}\(row.text(2) ?? "-")\n"
            hasher.update(data: Data(line.utf8))
        }
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// Erases identifying content from the (format 2/3) entries about the presentations
    /// `ids`, leaving for each a voucher that the retention entry `bySeq` vouches for, and
    /// clears the salts of their older row digests (see the SQLite store's `AuditChain.erase`).
    /// The new texts are made here, by the same rule as SQLite's; the change itself is made by
    /// `alongside_retention_erase`, which checks it is exactly that erasure (so a role that may
    /// only INSERT and SELECT on the audit tables can run retention). Returns how many
    /// entries changed.
    static func erase(_ run: PGRunner, presentations ids: [Int64], bySeq: Int64) throws -> Int {
        let entities = ids.map { "P\($0)" }
        func erased(_ text: String?) -> String? {
            guard let text else { return nil }
            guard let value = JSONValue.parse(text) else { return "\"[removed]\"" }
            return value.erasingMembers(
                where: AuditPolicy.isErasable, replacement: .string("[removed]")
            ).text
        }
        var entries: [JSONValue] = []
        var after: Int64 = 0
        while true {
            let rows = try run.query(
                """
                SELECT seq, before, after FROM audit
                WHERE format >= 2 AND salt IS NOT NULL AND entity = ANY ($1::text[]) AND seq > $2
                ORDER BY seq LIMIT \(PGAuditedTable.pageSize)
                """, [PGArray.texts(entities), after.pg])
            for row in rows {
                entries.append(
                    .object([
                        ("seq", .int(Int(row.int64(0)))),
                        ("before", .string(erased(row.text(1)))),
                        ("after", .string(erased(row.text(2)))),
                    ]))
            }
            guard rows.count == PGAuditedTable.pageSize, let last = rows.last else { break }
            after = last.int64(0)
        }
        let n = try run.int(
            "SELECT alongside_retention_erase($1::bigint[], $2, $3::json)",
            [PGArray.ints(ids), bySeq.pg, JSONValue.array(entries).text.pg])
        return Int(n ?? 0)
    }
}
