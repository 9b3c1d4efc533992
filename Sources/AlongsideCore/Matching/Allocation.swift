import Foundation

/// One proposed pairing in an allocation.
public struct AllocationPair: Sendable, Equatable {
    /// The presentation's number.
    public var presentation: Int
    /// The mentor's id.
    public var mentorID: String
    /// The match score.
    public var score: Double
    /// score × priority.
    public var weight: Double
}

/// The exact batch proposal of spec §3 for everyone waiting.
public struct Allocation: Sendable, Equatable {
    /// The people considered, in queue order (presentation numbers).
    public var people: [Int]
    /// One entry per free place (a mentor with k free places appears k times).
    public var places: [String]
    /// weights[i][j] = score × priority for person i and place j, nil where a hard rule forbids.
    public var weights: [[Double?]]
    /// The chosen pairs, in people order.
    public var pairs: [AllocationPair]
    /// Sum of the chosen pairs' weights.
    public var total: Double
    /// People left without a mentor.
    public var unmatched: [Int] {
        let matched = Set(pairs.map(\.presentation))
        return people.filter { !matched.contains($0) }
    }
}

extension Matcher {
    /// `priority(p) = 1 + min(wait(p)/target, 2)`, wait in minutes.
    public static func priority(waitSeconds: Int, targetMinutes: Int) -> Double {
        let wait = Double(max(0, waitSeconds)) / 60
        return 1 + min(wait / Double(targetMinutes), 2)
    }

    /// Proposes mentors for everyone in `requests` at once: as many people matched as
    /// possible, and among those allocations the largest sum of score × priority.
    public func allocate(
        _ requests: [MatchRequest], mentors: [MentorState], at time: Date, targetMinutes: Int
    ) -> Allocation {
        var places: [Int] = []  // index into mentors
        for (index, state) in mentors.enumerated() {
            // Only mentors who could take anyone right now (rules 1–4 and 8: active, DBS
            // clear, on shift and not on leave, below capacity, signed in when required)
            // contribute places.
            if mentorSideRule(state, at: time) == nil && state.freePlaces > 0 {
                places.append(contentsOf: repeatElement(index, count: state.freePlaces))
            }
        }
        let rows = requests.count
        let cols = places.count
        var flat = [Double](repeating: .nan, count: rows * cols)
        var grid: [[Double?]] = []
        grid.reserveCapacity(rows)
        var scores: [[Double?]] = []
        for (i, request) in requests.enumerated() {
            let wait = Int(time.timeIntervalSince(request.presentation.arrivedAt))
            let priority = Self.priority(waitSeconds: wait, targetMinutes: targetMinutes)
            let prepared = Prepared(request, at: time, calendar: calendar)
            var perMentor: [Int: (Double, Double)?] = [:]
            var row: [Double?] = []
            var scoreRow: [Double?] = []
            row.reserveCapacity(cols)
            for (j, mentorIndex) in places.enumerated() {
                let entry: (Double, Double)?
                if let cached = perMentor[mentorIndex] {
                    entry = cached
                } else {
                    let state = mentors[mentorIndex]
                    if firstFailedRule(state, prepared) != nil {
                        entry = nil
                    } else {
                        let score = components(state, prepared).0.score(weights)
                        entry = (score, score * priority)
                    }
                    perMentor[mentorIndex] = entry
                }
                row.append(entry?.1)
                scoreRow.append(entry?.0)
                if let w = entry?.1 { flat[i * cols + j] = w }
            }
            grid.append(row)
            scores.append(scoreRow)
        }
        let solution = AssignmentSolver.solve(
            AssignmentProblem(rows: rows, cols: cols, weights: flat), maximize: true)
        var pairs: [AllocationPair] = []
        var total = 0.0
        for pair in solution.pairs {
            guard let w = grid[pair.row][pair.col], let s = scores[pair.row][pair.col] else {
                continue
            }
            pairs.append(
                AllocationPair(
                    presentation: requests[pair.row].presentation.number,
                    mentorID: mentors[places[pair.col]].mentor.id, score: s, weight: w))
            total += w
        }
        return Allocation(
            people: requests.map(\.presentation.number),
            places: places.map { mentors[$0].mentor.id }, weights: grid, pairs: pairs,
            total: total)
    }
}
