import AlongsideCore
import Foundation
import Testing

// The synthetic data of `demo generate`: reproducible from the seed, on shift now, and every
// presentation a life that could have happened (spec §2).

private func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    return calendar.date(
        from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: 17))!
}

private func generate(
    mentors: Int = 24, weeks: Int = 8, perDay: Int = 30, seed: UInt64 = 1,
    now: Date = utc(2026, 11, 18, 19, 40)
) -> DemoData {
    DemoGenerator.generate(
        DemoParameters(mentors: mentors, weeks: weeks, perDay: perDay, seed: seed),
        tags: .standard, localities: .standard, calendar: .london, now: now)
}

@Suite("Demo generator")
struct DemoGeneratorTests {
    @Test func splitMix64IsTheReferenceSequence() {
        // First outputs for seed 1234567 from the reference C implementation (Vigna).
        var rng = SplitMix64(seed: 1_234_567)
        #expect(rng.next() == 6_457_827_717_110_365_317)
        #expect(rng.next() == 3_203_168_211_198_807_973)
        #expect(rng.next() == 9_817_491_932_198_370_423)
    }

    @Test func sameSeedSameData() {
        let a = generate(seed: 42)
        let b = generate(seed: 42)
        #expect(a.mentors == b.mentors)
        #expect(a.shifts == b.shifts)
        #expect(a.leave == b.leave)
        #expect(a.presentations == b.presentations)
        let c = generate(seed: 43)
        #expect(a.mentors != c.mentors || a.presentations != c.presentations)
    }

    @Test(arguments: [
        utc(2026, 11, 18, 19, 40), utc(2026, 11, 19, 3, 5), utc(2026, 11, 21, 12, 0),
        utc(2026, 3, 29, 1, 30),  // the morning the clocks go forward
        utc(2026, 10, 25, 0, 45),  // the night the clocks go back
        utc(2026, 7, 4, 23, 59),
    ])
    func shiftsCoverNow(_ now: Date) {
        for (mentors, seed) in [(24, UInt64(1)), (12, 9), (200, 3)] {
            let data = generate(mentors: mentors, weeks: 2, perDay: 10, seed: seed, now: now)
            let today = SiteCalendar.london.localDate(now)
            let available = data.mentors.filter { m in
                m.status == .active && !m.dbsOverdue(on: today)
                    && data.shifts.contains { $0.mentorID == m.id && $0.span.contains(now) }
                    && !data.leave.contains { $0.mentorID == m.id && $0.span.contains(now) }
            }
            #expect(available.count >= min(mentors, max(4, mentors / 10)), "seed \(seed), \(mentors) mentors")
            // Shifts also run ahead, so the roster has a future.
            #expect(data.shifts.contains { $0.span.start > now.addingTimeInterval(7 * 86_400) })
        }
    }

    @Test func timesInOrderAndNotAfterNow() {
        let now = utc(2026, 11, 18, 19, 40)
        let data = generate(weeks: 12, perDay: 60, now: now)
        #expect(data.presentations.count > 12 * 7 * 50)
        let first = SiteCalendar.london.startOfDay(SiteCalendar.london.localDate(now).adding(days: -84))
        var previous = Date.distantPast
        for p in data.presentations {
            #expect(p.arrivedAt >= first)
            #expect(p.arrivedAt >= previous, "in arrival order")
            previous = p.arrivedAt
            if let ed = p.edArrival { #expect(ed <= p.arrivedAt) }
            let steps = [p.arrivedAt, p.assignedAt, p.seenAt, p.closedAt].compactMap { $0 }
            #expect(steps == steps.sorted(), "\(p.ref ?? "") times out of order")
            #expect(steps.allSatisfy { $0 <= now }, "\(p.ref ?? "") has a time after now")
            #expect(steps.allSatisfy { $0.timeIntervalSince1970 == $0.timeIntervalSince1970.rounded() })
            if let nhs = p.nhs { #expect((try? NHSNumber(nhs)) != nil) }
        }
    }

    @Test func outcomesAgreeWithSeen() {
        let data = generate(weeks: 12, perDay: 60)
        var outcomes: [Outcome: Int] = [:]
        for p in data.presentations {
            #expect((p.closedAt == nil) == (p.outcome == nil))
            if p.assignedAt != nil || p.seenAt != nil { #expect(p.mentorID != nil) }
            if p.mentorID != nil { #expect(p.assignedAt != nil || p.seenAt != nil) }
            guard let outcome = p.outcome else { continue }
            outcomes[outcome, default: 0] += 1
            if outcome.needsSeen { #expect(p.seenAt != nil, "\(outcome) needs seen") }
            if outcome.needsNotSeen { #expect(p.seenAt == nil, "\(outcome) needs not seen") }
        }
        // Every outcome occurs; most people are seen and supported.
        #expect(Set(outcomes.keys) == Set(Outcome.allCases))
        let total = outcomes.values.reduce(0, +)
        #expect(Double(outcomes[.leftBeforeSeen] ?? 0) / Double(total) > 0.03)
        #expect(Double(outcomes[.supportedDischarged] ?? 0) / Double(total) > 0.3)
    }

    @Test func realisticShape() {
        let now = utc(2026, 11, 18, 19, 40)
        let data = generate(mentors: 600, weeks: 12, perDay: 100, now: now)
        let cal = SiteCalendar.london
        // Catalogue ids only.
        let tags = Set(TagCatalog.standard.ids)
        let places = Set(LocalityCatalog.standard.ids)
        for m in data.mentors {
            #expect(!m.localities.isEmpty && m.localities.allSatisfy(places.contains))
            #expect(!m.experience.isEmpty && m.experience.allSatisfy(tags.contains))
            #expect((1...3).contains(m.capacity))
        }
        for p in data.presentations {
            #expect(places.contains(p.locality) && !p.needs.isEmpty && p.needs.allSatisfy(tags.contains))
        }
        // DBS rechecks: some overdue, some due within 7, 30 and 60 days.
        let today = cal.localDate(now)
        let dueIn = data.mentors.compactMap { $0.dbsRecheckDue.map { $0.daysSinceEpoch - today.daysSinceEpoch } }
        #expect(dueIn.contains { $0 < 0 })
        #expect(dueIn.contains { (0...7).contains($0) })
        #expect(dueIn.contains { (8...30).contains($0) })
        #expect(dueIn.contains { (31...60).contains($0) })
        #expect(!data.leave.isEmpty)
        // More arrivals in the evening than before dawn, and at weekends than midweek.
        var byHour = [Int](repeating: 0, count: 24)
        var byWeekday = [Int](repeating: 0, count: 8)
        for p in data.presentations {
            let local = cal.localDateTime(p.arrivedAt)
            byHour[local.hour] += 1
            byWeekday[local.date.weekday] += 1
        }
        #expect(byHour[19] + byHour[20] > 3 * (byHour[4] + byHour[5]))
        #expect(byWeekday[6] > byWeekday[2])
        // Waits: mostly 10–90 minutes, with a long tail.
        let waits = data.presentations.compactMap(\.waitSeconds).map { Double($0) / 60 }
        let mid = waits.filter { (10...90).contains($0) }.count
        #expect(Double(mid) / Double(waits.count) > 0.75)
        #expect(waits.contains { $0 > 180 })
        // A few people still waiting now, and open cases within capacity.
        let open = data.presentations.filter { $0.closedAt == nil }
        #expect(open.filter { $0.seenAt == nil }.count >= 3)
        var load: [String: Int] = [:]
        for p in open { if let m = p.mentorID { load[m, default: 0] += 1 } }
        for m in data.mentors { #expect(load[m.id, default: 0] <= m.capacity) }
    }
}

@Suite("Demo names")
struct DemoNameTests {
    @Test func mentorsFirstNamesMatchTheirRecordedGender() {
        let data = generate(mentors: 300, weeks: 1, perDay: 1, seed: 7)
        var seen: Set<String> = []
        for m in data.mentors {
            let first = String(m.name.split(separator: " ").first ?? "")
            let gender = m.gender ?? "non-binary"
            #expect(DemoGenerator.firstNames[gender]?.contains(first) == true, "\(m.name): \(gender)")
            seen.insert(gender)
        }
        #expect(seen == ["female", "male", "non-binary"])
    }
}
