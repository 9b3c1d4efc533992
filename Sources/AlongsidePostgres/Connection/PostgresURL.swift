import AlongsideStore
import Foundation

/// Where the trust database is: `postgres://USER@HOST[:PORT]/DB[?sslmode=…]` (or
/// `postgresql://`), parsed without ever holding a password.
///
/// The host is a name, an IPv4 address, a bracketed IPv6 address (`[::1]`), or — as libpq
/// allows — the directory of the server's unix socket, given either percent-encoded in the
/// host (`postgres://me@%2Fvar%2Frun%2Fpostgresql/trust`) or as a query parameter
/// (`postgres://me@/trust?host=/var/run/postgresql`). A socket host is kept as that absolute
/// directory (it starts with `/`); the socket itself is `DIR/.s.PGSQL.PORT`.
public struct PostgresURL: Sendable, Equatable {
    /// The role to log in as.
    public var user: String
    /// A host name or address, or the absolute directory of a unix socket.
    public var host: String
    /// The TCP port, or the number in the unix socket's name.
    public var port: Int
    /// The database.
    public var database: String
    /// The `sslmode` parameter as written (`disable`, `allow`, `prefer`, `require`,
    /// `verify-ca`, `verify-full`); nil means libpq's default, `prefer`.
    public var sslMode: String?

    /// The `sslmode` values libpq understands.
    public static let sslModes = [
        "disable", "allow", "prefer", "require", "verify-ca", "verify-full",
    ]

    /// A URL from its parts.
    public init(
        user: String, host: String, port: Int = 5432, database: String, sslMode: String? = nil
    ) {
        self.user = user
        self.host = host
        self.port = port
        self.database = database
        self.sslMode = sslMode
    }

    /// Whether `host` is a unix socket directory rather than a network host.
    public var isSocket: Bool { host.hasPrefix("/") }

    /// The unix socket's path (`DIR/.s.PGSQL.PORT`), when the host is a socket directory.
    public var socketPath: String? {
        guard isSocket else { return nil }
        let dir = host.hasSuffix("/") ? String(host.dropLast()) : host
        return "\(dir)/.s.PGSQL.\(port)"
    }

    /// `HOST:PORT` as people write it (an IPv6 address in brackets).
    public var hostAndPort: String {
        let shown = host.contains(":") ? "[\(host)]" : host
        return "\(shown):\(port)"
    }

    /// Where the server is, for messages: `HOST:PORT`, or the socket's path.
    var place: String { socketPath ?? hostAndPort }

    /// The URL without any password, for messages: `user@host:port/db`.
    public var display: String { "\(user)@\(hostAndPort)/\(database)" }

    /// Whether `text` is meant as a PostgreSQL URL (`postgres://` or `postgresql://`, in any
    /// case) rather than a SQLite file path.
    public static func isPostgres(_ text: String) -> Bool {
        schemeLength(text) != nil
    }

    private static func schemeLength(_ text: String) -> Int? {
        let lower = text.lowercased()
        for scheme in ["postgresql://", "postgres://"] where lower.hasPrefix(scheme) {
            return scheme.count
        }
        return nil
    }

    /// Parses `postgres://USER@HOST[:PORT]/DB[?sslmode=…&host=…&port=…]`.
    ///
    /// Throws `StoreError.incompatible` naming what is wrong and how to write it; no message
    /// ever repeats the URL or anything that could be a password.
    public static func parse(_ text: String) throws -> PostgresURL {
        let form = "write it as postgres://USER@HOST[:PORT]/DB"
        guard let schemeCount = schemeLength(text) else {
            throw bad("a PostgreSQL URL starts with postgres:// or postgresql://")
        }
        var rest = Substring(text.dropFirst(schemeCount))
        if rest.contains("#") {
            throw bad("a PostgreSQL URL may not contain '#'; \(form)")
        }
        var queryText: Substring?
        if let q = rest.firstIndex(of: "?") {
            queryText = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        let authority: Substring
        var pathPart: Substring?
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            pathPart = rest[rest.index(after: slash)...]
        } else {
            authority = rest
        }
        // The user is everything before the last '@' (an '@' in a user name must be %40).
        guard let at = authority.lastIndex(of: "@") else {
            // `me:pa/ss@host`: a password with a '/' in it.
            if let later = rest.lastIndex(of: "@"), rest[..<later].contains(":") {
                throw passwordInURL
            }
            throw bad("the URL names no user; \(form)")
        }
        let userInfo = authority[..<at]
        let hostPort = authority[authority.index(after: at)...]
        if userInfo.contains(":") {
            throw passwordInURL
        }
        guard let user = decode(userInfo), !user.isEmpty else {
            throw bad("the URL names no user; \(form)")
        }

        var host = ""
        var port = 5432
        if hostPort.contains(",") {
            throw bad("the URL may name one host only; \(form)")
        }
        var hostText = hostPort
        var portText: Substring?
        if hostText.hasPrefix("[") {
            guard let close = hostText.firstIndex(of: "]") else {
                throw bad("an IPv6 host needs its closing ']'; \(form)")
            }
            let after = hostText[hostText.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw bad("the host is followed by something that is not :PORT; \(form)")
                }
                portText = after.dropFirst()
            }
            hostText = hostText[hostText.index(after: hostText.startIndex)..<close]
        } else if let colon = hostText.lastIndex(of: ":") {
            portText = hostText[hostText.index(after: colon)...]
            hostText = hostText[..<colon]
        }
        if let portText {
            port = try parsePort(portText)
        }
        guard let decodedHost = decode(hostText) else {
            throw bad("the host is not valid percent-encoding; \(form)")
        }
        host = decodedHost

        var database = ""
        if let pathPart {
            if pathPart.contains("/") {
                throw bad("the database name may not contain '/'; \(form)")
            }
            guard let db = decode(pathPart) else {
                throw bad("the database name is not valid percent-encoding; \(form)")
            }
            database = db
        }

        var sslMode: String?
        if let queryText, !queryText.isEmpty {
            for pair in queryText.split(separator: "&", omittingEmptySubsequences: true) {
                let name: Substring
                let value: Substring
                if let eq = pair.firstIndex(of: "=") {
                    name = pair[..<eq]
                    value = pair[pair.index(after: eq)...]
                } else {
                    name = pair
                    value = ""
                }
                let key = (decode(name) ?? "").lowercased()
                switch key {
                case "password", "passfile":
                    throw passwordInURL
                case "sslmode":
                    let mode = (decode(value) ?? "").lowercased()
                    guard sslModes.contains(mode) else {
                        throw bad(
                            "sslmode must be one of \(sslModes.joined(separator: ", "))")
                    }
                    sslMode = mode
                case "host":
                    guard let h = decode(value), !h.isEmpty else {
                        throw bad(
                            "the host parameter is empty; give ?host=/socket/directory or a name")
                    }
                    if h.contains(",") {
                        throw bad("the URL may name one host only; \(form)")
                    }
                    host = h
                case "port":
                    port = try parsePort(value)
                case "user":
                    throw bad(
                        "give the user once, before the '@' (\(form)), not as ?user=")
                case "dbname":
                    throw bad(
                        "give the database once, after the host (\(form)), not as ?dbname=")
                default:
                    let shown = isPlainWord(key) ? " '\(key)'" : ""
                    throw bad(
                        "the URL parameter\(shown) is not understood; only sslmode, host and "
                            + "port are")
                }
            }
        }
        if host.isEmpty {
            throw bad(
                "the URL names no host; \(form) (or ?host=/socket/directory)")
        }
        if !host.hasPrefix("/") && host.contains("/") {
            throw bad(
                "a socket directory must be an absolute path; a host name may not contain '/'")
        }
        if database.isEmpty {
            throw bad("the URL names no database; \(form)")
        }
        return PostgresURL(user: user, host: host, port: port, database: database, sslMode: sslMode)
    }

    private static func bad(_ message: String) -> StoreError {
        .incompatible("--db: " + message)
    }

    private static let passwordInURL = StoreError.incompatible(
        "--db: a password may not be written in the URL; put it in $PGPASSWORD or ~/.pgpass")

    private static func parsePort(_ text: Substring) throws -> Int {
        guard !text.isEmpty, text.count <= 5, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(text), (1...65535).contains(n) else {
            throw bad("the port must be a number from 1 to 65535")
        }
        return n
    }

    private static func decode(_ text: Substring) -> String? {
        if !text.contains("%") { return String(text) }
        return String(text).removingPercentEncoding
    }

    private static func isPlainWord(_ text: String) -> Bool {
        !text.isEmpty && text.count <= 32
            && text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
