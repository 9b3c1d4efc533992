import AlongsideCore
import AlongsideStore
import Foundation

// Settings, legal holds and retention (spec §8) on the trust database.

extension PostgresTransaction {
    func settings() throws -> [String: String] {
        var result: [String: String] = [:]
        for row in try run.query("SELECT key, value FROM setting") {
            result[row.string(0)] = row.string(1)
        }
        return result
    }

    func setSetting(_ key: String, _ value: String) throws {
        let before = try run.text("SELECT value FROM setting WHERE key = $1", [key.pg])
        if before == value { return }
        try run.execute(
            """
            INSERT INTO setting(key, value) VALUES ($1, $2)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [key.pg, value.pg])
        func view(_ v: String?) -> JSONValue? {
            v.map { .object([("key", .string(key)), ("value", .string($0))]) }
        }
        try audit(
            before == nil ? "insert" : "update", entity: "setting:\(key)", before: view(before),
            after: view(value), record: .setting(key))
    }

    func seedSettings(_ values: [(key: String, value: String)]) throws {
        try run.insertMany(
            "setting", columns: ["key", "value"], rows: values.map { [$0.key.pg, $0.value.pg] })
        try audit(
            "insert", entity: "setting", before: nil,
            after: .object(values.map { ($0.key, .string($0.value)) }),
            bulk: [PGRecordSelection(.setting)])
    }

    func hold(of number: Int) throws -> HoldRecord? {
        try run.one("SELECT reason, at FROM hold WHERE presentation_id = $1", [number.pg]).map {
            HoldRecord(reason: $0.string(0), at: $0.date(1))
        }
    }

    func insertHold(presentation: Int, reason: String, at: Date) throws {
        let before = try hold(of: presentation)
        try run.execute(
            """
            INSERT INTO hold(presentation_id, reason, at) VALUES ($1, $2, $3)
            ON CONFLICT (presentation_id) DO UPDATE SET reason = excluded.reason, at = excluded.at
            """, [presentation.pg, reason.pg, at.pg])
        try audit(
            "hold", entity: PresentationID.format(presentation),
            before: before.map { .object([("reason", .string($0.reason))]) },
            after: .object([("reason", .string(reason))]), record: .hold(presentation))
    }

    func removeHold(presentation: Int) throws {
        guard let before = try hold(of: presentation) else {
            throw StoreError.notFound(kind: "hold on", id: PresentationID.format(presentation))
        }
        try run.execute("DELETE FROM hold WHERE presentation_id = $1", [presentation.pg])
        try audit(
            "hold release", entity: PresentationID.format(presentation),
            before: .object([("reason", .string(before.reason))]), after: nil,
            record: .hold(presentation))
    }

    func hasKeyedEntries() throws -> Bool {
        try run.one("SELECT 1 FROM audit WHERE format = 3 LIMIT 1") != nil
    }

    /// Presentations closed before `$1`, not on hold, that still hold something retention
    /// removes (in the record or in the content of their audit entries).
    private static let retainable = """
        SELECT id FROM presentation p
        WHERE closed_at IS NOT NULL AND closed_at < $1
          AND NOT EXISTS (SELECT 1 FROM hold h WHERE h.presentation_id = p.id)
          AND (nhs IS NOT NULL OR ref IS NOT NULL OR age_band IS NOT NULL OR gender IS NOT NULL
               OR language IS NOT NULL OR override_reason IS NOT NULL
               OR EXISTS (SELECT 1 FROM decline d WHERE d.presentation_id = p.id
                          AND d.reason IS NOT NULL)
               OR EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'P' || p.id
                          AND a.format >= 2 AND a.salt IS NOT NULL))
        """

    func countIdentifiable(closedBefore cutoff: Date) throws -> Int {
        Int(try run.int("SELECT count(*) FROM (\(Self.retainable)) r", [cutoff.pg]) ?? 0)
    }

    func removeIdentifiers(closedBefore cutoff: Date) throws -> RetentionRun {
        let ids = try run.query(Self.retainable + " ORDER BY id", [cutoff.pg]).map {
            $0.int64(0)
        }
        let n = ids.count
        let idList = PGArray.ints(ids)
        try run.execute(
            """
            UPDATE presentation SET nhs = NULL, ref = NULL, age_band = NULL, gender = NULL,
                language = NULL, override_reason = NULL
            WHERE id = ANY ($1::bigint[])
            """, [idList])
        try run.execute(
            "UPDATE decline SET reason = NULL WHERE presentation_id = ANY ($1::bigint[])", [idList])
        try run.execute(
            "UPDATE correction SET reason = NULL WHERE presentation_id = ANY ($1::bigint[])",
            [idList])
        let seq = (try run.int("SELECT max(seq) FROM audit") ?? 0) + 1
        let erased = try PGAuditChain.erase(run, presentations: ids, bySeq: seq)
        let kept = Int(
            try run.int(
                "SELECT count(*) FROM audit WHERE format = 1 AND entity = ANY ($1::text[])",
                [PGArray.texts(ids.map { "P\($0)" })]) ?? 0)
        let written = try audit(
            "retention", entity: nil, before: nil,
            after: .object([
                ("closed_before", .int(Int(cutoff.storedSeconds))), ("presentations", .int(n)),
                ("entries_erased", .int(erased)),
                ("erasures", .string(try PGAuditChain.voucherDigest(run, by: seq))),
            ]),
            bulk: [
                PGRecordSelection(.presentation, "id = ANY ($1::bigint[])", [idList]),
                PGRecordSelection(.decline, "presentation_id = ANY ($1::bigint[])", [idList]),
            ], redacting: false)
        precondition(written == seq, "the retention entry took another place in the log")
        return RetentionRun(presentations: n, entriesErased: erased, entriesKept: kept)
    }
}
