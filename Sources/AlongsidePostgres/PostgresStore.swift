import AlongsideCore
import AlongsideStore
import Foundation

/// The trust's shared store (spec §9): one PostgreSQL database serving every site's
/// consoles, with the same records, results and audit chain as the SQLite store.
///
/// A console holds ONE connection (no pool) and runs one transaction at a time on it; a
/// statement it runs a second time is prepared on that connection and run by name from then
/// on (``PGPreparedStatements``), so a long-running console's server parses each once.
///
/// Isolation (the contract of ``AlongsideStore``):
/// - every write transaction first takes `pg_advisory_xact_lock(writeLockKey)`, one constant
///   for the whole database, so writers are serialised per database exactly as SQLite's one
///   writer: assign's re-check of the hard rules, `allocate --confirm`, the audit chain's
///   `seq + 1`, `max(id) + 1` for new rows (consecutive for bulk inserts) and
///   `nextMentorID` all see no other writer between their read and their commit. The lock is
///   released by COMMIT or ROLLBACK (never held between commands);
/// - a write transaction is `READ COMMITTED`, which is then enough: each statement after
///   the lock sees every change committed before it was granted;
/// - a read transaction is `REPEATABLE READ READ ONLY`: one snapshot for the whole command,
///   and it never waits for a writer;
/// - waits for a lock are waits (`lock_timeout`, a minute), after which the command fails
///   with ``StoreError/busy(_:)``, never with the server's text;
/// - a write body is run again (at most ``maxAttempts`` times in all) after a serialization
///   failure (`40001`) or a deadlock (`40P01`), which only a session outside Alongside's
///   lock can cause; after the last, ``StoreError/conflict(_:)``. Any body is run again after
///   a named statement's plan went stale (``PGServerError/isStalePlan``: a table changed its
///   columns while the console ran), which then runs unnamed.
///
/// Every driver error reaches the console in plain words (``PostgresErrors``): no SQL text,
/// bind value or password.
public final class PostgresStore: AlongsideStore, @unchecked Sendable {
    /// The lock every write transaction takes first (`"alongsid"` as a 64-bit number).
    /// Advisory locks belong to one database, so consoles of two trust databases on one
    /// server never wait for each other.
    public static let writeLockKey: Int64 = 7_020_108_439_136_463_204
    /// How many times a write body may run before a conflict is reported.
    public static let maxAttempts = 5

    /// Where the database is (never holds a password).
    public let url: PostgresURL
    /// The URL without password, as the console names the database.
    public var location: String { url.display }
    /// The trust's shared database.
    public var isShared: Bool { true }

    /// The decoded roster kept across commands (see ``RosterCache``).
    let rosterCache = RosterCache()
    private let password: String?
    private let lockTimeoutMilliseconds: Int
    /// One transaction at a time on the one connection.
    private let lock = NSLock()
    nonisolated(unsafe) private var live: PGConnection?

    /// Connects (one connection) and migrates the database named by `text`
    /// (`postgres://USER@HOST[:PORT]/DB`); the password comes from `$PGPASSWORD` or the
    /// password file (`$PGPASSFILE`, else `~/.pgpass` in `homeDirectory`, by default
    /// `$HOME`). The application's role for the grants is `$ALONGSIDE_PG_APP_ROLE`, else a
    /// role named `alongside_app` if the server has one.
    public convenience init(
        url text: String, environment: [String: String], homeDirectory: String? = nil
    ) throws {
        let url = try PostgresURL.parse(text)
        let home = homeDirectory ?? environment["HOME"] ?? NSHomeDirectory()
        let found = PGPassword.find(url: url, environment: environment, homeDirectory: home)
        do {
            try self.init(
                url: url, password: found.password,
                appRole: environment["ALONGSIDE_PG_APP_ROLE"].flatMap { $0.isEmpty ? nil : $0 })
        } catch let error as StoreError {
            // Say why the password file was not read when the server wanted a password.
            if let warning = found.warning, found.password == nil {
                throw StoreError.storage("\(error.description) (\(warning))")
            }
            throw error
        }
    }

    /// Connects with `password` and migrates (see ``PostgresMigrations``); `appRole` names
    /// the application's role for the grants (nil: `alongside_app` if it exists).
    /// `lockTimeoutMilliseconds` is how long a command waits for another console.
    public init(
        url: PostgresURL, password: String?, appRole: String? = nil,
        lockTimeoutMilliseconds: Int = 60_000
    ) throws {
        self.url = url
        self.password = password
        self.lockTimeoutMilliseconds = lockTimeoutMilliseconds
        let connection = try PGConnection.connect(url, password: password, preparing: true)
        do {
            try PostgresMigrations.migrate(
                connection, appRole: appRole, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        } catch {
            connection.close()
            throw error
        }
        live = connection
    }

    deinit {
        live?.close()
    }

    /// Closes the connection (the next command opens a new one).
    public func close() {
        lock.withLock {
            live?.close()
            live = nil
        }
    }

    /// A new connection with the session's `lock_timeout` set (reconnecting after a loss).
    private func connect() throws -> PGConnection {
        let connection = try PGConnection.connect(url, password: password, preparing: true)
        do {
            try connection.execute("SET lock_timeout = \(lockTimeoutMilliseconds)")
        } catch {
            connection.close()
            throw PostgresErrors.plain(error, url: url)
        }
        return connection
    }

    /// The open connection, reconnecting when the last one was lost.
    private func connection() throws -> PGConnection {
        if let live, !live.isClosed { return live }
        live?.close()
        live = nil
        let made = try connect()
        live = made
        return made
    }

    private let keyLock = NSLock()
    nonisolated(unsafe) private var keyState: AuditKeyState = .none

    /// The key of the keyed chain (from `audit_key_file`), which every later entry uses.
    public func setAuditKey(_ key: AuditKeyState) {
        keyLock.withLock { keyState = key }
    }

    var auditKey: AuditKeyState { keyLock.withLock { keyState } }

    /// Runs `body` in one transaction: a read (`REPEATABLE READ READ ONLY`) or a write
    /// (`READ COMMITTED` after the write lock), retrying a write on `40001`/`40P01`.
    func transaction<T>(write: Bool, _ body: (PGRunner) throws -> T) throws -> T {
        try lock.withLock {
            var attempt = 0
            while true {
                attempt += 1
                let c = try connection()
                let run = PGRunner(
                    c,
                    opening: write
                        ? [
                            "BEGIN ISOLATION LEVEL READ COMMITTED",
                            "SELECT pg_advisory_xact_lock(\(Self.writeLockKey))",
                        ]
                        : ["BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"])
                do {
                    let result = try body(run)
                    // A statement failed and the body carried on: the server has aborted the
                    // transaction, so nothing may be claimed as written.
                    if let failure = run.failure { throw failure }
                    if run.begun { try run.execute("COMMIT") }
                    return result
                } catch {
                    if run.begun { _ = try? c.execute("ROLLBACK") }
                    if run.lostAtBegin && attempt == 1 {
                        // The connection was lost since the last command (a server restart, a
                        // network blip) and nothing of this transaction reached the server:
                        // connect again and run the body once more.
                        live?.close()
                        live = nil
                        continue
                    }
                    if let cause = run.failure ?? (error as? PGServerError) {
                        if (cause.isRetryable || cause.isStalePlan) && attempt < Self.maxAttempts {
                            continue
                        }
                        throw PostgresErrors.plain(cause, url: url)
                    }
                    throw error
                }
            }
        }
    }

    public func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try transaction(write: false) { run in
            try body(PostgresTransaction(run: run, context: nil, roster: rosterCache))
        }
    }

    public func write<T>(_ context: ActingContext, _ body: (any StoreWriting) throws -> T)
        throws -> T
    {
        let key = auditKey
        return try transaction(write: true) { run in
            try body(
                PostgresTransaction(run: run, context: context, key: key, roster: rosterCache))
        }
    }

    /// The audit guards, the audit chain (with every imported site's chain) and every
    /// audited record against its last entry. PostgreSQL has no `integrity_check`; the
    /// server's own checksums and the trust's backups stand for it.
    public func check() throws -> [String] {
        let key = auditKey
        return try transaction(write: false) { run in
            try PGAuditChain.verify(run, key: key).problems + PGRecordCheck.problems(run)
        }
    }

    public func verifyAudit() throws -> (problems: [String], entries: Int) {
        try verifyAudit(anchors: [])
    }

    public func verifyAudit(anchors: [AuditAnchor]) throws -> (problems: [String], entries: Int) {
        let key = auditKey
        return try transaction(write: false) { run in
            try PGAuditChain.verify(run, key: key, anchors: anchors)
        }
    }

    public func auditAnchor() throws -> AuditAnchor? {
        try transaction(write: false) { run in try PGAuditChain.anchor(run) }
    }

    /// The head row's change counter.
    static let changesQuery = "SELECT changes FROM audit_head WHERE one = 1"

    /// The `changes` counter of the head row: every audit entry bumps it in the same
    /// statement that writes the entry, and so do writes that write no entry (PIN attempts),
    /// so it changes whenever any console commits a change. One primary-key read.
    public func changeCounter() throws -> Int64 {
        try lock.withLock {
            do {
                return try connection().query(Self.changesQuery)
                    .first?.optInt(0) ?? 0
            } catch {
                throw PostgresErrors.plain(error, url: url)
            }
        }
    }

    /// Grants the application's role `role` what it needs (``PostgresSchema/grants(to:schema:existing:)``),
    /// for the schema's owner to run when the role was made after the tables (the migrations
    /// grant a role that exists when they run). Throws when there is no such role or this
    /// connection's role may not grant.
    public func grantApplicationRole(_ role: String) throws {
        try transaction(write: true) { run in
            let schema = try run.text("SELECT current_schema()::text") ?? "public"
            try PostgresMigrations.grant(
                run, appRole: role, schema: PostgresSchema.quoted(schema))
        }
    }

    /// The trust database's copy is the trust's own PostgreSQL backup.
    public func backup(to path: String) throws {
        throw StoreError.incompatible(
            "on the trust database the copy is the trust's PostgreSQL backup (pg_dump); see "
                + "docs/trust-deployment.md")
    }
}

/// Opens the trust database (`--db postgres://…`): the composition root gives it the
/// PostgreSQL URLs.
public struct PostgresStoreOpening: StoreOpening {
    /// Makes the opener.
    public init() {}

    /// Always true: the trust's IT creates the database (a new one is never made here); the
    /// tables are made by the first `open`.
    public func exists(_ location: String, environment: [String: String]) -> Bool { true }

    /// Parses the URL, looks the password up, connects one connection and migrates.
    public func open(_ location: String, environment: [String: String]) throws
        -> any AlongsideStore
    {
        try PostgresStore(url: location, environment: environment)
    }

    /// A site's file is a SQLite file: the composition root opens it with the SQLite store.
    public func openSiteFile(_ path: String) throws -> any AlongsideStore {
        throw StoreError.incompatible(
            "a site's file to import is a SQLite file; open it with the SQLite store")
    }
}
