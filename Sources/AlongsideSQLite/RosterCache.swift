import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// The roster kept across commands (``RosterCache``, in the contract module) read from the
// SQLite file: the version is `meta.roster_version` (v5-perf), one primary-key lookup inside
// the command's own transaction.
extension RosterCache {
    /// The roster as `db` holds it now (see ``RosterCache/roster(version:load:)``).
    func roster(_ db: Database) throws -> Snapshot {
        let version = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'roster_version'"))
        return try roster(version: version) {
            try Row.cachedAll(db, sql: "SELECT \(Columns.mentor) FROM mentor")
                .map(Mentor.init(row:))
        }
    }

    /// The whole roster for a command that needs only some mentors, or nil for the first such
    /// command of a store that keeps none (see ``RosterCache/wantsWholeRoster()``).
    func keptRoster(_ db: Database) throws -> Snapshot? {
        wantsWholeRoster() ? try roster(db) : nil
    }
}
