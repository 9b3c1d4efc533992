import AlongsideCore
import Foundation
import Testing

@testable import AlongsideStore
@testable import AlongsideSQLite

// The SQLite store on real files: modes, pragmas, round trips, atomic writes, the audit
// log (no identifiers in clear, tampering detected) and backups.

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

private struct Boom: Error {}

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

    @Test func mentorRoundTripAndUpdate() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        #expect(try store.read { try $0.mentor("amy-w") } == amy)
        #expect(try store.read { try $0.mentor("AMY-W") } == amy)
        var edited = amy
        edited.capacity = 3
        edited.status = .paused
        edited.lead = false
        edited.gender = nil
        edited.dbsRecheckDue = nil
        edited.languages = []
        try store.write(context("mentor edit")) { try $0.updateMentor(edited) }
        #expect(try store.read { try $0.mentors() } == [edited])
        #expect(throws: StoreError.self) {
            try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        }
        let entries = try store.read { try $0.auditEntries(since: nil, entity: "amy-w") }
        #expect(entries.map(\.action) == ["insert", "update"])
        #expect(entries.map(\.command) == ["mentor add", "mentor edit"])
        #expect(entries.allSatisfy { $0.actor == "alice" })
        #expect(entries[1].before?.contains("\"capacity\":2") == true)
        #expect(entries[1].after?.contains("\"capacity\":3") == true)
    }

    @Test func presentationRoundTripAndUpdate() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        let number = try store.write(context("register")) { try $0.insertPresentation(person()) }
        #expect(number == 1)
        var expected = person()
        expected.number = 1
        #expect(try store.read { try $0.presentation(1) } == expected)
        #expect(try store.read { try $0.waitingPresentations() } == [expected])

        expected.mentorID = "amy-w"
        expected.assignedAt = t0.addingTimeInterval(-600)
        try store.write(context("assign")) { try $0.updatePresentation(expected) }
        #expect(try store.read { try $0.caseloads() } == ["amy-w": 1])
        expected.seenAt = t0.addingTimeInterval(-300)
        try store.write(context("seen")) { try $0.updatePresentation(expected) }
        #expect(try store.read { try $0.presentation(1) } == expected)
        #expect(try store.read { try $0.waitingPresentations() } == [])
        expected.closedAt = t0
        expected.outcome = .supportedDischarged
        try store.write(context("close")) { try $0.updatePresentation(expected) }
        #expect(try store.read { try $0.presentation(1) } == expected)
        #expect(try store.read { try $0.caseloads() } == [:])
        #expect(try store.read { try $0.presentation(2) } == nil)

        // The same person again: the mentor who saw them before is found by NHS number or ref.
        let second = try store.write(context("register")) { try $0.insertPresentation(person()) }
        #expect(
            try store.read { try $0.previousMentors(nhs: "9434765919", ref: nil, excluding: second) }
                == ["amy-w"])
        #expect(
            try store.read { try $0.previousMentors(nhs: nil, ref: "MRN-123", excluding: second) }
                == ["amy-w"])
        #expect(
            try store.read { try $0.previousMentors(nhs: "4010232137", ref: nil, excluding: second) }
                == [])
    }

    @Test func shiftsLeaveAndMentorStates() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        let shift = TimeSpan(start: t0.addingTimeInterval(-3600), end: t0.addingTimeInterval(3600))
        let leave = TimeSpan(start: t0.addingTimeInterval(-60), end: t0.addingTimeInterval(60))
        try store.write(context("roster")) { tx in
            try tx.insertMentor(amy)
            try tx.insertShift(Shift(mentorID: "amy-w", span: shift))
            try tx.insertLeave(Leave(mentorID: "amy-w", span: leave))
        }
        let states = try store.read { try $0.mentorStates(at: t0) }
        #expect(states.count == 1)
        #expect(states.first?.shifts == [shift])
        #expect(states.first?.leave == [leave])
        let later = try store.read { try $0.mentorStates(at: t0.addingTimeInterval(7200)) }
        #expect(later.first?.shifts == [])
        #expect(try store.read { try $0.shifts(mentor: "amy-w", overlapping: nil) }.map(\.span) == [shift])
        #expect(try store.verifyAudit().entries == 3)
    }

    @Test func aWriteThatThrowsLeavesNothingBehind() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("staff add")) {
            try $0.upsertStaff(StaffMember(name: "alice", role: .admin))
        }
        let before = try store.verifyAudit().entries
        #expect(throws: Boom.self) {
            try store.write(context("register")) { tx in
                try tx.insertMentor(amy)
                _ = try tx.insertPresentation(person())
                try tx.insertShift(
                    Shift(mentorID: "amy-w", span: TimeSpan(start: t0, end: t0.addingTimeInterval(60))))
                throw Boom()
            }
        }
        #expect(try store.read { try $0.mentors() } == [])
        #expect(try store.read { try $0.presentation(1) } == nil)
        #expect(try store.read { try $0.shifts(mentor: nil, overlapping: nil) } == [])
        let after = try store.verifyAudit()
        #expect(after.entries == before)
        #expect(after.problems == [])
        let (_, count, _) = try sqlite3(db.path, "SELECT count(*) FROM presentation")
        #expect(count.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func everyChangeIsAuditedAndTheChainVerifies() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("staff add")) {
            try $0.upsertStaff(StaffMember(name: "alice", role: .admin))
        }
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        _ = try store.write(context("shift add")) {
            try $0.insertShift(
                Shift(mentorID: "amy-w", span: TimeSpan(start: t0, end: t0.addingTimeInterval(3600))))
        }
        _ = try store.write(context("leave")) {
            try $0.insertLeave(
                Leave(mentorID: "amy-w", span: TimeSpan(start: t0, end: t0.addingTimeInterval(60))))
        }
        let n = try store.write(context("register", actor: "jo")) { try $0.insertPresentation(person()) }
        try store.write(context("decline", actor: "jo")) {
            try $0.insertDecline(presentation: n, mentor: "amy-w", at: t0, reason: "knows the family")
        }
        try store.write(context("show", actor: "jo")) {
            try $0.logEvent(action: "read", entity: "P\(n)", detail: nil)
        }
        try store.write(context("staff add")) { try $0.upsertStaff(StaffMember(name: "jo", role: .liaison)) }
        try store.write(context("staff remove")) { try $0.removeStaff("jo") }

        let entries = try store.read { try $0.auditEntries(since: nil, entity: nil) }
        #expect(entries.count == 9)
        #expect(entries.map(\.seq) == Array(1...9))
        #expect(
            entries.map(\.action) == [
                "insert", "insert", "insert", "insert", "insert", "decline", "read", "insert", "delete",
            ])
        #expect(
            entries.map { $0.entity ?? "" } == [
                "staff:alice", "amy-w", "amy-w", "amy-w", "P1", "P1", "P1", "staff:jo", "staff:jo",
            ])
        #expect(entries[4].actor == "jo")
        #expect(entries[0].prevHash == String(repeating: "0", count: 64))
        for i in 1..<entries.count {
            #expect(entries[i].prevHash == entries[i - 1].hash)
            #expect(entries[i].hash != entries[i - 1].hash)
        }
        #expect(entries.allSatisfy { $0.hash.count == 64 })
        let verified = try store.verifyAudit()
        #expect(verified.problems == [])
        #expect(verified.entries == 9)
        #expect(try store.check() == [])
    }

    @Test func theAuditLogNeverHoldsAnNHSNumberOrRef() throws {
        let db = TempDatabase()
        defer { db.remove() }
        let store = try db.open()
        try store.write(context("mentor add")) { try $0.insertMentor(amy) }
        let n = try store.write(context("register")) { try $0.insertPresentation(person()) }
        var p = try #require(try store.read { try $0.presentation(n) })
        #expect(p.nhs == "9434765919")
        #expect(p.ref == "MRN-123")
        p.mentorID = "amy-w"
        p.assignedAt = t0
        try store.write(context("assign")) { try $0.updatePresentation(p) }
        p.ref = "MRN-124"
        try store.write(context("edit")) { try $0.updatePresentation(p) }

        let entries = try store.read { try $0.auditEntries(since: nil, entity: nil) }
        #expect(entries.count == 4)
        for entry in entries {
            for text in [entry.before ?? "", entry.after ?? "", entry.entity ?? ""] {
                #expect(!text.contains("9434765919"))
                #expect(!text.contains("943 476 5919"))
                #expect(!text.contains("MRN-123"))
                #expect(!text.contains("MRN-124"))
            }
        }
        // The raw table too, every column.
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
