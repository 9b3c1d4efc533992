import Foundation
import Testing

@testable import AlongsideCore

/// `allocate` on random rosters and queues: no pair ever breaks a hard rule, no mentor gets
/// more people than free places, and as many people are matched as any valid allocation
/// could match (checked by brute force on small instances).
@Suite("Allocation properties")
struct AllocationPropertyTests {
    struct Rng: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    }

    static let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
    static let tags = ["alcohol", "debt", "housing", "bereavement", "drugs"]
    static let places = ["blackpool", "fleetwood", "preston", "lancaster"]

    static func instance(_ rng: inout Rng, mentors m: Int, people p: Int)
        -> ([MentorState], [MatchRequest])
    {
        var states: [MentorState] = []
        for i in 0..<m {
            let capacity = 1 + rng.int(3)
            let mentor = Mentor(
                id: "M\(i + 1)", name: "m\(i)", gender: rng.chance(0.5) ? "female" : "male",
                languages: rng.chance(0.3) ? ["polish"] : ["english"],
                localities: [places[rng.int(places.count)]],
                experience: tags.filter { _ in rng.chance(0.4) }, capacity: capacity,
                dbsRecheckDue: rng.chance(0.15)
                    ? LocalDate(year: 2026, month: 1, day: 1) : LocalDate(year: 2028, month: 1, day: 1),
                lead: rng.chance(0.3),
                status: rng.chance(0.1) ? .paused : .active)
            let onShift = rng.chance(0.8)
            let shift = TimeSpan(
                start: now.addingTimeInterval(onShift ? -3600 : 3600),
                end: now.addingTimeInterval(onShift ? 3600 : 7200))
            let leave = rng.chance(0.1)
                ? [TimeSpan(start: now.addingTimeInterval(-60), end: now.addingTimeInterval(60))] : []
            states.append(
                MentorState(mentor: mentor, shifts: [shift], leave: leave, caseload: rng.int(capacity + 1)))
        }
        var requests: [MatchRequest] = []
        for j in 0..<p {
            let person = Presentation(
                number: j + 1, locality: places[rng.int(places.count)],
                needs: [tags[rng.int(tags.count)]],
                arrivedAt: now.addingTimeInterval(-Double(rng.int(10_000))),
                mentorGender: rng.chance(0.3) ? "female" : nil,
                language: rng.chance(0.2) ? "polish" : nil, leadMentor: rng.chance(0.2))
            let declined: Set<String> = rng.chance(0.3) ? ["M\(1 + rng.int(m))"] : []
            requests.append(MatchRequest(presentation: person, declinedBy: declined))
        }
        return (states, requests)
    }

    /// The largest number of people any valid allocation matches (brute force).
    static func bestCount(_ allowed: [[Bool]], free: [Int]) -> Int {
        var free = free
        func go(_ i: Int) -> Int {
            if i == allowed.count { return 0 }
            var best = go(i + 1)
            for j in free.indices where free[j] > 0 && allowed[i][j] {
                free[j] -= 1
                best = max(best, 1 + go(i + 1))
                free[j] += 1
            }
            return best
        }
        return go(0)
    }

    @Test func noPairBreaksAHardRuleAndCardinalityIsMaximal() {
        var rng = Rng(state: 7)
        let matcher = Matcher(
            weights: .standard, localities: .standard, calendar: .london)
        for round in 0..<300 {
            let (states, requests) = Self.instance(&rng, mentors: 1 + rng.int(5), people: rng.int(7))
            let allocation = matcher.allocate(
                requests, mentors: states, at: Self.now, targetMinutes: 60)
            var used: [String: Int] = [:]
            for pair in allocation.pairs {
                let state = states.first { $0.mentor.id == pair.mentorID }!
                let request = requests.first { $0.presentation.number == pair.presentation }!
                #expect(
                    matcher.firstFailedRule(state, for: request, at: Self.now) == nil,
                    "round \(round): \(pair.mentorID) breaks a rule for P\(pair.presentation)")
                used[pair.mentorID, default: 0] += 1
            }
            for state in states {
                #expect((used[state.mentor.id] ?? 0) <= state.freePlaces, "round \(round): over capacity")
            }
            #expect(Set(allocation.pairs.map(\.presentation)).count == allocation.pairs.count)
            let allowed = requests.map { r in
                states.map { matcher.firstFailedRule($0, for: r, at: Self.now) == nil }
            }
            let best = Self.bestCount(allowed, free: states.map(\.freePlaces))
            #expect(allocation.pairs.count == best, "round \(round): matched \(allocation.pairs.count) of a possible \(best)")
            let sum = allocation.pairs.reduce(0) { $0 + $1.weight }
            #expect(abs(sum - allocation.total) < 1e-9)
        }
    }
}
