import AlongsideStore
import Foundation

/// The trust database's own migrations, versioned like GRDB's: each applied migration's id
/// is a row of `alongside_migrations(id, applied_at)`, in the first schema of the
/// connection's `search_path` (`current_schema()`).
///
/// - Up to date, opening costs one query (the ids), nothing else.
/// - Each pending migration runs in one transaction under the write lock
///   (``PostgresStore/writeLockKey``), which first looks again at what is applied, so two
///   consoles starting together on a new database migrate it once.
/// - A database with migration ids this build does not know was written by a newer Alongside
///   and is refused; a schema that holds tables but no `alongside_migrations` is not an
///   Alongside database and is refused.
/// - The migration also grants the application's role (see ``PostgresSchema/grants``):
///   `ALONGSIDE_PG_APP_ROLE`, else `alongside_app` when the server has such a role.
enum PostgresMigrations {
    /// Brings the schema up to date; also sets the session's `lock_timeout` (in the same
    /// query as the ids, so a start-up on an up-to-date database costs one query).
    static func migrate(
        _ connection: PGConnection, appRole: String?, lockTimeoutMilliseconds: Int
    ) throws {
        let url = connection.url
        do {
            let rows = try connection.query(
                "SELECT id, set_config('lock_timeout', $1, false) FROM alongside_migrations",
                [String(lockTimeoutMilliseconds).pg])
            let applied = Set(rows.map { $0.string(0) })
            try refuseNewer(applied)
            if applied == PostgresSchema.known { return }
        } catch let error as PGServerError where error.sqlState == "42P01" {
            // No table yet: a new database (or not an Alongside one; see below).
        } catch let error as PGServerError {
            throw PostgresErrors.plain(error, url: url)
        }
        do {
            try connection.execute("SET lock_timeout = \(lockTimeoutMilliseconds)")
        } catch {
            throw PostgresErrors.plain(error, url: url)
        }
        for migration in PostgresSchema.migrations {
            try apply(migration, connection, appRole: appRole)
        }
    }

    private static func refuseNewer(_ applied: Set<String>) throws {
        if !applied.isSubset(of: PostgresSchema.known) {
            throw StoreError.incompatible(
                "this database was written by a newer Alongside; upgrade before using it")
        }
    }

    private static func apply(
        _ migration: (id: String, sql: @Sendable (String) -> String), _ connection: PGConnection,
        appRole: String?
    ) throws {
        let url = connection.url
        let run = PGRunner(connection)
        do {
            try run.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
            do {
                try run.execute("SELECT pg_advisory_xact_lock(\(PostgresStore.writeLockKey))")
                guard
                    let state = try run.one(
                        """
                        SELECT current_schema()::text,
                            EXISTS (SELECT 1 FROM pg_class WHERE relname = 'alongside_migrations'
                                    AND relnamespace = current_schema()::regnamespace),
                            (SELECT count(*) FROM pg_class
                             WHERE relnamespace = current_schema()::regnamespace
                               AND relkind IN ('r', 'p', 'v', 'm', 'f'))
                        """), let schemaName = state.text(0)
                else {
                    throw StoreError.incompatible(
                        "the trust database has no schema to make Alongside's tables in (none of "
                            + "the search_path exists); create one or set search_path for "
                            + "\(url.user)")
                }
                let ours = state.bool(1) ?? false
                if !ours && state.int64(2) > 0 {
                    throw StoreError.incompatible(
                        "the database \(url.database) holds tables but is not an Alongside "
                            + "database; choose another with --db")
                }
                let applied: Set<String> =
                    ours
                    ? Set(try run.query("SELECT id FROM alongside_migrations").map { $0.string(0) })
                    : []
                try refuseNewer(applied)
                if applied.contains(migration.id) {
                    try run.execute("COMMIT")
                    return
                }
                let schema = PostgresSchema.quoted(schemaName)
                do {
                    try connection.simple(migration.sql(schema))
                } catch let error as PGServerError {
                    throw error.sqlState == "42501"
                        ? StoreError.incompatible(
                            "the trust database needs Alongside's tables made or upgraded "
                                + "(\(migration.id)), which \(url.user) may not do; run "
                                + "alongside once as the database's owner "
                                + "(docs/trust-deployment.md)")
                        : PostgresErrors.plain(error, url: url)
                }
                try run.execute(
                    """
                    INSERT INTO alongside_migrations(id, applied_at)
                    VALUES ($1, extract(epoch FROM now())::bigint)
                    """, [migration.id.pg])
                try grant(run, appRole: appRole, schema: schema)
                try run.execute("COMMIT")
            } catch {
                _ = try? connection.execute("ROLLBACK")
                throw error
            }
        } catch let error as PGServerError {
            throw PostgresErrors.plain(error, url: url)
        }
    }

    /// Grants the application's role, when there is one other than the role migrating.
    static func grant(_ run: PGRunner, appRole: String?, schema: String) throws {
        let wanted = appRole ?? "alongside_app"
        guard
            let row = try run.one(
                "SELECT rolname::text = current_user::text FROM pg_roles WHERE rolname = $1",
                [wanted.pg])
        else {
            if let appRole {
                throw StoreError.incompatible(
                    "ALONGSIDE_PG_APP_ROLE names the role \(appRole), which the trust database "
                        + "does not have; create it (docs/trust-deployment.md) or unset it")
            }
            return
        }
        if row.bool(0) == true { return }
        let existing = Set(
            try run.query(
                """
                SELECT relname::text FROM pg_class
                WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'
                """
            ).compactMap { $0.text(0) })
        try run.connection.simple(
            PostgresSchema.grants(
                to: PostgresSchema.quoted(wanted), schema: schema, existing: existing))
    }
}
