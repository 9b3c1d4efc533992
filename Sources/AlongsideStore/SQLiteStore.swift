import AlongsideCore
import Foundation
import GRDB

/// The embedded single-site store: one SQLite file in WAL mode with `synchronous=FULL`.
public final class SQLiteStore: AlongsideStore, @unchecked Sendable {
    let queue: DatabaseQueue
    /// The database file.
    public let path: String

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
        }
        var config = Configuration()
        config.busyMode = .timeout(60)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = FULL")
            try db.execute(sql: "PRAGMA foreign_keys = ON")
        }
        queue = try DatabaseQueue(path: path, configuration: config)
        try Self.checkApplication(queue)
        try Migrations.migrator.migrate(queue)
        for suffix in ["", "-wal", "-shm"] where fm.fileExists(atPath: path + suffix) {
            chmod(path + suffix, 0o600)
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

    public func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try queue.read { db in try body(SQLiteTransaction(db: db, context: nil)) }
    }

    public func write<T>(_ context: ActingContext, _ body: (any StoreWriting) throws -> T)
        throws -> T
    {
        try queue.write { db in try body(SQLiteTransaction(db: db, context: context)) }
    }

    public func check() throws -> [String] {
        var problems: [String] = try queue.read { db in
            try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
        }
        problems += try verifyAudit().problems
        return problems
    }

    public func verifyAudit() throws -> (problems: [String], entries: Int) {
        try queue.read { db in try AuditChain.verify(db) }
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
        let fm = FileManager.default
        if fm.fileExists(atPath: path) { try fm.removeItem(atPath: path) }
        let fd = open(path, O_CREAT | O_WRONLY | O_EXCL, 0o600)
        guard fd >= 0 else {
            throw StoreError.notFound("cannot create '\(path)': \(String(cString: strerror(errno)))")
        }
        close(fd)
        let target = try DatabaseQueue(path: path)
        try queue.backup(to: target)
        try target.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA journal_mode = DELETE")
        }
        try target.close()
        chmod(path, 0o600)
    }
}
