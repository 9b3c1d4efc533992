import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

/// The embedded single-site store: one SQLite file in WAL mode with `synchronous=FULL`.
public final class SQLiteStore: AlongsideStore, @unchecked Sendable {
    let queue: DatabaseQueue
    /// The decoded roster kept across commands (see ``RosterCache``).
    let rosterCache = RosterCache()
    /// The database file.
    public let path: String
    /// The database file, as the console names it.
    public var location: String { path }
    /// A site's own file, not the trust's shared database.
    public var isShared: Bool { false }

    /// Opens (creating with its folder, modes 0700/0600) and migrates the database at `path`.
    public init(path: String) throws {
        self.path = path
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent().path
        let fm = FileManager.default
        if !fm.fileExists(atPath: folder) {
            try fm.createDirectory(
                atPath: folder, withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o700])
        }
        if !fm.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
            if fd >= 0 { close(fd) }
        } else {
            // An administrator may share the file with a group (0660, say): that mode is
            // kept. A file every user of the machine may read is refused.
            var info = stat()
            if stat(path, &info) == 0, info.st_mode & 0o006 != 0 {
                let mode = String(info.st_mode & 0o777, radix: 8)
                throw StoreError.incompatible(
                    "the database can be read or written by every user of this machine (mode \(mode)); make it private with 'chmod o-rwx \(path)' (and its -wal and -shm files)")
            }
        }
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        let queue = try StorageErrors.plain { try DatabaseQueue(path: path, configuration: config) }
        self.queue = queue
        try Self.checkApplication(queue)
        try StorageErrors.plain {
            try Migrations.migrator.migrate(queue)
            try Self.writeBaselineIfPending(queue)
        }
    }

    private static func checkApplication(_ queue: DatabaseQueue) throws {
        try queue.read { db in
            let tables = try String.fetchAll(
                db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
            if !tables.isEmpty && !tables.contains("grdb_migrations") {
                throw StoreError.incompatible(
                    "this file is a database but not an Alongside one; choose another with --db")
            }
        }
        let applied = try queue.read { try Migrations.migrator.appliedIdentifiers($0) }
        let known = Set(Migrations.migrator.migrations)
        if !applied.isSubset(of: known) {
            throw StoreError.incompatible(
                "this database was written by a newer Alongside; upgrade before using it")
        }
    }

    private let keyLock = NSLock()
    nonisolated(unsafe) private var keyState: AuditKeyState = .none

    /// The key of the keyed chain (from `audit_key_file`), which every later entry uses.
    public func setAuditKey(_ key: AuditKeyState) {
        keyLock.withLock { keyState = key }
    }

    var auditKey: AuditKeyState { keyLock.withLock { keyState } }

    /// Writes the baseline entry a database upgraded to v4-audit or v6-site owes (see Migrations).
    private static func writeBaselineIfPending(_ queue: DatabaseQueue) throws {
        try queue.write { db in
            guard let upgrade = try String.fetchOne(
                db, sql: "SELECT value FROM meta WHERE key = 'audit_baseline_pending'")
            else { return }
            let at = try Int64.fetchOne(db, sql: "SELECT max(at) FROM audit") ?? 0
            try AuditChain.append(
                db,
                context: ActingContext(actor: "alongside", command: "upgrade", at: Date(storedSeconds: at)),
                key: .none, action: "baseline", entity: nil, before: nil,
                after: .object([("detail", .string("records held at the upgrade to \(upgrade)"))]),
                bulk: AuditedTable.all.map { RecordSelection(table: $0, condition: "1", arguments: []) })
            try db.execute(sql: "DELETE FROM meta WHERE key = 'audit_baseline_pending'")
        }
    }

    public func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try StorageErrors.plain {
            try queue.read { db in
                try body(SQLiteTransaction(db: db, context: nil, roster: rosterCache))
            }
        }
    }

    public func write<T>(_ context: ActingContext, _ body: (any StoreWriting) throws -> T)
        throws -> T
    {
        let key = auditKey
        return try StorageErrors.plain {
            try queue.write { db in
                try body(
                    SQLiteTransaction(db: db, context: context, key: key, roster: rosterCache))
            }
        }
    }

    public func check() throws -> [String] {
        try StorageErrors.plain {
            try queue.read { db in
                var problems = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                    .filter { $0 != "ok" }
                problems += try AuditChain.verify(db, key: auditKey).problems
                problems += try RecordCheck.problems(db)
                return problems
            }
        }
    }

    public func verifyAudit() throws -> (problems: [String], entries: Int) {
        try verifyAudit(anchors: [])
    }

    public func verifyAudit(anchors: [AuditAnchor]) throws -> (problems: [String], entries: Int) {
        try StorageErrors.plain {
            try queue.read { db in try AuditChain.verify(db, key: auditKey, anchors: anchors) }
        }
    }

    public func auditAnchor() throws -> AuditAnchor? {
        try StorageErrors.plain { try queue.read { db in try AuditChain.anchor(db) } }
    }

    public func changeCounter() throws -> Int64 {
        // One connection (a DatabaseQueue), so data_version sees every other connection's
        // commits; the total count of audit entries adds this connection's own.
        try queue.read { db in
            let version = try Int64.fetchOne(db, sql: "PRAGMA data_version") ?? 0
            let head = try Int64.fetchOne(db, sql: "SELECT max(seq) FROM audit") ?? 0
            return version &* 1_000_003 &+ head
        }
    }

    public func backup(to path: String) throws {
        let pending: PendingFile
        do { pending = try PendingFile(replacing: path) } catch { throw StoreError.storage(error.description) }
        do {
            let target = try DatabaseQueue(path: pending.temporaryPath)
            try queue.backup(to: target)
            try target.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA journal_mode = DELETE")
            }
            try target.close()
            try pending.commit()
        } catch let error as DatabaseError {
            pending.discard()
            let cause: String
            switch error.resultCode.primaryResultCode {
            case .SQLITE_FULL, .SQLITE_IOERR:
                cause = "the disk is full, a file size limit was reached, or the disk failed"
            default:
                cause = StorageErrors.sentence(error)
            }
            throw StoreError.storage(
                "the backup could not be written to '\(path)' (\(cause)); the previous backup "
                    + "is untouched")
        } catch let error as SafeFileError {
            pending.discard()
            throw StoreError.storage(error.description)
        } catch {
            pending.discard()
            throw error
        }
    }
}

/// Opens a site's SQLite file (`--db PATH`).
public struct SQLiteStoreOpening: StoreOpening {
    /// Makes the opener.
    public init() {}

    public func exists(_ location: String, environment: [String: String]) -> Bool {
        FileManager.default.fileExists(atPath: location)
    }

    public func open(_ location: String, environment: [String: String]) throws
        -> any AlongsideStore
    {
        try SQLiteStore(path: location)
    }

    public func openSiteFile(_ path: String) throws -> any AlongsideStore {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
            !isDirectory.boolValue
        else { throw StoreError.notFound(kind: "database file", id: path) }
        return try SQLiteStore(path: path)
    }
}
