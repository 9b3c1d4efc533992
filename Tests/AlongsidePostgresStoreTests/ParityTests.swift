import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@testable import AlongsidePostgres
@testable import AlongsideSQLite

// Every StoreReading/StoreWriting method on the PostgreSQL store against the SQLite store,
// for the same sequence of calls: the same results, the same errors, the same audit
// entries (all but their salted hashes) and the same canonical record states.

private let hour: TimeInterval = 3600

private func span(_ from: TimeInterval, _ to: TimeInterval) -> TimeSpan {
    TimeSpan(start: t0.addingTimeInterval(from), end: t0.addingTimeInterval(to))
}

@Suite("PostgreSQL store gives what the SQLite store gives", .enabled(if: Fixture.available))
struct ParityTests {
    @Test func settingsMentorsShiftsLeaveAndSignIns() throws {
        let twin = try Twin("parity_roster")
        let c = context("script")
        twin.read("settings of a new database") { try $0.settings() }
        twin.write("seed", c) {
            try $0.seedSettings([("site", "blackpool"), ("time_zone", "Europe/London")])
        }
        twin.read("settings") { try $0.settings() }
        twin.write("set", c) { try $0.setSetting("site", "victoria") }
        twin.write("set the same", c) { try $0.setSetting("site", "victoria") }
        twin.write("set new", c) { try $0.setSetting("require_pin", "yes") }

        twin.write("amy", c) { try $0.insertMentor(amy) }
        twin.write("amy again, in capitals", c) {
            try $0.insertMentor(Mentor(id: "AMY-W", name: "Other", capacity: 1))
        }
        for id in ["M1", "M2", "M10", "m13", "Zed", "bob", "M07"] {
            twin.write("mentor \(id)", c) { try $0.insertMentor(mentor(id)) }
        }
        twin.read("mentor without case") { try $0.mentor("AMY-w") }
        twin.read("no mentor") { try $0.mentor("nobody") }
        twin.read("mentors") { try $0.mentors() }
        twin.read("next id (m13 counts)") { try $0.nextMentorID() }
        var changed = mentor("M2", capacity: 3)
        changed.phone = "01253 300000"
        changed.status = .paused
        changed.id = "m2"
        twin.write("update by another case", c) { try $0.updateMentor(changed) }
        twin.write("update with no change", c) { try $0.updateMentor(changed) }
        twin.write("update unknown", c) { try $0.updateMentor(mentor("M99")) }
        twin.read("updated") { try $0.mentor("M2") }

        // Shifts: ties on start across mentors, ids in another case.
        let shifts: [(String, TimeInterval, TimeInterval)] = [
            ("M1", -2 * hour, 6 * hour), ("m10", -2 * hour, 6 * hour), ("amy-w", -hour, 7 * hour),
            ("Zed", -3 * hour, 5 * hour), ("M2", 20 * hour, 28 * hour),
            ("bob", -2 * hour, 2 * hour),
            ("m1", 30 * hour, 38 * hour), ("M07", -40 * hour, -32 * hour),
        ]
        for (id, from, to) in shifts {
            twin.write("shift \(id)", c) {
                try $0.insertShift(Shift(mentorID: id, span: span(from, to)))
            }
        }
        twin.writeFails("shift of nobody", c) {
            try $0.insertShift(Shift(mentorID: "nobody", span: span(0, hour)))
        }
        twin.read("all shifts") { try $0.shifts(mentor: nil, overlapping: nil) }
        twin.read("shifts now") { try $0.shifts(mentor: nil, overlapping: span(0, 1)) }
        twin.read("M1's shifts") { try $0.shifts(mentor: "M1", overlapping: nil) }
        twin.read("m1's shifts this week") {
            try $0.shifts(mentor: "m1", overlapping: span(-hour, 40 * hour))
        }
        twin.read("shift seconds") { try $0.shiftSeconds(startingIn: span(-50 * hour, 50 * hour)) }

        twin.write("leave", c) {
            try $0.insertLeave(Leave(mentorID: "Zed", span: span(-hour, 48 * hour)))
        }
        twin.write("leave 2", c) {
            try $0.insertLeave(Leave(mentorID: "m2", span: span(10 * hour, 30 * hour)))
        }
        twin.write("leave 3", c) {
            try $0.insertLeave(Leave(mentorID: "M1", span: span(-90 * hour, -80 * hour)))
        }
        twin.read("leave") { try $0.leave(mentor: nil, overlapping: nil) }
        twin.read("leave now") { try $0.leave(mentor: nil, overlapping: span(0, 1)) }
        twin.read("zed's leave") { try $0.leave(mentor: "ZED", overlapping: nil) }

        twin.write("sign in", c) {
            try $0.insertSignIn(SignIn(mentorID: "M1", inAt: t0.addingTimeInterval(-hour)))
        }
        twin.write("sign in 2", c) {
            try $0.insertSignIn(SignIn(mentorID: "bob", inAt: t0.addingTimeInterval(-hour)))
        }
        twin.write("sign out", c) {
            try $0.updateSignIn(
                SignIn(id: 2, mentorID: "bob", inAt: t0.addingTimeInterval(-hour), outAt: t0))
        }
        twin.read("sign-ins") { try $0.signIns(mentor: nil, overlapping: nil) }
        twin.read("sign-ins of m1 now") { try $0.signIns(mentor: "m1", overlapping: span(0, 1)) }

        twin.read("states") { try $0.mentorStates(at: t0, onShiftOnly: false) }
        twin.read("on shift") { try $0.mentorStates(at: t0, onShiftOnly: true) }
        twin.read("one state") { try $0.mentorState("m1", at: t0) }
        twin.read("no state") { try $0.mentorState("nobody", at: t0) }

        let gone = try twin.sqlite.read { try $0.shifts(mentor: "bob", overlapping: nil) }
        twin.write("delete shifts", c) { try $0.deleteShifts(gone) }
        twin.write("shift after a delete takes the number again", c) {
            try $0.insertShift(Shift(mentorID: "bob", span: span(50 * hour, 52 * hour)))
        }
        let leave = try twin.sqlite.read { try $0.leave(mentor: "m2", overlapping: nil) }
        twin.write("delete leave", c) { try $0.deleteLeave(leave) }
        twin.read("shifts at the end") { try $0.shifts(mentor: nil, overlapping: nil) }
        // The SQLite store's deleteLeave writes its entry without naming the record, so its
        // `check` reports the leave as deleted behind its back; the PostgreSQL store mirrors
        // it (both should pass `record: .leave(id)`).
        #expect(
            try twin.sqlite.check() == [
                "leave 2 was deleted without an audit entry (its last entry is 23)"
            ])
        try expectSameLogAndRecords(twin)
    }

    @Test func presentationsDeclinesCorrectionsHoldsAndRetention() throws {
        let twin = try Twin("parity_desk")
        let c = context("script")
        for id in ["M1", "M2", "M3", "a1", "Z9"] {
            twin.write("mentor \(id)", c) { try $0.insertMentor(mentor(id)) }
        }
        // Several arrivals in the same second (ties broken by number).
        for (i, (nhs, ref)) in [
            ("9434765919", "MRN-1"), (nil, "MRN-2"), ("9434765919", nil), (nil, nil),
            ("4010232137", "MRN-1"),
        ].enumerated() {
            twin.write("register \(i)", c) {
                try $0.insertPresentation(
                    person(nhs: nhs, ref: ref, at: t0.addingTimeInterval(i < 3 ? -600 : -300)))
            }
        }
        twin.write("bulk", c) {
            try $0.insertPresentations(
                (0..<7).map {
                    person(
                        nhs: nil, ref: "B-\($0)", at: t0.addingTimeInterval(-Double($0) * 60),
                        site: $0 % 2 == 0 ? "east" : "main")
                })
        }
        twin.write("empty bulk", c) { try $0.insertPresentations([]) }
        twin.read("P3") { try $0.presentation(3) }
        twin.read("no P99") { try $0.presentation(99) }
        twin.read("waiting") { try $0.waitingPresentations() }
        twin.read("sites") { try $0.sites() }

        var p1 = try #require(try twin.sqlite.read { try $0.presentation(1) })
        p1.mentorID = "m1"
        p1.assignedAt = t0
        twin.write("assign (other case)", c) { try $0.updatePresentation(p1) }
        var p2 = try #require(try twin.sqlite.read { try $0.presentation(2) })
        p2.mentorID = "M1"
        p2.assignedAt = t0
        p2.seenAt = t0.addingTimeInterval(60)
        twin.write("seen", c) { try $0.updatePresentation(p2) }
        var p3 = try #require(try twin.sqlite.read { try $0.presentation(3) })
        p3.mentorID = "M2"
        p3.assignedAt = t0
        p3.seenAt = t0
        p3.closedAt = t0.addingTimeInterval(120)
        p3.outcome = .supportedDischarged
        p3.overrideReason = "asked for M2 by name"
        twin.write("closed", c) { try $0.updatePresentation(p3) }
        var p4 = try #require(try twin.sqlite.read { try $0.presentation(4) })
        p4.voidedAt = t0
        p4.closedAt = t0
        twin.write("voided", c) { try $0.updatePresentation(p4) }
        var ghost = p4
        ghost.number = 77
        twin.write("update unknown", c) { try $0.updatePresentation(ghost) }
        twinReads(twin)

        // Declines in the same second: SQLite gives them in mentor order (without case).
        for m in ["M3", "a1", "m2", "Z9"] {
            twin.write("decline \(m)", c) {
                try $0.insertDecline(
                    presentation: 5, mentor: m, at: t0, reason: m == "a1" ? "knows him" : nil)
            }
        }
        twin.write("decline again (replaced)", c) {
            try $0.insertDecline(
                presentation: 5, mentor: "M2", at: t0.addingTimeInterval(-5),
                reason: "second thoughts")
        }
        twin.write("decline 3", c) {
            try $0.insertDecline(presentation: 3, mentor: "M1", at: t0, reason: "busy")
        }
        twin.read("declines") { try $0.declines(of: 5) }
        twin.read("declines of P3") { try $0.declines(of: 3) }

        twin.write("correction", c) {
            try $0.insertCorrection(presentation: 3, kind: "edit", reason: "typo in ref")
        }
        twin.write("correction 2", c) {
            try $0.insertCorrection(presentation: 3, kind: "reopen", reason: "came back")
        }
        twin.read("corrections") { try $0.corrections(of: 3) }

        twin.write("hold", c) { try $0.insertHold(presentation: 2, reason: "complaint", at: t0) }
        twin.write("hold again", c) {
            try $0.insertHold(presentation: 2, reason: "inquest", at: t0)
        }
        twin.read("hold") { try $0.hold(of: 2) }
        twin.read("no hold") { try $0.hold(of: 3) }
        twin.write("release", c) { try $0.removeHold(presentation: 2) }
        twin.write("release none", c) { try $0.removeHold(presentation: 2) }
        twin.write("hold 2", c) { try $0.insertHold(presentation: 1, reason: "complaint", at: t0) }

        // Everything closed long ago is stripped of identifiers (P1 is on hold).
        let later = t0.addingTimeInterval(400 * 24 * hour)
        for n in [1, 2, 5] {
            var p = try #require(try twin.sqlite.read { try $0.presentation(n) })
            p.closedAt = t0.addingTimeInterval(200)
            p.outcome = .supportedDischarged
            twin.write("close P\(n)", c) { try $0.updatePresentation(p) }
        }
        twin.read("identifiable") { try $0.countIdentifiable(closedBefore: later) }
        twin.read("not yet") { try $0.countIdentifiable(closedBefore: t0) }
        twin.write("retention", context("retention", at: later)) {
            try $0.removeIdentifiers(closedBefore: later)
        }
        twin.write("retention again", context("retention", at: later)) {
            try $0.removeIdentifiers(closedBefore: later)
        }
        twin.read("identifiable after") { try $0.countIdentifiable(closedBefore: later) }
        twinReads(twin)
        twin.read("declines after retention") { try $0.declines(of: 5) }
        twin.read("corrections after retention") { try $0.corrections(of: 3) }
        try expectSameLogAndRecords(twin)
    }

    /// The reads of presentations, on both.
    private func twinReads(_ twin: Twin) {
        let day = span(-24 * hour, 24 * hour)
        twin.read("arrived") { try $0.presentations(arrivedIn: day, includingVoided: false) }
        twin.read("arrived with voided") {
            try $0.presentations(arrivedIn: day, includingVoided: true)
        }
        twin.read("times") { try $0.presentationTimes(arrivedIn: day) }
        twin.read("identities") { try $0.presentationIdentities(arrivedIn: day) }
        twin.read("by nhs") { try $0.presentations(nhs: "9434765919", ref: nil) }
        twin.read("by ref (any case)") { try $0.presentations(nhs: nil, ref: "mrn-1") }
        twin.read("by both") { try $0.presentations(nhs: "4010232137", ref: "MRN-2") }
        twin.read("by neither") { try $0.presentations(nhs: nil, ref: nil) }
        twin.read("previous mentors") {
            try $0.previousMentors(nhs: "9434765919", ref: "MRN-2", excluding: 99)
        }
        twin.read("previous mentors but P2") {
            try $0.previousMentors(nhs: nil, ref: "MRN-2", excluding: 2)
        }
        twin.read("m1's") { try $0.presentations(mentor: "M1", limit: 10) }
        twin.read("m1's last") { try $0.presentations(mentor: "m1", limit: 1) }
        twin.read("caseloads") { try $0.caseloads() }
        twin.read("open") { try $0.openPresentations() }
        twin.read("waiting") { try $0.waitingPresentations() }
        twin.read("sites") { try $0.sites() }
        twin.read("states") { try $0.mentorStates(at: t0, onShiftOnly: false) }
        twin.read("M1") { try $0.mentorState("M1", at: t0) }
    }

    @Test func staffPinsServicesReferralsAndEvents() throws {
        let twin = try Twin("parity_people")
        let c = context("script")
        twin.read("no staff") { try $0.staff() }
        for (name, role) in [("alice", Role.admin), ("Bob", .liaison), ("carol", .coordinator)] {
            twin.write("staff \(name)", c) {
                try $0.upsertStaff(
                    StaffMember(name: name, role: role, pinHash: name == "Bob" ? "h1" : nil))
            }
        }
        twin.write("staff update", c) {
            try $0.upsertStaff(StaffMember(name: "Bob", role: .coordinator, pinHash: "h2"))
        }
        twin.read("staff") { try $0.staff() }
        twin.read("Bob") { try $0.staffMember("Bob") }
        twin.read("bob is another name") { try $0.staffMember("bob") }
        twin.read("no pin record") { try $0.pinAttempts("Bob") }
        twin.write("pins", c) {
            try $0.setPinAttempts("Bob", PinAttempts(failures: 2, lockedUntil: t0, firstPin: true))
        }
        twin.write("pins in another case", c) {
            try $0.setPinAttempts("BOB", PinAttempts(failures: 3))
        }
        twin.read("pin record without case") { try $0.pinAttempts("bob") }
        twin.write("remove", c) { try $0.removeStaff("Bob") }
        twin.write("remove unknown", c) { try $0.removeStaff("Bob") }
        twin.read("pin record gone") { try $0.pinAttempts("bob") }

        let services = [
            Service(
                id: "SVC-1", name: "Housing help", description: "Advice", email: "h@example.org",
                minimumAge: 18, areas: ["blackpool"], taxonomies: ["housing", "money"],
                schedules: [
                    RegularSchedule(
                        id: "s1", freq: .weekly, byday: [.mo, .fr], opensAt: 540, closesAt: 1020),
                    RegularSchedule(
                        id: "s0", freq: .daily, byday: [], opensAt: 600, closesAt: 660,
                        validFrom: LocalDate(year: 2026, month: 1, day: 1)),
                ]),
            Service(id: "alc-2", name: "Alcohol team", status: "inactive", taxonomies: ["alcohol"]),
            Service(
                id: "Zeta", name: "Z", url: "https://z.example", maximumAge: 25,
                taxonomies: ["Housing"]),
        ]
        twin.write("directory", c) { try $0.replaceServices(services) }
        twin.read("services") { try $0.services(need: nil, activeOnly: false) }
        twin.read("active") { try $0.services(need: nil, activeOnly: true) }
        twin.read("housing") { try $0.services(need: "housing", activeOnly: false) }
        twin.read("HOUSING") { try $0.services(need: "HOUSING", activeOnly: true) }
        twin.read("no such need") { try $0.services(need: "h_using", activeOnly: false) }
        twin.read("service without case") { try $0.service("svc-1") }
        twin.read("no service") { try $0.service("nope") }
        twin.write("directory again", c) { try $0.replaceServices(Array(services.reversed())) }
        twin.read("services again") { try $0.services(need: nil, activeOnly: false) }

        twin.write("mentor", c) { try $0.insertMentor(amy) }
        twin.write("P1", c) { try $0.insertPresentation(person()) }
        var r = Referral(
            presentation: 1, serviceID: "SVC-1", serviceName: "Housing help", requestedAt: t0)
        twin.write("refer", c) { try $0.insertReferral(r) }
        twin.write("refer 2", c) {
            try $0.insertReferral(
                Referral(presentation: 1, serviceID: "zeta", serviceName: "Z", requestedAt: t0))
        }
        r.number = 1
        r.status = .accepted
        r.acceptedAt = t0.addingTimeInterval(60)
        twin.write("accepted", c) { try $0.updateReferral(r) }
        var missing = r
        missing.number = 9
        twin.write("unknown referral", c) { try $0.updateReferral(missing) }
        twin.read("referrals") { try $0.referrals(presentation: 1) }
        twin.read("referrals made") { try $0.referrals(requestedIn: span(-hour, hour)) }

        twin.write("event", c) {
            try $0.logEvent(action: "read", entity: "P1", detail: "subject access 9434765919")
        }
        twin.write("event 2", c) { try $0.logEvent(action: "export", entity: nil, detail: nil) }
        twin.read("count") { try $0.auditCount() }
        twin.read("keyed") { try $0.hasKeyedEntries() }
        twin.read("entries of p1 (any case)") {
            try $0.auditEntries(since: nil, entity: "p1").map(EntryContent.init)
        }
        twin.read("entries since") {
            try $0.auditEntries(since: t0.addingTimeInterval(1), entity: nil).map(EntryContent.init)
        }
        try expectSameLogAndRecords(twin)
    }

    @Test func aKeyedChainIsKeyedOnBoth() throws {
        let twin = try Twin("parity_keyed")
        let key = AuditKeyState.key(Array("0123456789abcdef0123456789abcdef".utf8))
        twin.sqlite.setAuditKey(key)
        twin.pg.setAuditKey(key)
        twin.write("mentor", context("mentor add")) { try $0.insertMentor(amy) }
        twin.read("keyed") { try $0.hasKeyedEntries() }
        #expect(try twin.pg.verifyAudit().problems == [])
        twin.pg.setAuditKey(.none)
        twin.sqlite.setAuditKey(.none)
        #expect(try twin.pg.verifyAudit().problems == twin.sqlite.verifyAudit().problems)
        #expect(try !twin.pg.verifyAudit().problems.isEmpty)
        twin.pg.setAuditKey(.unreadable("audit_key_file: cannot read /nope"))
        twin.sqlite.setAuditKey(.unreadable("audit_key_file: cannot read /nope"))
        twin.write("nothing may be written without the key", context("mentor add")) {
            try $0.insertMentor(mentor("M1"))
        }
    }

    /// Both logs hold the same entries (all but their salted hashes), both verify and check
    /// alike, and every record has the same canonical state in both.
    private func expectSameLogAndRecords(
        _ twin: Twin, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let a = try twin.sqlite.read { try $0.auditEntries(since: nil, entity: nil) }
            .map(EntryContent.init)
        let b = try twin.pg.read { try $0.auditEntries(since: nil, entity: nil) }
            .map(EntryContent.init)
        #expect(a.count == b.count, sourceLocation: sourceLocation)
        for (x, y) in zip(a, b) where x != y {
            Issue.record(
                "audit entries differ:\n  SQLite \(x)\n  PG     \(y)",
                sourceLocation: sourceLocation)
        }
        let states = try twin.canonicalStates()
        #expect(states.sqlite == states.pg, sourceLocation: sourceLocation)
        #expect(try twin.pg.verifyAudit().problems == [], sourceLocation: sourceLocation)
        #expect(try twin.sqlite.verifyAudit().problems == [], sourceLocation: sourceLocation)
        #expect(try twin.pg.check() == twin.sqlite.check(), sourceLocation: sourceLocation)
        #expect(
            try twin.pg.auditAnchor()?.seq == twin.sqlite.auditAnchor()?.seq,
            sourceLocation: sourceLocation)
    }
}
