import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@testable import AlongsidePostgres
@testable import AlongsideSQLite

// `site import` (spec §9) into the trust database: renumbered, all or nothing, the copied
// chain kept and sealed so `check` and `audit verify` pass.

/// Every table of a site's file, as `site import` reads it.
private func bundle(of store: SQLiteStore, site: String) throws -> SiteBundle {
    try store.read { tx in
        var b = SiteBundle(site: site)
        b.mentors = try tx.mentors()
        b.shifts = try tx.shifts(mentor: nil, overlapping: nil)
        b.leave = try tx.leave(mentor: nil, overlapping: nil)
        b.signIns = try tx.signIns(mentor: nil, overlapping: nil)
        b.staff = try tx.staff()
        let always = TimeSpan(
            start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 4e9))
        b.presentations = try tx.presentations(arrivedIn: always, includingVoided: true)
        for p in b.presentations {
            b.declines += try tx.declines(of: p.number).map { (p.number, $0) }
            b.corrections += try tx.corrections(of: p.number).map { (p.number, $0) }
            if let h = try tx.hold(of: p.number) { b.holds.append((p.number, h)) }
            b.referrals += try tx.referrals(presentation: p.number)
        }
        b.audit = try tx.auditEntries(since: nil, entity: nil)
        return b
    }
}

/// A site's file with a little of everything.
private func siteFile() throws -> (TempSQLite, SQLiteStore) {
    let file = TempSQLite()
    let site = try file.open()
    let c = context("script", actor: "vic")
    try site.write(c) { tx in
        try tx.upsertStaff(StaffMember(name: "vic", role: .admin))
        try tx.insertMentor(amy)
        try tx.insertMentor(mentor("V1"))
        try tx.insertShift(
            Shift(mentorID: "V1", span: TimeSpan(start: t0, end: t0.addingTimeInterval(3600))))
        try tx.insertShift(
            Shift(mentorID: "amy-w", span: TimeSpan(start: t0, end: t0.addingTimeInterval(7200))))
        try tx.insertLeave(
            Leave(
                mentorID: "V1",
                span: TimeSpan(
                    start: t0.addingTimeInterval(9000), end: t0.addingTimeInterval(99000))))
        try tx.insertSignIn(SignIn(mentorID: "V1", inAt: t0))
    }
    for i in 0..<3 {
        _ = try site.write(c) {
            try $0.insertPresentation(person(at: t0.addingTimeInterval(Double(i))))
        }
    }
    try site.write(c) { tx in
        var p = try #require(try tx.presentation(2))
        p.mentorID = "V1"
        p.assignedAt = t0
        try tx.updatePresentation(p)
        try tx.insertDecline(presentation: 2, mentor: "amy-w", at: t0, reason: "on a break")
        try tx.insertCorrection(presentation: 3, kind: "edit", reason: "wrong locality")
        try tx.insertHold(presentation: 1, reason: "complaint", at: t0)
        try tx.replaceServices([Service(id: "S1", name: "Housing")])
        _ = try tx.insertReferral(
            Referral(presentation: 3, serviceID: "S1", serviceName: "Housing", requestedAt: t0))
    }
    return (file, site)
}

@Suite("site import into the trust database", .enabled(if: Fixture.available))
struct SiteImportTests {
    @Test func aSiteMovesInRenumberedAndTheLogsStillVerify() throws {
        let (file, site) = try siteFile()
        defer { file.remove() }
        let (trust, url, password) = try Fixture.store("import")
        let c = context("script")
        try trust.write(c) { tx in
            try tx.insertMentor(amy)
            try tx.insertMentor(mentor("T1"))
            try tx.insertShift(
                Shift(
                    mentorID: "amy-w", span: TimeSpan(start: t0, end: t0.addingTimeInterval(7200))))
            _ = try tx.insertPresentations([person(site: "east"), person(site: "east")])
        }
        let b = try bundle(of: site, site: "victoria")
        let mapping = try trust.write(context("site import")) { try $0.importSite(b) }
        #expect(mapping.map(\.old) == [1, 2, 3])
        #expect(mapping.map(\.new) == [3, 4, 5])

        try trust.read { tx in
            #expect(try tx.sites() == ["east", "victoria"])
            #expect(try tx.presentation(4)?.mentorID == "V1")
            #expect(try tx.presentation(4)?.site == "victoria")
            #expect(try tx.declines(of: 4).map(\.mentorID) == ["amy-w"])
            #expect(try tx.corrections(of: 5).map(\.kind) == ["edit"])
            #expect(try tx.hold(of: 3)?.reason == "complaint")
            #expect(try tx.referrals(presentation: 5).map(\.serviceID) == ["S1"])
            #expect(try tx.mentors().map(\.id) == ["amy-w", "T1", "V1"])
            // amy's shift was in both: kept once.
            #expect(try tx.shifts(mentor: "amy-w", overlapping: nil).count == 1)
            #expect(try tx.shifts(mentor: "V1", overlapping: nil).count == 1)
            #expect(try tx.leave(mentor: "V1", overlapping: nil).count == 1)
            #expect(try tx.signIns(mentor: "V1", overlapping: nil).count == 1)
            #expect(try tx.staffMember("vic")?.role == .admin)
            let seal = try #require(try tx.auditEntries(since: nil, entity: "site:victoria").last)
            #expect(seal.action == "site-import")
            let after = try #require(seal.after.flatMap(JSONValue.parse))
            #expect(after[member: "entries"] == .int(b.audit.count))
            #expect(after[member: "head"] == .string(b.audit.last!.hash))
            #expect(after[member: "mapping"] == .array([.array([.int(1), .int(3), .int(3)])]))
        }
        #expect(try trust.verifyAudit().problems == [])
        #expect(try trust.check() == [])

        // The copied chain is the site's own, verbatim.
        let raw = try Fixture.raw(url, password)
        defer { raw.close() }
        let hashes = try raw.query(
            "SELECT hash FROM site_audit WHERE site = 'victoria' ORDER BY seq"
        )
        .map { $0.string(0) }
        #expect(hashes == b.audit.map(\.hash))

        // Importing it again is refused.
        #expect(
            throws: StoreError.duplicate(
                "site victoria has already been imported into the trust database")
        ) {
            try trust.write(context("site import")) { try $0.importSite(b) }
        }

        // Changing the copied chain is found by audit verify and by check.
        try raw.execute("ALTER TABLE site_audit DISABLE TRIGGER site_audit_no_update")
        try raw.execute("UPDATE site_audit SET actor = 'mallory' WHERE seq = 2")
        try raw.execute("ALTER TABLE site_audit ENABLE TRIGGER site_audit_no_update")
        let problems = try trust.verifyAudit().problems
        #expect(
            problems.contains {
                $0.hasPrefix("the history of site victoria sealed by entry")
                    && $0.contains("1 of its entries differ")
            })
        #expect(try trust.check().contains { $0.contains("site_audit victoria:2 differs") })
    }

    @Test func aMentorOrStaffMemberWhoDiffersIsRefusedAndNothingIsCopied() throws {
        let (file, site) = try siteFile()
        defer { file.remove() }
        let (trust, _, _) = try Fixture.store("import_refused")
        var otherAmy = amy
        otherAmy.capacity = 5
        try trust.write(context("script")) { tx in
            try tx.insertMentor(otherAmy)
            try tx.upsertStaff(StaffMember(name: "vic", role: .liaison))
        }
        let before = try trust.verifyAudit().entries
        #expect(
            throws: StoreError.duplicate(
                "these are in both databases with different records: mentor amy-w, staff vic; make "
                    + "each pair the same (or give one another id) and import again")
        ) {
            try trust.write(context("site import")) {
                try $0.importSite(try bundle(of: site, site: "victoria"))
            }
        }
        #expect(try trust.verifyAudit() == ([], before))
        #expect(try trust.read { try $0.sites() } == [])
    }

    @Test func aSiteWithNothingButALogMovesIn() throws {
        let file = TempSQLite()
        defer { file.remove() }
        let site = try file.open()
        try site.write(context("init")) {
            try $0.upsertStaff(StaffMember(name: "vic", role: .admin))
        }
        let (trust, _, _) = try Fixture.store("import_empty")
        let mapping = try trust.write(context("site import")) {
            try $0.importSite(try bundle(of: site, site: "uc"))
        }
        #expect(mapping.isEmpty)
        #expect(try trust.verifyAudit().problems == [])
        #expect(try trust.check() == [])
    }
}
