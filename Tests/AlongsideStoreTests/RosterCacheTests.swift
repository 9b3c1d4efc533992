import AlongsideCore
import Foundation
import Testing

@testable import AlongsideStore
@testable import AlongsideSQLite

// The roster kept in memory across commands (v5-perf): every change to a mentor row, by this
// store, another connection or a rolled-back transaction, is seen by the next read.

private let t0 = Date(timeIntervalSince1970: 1_794_820_445)  // 2026-11-16T09:14:05Z

private func context(_ command: String) -> ActingContext {
    ActingContext(actor: "alice", command: command, at: t0)
}

private func mentor(_ id: String, capacity: Int = 2, languages: [String] = ["english"]) -> Mentor {
    Mentor(
        id: id, name: "Mentor \(id)", gender: "female", languages: languages,
        localities: ["blackpool"], experience: ["alcohol"], capacity: capacity,
        dbsRecheckDue: LocalDate(year: 2027, month: 6, day: 30), lead: false, status: .active)
}

@Suite("Roster cache")
struct RosterCacheTests {
    let path: String
    let root: URL

    init() {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-roster-\(UUID().uuidString)")
        path = root.appendingPathComponent("alongside.sqlite").path
    }

    private func onShift(_ store: SQLiteStore) throws -> [Mentor] {
        try store.read { try $0.mentorStates(at: t0, onShiftOnly: true) }.map(\.mentor)
    }

    // The contract suite (RosterContractTests) holds what both stores must do: changes by
    // this store, by another instance, inside the transaction and rolled back.

    @Test("a raw SQL change by another connection is seen by the next read")
    func rawChangesAreSeen() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(path: path)
        let span = TimeSpan(start: t0.addingTimeInterval(-3600), end: t0.addingTimeInterval(3600))
        try store.write(context("mentor add")) { tx in
            for id in ["M2", "M5"] {
                try tx.insertMentor(mentor(id))
                try tx.insertShift(Shift(mentorID: id, span: span))
            }
        }
        for _ in 0..<2 { #expect(try onShift(store).map(\.capacity) == [2, 2]) }
        // A raw SQL change (no store method) still changes the version.
        let other = try SQLiteStore(path: path)
        try other.write(context("raw")) { tx in
            try (tx as! SQLiteTransaction).db.execute(
                sql: "UPDATE mentor SET capacity = 1 WHERE id = 'M5'")
        }
        #expect(try onShift(store).map(\.capacity) == [2, 1])
    }

    @Test("the roster version changes with each change to the mentor table and nothing else")
    func versionFollowsTheMentorTable() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(path: path)
        func version() throws -> String? {
            try store.queue.read {
                try String.fetchOne($0, sql: "SELECT value FROM meta WHERE key = 'roster_version'")
            }
        }
        let first = try #require(try version())
        try store.write(context("mentor add")) { try $0.insertMentor(mentor("M1")) }
        let second = try #require(try version())
        #expect(second != first)
        try store.write(context("register")) { tx in
            _ = try tx.insertPresentation(
                Presentation(locality: "blackpool", needs: ["alcohol"], arrivedAt: t0))
        }
        #expect(try version() == second)
        // The audit chain and every record still check clean with the triggers in place.
        #expect(try store.check() == [])
    }
}
