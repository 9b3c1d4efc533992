import AlongsideCore
import Foundation
import Testing

// The life-cycle rules on `Presentation` (spec §2 and the corrections of §11) and rule 8
// (sign-in), on a fixed clock.

private let t0 = Date(timeIntervalSince1970: 1_796_155_200)  // 2026-12-01T20:00:00Z
private func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes * 60)) }
private func fresh() -> Presentation {
    Presentation(number: 7, locality: "blackpool", needs: ["alcohol"], arrivedAt: at(0))
}

@Suite("Life cycle")
struct LifecycleTests {
    @Test func theStepsGoInOrderAndEachNeedsTheRightState() throws {
        var p = fresh()
        #expect(throws: LifecycleError.noMentor("P7")) { try p.markSeen(at: at(5)) }
        #expect(throws: LifecycleError.beforeArrival("P7", arrived: at(0))) {
            try p.assign(to: "M1", at: at(-1))
        }
        #expect(throws: LifecycleError.beforeDecline("P7", declined: at(4))) {
            try p.assign(to: "M1", at: at(3), lastDecline: at(4))
        }
        try p.assign(to: "M1", at: at(5))
        #expect(p.status == .assigned)
        #expect(throws: LifecycleError.alreadyAssigned("P7", mentor: "M1")) {
            try p.assign(to: "M2", at: at(6))
        }
        #expect(throws: LifecycleError.beforeAssignment(assigned: at(5))) {
            try p.markSeen(at: at(4))
        }
        #expect(throws: LifecycleError.outcomeNeedsSeen("P7", .admitted)) {
            try p.close(.admitted, at: at(9))
        }
        try p.markSeen(at: at(10))
        #expect(throws: LifecycleError.notAssigned("P7", .seen)) { try p.unassign() }
        #expect(throws: LifecycleError.notEditable("P7", .seen)) { try p.requireEditable() }
        #expect(throws: LifecycleError.outcomeNeedsNotSeen("P7", .leftBeforeSeen)) {
            try p.close(.leftBeforeSeen, at: at(20))
        }
        #expect(throws: LifecycleError.beforeLastStep(at(10))) { try p.close(.admitted, at: at(9)) }
        try p.close(.admitted, at: at(20))
        #expect(throws: LifecycleError.closed("P7", .admitted)) {
            try p.assign(to: "M2", at: at(21))
        }
    }

    @Test func unassignLeavesThePersonWaitingWithTheClockRunning() throws {
        var p = fresh()
        try p.assign(to: "M1", at: at(5), overrideReason: "agreed")
        #expect(try p.unassign() == "M1")
        #expect(p.status == .waiting && p.assignedAt == nil && p.overrideReason == nil)
        #expect(p.arrivedAt == at(0))
        #expect(throws: LifecycleError.notAssigned("P7", .waiting)) { try p.unassign() }
    }

    @Test func voidTakesThePresentationOutOfEveryStep() throws {
        var p = fresh()
        try p.assign(to: "M1", at: at(5))
        try p.void(at: at(8))
        #expect(p.status == .voided && p.closedAt == at(8) && p.voidedAt == at(8))
        #expect(throws: LifecycleError.voided("P7")) { try p.markSeen(at: at(9)) }
        #expect(throws: LifecycleError.voided("P7")) { try p.void(at: at(9)) }
        #expect(throws: LifecycleError.voided("P7")) { _ = try p.reopen(mentorCanHold: true) }
    }

    @Test func reopenGoesBackToTheStateBeforeTheCloseOrWaitsWithoutTheMentor() throws {
        var p = fresh()
        #expect(throws: LifecycleError.notClosed("P7", .waiting)) {
            _ = try p.reopen(mentorCanHold: true)
        }
        try p.assign(to: "M1", at: at(5))
        try p.markSeen(at: at(10))
        try p.close(.supportedDischarged, at: at(30))
        var q = p
        #expect(try p.reopen(mentorCanHold: true) == .restored(.seen))
        #expect(p.mentorID == "M1" && p.seenAt == at(10) && p.outcome == nil && p.closedAt == nil)
        #expect(try q.reopen(mentorCanHold: false) == .waitingWithoutMentor(formerMentor: "M1"))
        #expect(q.status == .waiting && q.mentorID == nil && q.seenAt == nil)
        var never = fresh()
        try never.close(.leftBeforeSeen, at: at(3))
        #expect(try never.reopen(mentorCanHold: false) == .restored(.waiting))
    }

    @Test func ruleEightNeedsASignInDuringTheCoveringShiftNotSignedOutSince() {
        let m = Mentor(id: "M1", name: "A", localities: ["blackpool"], capacity: 2)
        let shift = TimeSpan(start: at(-120), end: at(240))
        let request = MatchRequest(presentation: fresh())
        let strict = Matcher(
            weights: .standard, localities: .standard, calendar: .london, requireSignIn: true)
        let lax = Matcher(weights: .standard, localities: .standard, calendar: .london)
        func state(_ signIns: [SignIn]) -> MentorState {
            MentorState(mentor: m, shifts: [shift], leave: [], caseload: 0, signIns: signIns)
        }
        #expect(strict.firstFailedRule(state([]), for: request, at: t0) == .notSignedIn)
        #expect(lax.firstFailedRule(state([]), for: request, at: t0) == nil)
        #expect(
            strict.firstFailedRule(
                state([SignIn(mentorID: "M1", inAt: at(-150))]), for: request, at: t0) == nil)
        // Signed out before t, or signed in for an earlier shift (long before this one).
        #expect(
            strict.firstFailedRule(
                state([SignIn(mentorID: "M1", inAt: at(-100), outAt: at(-1))]), for: request, at: t0
            ) == .notSignedIn)
        #expect(
            strict.firstFailedRule(
                state([SignIn(mentorID: "M1", inAt: at(-600))]), for: request, at: t0)
                == .notSignedIn)
        // Rules 1–7 come first: a paused mentor is reported as inactive.
        var paused = state([])
        paused.mentor.status = .paused
        #expect(strict.firstFailedRule(paused, for: request, at: t0) == .inactive)
        var asksLead = request
        asksLead.presentation.leadMentor = true
        #expect(strict.firstFailedRule(state([]), for: asksLead, at: t0) == .notLead)
    }

    @Test func noShowsAreShiftsThatEndedWithNoSignIn() {
        let early = TimeSpan(start: at(-600), end: at(-300))
        let late = TimeSpan(start: at(-200), end: at(-10))
        let current = TimeSpan(start: at(-5), end: at(300))
        let signIns = [SignIn(mentorID: "M1", inAt: at(-230), outAt: at(-20))]
        #expect(
            SignIn.noShows(shifts: [early, late, current], signIns: signIns, before: t0) == [early])
        #expect(
            SignIn.seconds(signIns, in: TimeSpan(start: at(-1000), end: t0), now: t0) == 210 * 60)
    }

    @Test func phonesAreDigitsSpacesPlusDashAndParentheses() {
        #expect(Mentor.phoneProblem("01253 300 400") == nil)
        #expect(Mentor.phoneProblem("+44 (0)1253-300400") == nil)
        #expect(Mentor.phoneProblem("ring Amy") != nil)
        #expect(Mentor.phoneProblem("0123") != nil)
        #expect(Mentor.phoneProblem("01253+300400") != nil)
    }

    @Test func subcommandWordsAreNotMentorIDs() {
        for word in ["add", "LIST", "remove", "in", "out"] {
            #expect(Identifiers.mentorIDProblem(word) != nil)
        }
        #expect(Identifiers.mentorIDProblem("inga") == nil)
    }

    @Test func rosterValuesSuggestTheWordMeant() {
        #expect(
            RosterValues.suggestion(for: "woman", in: ["female", "male"], language: false)
                == "female")
        #expect(
            RosterValues.suggestion(for: "pl", in: ["polish", "urdu"], language: true) == "polish")
        #expect(RosterValues.suggestion(for: "polish", in: ["pl"], language: true) == "pl")
        #expect(RosterValues.suggestion(for: "welsh", in: ["urdu"], language: true) == nil)
    }
}
