import AlongsideConsole
import AlongsidePostgres
import AlongsideSQLite
import AlongsideStore
import Foundation

/// The composition root: `--db` names a site's SQLite file or the trust's PostgreSQL
/// database (spec §9); this is the one place that knows which stores exist.
struct Stores: StoreOpening {
    let sqlite = SQLiteStoreOpening()
    let postgres = PostgresStoreOpening()

    func exists(_ location: String, environment: [String: String]) -> Bool {
        PostgresURL.isPostgres(location)
            ? postgres.exists(location, environment: environment)
            : sqlite.exists(location, environment: environment)
    }

    func open(_ location: String, environment: [String: String]) throws -> any AlongsideStore {
        PostgresURL.isPostgres(location)
            ? try postgres.open(location, environment: environment)
            : try sqlite.open(location, environment: environment)
    }
}

// A file size limit makes a write fail with a plain error instead of killing the process.
signal(SIGXFSZ, SIG_IGN)
exit(Launcher.main(arguments: Array(CommandLine.arguments.dropFirst()), stores: Stores()))
