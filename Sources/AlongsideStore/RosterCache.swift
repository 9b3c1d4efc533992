import AlongsideCore
import Foundation

/// The decoded roster (every mentor row), kept in memory by one open store across commands
/// and reloaded only when the database's roster version differs from the one it was loaded
/// at. Each store keeps the version as a fresh random token that triggers on the mentor
/// table write on every insert, update and delete (SQLite: `meta.roster_version`, v5-perf;
/// PostgreSQL: the same row, pg3-roster-version). A random token, not a counter: a rolled-back
/// change or a restored backup never brings back a value already seen with other rows.
///
/// The store reads the version inside the command's own transaction, before (or in the same
/// statement as) the roster, so a change by this process, another connection or another
/// process (another desk) is seen by the next command, a change made earlier in the same
/// transaction is seen at once, and a roster loaded while the version moves is labelled with
/// the older version and so is loaded again by the next command.
public final class RosterCache: @unchecked Sendable {
    /// One loaded roster: the mentors in natural order of id, and each one's position by
    /// lower-cased id.
    public struct Snapshot: Sendable {
        /// The roster version it was loaded at.
        public let version: String
        /// Every mentor, in natural order of id (`M2` before `M10`).
        public let sorted: [Mentor]
        /// Each mentor's index in ``sorted``, by lower-cased id.
        public let position: [String: Int]

        /// The mentors whose lower-cased ids are `keys`, in natural order of id; keys of no
        /// mentor are left out.
        public func mentors<Keys: Sequence>(withKeys keys: Keys) -> [Mentor]
        where Keys.Element == String {
            keys.compactMap { position[$0] }.sorted().map { sorted[$0] }
        }
    }

    private let lock = NSLock()
    private var snapshot: Snapshot?
    /// Whether a command has already asked for a part of the roster (``wantsWholeRoster()``).
    private var askedBefore = false

    /// An empty cache.
    public init() {}

    /// The roster at `version`: the kept snapshot when it was loaded at that version, else
    /// `load()` (every mentor row, in any order) sorted and kept for the next command. Without
    /// a version (a database not yet migrated to have one) nothing is kept.
    public func roster(version: String?, load: () throws -> [Mentor]) rethrows -> Snapshot {
        if let version, let kept = lock.withLock({ snapshot }), kept.version == version {
            return kept
        }
        let sorted = try load().sortedNaturallyByID()
        var position: [String: Int] = [:]
        position.reserveCapacity(sorted.count)
        for (i, m) in sorted.enumerated() { position[Identifiers.caseKey(m.id)] = i }
        let made = Snapshot(version: version ?? "", sorted: sorted, position: position)
        if version != nil { lock.withLock { snapshot = made } }
        return made
    }

    /// For a command that needs only some mentors (those on shift): whether to take them from
    /// the whole roster — true when a roster is kept, or when this store has served such a
    /// command before (a long-running console or script, where loading it once pays); false
    /// for the first, so a one-shot process (`alongside -c register …`) reads only the
    /// mentors it needs.
    public func wantsWholeRoster() -> Bool {
        lock.withLock {
            defer { askedBefore = true }
            return askedBefore || snapshot != nil
        }
    }
}

extension Array where Element == Mentor {
    /// Sorted by id in natural order (`M2` before `M10`).
    public func sortedNaturallyByID() -> [Mentor] { Identifiers.sortedNaturally(self, id: \.id) }
}
