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

private struct Boom: Error {}

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

    @Test("a change by this store, by another connection, or rolled back is seen at once")
    func changesAreSeen() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let store = try SQLiteStore(path: path)
        let span = TimeSpan(start: t0.addingTimeInterval(-3600), end: t0.addingTimeInterval(3600))
        try store.write(context("mentor add")) { tx in
            for id in ["M10", "M2", "m3"] {
                try tx.insertMentor(mentor(id))
                try tx.insertShift(Shift(mentorID: id, span: span))
            }
            try tx.insertMentor(mentor("M4"))  // not on shift
        }
        // Natural order of ids, only the mentors on shift.
        #expect(try onShift(store).map(\.id) == ["M2", "m3", "M10"])
        #expect(try store.read { try $0.mentors() }.map(\.id) == ["M2", "m3", "M4", "M10"])

        // This store's own change.
        try store.write(context("mentor edit")) { tx in
            try tx.updateMentor(mentor("M2", capacity: 5))
        }
        #expect(try onShift(store).first?.capacity == 5)

        // A change inside the same transaction is seen by a read after it.
        let inside = try store.write(context("mentor edit")) { tx in
            _ = try tx.mentorStates(at: t0, onShiftOnly: true)
            try tx.updateMentor(mentor("m3", capacity: 4))
            return try tx.mentorStates(at: t0, onShiftOnly: true).map(\.mentor.capacity)
        }
        #expect(inside == [5, 4, 2])

        // A rolled-back change leaves no trace, though the cache saw it inside.
        #expect(throws: Boom.self) {
            try store.write(context("mentor edit")) { tx in
                try tx.updateMentor(mentor("M10", capacity: 9))
                _ = try tx.mentorStates(at: t0, onShiftOnly: true)
                throw Boom()
            }
        }
        #expect(try onShift(store).map(\.capacity) == [5, 4, 2])

        // Another connection (another desk) changes a mentor and adds one.
        let other = try SQLiteStore(path: path)
        try other.write(context("mentor edit")) { tx in
            try tx.updateMentor(mentor("M10", capacity: 7, languages: ["english", "urdu"]))
            try tx.insertMentor(mentor("M5"))
            try tx.insertShift(Shift(mentorID: "M5", span: span))
        }
        let seen = try onShift(store)
        #expect(seen.map(\.id) == ["M2", "m3", "M5", "M10"])
        #expect(seen.last?.capacity == 7 && seen.last?.languages == ["english", "urdu"])

        // A raw SQL change (no store method) still changes the version.
        try other.write(context("raw")) { tx in
            try (tx as! SQLiteTransaction).db.execute(
                sql: "UPDATE mentor SET capacity = 1 WHERE id = 'M5'")
        }
        #expect(try onShift(store).map(\.capacity) == [5, 4, 1, 7])
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
