import Foundation
import Testing

@testable import AlongsidePostgres

@Suite("Password lookup")
struct PGPasswordTests {
    let url = PostgresURL(user: "mentors", host: "db.trust", port: 5432, database: "alongside")

    /// A fresh home folder holding `.pgpass` with `text` and `mode`.
    func home(_ text: String, mode: Int = 0o600) throws -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgpass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let file = dir + "/.pgpass"
        #expect(FileManager.default.createFile(atPath: file, contents: Data(text.utf8)))
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: file)
        return dir
    }

    @Test func theEnvironmentComesFirst() throws {
        let dir = try home("*:*:*:*:fromfile\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func lookup(_ environment: [String: String]) -> String? {
            PGPassword.lookup(url: url, environment: environment, homeDirectory: dir)
        }
        #expect(lookup(["PGPASSWORD": "fromenv"]) == "fromenv")
        #expect(lookup(["PGPASSWORD": ""]) == "fromfile")
        #expect(lookup([:]) == "fromfile")
    }

    @Test func theFirstMatchingLineWins() throws {
        let dir = try home("""
            # a comment
            other.host:5432:alongside:mentors:wrong-host
            db.trust:6432:alongside:mentors:wrong-port
            db.trust:5432:other:mentors:wrong-db
            db.trust:5432:alongside:someone:wrong-user

            db.trust:5432:alongside:mentors:right
            *:*:*:*:too-late
            """)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PGPassword.lookup(url: url, environment: [:], homeDirectory: dir) == "right")
    }

    @Test func wildcardsMatchAnything() throws {
        let dir = try home("*:5432:*:mentors:wild\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PGPassword.lookup(url: url, environment: [:], homeDirectory: dir) == "wild")
        var other = url
        other.port = 6432
        #expect(PGPassword.lookup(url: other, environment: [:], homeDirectory: dir) == nil)
    }

    @Test func escapedColonsAndBackslashes() throws {
        let dir = try home(#"db.trust:5432:al\:ongside:mentors:p\:a\\ss:ignored"# + "\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var colon = url
        colon.database = "al:ongside"
        #expect(PGPassword.lookup(url: colon, environment: [:], homeDirectory: dir) == #"p:a\ss"#)
        #expect(PGPassword.lookup(url: url, environment: [:], homeDirectory: dir) == nil)
    }

    @Test func aStarIsOnlyAWildcardAsTheWholeField() throws {
        let dir = try home("db.*:5432:alongside:mentors:nope\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(PGPassword.lookup(url: url, environment: [:], homeDirectory: dir) == nil)
    }

    @Test func aFileOthersMayReadIsIgnoredWithAWarning() throws {
        let dir = try home("*:*:*:*:exposed\n", mode: 0o644)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let found = PGPassword.find(url: url, environment: [:], homeDirectory: dir)
        #expect(found.password == nil)
        #expect(found.warning == """
            warning: ~/.pgpass is not read because other users may read it; \
            run chmod 600 ~/.pgpass
            """)
        #expect(!(found.warning ?? "").contains("exposed"))
    }

    @Test func pgpassfileNamesAnotherFile() throws {
        let dir = try home("*:*:*:*:default\n")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let other = try home("*:*:*:*:other\n")
        defer { try? FileManager.default.removeItem(atPath: other) }
        let env = ["PGPASSFILE": other + "/.pgpass"]
        #expect(PGPassword.lookup(url: url, environment: env, homeDirectory: dir) == "other")
    }

    @Test func noFileNoPassword() {
        let found = PGPassword.find(url: url, environment: [:], homeDirectory: "/nonexistent-home")
        #expect(found == PGPassword.Lookup(password: nil, warning: nil))
    }

    @Test func aSocketHostMatchesLocalhostOrItsDirectory() throws {
        let socket = PostgresURL(
            user: "mentors", host: "/run/pg", port: 5432, database: "alongside")
        let local = try home("db.trust:*:*:*:tcp\nlocalhost:5432:alongside:mentors:local\n")
        defer { try? FileManager.default.removeItem(atPath: local) }
        #expect(PGPassword.lookup(url: socket, environment: [:], homeDirectory: local) == "local")
        let byDir = try home("/run/pg:5432:alongside:mentors:dir\nlocalhost:*:*:*:local\n")
        defer { try? FileManager.default.removeItem(atPath: byDir) }
        #expect(PGPassword.lookup(url: socket, environment: [:], homeDirectory: byDir) == "dir")
    }

    @Test func windowsLineEndingsAndAMissingNewline() {
        let crlf = "a:1:b:c:x\r\ndb.trust:5432:alongside:mentors:crlf\r\n"
        #expect(PGPassword.match(crlf, url: url) == "crlf")
        #expect(PGPassword.match("db.trust:5432:alongside:mentors:last", url: url) == "last")
    }
}
