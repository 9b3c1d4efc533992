import AlongsideCore
import AlongsideStore
import Foundation
import PostgresTestSupport
import Testing

@testable import AlongsidePostgres

// Statements prepared on the connection (issue 16): a statement run a second time in
// transactions is prepared before the next transaction and run by name from then on, with
// the same results, the same errors, and the same meaning as when it ran unnamed.

private func preparingConnection(_ name: String) throws -> PGConnection {
    let cluster = try #require(try PostgresCluster.shared())
    let (text, password) = try cluster.newDatabase(name: name)
    return try PGConnection.connect(PostgresURL.parse(text), password: password, preparing: true)
}

/// Runs `body` in one transaction of `connection`, as the store runs its commands.
private func transaction<T>(_ connection: PGConnection, _ body: (PGRunner) throws -> T) throws
    -> T
{
    let run = PGRunner(connection, opening: ["BEGIN"])
    do {
        let result = try body(run)
        try run.execute("COMMIT")
        return result
    } catch {
        _ = try? connection.execute("ROLLBACK")
        throw error
    }
}

/// A store on a fresh database, with what a raw connection to it needs.
private func storeAndRaw(_ name: String) throws -> (PostgresStore, PostgresURL, String) {
    let cluster = try #require(try PostgresCluster.shared())
    let (text, password) = try cluster.newDatabase(name: name)
    let url = try PostgresURL.parse(text)
    return (try PostgresStore(url: url, password: password), url, password)
}

private let context = ActingContext(
    actor: "alice", command: "staff add", at: Date(timeIntervalSince1970: 1_794_820_445))

@Suite("PostgreSQL prepared statements", .enabled(if: (try? PostgresCluster.shared()) != nil))
struct PGPreparedStatementTests {
    @Test func aStatementRunAgainRunsByNameWithTheSameResults() throws {
        let db = try preparingConnection("prepared")
        defer { db.close() }
        try db.simple(
            """
            CREATE TABLE t (id bigint PRIMARY KEY, note text, doc json, at bigint);
            INSERT INTO t VALUES (5, 'five', '{"a": 1}', NULL)
            """)
        let values: [PGValue] = [
            .int(41), .text("héllo 'x' ✓"), .null, .bool(true), .double(-2.5), .bytes([0, 255]),
            .text(#"{"b": [1, 2]}"#),
        ]
        let select =
            "SELECT $1::int8 + 1, $2::text, $3::text IS NULL, $4::bool, $5::float8, $6::bytea, "
            + "$7::json"
        let expected: [PGValue] = [
            .int(42), .text("héllo 'x' ✓"), .bool(true), .bool(true), .double(-2.5),
            .bytes([0, 255]), .text(#"{"b": [1, 2]}"#),
        ]
        // Text that the server reads as a bigint: the statement may not run by name (a named
        // statement sends text binds as bytes), so it stays unnamed, and still gives its row.
        let byTextID = "SELECT note FROM t WHERE id = $1"
        for _ in 0..<4 {
            try transaction(db) { run in
                #expect(try run.query(select, values).first?.values == expected)
                #expect(try run.query(byTextID, [.text("5")]).first?.text(0) == "five")
                #expect(try run.query(byTextID, [.int(5)]).first?.text(0) == "five")
                let add = "UPDATE t SET at = coalesce(at, 0) + $1 WHERE id = $2"
                try run.execute(add, [.int(1), .int(5)])
            }
        }
        #expect(db.namedStatements == 3)
        #expect(try db.query("SELECT at FROM t").first?.int(0) == 4)
    }

    @Test func aStatementByNameFailsAsItWouldUnnamed() throws {
        let db = try preparingConnection("prepared_errors")
        defer { db.close() }
        try db.simple("CREATE TABLE u (id bigint PRIMARY KEY, note text)")
        let insert = "INSERT INTO u(id, note) VALUES ($1, $2)"
        for id in 1...3 {
            try transaction(db) { try $0.execute(insert, [.int(Int64(id)), .text("n")]) }
        }
        #expect(db.namedStatements == 1)
        let error = #expect(throws: StoreError.self) {
            try transaction(db) { try $0.execute(insert, [.int(2), .text("again")]) }
        }
        #expect(error?.description.contains("the change breaks a rule") == true)
        // The connection carries on.
        try transaction(db) { try $0.execute(insert, [.int(4), .text("n")]) }
        #expect(try db.query("SELECT count(*) FROM u").first?.int(0) == 4)
    }

    @Test func aStatementWhosePlanCannotBeUsedAgainRunsUnnamed() throws {
        let db = try preparingConnection("prepared_stale")
        defer { db.close() }
        try db.simple("CREATE TABLE v (id bigint PRIMARY KEY); INSERT INTO v VALUES (1)")
        let all = "SELECT * FROM v WHERE id >= $1"
        for _ in 0..<3 {
            _ = try transaction(db) { try $0.query(all, [.int(0)]) }
        }
        #expect(db.namedStatements == 1)
        // The table's columns change (here on the same connection; another session's change
        // does the same).
        try db.simple("ALTER TABLE v ADD COLUMN note text")
        let run = PGRunner(db, opening: ["BEGIN"])
        #expect(throws: StoreError.self) { try run.query(all, [.int(0)]) }
        #expect(run.failure?.isStalePlan == true)
        _ = try db.execute("ROLLBACK")
        #expect(db.namedStatements == 0)
        let rows = try transaction(db) { try $0.query(all, [.int(0)]) }
        #expect(rows.first?.columns == ["id", "note"])
    }

    @Test func theStoreRunsACommandAgainWhenAPlanWentStale() throws {
        let (store, url, password) = try storeAndRaw("prepared_store")
        defer { store.close() }
        try store.write(context) { try $0.upsertStaff(StaffMember(name: "alice", role: .admin)) }
        for _ in 0..<3 {
            #expect(try store.read { try $0.staffMember("alice") }?.role == .admin)
        }
        // Behind the console's back, a column the read returns changes its type.
        let raw = try PGConnection.connect(url, password: password)
        defer { raw.close() }
        try raw.simple(#"ALTER TABLE staff ALTER COLUMN role TYPE varchar COLLATE "C""#)
        #expect(try store.read { try $0.staffMember("alice") }?.role == .admin)
    }

    @Test func aConnectionLostUnderANamedStatementSaysSoInPlainWords() throws {
        let (store, url, password) = try storeAndRaw("prepared_lost")
        defer { store.close() }
        let admin = try PGConnection.connect(url, password: password)
        defer { admin.close() }
        for _ in 0..<3 {
            try store.write(context) { _ = try $0.staffMember("alice") }
        }
        // Whether the server's farewell (57P01) answers the statement, or the connection is
        // seen closed while it waits or before it goes, is a race: each way, the words an
        // unnamed statement gets.
        let plain = [
            "the trust database at \(url.place) was shut down while in use; run the command "
                + "again once it is back",
            "the connection to the trust database at \(url.place) was lost; run the command "
                + "again once the server is reachable",
            "the connection to the trust database at \(url.place) is closed",
        ]
        let error = #expect(throws: StoreError.self) {
            try store.write(context) { tx in
                _ = try tx.staffMember("alice")
                try admin.execute(
                    """
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                    """)
                _ = try tx.staffMember("alice")
            }
        }
        #expect(plain.contains(error?.description ?? ""), "\(String(describing: error))")
        // The next command connects again.
        #expect(try store.read { try $0.staffMember("alice") } == nil)
    }
}
