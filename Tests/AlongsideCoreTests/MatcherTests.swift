import AlongsideCore
import Foundation
import Testing

// Matching of spec §3 on a fixed clock: the seven hard rules and their order, the score
// components and their weighted sum, ranking, priority and the exact allocation.

/// An instant given in UTC, built with Foundation's calendar (not the code under test).
private func utc(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int = 0, _ minute: Int = 0, _ second: Int = 0
) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(
        from: DateComponents(
            year: year, month: month, day: day, hour: hour, minute: minute, second: second))!
}

/// Monday 2026-11-16 09:14:05 GMT.
private let now = utc(2026, 11, 16, 9, 14, 5)
private let matcher = Matcher(
    weights: .standard, localities: .standard, calendar: .london)

/// A shift from an hour before `t` to seven hours after.
private func shiftAround(_ t: Date) -> TimeSpan {
    TimeSpan(start: t.addingTimeInterval(-3600), end: t.addingTimeInterval(7 * 3600))
}

private func mentor(
    _ id: String = "M1", gender: String? = "female", languages: [String] = ["english"],
    localities: [String] = ["blackpool"], experience: [String] = ["alcohol"],
    capacity: Int = 2, dbs: LocalDate? = nil, lead: Bool = false,
    status: MentorStatus = .active
) -> Mentor {
    Mentor(
        id: id, name: "Mentor \(id)", gender: gender, languages: languages,
        localities: localities, experience: experience, capacity: capacity, dbsRecheckDue: dbs,
        lead: lead, status: status)
}

private func state(
    _ m: Mentor, shifts: [TimeSpan]? = nil, leave: [TimeSpan] = [], caseload: Int = 0,
    at t: Date = now
) -> MentorState {
    MentorState(mentor: m, shifts: shifts ?? [shiftAround(t)], leave: leave, caseload: caseload)
}

private func request(
    locality: String = "blackpool", needs: [String] = ["alcohol"], language: String? = nil,
    mentorGender: String? = nil, lead: Bool = false, declinedBy: Set<String> = [],
    previous: Set<String> = [], number: Int = 1, arrived: Date = now
) -> MatchRequest {
    MatchRequest(
        presentation: Presentation(
            number: number, locality: locality, needs: needs, arrivedAt: arrived,
            mentorGender: mentorGender, language: language, leadMentor: lead),
        declinedBy: declinedBy, previousMentors: previous)
}

/// Great-circle distance, written here independently of LocalityCatalog.
private func haversine(_ a: (Double, Double), _ b: (Double, Double)) -> Double {
    let r = 6371.0088
    let rad = Double.pi / 180
    let dLat = (b.0 - a.0) * rad
    let dLon = (b.1 - a.1) * rad
    let h = pow(sin(dLat / 2), 2) + cos(a.0 * rad) * cos(b.0 * rad) * pow(sin(dLon / 2), 2)
    return 2 * r * asin(sqrt(h))
}

@Suite("Hard rules")
struct HardRuleTests {
    @Test func aMentorPassingEveryRuleIsAvailable() {
        #expect(matcher.firstFailedRule(state(mentor()), for: request(), at: now) == nil)
    }

    @Test(arguments: [MentorStatus.paused, .retired])
    func pausedOrRetiredIsInactive(_ status: MentorStatus) {
        #expect(
            matcher.firstFailedRule(state(mentor(status: status)), for: request(), at: now)
                == .inactive)
    }

    @Test func dbsDueDateItselfIsClearAndTheDayAfterIsOverdueInSiteLocalTime() {
        let due = LocalDate(year: 2026, month: 6, day: 30)!
        let m = mentor(dbs: due)
        // 2026-06-30T22:30Z is 23:30 BST on the 30th: still clear.
        let lastMinutes = utc(2026, 6, 30, 22, 30)
        #expect(
            matcher.firstFailedRule(state(m, at: lastMinutes), for: request(), at: lastMinutes)
                == nil)
        // 2026-06-30T23:30Z is 00:30 BST on 1 July: overdue although the UTC date is the 30th.
        let nextDay = utc(2026, 6, 30, 23, 30)
        #expect(
            matcher.firstFailedRule(state(m, at: nextDay), for: request(), at: nextDay)
                == .dbsOverdue)
        // Midday on the due date is clear; any time on 2 July is overdue.
        let midday = utc(2026, 6, 30, 11, 0)
        #expect(matcher.firstFailedRule(state(m, at: midday), for: request(), at: midday) == nil)
        let later = utc(2026, 7, 2, 9, 0)
        #expect(
            matcher.firstFailedRule(state(m, at: later), for: request(), at: later) == .dbsOverdue)
    }

    @Test func offShiftWhenNoShiftContainsTheTimeAndShiftsAreHalfOpen() {
        #expect(
            matcher.firstFailedRule(state(mentor(), shifts: []), for: request(), at: now)
                == .offShift)
        let endsNow = TimeSpan(start: now.addingTimeInterval(-3600), end: now)
        #expect(
            matcher.firstFailedRule(state(mentor(), shifts: [endsNow]), for: request(), at: now)
                == .offShift)
        let startsNow = TimeSpan(start: now, end: now.addingTimeInterval(3600))
        #expect(
            matcher.firstFailedRule(state(mentor(), shifts: [startsNow]), for: request(), at: now)
                == nil)
    }

    @Test func onLeaveWinsOverTheShift() {
        let leave = TimeSpan(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(60))
        #expect(
            matcher.firstFailedRule(state(mentor(), leave: [leave]), for: request(), at: now)
                == .onLeave)
        let pastLeave = TimeSpan(start: now.addingTimeInterval(-120), end: now)
        #expect(
            matcher.firstFailedRule(state(mentor(), leave: [pastLeave]), for: request(), at: now)
                == nil)
    }

    @Test func atCapacityWhenTheCaseloadReachesCapacity() {
        #expect(
            matcher.firstFailedRule(state(mentor(capacity: 2), caseload: 2), for: request(), at: now)
                == .atCapacity)
        #expect(
            matcher.firstFailedRule(state(mentor(capacity: 2), caseload: 1), for: request(), at: now)
                == nil)
    }

    @Test func genderIsComparedWithoutRegardToCase() {
        let m = mentor(gender: "Female")
        #expect(
            matcher.firstFailedRule(state(m), for: request(mentorGender: "FEMALE"), at: now) == nil)
        #expect(
            matcher.firstFailedRule(state(m), for: request(mentorGender: "female"), at: now) == nil)
        #expect(
            matcher.firstFailedRule(state(m), for: request(mentorGender: "male"), at: now)
                == .gender)
        // A mentor with no recorded gender cannot satisfy a request for one.
        #expect(
            matcher.firstFailedRule(
                state(mentor(gender: nil)), for: request(mentorGender: "female"), at: now)
                == .gender)
        // No request (or an empty one) means any gender.
        #expect(
            matcher.firstFailedRule(state(mentor(gender: "male")), for: request(), at: now) == nil)
    }

    @Test func leadMentorRequestNeedsALead() {
        #expect(
            matcher.firstFailedRule(state(mentor(lead: false)), for: request(lead: true), at: now)
                == .notLead)
        #expect(
            matcher.firstFailedRule(state(mentor(lead: true)), for: request(lead: true), at: now)
                == nil)
        #expect(
            matcher.firstFailedRule(state(mentor(lead: true)), for: request(lead: false), at: now)
                == nil)
    }

    @Test func aMentorWhoDeclinedIsLeftOut() {
        #expect(
            matcher.firstFailedRule(
                state(mentor("M1")), for: request(declinedBy: ["M1"]), at: now) == .declined)
        #expect(
            matcher.firstFailedRule(
                state(mentor("M1")), for: request(declinedBy: ["m1"]), at: now) == .declined)
        #expect(
            matcher.firstFailedRule(
                state(mentor("M1")), for: request(declinedBy: ["M2"]), at: now) == nil)
    }

    @Test func theFirstFailingRuleIsReportedInTheSpecOrder() {
        let overdue = LocalDate(year: 2026, month: 1, day: 1)!
        // 1 before 3: a paused mentor off shift is inactive.
        #expect(
            matcher.firstFailedRule(
                state(mentor(status: .paused), shifts: []), for: request(), at: now) == .inactive)
        // 1 before 2.
        #expect(
            matcher.firstFailedRule(
                state(mentor(dbs: overdue, status: .retired)), for: request(), at: now)
                == .inactive)
        // 2 before 3.
        #expect(
            matcher.firstFailedRule(state(mentor(dbs: overdue), shifts: []), for: request(), at: now)
                == .dbsOverdue)
        // 3 before 4: off shift and at capacity.
        #expect(
            matcher.firstFailedRule(
                state(mentor(capacity: 1), shifts: [], caseload: 1), for: request(), at: now)
                == .offShift)
        // Leave before 4.
        let leave = TimeSpan(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(60))
        #expect(
            matcher.firstFailedRule(
                state(mentor(capacity: 1), leave: [leave], caseload: 1), for: request(), at: now)
                == .onLeave)
        // 4 before 5.
        #expect(
            matcher.firstFailedRule(
                state(mentor(gender: "male", capacity: 1), caseload: 1),
                for: request(mentorGender: "female"), at: now) == .atCapacity)
        // 5 before 6.
        #expect(
            matcher.firstFailedRule(
                state(mentor(gender: "male", lead: false)),
                for: request(mentorGender: "female", lead: true), at: now) == .gender)
        // 6 before 7.
        #expect(
            matcher.firstFailedRule(
                state(mentor("M1", lead: false)), for: request(lead: true, declinedBy: ["M1"]),
                at: now) == .notLead)
    }

    @Test func ruleNamesAreTheOnesInTheSpec() {
        #expect(
            HardRule.allCases.map(\.rawValue) == [
                "inactive", "dbs-overdue", "off-shift", "on-leave", "at-capacity", "gender",
                "not-lead", "declined", "not-signed-in",
            ])
    }
}

@Suite("Score")
struct ScoreTests {
    @Test func standardDistancesAreGreatCircleKilometres() throws {
        let d = try #require(LocalityCatalog.standard.distanceKm("kirkham", "preston"))
        let expected = haversine((53.7826, -2.8702), (53.7632, -2.7031))
        #expect(abs(d - expected) < 1e-9)
        #expect(d > 11 && d < 11.5)
        #expect(LocalityCatalog.standard.distanceKm("kirkham", "nowhere") == nil)
        #expect(LocalityCatalog.standard.distanceKm("blackpool", "blackpool") == 0)
    }

    @Test func handBuiltCaseHasTheExactComponentsAndWeightedSum() throws {
        // The person: Kirkham, three needs, speaks Polish. The mentor serves Preston and
        // Blackburn (the nearer is Preston, about 11.2 km away), shares two of the needs,
        // speaks English only, holds 1 of 4 places and has supported this person before.
        let m = mentor(
            "amy", languages: ["english"], localities: ["blackburn", "preston"],
            experience: ["alcohol", "debt", "gambling"], capacity: 4)
        let req = request(
            locality: "kirkham", needs: ["alcohol", "housing", "debt"], language: "polish",
            previous: ["amy"])
        let result = matcher.rank(req, mentors: [state(m, caseload: 1)], at: now)
        let c = try #require(result.candidates.first)
        let d = haversine((53.7826, -2.8702), (53.7632, -2.7031))
        let locality = 1 - d / 25
        #expect(abs(c.components.experience - 2.0 / 3.0) < 1e-15)
        #expect(abs(c.components.locality - locality) < 1e-9)
        #expect(c.components.language == 0)
        #expect(c.components.load == 0.75)
        #expect(c.components.continuity == 1)
        let expected = 0.5 * (2.0 / 3.0) + 0.2 * locality + 0.1 * 0 + 0.1 * 0.75 + 0.1 * 1
        #expect(abs(c.score - expected) < 1e-9)
        // The score is exactly the weighted sum of the components it reports.
        let w = ScoreWeights.standard
        let sum =
            w.experience * c.components.experience + w.locality * c.components.locality
            + w.language * c.components.language + w.load * c.components.load
            + w.continuity * c.components.continuity
        #expect(c.score == sum)
        #expect(abs((c.distanceKm ?? -1) - d) < 1e-9)
    }

    @Test func servingTheLocalityScoresOneAndFarAwayScoresZero() throws {
        let local = matcher.components(
            state(mentor(localities: ["fleetwood", "blackpool"])), for: request()
        ).0
        #expect(local.locality == 1)
        // Chorley to Lancaster is over 25 km: max(0, 1 − d/25) = 0.
        let d = try #require(LocalityCatalog.standard.distanceKm("chorley", "lancaster"))
        #expect(d > 25)
        let far = matcher.components(
            state(mentor(localities: ["lancaster"])), for: request(locality: "chorley")
        ).0
        #expect(far.locality == 0)
    }

    @Test func languageMatchesCaseInsensitivelyOrWhenNoneGiven() {
        let m = state(mentor(languages: ["english", "polish"]))
        #expect(matcher.components(m, for: request(language: "Polish")).0.language == 1)
        #expect(matcher.components(m, for: request(language: nil)).0.language == 1)
        #expect(matcher.components(m, for: request(language: "urdu")).0.language == 0)
    }

    @Test func loadAndContinuity() {
        let m = mentor("M7", capacity: 3)
        let c = matcher.components(state(m, caseload: 2), for: request(previous: ["M1"])).0
        #expect(abs(c.load - 1.0 / 3.0) < 1e-15)
        #expect(c.continuity == 0)
        let again = matcher.components(state(m, caseload: 0), for: request(previous: ["m7"])).0
        #expect(again.load == 1)
        #expect(again.continuity == 1)
    }

    @Test func customWeightsAreUsed() throws {
        let weights = ScoreWeights(
            experience: 0.2, locality: 0.2, language: 0.2, load: 0.2, continuity: 0.2)
        let custom = Matcher(weights: weights, localities: .standard, calendar: .london)
        // experience 1, locality 1, language 1, load 0.5, continuity 0.
        let result = custom.rank(request(), mentors: [state(mentor(capacity: 2), caseload: 1)], at: now)
        let c = try #require(result.candidates.first)
        #expect(abs(c.score - (0.2 + 0.2 + 0.2 + 0.1 + 0)) < 1e-12)
    }
}

@Suite("Ranking")
struct RankingTests {
    @Test func bestFirstTiesByIdAndExcludedWithTheirRule() {
        let mentors = [
            state(mentor("zed", localities: ["lancaster"])),  // same needs, far away
            state(mentor("bea")),
            state(mentor("ann")),  // identical to bea: tie broken by id
            state(mentor("cat", status: .paused)),
            state(mentor("abe"), shifts: []),
        ]
        let result = matcher.rank(request(), mentors: mentors, at: now)
        #expect(result.candidates.map(\.mentorID) == ["ann", "bea", "zed"])
        #expect(result.candidates[0].score == result.candidates[1].score)
        #expect(result.candidates[1].score > result.candidates[2].score)
        #expect(result.excluded.map(\.mentorID) == ["abe", "cat"])
        #expect(result.excluded.map(\.rule) == [.offShift, .inactive])
    }

    @Test func moreNeedsMetRanksHigher() {
        let mentors = [
            state(mentor("one", experience: ["alcohol"])),
            state(mentor("both", experience: ["alcohol", "housing"])),
        ]
        let result = matcher.rank(request(needs: ["alcohol", "housing"]), mentors: mentors, at: now)
        #expect(result.candidates.map(\.mentorID) == ["both", "one"])
        #expect(abs(result.candidates[0].score - result.candidates[1].score - 0.25) < 1e-12)
    }
}

@Suite("Allocation")
struct AllocationTests {
    @Test func priorityIsOnePlusWaitOverTargetCappedAtTwo() {
        #expect(Matcher.priority(waitSeconds: 0, targetMinutes: 60) == 1)
        #expect(Matcher.priority(waitSeconds: 30 * 60, targetMinutes: 60) == 1.5)
        #expect(Matcher.priority(waitSeconds: 60 * 60, targetMinutes: 60) == 2)
        #expect(Matcher.priority(waitSeconds: 120 * 60, targetMinutes: 60) == 3)
        #expect(Matcher.priority(waitSeconds: 500 * 60, targetMinutes: 60) == 3)
        #expect(Matcher.priority(waitSeconds: 45 * 60, targetMinutes: 90) == 1.5)
        #expect(Matcher.priority(waitSeconds: -300, targetMinutes: 60) == 1)
    }

    @Test func placesWeightsAndTotal() throws {
        let requests = [
            request(number: 1, arrived: now.addingTimeInterval(-30 * 60)),  // priority 1.5
            request(
                locality: "fleetwood", mentorGender: "male", number: 2,
                arrived: now.addingTimeInterval(-150 * 60)),  // priority 3
        ]
        let mentors = [
            state(mentor("A", gender: "female", capacity: 2), caseload: 1),  // 1 place
            state(mentor("B", gender: "male", capacity: 2)),  // 2 places
            state(mentor("C", capacity: 3, status: .paused)),  // no places
        ]
        let a = matcher.allocate(requests, mentors: mentors, at: now, targetMinutes: 60)
        #expect(a.people == [1, 2])
        #expect(a.places == ["A", "B", "B"])
        // P2 asked for a male mentor: A is forbidden for P2.
        #expect(a.weights[1][0] == nil)
        let sA1 = matcher.rank(requests[0], mentors: [mentors[0]], at: now).candidates[0].score
        let sB2 = matcher.rank(requests[1], mentors: [mentors[1]], at: now).candidates[0].score
        #expect(try #require(a.weights[0][0]) == sA1 * 1.5)
        #expect(try #require(a.weights[1][1]) == sB2 * 3)
        #expect(a.weights[1][1] == a.weights[1][2])
        #expect(a.pairs.count == 2)
        #expect(abs(a.total - a.pairs.map(\.weight).reduce(0, +)) < 1e-12)
        for pair in a.pairs { #expect(abs(pair.weight - pair.score * (pair.presentation == 1 ? 1.5 : 3)) < 1e-12) }
        #expect(a.unmatched.isEmpty)
    }

    @Test func allocationMatchesAsManyPeopleAsPossible() throws {
        // P1 could go to A or B; P2 only to A (B is not a lead). A greedy pass that gives
        // P1 the better-scoring A leaves P2 without anyone; the exact answer matches both.
        let requests = [
            request(number: 1, arrived: now.addingTimeInterval(-10 * 60)),
            request(lead: true, number: 2, arrived: now.addingTimeInterval(-5 * 60)),
        ]
        let mentors = [
            state(mentor("A", capacity: 1, lead: true)),
            state(mentor("B", localities: ["preston"], capacity: 1)),
        ]
        let a = matcher.allocate(requests, mentors: mentors, at: now, targetMinutes: 60)
        let byPerson = Dictionary(uniqueKeysWithValues: a.pairs.map { ($0.presentation, $0.mentorID) })
        #expect(byPerson == [1: "B", 2: "A"])
        #expect(a.unmatched.isEmpty)
    }

    @Test func allocationMaximisesTheWeightedSum() throws {
        // Both can go to either mentor. X suits P1 a little better and P2 much better;
        // P2 has waited longest. Greedy in queue order gives P1→X; the optimum is P1→Y, P2→X.
        let requests = [
            request(needs: ["alcohol"], number: 1, arrived: now.addingTimeInterval(-5 * 60)),
            request(
                needs: ["alcohol", "debt"], number: 2, arrived: now.addingTimeInterval(-90 * 60)),
        ]
        let mentors = [
            state(mentor("X", experience: ["alcohol", "debt"], capacity: 1)),
            state(mentor("Y", localities: ["fleetwood"], experience: ["alcohol"], capacity: 1)),
        ]
        let a = matcher.allocate(requests, mentors: mentors, at: now, targetMinutes: 60)
        let w = a.weights.map { $0.map { $0! } }
        let best = max(w[0][0] + w[1][1], w[0][1] + w[1][0])
        #expect(abs(a.total - best) < 1e-12)
        let byPerson = Dictionary(uniqueKeysWithValues: a.pairs.map { ($0.presentation, $0.mentorID) })
        #expect(byPerson == [1: "Y", 2: "X"])
    }
}
