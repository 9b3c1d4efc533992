import AlongsideCore
import AlongsideStore
import Foundation

/// The rows of `queue` and `board`: everyone not yet seen, breaches first, then
/// pre-breach (amber), then longest wait.
struct QueueRow {
    var presentation: Presentation
    var waitSeconds: Int
    /// Past the target.
    var breach: Bool
    /// Waited at least `pre_breach_minutes` and not (yet) a breach.
    var preBreach: Bool
    /// Minutes since the mentor was assigned, if one is.
    var assignedMinutes: Int?
    var best: MatchCandidate?

    /// 0 breach, 1 pre-breach, 2 the rest.
    var tier: Int { breach ? 0 : (preBreach ? 1 : 2) }

    /// The text marker, so the state can be told without colour: `!` breach, `~` amber.
    var marker: String { breach ? "!" : (preBreach ? "~" : " ") }

    /// Reads and orders the rows at `now` of the site(s) `scope` covers. The mentors are
    /// the trust's: anyone on shift may be the best candidate, whichever site they last
    /// supported.
    static func load(
        _ session: Session, _ tx: any StoreReading, at now: Date, scope: SiteScope
    ) throws -> [QueueRow] {
        let target = session.config.targetMinutes
        let amber = session.config.preBreachMinutes
        let matcher = session.matcher
        let states = try tx.mentorStates(at: now, onShiftOnly: true)
        var rows: [QueueRow] = []
        for p in try tx.waitingPresentations() where p.voidedAt == nil && scope.covers(p) {
            let wait = max(0, Int(now.timeIntervalSince(p.arrivedAt)))
            let breach = wait > target * 60
            let best =
                p.mentorID == nil
                ? matcher.rank(try session.matchRequest(p, in: tx), mentors: states, at: now)
                    .candidates.first
                : nil
            rows.append(
                QueueRow(
                    presentation: p, waitSeconds: wait, breach: breach,
                    preBreach: !breach && wait >= amber * 60,
                    assignedMinutes: p.assignedAt.map {
                        max(0, Int(now.timeIntervalSince($0)) / 60)
                    },
                    best: best))
        }
        rows.sort { a, b in
            if a.tier != b.tier { return a.tier < b.tier }
            if a.waitSeconds != b.waitSeconds { return a.waitSeconds > b.waitSeconds }
            return a.presentation.number < b.presentation.number
        }
        return rows
    }
}
