import AlongsideCore
import AlongsideStore
import Foundation
import PostgresTestSupport
import Testing

@testable import AlongsidePostgres
@testable import AlongsideSQLite

/// The throwaway cluster of this test process (started on first use).
enum Fixture {
    static let shared: Result<PostgresCluster?, any Error> = Result { try PostgresCluster.shared() }

    /// Whether the tests can run: true unless no PostgreSQL server is installed (and it is not
    /// required). A cluster that fails to start is a failure, not a skip.
    static var available: Bool {
        if case .success(nil) = shared { return false }
        return true
    }

    static func cluster() throws -> PostgresCluster {
        try #require(try shared.get())
    }

    /// A fresh database: its URL (no password in it) and the password.
    static func database(_ name: String) throws -> (url: PostgresURL, password: String) {
        let made = try cluster().newDatabase(name: name)
        return (try PostgresURL.parse(made.url), made.password)
    }

    /// A store on a fresh database.
    static func store(
        _ name: String, lockTimeoutMilliseconds: Int = 60_000
    ) throws -> (store: PostgresStore, url: PostgresURL, password: String) {
        let db = try database(name)
        let store = try PostgresStore(
            url: db.url, password: db.password, lockTimeoutMilliseconds: lockTimeoutMilliseconds)
        return (store, db.url, db.password)
    }

    /// A raw connection (as the superuser) to the same database, to act behind the store's
    /// back.
    static func raw(_ url: PostgresURL, _ password: String) throws -> PGConnection {
        try PGConnection.connect(url, password: password)
    }
}

/// A fresh SQLite file in a temporary folder.
struct TempSQLite {
    let root: URL
    let path: String

    init() {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-pgstore-\(UUID().uuidString)")
        path = root.appendingPathComponent("site.sqlite").path
    }

    func open() throws -> SQLiteStore { try SQLiteStore(path: path) }

    func remove() { try? FileManager.default.removeItem(at: root) }
}

/// What a call gave: its value, or the words of its error.
enum Got<T: Equatable>: Equatable {
    case value(T)
    case failed(String)
}

/// The same calls on a SQLite store and a PostgreSQL store, side by side; every result must
/// be the same.
final class Twin {
    let sqlite: SQLiteStore
    let pg: PostgresStore
    let file: TempSQLite
    let url: PostgresURL
    let password: String

    init(_ name: String) throws {
        file = TempSQLite()
        sqlite = try file.open()
        let made = try Fixture.store(name)
        pg = made.store
        url = made.url
        password = made.password
    }

    deinit { file.remove() }

    private static func outcome<T: Equatable>(_ body: () throws -> T) -> Got<T> {
        do { return .value(try body()) } catch { return .failed("\(error)") }
    }

    /// Reads on both; expects the same result (or the same error); returns SQLite's.
    @discardableResult
    func read<T: Equatable>(
        _ label: String, _ body: (any StoreReading) throws -> T,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Got<T> {
        let a = Self.outcome { try sqlite.read(body) }
        let b = Self.outcome { try pg.read(body) }
        #expect(a == b, "\(label)", sourceLocation: sourceLocation)
        return a
    }

    /// Writes on both; expects the same result (or the same error); returns SQLite's.
    @discardableResult
    func write<T: Equatable>(
        _ label: String, _ context: ActingContext, _ body: (any StoreWriting) throws -> T,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Got<T> {
        let a = Self.outcome { try sqlite.write(context, body) }
        let b = Self.outcome { try pg.write(context, body) }
        #expect(a == b, "\(label)", sourceLocation: sourceLocation)
        return a
    }

    /// Writes on both a body that returns nothing; expects the same outcome.
    @_disfavoredOverload
    @discardableResult
    func write(
        _ label: String, _ context: ActingContext, _ body: (any StoreWriting) throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Got<Bool> {
        write(
            label, context,
            { tx -> Bool in
                try body(tx)
                return true
            }, sourceLocation: sourceLocation)
    }

    /// Writes on both, expecting both to fail (the words may differ: each database says it
    /// its own way).
    func writeFails(
        _ label: String, _ context: ActingContext, _ body: (any StoreWriting) throws -> Void,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let a = Self.outcome { () -> Bool in
            try sqlite.write(context, body)
            return true
        }
        let b = Self.outcome { () -> Bool in
            try pg.write(context, body)
            return true
        }
        if case .value = a {
            Issue.record("\(label): SQLite did not fail", sourceLocation: sourceLocation)
        }
        if case .value = b {
            Issue.record("\(label): PostgreSQL did not fail", sourceLocation: sourceLocation)
        }
    }

    /// Every audited record's canonical state, by record key (the text its digest covers).
    func canonicalStates() throws -> (sqlite: [String: String], pg: [String: String]) {
        var a: [String: String] = [:]
        try sqlite.queue.read { db in
            for table in AuditedTable.all {
                try table.forEachRow(db) { key, canonical in a[key] = canonical }
            }
        }
        var b: [String: String] = [:]
        try pg.transaction(write: false) { run in
            for table in PGAuditedTable.all {
                try table.forEachRow(run) { key, canonical in b[key] = canonical }
            }
        }
        return (a, b)
    }
}

/// An audit entry without its hashes (salted, so different in every store).
struct EntryContent: Equatable, CustomStringConvertible {
    let seq: Int64
    let at: Date
    let actor, command, action: String
    let entity, before, after: String?

    init(_ e: AuditEntry) {
        seq = e.seq
        at = e.at
        actor = e.actor
        command = e.command
        action = e.action
        entity = e.entity
        before = e.before
        after = e.after
    }

    var description: String {
        "\(seq) \(action) \(entity ?? "-") \(before ?? "-") \(after ?? "-")"
    }
}

let t0 = Date(timeIntervalSince1970: 1_794_820_445)  // 2026-11-16T09:14:05Z

func context(_ command: String, actor: String = "alice", at: Date = t0) -> ActingContext {
    ActingContext(actor: actor, command: command, at: at)
}

let amy = Mentor(
    id: "amy-w", name: "Amy Walsh", gender: "female", languages: ["english", "polish"],
    localities: ["blackpool", "fleetwood"], experience: ["alcohol", "bereavement"], capacity: 2,
    dbsRecheckDue: LocalDate(year: 2027, month: 6, day: 30), lead: true, status: .active)

func mentor(_ id: String, capacity: Int = 2) -> Mentor {
    Mentor(
        id: id, name: "Mentor \(id)", gender: "male", languages: ["english"],
        localities: ["blackpool"], experience: ["alcohol"], capacity: capacity)
}

func person(
    nhs: String? = "9434765919", ref: String? = "MRN-123", at: Date = t0.addingTimeInterval(-3000),
    site: String = SiteName.main
) -> Presentation {
    Presentation(
        ref: ref, nhs: nhs, locality: "blackpool", needs: ["alcohol", "housing"],
        arrivedAt: at, edArrival: at.addingTimeInterval(-1000), ageBand: "25-34", gender: "male",
        mentorGender: "female", language: "polish", leadMentor: true, site: site)
}
