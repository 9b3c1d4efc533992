import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@testable import AlongsidePostgres

// The roster kept in memory across commands on the trust database (pg3-roster-version): every
// change to a mentor row, by this store, another store (another desk's console), another
// session behind Alongside's back, or a rolled-back transaction, is seen by the next read.

private struct Boom: Error {}

private func mentor(_ id: String, capacity: Int = 2, languages: [String] = ["english"]) -> Mentor {
    Mentor(
        id: id, name: "Mentor \(id)", gender: "female", languages: languages,
        localities: ["blackpool"], experience: ["alcohol"], capacity: capacity,
        dbsRecheckDue: LocalDate(year: 2027, month: 6, day: 30), lead: false, status: .active)
}

@Suite("PostgreSQL roster cache", .enabled(if: Fixture.available))
struct PostgresRosterCacheTests {
    private func onShift(_ store: PostgresStore) throws -> [Mentor] {
        try store.read { try $0.mentorStates(at: t0, onShiftOnly: true) }.map(\.mentor)
    }

    // The contract suite (RosterContractTests) holds what both stores must do: changes by
    // this store, by another instance, inside the transaction and rolled back.

    @Test("a change by another session behind Alongside's back is seen by the next read")
    func rawChangesAreSeen() throws {
        let (store, url, password) = try Fixture.store("roster_cache")
        defer { store.close() }
        let span = TimeSpan(start: t0.addingTimeInterval(-3600), end: t0.addingTimeInterval(3600))
        try store.write(context("mentor add")) { tx in
            for id in ["M2", "M5"] {
                try tx.insertMentor(mentor(id))
                _ = try tx.insertShift(Shift(mentorID: id, span: span))
            }
            try tx.insertMentor(mentor("M4"))  // not on shift
        }
        for _ in 0..<2 { #expect(try onShift(store).map(\.capacity) == [2, 2]) }
        let raw = try Fixture.raw(url, password)
        defer { raw.close() }
        try raw.execute("UPDATE mentor SET capacity = 1 WHERE id = 'M5'")
        #expect(try onShift(store).map(\.capacity) == [2, 1])
        try raw.execute("DELETE FROM mentor WHERE id = 'M4'")
        #expect(try store.read { try $0.mentors() }.map(\.id) == ["M2", "M5"])
        // A rolled-back change by that session leaves the roster as it was.
        #expect(throws: Boom.self) {
            try raw.transaction {
                try raw.execute("UPDATE mentor SET capacity = 9")
                throw Boom()
            }
        }
        #expect(try onShift(store).map(\.capacity) == [2, 1])
    }

    @Test("the roster version changes with each change to the mentor table and nothing else")
    func versionFollowsTheMentorTable() throws {
        let (store, url, password) = try Fixture.store("roster_version")
        defer { store.close() }
        let raw = try Fixture.raw(url, password)
        defer { raw.close() }
        func version() throws -> String? {
            try raw.query("SELECT value FROM meta WHERE key = 'roster_version'").first?.text(0)
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
        // A rolled-back change leaves the version it found.
        #expect(throws: Boom.self) {
            try raw.transaction {
                try raw.execute("UPDATE mentor SET capacity = 3")
                #expect(try version() != second)
                throw Boom()
            }
        }
        #expect(try version() == second)
        // The audit chain and every record still check clean with the trigger in place.
        #expect(try store.check() == [])
    }
}
