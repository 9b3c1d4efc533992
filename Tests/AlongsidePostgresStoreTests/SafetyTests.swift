import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@testable import AlongsidePostgres

// Migrations, the audit guards, `check`, the write lock, busy waits, concurrency and the
// application's role, on a real server.

@Suite("PostgreSQL store safety", .enabled(if: Fixture.available))
struct SafetyTests {
    @Test func migrationsRunOnceAndReopeningKeepsTheData() throws {
        let db = try Fixture.database("migrations")
        do {
            let store = try PostgresStore(url: db.url, password: db.password)
            try store.write(context("mentor add")) { try $0.insertMentor(amy) }
            store.close()
        }
        for _ in 0..<2 {
            let again = try PostgresStore(url: db.url, password: db.password)
            #expect(try again.read { try $0.mentor("amy-w") } == amy)
            #expect(try again.verifyAudit() == ([], 1))
            again.close()
        }
        let raw = try Fixture.raw(db.url, db.password)
        defer { raw.close() }
        let ids = try raw.query("SELECT id FROM alongside_migrations").map { $0.string(0) }
        #expect(ids == PostgresSchema.migrations.map(\.id))
        // A newer Alongside's migration is refused.
        try raw.execute("INSERT INTO alongside_migrations VALUES ('pg99-future', 0)")
        #expect(
            throws: StoreError.incompatible(
                "this database was written by a newer Alongside; upgrade before using it")
        ) {
            try PostgresStore(url: db.url, password: db.password)
        }
    }

    @Test func aDatabaseWithOtherTablesIsRefused() throws {
        let db = try Fixture.database("foreign")
        let raw = try Fixture.raw(db.url, db.password)
        defer { raw.close() }
        try raw.execute("CREATE TABLE invoices (id bigint)")
        #expect(
            throws: StoreError.incompatible(
                "the database \(db.url.database) holds tables but is not an Alongside database; "
                    + "choose another with --db")
        ) {
            try PostgresStore(url: db.url, password: db.password)
        }
    }

    @Test func twoConsolesOpeningANewDatabaseTogetherMigrateItOnce() throws {
        let db = try Fixture.database("together")
        let errors = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 3) { _ in
            do {
                let store = try PostgresStore(url: db.url, password: db.password)
                store.close()
            } catch {
                errors.update { $0.append("\(error)") }
            }
        }
        #expect(errors.value == [])
    }

    @Test func theGuardsRefuseUpdateDeleteAndTruncate() throws {
        let (store, url, password) = try Fixture.store("guards")
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        _ = try store.write(context("register")) {
            try $0.insertPresentations([person(), person()])
        }
        let raw = try Fixture.raw(url, password)
        defer { raw.close() }
        for sql in [
            "UPDATE audit SET actor = 'mallory'", "DELETE FROM audit", "TRUNCATE audit",
            "UPDATE audit_row SET state = 'x'", "DELETE FROM audit_row", "TRUNCATE audit_row",
        ] {
            #expect(throws: (any Error).self, "\(sql)") { try raw.execute(sql) }
        }
        for sql in [
            "UPDATE audit SET actor = 'mallory'", "DELETE FROM audit_row WHERE seq = 2",
            "TRUNCATE audit_redaction", "TRUNCATE site_audit", "TRUNCATE audit, mentor",
        ] {
            do {
                try raw.execute(sql)
                Issue.record("\(sql) was allowed")
            } catch let error as PGServerError {
                #expect(error.message.contains("append-only"), "\(sql)")
            }
        }
        #expect(try store.verifyAudit() == ([], 2))
        #expect(try store.check() == [])
        // Through the store, the words are plain.
        let text = PostgresErrors.plain(
            PGServerError(sqlState: "P0001", message: "the audit log is append-only"), url: url)
        #expect(
            text == .storage("the audit log is append-only; entries cannot be changed or removed"))
    }

    @Test func checkFindsARecordChangedBehindTheConsolesBack() throws {
        let (store, url, password) = try Fixture.store("behind")
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        try store.write(context("register")) { _ = try $0.insertPresentation(person()) }
        #expect(try store.check() == [])
        let raw = try Fixture.raw(url, password)
        defer { raw.close() }
        try raw.execute("UPDATE mentor SET capacity = 9")
        try raw.execute(
            "INSERT INTO shift(id, mentor_id, start, \"end\") VALUES (50, 'amy-w', 0, 10)")
        try raw.execute("DELETE FROM presentation")
        #expect(
            try store.check() == [
                "mentor amy-w differs from the state its last audit entry (1) records: it was "
                    + "changed behind the console's back",
                "shift 50 has no audit entry: it was written behind the console's back",
                "P1 was deleted without an audit entry (its last entry is 2)",
            ])
        // A guard disabled or dropped is found.
        try raw.execute("ALTER TABLE audit DISABLE TRIGGER audit_no_update")
        try raw.execute("DROP TRIGGER audit_row_no_truncate ON audit_row")
        try raw.execute(
            "CREATE OR REPLACE FUNCTION alongside_append_only() RETURNS trigger "
                + "LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$")
        let problems = try store.verifyAudit().problems
        #expect(
            problems.contains(
                "the audit guard audit_no_update has been disabled: the log is not protected"))
        #expect(
            problems.contains(
                "the audit guard audit_row_no_truncate is missing: the log is not protected"))
        #expect(problems.contains("the audit function alongside_append_only has been changed"))
        // And an entry edited once the guard is off.
        try raw.execute("UPDATE audit SET actor = 'mallory' WHERE seq = 1")
        #expect(try store.verifyAudit().problems.contains("entry 1 has been altered"))
    }

    @Test func theLogVerifiesAfterManyWrites() throws {
        let (store, _, _) = try Fixture.store("many")
        try store.write(context("mentor add")) { tx in
            for i in 1...20 { try tx.insertMentor(mentor("M\(i)")) }
        }
        for i in 0..<60 {
            let n = try store.write(context("register")) {
                try $0.insertPresentation(person(at: t0.addingTimeInterval(Double(i))))
            }
            try store.write(context("assign")) { tx in
                var p = try #require(try tx.presentation(n))
                p.mentorID = "M\(i % 20 + 1)"
                p.assignedAt = t0
                try tx.updatePresentation(p)
                try tx.insertDecline(
                    presentation: n, mentor: "M\((i + 1) % 20 + 1)", at: t0, reason: nil)
            }
        }
        _ = try store.write(context("demo")) {
            try $0.insertPresentations((0..<6000).map { _ in person() })
        }
        let result = try store.verifyAudit()
        #expect(result.problems == [])
        #expect(result.entries == 20 + 60 * 3 + 1)
        #expect(try store.check() == [])
        #expect(try store.read { try $0.presentation(6060)?.number } == 6060)
    }

    @Test func aWriteThatThrowsLeavesNothingAndTheNextNumberIsTheSame() throws {
        let (store, _, _) = try Fixture.store("rollback")
        struct Boom: Error {}
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        #expect(throws: Boom.self) {
            try store.write(context("register")) { tx in
                _ = try tx.insertPresentation(person())
                throw Boom()
            }
        }
        #expect(throws: StoreError.self) {
            // A statement the server refuses inside a body that carries on: nothing is kept.
            try store.write(context("shift add")) { tx in
                _ = try? tx.insertShift(
                    Shift(
                        mentorID: "nobody",
                        span: TimeSpan(start: t0, end: t0.addingTimeInterval(60))))
                _ = try tx.insertPresentation(person())
            }
        }
        #expect(try store.write(context("register")) { try $0.insertPresentation(person()) } == 1)
        #expect(try store.verifyAudit() == ([], 2))
    }

    @Test func aWriteWaitsForAnotherAndThenSaysBusy() throws {
        let (store, url, password) = try Fixture.store("busy", lockTimeoutMilliseconds: 200)
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        let other = try Fixture.raw(url, password)
        defer { other.close() }
        try other.execute("BEGIN")
        try other.execute("SELECT pg_advisory_xact_lock(\(PostgresStore.writeLockKey))")
        #expect(
            throws: StoreError.busy(
                "another console kept the trust database busy for over a minute; try again")
        ) {
            try store.write(context("mentor add")) { try $0.insertMentor(mentor("M1")) }
        }
        // Reads never wait for a writer.
        #expect(try store.read { try $0.mentors().count } == 1)
        try other.execute("ROLLBACK")
        try store.write(context("mentor add")) { try $0.insertMentor(mentor("M1")) }
        #expect(try store.read { try $0.mentors().count } == 2)
        #expect(try store.verifyAudit() == ([], 2))
    }

    @Test func consolesRacingForTheSamePlacesNeverOverbook() throws {
        let db = try Fixture.database("race")
        let setup = try PostgresStore(url: db.url, password: db.password)
        try setup.write(context("mentor add")) { tx in
            try tx.insertMentor(mentor("M1", capacity: 3))
            try tx.insertMentor(mentor("M2", capacity: 2))
        }
        let numbers = try setup.write(context("register")) {
            try #require(try $0.insertPresentations((0..<12).map { _ in person() }))
        }
        setup.close()
        let consoles = 3
        let stores = try (0..<consoles).map { _ in
            try PostgresStore(url: db.url, password: db.password)
        }
        let assigned = Locked<[Int: String]>([:])
        let failures = Locked<[String]>([])
        DispatchQueue.concurrentPerform(iterations: consoles) { i in
            let store = stores[i]
            for n in numbers where n % consoles == i || n % 2 == 0 {
                do {
                    // assign: read the caseload, check the capacity, assign; all in one write.
                    let got: String? = try store.write(context("assign", actor: "desk\(i)")) { tx in
                        guard var p = try tx.presentation(n), p.mentorID == nil else { return nil }
                        let loads = try tx.caseloads()
                        for m in try tx.mentors() where (loads[m.id.lowercased()] ?? 0) < m.capacity
                        {
                            p.mentorID = m.id
                            p.assignedAt = t0
                            try tx.updatePresentation(p)
                            return m.id
                        }
                        return nil
                    }
                    if let got { assigned.update { $0[n] = got } }
                } catch {
                    failures.update { $0.append("\(error)") }
                }
            }
        }
        for store in stores { store.close() }
        let check = try PostgresStore(url: db.url, password: db.password)
        #expect(failures.value == [])
        let loads = try check.read { try $0.caseloads() }
        #expect(loads == ["m1": 3, "m2": 2])
        #expect(assigned.value.count == 5)
        #expect(try check.verifyAudit().problems == [])
        #expect(try check.check() == [])
    }

    @Test func theChangeCounterMovesWithEveryCommitOfAnyConsole() throws {
        let db = try Fixture.database("counter")
        let board = try PostgresStore(url: db.url, password: db.password)
        let desk = try PostgresStore(url: db.url, password: db.password)
        let start = try board.changeCounter()
        try desk.write(context("mentor add")) { try $0.insertMentor(amy) }
        let afterEntry = try board.changeCounter()
        #expect(afterEntry != start)
        try desk.write(context("login")) {
            try $0.setPinAttempts("alice", PinAttempts(failures: 1))
        }
        let afterPin = try board.changeCounter()
        #expect(afterPin != afterEntry)
        _ = try desk.read { try $0.mentors() }
        #expect(try board.changeCounter() == afterPin)
    }

    @Test func backupSaysThePostgreSQLBackupIsTheCopy() throws {
        let (store, url, _) = try Fixture.store("backup")
        #expect(
            throws: StoreError.incompatible(
                "on the trust database the copy is the trust's PostgreSQL backup (pg_dump); see "
                    + "docs/trust-deployment.md")
        ) {
            try store.backup(to: "/tmp/never")
        }
        #expect(store.isShared)
        #expect(store.location == url.display)
        #expect(!store.location.contains(":" + (try Fixture.cluster().password)))
        #expect(PostgresStoreOpening().exists("postgres://x@y/z", environment: [:]))
    }

    @Test func theOpenerLooksThePasswordUpAndNeverShowsIt() throws {
        let db = try Fixture.database("opener")
        let text = "postgres://\(db.url.user)@127.0.0.1:\(db.url.port)/\(db.url.database)"
        let store = try PostgresStoreOpening().open(text, environment: ["PGPASSWORD": db.password])
        #expect(store.location == db.url.display)
        do {
            _ = try PostgresStoreOpening().open(
                text, environment: ["PGPASSWORD": "wrong-pass", "HOME": "/nonexistent"])
            Issue.record("a wrong password was accepted")
        } catch {
            #expect(!"\(error)".contains("wrong-pass"))
            #expect("\(error)".contains("password"))
        }
    }

    @Test func theApplicationsRoleMayOnlyAppendToTheLogAndStillRunsRetention() throws {
        let role = "alongside_app_\(UInt32.random(in: 0...UInt32.max))"
        let db = try Fixture.database("approle")
        let admin = try Fixture.raw(db.url, db.password)
        defer { admin.close() }
        try admin.execute("CREATE ROLE \(role) LOGIN PASSWORD 'app-secret'")
        // The owner migrates and grants.
        let owner = try PostgresStore(url: db.url, password: db.password, appRole: role)
        owner.close()
        var appURL = db.url
        appURL.user = role
        let app = try PostgresStore(url: appURL, password: "app-secret")
        try app.write(context("seed")) { try $0.seedSettings([("site", "victoria")]) }
        try app.write(context("mentor add")) { try $0.insertMentor(amy) }
        let n = try app.write(context("register")) { try $0.insertPresentation(person()) }
        try app.write(context("decline")) {
            try $0.insertDecline(presentation: n, mentor: "amy-w", at: t0, reason: "knows her")
        }
        try app.write(context("close")) { tx in
            var p = try #require(try tx.presentation(n))
            p.closedAt = t0
            p.outcome = .declinedSupport
            p.overrideReason = "asked"
            try tx.updatePresentation(p)
        }
        let later = t0.addingTimeInterval(400 * 86400)
        let run = try app.write(context("retention", at: later)) {
            try $0.removeIdentifiers(closedBefore: later)
        }
        #expect(run == RetentionRun(presentations: 1, entriesErased: 3, entriesKept: 0))
        #expect(try app.verifyAudit().problems == [])
        #expect(try app.check() == [])
        let p = try #require(try app.read { try $0.presentation(n) })
        #expect(p.nhs == nil && p.ref == nil && p.overrideReason == nil)
        // The role may not change the log itself, nor switch its guards off.
        let raw = try PGConnection.connect(appURL, password: "app-secret")
        defer { raw.close() }
        for sql in [
            "UPDATE audit SET before = NULL, salt = NULL WHERE seq = 2", "DELETE FROM audit_row",
            "ALTER TABLE audit DISABLE TRIGGER audit_no_update",
            "SELECT alongside_retention_erase('{}'::bigint[], 1, '[]'::json)",
        ] {
            #expect(throws: PGServerError.self, "\(sql)") { try raw.execute(sql) }
        }
        // The erasure function refuses anything but the erasure.
        try raw.execute("BEGIN")
        #expect(throws: PGServerError.self) {
            try raw.execute(
                "SELECT alongside_retention_erase('{\(n)}'::bigint[], "
                    + "(SELECT max(seq) + 1 FROM audit), json_build_array(json_build_object("
                    + "'seq', 3, 'before', NULL, 'after', '{\"mentor\":\"x\"}')))"
            )
        }
        try raw.execute("ROLLBACK")
        // Through the store, a refusal is plain words.
        #expect(
            PostgresErrors.plain(
                PGServerError(sqlState: "42501", message: "permission denied for table audit"),
                url: appURL)
                == .storage(
                    "the trust database does not allow \(role) this (permission denied); ask its "
                        + "administrator for the grants in docs/trust-deployment.md"))
    }

    @Test func aRoleNamedAlongsideAppIsGrantedWithoutBeingNamed() throws {
        let db = try Fixture.database("defaultrole")
        let admin = try Fixture.raw(db.url, db.password)
        defer { admin.close() }
        try admin.execute(
            "DO $$ BEGIN CREATE ROLE alongside_app; EXCEPTION WHEN duplicate_object THEN NULL; "
                + "END $$")
        let store = try PostgresStore(url: db.url, password: db.password)
        store.close()
        let rights = try #require(
            try admin.query(
                """
                SELECT has_table_privilege('alongside_app', 'audit', 'INSERT'),
                    has_table_privilege('alongside_app', 'audit', 'UPDATE'),
                    has_table_privilege('alongside_app', 'audit', 'DELETE'),
                    has_table_privilege('alongside_app', 'presentation', 'UPDATE'),
                    has_table_privilege('alongside_app', 'alongside_migrations', 'INSERT')
                """
            ).first)
        #expect(rights.values == [.bool(true), .bool(false), .bool(false), .bool(true), .bool(false)])
    }

    @Test func aRoleMadeAfterTheTablesCanBeGrantedLater() throws {
        let (store, url, password) = try Fixture.store("laterrole")
        let admin = try Fixture.raw(url, password)
        defer { admin.close() }
        let role = "desk_\(url.database)"
        try admin.execute("CREATE ROLE \(role)")
        #expect(
            try admin.query("SELECT has_table_privilege($1::text, 'audit', 'SELECT')", [role.pg])
                .first?.values == [.bool(false)])
        try store.grantApplicationRole(role)
        #expect(
            try admin.query("SELECT has_table_privilege($1::text, 'audit', 'SELECT')", [role.pg])
                .first?.values == [.bool(true)])
    }

    @Test func aLostConnectionIsMadeAgainByTheNextCommand() throws {
        let (store, url, password) = try Fixture.store("reconnect", lockTimeoutMilliseconds: 1234)
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        let admin = try Fixture.raw(url, password)
        defer { admin.close() }
        try admin.execute(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
            """)
        #expect(try store.read { try $0.mentor("amy-w") } == amy)
        try store.write(context("mentor add")) { try $0.insertMentor(mentor("M1")) }
        // The new session waits as long as the first.
        #expect(try store.transaction(write: false) { try $0.text("SHOW lock_timeout") } == "1234ms")
        // So does a console that found the database up to date.
        let again = try PostgresStore(url: url, password: password, lockTimeoutMilliseconds: 4321)
        #expect(try again.transaction(write: false) { try $0.text("SHOW lock_timeout") } == "4321ms")
    }

    @Test func anAppRoleThatDoesNotExistIsNamed() throws {
        let db = try Fixture.database("norole")
        #expect(
            throws: StoreError.incompatible(
                "ALONGSIDE_PG_APP_ROLE names the role nobody_here, which the trust database does "
                    + "not have; create it (docs/trust-deployment.md) or unset it")
        ) {
            try PostgresStore(url: db.url, password: db.password, appRole: "nobody_here")
        }
    }
}

/// A value shared by threads.
final class Locked<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { stored = value }
    var value: T { lock.withLock { stored } }
    func update(_ change: (inout T) -> Void) { lock.withLock { change(&stored) } }
}
