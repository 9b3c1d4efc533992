import Foundation
import PostgresTestSupport
import Testing

// The trust database (spec §9) through the built binary: the same scripted day on SQLite and
// on a real PostgreSQL server prints the same JSON, and three consoles at three sites racing
// for the same places never overbook and never show a lock error.

/// A sandbox whose database is a fresh database on the throwaway cluster, or nil when no
/// PostgreSQL server can be started here (the suite is then skipped, except in CI, where
/// `ALONGSIDE_REQUIRE_POSTGRES=1` makes a missing server a failure).
private func trustSandbox(now: Date, name: String) throws -> Sandbox? {
    guard let cluster = try PostgresCluster.shared() else { return nil }
    let (url, password) = try cluster.newDatabase(name: name)
    let s = try Sandbox(now: now, database: url)
    s.environment["PGPASSWORD"] = password
    return s
}

private func utc(_ text: String) -> Date {
    let f = ISO8601DateFormatter()
    f.formatOptions = [.withInternetDateTime]
    return f.date(from: text)!
}

/// One scripted day, in steps: each runs at its own time, one command per `-c`.
private let day: [(at: String, lines: [String])] = [
    (
        "2026-11-10T07:55:00Z",
        [
            #"mentor add M1 --name "Amy Walsh" --gender female --localities blackpool,fleetwood --experience alcohol,housing --languages english,polish --capacity 2"#,
            #"mentor add M2 --name "Ben Ode" --gender male --localities blackpool --experience alcohol,debt --capacity 1 --lead"#,
            #"mentor add M3 --name "Cat Lee" --gender female --localities preston --experience bereavement --capacity 1"#,
            #"mentor add M10 --name "Dev Rao" --gender male --localities blackpool --experience housing,debt --capacity 2"#,
            "shift add M1 2026-11-10T08:00:00Z 2026-11-10T20:00:00Z",
            "shift add M2 2026-11-10T08:00:00Z 2026-11-10T16:00:00Z",
            "shift add M3 2026-11-10T08:00:00Z 2026-11-10T20:00:00Z",
            "shift add M10 2026-11-10T09:00:00Z 2026-11-10T21:00:00Z",
            "mentors --format json",
        ]
    ),
    (
        "2026-11-10T09:05:00Z",
        [
            "register --locality blackpool --needs alcohol,housing --at 2026-11-10T09:00:00Z --format json",
            "register --locality blackpool --needs debt --at 2026-11-10T09:02:00Z --format json",
            "register --locality preston --needs bereavement --at 2026-11-10T09:03:00Z --format json",
            "register --locality fleetwood --needs alcohol --at 2026-11-10T09:04:00Z --format json",
            "match P1 --format json",
            "assign P1 M1",
            "assign P2 M2",
            "decline P2 --reason busy",
            "queue --format json",
        ]
    ),
    (
        "2026-11-10T09:50:00Z",
        [
            "seen P1",
            "allocate --format json",
            "allocate --confirm --format json",
            "queue --format json",
        ]
    ),
    (
        "2026-11-10T11:30:00Z",
        [
            "seen P3",
            "close P1 supported-discharged",
            "close P4 left-before-seen",
            "show P1 --format json",
            "show P2 --format json",
            "handover --format json",
            "queue --format json",
        ]
    ),
    (
        "2026-11-17T19:40:00Z",
        [
            "summary week 2026-W46 --format json",
            "summary week --format json",
            "summary trend --format json",
            "mentors --format json",
            "audit verify",
            "check",
        ]
    ),
]

@Suite("Trust database (PostgreSQL)", .serialized)
struct TrustDatabaseTests {
    @Test("one scripted day prints the same JSON on SQLite and on PostgreSQL")
    func theDifferentialDay() throws {
        guard let pg = try trustSandbox(now: utc(day[0].at), name: "differential") else { return }
        let lite = try Sandbox(now: utc(day[0].at))
        for step in day {
            lite.now = utc(step.at)
            pg.now = utc(step.at)
            for line in step.lines {
                let a = try lite.run(["-c", line])
                let b = try pg.run(["-c", line])
                #expect(a.status == 0, "SQLite: \(line): \(a)")
                #expect(a.stdout == b.stdout, "\(line)\n--- SQLite\n\(a.stdout)--- PostgreSQL\n\(b.stdout)")
                #expect(a.status == b.status, "\(line): SQLite \(a) · PostgreSQL \(b)")
                #expect(!b.stderr.contains("SQL") && !b.stderr.contains("PSQL"), "\(line): \(b.stderr)")
            }
        }
    }

    @Test("three consoles at three sites racing for five places: none overbooked, no lock text")
    func threeSitesRaceForFivePlaces() throws {
        let t0 = utc("2026-11-10T10:00:00Z")
        guard let admin = try trustSandbox(now: t0, name: "race") else { return }
        var setup = [String]()
        // Five places: M1 and M2 take two each, M3 one.
        for (id, cap) in [("M1", 2), ("M2", 2), ("M3", 1)] {
            setup.append("mentor add \(id) --name Mentor\(id) --localities blackpool --experience alcohol --capacity \(cap)")
            setup.append("shift add \(id) 2026-11-10T08:00:00Z 2026-11-10T20:00:00Z")
        }
        try admin.setUp(setup)
        let sites = ["victoria", "clifton", "fleetwood-utc"]
        // Each site registers four people and asks allocate to place everyone, again and
        // again: three processes at once, each its own connection.
        var script = ""
        for _ in 0..<4 { script += "register --locality blackpool --needs alcohol\n" }
        for _ in 0..<4 { script += "allocate --confirm\n" }
        let binary = try #require(AlongsideBinary.url)
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("ALONGSIDE_") { env[key] = nil }
        env["ALONGSIDE_DB"] = admin.db
        env["HOME"] = admin.home.path
        env["NO_COLOR"] = "1"
        env["ALONGSIDE_TEST_NO_SLEEP"] = "1"
        env["ALONGSIDE_TEST_NOW"] = Times.iso(t0)
        for (k, v) in admin.environment { env[k] = v }
        let scriptPath = admin.root.appendingPathComponent("race.txt")
        try Data(script.utf8).write(to: scriptPath)
        var running: [(Process, URL, URL)] = []
        for site in sites {
            let out = admin.root.appendingPathComponent("out-\(site)")
            let err = admin.root.appendingPathComponent("err-\(site)")
            _ = FileManager.default.createFile(atPath: out.path, contents: nil)
            _ = FileManager.default.createFile(atPath: err.path, contents: nil)
            let p = Process()
            p.executableURL = binary
            p.arguments = ["--site", site]
            p.environment = env
            p.standardInput = try FileHandle(forReadingFrom: scriptPath)
            p.standardOutput = try FileHandle(forWritingTo: out)
            p.standardError = try FileHandle(forWritingTo: err)
            running.append((p, out, err))
        }
        for (p, _, _) in running { try p.run() }
        var results: [RunResult] = []
        for (p, out, err) in running {
            p.waitUntilExit()
            results.append(
                RunResult(
                    status: p.terminationStatus,
                    stdout: try String(contentsOf: out, encoding: .utf8),
                    stderr: try String(contentsOf: err, encoding: .utf8)))
        }
        for (i, r) in results.enumerated() {
            #expect(r.status == 0, "\(sites[i]): \(r)")
            for text in [r.stdout, r.stderr] {
                for word in ["lock", "serializ", "deadlock", "sqlstate", "40001", "busy"] {
                    #expect(!text.lowercased().contains(word), "\(sites[i]): \(r)")
                }
            }
        }
        let mentors = try #require(admin.json("mentors --format json") as? [[String: Any]])
        var placed = 0
        for m in mentors {
            let load = (m["caseload"] as? Int) ?? 0
            let capacity = (m["capacity"] as? Int) ?? 0
            #expect(load <= capacity, "\(m)")
            placed += load
        }
        #expect(placed == 5, "every place is taken exactly once: \(mentors)")
        let verify = try admin.run(["-c", "audit verify", "-c", "check"])
        #expect(verify.status == 0, "\(verify)")
        let all = try #require(admin.json("queue --site all --format json") as? [[String: Any]])
        #expect(all.count == 12, "everyone registered at the three sites is in view: \(all)")
        #expect(all.filter { $0["status"] as? String == "assigned" }.count == 5, "\(all)")
        #expect(Set(all.compactMap { $0["site"] as? String }) == Set(sites), "\(all)")
    }

    @Test("the password is never printed; backup explains pg_dump; the banner names no password")
    func thePasswordNeverShows() throws {
        let t0 = utc("2026-11-10T10:00:00Z")
        guard let s = try trustSandbox(now: t0, name: "password") else { return }
        let password = try #require(s.environment["PGPASSWORD"])
        try s.ensureDatabase()
        // A wrong password: refused in plain words, neither password shown.
        let wrong = try s.run(
            ["-c", "queue"], environment: ["PGPASSWORD": "Wrong-Secret-4711"])
        #expect(wrong.status != 0, "\(wrong)")
        #expect(wrong.stderr.contains("PGPASSWORD"), "\(wrong)")
        for text in [wrong.stdout, wrong.stderr] {
            #expect(!text.contains("Wrong-Secret-4711") && !text.contains(password), "\(wrong)")
            #expect(!text.contains("SQLSTATE") && !text.contains("PSQL"), "\(wrong)")
        }
        // A password written in the URL: refused, never echoed.
        let withPassword = s.db.replacingOccurrences(
            of: "alongside_admin@", with: "alongside_admin:Hunter2-secret@")
        let inURL = try s.run(["--db", withPassword, "-c", "queue"])
        #expect(inURL.status != 0, "\(inURL)")
        #expect(!inURL.stderr.contains("Hunter2-secret"), "\(inURL)")
        #expect(inURL.stderr.contains("PGPASSWORD"), "\(inURL)")
        // backup: the trust's PostgreSQL backup is the copy.
        let backup = try s.run(["-c", "backup copy.sqlite"])
        #expect(backup.status == 1, "\(backup)")
        #expect(backup.stderr.contains("pg_dump"), "\(backup)")
        #expect(!FileManager.default.fileExists(atPath: s.root.appendingPathComponent("copy.sqlite").path))
        // Every output of a session on the trust database is free of the password.
        let day = try s.run(["-c", "audit verify", "-c", "check", "-c", "config show"])
        #expect(day.status == 0, "\(day)")
        #expect(!day.stdout.contains(password) && !day.stderr.contains(password))
    }

    @Test("site import moves a site's file into the trust database; check and verify pass")
    func aSiteMovesIntoTheTrustDatabase() throws {
        guard let trust = try trustSandbox(now: Times.pinned, name: "siteimport") else { return }
        try trust.setUp([
            "mentor add M1 --name Amy --localities blackpool --experience alcohol --capacity 1",
            "mentor add M2 --name Bob --localities blackpool --experience alcohol --capacity 1",
            "shift add M1 2026-11-17T18:00 2026-11-18T02:00",
            "shift add M2 2026-11-17T18:00 2026-11-18T02:00",
            "register --locality blackpool --needs alcohol --at -30m",
            "register --locality blackpool --needs alcohol --at -20m --site north",
            "register --locality blackpool --needs alcohol --at -10m --site north",
        ])
        let file = try SitesTests.siteFile(trust)
        let imported = try SitesTests.object(
            trust, "site import \(file) --site victoria --format json")
        let mapping = try #require(imported.list("mapping"))
        #expect(
            mapping.map { [$0.string("old") ?? "", $0.string("new") ?? ""] } == [
                ["P1", "P4"], ["P2", "P5"],
            ])
        let queue = try SitesTests.list(trust, "queue --site victoria --format json")
        #expect(SitesTests.ids(queue) == ["P4"])
        #expect(queue.first?.string("mentor") == "M1")
        let show = try SitesTests.object(trust, "show P4 --format json")
        #expect(show.list("declined_by")?.compactMap { $0.string("mentor") } == ["M5"], "\(show)")
        let check = try trust.commands(["check", "audit verify"])
        #expect(check.status == 0, "\(check)")
        #expect(check.stdout.contains("The audit log is unbroken"), "\(check)")
        // A differing mentor refuses the whole import, and nothing is copied.
        let differing = try SitesTests.siteFile(trust, m1Name: "Amelia")
        let refused = try trust.commands(["site import \(differing) --site utc"])
        #expect(refused.status == 1 && refused.stderr.contains("M1"), "\(refused)")
        let sites = try trust.commands(["site list"])
        #expect(sites.status == 0 && !sites.stdout.contains("utc"), "\(sites)")
        #expect(sites.stdout.contains("victoria") && sites.stdout.contains("north"), "\(sites)")
    }
}
