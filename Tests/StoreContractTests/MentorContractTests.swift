import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@Suite("Store contract: mentors")
struct MentorContractTests {
    @Test(arguments: StoreKind.available)
    func everyFieldRoundTripsAndLookupsIgnoreCase(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { tx in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
            }
            #expect(try f.read { try $0.mentor("amy-w") } == amy)
            #expect(try f.read { try $0.mentor("AMY-W") } == amy)
            #expect(try f.read { try $0.mentor("Bob") } == bob)
            #expect(try f.read { try $0.mentor("zed") } == nil)
            #expect(try f.read { try $0.mentorState("zed", at: t0) } == nil)
            #expect(try f.read { try $0.mentors() } == [amy, bob])
        }
    }

    @Test(arguments: StoreKind.available)
    func aSecondMentorWithTheSameIdIsRefusedWithoutRegardToCase(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            for id in ["amy-w", "AMY-W", "Amy-W"] {
                var twin = bob
                twin.id = id
                do {
                    try f.write("mentor add") { try $0.insertMentor(twin) }
                    Issue.record("mentor \(id) was added beside amy-w")
                } catch let error as StoreError {
                    guard case .duplicate(let message) = error else {
                        Issue.record("\(id): expected StoreError.duplicate, got \(error)")
                        continue
                    }
                    #expect(message.contains(id), "\(message)")
                }
            }
            #expect(try f.read { try $0.mentors() } == [amy])
            try f.expectClean(entries: 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func insertAndUpdateAreAuditedWithTheRecordBeforeAndAfter(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add", at: at(1)) { try $0.insertMentor(amy) }
            var edited = amy
            edited.capacity = 3
            edited.status = .paused
            edited.lead = false
            edited.gender = nil
            edited.dbsRecheckDue = nil
            edited.languages = []
            edited.phone = nil
            try f.write("mentor edit", actor: "bea", at: at(2)) { try $0.updateMentor(edited) }
            #expect(try f.read { try $0.mentors() } == [edited])

            let entries = try f.read { try $0.auditEntries(since: nil, entity: "amy-w") }
            #expect(entries.map(\.seq) == [1, 2])
            #expect(entries.map(\.action) == ["insert", "update"])
            #expect(entries.map(\.command) == ["mentor add", "mentor edit"])
            #expect(entries.map(\.actor) == ["alice", "bea"])
            #expect(entries.map(\.at) == [at(1), at(2)])
            #expect(entries.map(\.entity) == ["amy-w", "amy-w"])
            #expect(entries[0].before == nil)
            #expect(entries[0].after == stored(amy.auditJSON))
            #expect(entries[1].before == stored(amy.auditJSON))
            #expect(entries[1].after == stored(edited.auditJSON))
            try f.expectClean(entries: 2)
        }
    }

    @Test(arguments: StoreKind.available)
    func mentorsComeInNaturalIdOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            var generator = SeededGenerator(seed: 11)
            let ids = ["M10", "m2", "M1", "amy-w", "Bob", "M21", "m3"]
            try f.write("roster import") { tx in
                for id in ids.shuffled(using: &generator) { try tx.insertMentor(numbered(id)) }
            }
            #expect(
                try f.read { try $0.mentors() }.map(\.id)
                    == ["amy-w", "Bob", "M1", "m2", "m3", "M10", "M21"])
            #expect(
                try f.read { try $0.mentorStates(at: t0) }.map(\.mentor.id)
                    == ["amy-w", "Bob", "M1", "m2", "m3", "M10", "M21"])
        }
    }

    @Test(arguments: StoreKind.available)
    func nextMentorIdFollowsTheHighestMNumberWhateverItsCase(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.read { try $0.nextMentorID() } == "M1")
            try f.write("mentor add") { tx in
                for id in ["M2", "amy-w", "M3x", "m10", "M9"] { try tx.insertMentor(numbered(id)) }
            }
            // m10 is M10 (ids compare without regard to case), so M10 is taken.
            #expect(try f.read { try $0.nextMentorID() } == "M11")
            // Inside a write, the id just added counts.
            let next = try f.write("mentor add") { tx -> String in
                try tx.insertMentor(numbered(try tx.nextMentorID()))
                return try tx.nextMentorID()
            }
            #expect(next == "M12")
        }
    }
}
