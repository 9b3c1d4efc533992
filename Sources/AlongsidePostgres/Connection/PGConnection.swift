import AlongsideStore
import Foundation
import PostgresNIO

/// A statement the server refused: its SQLSTATE (`40001` serialization failure, `40P01`
/// deadlock, `55P03` lock not available, `23505` unique violation, `57014` cancelled …) and
/// the server's own message. Never carries the SQL text or a bind value.
public struct PGServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The five-character SQLSTATE.
    public let sqlState: String
    /// The server's primary message (its `M` field) only.
    public let message: String
    /// The server's detail (its `D` field), which may quote values (`Key (id)=(M1) …`).
    public let detail: String?
    /// The constraint concerned, when the server names one.
    public let constraint: String?
    /// The table concerned, when the server names one.
    public let table: String?

    /// An error from its parts.
    public init(
        sqlState: String, message: String, detail: String? = nil, constraint: String? = nil,
        table: String? = nil
    ) {
        self.sqlState = sqlState
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.table = table
    }

    /// The server's message and SQLSTATE.
    public var description: String { "\(message) (SQLSTATE \(sqlState))" }

    /// A serialization failure (`40001`) or deadlock (`40P01`): run the transaction again.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    /// A named statement whose plan the server can no longer use, because a table it reads
    /// changed its columns since it was prepared (`0A000`, "cached plan must not change
    /// result type"): the connection runs it unnamed from then on, so running the
    /// transaction again succeeds.
    public var isStalePlan: Bool { sqlState == "0A000" && message.contains("cached plan") }
}

/// The isolation level of a transaction begun by ``PGConnection/transaction(_:_:)``.
public enum PGIsolation: String, Sendable {
    /// `READ COMMITTED` (PostgreSQL's default).
    case readCommitted = "READ COMMITTED"
    /// `REPEATABLE READ`.
    case repeatableRead = "REPEATABLE READ"
    /// `SERIALIZABLE`.
    case serializable = "SERIALIZABLE"
}

/// One connection to the trust database, used synchronously: each call sends its statement
/// and blocks the calling thread until the server has answered.
///
/// Calls from several threads are safe (they run one at a time, in the order they arrive),
/// but a transaction belongs to the connection, so one connection should serve one caller at
/// a time. Never call from a SwiftNIO event-loop thread (that would deadlock; NIO stops the
/// program instead).
///
/// What a call throws is either a ``PGServerError`` (the server refused the statement; look at
/// its `sqlState`) or a `StoreError` already in plain words (the connection failed, a value
/// could not be read). ``storeError(_:url:)`` turns either into the words for the user.
public final class PGConnection: @unchecked Sendable {
    /// Where this connection goes.
    public let url: PostgresURL
    private let connection: PostgresConnection
    private let lock = NSLock()

    private static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    private static let logger: Logger = {
        var logger = Logger(label: "alongside.postgres")
        logger.logLevel = .critical
        return logger
    }()
    private static let ids = NSLock()
    nonisolated(unsafe) private static var lastID = 0

    /// The statements awaiting their answers, failed if the connection closes first
    /// (postgres-nio drops a statement written to a connection that has just closed, which
    /// would otherwise leave the caller waiting for ever).
    private let waiting = Waiting()
    /// Whether statements run more than once in transactions are prepared
    /// (``PGPreparedStatements``).
    private let preparing: Bool
    /// The statements prepared on this connection (under ``lock``).
    private var prepared = PGPreparedStatements()

    private final class Waiting: @unchecked Sendable {
        private let lock = NSLock()
        private var promises: [EventLoopPromise<PGAnswer.Raw>] = []

        func set(_ promises: [EventLoopPromise<PGAnswer.Raw>]) {
            lock.withLock { self.promises = promises }
        }

        func fail() {
            lock.withLock {
                for promise in promises { promise.fail(PGConnectionClosed()) }
            }
        }
    }

    private init(url: PostgresURL, connection: PostgresConnection, preparing: Bool) {
        self.url = url
        self.connection = connection
        self.preparing = preparing
        connection.closeFuture.whenComplete { [waiting] _ in
            waiting.fail()
        }
    }

    deinit {
        // Close without waiting (this may run anywhere), keeping the connection alive until it
        // has closed.
        let connection = self.connection
        if !connection.isClosed {
            let closed: EventLoopFuture<Void> = connection.close()
            closed.whenComplete { _ in _ = connection }
        }
    }

    /// Connects and logs in; the password is only sent to the server (SCRAM or md5), never
    /// shown. Throws a `StoreError` in plain words: cannot reach the server, password refused,
    /// no such database …. With `preparing`, a statement a transaction runs a second time on
    /// the connection is prepared and from then on run by name (``PGPreparedStatements``).
    public static func connect(
        _ url: PostgresURL, password: String?, preparing: Bool = false
    ) throws -> PGConnection {
        var configuration: PostgresConnection.Configuration
        if let socket = url.socketPath {
            configuration = .init(
                unixSocketPath: socket, username: url.user, password: password,
                database: url.database)
        } else {
            configuration = .init(
                host: url.host, port: url.port, username: url.user, password: password,
                database: url.database, tls: try PGTLS.mode(for: url))
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [("application_name", "alongside")]
        let id: Int = ids.withLock {
            lastID += 1
            return lastID
        }
        do {
            let connection = try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: id, logger: logger
            ).wait()
            return PGConnection(url: url, connection: connection, preparing: preparing)
        } catch {
            throw storeError(error, url: url)
        }
    }

    /// Runs one statement (placeholders `$1`, `$2` …) and returns its rows.
    public func query(_ sql: String, _ binds: [PGValue] = []) throws -> [PGRow] {
        try PGDecode.rows(run(sql, binds).rows)
    }

    /// Runs one statement (placeholders `$1`, `$2` …) and returns how many rows it inserted,
    /// updated, deleted or selected (0 when the server does not say).
    @discardableResult
    public func execute(_ sql: String, _ binds: [PGValue] = []) throws -> Int {
        try run(sql, binds).metadata.rows ?? 0
    }

    /// Runs text of one or more statements separated by `;` with no binds (a DDL script,
    /// `BEGIN`, `COMMIT` …), one statement after another, stopping at the first that fails.
    ///
    /// Outside `BEGIN … COMMIT` each statement commits on its own; write `BEGIN; …; COMMIT`
    /// for all or nothing (after a failure inside it, the transaction stays aborted until
    /// `ROLLBACK`, as in psql). Quotes, `$$` bodies and comments are understood; a function
    /// written with `BEGIN ATOMIC … END` is not (use a `$$` body).
    public func simple(_ sql: String) throws {
        for statement in PGScript.statements(sql) {
            _ = try run(statement, [])
        }
    }

    /// Runs `body` inside `BEGIN [ISOLATION LEVEL …]` … `COMMIT`, or `ROLLBACK` when `body`
    /// throws (the error is rethrown). A failed `COMMIT` (a `40001` serialization failure, say)
    /// throws its ``PGServerError``; retrying is the caller's choice. When `body` caught a
    /// statement's error and carried on, the server rolls back at `COMMIT`, and this throws a
    /// ``PGServerError`` with SQLSTATE `25P02` rather than pretend it committed.
    @discardableResult
    public func transaction<T>(
        _ isolation: PGIsolation? = nil, _ body: () throws -> T
    ) throws -> T {
        try simple(isolation.map { "BEGIN ISOLATION LEVEL \($0.rawValue)" } ?? "BEGIN")
        let result: T
        do {
            result = try body()
        } catch {
            _ = try? run("ROLLBACK", [])
            throw error
        }
        let commit: PostgresQueryResult
        do {
            commit = try run("COMMIT", [])
        } catch {
            _ = try? run("ROLLBACK", [])
            throw error
        }
        // COMMIT of a transaction an earlier (caught) error aborted answers "ROLLBACK".
        if commit.metadata.command == "ROLLBACK" {
            throw PGServerError(
                sqlState: "25P02",
                message: "the transaction was rolled back because a statement in it had failed")
        }
        return result
    }

    /// How many statements this connection runs by name (``PGPreparedStatements``).
    var namedStatements: Int { lock.withLock { prepared.count } }

    /// Whether the connection is closed (by ``close()``, the server or the network).
    public var isClosed: Bool { connection.isClosed }

    /// Closes the connection (a transaction left open is rolled back by the server).
    public func close() {
        lock.withLock {
            if !connection.isClosed {
                _ = try? connection.close().wait()
            }
        }
    }

    private func run(_ sql: String, _ binds: [PGValue]) throws -> PostgresQueryResult {
        guard case .result(let result) = try run(sql, binds, byName: false).get().raw else {
            preconditionFailure("a statement run unnamed answers with a whole result")
        }
        return result
    }

    /// Runs one statement (placeholders `$1`, `$2` …) and returns the server's answer, or its
    /// error: a ``PGServerError``, or a `StoreError` in plain words.
    ///
    /// With `byName` (on a connection made `preparing`) a statement prepared on this
    /// connection runs by name (``PGPreparedStatements``), and its answer has rows but no
    /// count. With `beginning` as well (the statement begins a transaction, so none is open),
    /// the statements waiting to be prepared are prepared first, sent just before it without
    /// a wait of their own (the connection runs them in order, each its own round trip with
    /// the server, taken by the event loop without waking the caller).
    func run(
        _ sql: String, _ binds: [PGValue], byName: Bool, beginning: Bool = false
    ) -> Result<PGAnswer, any Error> {
        lock.withLock {
            let named = preparing && byName
            let toPrepare = named && beginning ? prepared.takePending() : []
            var futures: [EventLoopFuture<PGAnswer.Raw>] = []
            for statement in toPrepare {
                futures.append(connection.prepare(query: statement.sql).map { .prepared($0) })
                let types = PostgresQuery(
                    unsafeSQL: PGPreparedStatements.typesQuery,
                    binds: PGBind.bindings([.text(statement.sql)]))
                futures.append(connection.query(types, logger: Self.logger).map { .result($0) })
            }
            if named, let query = prepared.named(sql, binds) {
                let execute = query.execute(binds.map(PGPreparedStatements.data))
                futures.append(execute.map { .rows($0) })
            } else {
                let query = PostgresQuery(unsafeSQL: sql, binds: PGBind.bindings(binds))
                futures.append(connection.query(query, logger: Self.logger).map { .result($0) })
            }
            let promises = futures.map { future in
                let promise = connection.eventLoop.makePromise(of: PGAnswer.Raw.self)
                future.cascade(to: promise)
                return promise
            }
            waiting.set(promises)
            defer { waiting.set([]) }
            if connection.isClosed {
                for promise in promises { promise.fail(PGConnectionClosed()) }
            }
            let answers = promises.map { promise in
                Result { PGAnswer(raw: try promise.futureResult.wait()) }.mapError(plain)
            }
            // What preparing gave (a refusal, outside any transaction, harms nothing).
            for (i, statement) in toPrepare.enumerated() {
                guard case .success(let made) = answers[2 * i],
                    case .prepared(let query) = made.raw,
                    case .success(let types) = answers[2 * i + 1], let rows = try? types.rows()
                else {
                    prepared.prepared(statement, nil)
                    continue
                }
                prepared.prepared(statement, (query, rows.map { UInt32(clamping: $0.int(0) ?? 0) }))
            }
            let outcome = answers[answers.count - 1]
            if case .failure(let error as PGServerError) = outcome, error.isStalePlan {
                // A named statement whose plan cannot be used again (a table it reads changed
                // its columns): unnamed from now on.
                prepared.forget(sql, binds)
            }
            return outcome
        }
    }

    /// A driver error as a ``PGServerError`` (the server refused the statement) or a
    /// `StoreError` in plain words.
    private func plain(_ error: any Error) -> any Error {
        if let error = error as? PSQLError, error.code == .server {
            return Self.serverError(error)
        }
        // What postgres-nio's named statements throw (its older error type) for the server's
        // refusal and for a connection that closed.
        switch error as? PostgresError {
        case .server(let message):
            let field = message.fields
            return PGServerError(
                sqlState: field[.sqlState] ?? "XX000",
                message: field[.message] ?? "an error without a message",
                detail: field[.detail], constraint: field[.constraintName],
                table: field[.tableName])
        case .connectionClosed:
            return Self.lost(url)
        case .protocol, nil:
            break
        }
        return Self.storeError(error, url: url)
    }

    // MARK: Errors

    private static func serverError(_ error: PSQLError) -> PGServerError {
        let info = error.serverInfo
        return PGServerError(
            sqlState: info?[.sqlState] ?? "XX000",
            message: info?[.message] ?? "an error without a message",
            detail: info?[.detail],
            constraint: info?[.constraintName],
            table: info?[.tableName])
    }

    /// The plain words for any error from this connection: a `StoreError` naming the server
    /// (`HOST:PORT`), the user or the database and the fix, never the SQL or a password.
    ///
    /// Connection refused or unreachable: `.storage("cannot reach the trust database at
    /// HOST:PORT (is the server running?)")`. Password refused (`28P01`, `28000`): `.storage(
    /// "the trust database refused USER's password; set $PGPASSWORD or ~/.pgpass")`. No such
    /// database (`3D000`): `.incompatible("no database DB on HOST …")`. Any other server
    /// error: `.storage("the trust database failed: MESSAGE")`. A `StoreError` is returned as
    /// it is.
    public static func storeError(_ error: any Error, url: PostgresURL) -> StoreError {
        switch error {
        case let error as StoreError:
            return error
        case let error as PGServerError:
            return storeError(server: error, url: url)
        case let error as PSQLError:
            return storeError(psql: error, url: url)
        case is PGConnectionClosed:
            return .storage("the connection to the trust database at \(url.place) is closed")
        default:
            return storeError(transport: error, url: url)
        }
    }

    private static func storeError(server error: PGServerError, url: PostgresURL) -> StoreError {
        let at = url.place
        switch error.sqlState {
        case "28P01":
            return .storage(refusedPassword(url))
        case "28000":
            return .storage(refusedPassword(url) + " (the server says: \(error.message))")
        case "3D000":
            return .incompatible(
                "no database \(url.database) on \(url.host); create it (createdb) or correct "
                    + "the database in --db")
        case "53300":
            return .storage(
                "the trust database at \(at) has no free connections; try again shortly, or "
                    + "ask its administrator to raise max_connections")
        case "57P03":
            return .storage(
                "the trust database at \(at) is starting up or shutting down; try again shortly")
        case "57P01", "57P02":
            return .storage(
                "the trust database at \(at) was shut down while in use; run the command again "
                    + "once it is back")
        default:
            return .storage("the trust database failed: \(error.message)")
        }
    }

    private static func refusedPassword(_ url: PostgresURL) -> String {
        "the trust database refused \(url.user)'s password; set $PGPASSWORD or ~/.pgpass"
    }

    private static func lost(_ url: PostgresURL) -> StoreError {
        .storage(
            "the connection to the trust database at \(url.place) was lost; run the command "
                + "again once the server is reachable")
    }

    private static func storeError(psql error: PSQLError, url: PostgresURL) -> StoreError {
        let at = url.place
        switch error.code {
        case .server:
            return storeError(server: serverError(error), url: url)
        case .connectionError:
            return storeError(transport: error.underlying, url: url)
        case .serverClosedConnection, .uncleanShutdown:
            return lost(url)
        case .clientClosedConnection:
            return .storage("the connection to the trust database at \(at) is already closed")
        case .sslUnsupported:
            return .incompatible(
                "the trust database at \(at) does not offer TLS, but --db says sslmode="
                    + "\(url.sslMode ?? "require"); use sslmode=prefer or turn TLS on in the "
                    + "server")
        case .failedToAddSSLHandler, .receivedUnencryptedDataAfterSSLRequest:
            return .storage("TLS with the trust database at \(at) failed; check its certificate")
        case .authMechanismRequiresPassword:
            return .storage(
                "the trust database wants a password for \(url.user); set $PGPASSWORD or "
                    + "~/.pgpass")
        case .saslError:
            return .storage(refusedPassword(url))
        case .unsupportedAuthMechanism:
            return .incompatible(
                "the trust database at \(at) asks for a login method Alongside does not support; "
                    + "use scram-sha-256 or md5 in its pg_hba.conf")
        case .queryCancelled:
            return .storage("the trust database cancelled the statement")
        case .tooManyParameters:
            return .storage("a statement had more than 65535 values; send them in parts")
        default:
            return .storage("the trust database failed: \(error.code)")
        }
    }

    private static func storeError(transport error: (any Error)?, url: PostgresURL) -> StoreError {
        let at = url.place
        if let error = error as? NIOConnectionError, error.connectionErrors.isEmpty,
           error.dnsAError != nil || error.dnsAAAAError != nil {
            return .storage("cannot find the trust database's host \(url.host); check --db")
        }
        if let error = error as? ChannelError, case .connectTimeout = error {
            return .storage(
                "cannot reach the trust database at \(at) within 10 seconds (is the server "
                    + "running? is a firewall in the way?)")
        }
        if error is NIOSSLError {
            return .storage(
                "TLS with the trust database at \(at) failed; check its certificate or sslmode")
        }
        return .storage("cannot reach the trust database at \(at) (is the server running?)")
    }
}

/// What the server answered one statement (``PGConnection/run(_:_:byName:beginning:)``).
struct PGAnswer {
    fileprivate enum Raw {
        /// An unnamed statement's whole result.
        case result(PostgresQueryResult)
        /// A named statement's rows.
        case rows([PostgresRow])
        /// A statement prepared.
        case prepared(PreparedQuery)
    }

    fileprivate let raw: Raw

    /// The rows, decoded.
    func rows() throws -> [PGRow] {
        switch raw {
        case .result(let result): try PGDecode.rows(result.rows)
        case .rows(let rows): try PGDecode.rows(rows, binary: true)
        case .prepared: []
        }
    }
}

/// A statement could not be sent or answered because the connection had closed.
struct PGConnectionClosed: Error {}

/// The TLS settings for an `sslmode`, as libpq reads them (`allow` is taken as `prefer`).
enum PGTLS {
    private static let unverified: Result<NIOSSLContext, any Error> = Result {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.certificateVerification = .none
        return try NIOSSLContext(configuration: tls)
    }

    static func mode(for url: PostgresURL) throws -> PostgresConnection.Configuration.TLS {
        switch url.sslMode ?? "prefer" {
        case "disable":
            return .disable
        case "allow", "prefer":
            return .prefer(try context(unverified, url))
        case "require":
            return .require(try context(unverified, url))
        case let mode:
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = mode == "verify-ca" ? .noHostnameVerification
                : .fullVerification
            let env = ProcessInfo.processInfo.environment
            let home = env["HOME"] ?? NSHomeDirectory()
            let root = env["PGSSLROOTCERT"] ?? home + "/.postgresql/root.crt"
            if FileManager.default.fileExists(atPath: root) {
                tls.trustRoots = .file(root)
            }
            return .require(try context(Result { try NIOSSLContext(configuration: tls) }, url))
        }
    }

    private static func context(
        _ result: Result<NIOSSLContext, any Error>, _ url: PostgresURL
    ) throws -> NIOSSLContext {
        do {
            return try result.get()
        } catch {
            throw StoreError.storage(
                "cannot set up TLS for \(url.place) (sslmode=\(url.sslMode ?? "prefer")); "
                    + "check $PGSSLROOTCERT or ~/.postgresql/root.crt")
        }
    }
}
