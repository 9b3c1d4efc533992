import AlongsideCore
import Foundation
import GRDB
import Testing

@testable import AlongsideStore
@testable import AlongsideSQLite

/// A database written before v4-audit: its entries (format 1) still verify after the
/// upgrade, one baseline entry accounts for the records it held, and tampering with an old
/// entry is still found.
@Suite("Audit upgrade from v3")
struct AuditUpgradeTests {
    /// A v3 database with a staff member and a mentor, audited the v1–v3 way.
    func v3Database() throws -> (URL, String) {
        let root = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let path = root.appendingPathComponent("old.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Migrations.migrator.migrate(queue, upTo: "v3")
        try queue.write { db in
            try db.execute(sql: "INSERT INTO staff(name, role) VALUES ('ann', 'admin')")
            try db.execute(
                sql: "INSERT INTO mentor(id, name, capacity) VALUES ('M1', 'Amy', 2)")
            var prev = AuditPolicy.genesis
            for (seq, entity, after) in [
                (Int64(1), "staff:ann", #"{"name":"ann","role":"admin","has_pin":false}"#),
                (Int64(2), "M1", #"{"id":"M1","name":"Amy"}"#),
            ] {
                let hash = AuditPolicy.hashV1(
                    seq: seq, at: 1_700_000_000 + seq, actor: "ann", command: "old",
                    action: "insert", entity: entity, before: nil, after: after, prevHash: prev)
                try db.execute(
                    sql: """
                        INSERT INTO audit(seq, at, actor, command, action, entity, before, after,
                            prev_hash, hash) VALUES (?, ?, 'ann', 'old', 'insert', ?, NULL, ?, ?, ?)
                        """, arguments: [seq, 1_700_000_000 + seq, entity, after, prev, hash])
                try db.execute(
                    sql: "INSERT OR REPLACE INTO meta(key, value) VALUES ('audit_head', ?)",
                    arguments: ["\(seq):\(hash)"])
                prev = hash
            }
        }
        try queue.close()
        // As the console made them: private to their owner.
        chmod(path, 0o600)
        return (root, path)
    }

    @Test func oldEntriesVerifyAndTheBaselineAccountsForTheRecords() throws {
        let (root, path) = try v3Database()
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(path: path)
        let verified = try store.verifyAudit()
        #expect(verified.problems.isEmpty, "\(verified.problems)")
        #expect(verified.entries == 3)
        #expect(try store.check().isEmpty)
        let formats = try store.queue.read { db in
            try Int.fetchAll(db, sql: "SELECT format FROM audit ORDER BY seq")
        }
        #expect(formats == [1, 1, 2])
        // Opening again writes no second baseline.
        #expect(try SQLiteStore(path: path).verifyAudit().entries == 3)
        // An old entry edited is still found.
        try store.queue.write { db in
            try db.execute(sql: "DROP TRIGGER audit_no_update")
            try db.execute(
                sql: #"UPDATE audit SET after = '{"id":"M1","name":"Eve"}' WHERE seq = 2"#)
        }
        #expect(try store.verifyAudit().problems.contains("entry 2 has been altered"))
    }

    /// A digest the console writes (retention's erasures) may hold ten digits in a row that
    /// pass Modulus 11; it is stored as written, so verification can compare it.
    @Test func generatedDigestsAreNotTakenForNHSNumbers() throws {
        let queue = try DatabaseQueue()
        try Migrations.migrator.migrate(queue)
        let digest = "ab9434765919cd"
        try queue.write { db in
            let context = ActingContext(actor: "a", command: "t", at: Date(storedSeconds: 1))
            for redacting in [true, false] {
                try AuditChain.append(
                    db, context: context, key: .none, action: "x", entity: nil, before: nil,
                    after: .object([("erasures", .string(digest))]), redacting: redacting)
            }
        }
        let stored = try queue.read { try String.fetchAll($0, sql: "SELECT after FROM audit") }
        #expect(stored == [#"{"erasures":"ab[NHS number]cd"}"#, #"{"erasures":"ab9434765919cd"}"#])
    }
}
