import AlongsideCore
import AlongsideSQLite
import Foundation
import Testing

@testable import AlongsideConsole

/// Spec §8 through the built binary: staff, roles, PINs, retention, reads and exports
/// logged.
@Suite("People and privacy")
struct PeopleAndPrivacyTests {
    @Test func theLastAdminCannotBeRemovedOrDemoted() throws {
        let s = try Sandbox()
        let r = try s.commands(["staff add \(s.user) liaison"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("last admin"))
        let r2 = try s.commands(["staff remove \(s.user)"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("last admin"))
        // With a second admin, the first may step down.
        try s.addStaff("sam", role: "admin")
        let r3 = try s.commands(["staff add \(s.user) coordinator"])
        #expect(r3.status == 0, "\(r3)")
        let list = try s.commands(["staff list --format json"], asUser: .some("sam"))
        let rows = try #require(try list.json() as? [[String: Any]], "\(list)")
        let me = try #require(rows.first { $0.string("name") == s.user })
        #expect(me.string("role") == "coordinator")
        #expect(me.bool("pin") == false)
    }

    @Test func aPINIsAskedInScriptsAndStoredOnlyAsASaltedHash() throws {
        let s = try Sandbox()
        let add = try s.run(["-c", "staff add jo liaison"], environment: ["ALONGSIDE_NEW_PIN": "482913"])
        #expect(add.status == 0, "\(add)")
        // Without the PIN nothing is allowed; a wrong PIN is refused; the right one works.
        let none = try s.commands(["queue"], asUser: .some("jo"))
        #expect(none.status == 1)
        #expect(none.stderr.contains("ALONGSIDE_PIN"))
        let wrong = try s.run(["-c", "queue"], asUser: .some("jo"), environment: ["ALONGSIDE_PIN": "111111"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("wrong PIN"))
        let right = try s.run(["-c", "queue"], asUser: .some("jo"), environment: ["ALONGSIDE_PIN": "482913"])
        #expect(right.status == 0, "\(right)")
        let stored = try SafetyTests.sqlite(s.db, "SELECT pin_hash FROM staff WHERE name = 'jo'")
        // pbkdf2-sha256$ROUNDS$SALT$HASH, base64, at least 600,000 rounds (spec §8).
        let parts = stored.split(separator: "$").map(String.init)
        #expect(parts.count == 4 && parts[0] == "pbkdf2-sha256", "\(stored)")
        #expect((Int(parts[1]) ?? 0) >= 600_000)
        #expect(Data(base64Encoded: parts[2])?.count == 16)
        #expect(Data(base64Encoded: parts[3])?.count == 32)
        #expect(!stored.contains("482913"))
        // Two hashes of the same PIN differ (salted).
        let other = try s.run(["-c", "staff add kim liaison"], environment: ["ALONGSIDE_NEW_PIN": "482913"])
        #expect(other.status == 0, "\(other)")
        let kim = try SafetyTests.sqlite(s.db, "SELECT pin_hash FROM staff WHERE name = 'kim'")
        #expect(kim.hasPrefix("pbkdf2-sha256$") && kim != stored)
    }

    @Test func everyRoleIsRefusedWhatItMayNotDoAndNothingIsWritten() throws {
        let s = try Sandbox()
        try s.addStaff("jo", role: "liaison")
        try s.addStaff("kim", role: "coordinator")
        let before = try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit")
        for (user, command) in [
            ("jo", "mentor add M1 --name A"), ("jo", "shift add M1 09:00 17:00"), ("jo", "leave M1 2026-12-01 2026-12-02"),
            ("jo", "staff add x admin"), ("kim", "staff add x admin"), ("kim", "audit"), ("kim", "backup /tmp/x.sqlite"),
            ("jo", "retention --years 8"), ("kim", "audit verify"),
        ] {
            let r = try s.commands([command], asUser: .some(user))
            #expect(r.status == 1, "\(user): \(command)")
            #expect(r.stderr.contains("role"), "\(user): \(command): \(r.stderr)")
        }
        // Nothing is written but the refusals themselves, one `denied` entry each (spec §8).
        #expect(
            try SafetyTests.sqlite(s.db, "SELECT group_concat(DISTINCT action) FROM audit WHERE seq > \(before)")
                == "denied")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit WHERE seq > \(before)") == "9")
    }

    @Test func retentionRemovesIdentifiersButKeepsTheFigures() throws {
        let s = try Sandbox()
        // An old closed presentation, and a recent one.
        let old = Date().addingTimeInterval(-10 * 365 * 86400)
        try s.setUp([
            "mentor add M1 --name A --experience alcohol",
            "shift add M1 \(Times.iso(old.addingTimeInterval(-3600))) \(Times.iso(old.addingTimeInterval(7200)))",
        ])
        let r = try s.commands([
            "register --locality blackpool --needs alcohol --nhs 9434765919 --ref MRN-1 --at \(Times.iso(old))",
            "assign P1 M1 --at \(Times.iso(old.addingTimeInterval(600)))",
            "seen P1 --at \(Times.iso(old.addingTimeInterval(1200)))",
            "close P1 supported-discharged --at \(Times.iso(old.addingTimeInterval(1800)))",
            "register --locality blackpool --needs alcohol --nhs 4010232137 --at -5m",
        ])
        #expect(r.status == 0, "\(r)")
        let week = Times.isoWeek(old)
        let before = try s.json("summary week \(week) --format json")
        let dry = try s.commands(["retention --years 8 --dry-run"])
        #expect(dry.stdout.contains("1 presentation"))
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM presentation WHERE nhs IS NOT NULL") == "2")
        let run = try s.commands(["retention --years 8"])
        #expect(run.status == 0, "\(run)")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM presentation WHERE nhs IS NOT NULL OR ref IS NOT NULL") == "1")
        #expect(try SafetyTests.sqlite(s.db, "SELECT nhs FROM presentation WHERE id = 2") == "4010232137")
        let after = try s.json("summary week \(week) --format json")
        #expect(NSDictionary(dictionary: before as! [String: Any]) == NSDictionary(dictionary: after as! [String: Any]))
        let verify = try s.commands(["audit verify", "check"])
        #expect(verify.status == 0, "\(verify)")
    }

    @Test func readsOfAPersonAndExportsAreLogged() throws {
        let s = try Sandbox()
        try s.setUp(["register --locality blackpool --needs alcohol --at -5m"])
        let out = s.root.appendingPathComponent("week.md").path
        let r = try s.commands(["show P1", "summary week --format md --out \(out)", "backup \(s.root.appendingPathComponent("b.sqlite").path)"])
        #expect(r.status == 0, "\(r)")
        let actions = try SafetyTests.sqlite(s.db, "SELECT command || ':' || action FROM audit ORDER BY seq")
        #expect(actions.contains("show:read"))
        #expect(actions.contains("summary week:export"))
        #expect(actions.contains("backup:export"))
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}

/// Random and mutated CSV files for the importers: every failure is a clean `error:`, the
/// database is unchanged, and nothing crashes or hangs.
@Suite("Importer fuzzing", .serialized)
struct ImporterFuzzTests {
    @Test func mutatedRosterAndHistoryFilesFailCleanly() throws {
        let db = SafetyTests.tempDB()
        var out = ""
        var err = ""
        let session = try Launcher.openSession(
            options: Launcher.Options(db: db), env: [:], style: Style(enabled: false), clock: { Date() },
            stores: SQLiteStoreOpening())
        let console = Console(makeSession: { session }, out: { out += $0 }, err: { err += $0 })
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("alongside-fuzz-\(TestNames.unique())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let mentors = """
            id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status
            M1,"Walsh, Amy",female,english,blackpool;fleetwood,alcohol;debt,2,2027-06-30,yes,active
            M2,Dev Patel,male,english;gujarati,preston,debt,1,2027-01-31,no,paused

            """
        let shifts = "mentor_id,start,end\nM1,2026-11-16T09:00,2026-11-16T17:00\nM2,2026-11-17T22:00,2026-11-18T06:00\n"
        let history = """
            ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome
            R1,2026-10-25T01:30,blackpool,alcohol;housing,,,,2026-10-25T03:00,left-before-seen
            R2,2026-10-20T10:00,preston,debt,,,,,

            """
        let alphabet = Array("abcxyzM0123456789,;\"\r\n-:T é")
        var rng = SplitMix64(seed: 99)
        func mutate(_ text: String) -> String {
            var chars = Array(text)
            for _ in 0..<(1 + rng.next() % 5) where !chars.isEmpty {
                let at = Int(rng.next() % UInt64(chars.count))
                switch rng.next() % 3 {
                case 0: chars.remove(at: at)
                case 1: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                default: chars[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                }
            }
            return String(chars)
        }
        func auditCount() throws -> Int { try session.store.read { try $0.auditCount() } }
        let m = dir.appendingPathComponent("m.csv").path
        let s = dir.appendingPathComponent("s.csv").path
        let h = dir.appendingPathComponent("h.csv").path
        for i in 0..<1500 {
            try mutate(mentors).write(toFile: m, atomically: false, encoding: .utf8)
            try mutate(shifts).write(toFile: s, atomically: false, encoding: .utf8)
            try mutate(history).write(toFile: h, atomically: false, encoding: .utf8)
            let command = i % 2 == 0 ? "roster import \(m) \(s)" : "presentations import \(h)"
            let before = try auditCount()
            err = ""
            if !console.run(line: command) {
                #expect(err.hasPrefix("error: "), "\(i): \(err)")
                #expect(try auditCount() == before, "\(i): a failed import changed the database")
            }
        }
        #expect(try session.store.verifyAudit().problems.isEmpty)
    }
}

/// The site configuration file (issue 3): weights, target, validation.
@Suite("Site configuration")
struct SiteConfigurationTests {
    @Test func weightsAndTargetFromSiteConfBesideTheDatabaseAreUsed() throws {
        // site.conf seeds the settings of a database created beside it (spec §8).
        let s = try Sandbox()
        try FileManager.default.createDirectory(
            atPath: (s.db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let conf = URL(fileURLWithPath: s.db).deletingLastPathComponent().appendingPathComponent("site.conf")
        try """
            # test site
            target_minutes = 30
            weight.experience = 0.2
            weight.locality = 0.2
            weight.language = 0.2
            weight.load = 0.2
            weight.continuity = 0.2
            """.write(to: conf, atomically: true, encoding: .utf8)
        let now = Date()
        let r = try s.commands([
            "mentor add M1 --name A --localities blackpool --experience alcohol",
            "shift add M1 \(Times.iso(now.addingTimeInterval(-3600))) \(Times.iso(now.addingTimeInterval(3600)))",
            "register --locality blackpool --needs debt --at -40m",
        ])
        #expect(r.status == 0, "\(r)")
        let match = try #require(try s.json("match P1 --explain --format json") as? [String: Any])
        let weights = try #require(match.object("weights"))
        #expect(weights["experience"] as? Double == 0.2)
        let candidate = try #require(match.list("candidates")?.first)
        // experience 0, locality 1, language 1, load 1, continuity 0 → 0.6
        #expect(abs((candidate.number("score") ?? 0) - 0.6) < 1e-12)
        let queue = try #require(try s.json("queue --format json") as? [[String: Any]])
        #expect(queue.first?.bool("breach") == true, "40 minutes is past a 30-minute target")
    }

    @Test func aBadConfigurationStopsWithTheLineAndTheFix() throws {
        let s = try Sandbox()
        let conf = s.root.appendingPathComponent("bad.conf")
        try "weight.experiance = 0.5\n".write(to: conf, atomically: true, encoding: .utf8)
        let r = try s.run(["--config", conf.path, "-c", "queue"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("line 1"))
        #expect(r.stderr.contains("did you mean 'weight_experience'"))
        try "weight.experience = 0.9\n".write(to: conf, atomically: true, encoding: .utf8)
        let r2 = try s.run(["--config", conf.path, "-c", "queue"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("add up to"))
    }
}
