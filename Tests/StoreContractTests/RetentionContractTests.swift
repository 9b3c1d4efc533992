import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@Suite("Store contract: retention")
struct RetentionContractTests {
    /// P1 closed long ago with every identifier and reason; P2 closed as long ago but on
    /// legal hold; P3 closed after the cutoff; P4 still open.
    private func history(_ f: StoreFixture) throws {
        try f.write("mentor add", at: hours(-100)) { tx in
            try tx.insertMentor(amy)
            try tx.insertMentor(bob)
        }
        var p1 = person(arrived: hours(-99), nhs: "9434765919", ref: "MRN-1")
        try f.write("register", at: hours(-99)) { [p1] tx in _ = try tx.insertPresentation(p1) }
        p1.number = 1
        try f.write("decline", at: hours(-98)) {
            try $0.insertDecline(
                presentation: 1, mentor: "bob", at: hours(-98), reason: "knows the family")
        }
        try p1.assign(to: "amy-w", at: hours(-97), overrideReason: "only mentor who speaks polish")
        try f.write("assign", at: hours(-97)) { [p1] in try $0.updatePresentation(p1) }
        try f.write("edit", at: hours(-96)) {
            try $0.insertCorrection(presentation: 1, kind: "edit", reason: "locality was wrong")
        }
        try p1.markSeen(at: hours(-95))
        try p1.close(.supportedDischarged, at: hours(-94))
        try f.write("close", at: hours(-94)) { [p1] in try $0.updatePresentation(p1) }

        var p2 = person(arrived: hours(-99), nhs: "4010232137", ref: "MRN-2")
        try p2.close(.leftBeforeSeen, at: hours(-98))
        try f.write("register", at: hours(-99)) { [p2] tx in _ = try tx.insertPresentation(p2) }
        try f.write("hold", at: hours(-90)) {
            try $0.insertHold(presentation: 2, reason: "inquest", at: hours(-90))
        }
        var p3 = person(arrived: hours(-20), nhs: nil, ref: "MRN-3")
        try p3.close(.leftBeforeSeen, at: hours(-19))
        try f.write("register", at: hours(-20)) { [p3] tx in _ = try tx.insertPresentation(p3) }
        try f.write("register", at: hours(-10)) {
            _ = try $0.insertPresentation(
                person(arrived: hours(-10), nhs: "9434765919", ref: "MRN-4"))
        }
    }

    @Test(arguments: StoreKind.available)
    func identifiersGoAndWhatTheSummariesNeedStays(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try history(f)
            let before = try #require(try f.read { try $0.presentation(1) })
            let cutoff = hours(-48)
            #expect(try f.read { try $0.countIdentifiable(closedBefore: cutoff) } == 1)
            let p1Entries = try f.read { try $0.auditEntries(since: nil, entity: "P1") }.count
            #expect(p1Entries == 5)  // register, decline, assign, edit, close
            let entriesBefore = try f.read { try $0.auditCount() }

            let run = try f.write("retention", at: t0) {
                try $0.removeIdentifiers(closedBefore: cutoff)
            }
            #expect(run == RetentionRun(presentations: 1, entriesErased: 5, entriesKept: 0))

            var expected = before
            expected.nhs = nil
            expected.ref = nil
            expected.ageBand = nil
            expected.gender = nil
            expected.language = nil
            expected.overrideReason = nil
            #expect(try f.read { try $0.presentation(1) } == expected)
            #expect(
                try f.read { try $0.declines(of: 1) }
                    == [DeclineRecord(mentorID: "bob", at: hours(-98), reason: nil)])
            #expect(
                try f.read { try $0.corrections(of: 1) }
                    == [CorrectionRecord(at: hours(-96), actor: "alice", kind: "edit", reason: nil)]
            )
            // The hold keeps P2 whole; P3 and P4 are not due.
            #expect(try f.read { try $0.presentation(2) }?.nhs == "4010232137")
            #expect(try f.read { try $0.presentation(2) }?.gender == "male")
            #expect(try f.read { try $0.presentation(3) }?.ref == "MRN-3")
            #expect(try f.read { try $0.presentation(4) }?.nhs == "9434765919")
            #expect(try f.read { try $0.presentations(nhs: nil, ref: "MRN-1") } == [])
            #expect(
                try f.read { try $0.presentations(nhs: "9434765919", ref: nil) }.map(\.number) == [
                    4
                ])

            // The log about P1 holds none of it, and says what was removed.
            let log = try f.read { try $0.auditEntries(since: nil, entity: "P1") }
            #expect(log.count == 5)
            for entry in log {
                let text = (entry.before ?? "") + (entry.after ?? "")
                for secret in [
                    "25-34", "polish", "knows the family", "locality was wrong", "only mentor who",
                ] {
                    #expect(!text.contains(secret), "entry \(entry.seq) holds '\(secret)'")
                }
            }
            #expect(log.contains { ($0.after ?? "").contains("[removed]") })
            let last = try #require(try f.entries().last)
            #expect(last.action == "retention")
            #expect(last.entity == nil)
            #expect(last.command == "retention")
            let summary = #""closed_before":\#(cutoff.storedSeconds),"presentations":1,"#
            #expect(last.after?.contains(summary + #""entries_erased":5,"erasures":""#) == true)

            try f.expectClean(entries: entriesBefore + 1)
            #expect(try f.read { try $0.countIdentifiable(closedBefore: cutoff) } == 0)
            // Released from hold, P2 goes at the next run.
            try f.write("hold release") { try $0.removeHold(presentation: 2) }
            #expect(try f.read { try $0.countIdentifiable(closedBefore: cutoff) } == 1)
            let second = try f.write("retention") { try $0.removeIdentifiers(closedBefore: cutoff) }
            #expect(second.presentations == 1)
            #expect(try f.read { try $0.presentation(2) }?.nhs == nil)
            #expect(try f.read { try $0.presentation(2) }?.outcome == .leftBeforeSeen)
            try f.expectClean(entries: entriesBefore + 3)
        }
    }
}
