import Foundation
import Testing

// End to end through the built `alongside` binary in script mode: a real process, a real
// database file, the real clock. Each test has its own sandbox (database and home), so the
// tests can run side by side; the commands of one test run in order against its database.

private let weights: [String: Double] = [
    "experience": 0.5, "locality": 0.2, "language": 0.1, "load": 0.1, "continuity": 0.1,
]
private let componentNames: Set<String> = ["experience", "locality", "language", "load", "continuity"]

/// The roster every desk test starts from, on shift from three hours before `t0` to six
/// hours after it:
/// M1 female, blackpool+fleetwood, capacity 2 · M2 male lead, preston, capacity 1 ·
/// M3 paused · M4 DBS recheck overdue (a week ago) · M5 no shift · M6 on leave now · M7 male, capacity 3.
private func roster(_ t0: Date) -> String {
    let start = Times.iso(t0.addingTimeInterval(-3 * 3600))
    let end = Times.iso(t0.addingTimeInterval(6 * 3600))
    let lastWeek = Times.day(t0.addingTimeInterval(-7 * 86400))
    var lines = [
        "# the roster",
        #"mentor add M1 --name "Amy Walsh" --gender Female --localities blackpool,fleetwood --experience alcohol,housing,bereavement --languages english,polish --capacity 2 --dbs-recheck-due 2099-01-01"#,
        #"mentor add M2 --name "Ben Ode" --gender male --localities preston --experience alcohol,debt --capacity 1 --lead"#,
        #"mentor add M3 --name "Cat Lee" --gender female --localities kirkham --experience alcohol --capacity 1"#,
        #"mentor add M4 --name "Dev Rao" --gender male --localities blackpool --experience housing --capacity 1 --dbs-recheck-due \#(lastWeek)"#,
        #"mentor add M5 --name "Eve Sand" --gender non-binary --localities blackpool --experience alcohol"#,
        #"mentor add M6 --name "Fay Holt" --gender female --localities blackpool --experience alcohol,housing --capacity 2"#,
        #"mentor add M7 --name "Gus Bell" --gender male --localities blackpool --experience alcohol,housing --capacity 3"#,
        "",
    ]
    for m in ["M1", "M2", "M3", "M4", "M6", "M7"] { lines.append("shift add \(m) \(start) \(end)") }
    lines += [
        "mentor pause M3",
        "leave M6 \(Times.iso(t0.addingTimeInterval(-3600))) \(Times.iso(t0.addingTimeInterval(3600)))",
    ]
    return lines.joined(separator: "\n") + "\n"
}

/// Checks a candidate list: the components are named as in the spec, each score is the
/// weighted sum of its components with the default weights, and the list is best first with
/// ties by id. Returns the mentor ids in order.
@discardableResult
private func checkCandidates(
    _ value: Any?, sourceLocation: SourceLocation = #_sourceLocation
) throws -> [String] {
    let candidates = try #require(value as? [[String: Any]], sourceLocation: sourceLocation)
    var previous: (Double, String)? = nil
    var ids: [String] = []
    for c in candidates {
        let id = try #require(c.string("mentor"), sourceLocation: sourceLocation)
        let score = try #require(c.number("score"), sourceLocation: sourceLocation)
        let components = try #require(c.object("components"), sourceLocation: sourceLocation)
        #expect(Set(components.keys) == componentNames, sourceLocation: sourceLocation)
        var sum = 0.0
        for (name, weight) in weights {
            let value = try #require(components.number(name), sourceLocation: sourceLocation)
            #expect(value >= 0 && value <= 1, "\(id).\(name)", sourceLocation: sourceLocation)
            sum += weight * value
        }
        #expect(abs(score - sum) < 1e-12, "\(id): \(score) vs \(sum)", sourceLocation: sourceLocation)
        if let (s, pid) = previous {
            #expect(s > score || (s == score && pid < id), "order \(pid), \(id)", sourceLocation: sourceLocation)
        }
        previous = (score, id)
        ids.append(id)
    }
    return ids
}

/// `excluded` as mentor → rule.
private func exclusions(_ value: Any?, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
    let list = try #require(value as? [[String: Any]], sourceLocation: sourceLocation)
    var result: [String: String] = [:]
    for e in list {
        let mentor = try #require(e.string("mentor"), sourceLocation: sourceLocation)
        let rule = try #require(e.string("rule"), sourceLocation: sourceLocation)
        result[mentor] = rule
    }
    return result
}

private func object(_ value: Any, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
    try #require(value as? [String: Any], sourceLocation: sourceLocation)
}

@Suite("End to end: a shift at the desk")
struct DeskEndToEndTests {
    @Test func aWholeShift() throws {
        let t0 = Times.pinned
        let s = try Sandbox(now: t0)
        func at(_ minutes: Int) -> String { Times.iso(t0.addingTimeInterval(Double(minutes) * 60)) }

        let setup = try s.script(roster(t0))
        #expect(setup.status == 0, "\(setup)")
        // The overdue DBS date is stored with a warning.
        #expect(setup.stderr.contains("warning: "))
        #expect(!setup.stderr.contains("error: "))

        // --- Three registrations, and the rankings for the second and third.
        let reg = try s.commands([
            "register --locality blackpool --needs alcohol,housing --at \(at(-75)) --nhs 9434765919 --ref MRN-123 --format json",
            "register --locality fleetwood --needs bereavement --at \(at(-50)) --mentor-gender female --format json",
            "register --locality preston --needs debt --at \(at(-20)) --lead-mentor --format json",
            "match P2 --format json",
            "match P3 --format json",
        ])
        #expect(reg.status == 0, "\(reg)")
        let docs = try reg.jsonDocuments()
        try #require(docs.count == 5, "\(reg)")

        let r1 = try object(docs[0])
        #expect(Set(r1.keys).isSuperset(of: ["presentation", "arrived_at", "candidates"]))
        #expect(r1.string("presentation") == "P1")
        #expect(Times.parse(r1.string("arrived_at") ?? "") == t0.addingTimeInterval(-75 * 60))
        // M1 and M7 tie (all needs, local, free): by id. M2 is far and meets half the needs.
        #expect(try checkCandidates(r1["candidates"]) == ["M1", "M7", "M2"])
        let first = try #require((r1["candidates"] as? [[String: Any]])?.first)
        #expect(Set(first.keys).isSuperset(of: ["mentor", "score", "components"]))
        #expect(abs((first.number("score") ?? 0) - 0.9) < 1e-12)

        let r2 = try object(docs[1])
        #expect(r2.string("presentation") == "P2")
        #expect(try checkCandidates(r2["candidates"]) == ["M1"])
        #expect(try object(docs[2]).string("presentation") == "P3")

        let m2 = try object(docs[3])
        #expect(Set(m2.keys).isSuperset(of: ["presentation", "at", "candidates", "excluded"]))
        #expect(m2.string("presentation") == "P2")
        #expect(try checkCandidates(m2["candidates"]) == ["M1"])
        #expect(
            try exclusions(m2["excluded"]) == [
                "M2": "gender", "M3": "inactive", "M4": "dbs-overdue", "M5": "off-shift",
                "M6": "on-leave", "M7": "gender",
            ])
        let m3 = try object(docs[4])
        #expect(try checkCandidates(m3["candidates"]) == ["M2"])
        #expect(
            try exclusions(m3["excluded"]) == [
                "M1": "not-lead", "M3": "inactive", "M4": "dbs-overdue", "M5": "off-shift",
                "M6": "on-leave", "M7": "not-lead",
            ])

        // --- P2 is seen after 20 minutes; its outcome rules are enforced.
        let p2 = try s.commands(["assign P2 M1 --at \(at(-45))", "seen P2 --at \(at(-30))"])
        #expect(p2.status == 0, "\(p2)")
        let lbs = try s.commands(["close P2 left-before-seen"])
        #expect(lbs.status == 1)
        #expect(lbs.stderr.hasPrefix("error: "))
        #expect(lbs.stdout.isEmpty)

        let flow = try s.script(
            """
            close P2 supported-discharged --at \(at(-10))
            assign P3 M2 --at \(at(-15))
            seen P3 --at \(at(0))
            assign P1 M7 --at \(at(-8))
            decline P1 --reason "knows the family"
            register --locality blackpool --needs housing --at \(at(-5))
            assign P4 M1 --at \(at(-4))
            register --locality lytham-st-annes --needs gambling --at \(at(-30))
            close P5 left-before-seen --at \(at(-2))

            """)
        #expect(flow.status == 0, "\(flow)")
        #expect(flow.stderr.isEmpty, "\(flow)")

        let early = try s.commands(["close P1 supported-discharged"])
        #expect(early.status == 1)
        #expect(early.stderr.hasPrefix("error: "))
        #expect(early.stderr.contains("seen"))

        // --- After the decline M7 is left out of P1's ranking; M2 is full with P3.
        let m1 = try object(s.json("match P1 --format json"))
        #expect(try checkCandidates(m1["candidates"]) == ["M1"])
        #expect(
            try exclusions(m1["excluded"]) == [
                "M2": "at-capacity", "M3": "inactive", "M4": "dbs-overdue", "M5": "off-shift",
                "M6": "on-leave", "M7": "declined",
            ])
        // M1 holds P4 of 2 places: load 0.5.
        let amy = try #require((m1["candidates"] as? [[String: Any]])?.first?.object("components"))
        #expect(amy.number("load") == 0.5)

        // --- The queue: P1 has waited 75 minutes (a breach), P4 is assigned.
        let queue = try #require(try s.json("queue --format json") as? [[String: Any]])
        #expect(queue.map { $0.string("presentation") ?? "?" } == ["P1", "P4"])
        for entry in queue {
            #expect(
                Set(entry.keys).isSuperset(of: [
                    "presentation", "arrived_at", "wait_minutes", "breach", "status", "mentor", "best",
                ]))
        }
        let q1 = queue[0]
        #expect(q1.bool("breach") == true)
        #expect(q1.string("status") == "waiting")
        #expect(q1.isNull("mentor"))
        #expect(q1.string("best") == "M1")
        let wait = try #require(q1.number("wait_minutes"))
        #expect(wait >= 75 && wait < 80)
        let q4 = queue[1]
        #expect(q4.bool("breach") == false)
        #expect(q4.string("status") == "assigned")
        #expect(q4.string("mentor") == "M1")

        // --- The roster.
        let mentors = try #require(try s.json("mentors --format json") as? [[String: Any]])
        let columns: Set<String> = [
            "id", "name", "gender", "languages", "localities", "experience", "capacity",
            "dbs_recheck_due", "lead", "status", "caseload", "available_now",
        ]
        var byID: [String: [String: Any]] = [:]
        for m in mentors {
            #expect(Set(m.keys).isSuperset(of: columns), "\(m.keys)")
            byID[m.string("id") ?? "?"] = m
        }
        #expect(Set(byID.keys) == ["M1", "M2", "M3", "M4", "M5", "M6", "M7"])
        #expect(byID["M1"]?.number("caseload") == 1)
        #expect(byID["M1"]?.bool("available_now") == true)
        #expect(byID["M2"]?.number("caseload") == 1)
        #expect(byID["M2"]?.bool("available_now") == false)
        #expect(byID["M3"]?.string("status") == "paused")
        #expect(byID["M3"]?.bool("available_now") == false)
        #expect(byID["M4"]?.bool("available_now") == false)
        #expect(byID["M5"]?.bool("available_now") == false)
        #expect(byID["M6"]?.bool("available_now") == false)
        #expect(byID["M7"]?.number("caseload") == 0)
        #expect(byID["M7"]?.bool("available_now") == true)
        #expect(byID["M1"]?.number("capacity") == 2)
        #expect(byID["M1"]?.string("dbs_recheck_due") == "2099-01-01")

        // --- show works, for people and mentors.
        let show = try s.commands(["show P1", "show M1"])
        #expect(show.status == 0, "\(show)")
        #expect(show.stdout.contains("P1"))
        let shown = try object(s.json("show P2 --format json"))
        #expect(shown.string("status") == "closed")
        #expect(shown.string("outcome") == "supported-discharged")
        #expect(shown.number("wait_minutes") == 20)

        // --- The audit log holds no NHS number or ref, and is unbroken.
        let audit = try s.commands(["audit --format json", "audit verify"])
        #expect(audit.status == 0, "\(audit)")
        #expect(!audit.stdout.contains("9434765919"))
        #expect(!audit.stdout.contains("MRN-123"))

        // --- The week's summary, worked out from what this test did.
        try checkSummary(s, t0: t0)
    }

    private func checkSummary(_ s: Sandbox, t0: Date) throws {
        struct Person {
            var minutes: Int
            var wait: Int?
            var notSeen: String?
            var mentor: String?
            var locality: String
            var needs: [String]
        }
        let people = [
            Person(minutes: -75, wait: nil, notSeen: "still-waiting", mentor: nil, locality: "blackpool", needs: ["alcohol", "housing"]),
            Person(minutes: -50, wait: 20 * 60, notSeen: nil, mentor: "M1", locality: "fleetwood", needs: ["bereavement"]),
            Person(minutes: -20, wait: 20 * 60, notSeen: nil, mentor: "M2", locality: "preston", needs: ["debt"]),
            Person(minutes: -5, wait: nil, notSeen: "still-waiting", mentor: "M1", locality: "blackpool", needs: ["housing"]),
            Person(minutes: -30, wait: nil, notSeen: "left-before-seen", mentor: nil, locality: "lytham-st-annes", needs: ["gambling"]),
        ]
        let week = Times.isoWeek(t0)
        let inWeek = people.filter { Times.isoWeek(t0.addingTimeInterval(Double($0.minutes) * 60)) == week }
        let summary = try object(s.json("summary week \(week) --format json"))
        #expect(summary.string("week") == week)
        #expect(summary.number("target_minutes") == 60)
        #expect(summary.number("presentations") == Double(inWeek.count))
        let seen = inWeek.filter { $0.wait != nil }
        #expect(summary.number("seen") == Double(seen.count))
        #expect(summary.number("seen_within_target") == Double(seen.count))  // both 20 minutes
        if inWeek.isEmpty {
            #expect(summary.isNull("within_target_pct"))
        } else {
            let pct = (Double(seen.count) * 1000 / Double(inWeek.count)).rounded() / 10
            #expect(summary.number("within_target_pct") == pct)
        }
        let waits = try #require(summary.object("wait_minutes"))
        for key in ["median", "p90", "mean", "max"] {
            if seen.isEmpty {
                #expect(waits.isNull(key))
            } else {
                #expect(waits.number(key) == 20, "\(key)")
            }
        }
        let notSeen = try #require(summary.object("not_seen"))
        for key in ["left-before-seen", "no-mentor-available", "declined-support", "still-waiting"] {
            #expect(
                notSeen.number(key) == Double(inWeek.filter { $0.notSeen == key }.count), "\(key)")
        }
        let localities = try #require(summary.list("by_locality"))
        for row in localities {
            let id = row.string("locality") ?? "?"
            #expect(row.number("presentations") == Double(inWeek.filter { $0.locality == id }.count), "\(id)")
        }
        #expect(Set(localities.compactMap { $0.string("locality") }) == Set(inWeek.map(\.locality)))
        let needs = try #require(summary.list("by_need"))
        #expect(Set(needs.compactMap { $0.string("need") }) == Set(inWeek.flatMap(\.needs)))
        // A person counts under each of their needs: housing is P1's second need and P4's.
        let housingCount = inWeek.filter { $0.needs.contains("housing") }.count
        if housingCount > 0 {
            let housing = needs.first { $0.string("need") == "housing" }
            #expect(housing?.number("presentations") == Double(housingCount))
        }

        // Mentors: shifts start three hours before t0 (9 hours each), plus assignments.
        let shiftsInWeek = Times.isoWeek(t0.addingTimeInterval(-3 * 3600)) == week
        var expected: [String: (assigned: Int, seen: Int, hours: Double)] = [:]
        if shiftsInWeek {
            for m in ["M1", "M2", "M3", "M4", "M6", "M7"] { expected[m] = (0, 0, 9) }
        }
        for p in inWeek {
            guard let m = p.mentor else { continue }
            var row = expected[m] ?? (0, 0, 0)
            row.assigned += 1
            if p.wait != nil { row.seen += 1 }
            expected[m] = row
        }
        let rows = try #require(summary.list("mentors"))
        #expect(Set(rows.compactMap { $0.string("mentor") }) == Set(expected.keys))
        for row in rows {
            let id = row.string("mentor") ?? "?"
            guard let e = expected[id] else { continue }
            #expect(row.number("assigned") == Double(e.assigned), "\(id)")
            #expect(row.number("seen") == Double(e.seen), "\(id)")
            #expect(row.number("shift_hours") == e.hours, "\(id)")
        }
    }

    @Test func assignmentsRespectTheHardRules() throws {
        let t0 = Times.pinned
        let s = try Sandbox(now: t0)
        #expect(try s.script(roster(t0)).status == 0)
        #expect(try s.commands(["register --locality blackpool --needs alcohol --mentor-gender female"]).status == 0)
        // Refused: the wrong gender, paused, off shift; nothing changes.
        for mentor in ["M7", "M3", "M5"] {
            let r = try s.commands(["assign P1 \(mentor)"])
            #expect(r.status == 1, "\(mentor): \(r)")
            #expect(r.stderr.hasPrefix("error: "))
        }
        let p1 = try object(s.json("show P1 --format json"))
        #expect(p1.isNull("mentor"))
        #expect(p1.string("status") == "waiting")
        // An explicit override is allowed and audited.
        let forced = try s.commands([#"assign P1 M7 --override "only mentor free, agreed with coordinator""#])
        #expect(forced.status == 0, "\(forced)")
        let p = try object(s.json("show P1 --format json"))
        #expect(p.string("mentor") == "M7")
        #expect(p.string("override_reason") == "only mentor free, agreed with coordinator")
        let audit = try #require(try s.json("audit --entity P1 --format json") as? [[String: Any]])
        #expect(audit.contains { ($0.string("after") ?? "").contains("only mentor free, agreed with coordinator") })
        // The mentor who declined cannot be given the person again.
        let declined = try s.commands([
            "register --locality blackpool --needs alcohol", "assign P2 M1", "decline P2",
        ])
        #expect(declined.status == 0, "\(declined)")
        let again = try s.commands(["assign P2 M1"])
        #expect(again.status == 1)
        #expect(again.stderr.contains("declined"))
    }

    @Test func allocateProposesForEveryoneAndConfirmAssigns() throws {
        let t0 = Times.pinned
        let s = try Sandbox(now: t0)
        func at(_ minutes: Int) -> String { Times.iso(t0.addingTimeInterval(Double(minutes) * 60)) }
        #expect(try s.script(roster(t0)).status == 0)
        let reg = try s.script(
            """
            register --locality blackpool --needs alcohol,housing --at \(at(-90))
            register --locality preston --needs debt --at \(at(-10)) --lead-mentor
            register --locality fleetwood --needs bereavement --at \(at(-5)) --mentor-gender female

            """)
        #expect(reg.status == 0, "\(reg)")
        let proposal = try object(s.json("allocate --format json"))
        #expect(Set(proposal.keys).isSuperset(of: ["people", "places", "weights", "pairs", "total"]))
        let people = try #require(proposal["people"] as? [String])
        #expect(people == ["P1", "P2", "P3"])
        // A mentor is listed once per free place: M1 2, M2 1, M7 3 (M4 and M6 are free
        // but cannot take anyone now; M3 is paused).
        let places = try #require(proposal["places"] as? [String])
        #expect(places.filter { $0 == "M1" }.count == 2)
        #expect(places.filter { $0 == "M2" }.count == 1)
        #expect(places.filter { $0 == "M7" }.count == 3)
        #expect(!places.contains("M3"))
        let weightRows = try #require(proposal["weights"] as? [[Any]])
        #expect(weightRows.count == 3)
        // P2 asked for a lead: only M2's place is allowed. P3 asked for a woman: not M7.
        for (j, mentor) in places.enumerated() {
            #expect((weightRows[1][j] is NSNull) == (mentor != "M2"), "P2/\(mentor)")
            if mentor == "M7" { #expect(weightRows[2][j] is NSNull, "P3/M7") }
        }
        let pairs = try #require(proposal.list("pairs"))
        #expect(Set(pairs.compactMap { $0.string("presentation") }) == ["P1", "P2", "P3"])
        var total = 0.0
        for pair in pairs {
            let score = try #require(pair.number("score"))
            let weight = try #require(pair.number("weight"))
            // weight = score × priority, priority = 1 + min(wait/60, 2); the waits at t0 were
            // 90, 10 and 5 minutes, and allocate ran a few seconds later.
            let waited: Double = ["P1": 90, "P2": 10, "P3": 5][pair.string("presentation") ?? ""] ?? -1
            let priority = weight / score
            #expect(priority >= 1 + min(waited / 60, 2) - 1e-9, "\(pair)")
            #expect(priority <= 1 + min((waited + 2) / 60, 2) + 1e-9, "\(pair)")
            total += weight
        }
        #expect(abs((proposal.number("total") ?? -1) - total) < 1e-9)
        let p2 = pairs.first { $0.string("presentation") == "P2" }
        #expect(p2?.string("mentor") == "M2")
        let p3 = pairs.first { $0.string("presentation") == "P3" }
        #expect(p3?.string("mentor") == "M1")
        // Nothing is assigned until --confirm.
        #expect(try (s.json("queue --format json") as? [[String: Any]])?.allSatisfy { $0.isNull("mentor") } == true)
        let confirm = try s.commands(["allocate --confirm"])
        #expect(confirm.status == 0, "\(confirm)")
        let queue = try #require(try s.json("queue --format json") as? [[String: Any]])
        #expect(queue.allSatisfy { $0.string("status") == "assigned" })
        #expect(queue.first { $0.string("presentation") == "P2" }?.string("mentor") == "M2")
    }

    @Test func relativeTimesAndTheSiteZoneWhateverTheSystemZone() throws {
        let before = Times.pinned
        let s = try Sandbox(now: before)
        let r = try s.run(
            ["-c", "register --locality blackpool --needs alcohol --at -50m --format json"],
            environment: ["TZ": "Pacific/Auckland"])
        #expect(r.status == 0, "\(r)")
        let doc = try object(r.json())
        let text = try #require(doc.string("arrived_at"))
        let arrived = try #require(Times.parse(text))
        let expected = before.addingTimeInterval(-50 * 60)
        #expect(arrived >= expected.addingTimeInterval(-1) && arrived <= expected.addingTimeInterval(10), "\(text)")
        // Shown in London time: +00:00 in winter, +01:00 in summer.
        let londonOffset = TimeZone(identifier: "Europe/London")!.secondsFromGMT(for: arrived)
        #expect(text.hasSuffix(londonOffset == 0 ? "+00:00" : "+01:00"), "\(text)")
        let queue = try #require(try s.json("queue --format json") as? [[String: Any]])
        let wait = try #require(queue.first?.number("wait_minutes"))
        #expect(wait >= 50 && wait < 55)
        #expect(queue.first?.bool("breach") == false)
        #expect(queue.first?.isNull("best") == true)
    }
}

@Suite("End to end: scripts and exit statuses")
struct ScriptEndToEndTests {
    @Test func everythingSucceedsExitsZeroAndDashCIsRepeatable() throws {
        let s = try Sandbox()
        try s.ensureDatabase()
        let r = try s.commands([
            "mentor add M1 --name Amy", "mentor add M2 --name Ben", "mentors --format json",
        ])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty)
        #expect(r.stdout.contains("Added M1"))
        #expect(r.stdout.contains("Added M2"))
        let list = try #require(try s.json("mentors --format json") as? [[String: Any]])
        #expect(list.compactMap { $0.string("id") } == ["M1", "M2"])
    }

    @Test func oneFailingLineExitsOneAndLaterLinesStillRun() throws {
        let s = try Sandbox()
        try s.ensureDatabase()
        let r = try s.script("mentor add M1 --name Amy\nassign P99 M1\nmentor add M2 --name Ben\n")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("Added M1"))
        #expect(r.stdout.contains("Added M2"))
        #expect(r.stderr.hasPrefix("error: "))
        #expect(!r.stdout.contains("error"))
        let list = try #require(try s.json("mentors --format json") as? [[String: Any]])
        #expect(list.count == 2)
    }

    @Test func bailStopsAtTheFirstFailure() throws {
        let s = try Sandbox()
        let r = try s.script(
            "mentor add M1 --name Amy\nassign P99 M1\nmentor add M2 --name Ben\n", extra: ["--bail"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("Added M1"))
        #expect(!r.stdout.contains("M2"))
        let list = try #require(try s.json("mentors --format json") as? [[String: Any]])
        #expect(list.compactMap { $0.string("id") } == ["M1"])

        let c = try s.commands(["mentor add M3 --name Cat", "nonsense", "mentor add M4 --name Dan"], extra: ["--bail"])
        #expect(c.status == 1)
        #expect(c.stdout.contains("Added M3"))
        #expect(!c.stdout.contains("M4"))
    }

    @Test func anUnknownOptionToAlongsideItselfIsAUsageError() throws {
        let s = try Sandbox()
        let r = try s.run(["--bogus"])
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains("--bogus"))
        #expect(r.stdout.isEmpty)
        // A bad option inside a command is that command failing: 1, not 2.
        let inside = try s.commands(["mentors --bogus"])
        #expect(inside.status == 1, "\(inside)")
        let unknown = try s.commands(["frobnicate"])
        #expect(unknown.status == 1, "\(unknown)")
        #expect(unknown.stderr.hasPrefix("error: "))
    }

    @Test func commentsAndBlankLinesAreIgnored() throws {
        let s = try Sandbox()
        try s.ensureDatabase()
        let r = try s.script(
            """
            # a roster for the night

            mentor add M1 --name "Amy Walsh"   # the first
               \t
              # indented comment
            mentors --format json

            """)
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty)
        let last = try #require(r.lines.last)
        let list = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [[String: Any]])
        #expect(list.first?.string("name") == "Amy Walsh")
    }

    @Test func formatOnAlongsidesOwnCommandLineAppliesToEveryCommand() throws {
        let s = try Sandbox()
        let r = try s.commands(["mentor add M1 --name Amy", "mentors", "queue"], extra: ["--format", "json"])
        #expect(r.status == 0, "\(r)")
        let lines = r.lines
        try #require(lines.count == 3, "\(r)")
        let mentors = try #require(try JSONSerialization.jsonObject(with: Data(lines[1].utf8)) as? [[String: Any]])
        #expect(mentors.first?.string("id") == "M1")
        #expect(try JSONSerialization.jsonObject(with: Data(lines[2].utf8)) as? [Any] != nil)
    }

    @Test func summaryWeekWithNoWeekIsTheLastCompleteWeek() throws {
        // Tuesday 2026-11-17: the last complete week is 2026-W46 (9 to 15 November).
        let s = try Sandbox(now: Times.pinned)
        let summary = try object(s.json("summary week --format json"))
        #expect(summary.string("week") == "2026-W46")
        #expect(summary.number("presentations") == 0)
        #expect(summary.isNull("within_target_pct"))
    }

    @Test func errorsGoToStandardErrorAndStandardOutputStaysClean() throws {
        let s = try Sandbox()
        try s.ensureDatabase()
        let r = try s.commands(["assign P99 M1"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("error: "))
        let json = try s.commands(["match P42 --format json"])
        #expect(json.status == 1)
        #expect(json.stdout.isEmpty)
    }
}

@Suite("End to end: bad input changes nothing")
struct BadInputEndToEndTests {
    /// A sandbox with the roster and one waiting person, and its queue as JSON text.
    private func prepared() throws -> (Sandbox, Date, [String]) {
        let t0 = Times.pinned
        let s = try Sandbox(now: t0)
        #expect(try s.script(roster(t0)).status == 0)
        let r = try s.commands(["register --locality blackpool --needs alcohol --at \(Times.iso(t0.addingTimeInterval(-600)))"])
        #expect(r.status == 0, "\(r)")
        return (s, t0, try queueIDs(s))
    }

    private func queueIDs(_ s: Sandbox) throws -> [String] {
        let queue = try #require(try s.json("queue --format json") as? [[String: Any]])
        return queue.map { "\($0.string("presentation") ?? "?") \($0.string("arrived_at") ?? "?") \($0.string("mentor") ?? "-")" }
    }

    private func auditCount(_ s: Sandbox) throws -> Int {
        try #require(try s.json("audit --format json") as? [Any]).count
    }

    @Test func aMisspeltNeedIsRefusedWithASuggestion() throws {
        let (s, _, queue) = try prepared()
        let audit = try auditCount(s)
        let r = try s.commands(["register --locality blackpool --needs alchohol"])
        #expect(r.status == 1)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains("--needs: unknown tag 'alchohol' (did you mean 'alcohol'?)"), "\(r.stderr)")
        #expect(try queueIDs(s) == queue)
        #expect(try s.commands(["show P2"]).status == 1)
        #expect(try auditCount(s) == audit)
    }

    @Test func aMisspeltLocalityIsRefusedWithASuggestion() throws {
        let (s, _, queue) = try prepared()
        let r = try s.commands(["register --locality blackpol --needs alcohol"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("unknown locality 'blackpol'"), "\(r.stderr)")
        #expect(r.stderr.contains("(did you mean 'blackpool'?)"), "\(r.stderr)")
        #expect(try queueIDs(s) == queue)
    }

    @Test func aBadNHSNumberIsRefusedWithoutEchoingIt() throws {
        let (s, _, queue) = try prepared()
        let r = try s.commands(["register --locality blackpool --needs alcohol --nhs 9434765918"])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: "))
        #expect(r.stderr.contains("--nhs"))
        #expect(!r.stderr.contains("9434765918"))
        #expect(!r.stderr.contains("943 476 5918"))
        #expect(!r.stderr.contains("476591"))
        #expect(!r.stdout.contains("476591"))
        #expect(try queueIDs(s) == queue)
        // A good one is accepted.
        #expect(try s.commands(["register --locality blackpool --needs alcohol --nhs \"943 476 5919\""]).status == 0)
    }

    @Test(arguments: [
        "register --locality blackpool --needs alcohol 9434765919",  // forgot --nhs
        "show 9434765919",
        "match 9434765919",
        "assign P1 9434765919",
    ])
    func anNHSNumberTypedInTheWrongPlaceIsNotEchoed(_ command: String) throws {
        let (s, _, queue) = try prepared()
        let r = try s.commands([command])
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("error: "))
        #expect(!r.stderr.contains("9434765919"), "\(r.stderr)")
        #expect(try queueIDs(s) == queue)
    }

    @Test func aTimeInTheFutureIsRefused() throws {
        let (s, t0, queue) = try prepared()
        let r = try s.commands([
            "register --locality blackpool --needs alcohol --at \(Times.iso(t0.addingTimeInterval(3600)))"
        ])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--at"))
        #expect(r.stderr.contains("future"))
        #expect(try queueIDs(s) == queue)
        let seen = try s.commands(["assign P1 M1", "seen P1 --at \(Times.iso(t0.addingTimeInterval(1800)))"])
        #expect(seen.status == 1)
        #expect(try object(s.json("show P1 --format json")).isNull("seen_at"))
    }

    @Test func seenBeforeTheAssignmentIsRefused() throws {
        let (s, t0, _) = try prepared()
        let assign = try s.commands(["assign P1 M1 --at \(Times.iso(t0.addingTimeInterval(-300)))"])
        #expect(assign.status == 0, "\(assign)")
        let r = try s.commands(["seen P1 --at \(Times.iso(t0.addingTimeInterval(-400)))"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--at"))
        let p = try object(s.json("show P1 --format json"))
        #expect(p.isNull("seen_at"))
        #expect(p.string("status") == "assigned")
        // Assigned before the referral is refused too.
        let (s2, t2, _) = try prepared()
        let early = try s2.commands(["assign P1 M1 --at \(Times.iso(t2.addingTimeInterval(-900)))"])
        #expect(early.status == 1)
        #expect(try object(s2.json("show P1 --format json")).isNull("mentor"))
    }
}

@Suite("End to end: help")
struct HelpEndToEndTests {
    @Test func helpPrintsToStandardOutput() throws {
        let s = try Sandbox()
        for command in [["help"], ["help register"], ["register --help"]] {
            let r = try s.commands(command)
            #expect(r.status == 0, "\(command): \(r)")
            #expect(r.stderr.isEmpty, "\(command)")
            #expect(r.stdout.count > 40, "\(command)")
        }
        let subcommands = try s.commands([
            "help mentor add", "help shift weekly", "help summary week", "help audit verify",
            "mentor add --help", "help times", "help outcomes",
        ])
        #expect(subcommands.status == 0, "\(subcommands)")
        #expect(subcommands.stderr.isEmpty)
        #expect(subcommands.stdout.contains("--dbs-recheck-due"))
        #expect(subcommands.stdout.contains("left-before-seen"))
        let register = try s.commands(["help register"])
        #expect(register.stdout.contains("--locality"))
        #expect(register.stdout.contains("--needs"))
        let overview = try s.commands(["help"])
        for word in ["register", "match", "assign", "queue", "summary"] {
            #expect(overview.stdout.contains(word), "\(word)")
        }
    }

    @Test(arguments: [
        "register", "match", "assign", "decline", "seen", "close", "queue", "allocate", "show",
        "mentor", "mentors", "shift", "leave", "summary", "audit", "staff", "backup", "check",
        "bench", "roster", "presentations", "help", "quit",
    ])
    func everyCommandHasHelp(_ command: String) throws {
        let s = try Sandbox()
        let r = try s.commands(["help \(command)"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stderr.isEmpty)
        #expect(!r.stdout.isEmpty)
        #expect(r.stdout.lowercased().contains(command))
    }
}

@Suite("End to end: people and files")
struct SafetyEndToEndTests {
    @Test func theCreatorIsAdminAndAStrangerCanDoNothing() throws {
        let s = try Sandbox(user: "ruth")
        let staff = try #require(try s.json("staff list --format json") as? [[String: Any]])
        #expect(staff.count == 1)
        #expect(staff.first?.string("name") == "ruth")
        #expect(staff.first?.string("role") == "admin")

        for command in ["queue", "register --locality blackpool --needs alcohol", "mentor add M1 --name X", "staff add stranger admin"] {
            let r = try s.commands([command], asUser: "stranger")
            #expect(r.status == 1, "\(command): \(r)")
            #expect(r.stderr.hasPrefix("error: "))
            #expect(r.stderr.contains("staff list"), "\(r.stderr)")
            #expect(r.stdout.isEmpty)
        }
        #expect(try s.commands(["show P1"]).status == 1)
        #expect(try #require(try s.json("mentors --format json") as? [Any]).isEmpty)
        #expect(try #require(try s.json("staff list --format json") as? [Any]).count == 1)
    }

    @Test func rolesLimitWhatStaffMayDo() throws {
        let s = try Sandbox()
        try s.addStaff("jo", role: "liaison")
        try s.addStaff("sam", role: "coordinator")
        let jo = try s.commands(["mentor add M1 --name X"], asUser: "jo")
        #expect(jo.status == 1)
        #expect(jo.stderr.contains("coordinator"))
        #expect(try s.commands(["queue"], asUser: "jo").status == 0)
        #expect(try s.commands(["mentor add M1 --name X"], asUser: "sam").status == 0)
        #expect(try s.commands(["audit"], asUser: "sam").status == 1)
    }

    @Test func theOperatingSystemUserIsTheDefaultAndBecomesAdmin() throws {
        let s = try Sandbox()
        let r = try s.run(["-c", "staff list --format json"], asUser: .some(nil))
        #expect(r.status == 0, "\(r)")
        let staff = try #require(try r.json() as? [[String: Any]])
        #expect(staff.compactMap { $0.string("name") } == [NSUserName()])
        #expect(staff.first?.string("role") == "admin")
    }

    @Test func theDatabaseFileIsPrivate() throws {
        let s = try Sandbox()
        #expect(!FileManager.default.fileExists(atPath: s.db))
        #expect(try s.commands(["queue"]).status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: s.db)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        // Its folder was created too, private to the user.
        let folder = URL(fileURLWithPath: s.db).deletingLastPathComponent().path
        let folderAttributes = try FileManager.default.attributesOfItem(atPath: folder)
        #expect((folderAttributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o700)
    }

    @Test func backupWritesAPrivateCopyThatOpensWithDashDashDB() throws {
        let s = try Sandbox()
        let copy = s.root.appendingPathComponent("copy.sqlite").path
        let r = try s.commands(["mentor add M1 --name Amy", "backup \(copy)", "check", "audit verify"])
        #expect(r.status == 0, "\(r)")
        let attributes = try FileManager.default.attributesOfItem(atPath: copy)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        // --db wins over $ALONGSIDE_DB.
        let restored = try s.run(["--db", copy, "-c", "mentors --format json", "-c", "check"])
        #expect(restored.status == 0, "\(restored)")
        let mentors = try #require(try JSONSerialization.jsonObject(with: Data((restored.lines.first ?? "").utf8)) as? [[String: Any]])
        #expect(mentors.compactMap { $0.string("id") } == ["M1"])
    }

    @Test func theDefaultDatabaseIsUnderHomeAndPrivate() throws {
        let s = try Sandbox()
        let r = try s.run(["-c", "queue"], environment: ["ALONGSIDE_DB": String?.none])
        #expect(r.status == 0, "\(r)")
        let path = s.home.appendingPathComponent(".local/share/alongside/alongside.sqlite").path
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o777 } == 0o600)
        #expect(!FileManager.default.fileExists(atPath: s.db))
    }
}
