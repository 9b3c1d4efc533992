import AlongsidePostgres
import AlongsideSQLite
import AlongsideStore
import Foundation
import PostgresTestSupport
import Testing

// The store contract suite (issue 11): every test here takes a `StoreKind` and runs the same
// assertions against each implementation of `AlongsideStore`, as fluent-kit's benchmark suite
// is run by both its SQLite and its PostgreSQL drivers. A test that passes on one store and
// fails on another has found a difference in behaviour, which is a bug in one of them.

/// The implementations of the store contract.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    /// A site's own SQLite file (`SQLiteStore`).
    case sqlite
    /// The trust's shared PostgreSQL database (`PostgresStore`).
    case postgres

    var testDescription: String { rawValue }

    /// Whether `ALONGSIDE_REQUIRE_POSTGRES=1`: the postgres kind must run, never be skipped.
    static var postgresRequired: Bool {
        ProcessInfo.processInfo.environment["ALONGSIDE_REQUIRE_POSTGRES"] == "1"
    }

    /// The kinds this machine can run: SQLite always; PostgreSQL when a server can be
    /// started (or when it is required, so that its tests fail loudly instead of vanishing).
    static let available: [StoreKind] = {
        var kinds: [StoreKind] = [.sqlite]
        switch PostgresHarness.state {
        case .available, .broken: kinds.append(.postgres)
        case .absent: if postgresRequired { kinds.append(.postgres) }
        }
        return kinds
    }()

    /// A fresh, empty store of this kind.
    func fresh(_ name: String = "contract") throws -> StoreFixture {
        switch self {
        case .sqlite:
            let root = FileManager.default.temporaryDirectory
                .appendingPathComponent("alongside-contract-\(Letters.unique())")
            let path = root.appendingPathComponent("site/alongside.sqlite").path
            let opening = SQLiteStoreOpening()
            return StoreFixture(
                kind: self, store: try opening.open(path, environment: [:]),
                reopen: { try opening.open(path, environment: [:]) },
                remove: { try? FileManager.default.removeItem(at: root) })
        case .postgres:
            return try PostgresHarness.fresh(name)
        }
    }
}

/// A store made for one test, and how to open another instance on the same database.
struct StoreFixture {
    let kind: StoreKind
    /// The store under test.
    let store: any AlongsideStore
    /// Opens another instance (another connection) on the same database.
    let reopen: () throws -> any AlongsideStore
    /// Deletes the database.
    let remove: () -> Void
    /// The password the database was opened with, if any (it must never show).
    var password: String? = nil
}

/// Whether and how PostgreSQL can be had for these tests.
enum PostgresHarness {
    enum State {
        /// A throwaway cluster is running.
        case available
        /// No PostgreSQL server here (and none required): the postgres kind is skipped.
        case absent
        /// A server is required or installed but could not be used: every postgres test
        /// fails with this message.
        case broken(String)
    }

    static let state: State = {
        do {
            return try PostgresCluster.shared() == nil ? .absent : .available
        } catch {
            return .broken("\(error)")
        }
    }()

    static func fresh(_ name: String) throws -> StoreFixture {
        if case .broken(let why) = state { throw HarnessError(why) }
        guard let cluster = try PostgresCluster.shared() else {
            throw HarnessError(
                "ALONGSIDE_REQUIRE_POSTGRES=1 but no PostgreSQL server is available")
        }
        let (url, password) = try cluster.newDatabase(name: name)
        let environment = ["PGPASSWORD": password]
        let opening = PostgresStoreOpening()
        let database = String(url.split(separator: "/").last ?? "")
        let store = try opening.open(url, environment: environment)
        return StoreFixture(
            kind: .postgres, store: store,
            reopen: { try opening.open(url, environment: environment) },
            remove: {
                // Closed first, so the drop has no session to end.
                (store as? PostgresStore)?.close()
                try? cluster.dropDatabase(database)
            }, password: password)
    }
}

/// Why the harness could not give a store.
struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Unique names with no digits (a path or database name echoed in a message then never
/// holds ten digits that would be redacted as an NHS number).
enum Letters {
    static func unique() -> String {
        String(
            UUID().uuidString.lowercased().compactMap { c -> Character? in
                if c == "-" { return nil }
                guard let d = c.wholeNumberValue else { return c }
                return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
            })
    }
}

@Suite("Store kinds")
struct StoreKindTests {
    /// With `ALONGSIDE_REQUIRE_POSTGRES=1` (CI), a missing or broken PostgreSQL fails here,
    /// by name, rather than the postgres half of the suite quietly not running.
    @Test func postgresRunsWhenRequired() {
        guard StoreKind.postgresRequired else { return }
        if case .broken(let why) = PostgresHarness.state {
            Issue.record("PostgreSQL is required (ALONGSIDE_REQUIRE_POSTGRES=1): \(why)")
        }
        #expect(StoreKind.available.contains(.postgres))
    }
}
