import AlongsideCore
import Foundation
import Testing

@testable import AlongsideStore
@testable import AlongsideSQLite

// The SQLite store on real files: modes, pragmas, the schema and its triggers, the audit
// table on disk (no identifiers in clear, tampering behind the store's back detected) and
// backups. What every store must do (round trips, atomic writes, the audit chain) is in the
// contract suite, StoreContractTests, which runs against this store too.

/// A fresh folder under the temporary directory; the database goes one level deeper so that
/// the store has to create its folder.
private struct TempDatabase {
    let root: URL
    let folder: URL
    let path: String

    init() {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-store-\(UUID().uuidString)")
        folder = root.appendingPathComponent("site")
        path = folder.appendingPathComponent("alongside.sqlite").path
    }

    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

private func mode(_ path: String) throws -> Int {
    let attributes = try FileManager.default.attributesOfItem(atPath: path)
    return try #require(attributes[.posixPermissions] as? Int) & 0o777
}

/// Runs the sqlite3 command-line shell on `path` with `sql`; returns (status, stdout, stderr).
@discardableResult
private func sqlite3(_ path: String, _ sql: String) throws -> (Int32, String, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["sqlite3", "-batch", path, sql]
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let o = out.fileHandleForReading.readDataToEndOfFile()
    let e = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: o, as: UTF8.self),
        String(decoding: e, as: UTF8.self)
    )
}

private let t0 = Date(timeIntervalSince1970: 1_794_820_445)  // 2026-11-16T09:14:05Z

private func context(_ command: String, actor: String = "alice", at: Date = t0) -> ActingContext {
    ActingContext(actor: actor, command: command, at: at)
}

private let amy = Mentor(
    id: "amy-w", name: "Amy Walsh", gender: "female", languages: ["english", "polish"],
    localities: ["blackpool", "fleetwood"], experience: ["alcohol", "bereavement"], capacity: 2,
    dbsRecheckDue: LocalDate(year: 2027, month: 6, day: 30), lead: true, status: .active)

private func person(nhs: String? = "9434765919", ref: String? = "MRN-123") -> Presentation {
    Presentation(
        ref: ref, nhs: nhs, locality: "blackpool", needs: ["alcohol", "housing"],
        arrivedAt: t0.addingTimeInterval(-3000), edArrival: t0.addingTimeInterval(-4000),
        ageBand: "25-34", gender: "male", mentorGender: "female", language: "polish",
        leadMentor: true)
}

/// The audit chain verifies with no problems and holds `entries` entries.
private func expectClean(
    _ store: SQLiteStore, entries: Int, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let result = try store.verifyAudit()
    #expect(result.problems == [], sourceLocation: sourceLocation)
    #expect(result.entries == entries, sourceLocation: sourceLocation)
}

@Suite("SQLite store")
struct StoreTests {
    @Test func fileAndFolderAreCreatedPrivate() throws {
        let db = TempDatabase()
        defer { db.remove() }
        #expect(!FileManager.default.fileExists(atPath: db.folder.path))
        _ = try db.open()
        #expect(try mode(db.folder.path) == 0o700)
        #expect(try mode(db.path) == 0o600)
        for suffix in ["-wal", "-shm"] where FileManager.default.fileExists(atPath: db.path + suffix) {
            #expect(try mode(db.path + suffix) == 0o600)
        }
    }

    @Test func migrationsCreateTheSchemaAndReopeningKeepsTheData() throws {
        let db = TempDatabase()
        defer { db.remove() }
        do {
            let store = try db.open()
            try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        }
        let (status, tables, _) = try sqlite3(
            db.path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        #expect(status == 0)
        let names = Set(tables.split(separator: "\n").map(String.init))
        #expect(
            names.isSuperset(of: [
                "mentor", "shift", "leave", "presentation", "decline", "staff", "audit", "meta",
            ]))
        let again = try db.open()
        #expect(try again.read { try $0.mentor("amy-w") } == amy)
        #expect(try again.verifyAudit().entries == 1)
    }

    @Test func aFileThatIsNotAnAlongsideDatabaseIsRefused() throws {
        let db = TempDatabase()
        defer { db.remove() }
        try FileManager.default.createDirectory(at: db.folder, withIntermediateDirectories: true)
        try sqlite3(db.path, "CREATE TABLE other(x); INSERT INTO other VALUES (1);")
        #expect(throws: StoreError.self) { _ = try db.open() }
    }

    @Test func journalIsWALAndSynchronousIsFull() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        let (status, journal, _) = try sqlite3(db.path, "PRAGMA journal_mode")
        #expect(status == 0)
        #expect(journal.trimmingCharacters(in: .whitespacesAndNewlines) == "wal")
        // synchronous is per connection: ask the store's own connection.
        let synchronous = try store.queue.read { db in
            try Int.fetchOne(db, sql: "PRAGMA synchronous")
        }
        #expect(synchronous == 2)
        let journalOnConnection = try store.queue.read { db in
            try String.fetchOne(db, sql: "PRAGMA journal_mode")
        }
        #expect(journalOnConnection == "wal")
    }

    /// The entries as the store returns them are checked by the contract suite
    /// (StoreContractTests); here, every column of the file's audit table.
    @Test func theAuditTableOnDiskNeverHoldsAnNHSNumberOrRef() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        let n = try store.write(context("register")) { try $0.insertPresentation(person()) }
        var p = try #require(try store.read { try $0.presentation(n) })
        p.mentorID = "amy-w"
        p.assignedAt = t0
        try store.write(context("assign")) { try $0.updatePresentation(p) }
        p.ref = "MRN-124"
        try store.write(context("edit")) { try $0.updatePresentation(p) }
        let (status, dump, _) = try sqlite3(db.path, "SELECT * FROM audit")
        #expect(status == 0)
        #expect(!dump.isEmpty)
        #expect(!dump.contains("9434765919"))
        #expect(!dump.contains("MRN-12"))
        // The record itself still holds them.
        let (_, row, _) = try sqlite3(db.path, "SELECT nhs, ref FROM presentation")
        #expect(row.contains("9434765919"))
    }

    /// A store with a few audited changes, for the tampering tests.
    private func storeWithHistory(_ db: TempDatabase) throws -> SQLiteStore {
        let store = try db.open()
        try store.write(context("staff add")) {
            try $0.upsertStaff(StaffMember(name: "alice", role: .admin))
        }
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        _ = try store.write(context("register")) { try $0.insertPresentation(person()) }
        try store.write(context("show")) { try $0.logEvent(action: "read", entity: "P1", detail: nil) }
        try expectClean(store, entries: 4)
        return store
    }

    @Test func theTriggersKeepTheLogAppendOnly() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let (updateStatus, _, updateError) = try sqlite3(
            db.path, "UPDATE audit SET actor = 'mallory' WHERE seq = 2")
        #expect(updateStatus != 0)
        #expect(updateError.contains("append-only"))
        let (deleteStatus, _, _) = try sqlite3(db.path, "DELETE FROM audit WHERE seq = 4")
        #expect(deleteStatus != 0)
        try expectClean(store, entries: 4)
    }

    @Test func anEditedEntryIsDetected() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let (status, _, error) = try sqlite3(
            db.path,
            "DROP TRIGGER audit_no_update; UPDATE audit SET actor = 'mallory' WHERE seq = 2;")
        #expect(status == 0, "\(error)")
        let result = try store.verifyAudit()
        #expect(result.entries == 4)
        #expect(!result.problems.isEmpty)
        #expect(result.problems.contains { $0.contains("entry 2") })
        #expect(try !store.check().isEmpty)
    }

    @Test func anEditedRecordInsideAnEntryIsDetected() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let (status, _, error) = try sqlite3(
            db.path,
            "DROP TRIGGER audit_no_update; UPDATE audit SET after = replace(after, 'blackpool', 'preston') WHERE seq = 3;")
        #expect(status == 0, "\(error)")
        #expect(try store.verifyAudit().problems.contains { $0.contains("entry 3") })
    }

    @Test func deletingTheLastEntryIsDetected() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let (status, _, error) = try sqlite3(
            db.path,
            "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit);")
        #expect(status == 0, "\(error)")
        let result = try store.verifyAudit()
        #expect(result.entries == 3)
        #expect(!result.problems.isEmpty)
    }

    @Test func deletingAnEntryInTheMiddleIsDetected() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let (status, _, error) = try sqlite3(
            db.path, "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = 2;")
        #expect(status == 0, "\(error)")
        let result = try store.verifyAudit()
        #expect(result.entries == 3)
        #expect(result.problems.contains { $0.contains("2") })
    }

    @Test func backupIsAPrivateCopyThatOpens() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try storeWithHistory(db)
        let copy = db.root.appendingPathComponent("backup.sqlite").path
        // An existing, world-readable file at the target is replaced by a private copy.
        #expect(FileManager.default.createFile(atPath: copy, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644]))
        try store.backup(to: copy)
        #expect(try mode(copy) == 0o600)
        let restored = try SQLiteStore(path: copy)
        #expect(try restored.read { try $0.mentors() } == [amy])
        var expected = person()
        expected.number = 1
        #expect(try restored.read { try $0.presentation(1) } == expected)
        #expect(try restored.read { try $0.staff() }.map(\.name) == ["alice"])
        let original = try store.read { try $0.auditEntries(since: nil, entity: nil) }
        #expect(try restored.read { try $0.auditEntries(since: nil, entity: nil) } == original)
        try expectClean(restored, entries: 4)
    }
}

@Suite("Record-state digests and salts")
struct RecordDigestTests {
    @Test func theDigestIsSHA256OfSaltThenTheTextsUTF8() {
        // Reference values from Python's hashlib.
        #expect(
            RecordState.digest(salt: [1, 2], "abc")
                == "bf0e4665c55d7d245e3678ba4ac7c8692ab26a4e6ccf854425757a4893351544")
        #expect(
            RecordState.digest(salt: nil, "é\n")
                == "edd3a863872a04239eb29ad4bc12fc892b3d4ae57cc7e786a3697816f8e141c2")
        #expect(RecordState.digest(salt: [1], nil) == nil)
    }

    @Test func saltsAreSixteenBytesAndDiffer() {
        let salts = (0..<64).map { _ in RecordState.newSalt() }
        #expect(salts.allSatisfy { $0.count == 16 })
        #expect(Set(salts.map { PinHash.hex($0) }).count == 64)
    }
}
