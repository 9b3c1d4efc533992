import AlongsideCore
import Foundation
import Testing

// Spec §12–13 in the core: the Open Referral UK directory, schedules across clock changes,
// the referral status machine, returning people, disclosure control and the FHIR statuses.

private func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

private let london = SiteCalendar.london

/// A directory's four files with the given rows after each header.
private func directory(
    services: [String] = ["s1,Debt advice,Help with debts,active,a@b.org,https://x.org,,"],
    areas: [String] = ["a1,s1,blackpool"],
    schedules: [String] = ["r1,s1,WEEKLY,\"MO,TU\",09:00,17:00,,"],
    taxonomies: [String] = ["t1,s1,debt"]
) -> [String: String] {
    [
        "services.csv":
            (["id,name,description,status,email,url,minimum_age,maximum_age"] + services)
            .joined(separator: "\n"),
        "service_areas.csv": (["id,service_id,service_area"] + areas).joined(separator: "\n"),
        "regular_schedules.csv":
            (["id,service_id,freq,byday,opens_at,closes_at,valid_from,valid_to"] + schedules)
            .joined(separator: "\n"),
        "service_taxonomies.csv": (["id,service_id,taxonomy_id"] + taxonomies)
            .joined(separator: "\n"),
    ]
}

private func read(_ texts: [String: String]) throws(ServiceImportFailure) -> [Service] {
    try ServiceDirectoryImport.read(
        texts, display: { "dir/\($0)" }, tags: .standard, localities: .standard)
}

private func problems(_ texts: [String: String]) -> [String] {
    do {
        _ = try read(texts)
        return []
    } catch {
        return error.lines
    }
}

@Suite("Service directory")
struct ServiceDirectoryTests {
    @Test func aGoodDirectoryIsRead() throws {
        let s = try read(directory(areas: ["a1,s1,blackpool", "a2,s1,Lytham St Annes"]))
        #expect(s.count == 1)
        #expect(s[0].areas == ["blackpool", "lytham-st-annes"])  // by id and by name
        #expect(s[0].taxonomies == ["debt"])
        #expect(
            s[0].schedules == [
                RegularSchedule(
                    id: "r1", freq: .weekly, byday: [.mo, .tu], opensAt: 540, closesAt: 1020)
            ])
    }

    @Test func everyProblemIsReportedAsFileAndLine() {
        let lines = problems(
            directory(
                services: [
                    "s1,Debt advice,Help,active,,,,", "s1,Again,Twice,active,,,,",
                    "s2,Short,row,active,,",
                    "s3,Bad status,x,open,,,,",
                ],
                areas: ["a1,s1,atlantis", "a2,nope,blackpool"],
                schedules: ["r1,s1,MONTHLY,MO,09:00,17:00,,", "r2,s1,WEEKLY,XX,9am,17:00,,"],
                taxonomies: ["t1,s1,debt,extra", "t2,s1,knitting"]))
        #expect(lines.contains("dir/services.csv:3: service id 's1' is given twice"))
        #expect(lines.contains("dir/services.csv:4: this row has 6 fields but the header has 8"))
        #expect(lines.contains { $0.hasPrefix("dir/services.csv:5: status 'open'") })
        // service_taxonomies.csv line 2 has one field too many: nothing else is checked there.
        #expect(
            lines.contains {
                $0.hasPrefix(
                    "dir/service_taxonomies.csv:2: this row has 4 fields but the header has 3")
            })
        // The rows of a good width are still checked.
        #expect(lines.contains { $0.hasPrefix("dir/service_areas.csv:2: service_area 'atlantis'") })
        #expect(
            lines.contains { $0.hasPrefix("dir/service_taxonomies.csv:3: taxonomy_id 'knitting'") })
    }

    @Test func rowsAreCheckedFieldByField() {
        let lines = problems(
            directory(
                areas: ["a1,s1,atlantis", "a2,nope,blackpool", "a1,s1,fleetwood"],
                schedules: [
                    "r1,s1,MONTHLY,MO,09:00,17:00,,", "r2,s1,WEEKLY,XX,9am,17:00,,",
                    "r3,s1,WEEKLY,,09:00,17:00,,", "r4,s1,DAILY,,09:00,17:00,2026-05-01,2026-04-01",
                ],
                taxonomies: ["t2,s1,knitting"]))
        #expect(lines.contains { $0.hasPrefix("dir/service_areas.csv:2: service_area 'atlantis'") })
        #expect(lines.contains("dir/service_areas.csv:3: service_id 'nope' is not in services.csv"))
        #expect(
            lines.contains("dir/service_areas.csv:4: id 'a1' is given twice in service_areas.csv"))
        #expect(
            lines.contains("dir/regular_schedules.csv:2: freq 'MONTHLY' is not WEEKLY or DAILY"))
        #expect(lines.contains { $0.hasPrefix("dir/regular_schedules.csv:3: byday 'XX'") })
        #expect(lines.contains { $0.hasPrefix("dir/regular_schedules.csv:3: opens_at '9am'") })
        #expect(
            lines.contains {
                $0.hasPrefix("dir/regular_schedules.csv:4: a WEEKLY schedule needs byday")
            })
        #expect(
            lines.contains(
                "dir/regular_schedules.csv:5: valid_to 2026-04-01 is before valid_from 2026-05-01"))
        #expect(
            lines.contains { $0.hasPrefix("dir/service_taxonomies.csv:2: taxonomy_id 'knitting'") })
    }

    @Test func aMissingFileOrColumnIsNamed() {
        var texts = directory()
        texts["regular_schedules.csv"] = nil
        texts["service_areas.csv"] = "id,service,service_area\n"
        let lines = problems(texts)
        #expect(lines.contains { $0.hasPrefix("dir/regular_schedules.csv:1: the file is missing") })
        #expect(
            lines.contains {
                $0.hasPrefix("dir/service_areas.csv:1: missing required column 'service_id'")
            })
    }

    @Test func searchIsByNeedThenNearestFirst() throws {
        let s = try read(
            directory(
                services: [
                    "far,Far debt,x,active,,,,", "near,Near debt,x,active,,,,",
                    "closed,Closed debt,x,inactive,,,,", "other,Housing,x,active,,,,",
                ],
                areas: [
                    "a1,far,lancaster", "a2,near,fleetwood", "a3,closed,fleetwood",
                    "a4,other,fleetwood",
                ],
                schedules: [],
                taxonomies: ["t1,far,debt", "t2,near,debt", "t3,closed,debt", "t4,other,housing"]))
        let hits = ServiceSearch.find(
            s, need: "debt", locality: "thornton-cleveleys", openAt: nil, now: Date(),
            localities: .standard, calendar: london)
        #expect(hits.map(\.service.id) == ["near", "far"])
        #expect(hits[0].distanceKm! < hits[1].distanceKm!)
    }
}

@Suite("Schedules across clock changes")
struct ScheduleTests {
    let dayTime = Service(
        id: "s", name: "S",
        schedules: [
            RegularSchedule(
                id: "r", freq: .weekly, byday: [.su], opensAt: 9 * 60, closesAt: 17 * 60)
        ])
    /// 00:30–03:00 every night, over both clock changes' missing and repeated hours.
    let night = Service(
        id: "n", name: "N",
        schedules: [RegularSchedule(id: "r", freq: .daily, byday: [], opensAt: 30, closesAt: 180)])

    @Test func springForward20260329() {
        // BST starts at 01:00 GMT: 09:00 local is 08:00Z and 17:00 local is 16:00Z.
        #expect(!dayTime.isOpen(at: utc("2026-03-29T07:59:59Z"), calendar: london))
        #expect(dayTime.isOpen(at: utc("2026-03-29T08:00:00Z"), calendar: london))  // inclusive
        #expect(dayTime.isOpen(at: utc("2026-03-29T15:59:59Z"), calendar: london))
        #expect(!dayTime.isOpen(at: utc("2026-03-29T16:00:00Z"), calendar: london))  // exclusive
        // The night opening: 00:30 GMT, through the jump at 01:00Z (02:00 BST), to 03:00 BST.
        #expect(!night.isOpen(at: utc("2026-03-29T00:29:59Z"), calendar: london))
        #expect(night.isOpen(at: utc("2026-03-29T00:59:59Z"), calendar: london))
        #expect(night.isOpen(at: utc("2026-03-29T01:59:59Z"), calendar: london))  // 02:59:59 BST
        #expect(!night.isOpen(at: utc("2026-03-29T02:00:00Z"), calendar: london))  // 03:00 BST
    }

    @Test func fallBack20261025() {
        // GMT resumes at 01:00Z: 09:00 local is 09:00Z and 17:00 local is 17:00Z.
        #expect(!dayTime.isOpen(at: utc("2026-10-25T08:59:59Z"), calendar: london))
        #expect(dayTime.isOpen(at: utc("2026-10-25T09:00:00Z"), calendar: london))
        #expect(dayTime.isOpen(at: utc("2026-10-25T16:59:59Z"), calendar: london))
        #expect(!dayTime.isOpen(at: utc("2026-10-25T17:00:00Z"), calendar: london))
        // The night opening runs 00:30 BST (23:30Z the day before) to 03:00 GMT: the hour from
        // 01:00 to 02:00 happens twice and is open both times.
        #expect(!night.isOpen(at: utc("2026-10-24T23:29:59Z"), calendar: london))
        #expect(night.isOpen(at: utc("2026-10-24T23:30:00Z"), calendar: london))
        #expect(night.isOpen(at: utc("2026-10-25T00:30:00Z"), calendar: london))  // 01:30 BST
        #expect(night.isOpen(at: utc("2026-10-25T01:30:00Z"), calendar: london))  // 01:30 GMT
        #expect(night.isOpen(at: utc("2026-10-25T02:59:59Z"), calendar: london))
        #expect(!night.isOpen(at: utc("2026-10-25T03:00:00Z"), calendar: london))
    }

    @Test func overnightAndValidityDates() {
        let s = Service(
            id: "o", name: "O",
            schedules: [
                RegularSchedule(
                    id: "r", freq: .weekly, byday: [.fr], opensAt: 22 * 60, closesAt: 2 * 60,
                    validFrom: LocalDate("2026-11-20"), validTo: LocalDate("2026-11-27"))
            ])
        // Friday 2026-11-13 is before valid_from.
        #expect(!s.isOpen(at: utc("2026-11-13T23:00:00Z"), calendar: london))
        #expect(s.isOpen(at: utc("2026-11-20T22:00:00Z"), calendar: london))
        #expect(s.isOpen(at: utc("2026-11-21T01:59:00Z"), calendar: london))  // Saturday morning
        #expect(!s.isOpen(at: utc("2026-11-21T02:00:00Z"), calendar: london))
        #expect(!s.isOpen(at: utc("2026-11-21T22:30:00Z"), calendar: london))  // Saturday
        #expect(s.isOpen(at: utc("2026-11-27T23:00:00Z"), calendar: london))  // last valid day
        #expect(!s.isOpen(at: utc("2026-12-04T23:00:00Z"), calendar: london))
    }
}

@Suite("Referral status machine")
struct ReferralStatusTests {
    /// The steps of spec §12, written out independently of `ReferralStatus.next`.
    static let allowed: Set<String> = [
        "requested>accepted", "requested>declined", "requested>cancelled",
        "accepted>attended", "accepted>did-not-attend", "accepted>cancelled",
        "attended>completed",
    ]

    @Test func exactlyTheSpecStepsAreAllowed() throws {
        let t0 = utc("2026-11-16T10:00:00Z")
        for from in ReferralStatus.allCases {
            for to in ReferralStatus.allCases {
                var r = Referral(presentation: 1, serviceID: "s", serviceName: "S", requestedAt: t0)
                r.status = from
                let ok = (try? r.moved(to: to, at: t0.addingTimeInterval(60))) != nil
                #expect(
                    ok == Self.allowed.contains("\(from.rawValue)>\(to.rawValue)"),
                    "\(from) → \(to)")
            }
        }
    }

    @Test func aCompletedReferralHasReachedEveryStepOnTheWay() throws {
        let t0 = utc("2026-11-16T10:00:00Z")
        let r = try Referral(presentation: 1, serviceID: "s", serviceName: "S", requestedAt: t0)
            .moved(to: .accepted, at: t0.addingTimeInterval(60))
            .moved(to: .attended, at: t0.addingTimeInterval(120))
            .moved(to: .completed, at: t0.addingTimeInterval(180))
        #expect(r.hasReached(.accepted) && r.hasReached(.attended) && r.hasReached(.completed))
        #expect(!r.hasReached(.cancelled))
        #expect(!r.status.isOpen)
        #expect(throws: ReferralError.self) {
            try Referral(presentation: 1, serviceID: "s", serviceName: "S", requestedAt: t0)
                .moved(to: .accepted, at: t0.addingTimeInterval(-1))
        }
    }
}

@Suite("Returning people and re-attendance")
struct ReturningTests {
    func p(_ n: Int, _ at: String, nhs: String? = nil, ref: String? = nil, mentor: String? = nil)
        -> Presentation
    {
        Presentation(
            number: n, ref: ref, nhs: nhs, locality: "blackpool", needs: ["debt"],
            arrivedAt: utc(at),
            mentorID: mentor)
    }

    @Test func theLatestPresentationWithin30DaysIsNamed() {
        let earlier = [
            p(1, "2026-10-01T10:00:00Z", nhs: "9434765919", mentor: "M1"),
            p(2, "2026-11-01T10:00:00Z", nhs: "9434765919", mentor: "M2"),
            p(3, "2026-11-10T10:00:00Z", ref: "OTHER"),
        ]
        let now = p(9, "2026-11-16T09:00:00Z", nhs: "9434765919")
        let r = Returning.check(now, earlier: earlier, calendar: london)
        #expect(r?.previous.number == 2 && r?.previous.mentorID == "M2" && r?.days == 15)
        #expect(
            Returning.check(
                p(9, "2026-12-02T10:00:01Z", nhs: "9434765919"), earlier: earlier, calendar: london)
                == nil)
        #expect(
            Returning.check(
                p(9, "2026-11-16T09:00:00Z", ref: "other"), earlier: earlier, calendar: london)?
                .previous.number == 3)
        #expect(
            Returning.check(p(9, "2026-11-16T09:00:00Z"), earlier: earlier, calendar: london) == nil
        )
    }

    @Test func thirtyDaysAreCountedOnTheSiteClocksAcrossTheClockChange() {
        // 10:00 BST on 1 October is 09:00Z; 10:00 GMT on 31 October is 10:00Z: 30 days
        // and one hour of real time, but 30 days on the clocks.
        let first = [p(1, "2026-10-01T09:00:00Z", ref: "A")]
        let r = Returning.check(
            p(2, "2026-10-31T10:00:00Z", ref: "A"), earlier: first, calendar: london)
        #expect(r?.days == 30)
        #expect(
            Returning.check(
                p(2, "2026-10-31T10:00:01Z", ref: "A"), earlier: first, calendar: london) == nil)
    }

    @Test func reattendanceCountsTheWeeksPresentationsWithAnEarlierOne() {
        let week = TimeSpan(start: utc("2026-11-16T00:00:00Z"), end: utc("2026-11-23T00:00:00Z"))
        let all = [
            p(1, "2026-10-20T10:00:00Z", ref: "A"),  // 27 days before P4
            p(2, "2026-11-12T10:00:00Z", ref: "B"),  // 5 days before P5
            p(4, "2026-11-16T10:00:00Z", ref: "A"),
            p(5, "2026-11-17T10:00:00Z", ref: "B"),
            p(6, "2026-11-18T10:00:00Z", ref: "B"),  // 1 day after P5
            p(7, "2026-11-18T10:00:00Z", ref: "C"),
        ]
        let f = ReferralFigures(
            week: week, referrals: [], presentations: all, calendar: london)
        #expect(f.reattended7d == 2)  // P5, P6
        #expect(f.reattended30d == 3)  // P4, P5, P6
    }
}

@Suite("Disclosure control")
struct DisclosureTests {
    @Test func countsAtTheEdges() {
        #expect(Disclosure.count(0) == .value(0))
        #expect(Disclosure.count(1) == .suppressed)
        #expect(Disclosure.count(7) == .suppressed)
        #expect(Disclosure.count(8) == .value(10))
        #expect(Disclosure.count(12) == .value(10))
        #expect(Disclosure.count(13) == .value(15))
        #expect(Disclosure.count(102) == .value(100))
    }

    @Test func percentagesComeFromTheRoundedFigures() {
        #expect(Disclosure.percent(13, of: 22) == .value(75))  // 15 / 20
        #expect(Disclosure.percent(7, of: 40) == .suppressed)
        #expect(Disclosure.percent(12, of: 5) == .suppressed)
        #expect(Disclosure.percent(0, of: 12) == .value(0))
        #expect(Disclosure.percent(0, of: 0) == nil)
    }

    @Test func statisticsNeedEightValues() {
        #expect(Disclosure.statistic(3.5, of: 7) == .suppressed)
        #expect(Disclosure.statistic(3.5, of: 8) == .value(3.5))
        #expect(Disclosure.statistic(Double?.none, of: 0) == nil)
    }
}

@Suite("FHIR statuses")
struct FHIRStatusTests {
    @Test func taskStatusFollowsThePresentation() {
        let t = utc("2026-11-16T10:00:00Z")
        var p = Presentation(number: 1, locality: "blackpool", needs: ["debt"], arrivedAt: t)
        #expect(NHSExports.taskStatus(p) == "requested")
        #expect(NHSExports.serviceRequestStatus(p) == "active")
        p.mentorID = "M1"
        #expect(NHSExports.taskStatus(p) == "accepted")
        p.seenAt = t
        #expect(NHSExports.taskStatus(p) == "in-progress")
        p.closedAt = t
        p.outcome = .admitted
        #expect(NHSExports.taskStatus(p) == "completed")
        #expect(NHSExports.serviceRequestStatus(p) == "completed")
        p.seenAt = nil
        p.outcome = .noMentorAvailable
        #expect(NHSExports.taskStatus(p) == "failed")
        p.outcome = .leftBeforeSeen
        #expect(NHSExports.taskStatus(p) == "cancelled")
        p.outcome = .declinedSupport
        #expect(NHSExports.taskStatus(p) == "cancelled")
        #expect(NHSExports.taskStatus(p, voided: true) == "entered-in-error")
        #expect(NHSExports.serviceRequestStatus(p, voided: true) == "entered-in-error")
    }
}

@Suite("FHIR bundle ids")
struct FHIRBundleIDTests {
    @Test func idsAreUUIDsFixedBySiteKindAndNumber() throws {
        let a = NHSExports.uuid(site: "main", "Task", 12)
        #expect(a == NHSExports.uuid(site: "main", "Task", 12))
        #expect(a != NHSExports.uuid(site: "north", "Task", 12))
        #expect(a != NHSExports.uuid(site: "main", "Task", 13))
        #expect(a != NHSExports.uuid(site: "main", "ServiceRequest", 12))
        let uuid = try #require(UUID(uuidString: a))
        #expect(uuid.uuidString.lowercased() == a)
        #expect(Array(a)[14] == "8")  // version 8
        #expect("89ab".contains(Array(a)[19]))  // RFC variant
    }
}
