// Synthetic data at trust scale (`demo generate`): a roster and a history that look like a
// peer-mentor scheme beside a busy emergency department. Pure: the catalogues, the calendar,
// `now` and the parameters come in; mentors, shifts, leave and presentations come out, the
// same for the same seed (our own SplitMix64, never the system's random numbers).

import Foundation

/// SplitMix64 (Steele, Lea and Flood, 2014): a small, fast, seedable generator whose
/// output is fixed by the seed on every platform and Swift version. Draws go through our
/// own helpers (`uniform`, `below`), not the standard library's `random(in:using:)`, whose
/// algorithm is not promised to stay the same.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator started from `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1), 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// Uniform in 0..<n (n > 0), by multiply-high (bias below 2⁻³² for our sizes).
    public mutating func below(_ n: Int) -> Int {
        precondition(n > 0)
        return Int(next().multipliedFullWidth(by: UInt64(n)).high)
    }

    /// Uniform in `range`.
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    public mutating func chance(_ p: Double) -> Bool { uniform() < p }

    /// A standard normal deviate (Box–Muller).
    public mutating func normal() -> Double {
        let u = max(uniform(), 0x1p-60)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }

    /// exp(N(mu, sigma²)).
    public mutating func logNormal(median: Double, sigma: Double) -> Double {
        median * exp(sigma * normal())
    }

    /// A Poisson deviate with mean `lambda` (Knuth's product method for small means, a
    /// rounded normal approximation above 30).
    public mutating func poisson(_ lambda: Double) -> Int {
        if lambda <= 0 { return 0 }
        if lambda > 30 { return max(0, Int((lambda + lambda.squareRoot() * normal()).rounded())) }
        let limit = exp(-lambda)
        var k = 0
        var p = uniform()
        while p > limit {
            k += 1
            p *= uniform()
        }
        return k
    }

    /// Index drawn with probability proportional to `weights` (at least one positive).
    public mutating func weighted(_ weights: [Double]) -> Int {
        let total = weights.reduce(0, +)
        var x = uniform() * total
        for (i, w) in weights.enumerated() {
            if x < w { return i }
            x -= w
        }
        return weights.count - 1
    }

    /// `k` distinct indexes of 0..<n, in drawing order.
    public mutating func sample(_ k: Int, of n: Int) -> [Int] {
        var pool = Array(0..<n)
        var out: [Int] = []
        for i in 0..<min(k, n) {
            let j = i + below(n - i)
            pool.swapAt(i, j)
            out.append(pool[i])
        }
        return out
    }
}

/// What to generate.
public struct DemoParameters: Sendable, Equatable {
    /// How many mentors (M1…MN).
    public var mentors: Int
    /// Weeks of history before now.
    public var weeks: Int
    /// Mean presentations a day.
    public var perDay: Int
    /// The seed: the same seed (and now) gives the same data.
    public var seed: UInt64
    /// Weeks of shifts before now (at most `weeks`), so recent summaries show shift hours.
    public var shiftWeeksBack: Int
    /// Weeks of shifts after now, so `roster week` and `match` have a future.
    public var shiftWeeksAhead: Int

    /// Makes the parameters.
    public init(
        mentors: Int, weeks: Int, perDay: Int, seed: UInt64, shiftWeeksBack: Int = 4,
        shiftWeeksAhead: Int = 2
    ) {
        self.mentors = mentors
        self.weeks = weeks
        self.perDay = perDay
        self.seed = seed
        self.shiftWeeksBack = shiftWeeksBack
        self.shiftWeeksAhead = shiftWeeksAhead
    }
}

/// A generated roster and history.
public struct DemoData: Sendable {
    /// The roster, M1…MN.
    public var mentors: [Mentor]
    /// Dated shifts from the weekly patterns (ids 0: not stored yet), by mentor then start.
    public var shifts: [Shift]
    /// Leave (ids 0).
    public var leave: [Leave]
    /// Presentations in arrival order (numbers 0: they are numbered when stored).
    public var presentations: [Presentation]
}

/// Makes synthetic rosters and histories.
public enum DemoGenerator {
    /// Generates a roster and a history for the site, as at `now`.
    ///
    /// - Mentors M1…MN: gender, languages (English and sometimes another), 1–3 neighbouring
    ///   localities, 2–4 experience tags, capacity 1–3, some leads, a few paused or retired,
    ///   DBS rechecks spread over three years with some falling due within 60, 30 and 7
    ///   days and a few overdue.
    /// - Weekly day, evening, night and weekend patterns made into dated shifts from
    ///   `shiftWeeksBack` weeks before today to `shiftWeeksAhead` after; enough mentors are
    ///   put on daily cover patterns that at least max(4, N/10) are available at `now`.
    /// - Leave for about 6% of mentors, some of it covering `now`.
    /// - Presentations from `weeks` weeks before today up to `now`: a Poisson count a day
    ///   around `perDay` (more at the weekend), arrivals by hour (more in the evening), waits
    ///   mostly 10–90 minutes with a long tail, outcomes in proportions like a real service
    ///   (some left before seen, some no mentor available), everything after `now` cut
    ///   off, and a few people still waiting now. Times are whole seconds, in order, never
    ///   after `now`; outcomes agree with whether the person was seen (spec §2).
    public static func generate(
        _ parameters: DemoParameters, tags: TagCatalog, localities: LocalityCatalog,
        calendar: SiteCalendar, now rawNow: Date
    ) -> DemoData {
        let now = Date(timeIntervalSince1970: rawNow.timeIntervalSince1970.rounded(.down))
        var rng = SplitMix64(seed: parameters.seed)
        let today = calendar.localDate(now)
        let localityIDs = localities.ids
        let tagIDs = tags.ids
        precondition(!localityIDs.isEmpty && !tagIDs.isEmpty, "the catalogues are empty")

        // Localities by nearness, so a mentor serves neighbouring places.
        let nearest: [[Int]] = localityIDs.indices.map { i in
            localityIDs.indices.sorted {
                let a = localities.distanceKm(localityIDs[i], localityIDs[$0]) ?? 0
                let b = localities.distanceKm(localityIDs[i], localityIDs[$1]) ?? 0
                return a != b ? a < b : $0 < $1
            }
        }
        let localityW = localityIDs.map { localityWeights[$0] ?? 1 }
        let needW = tagIDs.map { needWeights[$0] ?? 1 }

        // MARK: Mentors
        var mentors: [Mentor] = []
        mentors.reserveCapacity(parameters.mentors)
        for n in 1..<(max(0, parameters.mentors) + 1) {
            let g = rng.weighted([60, 35, 5])
            let gender = ["female", "male", "non-binary"][g]
            var languages = ["english"]
            if rng.chance(0.15) { languages.append(otherLanguages[rng.below(otherLanguages.count)]) }
            let home = rng.weighted(localityW)
            let served = nearest[home].prefix(rng.int(in: 1...3)).map { localityIDs[$0] }
            var experience: [String] = []
            let k = min(rng.int(in: 2...4), tagIDs.count)
            while experience.count < k {
                let t = tagIDs[rng.weighted(needW)]
                if !experience.contains(t) { experience.append(t) }
            }
            let capacity = [1, 2, 2, 3][rng.below(4)]
            let dueOffset: Int?
            switch rng.uniform() {
            case ..<0.02: dueOffset = -rng.int(in: 1...60)  // overdue
            case ..<0.04: dueOffset = rng.int(in: 0...7)
            case ..<0.08: dueOffset = rng.int(in: 8...30)
            case ..<0.13: dueOffset = rng.int(in: 31...60)
            case ..<0.97: dueOffset = rng.int(in: 61...1095)
            default: dueOffset = nil
            }
            let statusDraw = rng.uniform()
            let status: MentorStatus = statusDraw < 0.92 ? .active : statusDraw < 0.97 ? .paused : .retired
            let given = firstNames[gender] ?? firstNames["non-binary"]!
            let name = given[rng.below(given.count)] + " " + lastNames[rng.below(lastNames.count)]
            mentors.append(
                Mentor(
                    id: "M\(n)", name: name, gender: gender, languages: languages,
                    localities: Array(served), experience: experience, capacity: capacity,
                    dbsRecheckDue: dueOffset.map { today.adding(days: $0) },
                    lead: rng.chance(0.15), status: status))
        }

        // MARK: Patterns, leave, and cover now
        struct Pattern {
            var start: Int
            var end: Int
            var days: Set<Int>
        }
        var patterns: [Pattern] = mentors.map { _ in
            let t = templates[rng.weighted(templates.map(\.weight))]
            let days = t.fixedDays ?? Set(rng.sample(rng.int(in: t.days), of: 7).map { $0 + 1 })
            return Pattern(start: t.start, end: t.end, days: days)
        }
        let shiftFrom = today.adding(days: -7 * max(0, min(parameters.shiftWeeksBack, parameters.weeks)) - 1)
        let shiftUntil = today.adding(days: 7 * max(0, parameters.shiftWeeksAhead))

        var leave: [Leave] = []
        var onLeaveNow = Set<Int>()
        let windowDays = shiftUntil.daysSinceEpoch - shiftFrom.daysSinceEpoch
        for i in mentors.indices where rng.chance(0.06) {
            let start = shiftFrom.adding(days: rng.below(max(1, windowDays)))
            let span = TimeSpan(
                start: calendar.startOfDay(start),
                end: calendar.startOfDay(start.adding(days: rng.int(in: 2...14))))
            leave.append(Leave(mentorID: mentors[i].id, span: span))
            if span.contains(now) { onLeaveNow.insert(i) }
        }

        func covers(_ p: Pattern, _ instant: Date) -> Bool {
            // The shift that started today or yesterday (a night shift runs past midnight).
            for date in [today, today.adding(days: -1)] where p.days.contains(date.weekday) {
                if let span = try? span(p, date), span.contains(instant) { return true }
            }
            return false
        }
        func span(_ p: Pattern, _ date: LocalDate) throws -> TimeSpan {
            let pattern = ShiftPattern(demoDays: p.days, start: p.start, end: p.end)
            let made = try pattern.spans(from: date, until: date, calendar: calendar)
            guard let first = made.first else { throw ShiftPatternError(field: "DAYS", message: "not that day") }
            return first.1
        }
        func clear(_ i: Int) -> Bool {
            mentors[i].status == .active && !mentors[i].dbsOverdue(on: today) && !onLeaveNow.contains(i)
        }
        let wantedNow = min(mentors.count, max(4, parameters.mentors / 10))
        var availableNow = mentors.indices.filter { clear($0) && covers(patterns[$0], now) }.count
        if availableNow < wantedNow {
            let local = calendar.localDateTime(now)
            let minute = local.hour * 60 + local.minute
            let cover = coverTemplates.first { s, e in
                s < e ? (s <= minute && minute < e) : (minute >= s || minute < e)
            } ?? coverTemplates[0]
            for i in mentors.indices where availableNow < wantedNow {
                if clear(i) && !covers(patterns[i], now) {
                    patterns[i] = Pattern(start: cover.0, end: cover.1, days: Set(1...7))
                    if covers(patterns[i], now) { availableNow += 1 }
                }
            }
        }

        var shifts: [Shift] = []
        for (i, p) in patterns.enumerated() {
            let pattern = ShiftPattern(demoDays: p.days, start: p.start, end: p.end)
            // Our templates never start or end in a spring-forward gap (01:00–02:00).
            let spans = (try? pattern.spans(from: shiftFrom, until: shiftUntil, calendar: calendar)) ?? []
            for (_, s) in spans { shifts.append(Shift(mentorID: mentors[i].id, span: s)) }
        }

        // MARK: Presentations
        var presentations: [Presentation] = []
        presentations.reserveCapacity(max(0, parameters.weeks * 7 * parameters.perDay * 21 / 20))
        let byLocality: [[Int]] = localityIDs.map { id in
            mentors.indices.filter { mentors[$0].localities.contains(id) }
        }
        var people: [(nhs: String?, ref: String)] = []  // earlier people, for repeat visits
        var refCounter = 100_000
        let firstDay = today.adding(days: -7 * max(0, parameters.weeks))
        var day = firstDay
        let ageBands = ["18-24", "25-34", "35-44", "45-54", "55-64", "65+"]
        while day <= today {
            let dayStart = calendar.startOfDay(day)
            let dayLength = Int(calendar.startOfDay(day.adding(days: 1)).timeIntervalSince(dayStart))
            let count = rng.poisson(Double(parameters.perDay) * weekdayFactors[day.weekday - 1])
            var weights = hourWeights
            if day.weekday >= 6 { for h in 0..<5 { weights[h] *= 1.6 } }  // Friday and Saturday nights
            var offsets: [Int] = []
            offsets.reserveCapacity(count)
            for _ in 0..<count {
                let h = rng.weighted(weights)
                offsets.append(min(dayLength - 1, h * 3600 + rng.below(3600)))
            }
            offsets.sort()
            for offset in offsets {
                let arrived = dayStart.addingTimeInterval(TimeInterval(offset))
                if arrived > now { break }
                presentations.append(
                    makePresentation(
                        arrived: arrived, now: now, rng: &rng, localityIDs: localityIDs,
                        localityW: localityW, tagIDs: tagIDs, needW: needW, mentors: mentors,
                        byLocality: byLocality, people: &people, refCounter: &refCounter,
                        ageBands: ageBands))
            }
            day = day.adding(days: 1)
        }
        // A few people waiting now, whatever the hour.
        let extra = max(3, parameters.perDay / 50)
        var recent: [Presentation] = []
        for _ in 0..<extra {
            let arrived = now.addingTimeInterval(-TimeInterval(rng.int(in: 5 * 60...80 * 60)))
            var p = makePresentation(
                arrived: arrived, now: now, rng: &rng, localityIDs: localityIDs,
                localityW: localityW, tagIDs: tagIDs, needW: needW, mentors: mentors,
                byLocality: byLocality, people: &people, refCounter: &refCounter, ageBands: ageBands)
            p.mentorID = nil
            p.assignedAt = nil
            p.seenAt = nil
            p.closedAt = nil
            p.outcome = nil
            recent.append(p)
        }
        presentations.append(contentsOf: recent)
        presentations.sort { $0.arrivedAt < $1.arrivedAt }

        // Open presentations hold a place in their mentor's caseload: keep only those whose
        // mentor is available now and has room; the rest wait, or were closed.
        var load: [Int] = Array(repeating: 0, count: mentors.count)
        let index = Dictionary(uniqueKeysWithValues: mentors.indices.map { (mentors[$0].id, $0) })
        let availableSet = Set(mentors.indices.filter { clear($0) && covers(patterns[$0], now) })
        for i in presentations.indices where presentations[i].closedAt == nil {
            var p = presentations[i]
            guard let m = p.mentorID.flatMap({ index[$0] }) else { continue }
            if availableSet.contains(m) && load[m] < mentors[m].capacity {
                load[m] += 1
            } else if let seen = p.seenAt {
                // Seen, and the mentor has since finished: closed between seen and now.
                let room = Int(now.timeIntervalSince(seen))
                p.closedAt = seen.addingTimeInterval(TimeInterval(rng.below(max(1, room) + 1)))
                p.outcome = [.supportedDischarged, .referredCommunity][rng.below(2)]
            } else {
                p.mentorID = nil
                p.assignedAt = nil
            }
            presentations[i] = p
        }
        return DemoData(mentors: mentors, shifts: shifts, leave: leave, presentations: presentations)
    }

    /// One presentation arriving at `arrived`, its life cut off at `now`.
    static func makePresentation(
        arrived: Date, now: Date, rng: inout SplitMix64, localityIDs: [String],
        localityW: [Double], tagIDs: [String], needW: [Double], mentors: [Mentor],
        byLocality: [[Int]], people: inout [(nhs: String?, ref: String)], refCounter: inout Int,
        ageBands: [String]
    ) -> Presentation {
        let li = rng.weighted(localityW)
        var needs: [String] = []
        let k = min(tagIDs.count, rng.weighted([55, 33, 12]) + 1)
        while needs.count < k {
            let t = tagIDs[rng.weighted(needW)]
            if !needs.contains(t) { needs.append(t) }
        }
        // Identity: about one in six is someone who has presented before.
        let nhs: String?
        let ref: String
        if !people.isEmpty && rng.chance(0.16) {
            let person = people[people.count - 1 - rng.below(min(people.count, 50_000))]
            nhs = person.nhs
            ref = person.ref
        } else {
            refCounter += 1
            ref = "ED\(refCounter)"
            nhs = rng.chance(0.7) ? nhsNumber(&rng) : nil
            people.append((nhs, ref))
        }
        var p = Presentation(
            ref: ref, nhs: nhs, locality: localityIDs[li], needs: needs, arrivedAt: arrived,
            edArrival: rng.chance(0.5) ? arrived.addingTimeInterval(-TimeInterval(rng.int(in: 600...14_400))) : nil,
            ageBand: rng.chance(0.8) ? ageBands[rng.weighted([18, 24, 20, 17, 12, 9])] : nil,
            gender: rng.chance(0.9) ? ["female", "male", "non-binary"][rng.weighted([52, 46, 2])] : nil,
            mentorGender: rng.chance(0.05) ? ["female", "male"][rng.below(2)] : nil,
            language: rng.chance(0.04) ? otherLanguages[rng.below(otherLanguages.count)] : nil,
            leadMentor: rng.chance(0.03))

        func at(_ minutes: Double) -> Date {
            arrived.addingTimeInterval(TimeInterval(max(0, Int(minutes * 60))))
        }
        func pickMentor() -> String? {
            if mentors.isEmpty { return nil }
            let local = byLocality[li]
            // Prefer someone serving the locality who shares a need; three tries.
            var choice = local.isEmpty ? rng.below(mentors.count) : local[rng.below(local.count)]
            for _ in 0..<3 where !local.isEmpty {
                let c = local[rng.below(local.count)]
                if mentors[c].experience.contains(where: needs.contains) {
                    choice = c
                    break
                }
            }
            return mentors[choice].id
        }

        // The whole life, then cut at now.
        let draw = rng.uniform()
        var assigned: Date? = nil
        var seen: Date? = nil
        var closed: Date
        var outcome: Outcome
        switch draw {
        case ..<0.06:  // left before seen, perhaps after a mentor was assigned
            let leftAfter = rng.logNormal(median: 70, sigma: 0.6)
            if rng.chance(0.5) { assigned = at(leftAfter * rng.uniform()) }
            closed = at(leftAfter)
            outcome = .leftBeforeSeen
        case ..<0.09:  // nobody could be found
            closed = at(Double(rng.int(in: 90...300)))
            outcome = .noMentorAvailable
        default:
            // Waits: mostly 10–90 minutes, a long tail from a slower second mode.
            let wait = rng.chance(0.9)
                ? rng.logNormal(median: 35, sigma: 0.55) : rng.logNormal(median: 130, sigma: 0.6)
            let w = max(2, wait)
            assigned = at(w * (0.05 + 0.55 * rng.uniform()))
            seen = at(w)
            let support = Double(rng.int(in: 15...150))
            closed = at(w + support)
            if rng.chance(0.04) {
                outcome = .declinedSupport
            } else {
                outcome = [.supportedDischarged, .admitted, .referredCommunity, .referredCMHT][
                    rng.weighted([50, 14, 24, 12])]
            }
        }
        if draw >= 0.09 && draw < 0.11 {
            // Declined before a mentor met them.
            seen = nil
            outcome = .declinedSupport
        }
        if let a = assigned, a <= now { p.assignedAt = a }
        if let s = seen, s <= now { p.seenAt = s }
        if closed <= now {
            p.closedAt = closed
            p.outcome = outcome
        }
        if p.assignedAt != nil || p.seenAt != nil { p.mentorID = pickMentor() }
        return p
    }

    /// A random valid NHS number (Modulus 11), 10 digits.
    static func nhsNumber(_ rng: inout SplitMix64) -> String {
        while true {
            var digits = (0..<9).map { _ in rng.below(10) }
            if digits[0] == 0 { digits[0] = 4 + rng.below(5) }
            var sum = 0
            for (i, d) in digits.enumerated() { sum += d * (10 - i) }
            var check = 11 - sum % 11
            if check == 11 { check = 0 }
            if check == 10 { continue }
            digits.append(check)
            return digits.map(String.init).joined()
        }
    }
}

extension ShiftPattern {
    /// A pattern from its parts (the generator's templates are valid by construction).
    init(demoDays days: Set<Int>, start: Int, end: Int) {
        weekdays = days
        startMinute = start
        endMinute = end
    }
}
