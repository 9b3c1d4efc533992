import Foundation
import AlongsideStore
import GRDB

/// SQLite's result codes as sentences (spec §8): a full disk or a damaged file reads as
/// such, never as `SQLite error 13: not an error`.
enum StorageErrors {
    /// Runs `body`, turning a `DatabaseError` into `StoreError.storage`.
    static func plain<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw StoreError.storage(sentence(error))
        }
    }

    /// The sentence for a database error.
    static func sentence(_ error: DatabaseError) -> String {
        let message = error.message ?? ""
        switch error.resultCode.primaryResultCode {
        case .SQLITE_FULL:
            return "the disk is full (or a file size limit was reached); free some space and "
                + "try again — nothing was changed"
        case .SQLITE_IOERR:
            return "the database file could not be written or read (the disk may be full or "
                + "failing, or a file size limit was reached); free some space or check the "
                + "disk and try again — nothing was changed"
        case .SQLITE_CORRUPT, .SQLITE_NOTADB:
            return "the database file is damaged; restore it from a backup (docs/admin-guide.md)"
        case .SQLITE_READONLY:
            return "the database cannot be written (read-only file, folder or disk)"
        case .SQLITE_CANTOPEN:
            return "the database file cannot be opened; check the path and its permissions"
        case .SQLITE_PERM, .SQLITE_AUTH:
            return "permission denied by the database"
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return "another console kept the database busy for too long; try again"
        case .SQLITE_CONSTRAINT where message.contains("append-only"):
            return "the audit log is append-only; entries cannot be changed or removed"
        case .SQLITE_CONSTRAINT:
            return "the change breaks a rule of the database (\(message))"
        default:
            return "the database failed (code \(error.resultCode.rawValue)"
                + (message.isEmpty || message == "not an error" ? ")" : ": \(message))")
        }
    }
}
