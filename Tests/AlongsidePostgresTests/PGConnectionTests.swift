import AlongsideStore
import Foundation
import PostgresTestSupport
import Testing

@testable import AlongsidePostgres

/// The throwaway cluster, or nil (and the test is skipped) when PostgreSQL is not installed.
private let cluster: PostgresCluster? = try? PostgresCluster.shared()
private let clusterError: (any Error)? = {
    do {
        _ = try PostgresCluster.shared()
        return nil
    } catch {
        return error
    }
}()

/// A connection to a fresh database of the shared cluster.
private func freshConnection(_ name: String) throws -> (PGConnection, PostgresCluster) {
    let cluster = try #require(try PostgresCluster.shared())
    let (text, password) = try cluster.newDatabase(name: name)
    #expect(!text.contains(password))
    return (try PGConnection.connect(PostgresURL.parse(text), password: password), cluster)
}

@Suite("PostgreSQL connection", .enabled(if: cluster != nil || clusterError != nil))
struct PGConnectionTests {
    @Test func theClusterStarts() throws {
        if let clusterError { Issue.record("the test cluster did not start: \(clusterError)") }
        let cluster = try #require(cluster)
        #expect(cluster.port > 0)
        #expect(cluster.url(database: "x")
            == "postgres://alongside_admin@127.0.0.1:\(cluster.port)/x")
    }

    @Test func everyValueRoundTrips() throws {
        let (db, _) = try freshConnection("roundtrip")
        defer { db.close() }
        let values: [PGValue] = [
            .null, .int(-9_223_372_036_854_775_807), .int(42), .text("héllo 'world' ✓"),
            .bool(true), .bool(false), .double(-2.5e-300), .bytes([0, 1, 254, 255]), .text(""),
            .bytes([]),
        ]
        let casts = [
            "text", "int8", "int8", "text", "bool", "bool", "float8", "bytea", "text", "bytea",
        ]
        let sql = "SELECT " + casts.enumerated().map { "$\($0.offset + 1)::\($0.element)" }
            .joined(separator: ", ")
        let rows = try db.query(sql, values)
        #expect(rows.count == 1)
        #expect(rows[0].values == values)
        #expect(rows[0].int(2) == 42)
        #expect(rows[0].text(3) == "héllo 'world' ✓")
        #expect(rows[0].bool(4) == true)
        #expect(rows[0].double(6) == -2.5e-300)
        #expect(rows[0].bytes(7) == [0, 1, 254, 255])
        #expect(rows[0].int(0) == nil && rows[0].isNull(0))
    }

    @Test func serverTypesDecode() throws {
        let (db, _) = try freshConnection("types")
        defer { db.close() }
        let row = try #require(try db.query("""
            SELECT 7::int2 AS small, 70000::int4 AS mid, 12345678901::int8 AS big,
                   1.25::float4, 1234.5678::numeric, (-0.000123)::numeric(12,6), 0::numeric,
                   'NaN'::numeric, 'v'::varchar(3), 'ab'::char(4), 'nm'::name, '{"a":1}'::json,
                   '{"a": 1}'::jsonb, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, NULL::int4,
                   '\\x00ff'::bytea, 1e300::numeric * 10
            """).first)
        #expect(row.columns.prefix(3) == ["small", "mid", "big"])
        #expect(row["big"] == .int(12_345_678_901))
        #expect(row.int(0) == 7 && row.int(1) == 70000)
        #expect(row.double(3) == 1.25)
        #expect(row.double(4) == 1234.5678)
        #expect(row.double(5) == -0.000123)
        #expect(row.double(6) == 0)
        #expect(row.double(7)?.isNaN == true)
        #expect(row.text(8) == "v" && row.text(9) == "ab  " && row.text(10) == "nm")
        #expect(row.text(11) == #"{"a":1}"# && row.text(12) == #"{"a": 1}"#)
        #expect(row.text(13) == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        #expect(row[14] == .null)
        #expect(row.bytes(15) == [0, 255])
        #expect(row.double(16) == 1e301)
    }

    @Test func untypedTextTakesTheColumnsType() throws {
        let (db, _) = try freshConnection("untyped")
        defer { db.close() }
        try db.simple("""
            CREATE TABLE e (id int4 PRIMARY KEY, at timestamptz NOT NULL, n numeric, note text);
            """)
        let inserted = try db.execute(
            "INSERT INTO e VALUES ($1, $2, $3, $4), ($5, $6, NULL, $7)",
            [.int(1), .text("2025-03-01T10:00:00Z"), .double(2.5), .null,
             .int(2), .text("2025-03-02 11:30:00+00"), .text("second")])
        #expect(inserted == 2)
        let rows = try db.query(
            """
            SELECT id, extract(epoch FROM at)::int8, n, note FROM e
            WHERE id = $1 OR at > $2 ORDER BY id
            """,
            [.text("1"), .text("2025-03-02T00:00:00Z")])
        #expect(rows.map(\.values) == [
            [.int(1), .int(1_740_823_200), .double(2.5), .null],
            [.int(2), .int(1_740_915_000), .null, .text("second")],
        ])
        #expect(try db.execute("UPDATE e SET note = $1 WHERE id > $2", [.text("x"), .int(0)]) == 2)
    }

    @Test func anUnreadableTypeSaysToCast() throws {
        let (db, _) = try freshConnection("unreadable")
        defer { db.close() }
        let error = #expect(throws: StoreError.self) { try db.query("SELECT now() AS at") }
        #expect(error?.description.contains("column 'at'") == true)
        #expect(error?.description.contains("cast it in the query") == true)
        #expect(try db.query("SELECT now()::text").count == 1)
    }

    @Test func aUniqueViolationReportsItsSQLState() throws {
        let (db, _) = try freshConnection("sqlstate")
        defer { db.close() }
        try db.simple("CREATE TABLE m (id text PRIMARY KEY); INSERT INTO m VALUES ('M1')")
        let error = #expect(throws: PGServerError.self) {
            try db.execute("INSERT INTO m VALUES ($1)", [.text("M1")])
        }
        #expect(error?.sqlState == "23505")
        #expect(error?.constraint == "m_pkey")
        #expect(error?.message.contains("INSERT") == false)
        let plain = PGConnection.storeError(try #require(error), url: db.url)
        #expect(plain.description.hasPrefix("the trust database failed: duplicate key value"))
        // The connection is still good afterwards.
        #expect(try db.query("SELECT count(*) FROM m").first?.int(0) == 1)
    }

    @Test func aSyntaxErrorDoesNotEchoTheSQL() throws {
        let (db, _) = try freshConnection("syntax")
        defer { db.close() }
        let error = #expect(throws: PGServerError.self) {
            try db.query("SELEKT secret_column FROM nowhere")
        }
        #expect(error?.sqlState == "42601")
        #expect(error?.message.contains("secret_column") == false)
    }

    @Test func transactionsCommitOrRollBack() throws {
        let (db, _) = try freshConnection("transactions")
        defer { db.close() }
        try db.simple("CREATE TABLE c (n int8)")
        try db.transaction(.serializable) {
            try db.execute("INSERT INTO c VALUES (1)")
        }
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction {
                try db.execute("INSERT INTO c VALUES (2)")
                throw Stop()
            }
        }
        // A caught error inside leaves the transaction aborted: COMMIT says so.
        let aborted = #expect(throws: PGServerError.self) {
            try db.transaction {
                try db.execute("INSERT INTO c VALUES (3)")
                _ = try? db.execute("INSERT INTO c VALUES ('not a number')")
            }
        }
        #expect(aborted?.sqlState == "25P02")
        #expect(try db.query("SELECT n FROM c ORDER BY n").map { $0.int(0) } == [1])
        try db.simple("BEGIN; INSERT INTO c VALUES (4); COMMIT")
        #expect(try db.query("SELECT count(*) FROM c").first?.int(0) == 2)
    }

    @Test func aSerializationFailureIsRetryable() throws {
        let (a, cluster) = try freshConnection("serial")
        defer { a.close() }
        let b = try PGConnection.connect(a.url, password: cluster.password)
        defer { b.close() }
        try a.simple("CREATE TABLE s (k int PRIMARY KEY, v int); INSERT INTO s VALUES (1, 0)")
        try a.simple("BEGIN ISOLATION LEVEL SERIALIZABLE")
        try b.simple("BEGIN ISOLATION LEVEL SERIALIZABLE")
        _ = try a.query("SELECT v FROM s WHERE k = 1")
        _ = try b.query("SELECT v FROM s WHERE k = 1")
        try a.execute("UPDATE s SET v = v + 1 WHERE k = 1")
        try a.simple("COMMIT")
        let error = #expect(throws: PGServerError.self) {
            try b.execute("UPDATE s SET v = v + 1 WHERE k = 1")
        }
        #expect(error?.sqlState == "40001")
        #expect(error?.isRetryable == true)
        try b.simple("ROLLBACK")
    }

    @Test func theUnixSocketWorks() throws {
        let cluster = try #require(try PostgresCluster.shared())
        let url = try PostgresURL.parse(cluster.socketURL(database: "postgres"))
        let db = try PGConnection.connect(url, password: cluster.password)
        defer { db.close() }
        #expect(try db.query("SELECT 1").first?.int(0) == 1)
    }

    @Test func aWrongPasswordIsRefusedInPlainWords() throws {
        let cluster = try #require(try PostgresCluster.shared())
        let url = try PostgresURL.parse(cluster.url(database: "postgres"))
        let wrong = "not-the-\(cluster.password)"
        let error = #expect(throws: StoreError.self) {
            try PGConnection.connect(url, password: wrong)
        }
        #expect(error == .storage(
            "the trust database refused alongside_admin's password; set $PGPASSWORD or ~/.pgpass"))
        #expect(!(error?.description.contains(wrong) ?? true))
        let none = #expect(throws: StoreError.self) {
            try PGConnection.connect(url, password: nil)
        }
        #expect(none?.description.contains("$PGPASSWORD") == true)
    }

    @Test func anUnknownDatabaseIsNamed() throws {
        let cluster = try #require(try PostgresCluster.shared())
        let url = try PostgresURL.parse(cluster.url(database: "no_such_db"))
        let error = #expect(throws: StoreError.self) {
            try PGConnection.connect(url, password: cluster.password)
        }
        guard case .incompatible(let message) = error else {
            Issue.record("expected incompatible, got \(String(describing: error))")
            return
        }
        #expect(message.hasPrefix("no database no_such_db on 127.0.0.1"))
    }

    @Test func anUnreachablePortSaysCannotReach() throws {
        // A port the cluster does not use, on loopback, with nothing listening: the kernel's
        // pick for a fresh socket is free at that moment.
        let cluster = try #require(try PostgresCluster.shared())
        let url = PostgresURL(
            user: "alongside_admin", host: "127.0.0.1", port: 1, database: "postgres")
        let error = #expect(throws: StoreError.self) {
            try PGConnection.connect(url, password: cluster.password)
        }
        #expect(error == .storage(
            "cannot reach the trust database at 127.0.0.1:1 (is the server running?)"))
    }

    @Test func closedMeansClosed() throws {
        let (db, _) = try freshConnection("closing")
        db.close()
        #expect(db.isClosed)
        let error = #expect(throws: StoreError.self) { try db.query("SELECT 1") }
        #expect(error?.description.contains("is closed") == true)
        db.close()
    }

    @Test func databasesAreFreshAndDistinct() throws {
        let cluster = try #require(try PostgresCluster.shared())
        let one = try cluster.newDatabase(name: "Same Name!")
        let two = try cluster.newDatabase(name: "Same Name!")
        #expect(one.url != two.url)
        #expect(one.url.hasPrefix(
            "postgres://alongside_admin@127.0.0.1:\(cluster.port)/same_name__"))
        let db = try PGConnection.connect(PostgresURL.parse(one.url), password: one.password)
        defer { db.close() }
        #expect(try db.query("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
            .first?.int(0) == 0)
    }

    @Test func thePasswordFileIsUsed() throws {
        let cluster = try #require(try PostgresCluster.shared())
        let (text, password) = try cluster.newDatabase(name: "pgpass")
        let url = try PostgresURL.parse(text)
        let home = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgpass-home-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let line = "127.0.0.1:\(url.port):*:alongside_admin:\(password)\n"
        #expect(FileManager.default.createFile(
            atPath: home + "/.pgpass", contents: Data(line.utf8),
            attributes: [.posixPermissions: 0o600]))
        let found = PGPassword.lookup(url: url, environment: [:], homeDirectory: home)
        let db = try PGConnection.connect(url, password: found)
        defer { db.close() }
        #expect(try db.query("SELECT current_user::text").first?.text(0) == "alongside_admin")
    }
}
