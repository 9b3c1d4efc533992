import Foundation
import PostgresNIO

/// The statements one connection keeps prepared (named statements of the protocol), so that
/// the server parses and analyses each of them once per connection, and plans it once when a
/// generic plan is no dearer than its first five custom plans, rather than on every run.
///
/// A statement run twice in transactions on the connection is prepared just before the next
/// transaction begins, in the same wait as its `BEGIN` (so a one-shot process, which runs
/// most statements once, sends nothing more; and a statement the server will not prepare
/// fails outside any transaction, where it harms nothing), then looked up in
/// `pg_prepared_statements` for the types the server gave its parameters. It is run by name
/// from then on only when those are the types the unnamed statement declares for its binds
/// (`int8`, `bool`, `float8`, `bytea`) and, for text binds, ones whose binary form is the
/// text itself (`text`, `varchar`, `json`), which is how postgres-nio sends the binds of a
/// named statement; a NULL fits any type. So a statement runs by name exactly as it would
/// unnamed, or not by name at all. The same SQL with binds of other kinds is another
/// statement.
///
/// Named statements belong to the session and outlive the transaction that used them; a new
/// connection starts with none. Only `SELECT`, `INSERT`, `UPDATE`, `DELETE`, `WITH` and
/// `VALUES` statements of at most ``maximumBinds`` binds are prepared, at most ``capacity``
/// per connection.
struct PGPreparedStatements {
    /// The most statements one connection keeps prepared.
    static let capacity = 500
    /// The most binds of a statement that is prepared (bulk inserts are not).
    static let maximumBinds = 100
    /// The most statements counted while waiting for their second run.
    static let countedLimit = 5000

    /// One statement waiting to be prepared.
    struct Pending {
        let key: String
        let sql: String
        let kinds: [Kind]
    }

    /// The kind of a bind, as far as the statement's meaning goes.
    enum Kind: Hashable {
        case int, bool, double, bytes, text, null

        init(_ value: PGValue) {
            switch value {
            case .int: self = .int
            case .bool: self = .bool
            case .double: self = .double
            case .bytes: self = .bytes
            case .text: self = .text
            case .null: self = .null
            }
        }

        /// Whether a parameter of type `oid` takes this kind of bind as a named statement
        /// sends it.
        func fits(_ oid: UInt32) -> Bool {
            switch self {
            case .int: oid == PostgresDataType.int8.rawValue
            case .bool: oid == PostgresDataType.bool.rawValue
            case .double: oid == PostgresDataType.float8.rawValue
            case .bytes: oid == PostgresDataType.bytea.rawValue
            case .text:
                [PostgresDataType.text, .varchar, .json].map(\.rawValue).contains(oid)
            case .null: true
            }
        }
    }

    /// The statements prepared and fit to run by name, by ``key(_:_:)``.
    private var named: [String: PreparedQuery] = [:]
    /// Statements the server would not prepare, or not with types that fit.
    private var refused: Set<String> = []
    /// How often each statement not yet prepared has run.
    private var counted: [String: Int] = [:]
    /// Statements run twice, to prepare before the next transaction.
    private var pending: [Pending] = []

    /// How many statements run by name.
    var count: Int { named.count }

    /// The named statement to run `sql` with `binds` by, if there is one; else counts the
    /// run (a second one puts the statement in ``takePending()``).
    mutating func named(_ sql: String, _ binds: [PGValue]) -> PreparedQuery? {
        guard binds.count <= Self.maximumBinds, Self.preparable(sql) else { return nil }
        let kinds = binds.map(Kind.init)
        let key = Self.key(sql, kinds)
        if let query = named[key] { return query }
        guard !refused.contains(key), named.count + pending.count < Self.capacity else {
            return nil
        }
        let runs = counted[key, default: 0] + 1
        if runs == 2 {
            counted[key] = nil
            pending.append(Pending(key: key, sql: sql, kinds: kinds))
        } else {
            if counted.count >= Self.countedLimit { counted.removeAll(keepingCapacity: true) }
            counted[key] = runs
        }
        return nil
    }

    /// The statements to prepare now (each once).
    mutating func takePending() -> [Pending] {
        defer { pending = [] }
        return pending
    }

    /// What preparing `statement` gave: the named statement and its parameters' types (OIDs,
    /// from ``typesQuery``), or nil when the server refused it. It runs by name from now on
    /// when the types fit its binds; otherwise never.
    mutating func prepared(_ statement: Pending, _ result: (PreparedQuery, [UInt32])?) {
        guard let (query, types) = result, types.count == statement.kinds.count,
            zip(statement.kinds, types).allSatisfy({ $0.fits($1) })
        else {
            refused.insert(statement.key)
            return
        }
        named[statement.key] = query
    }

    /// The statement `sql` with `binds` is no longer run by name (its plan cannot be used
    /// again: a table it reads changed its columns).
    mutating func forget(_ sql: String, _ binds: [PGValue]) {
        let key = Self.key(sql, binds.map(Kind.init))
        named[key] = nil
        refused.insert(key)
    }

    /// The types (OIDs) the server gave the parameters of the named statement whose text is
    /// `$1`, one row each, in order.
    static let typesQuery = """
        SELECT p.type::oid::bigint FROM pg_prepared_statements s,
            unnest(s.parameter_types) WITH ORDINALITY AS p(type, i)
        WHERE s.name = (SELECT name FROM pg_prepared_statements
                        WHERE statement = $1::text AND NOT from_sql LIMIT 1)
        ORDER BY p.i
        """

    /// A bind as a named statement sends it (binary format: text as its UTF-8 bytes).
    static func data(_ value: PGValue) -> PostgresData {
        switch value {
        case .null:
            return PostgresData(type: .null)
        case .int(let v):
            return PostgresData(type: .int8, value: ByteBuffer(integer: v))
        case .bool(let v):
            return PostgresData(type: .bool, value: ByteBuffer(integer: UInt8(v ? 1 : 0)))
        case .double(let v):
            return PostgresData(type: .float8, value: ByteBuffer(integer: v.bitPattern))
        case .bytes(let v):
            return PostgresData(type: .bytea, value: ByteBuffer(bytes: v))
        case .text(let v):
            return PostgresData(type: .text, value: ByteBuffer(string: v))
        }
    }

    /// The statement's identity: its bind kinds and its SQL.
    private static func key(_ sql: String, _ kinds: [Kind]) -> String {
        kinds.map { "\($0)" }.joined(separator: ",") + "\u{1F}" + sql
    }

    /// Whether `sql` is a statement worth preparing.
    private static func preparable(_ sql: String) -> Bool {
        let word = sql.utf8.drop { $0 == 32 || $0 == 10 || $0 == 9 || $0 == 13 }
            .prefix { $0 >= 65 && $0 <= 90 || $0 >= 97 && $0 <= 122 }
        switch String(decoding: word, as: UTF8.self).uppercased() {
        case "SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES": return true
        default: return false
        }
    }
}
