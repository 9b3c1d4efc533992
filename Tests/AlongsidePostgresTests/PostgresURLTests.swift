import AlongsideStore
import Testing

@testable import AlongsidePostgres

@Suite("PostgreSQL URLs")
struct PostgresURLTests {
    @Test func theContractForm() throws {
        let url = try PostgresURL.parse(
            "postgres://mentors@db.trust.nhs.uk:6432/alongside?sslmode=require")
        #expect(url == PostgresURL(
            user: "mentors", host: "db.trust.nhs.uk", port: 6432, database: "alongside",
            sslMode: "require"))
        #expect(url.display == "mentors@db.trust.nhs.uk:6432/alongside")
        #expect(!url.isSocket)
    }

    @Test func defaultsAndTheLongScheme() throws {
        let url = try PostgresURL.parse("PostgreSQL://me@localhost/trust")
        #expect(url.port == 5432)
        #expect(url.sslMode == nil)
        #expect(url.display == "me@localhost:5432/trust")
    }

    @Test func percentEncodingAndIPv6() throws {
        let url = try PostgresURL.parse("postgres://a%40b@[::1]:5433/my%20db")
        #expect(url.user == "a@b")
        #expect(url.host == "::1")
        #expect(url.database == "my db")
        #expect(url.display == "a@b@[::1]:5433/my db")
    }

    @Test func socketDirectoryAsParameterOrEncodedHost() throws {
        let byParameter = try PostgresURL.parse(
            "postgres://me@/trust?host=/var/run/postgresql&port=5433")
        #expect(byParameter.host == "/var/run/postgresql")
        #expect(byParameter.isSocket)
        #expect(byParameter.socketPath == "/var/run/postgresql/.s.PGSQL.5433")
        let encoded = try PostgresURL.parse("postgresql://me@%2Fvar%2Frun%2Fpostgresql/trust")
        #expect(encoded.host == "/var/run/postgresql")
        #expect(encoded.socketPath == "/var/run/postgresql/.s.PGSQL.5432")
    }

    @Test func isPostgresLooksAtTheSchemeOnly() {
        #expect(PostgresURL.isPostgres("postgres://x@y/z"))
        #expect(PostgresURL.isPostgres("POSTGRESQL://x@y/z"))
        #expect(!PostgresURL.isPostgres("trust.sqlite"))
        #expect(!PostgresURL.isPostgres("/tmp/postgres://x"))
        #expect(!PostgresURL.isPostgres("mysql://x@y/z"))
    }

    static let secret = "Sup3r-s3cret!"

    @Test(arguments: [
        "postgres://me:\(secret)@db/trust",
        "postgres://me:\(secret)@db:5432/trust?sslmode=disable",
        "postgres://me@db/trust?password=\(secret)",
        "postgresql://me:@db/trust",
        "postgres://me:\(secret)/x@db/trust",
    ])
    func aPasswordInTheURLIsRefusedWithoutBeingEchoed(text: String) {
        let error = #expect(throws: StoreError.self) { try PostgresURL.parse(text) }
        #expect(error == .incompatible(
            "--db: a password may not be written in the URL; put it in $PGPASSWORD or ~/.pgpass"))
        #expect(!(error?.description.contains(Self.secret) ?? true))
    }

    @Test(arguments: [
        ("postgres://db/trust", "names no user"),
        ("postgres://me@db", "names no database"),
        ("postgres://me@db/", "names no database"),
        ("postgres://me@/trust", "names no host"),
        ("postgres://me@db:0/trust", "port must be a number from 1 to 65535"),
        ("postgres://me@db:99999/trust", "port must be a number from 1 to 65535"),
        ("postgres://me@db:54x/trust", "port must be a number from 1 to 65535"),
        ("postgres://me@db/trust?sslmode=sometimes", "sslmode must be one of"),
        ("postgres://me@a,b/trust", "one host only"),
        ("postgres://me@db/trust?application=x", "parameter 'application' is not understood"),
        ("postgres://me@db/trust?user=x", "give the user once"),
        ("postgres://me@db/a/b", "may not contain '/'"),
        ("postgres://me@[::1/trust", "closing ']'"),
        ("mysql://me@db/trust", "starts with postgres://"),
    ])
    func badURLsNameTheFix(text: String, words: String) {
        let error = #expect(throws: StoreError.self) { try PostgresURL.parse(text) }
        let message = error?.description ?? ""
        #expect(message.hasPrefix("--db: "), "\(message)")
        #expect(message.contains(words), "\(message)")
    }

    @Test func anUnknownParameterThatIsNotAPlainWordIsNotEchoed() {
        let error = #expect(throws: StoreError.self) {
            try PostgresURL.parse("postgres://me@db/trust?\(Self.secret)=1")
        }
        #expect(!(error?.description.contains(Self.secret) ?? true))
    }
}
