import AlongsideCore
import AlongsideStore
import Foundation
import Testing

/// The audit view of a shift or leave row (`kind` is `shift` or `leave`).
private func spanView(_ kind: String, _ id: Int64, _ span: TimeSpan) -> String? {
    stored(
        .object([
            (kind, .int(Int(id))), ("start", .int(Int(span.start.storedSeconds))),
            ("end", .int(Int(span.end.storedSeconds))),
        ]))
}

private func span(_ fromHours: Int, _ toHours: Int) -> TimeSpan {
    TimeSpan(start: hours(fromHours), end: hours(toHours))
}

@Suite("Store contract: shifts, leave, sign-ins and mentor states")
struct RosterContractTests {
    @Test(arguments: StoreKind.available)
    func shiftsOverlappingASpanComeByStart(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let ids = try f.write("shift add") { tx -> [Int64] in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
                return [
                    try tx.insertShift(Shift(mentorID: "bob", span: span(2, 6))),
                    try tx.insertShift(Shift(mentorID: "amy-w", span: span(-8, 0))),
                    try tx.insertShift(Shift(mentorID: "amy-w", span: span(1, 9))),
                    try tx.insertShift(Shift(mentorID: "bob", span: span(-3, 1))),
                ]
            }
            #expect(Set(ids).count == 4)
            let bob26 = Shift(id: ids[0], mentorID: "bob", span: span(2, 6))
            let amyNight = Shift(id: ids[1], mentorID: "amy-w", span: span(-8, 0))
            let amyDay = Shift(id: ids[2], mentorID: "amy-w", span: span(1, 9))
            let bobEarly = Shift(id: ids[3], mentorID: "bob", span: span(-3, 1))
            #expect(
                try f.read { try $0.shifts(mentor: nil, overlapping: nil) }
                    == [amyNight, bobEarly, amyDay, bob26])
            #expect(
                try f.read { try $0.shifts(mentor: "amy-w", overlapping: nil) } == [
                    amyNight, amyDay,
                ])
            #expect(
                try f.read { try $0.shifts(mentor: "AMY-W", overlapping: nil) } == [
                    amyNight, amyDay,
                ])
            // Half-open spans: a shift ending at the span's start, or starting at its end, is
            // not in it.
            #expect(
                try f.read { try $0.shifts(mentor: nil, overlapping: span(0, 2)) } == [
                    bobEarly, amyDay,
                ])
            #expect(
                try f.read { try $0.shifts(mentor: "bob", overlapping: span(0, 2)) } == [bobEarly])
            #expect(try f.read { try $0.shifts(mentor: nil, overlapping: span(9, 12)) } == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func theLongestShiftIsFoundUpToItsLastSecond(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let longest = TimeSpan(
                start: t0, end: t0.addingTimeInterval(TimeInterval(Shift.longestRealSeconds)))
            let id = try f.write("shift add") { tx -> Int64 in
                try tx.insertMentor(amy)
                return try tx.insertShift(Shift(mentorID: "amy-w", span: longest))
            }
            let lastSecond = longest.end.addingTimeInterval(-1)
            let state = try #require(try f.read { try $0.mentorState("amy-w", at: lastSecond) })
            #expect(state.shifts == [longest])
            #expect(
                try f.read { try $0.mentorStates(at: lastSecond, onShiftOnly: true) }.map(\.mentor)
                    == [amy])
            #expect(try f.read { try $0.mentorStates(at: lastSecond) }.first?.shifts == [longest])
            #expect(
                try f.read {
                    try $0.shifts(
                        mentor: nil,
                        overlapping: TimeSpan(
                            start: lastSecond, end: lastSecond.addingTimeInterval(3600)))
                } == [Shift(id: id, mentorID: "amy-w", span: longest)])
            // At its end it covers nothing.
            #expect(try f.read { try $0.mentorState("amy-w", at: longest.end) }?.shifts == [])
            #expect(try f.read { try $0.mentorStates(at: longest.end, onShiftOnly: true) } == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func longLeaveIsFoundUpToItsLastSecond(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let month = TimeSpan(start: hours(-24 * 30), end: hours(24))
            let short = span(-2, -1)
            let ids = try f.write("leave") { tx -> [Int64] in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
                return [
                    try tx.insertLeave(Leave(mentorID: "amy-w", span: month)),
                    try tx.insertLeave(Leave(mentorID: "bob", span: short)),
                ]
            }
            let amyLeave = Leave(id: ids[0], mentorID: "amy-w", span: month)
            let bobLeave = Leave(id: ids[1], mentorID: "bob", span: short)
            #expect(
                try f.read { try $0.leave(mentor: nil, overlapping: nil) } == [amyLeave, bobLeave])
            #expect(try f.read { try $0.leave(mentor: "Bob", overlapping: nil) } == [bobLeave])
            let lastSecond = month.end.addingTimeInterval(-1)
            #expect(
                try f.read {
                    try $0.leave(
                        mentor: nil, overlapping: TimeSpan(start: lastSecond, end: hours(48)))
                } == [amyLeave])
            #expect(
                try f.read { try $0.leave(mentor: nil, overlapping: span(-1, 0)) } == [amyLeave])
            #expect(try f.read { try $0.mentorState("amy-w", at: lastSecond) }?.leave == [month])
            #expect(try f.read { try $0.mentorState("amy-w", at: month.end) }?.leave == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func removingShiftsAndLeaveIsAuditedOneEntryEach(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let (shifts, leave) = try f.write("roster") { tx -> ([Shift], Leave) in
                try tx.insertMentor(amy)
                let a = try tx.insertShift(Shift(mentorID: "amy-w", span: span(0, 4)))
                let b = try tx.insertShift(Shift(mentorID: "amy-w", span: span(24, 28)))
                let l = try tx.insertLeave(Leave(mentorID: "amy-w", span: span(48, 72)))
                return (
                    [
                        Shift(id: a, mentorID: "amy-w", span: span(0, 4)),
                        Shift(id: b, mentorID: "amy-w", span: span(24, 28)),
                    ], Leave(id: l, mentorID: "amy-w", span: span(48, 72))
                )
            }
            try f.write("shift remove", at: at(5)) { try $0.deleteShifts(shifts) }
            try f.write("leave remove", at: at(6)) { try $0.deleteLeave([leave]) }
            #expect(try f.read { try $0.shifts(mentor: nil, overlapping: nil) } == [])
            #expect(try f.read { try $0.leave(mentor: nil, overlapping: nil) } == [])
            let entries = try f.entries()
            #expect(
                entries.map(\.action) == [
                    "insert", "insert", "insert", "insert", "delete", "delete", "delete",
                ])
            #expect(entries.map(\.entity) == Array(repeating: "amy-w", count: 7))
            #expect(entries[1].after == spanView("shift", shifts[0].id, shifts[0].span))
            #expect(entries[3].after == spanView("leave", leave.id, leave.span))
            #expect(entries[4].before == spanView("shift", shifts[0].id, shifts[0].span))
            #expect(entries[5].before == spanView("shift", shifts[1].id, shifts[1].span))
            #expect(entries[6].before == spanView("leave", leave.id, leave.span))
            #expect(entries[4...].map(\.after) == [nil, nil, nil])
            #expect(
                entries[4...].map(\.command) == ["shift remove", "shift remove", "leave remove"])
            let verified = try f.store.verifyAudit()
            #expect(verified.problems == [])
            #expect(verified.entries == 7)
            // `check` accounts for every audited row, removed ones included.
            let problems = try f.store.check()
            // Both stores write the leave's removal without its record (PostgreSQL mirrors
            // SQLite), so check then reports the leave deleted behind the console's back.
            #expect(problems == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func mentorStatesHoldShiftsLeaveCaseloadAndSignInsAtATime(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let cat = Mentor(id: "M3", name: "Cat Shaw", capacity: 3)
            let signIn = try f.write("roster") { tx -> SignIn in
                for m in [cat, bob, amy] { try tx.insertMentor(m) }
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(-2, 6)))
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(8, 12)))
                try tx.insertShift(Shift(mentorID: "bob", span: span(-1, 1)))
                try tx.insertShift(Shift(mentorID: "M3", span: span(-6, -1)))
                try tx.insertLeave(Leave(mentorID: "bob", span: span(-1, 3)))
                let id = try tx.insertSignIn(SignIn(mentorID: "amy-w", inAt: at(-150)))
                try tx.insertSignIn(SignIn(mentorID: "M3", inAt: hours(-6), outAt: hours(-1)))
                var p = person()
                p.mentorID = "amy-w"
                p.assignedAt = at(-40)
                _ = try tx.insertPresentation(p)
                var q = anonymous(arrived: at(-30))
                q.mentorID = "M3"
                q.assignedAt = at(-20)
                _ = try tx.insertPresentation(q)
                return SignIn(id: id, mentorID: "amy-w", inAt: at(-150))
            }
            let amyState = MentorState(
                mentor: amy, shifts: [span(-2, 6)], leave: [], caseload: 1, signIns: [signIn])
            let bobState = MentorState(
                mentor: bob, shifts: [span(-1, 1)], leave: [span(-1, 3)], caseload: 0)
            let catState = MentorState(mentor: cat, shifts: [], leave: [], caseload: 1)
            #expect(try f.read { try $0.mentorStates(at: t0) } == [amyState, bobState, catState])
            #expect(
                try f.read { try $0.mentorStates(at: t0, onShiftOnly: true) } == [
                    amyState, bobState,
                ])
            #expect(try f.read { try $0.mentorState("AMY-W", at: t0) } == amyState)
            #expect(try f.read { try $0.mentorState("m3", at: t0) } == catState)
        }
    }

    @Test(arguments: StoreKind.available)
    func aMentorsOverlappingShiftsLeaveAndSignInsComeInTheStoresOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let ids = try f.write("roster") { tx -> [Int64] in
                try tx.insertMentor(amy)
                try tx.insertMentor(numbered("AMY-2"))
                // Inserted out of order, so that the order read is the store's own.
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(-1, 2)))
                try tx.insertShift(Shift(mentorID: "AMY-W", span: span(-3, 5)))
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(-3, 1)))
                try tx.insertLeave(Leave(mentorID: "amy-w", span: span(-4, 10)))
                try tx.insertLeave(Leave(mentorID: "amy-w", span: span(-1, 3)))
                try tx.insertLeave(Leave(mentorID: "Amy-W", span: span(-6, 3)))
                return [
                    try tx.insertSignIn(SignIn(mentorID: "amy-w", inAt: at(-30))),
                    try tx.insertSignIn(SignIn(mentorID: "amy-w", inAt: at(-90))),
                    try tx.insertSignIn(SignIn(mentorID: "AMY-W", inAt: at(-30), outAt: at(5))),
                ]
            }
            let expected = MentorState(
                mentor: amy, shifts: [span(-3, 1), span(-3, 5), span(-1, 2)],
                leave: [span(-6, 3), span(-1, 3), span(-4, 10)], caseload: 0,
                signIns: [
                    SignIn(id: ids[1], mentorID: "amy-w", inAt: at(-90)),
                    SignIn(id: ids[0], mentorID: "amy-w", inAt: at(-30)),
                    SignIn(id: ids[2], mentorID: "AMY-W", inAt: at(-30), outAt: at(5)),
                ])
            // Twice each: the first read and the roster kept for the next.
            for _ in 0..<2 {
                #expect(try f.read { try $0.mentorStates(at: t0, onShiftOnly: true) } == [expected])
                let all = try f.read { try $0.mentorStates(at: t0) }
                #expect(all.first { $0.mentor == amy } == expected)
            }
        }
    }

    @Test(arguments: StoreKind.available)
    func theRosterKeptAcrossCommandsSeesEveryChange(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            func onShift(_ store: any AlongsideStore) throws -> [Mentor] {
                try store.read { try $0.mentorStates(at: t0, onShiftOnly: true) }.map(\.mentor)
            }
            try f.write("mentor add") { tx in
                for id in ["M10", "M2", "m3"] {
                    try tx.insertMentor(numbered(id, capacity: 2))
                    try tx.insertShift(Shift(mentorID: id, span: span(-1, 1)))
                }
                try tx.insertMentor(numbered("M4"))  // not on shift
            }
            // Natural order of ids; the first command reads the mentors on shift, the next
            // ones the roster kept.
            for _ in 0..<2 {
                #expect(try onShift(f.store).map(\.id) == ["M2", "m3", "M10"])
            }
            #expect(try f.read { try $0.mentors() }.map(\.id) == ["M2", "m3", "M4", "M10"])

            // This store's own change.
            try f.write("mentor edit") { try $0.updateMentor(numbered("M2", capacity: 5)) }
            #expect(try onShift(f.store).first?.capacity == 5)

            // A change inside the same transaction is seen by a read after it.
            let inside = try f.write("mentor edit") { tx in
                _ = try tx.mentorStates(at: t0, onShiftOnly: true)
                try tx.updateMentor(numbered("m3", capacity: 4))
                return try tx.mentorStates(at: t0, onShiftOnly: true).map(\.mentor.capacity)
            }
            #expect(inside == [5, 4, 2])

            // A rolled-back change leaves no trace, though the kept roster saw it inside.
            #expect(throws: Boom.self) {
                try f.write("mentor edit") { tx in
                    try tx.updateMentor(numbered("M10", capacity: 9))
                    #expect(try tx.mentors().last?.capacity == 9)
                    throw Boom()
                }
            }
            #expect(try onShift(f.store).map(\.capacity) == [5, 4, 2])
            #expect(try f.read { try $0.mentors() }.last?.capacity == 2)

            // Another instance on the same database (another desk) changes a mentor and adds
            // one on shift.
            let other = try f.reopen()
            try other.write(context("mentor edit")) { tx in
                var changed = numbered("M10", capacity: 7)
                changed.languages = ["english", "urdu"]
                try tx.updateMentor(changed)
                try tx.insertMentor(numbered("M5"))
                try tx.insertShift(Shift(mentorID: "M5", span: span(-1, 1)))
            }
            let seen = try onShift(f.store)
            #expect(seen.map(\.id) == ["M2", "m3", "M5", "M10"])
            #expect(seen.last?.capacity == 7 && seen.last?.languages == ["english", "urdu"])
            try f.expectClean(entries: 12)
        }
    }

    @Test(arguments: StoreKind.available)
    func shiftSecondsCountShiftsThatStartInTheSpan(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("roster") { tx in
                for m in [amy, bob, numbered("M3")] { try tx.insertMentor(m) }
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(0, 4)))
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(20, 30)))  // ends after
                try tx.insertShift(Shift(mentorID: "amy-w", span: span(-5, 1)))  // starts before
                try tx.insertShift(Shift(mentorID: "bob", span: span(1, 2)))
                try tx.insertShift(Shift(mentorID: "M3", span: span(24, 26)))  // starts at the end
                try tx.insertShift(Shift(mentorID: "M3", span: span(3, 4)))
            }
            // Keyed by the id as stored: the weekly summary shows the key.
            #expect(
                try f.read { try $0.shiftSeconds(startingIn: span(0, 24)) }
                    == ["amy-w": 14 * 3600, "bob": 3600, "M3": 3600])
            #expect(try f.read { try $0.shiftSeconds(startingIn: span(100, 200)) } == [:])
        }
    }

    @Test(arguments: StoreKind.available)
    func caseloadsCountOpenPresentationsByLowerCasedMentorId(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("setup") { tx in
                for m in [amy, bob, numbered("M3", capacity: 2)] { try tx.insertMentor(m) }
                func give(_ p: Presentation, _ mentor: String) -> Presentation {
                    var p = p
                    p.mentorID = mentor
                    p.assignedAt = p.arrivedAt.addingTimeInterval(60)
                    return p
                }
                _ = try tx.insertPresentation(give(anonymous(arrived: at(-60)), "amy-w"))
                var seen = give(anonymous(arrived: at(-50)), "amy-w")
                seen.seenAt = at(-40)
                _ = try tx.insertPresentation(seen)
                var closed = seen
                try closed.close(.supportedDischarged, at: at(-30))
                _ = try tx.insertPresentation(closed)
                var voided = give(anonymous(arrived: at(-20)), "bob")
                try voided.void(at: at(-10))
                _ = try tx.insertPresentation(voided)
                _ = try tx.insertPresentation(give(anonymous(arrived: at(-5)), "M3"))
                _ = try tx.insertPresentation(anonymous(arrived: at(-4)))
            }
            // Keys are lower-cased ids: the console looks them up as `id.lowercased()`.
            #expect(try f.read { try $0.caseloads() } == ["amy-w": 2, "m3": 1])
            #expect(try f.read { try $0.mentorState("M3", at: t0) }?.caseload == 1)
            #expect(try f.read { try $0.mentorState("bob", at: t0) }?.caseload == 0)
        }
    }

    @Test(arguments: StoreKind.available)
    func signInsOverlapBySignInTimeAndAnOpenOneOverlapsEverythingAfter(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let (early, open, bobs) = try f.write("mentor in") { tx -> (Int64, Int64, Int64) in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
                return (
                    try tx.insertSignIn(
                        SignIn(mentorID: "amy-w", inAt: hours(-30), outAt: hours(-22))),
                    try tx.insertSignIn(SignIn(mentorID: "amy-w", inAt: hours(-1))),
                    try tx.insertSignIn(SignIn(mentorID: "bob", inAt: hours(-2)))
                )
            }
            try f.write("mentor out", at: hours(1)) {
                try $0.updateSignIn(
                    SignIn(id: bobs, mentorID: "bob", inAt: hours(-2), outAt: hours(1)))
            }
            let first = SignIn(id: early, mentorID: "amy-w", inAt: hours(-30), outAt: hours(-22))
            let amyOpen = SignIn(id: open, mentorID: "amy-w", inAt: hours(-1))
            let bobClosed = SignIn(id: bobs, mentorID: "bob", inAt: hours(-2), outAt: hours(1))
            #expect(
                try f.read { try $0.signIns(mentor: nil, overlapping: nil) } == [
                    first, bobClosed, amyOpen,
                ])
            #expect(
                try f.read { try $0.signIns(mentor: "AMY-W", overlapping: nil) } == [
                    first, amyOpen,
                ])
            #expect(
                try f.read { try $0.signIns(mentor: nil, overlapping: span(0, 2)) } == [
                    bobClosed, amyOpen,
                ])
            // Open: it overlaps a span a year on; bob's, closed at +1h, does not.
            #expect(
                try f.read { try $0.signIns(mentor: nil, overlapping: span(24 * 365, 24 * 366)) }
                    == [amyOpen])
            // Half-open: signed out at the span's start is not in it.
            #expect(try f.read { try $0.signIns(mentor: "bob", overlapping: span(1, 2)) } == [])
            let entries = try f.entries().filter { $0.action.hasPrefix("sign-") }
            #expect(entries.map(\.action) == ["sign-in", "sign-in", "sign-in", "sign-out"])
            #expect(entries.map(\.entity) == ["amy-w", "amy-w", "bob", "bob"])
            try f.expectClean(entries: 6)
        }
    }
}
