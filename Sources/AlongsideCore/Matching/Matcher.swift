import Foundation

/// The five score components of spec §3, each in [0, 1].
public struct ScoreComponents: Sendable, Equatable {
    /// Share of the person's needs found in the mentor's experience.
    public var experience: Double
    /// 1 if the mentor serves the person's locality, else max(0, 1 − d/25).
    public var locality: Double
    /// 1 if the language matches or none was given, else 0.
    public var language: Double
    /// 1 − caseload/capacity.
    public var load: Double
    /// 1 if the mentor has supported the same person before, else 0.
    public var continuity: Double

    /// The components by name, in the spec's order.
    public var named: [(String, Double)] {
        [
            ("experience", experience), ("locality", locality), ("language", language),
            ("load", load), ("continuity", continuity),
        ]
    }

    /// The weighted sum: the score.
    public func score(_ w: ScoreWeights) -> Double {
        w.experience * experience + w.locality * locality + w.language * language + w.load
            * load + w.continuity * continuity
    }
}

/// An available mentor with its score.
public struct MatchCandidate: Sendable, Equatable {
    /// The mentor's id.
    public var mentorID: String
    /// The weighted sum of the components.
    public var score: Double
    /// The components.
    public var components: ScoreComponents
    /// Distance in km from the person's locality to the nearest the mentor serves (nil if
    /// unknown).
    public var distanceKm: Double?
}

/// A mentor left out, with the first hard rule that excluded them.
public struct MatchExclusion: Sendable, Equatable {
    /// The mentor's id.
    public var mentorID: String
    /// The first rule that failed.
    public var rule: HardRule
}

/// A ranking: candidates best first, and who was left out.
public struct MatchResult: Sendable, Equatable {
    /// Available mentors, best first (ties by id).
    public var candidates: [MatchCandidate]
    /// Mentors left out, by id.
    public var excluded: [MatchExclusion]
}

/// Applies the hard rules and scores mentors for a presentation (spec §3).
public struct Matcher: Sendable {
    /// The ranking weights.
    public var weights: ScoreWeights
    /// Localities, for distances.
    public var localities: LocalityCatalog
    /// The site calendar (for the DBS date rule).
    public var calendar: SiteCalendar
    /// Whether rule 8 applies: only mentors signed in during their shift are available.
    public var requireSignIn: Bool

    /// Makes a matcher.
    public init(
        weights: ScoreWeights, localities: LocalityCatalog, calendar: SiteCalendar,
        requireSignIn: Bool = false
    ) {
        self.weights = weights
        self.localities = localities
        self.calendar = calendar
        self.requireSignIn = requireSignIn
    }

    /// A request with everything the rules and the score compare prepared once (lower-cased
    /// text, the site-local date), so checking thousands of mentors costs little each.
    struct Prepared {
        let request: MatchRequest
        let time: Date
        let today: LocalDate
        let needs: Set<String>
        let locality: String
        let mentorGender: String?
        let language: String?
        let declined: Set<String>
        let previous: Set<String>

        init(_ request: MatchRequest, at time: Date, calendar: SiteCalendar) {
            let p = request.presentation
            self.request = request
            self.time = time
            today = calendar.localDate(time)
            needs = Set(p.needs.map { $0.lowercased() })
            locality = p.locality.lowercased()
            mentorGender = p.mentorGender.flatMap { $0.isEmpty ? nil : $0.lowercased() }
            language = p.language.flatMap { $0.isEmpty ? nil : $0.lowercased() }
            declined = Set(request.declinedBy.map { $0.lowercased() })
            previous = Set(request.previousMentors.map { $0.lowercased() })
        }
    }

    /// The first hard rule that makes the mentor unavailable for the request at `time`,
    /// or nil when the mentor is available.
    public func firstFailedRule(_ state: MentorState, for request: MatchRequest, at time: Date)
        -> HardRule?
    {
        firstFailedRule(state, Prepared(request, at: time, calendar: calendar))
    }

    /// The first of the rules about the mentor alone (1–4: active, DBS, on shift and not on
    /// leave, below capacity; and 8, signed in, when required) that fails at `time`, or nil
    /// when they could take someone.
    public func mentorSideRule(_ state: MentorState, at time: Date) -> HardRule? {
        mentorSideRule(state, at: time, today: calendar.localDate(time))
    }

    func mentorSideRule(_ state: MentorState, at time: Date, today: LocalDate) -> HardRule? {
        let m = state.mentor
        if m.status != .active { return .inactive }
        if m.dbsOverdue(on: today) { return .dbsOverdue }
        if !state.shifts.contains(where: { $0.contains(time) }) { return .offShift }
        if state.leave.contains(where: { $0.contains(time) }) { return .onLeave }
        if state.caseload >= m.capacity { return .atCapacity }
        if requireSignIn && !state.signedIn(at: time) { return .notSignedIn }
        return nil
    }

    func firstFailedRule(_ state: MentorState, _ q: Prepared) -> HardRule? {
        let m = state.mentor
        // Rules 1–4, then 5–7, then 8 (so the first rule by number is the one named).
        let side = mentorSideRule(state, at: q.time, today: q.today)
        if let side, side != .notSignedIn { return side }
        if let wanted = q.mentorGender {
            guard let g = m.gender, Identifiers.caseKey(g) == wanted else { return .gender }
        }
        if q.request.presentation.leadMentor && !m.lead { return .notLead }
        if !q.declined.isEmpty && q.declined.contains(Identifiers.caseKey(m.id)) {
            return .declined
        }
        return side
    }

    /// The score components for a mentor and a person (hard rules not checked).
    public func components(_ state: MentorState, for request: MatchRequest)
        -> (ScoreComponents, Double?)
    {
        components(state, Prepared(request, at: request.presentation.arrivedAt, calendar: calendar))
    }

    func components(_ state: MentorState, _ q: Prepared) -> (ScoreComponents, Double?) {
        let m = state.mentor
        var met = 0
        if !q.needs.isEmpty {
            var counted: Set<String> = []
            for e in m.experience {
                let tag = Identifiers.caseKey(e)
                if q.needs.contains(tag) && counted.insert(tag).inserted { met += 1 }
            }
        }
        let exp = q.needs.isEmpty ? 1 : Double(met) / Double(q.needs.count)
        var distance: Double? = nil
        var loc = 0.0
        if m.localities.contains(where: { Identifiers.caseKey($0) == q.locality }) {
            loc = 1
            distance = 0
        } else {
            for served in m.localities {
                if let d = localities.distanceKm(q.locality, served) {
                    distance = min(distance ?? d, d)
                }
            }
            if let d = distance { loc = max(0, 1 - d / 25) }
        }
        var lang = 1.0
        if let wanted = q.language {
            lang = m.languages.contains(where: { Identifiers.caseKey($0) == wanted }) ? 1 : 0
        }
        let load = m.capacity > 0 ? max(0, 1 - Double(state.caseload) / Double(m.capacity)) : 0
        let cont: Double =
            !q.previous.isEmpty && q.previous.contains(Identifiers.caseKey(m.id)) ? 1 : 0
        return (
            ScoreComponents(
                experience: exp, locality: loc, language: lang, load: load, continuity: cont),
            distance
        )
    }

    /// Ranks every mentor for the request at `time`: available ones scored best first,
    /// the others listed with the first rule that excluded them.
    public func rank(_ request: MatchRequest, mentors: [MentorState], at time: Date)
        -> MatchResult
    {
        var candidates: [MatchCandidate] = []
        var excluded: [MatchExclusion] = []
        let prepared = Prepared(request, at: time, calendar: calendar)
        for state in mentors {
            if let rule = firstFailedRule(state, prepared) {
                excluded.append(MatchExclusion(mentorID: state.mentor.id, rule: rule))
                continue
            }
            let (c, d) = components(state, prepared)
            candidates.append(
                MatchCandidate(
                    mentorID: state.mentor.id, score: c.score(weights), components: c,
                    distanceKm: d))
        }
        // Best score first, ties in natural id order; keys computed once per mentor.
        let keys = candidates.map { NaturalKey($0.mentorID) }
        candidates = candidates.indices.sorted { a, b in
            let x = candidates[a]
            let y = candidates[b]
            return x.score != y.score ? x.score > y.score : keys[a] < keys[b]
        }.map { candidates[$0] }
        excluded = Identifiers.sortedNaturally(excluded, id: \.mentorID)
        return MatchResult(candidates: candidates, excluded: excluded)
    }
}
