import AlongsideStore
import GRDB

// Prepared statements kept by the connection (`Database.cachedStatement`) for the queries
// and writes every command repeats (register, queue, assign, the audit entry): a long-running
// console prepares each once instead of once per command. Only for SQL that is fixed text
// with `?` arguments (never values spliced into the SQL), so the cache stays small; one
// statement per call.

extension Database {
    /// Runs one statement through the connection's prepared-statement cache.
    func cachedExecute(sql: String, arguments: StatementArguments = StatementArguments())
        throws
    {
        try cachedStatement(sql: sql).execute(arguments: arguments)
    }
}

extension Row {
    /// `fetchAll` through the connection's prepared-statement cache.
    static func cachedAll(
        _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> [Row] {
        try fetchAll(db.cachedStatement(sql: sql), arguments: arguments)
    }

    /// `fetchOne` through the connection's prepared-statement cache.
    static func cachedOne(
        _ db: Database, sql: String, arguments: StatementArguments = StatementArguments()
    ) throws -> Row? {
        try fetchOne(db.cachedStatement(sql: sql), arguments: arguments)
    }
}
