import AlongsideCore
import AlongsideStore
import Foundation

/// What the mentors' states at one time are made of — the shifts and leave covering it, the
/// open caseloads, the sign-ins that may cover it, and the roster version — read in ONE
/// statement (one round trip and one snapshot instead of five), each part a branch of a
/// `UNION ALL` tagged by its kind.
///
/// Each mentor's lists come in the order the separate queries gave them (and the SQLite
/// store gives them): shifts by start then end, leave by end then start, sign-ins by time
/// then id. Rows of one mentor that tie on those keys are equal values, so the order is
/// exact.
struct PGStateAtTime {
    /// Shifts covering the time, per lower-cased mentor id.
    var shifts: [String: [TimeSpan]] = [:]
    /// Leave covering the time, per lower-cased mentor id.
    var leave: [String: [TimeSpan]] = [:]
    /// Open presentations per lower-cased mentor id (as ``PostgresTransaction/caseloads()``).
    var caseloads: [String: Int] = [:]
    /// Sign-ins that may cover the time, per lower-cased mentor id (as
    /// ``PostgresTransaction/signInsCovering(_:mentor:)``).
    var signIns: [String: [SignIn]] = [:]
    /// The roster version (pg3-roster-version), nil before that migration.
    var rosterVersion: String?

    private enum Kind: Int64 {
        case shift, leave, caseload, signIn, rosterVersion
    }

    /// The state at `t` (stored seconds). The WHERE clauses are those of the separate reads
    /// (shifts started at most the longest shift before `t`, sign-ins that much and the early
    /// allowance before), so the same indexes serve them.
    static func read(_ run: PGRunner, at t: Int64) throws -> PGStateAtTime {
        let longest = PostgresTransaction.longestShift
        let rows = try run.query(
            """
            SELECT 0::bigint, mentor_id, start, "end", NULL::bigint FROM shift
            WHERE start <= $1 AND start >= $2 AND "end" > $1
            UNION ALL
            SELECT 1, mentor_id, start, "end", NULL FROM leave WHERE "end" > $1 AND start <= $1
            UNION ALL
            SELECT 2, min(mentor_id), count(*), NULL, NULL FROM presentation
            WHERE closed_at IS NULL AND mentor_id IS NOT NULL GROUP BY lower(mentor_id)
            UNION ALL
            SELECT 3, mentor_id, in_at, out_at, id FROM sign_in
            WHERE in_at <= $1 AND in_at >= $3 AND (out_at IS NULL OR out_at > $1)
            UNION ALL
            SELECT 4, value, NULL, NULL, NULL FROM meta WHERE key = 'roster_version'
            """,
            [t.pg, (t - longest).pg, (t - longest - Int64(SignIn.earlyAllowance)).pg])
        var state = PGStateAtTime()
        for row in rows {
            switch Kind(rawValue: row.int64(0)) {
            case .shift:
                state.shifts[row.string(1).lowercased(), default: []].append(
                    TimeSpan(start: row.date(2), end: row.date(3)))
            case .leave:
                state.leave[row.string(1).lowercased(), default: []].append(
                    TimeSpan(start: row.date(2), end: row.date(3)))
            case .caseload:
                state.caseloads[row.string(1).lowercased()] = row.integer(2)
            case .signIn:
                let s = SignIn(
                    id: row.int64(4), mentorID: row.string(1), inAt: row.date(2),
                    outAt: row.optDate(3))
                state.signIns[s.mentorID.lowercased(), default: []].append(s)
            case .rosterVersion:
                state.rosterVersion = row.text(1)
            case nil:
                break
            }
        }
        state.shifts = state.shifts.mapValues {
            $0.sorted { ($0.start, $0.end) < ($1.start, $1.end) }
        }
        state.leave = state.leave.mapValues {
            $0.sorted { ($0.end, $0.start) < ($1.end, $1.start) }
        }
        state.signIns = state.signIns.mapValues {
            $0.sorted { ($0.inAt, $0.id) < ($1.inAt, $1.id) }
        }
        return state
    }
}
