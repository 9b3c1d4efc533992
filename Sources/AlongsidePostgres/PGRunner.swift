import AlongsideStore
import Foundation

/// The statements of one transaction on the store's one connection.
///
/// A statement the server refuses is remembered (the transaction is then aborted on the
/// server, so it can only be rolled back) and thrown to the caller in plain words
/// (``PostgresErrors/plain(_:url:)``), never as SQL or driver text; the store looks at the
/// remembered error to decide whether to run the body again (`40001`, `40P01`) or to say the
/// database was busy (`55P03`), even when the body caught the error and carried on.
///
/// The transaction begins with its first statement (`BEGIN …` and, for a write, the write
/// lock, sent just before it), so a command that reads nothing costs nothing.
final class PGRunner: @unchecked Sendable {
    let connection: PGConnection
    /// The first statement the server refused in this transaction, if any.
    private(set) var failure: PGServerError?
    /// The log's head as this transaction last read or wrote it (so a command that writes
    /// several entries reads it once).
    var head: (seq: Int64, hash: String)?
    /// The statements that begin the transaction, not yet sent.
    private var opening: [String]
    /// Whether the transaction has begun on the server.
    private(set) var begun = false
    /// Whether the connection was found lost at `BEGIN`, before anything of the transaction
    /// reached the server (so the store may connect again and run the body once more).
    private(set) var lostAtBegin = false

    /// A runner whose transaction is opened by `opening` (nothing: statements run as they
    /// come, outside any transaction the runner makes).
    init(_ connection: PGConnection, opening: [String] = []) {
        self.connection = connection
        self.opening = opening
        begun = opening.isEmpty
    }

    /// Sends the statements that begin the transaction, each answered before the next goes
    /// (a statement must never run outside the transaction its `BEGIN` failed to open). The
    /// first goes with the statements waiting to be prepared (outside any transaction,
    /// where a refusal harms nothing).
    private func beginIfNeeded() throws {
        guard !begun else { return }
        let statements = opening
        opening = []
        begun = true
        for (i, sql) in statements.enumerated() {
            let outcome = connection.run(sql, [], byName: true, beginning: i == 0)
            guard case .failure(let error) = outcome else { continue }
            let server = error as? PGServerError
            if i == 0 && (server == nil || server!.sqlState.hasPrefix("57P")) {
                lostAtBegin = true
            }
            if let server, failure == nil { failure = server }
            throw PostgresErrors.plain(error, url: connection.url)
        }
    }

    /// Runs one statement (by name when the connection has prepared it).
    private func run(_ sql: String, _ binds: [PGValue]) throws -> PGAnswer {
        try beginIfNeeded()
        switch connection.run(sql, binds, byName: true) {
        case .success(let answer):
            return answer
        case .failure(let error):
            if let server = error as? PGServerError, failure == nil { failure = server }
            throw PostgresErrors.plain(error, url: connection.url)
        }
    }

    /// Runs one statement and returns its rows.
    func query(_ sql: String, _ binds: [PGValue] = []) throws -> [PGRow] {
        try run(sql, binds).rows()
    }

    /// Runs one statement, for what it does (a statement run by name does not say how many
    /// rows it changed).
    func execute(_ sql: String, _ binds: [PGValue] = []) throws {
        _ = try run(sql, binds)
    }

    /// The first row, if any.
    func one(_ sql: String, _ binds: [PGValue] = []) throws -> PGRow? {
        try query(sql, binds).first
    }

    /// The first column of the first row as an integer (nil when no row or NULL).
    func int(_ sql: String, _ binds: [PGValue] = []) throws -> Int64? {
        try one(sql, binds)?.optInt(0)
    }

    /// The first column of the first row as text (nil when no row or NULL).
    func text(_ sql: String, _ binds: [PGValue] = []) throws -> String? {
        try one(sql, binds)?.text(0)
    }

    /// The next id for `table` (`max(id) + 1`, 1 for an empty table): what SQLite gives a
    /// new rowid. Only under the write lock, which makes it race-free.
    func nextID(_ table: String, column: String = "id") throws -> Int64 {
        try int("SELECT coalesce(max(\(column)), 0) + 1 FROM \(table)") ?? 1
    }

    /// Inserts one row with the next id (`max(id) + 1`, as ``nextID(_:column:)``) and the
    /// values `binds` for `columns`, in one statement; returns the id.
    @discardableResult
    func insertNext(_ table: String, columns: [String], _ binds: [PGValue]) throws -> Int64 {
        try int(Self.insertNext(table, columns: columns, binds.count) + " RETURNING id", binds)
            ?? 0
    }

    /// `INSERT … VALUES` of one row with the next id and `count` binds for `columns`.
    private static func insertNext(_ table: String, columns: [String], _ count: Int) -> String {
        """
        INSERT INTO \(table)(id, \(columns.joined(separator: ", ")))
        VALUES ((SELECT coalesce(max(id), 0) + 1 FROM \(table)), \(placeholders(count)))
        """
    }

    /// Inserts one row of the audited `table` with the next id (as
    /// ``insertNext(_:columns:_:)``) and reads back, in the same statement, what its audit
    /// entry needs: the row as stored (its canonical state: the statement's `RETURNING` gives
    /// the same values as reading the row again) and, when this transaction has not yet read
    /// it, the head of the audit chain (``PGAuditChain/headColumns``; the statement runs
    /// after the write lock, so it sees every committed entry). Returns the id and the record
    /// for the audit entry.
    func insertAudited(
        _ table: PGAuditedTable, columns: [String], _ binds: [PGValue],
        record: (Int64) -> PGRecordRef
    ) throws -> (id: Int64, record: PGRecordRef) {
        let head = self.head == nil ? ", " + PGAuditChain.headColumns : ""
        let sql =
            Self.insertNext(table.name, columns: columns, binds.count)
            + " RETURNING \(table.columns)\(head)"
        guard let row = try one(sql, binds) else { return (0, record(0)) }
        if self.head == nil { self.head = PGAuditChain.head(row, at: table.count) }
        var made = record(row.int64(0))
        made.stored = RecordState.canonical(row.storedValues(count: table.count))
        return (row.int64(0), made)
    }

    /// Inserts `rows` (each `columns.count` binds) with multi-row INSERTs of at most
    /// `limit` binds each (the protocol allows 65535 per statement).
    func insertMany(
        _ table: String, columns: [String], rows: [[PGValue]], suffix: String = "",
        limit: Int = 30_000
    ) throws {
        guard !rows.isEmpty else { return }
        let perStatement = max(1, limit / max(1, columns.count))
        var start = 0
        while start < rows.count {
            let chunk = rows[start..<min(rows.count, start + perStatement)]
            var binds: [PGValue] = []
            binds.reserveCapacity(chunk.count * columns.count)
            var tuples: [String] = []
            tuples.reserveCapacity(chunk.count)
            for row in chunk {
                tuples.append("(" + placeholders(row.count, from: binds.count + 1) + ")")
                binds += row
            }
            try execute(
                "INSERT INTO \(table)(\(columns.joined(separator: ", "))) VALUES "
                    + tuples.joined(separator: ", ") + suffix, binds)
            start += chunk.count
        }
    }
}

/// The store's errors in plain words (spec §8): a lock wait that ran out reads as busy,
/// retries that ran out as a conflict, the audit guards as such, and everything else through
/// the connection layer's ``PGConnection/storeError(_:url:)`` — never SQL text, a bind
/// value or a password.
enum PostgresErrors {
    /// What a person reads when a write waited a minute for another console.
    static let busy = StoreError.busy(
        "another console kept the trust database busy for over a minute; try again")
    /// What a person reads when every retry met another console's change.
    static let conflict = StoreError.conflict(
        "another console changed the same records at the same time, and trying again did not "
            + "help; run the command again")

    static func plain(_ error: any Error, url: PostgresURL) -> StoreError {
        guard let error = error as? PGServerError else {
            return PGConnection.storeError(error, url: url)
        }
        switch error.sqlState {
        case "55P03":
            return busy
        case "40001", "40P01":
            return conflict
        case "42501":
            return .storage(
                "the trust database does not allow \(url.user) this (permission denied); ask its "
                    + "administrator for the grants in docs/trust-deployment.md")
        case _ where error.message.contains("append-only"):
            return .storage("the audit log is append-only; entries cannot be changed or removed")
        case let state where state.hasPrefix("23"):
            return .storage("the change breaks a rule of the database (\(error.message))")
        default:
            return PGConnection.storeError(error, url: url)
        }
    }
}
