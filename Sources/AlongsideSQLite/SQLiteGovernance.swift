import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// Settings, legal holds and retention (spec §8) on the SQLite store.

extension SQLiteTransaction {
    func settings() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT key, value FROM setting") {
            result[row[0]] = row[1]
        }
        return result
    }

    func setSetting(_ key: String, _ value: String) throws {
        let before = try String.fetchOne(
            db, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key])
        if before == value { return }
        try db.execute(
            sql: "INSERT OR REPLACE INTO setting(key, value) VALUES (?, ?)",
            arguments: [key, value])
        func view(_ v: String?) -> JSONValue? {
            v.map { .object([("key", .string(key)), ("value", .string($0))]) }
        }
        try audit(
            before == nil ? "insert" : "update", entity: "setting:\(key)", before: view(before),
            after: view(value), record: .setting(key))
    }

    func seedSettings(_ values: [(key: String, value: String)]) throws {
        for (key, value) in values {
            try db.execute(
                sql: "INSERT INTO setting(key, value) VALUES (?, ?)", arguments: [key, value])
        }
        try audit(
            "insert", entity: "setting", before: nil,
            after: .object(values.map { ($0.key, .string($0.value)) }),
            bulk: [RecordSelection(table: .setting, condition: "1", arguments: [])])
    }

    func hold(of number: Int) throws -> HoldRecord? {
        try Row.fetchOne(
            db, sql: "SELECT reason, at FROM hold WHERE presentation_id = ?", arguments: [number]
        ).map { HoldRecord(reason: $0[0], at: Date(storedSeconds: $0[1])) }
    }

    func insertHold(presentation: Int, reason: String, at: Date) throws {
        let before = try hold(of: presentation)
        try db.execute(
            sql: "INSERT OR REPLACE INTO hold(presentation_id, reason, at) VALUES (?, ?, ?)",
            arguments: [presentation, reason, at.storedSeconds])
        try audit(
            "hold", entity: PresentationID.format(presentation),
            before: before.map { .object([("reason", .string($0.reason))]) },
            after: .object([("reason", .string(reason))]), record: .hold(presentation))
    }

    func removeHold(presentation: Int) throws {
        guard let before = try hold(of: presentation) else {
            throw StoreError.notFound(kind: "hold on", id: PresentationID.format(presentation))
        }
        try db.execute(sql: "DELETE FROM hold WHERE presentation_id = ?", arguments: [presentation])
        try audit(
            "hold release", entity: PresentationID.format(presentation),
            before: .object([("reason", .string(before.reason))]), after: nil,
            record: .hold(presentation))
    }

    func hasKeyedEntries() throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM audit WHERE format = 3)") ?? false
    }

    /// Presentations closed before `cutoff`, not on hold, that still hold something
    /// retention removes (in the record or in the content of their audit entries).
    private static let retainable = """
        SELECT id, 'P' || id FROM presentation p
        WHERE closed_at IS NOT NULL AND closed_at < ?
          AND id NOT IN (SELECT presentation_id FROM hold)
          AND (nhs IS NOT NULL OR ref IS NOT NULL OR age_band IS NOT NULL OR gender IS NOT NULL
               OR language IS NOT NULL OR override_reason IS NOT NULL
               OR EXISTS (SELECT 1 FROM decline d WHERE d.presentation_id = p.id
                          AND d.reason IS NOT NULL)
               OR EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'P' || p.id
                          AND a.format >= 2 AND a.salt IS NOT NULL))
        """

    func countIdentifiable(closedBefore cutoff: Date) throws -> Int {
        try Int.fetchOne(
            db, sql: "SELECT count(*) FROM (\(Self.retainable))", arguments: [cutoff.storedSeconds])
            ?? 0
    }

    func removeIdentifiers(closedBefore cutoff: Date) throws -> RetentionRun {
        try db.execute(
            sql: """
                CREATE TEMP TABLE IF NOT EXISTS retained (
                    id INTEGER PRIMARY KEY, entity TEXT NOT NULL);
                DELETE FROM temp.retained;
                """)
        defer { try? db.execute(sql: "DELETE FROM temp.retained") }
        try db.execute(
            sql: "INSERT INTO temp.retained(id, entity) \(Self.retainable)",
            arguments: [cutoff.storedSeconds])
        let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.retained") ?? 0
        try db.execute(
            sql: """
                UPDATE presentation SET nhs = NULL, ref = NULL, age_band = NULL, gender = NULL,
                    language = NULL, override_reason = NULL
                WHERE id IN (SELECT id FROM temp.retained);
                UPDATE decline SET reason = NULL
                WHERE presentation_id IN (SELECT id FROM temp.retained);
                UPDATE correction SET reason = NULL
                WHERE presentation_id IN (SELECT id FROM temp.retained);
                """)
        let seq = (try Int64.fetchOne(db, sql: "SELECT max(seq) FROM audit") ?? 0) + 1
        let erased = try AuditChain.erase(
            db, entitiesIn: "temp.retained",
            recordsWhere: """
                record IN (SELECT 'presentation:' || id FROM temp.retained)
                OR (record LIKE 'decline:%'
                    AND CAST(substr(record, 9) AS INTEGER) IN (SELECT id FROM temp.retained))
                """, bySeq: seq)
        let kept =
            try Int.fetchOne(
                db,
                sql:
                    "SELECT count(*) FROM audit WHERE format = 1 "
                    + "AND entity IN (SELECT entity FROM temp.retained)"
            ) ?? 0
        let written = try audit(
            "retention", entity: nil, before: nil,
            after: .object([
                ("closed_before", .int(Int(cutoff.storedSeconds))), ("presentations", .int(n)),
                ("entries_erased", .int(erased)),
                ("erasures", .string(try AuditChain.voucherDigest(db, by: seq))),
            ]),
            bulk: [
                RecordSelection(
                    table: .presentation, condition: "id IN (SELECT id FROM temp.retained)",
                    arguments: []),
                RecordSelection(
                    table: .decline,
                    condition: "presentation_id IN (SELECT id FROM temp.retained)", arguments: []),
            ], redacting: false)
        precondition(written == seq, "the retention entry took another place in the log")
        return RetentionRun(presentations: n, entriesErased: erased, entriesKept: kept)
    }
}
