import AlongsideCore
import Foundation
import Testing

@testable import AlongsideSQLite
@testable import AlongsideStore

// Sites on the SQLite store (spec §9): which sites are known, and `importSite`.

private let at = Date(timeIntervalSince1970: 1_794_820_445)  // 2026-11-16T09:14:05Z

/// A store in a fresh folder of its own, removed when the value goes.
private final class Scratch {
    let root = FileManager.default.temporaryDirectory
        .appendingPathComponent("alongside-sites-\(UUID().uuidString)")

    func store(_ name: String) throws -> SQLiteStore {
        try SQLiteStore(path: root.appendingPathComponent("\(name).sqlite").path)
    }

    deinit { try? FileManager.default.removeItem(at: root) }
}

private func write<T>(_ store: SQLiteStore, _ body: (any StoreWriting) throws -> T) throws -> T {
    try store.write(ActingContext(actor: "alice", command: "test", at: at), body)
}

private func presentation(_ site: String, minutes: Double = 0, mentor: String? = nil)
    -> Presentation
{
    Presentation(
        locality: "blackpool", needs: ["alcohol"], arrivedAt: at.addingTimeInterval(minutes * 60),
        mentorID: mentor, assignedAt: mentor.map { _ in at }, site: site)
}

@Suite("Sites in the SQLite store")
struct SiteStoreTests {
    @Test func sitesAreTheDistinctSitesRegisteredSortedVoidedOnesToo() throws {
        let scratch = Scratch()
        let store = try scratch.store("trust")
        #expect(try store.read { try $0.sites() } == [])
        try write(store) { tx in
            for site in ["north", "main", "utc", "north", "main"] {
                _ = try tx.insertPresentation(presentation(site))
            }
            var voided = presentation("a-and-e")
            voided.voidedAt = at
            _ = try tx.insertPresentation(voided)
        }
        #expect(try store.read { try $0.sites() } == ["a-and-e", "main", "north", "utc"])
        // The reads that trends and re-attendance use carry the site.
        let span = TimeSpan(start: at.addingTimeInterval(-60), end: at.addingTimeInterval(60))
        #expect(try store.read { try $0.presentationTimes(arrivedIn: span).map(\.site) } == [
            "north", "main", "utc", "north", "main",
        ])
    }

    @Test func importSiteRenumbersKeepsTheSameMentorOnceAndSealsTheCopiedChain() throws {
        let scratch = Scratch()
        let trust = try scratch.store("trust")
        let site = try scratch.store("site")
        let amy = Mentor(id: "M1", name: "Amy", capacity: 2)
        try write(trust) { tx in
            try tx.insertMentor(amy)
            _ = try tx.insertPresentation(presentation("main"))
        }
        try write(site) { tx in
            try tx.insertMentor(amy)
            try tx.insertMentor(Mentor(id: "M9", name: "Nia", capacity: 1))
            _ = try tx.insertPresentation(presentation("main", mentor: "M9"))
            _ = try tx.insertPresentation(presentation("main", minutes: 5))
            try tx.insertDecline(presentation: 2, mentor: "M1", at: at, reason: nil)
            try tx.insertHold(presentation: 1, reason: "inquest", at: at)
        }
        var bundle = SiteBundle(site: "Victoria")
        try site.read { tx in
            bundle.mentors = try tx.mentors()
            bundle.presentations = try tx.presentations(
                arrivedIn: TimeSpan(start: .distantPast, end: .distantFuture),
                includingVoided: true)
            bundle.declines = try tx.declines(of: 2).map { (2, $0) }
            bundle.holds = [(1, try #require(try tx.hold(of: 1)))]
            bundle.audit = try tx.auditEntries(since: nil, entity: nil)
        }
        let mapping = try write(trust) { try $0.importSite(bundle) }
        #expect(mapping.map { [$0.old, $0.new] } == [[1, 2], [2, 3]])
        #expect(try trust.read { try $0.sites() } == ["main", "victoria"])
        #expect(try trust.read { try $0.mentors() }.map(\.id) == ["M1", "M9"])
        #expect(try trust.read { try $0.presentation(2) }?.mentorID == "M9")
        #expect(try trust.read { try $0.declines(of: 3) }.map(\.mentorID) == ["M1"])
        #expect(try trust.read { try $0.hold(of: 2) }?.reason == "inquest")
        #expect(try trust.read { try $0.hold(of: 1) } == nil)
        #expect(try trust.check() == [])
        #expect(try trust.verifyAudit().problems == [])
        // The same name again is refused, and nothing changes.
        let entries = try trust.read { try $0.auditCount() }
        #expect(throws: StoreError.self) { try write(trust) { try $0.importSite(bundle) } }
        #expect(try trust.read { try $0.auditCount() } == entries)
    }

    @Test func importSiteRefusesEveryMentorAndStaffIDWhoseRecordsDiffer() throws {
        let scratch = Scratch()
        let trust = try scratch.store("trust")
        try write(trust) { tx in
            try tx.insertMentor(Mentor(id: "M1", name: "Amy", capacity: 2))
            try tx.insertMentor(Mentor(id: "M2", name: "Bob", capacity: 2))
            try tx.upsertStaff(StaffMember(name: "kim", role: .liaison))
        }
        var bundle = SiteBundle(site: "victoria")
        bundle.mentors = [
            Mentor(id: "m1", name: "Amy", capacity: 2),  // the same record, id in another case
            Mentor(id: "M2", name: "Bob", capacity: 3),
        ]
        bundle.staff = [StaffMember(name: "kim", role: .admin)]
        bundle.presentations = [presentation("main")]
        do {
            _ = try write(trust) { try $0.importSite(bundle) }
            Issue.record("a differing mentor was accepted")
        } catch StoreError.duplicate(let why) {
            #expect(why.contains("mentor M2") && why.contains("staff kim"), "\(why)")
            #expect(!why.contains("M1") && !why.contains("m1"), "\(why)")
        }
        #expect(try trust.read { try $0.sites() } == [])
        #expect(try trust.check() == [])
    }
}
