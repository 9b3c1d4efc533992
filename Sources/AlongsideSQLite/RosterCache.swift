import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

/// The decoded roster (every mentor row), kept in memory by one open store across commands
/// and reloaded only when the database's roster version (`meta.roster_version`, a fresh
/// random token from the v5-perf triggers on every change to `mentor`) differs from the
/// one it was loaded at.
///
/// Reading the version is one primary-key lookup inside the command's own transaction, so a
/// change by this process, another connection or another process (another desk) is seen by
/// the next command, and a change made earlier in the same transaction is seen at once.
final class RosterCache: @unchecked Sendable {
    /// One loaded roster: the mentors in natural order of id, and each one's position by
    /// lower-cased id.
    struct Snapshot {
        let version: String
        let sorted: [Mentor]
        let position: [String: Int]
    }

    private let lock = NSLock()
    private var snapshot: Snapshot?
    /// Whether a command has already asked for a part of the roster (see ``keptRoster(_:)``).
    private var askedBefore = false

    /// The roster as `db` holds it now: the kept snapshot when the version matches, else a
    /// fresh read (kept for the next command). Without a version (a database not yet at
    /// v5-perf) nothing is kept.
    func roster(_ db: Database) throws -> Snapshot {
        let version = try String.fetchOne(
            db.cachedStatement(sql: "SELECT value FROM meta WHERE key = 'roster_version'"))
        if let version, let kept = lock.withLock({ snapshot }), kept.version == version {
            return kept
        }
        let sorted = try Row.cachedAll(db, sql: "SELECT \(Columns.mentor) FROM mentor")
            .map(Mentor.init(row:))
            .sortedNaturallyByID()
        var position: [String: Int] = [:]
        position.reserveCapacity(sorted.count)
        for (i, m) in sorted.enumerated() { position[Identifiers.caseKey(m.id)] = i }
        let made = Snapshot(version: version ?? "", sorted: sorted, position: position)
        if version != nil { lock.withLock { snapshot = made } }
        return made
    }

    /// For a command that needs only some mentors (those on shift): the whole roster when it
    /// is kept, or when this store has served such a command before (a long-running console
    /// or script, where loading it once pays); nil for the first, so a one-shot process
    /// (`alongside -c register …`) reads only the mentors it needs.
    func keptRoster(_ db: Database) throws -> Snapshot? {
        let first = lock.withLock {
            defer { askedBefore = true }
            return !askedBefore && snapshot == nil
        }
        return first ? nil : try roster(db)
    }
}
