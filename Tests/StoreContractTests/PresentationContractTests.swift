import AlongsideCore
import AlongsideStore
import Foundation
import Testing

/// `p` assigned to `mentor` a minute after it arrived.
private func assigned(_ p: Presentation, _ mentor: String) -> Presentation {
    var p = p
    p.mentorID = mentor
    p.assignedAt = p.arrivedAt.addingTimeInterval(60)
    return p
}

/// `p` assigned to `mentor` and seen two minutes after it arrived.
private func seen(_ p: Presentation, _ mentor: String) -> Presentation {
    var p = assigned(p, mentor)
    p.seenAt = p.arrivedAt.addingTimeInterval(120)
    return p
}

@Suite("Store contract: presentations")
struct PresentationContractTests {
    @Test(arguments: StoreKind.available)
    func everyFieldRoundTripsInWholeSeconds(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            var full = person(arrived: at(-50).addingTimeInterval(0.75))
            full.edArrival = at(-60).addingTimeInterval(0.999)
            full.mentorID = "amy-w"
            full.assignedAt = at(-45).addingTimeInterval(0.5)
            full.seenAt = at(-40)
            full.closedAt = at(-30)
            full.outcome = .referredCMHT
            full.overrideReason = "only lead on shift"
            full.site = "victoria"
            let n = try f.write("register") { try $0.insertPresentation(full) }
            #expect(n == 1)
            var expected = numbered(full, 1)
            expected.arrivedAt = at(-50)
            expected.edArrival = at(-60)
            expected.assignedAt = at(-45)
            #expect(try f.read { try $0.presentation(1) } == expected)
            var voided = anonymous(arrived: at(-20))
            try voided.void(at: at(-10))
            #expect(try f.write("register") { try $0.insertPresentation(voided) } == 2)
            #expect(try f.read { try $0.presentation(2) } == numbered(voided, 2))
            #expect(try f.read { try $0.presentation(3) } == nil)
        }
    }

    @Test(arguments: StoreKind.available)
    func numbersAreConsecutiveFromOneAndABulkInsertIsOneEntry(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            for i in 1...3 {
                #expect(
                    try f.write("register") {
                        try $0.insertPresentation(anonymous(arrived: at(-i)))
                    }
                        == i)
            }
            let batch = (0..<5).map { anonymous(arrived: hours(-48 - $0)) }
            let range = try f.write("demo generate") { try $0.insertPresentations(batch) }
            #expect(range == 4...8)
            #expect(try f.write("demo generate") { try $0.insertPresentations([]) } == nil)
            #expect(
                try f.write("register") { try $0.insertPresentation(anonymous(arrived: t0)) } == 9)
            for (i, p) in batch.enumerated() {
                #expect(try f.read { try $0.presentation(4 + i) } == numbered(p, 4 + i))
            }
            let entries = try f.entries()
            #expect(entries.count == 5)
            #expect(entries[3].action == "insert")
            #expect(entries[3].entity == nil)
            #expect(entries[3].command == "demo generate")
            #expect(entries[3].after == #"{"presentations":5,"first":"P4","last":"P8"}"#)
            #expect(entries.map(\.entity) == ["P1", "P2", "P3", nil, "P9"])
            try f.expectClean(entries: 5)
        }
    }

    @Test(arguments: StoreKind.available)
    func anUpdateReplacesTheRecordAndIsAudited(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            var p = numbered(person(), 1)
            #expect(try f.write("register") { try $0.insertPresentation(p) } == 1)
            let steps: [(String, (inout Presentation) throws -> Void)] = [
                ("assign", { try $0.assign(to: "amy-w", at: at(-45)) }),
                ("seen", { try $0.markSeen(at: at(-40)) }),
                ("close", { try $0.close(.supportedDischarged, at: at(-30)) }),
            ]
            var views = [stored(p.auditJSON)]
            for (command, step) in steps {
                try step(&p)
                try f.write(command) { [p] in try $0.updatePresentation(p) }
                #expect(try f.read { try $0.presentation(1) } == p, "\(command)")
                views.append(stored(p.auditJSON))
            }
            let entries = try f.read { try $0.auditEntries(since: nil, entity: "P1") }
            #expect(entries.map(\.action) == ["insert", "update", "update", "update"])
            #expect(entries.map(\.command) == ["register", "assign", "seen", "close"])
            #expect(entries.map(\.after) == views)
            #expect(entries.map(\.before) == [nil] + views.dropLast())
            try f.expectClean(entries: 5)
        }
    }

    @Test(arguments: StoreKind.available)
    func waitingAndOpenListsComeInArrivalOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            var closed = seen(anonymous(arrived: at(-90)), "amy-w")
            try closed.close(.admitted, at: at(-80))
            var voided = anonymous(arrived: at(-70))
            try voided.void(at: at(-65))
            let rows: [Presentation] = [
                anonymous(arrived: at(-10)), seen(anonymous(arrived: at(-60)), "amy-w"),
                assigned(anonymous(arrived: at(-30)), "amy-w"), closed, anonymous(arrived: at(-30)),
                voided, anonymous(arrived: at(-50)),
            ]
            // Registered in a shuffled order: the lists follow arrival (then number), not it.
            var generator = SeededGenerator(seed: 5)
            let order = Array(rows.indices).shuffled(using: &generator)
            var number: [Int: Int] = [:]
            try f.write("register") { tx in
                for i in order { number[i] = try tx.insertPresentation(rows[i]) }
            }
            func stored(_ i: Int) -> Presentation { numbered(rows[i], number[i]!) }
            let thirty = [2, 4].sorted { number[$0]! < number[$1]! }
            #expect(
                try f.read { try $0.waitingPresentations() }
                    == [stored(6)] + thirty.map(stored) + [stored(0)])
            #expect(
                try f.read { try $0.openPresentations() }
                    == [stored(1), stored(6)] + thirty.map(stored) + [stored(0)])
        }
    }

    @Test(arguments: StoreKind.available)
    func arrivedInIsHalfOpenAndLeavesVoidedOutUnlessAsked(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            var voided = anonymous(arrived: at(-20))
            try voided.void(at: at(-15))
            let rows = [
                anonymous(arrived: hours(-2)), anonymous(arrived: at(-30)), voided,
                anonymous(arrived: t0), anonymous(arrived: at(-61)),
            ]
            try f.write("register") { tx in for p in rows { _ = try tx.insertPresentation(p) } }
            let hour = TimeSpan(start: at(-60), end: t0)
            #expect(
                try f.read { try $0.presentations(arrivedIn: hour) } == [numbered(rows[1], 2)])
            #expect(
                try f.read { try $0.presentations(arrivedIn: hour, includingVoided: false) }
                    == [numbered(rows[1], 2)])
            #expect(
                try f.read { try $0.presentations(arrivedIn: hour, includingVoided: true) }
                    == [numbered(rows[1], 2), numbered(rows[2], 3)])
            #expect(
                try f.read {
                    try $0.presentations(arrivedIn: TimeSpan(start: hours(-3), end: hours(1)))
                }
                .map(\.number) == [1, 5, 2, 4])
        }
    }

    @Test(arguments: StoreKind.available)
    func aMentorsPresentationsComeMostRecentFirstUpToTheLimit(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { tx in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
            }
            let arrivals = [-200, -50, -120, -10, -90]
            try f.write("register") { tx in
                for a in arrivals {
                    _ = try tx.insertPresentation(assigned(anonymous(arrived: at(a)), "amy-w"))
                }
                _ = try tx.insertPresentation(assigned(anonymous(arrived: at(-5)), "bob"))
            }
            #expect(
                try f.read { try $0.presentations(mentor: "amy-w", limit: 3) }.map(\.number) == [
                    4, 2, 5,
                ])
            #expect(
                try f.read { try $0.presentations(mentor: "AMY-W", limit: 10) }.map(\.number) == [
                    4, 2, 5, 3, 1,
                ])
            #expect(
                try f.read { try $0.presentations(mentor: "bob", limit: 3) }.map(\.number) == [6])
            #expect(try f.read { try $0.presentations(mentor: "zed", limit: 3) } == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func previousMentorsAreThoseWhoSawTheSamePerson(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { tx in
                for m in [amy, bob, numbered("M3"), numbered("M4")] { try tx.insertMentor(m) }
            }
            let nhs = "9434765919"
            let ref = "MRN-123"
            var voidedSeen = seen(person(arrived: hours(-30), nhs: nhs, ref: nil), "M4")
            try voidedSeen.void(at: hours(-29))
            let numbers = try f.write("register") { tx in
                try [
                    seen(person(arrived: hours(-50), nhs: nhs, ref: nil), "amy-w"),
                    seen(person(arrived: hours(-40), nhs: nil, ref: ref), "bob"),
                    assigned(person(arrived: hours(-35), nhs: nhs, ref: ref), "M3"),  // not seen
                    voidedSeen,
                    person(arrived: t0, nhs: nhs, ref: ref),
                ].map { try tx.insertPresentation($0) }
            }
            let current = numbers[4]
            func previous(_ n: String?, _ r: String?, excluding: Int = current) throws -> Set<
                String
            > {
                try f.read { try $0.previousMentors(nhs: n, ref: r, excluding: excluding) }
            }
            #expect(try previous(nhs, nil) == ["amy-w"])
            #expect(try previous(nil, ref) == ["bob"])
            #expect(try previous(nhs, ref) == ["amy-w", "bob"])
            #expect(try previous(nhs, nil, excluding: numbers[0]) == [])
            #expect(try previous("4010232137", nil) == [])
            #expect(try previous(nil, nil) == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func presentationsOfOnePersonByNHSNumberOrRefOldestFirst(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            var voided = person(arrived: hours(-3), nhs: "9434765919", ref: nil)
            try voided.void(at: hours(-2))
            let rows = [
                person(arrived: hours(-10), nhs: "9434765919", ref: "MRN-123"),
                person(arrived: hours(-20), nhs: nil, ref: "MRN-123"),
                person(arrived: hours(-5), nhs: "4010232137", ref: "MRN-9"), voided,
                person(arrived: hours(-1), nhs: "9434765919", ref: "MRN-7"),
            ]
            try f.write("register") { tx in for p in rows { _ = try tx.insertPresentation(p) } }
            func find(_ nhs: String?, _ ref: String?) throws -> [Int] {
                try f.read { try $0.presentations(nhs: nhs, ref: ref) }.map(\.number)
            }
            #expect(try find("9434765919", nil) == [1, 4, 5])
            #expect(try find(nil, "MRN-123") == [2, 1])
            #expect(try find(nil, "mrn-123") == [2, 1])  // refs without regard to case
            #expect(try find("9434765919", "MRN-123") == [2, 1, 4, 5])  // each once
            #expect(try find(nil, nil) == [])
            #expect(
                try f.read { try $0.presentations(nhs: nil, ref: "MRN-9") } == [
                    numbered(rows[2], 3)
                ])
        }
    }

    @Test(arguments: StoreKind.available)
    func identitiesAndTimesAreProjectionsForFiguresInArrivalOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            var closed = seen(person(arrived: at(-90), nhs: nil, ref: "MRN-5"), "amy-w")
            try closed.close(.referredCommunity, at: at(-60))
            var voided = person(arrived: at(-40), nhs: "4010232137", ref: nil)
            try voided.void(at: at(-35))
            let rows = [
                person(arrived: at(-30), nhs: "9434765919", ref: nil), closed,
                anonymous(arrived: at(-80)), voided, person(arrived: hours(-5)),
            ]
            try f.write("register") { tx in for p in rows { _ = try tx.insertPresentation(p) } }
            let span = TimeSpan(start: hours(-2), end: t0)
            let identities = try f.read { try $0.presentationIdentities(arrivedIn: span) }
                .filter { $0.voidedAt == nil && $0.number != 4 }
            #expect(identities.map(\.number) == [2, 1])
            #expect(identities.map(\.nhs) == [nil, "9434765919"])
            #expect(identities.map(\.ref) == ["MRN-5", nil])
            #expect(identities.map(\.arrivedAt) == [at(-90), at(-30)])

            let times = try f.read { try $0.presentationTimes(arrivedIn: span) }
            #expect(times.map(\.number) == [2, 3, 1])  // voided P4 is in no figure
            #expect(times.map(\.ref) == ["MRN-5", nil, nil])
            #expect(times.map(\.arrivedAt) == [at(-90), at(-80), at(-30)])
            #expect(times.map(\.seenAt) == [at(-88), nil, nil])
            #expect(times.map(\.closedAt) == [at(-60), nil, nil])
            #expect(times.map(\.outcome) == [.referredCommunity, nil, nil])
        }
    }

    @Test(arguments: StoreKind.available)
    func sitesAreThoseThatRegisteredSomeoneSorted(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.read { try $0.sites() } == [])
            try f.write("register") { tx in
                for site in ["victoria", SiteName.main, "uct", "victoria"] {
                    _ = try tx.insertPresentation(person(site: site))
                }
            }
            #expect(try f.read { try $0.sites() } == ["main", "uct", "victoria"])
            #expect(try f.read { try $0.presentation(1) }?.site == "victoria")
        }
    }

    @Test(arguments: StoreKind.available)
    func declinesComeOldestFirstWithTheirReasons(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("setup") { tx in
                try tx.insertMentor(amy)
                try tx.insertMentor(bob)
                _ = try tx.insertPresentation(person())
            }
            try f.write("decline", at: at(5)) {
                try $0.insertDecline(
                    presentation: 1, mentor: "amy-w", at: at(5), reason: "knows the family")
            }
            try f.write("decline", at: at(2)) {
                try $0.insertDecline(presentation: 1, mentor: "bob", at: at(2), reason: nil)
            }
            #expect(
                try f.read { try $0.declines(of: 1) } == [
                    DeclineRecord(mentorID: "bob", at: at(2), reason: nil),
                    DeclineRecord(mentorID: "amy-w", at: at(5), reason: "knows the family"),
                ])
            #expect(try f.read { try $0.declines(of: 2) } == [])
            let entries = try f.entries().filter { $0.action == "decline" }
            #expect(entries.map(\.entity) == ["P1", "P1"])
            #expect(entries[0].after == #"{"mentor":"amy-w","reason":"knows the family"}"#)
            #expect(entries[1].after == #"{"mentor":"bob","reason":null}"#)
            try f.expectClean(entries: 5)
        }
    }

    @Test(arguments: StoreKind.available)
    func correctionsCarryTheActingContext(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("register") { _ = try $0.insertPresentation(person()) }
            try f.write("void", actor: "bea", at: at(7)) {
                try $0.insertCorrection(presentation: 1, kind: "void", reason: "registered twice")
            }
            try f.write("edit", actor: "cy", at: at(3)) {
                try $0.insertCorrection(presentation: 1, kind: "edit", reason: "wrong locality")
            }
            #expect(
                try f.read { try $0.corrections(of: 1) } == [
                    CorrectionRecord(
                        at: at(3), actor: "cy", kind: "edit", reason: "wrong locality"),
                    CorrectionRecord(
                        at: at(7), actor: "bea", kind: "void", reason: "registered twice"),
                ])
            #expect(try f.read { try $0.corrections(of: 2) } == [])
            let entries = try f.entries()
            #expect(entries.map(\.action) == ["insert", "correction", "correction"])
            #expect(entries.map(\.entity) == ["P1", "P1", "P1"])
            #expect(entries[1].after == #"{"kind":"void","reason":"registered twice"}"#)
            try f.expectClean(entries: 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func aLegalHoldIsKeptAndReleased(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("register") { _ = try $0.insertPresentation(person()) }
            #expect(try f.read { try $0.hold(of: 1) } == nil)
            try f.write("hold", at: at(10)) {
                try $0.insertHold(
                    presentation: 1, reason: "inquest", at: at(10).addingTimeInterval(0.5))
            }
            #expect(try f.read { try $0.hold(of: 1) } == HoldRecord(reason: "inquest", at: at(10)))
            try f.write("hold release") { try $0.removeHold(presentation: 1) }
            #expect(try f.read { try $0.hold(of: 1) } == nil)
            let entries = try f.entries()
            #expect(entries.map(\.action) == ["insert", "hold", "hold release"])
            #expect(entries.map(\.entity) == ["P1", "P1", "P1"])
            #expect(entries[1].after == #"{"reason":"inquest"}"#)
            #expect(entries[2].before == #"{"reason":"inquest"}"#)
            try f.expectClean(entries: 3)
        }
    }
}
