import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@Suite("Store contract: site import")
struct SiteImportContractTests {
    /// A site's own file with a little of everything, read back as `site import` reads it.
    private func siteBundle(mentor: Mentor = amy) throws -> SiteBundle {
        let site = try StoreKind.sqlite.fresh("site")
        defer { site.remove() }
        try site.write("setup", at: hours(-30)) { tx in
            try tx.insertMentor(mentor)
            try tx.insertMentor(numbered("M7"))
            try tx.upsertStaff(StaffMember(name: "kim", role: .coordinator))
            try tx.insertShift(
                Shift(mentorID: mentor.id, span: TimeSpan(start: hours(-2), end: hours(6))))
            try tx.insertLeave(
                Leave(mentorID: "M7", span: TimeSpan(start: hours(24), end: hours(48))))
            try tx.insertSignIn(SignIn(mentorID: mentor.id, inAt: hours(-2)))
            var seen = person(arrived: hours(-29))
            try seen.assign(to: mentor.id, at: hours(-28))
            try seen.markSeen(at: hours(-27))
            try seen.close(.supportedDischarged, at: hours(-26))
            _ = try tx.insertPresentation(seen)
            _ = try tx.insertPresentation(anonymous(arrived: at(-20)))
            try tx.insertDecline(presentation: 2, mentor: "M7", at: at(-15), reason: "off sick")
            try tx.insertHold(presentation: 1, reason: "complaint", at: hours(-1))
            try tx.insertCorrection(presentation: 2, kind: "edit", reason: "wrong locality")
            _ = try tx.insertReferral(
                Referral(
                    presentation: 1, serviceID: "svc-a", serviceName: "A", requestedAt: hours(-26)))
        }
        return try site.read { tx in
            var b = SiteBundle(site: "victoria")
            b.mentors = try tx.mentors()
            b.shifts = try tx.shifts(mentor: nil, overlapping: nil)
            b.leave = try tx.leave(mentor: nil, overlapping: nil)
            b.signIns = try tx.signIns(mentor: nil, overlapping: nil)
            b.staff = try tx.staff()
            b.presentations = try [1, 2].compactMap { try tx.presentation($0) }
            b.declines = try tx.declines(of: 2).map { (2, $0) }
            b.corrections = try tx.corrections(of: 2).map { (2, $0) }
            b.holds = try tx.hold(of: 1).map { [(1, $0)] } ?? []
            b.referrals = try tx.referrals(presentation: 1)
            b.audit = try tx.auditEntries(since: nil, entity: nil)
            return b
        }
    }

    @Test(arguments: StoreKind.available)
    func aSiteIsCopiedWholeIntoTheSharedDatabase(_ kind: StoreKind) throws {
        let bundle = try siteBundle()
        try withStore(kind) { f in
            try f.write("register") { tx in
                try tx.insertMentor(amy)  // the same record: kept once
                _ = try tx.insertPresentation(person(arrived: at(-5)))
            }
            let mapping = try f.write("site import") { try $0.importSite(bundle) }
            #expect(mapping.map(\.old) == [1, 2])
            #expect(mapping.map(\.new) == [2, 3])
            var first = bundle.presentations[0]
            first.number = 2
            first.site = "victoria"
            #expect(try f.read { try $0.presentation(2) } == first)
            #expect(try f.read { try $0.presentation(3) }?.site == "victoria")
            #expect(try f.read { try $0.sites() } == ["main", "victoria"])
            #expect(try f.read { try $0.mentors() } == [amy, numbered("M7")])
            #expect(try f.read { try $0.staff() } == bundle.staff)
            #expect(try f.read { try $0.declines(of: 3) } == bundle.declines.map(\.decline))
            #expect(
                try f.read { try $0.corrections(of: 3) } == bundle.corrections.map(\.correction))
            #expect(try f.read { try $0.hold(of: 2) } == bundle.holds.first?.hold)
            #expect(try f.read { try $0.referrals(presentation: 2) }.map(\.serviceID) == ["svc-a"])
            #expect(
                try f.read { try $0.shifts(mentor: nil, overlapping: nil) }.map(\.span)
                    == bundle.shifts.map(\.span))
            #expect(try f.read { try $0.leave(mentor: "M7", overlapping: nil) }.count == 1)
            #expect(try f.read { try $0.signIns(mentor: nil, overlapping: nil) }.count == 1)
            // The copied chain is sealed by ONE entry of this database's chain.
            try f.expectClean(entries: 3)
            #expect(try f.entries().last?.command == "site import")
        }
    }

    @Test(arguments: StoreKind.available)
    func aMentorWhoseRecordsDifferRefusesTheWholeImport(_ kind: StoreKind) throws {
        var other = amy
        other.capacity = 9
        let bundle = try siteBundle(mentor: other)
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            do {
                _ = try f.write("site import") { try $0.importSite(bundle) }
                Issue.record("the import went ahead with two different records of amy-w")
            } catch let error as StoreError {
                guard case .duplicate(let message) = error else {
                    Issue.record("expected StoreError.duplicate, got \(error)")
                    return
                }
                #expect(message.contains("amy-w"), "\(message)")
                #expect(!message.contains("M7"), "\(message)")
            }
            #expect(try f.read { try $0.mentors() } == [amy])
            #expect(try f.read { try $0.presentation(1) } == nil)
            #expect(try f.read { try $0.sites() } == [])
            try f.expectClean(entries: 1)
        }
    }
}
