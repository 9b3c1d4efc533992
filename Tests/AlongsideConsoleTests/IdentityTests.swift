import AlongsideCore
import Foundation
import Testing

@testable import AlongsideConsole

/// Spec §8 "who is acting must be proved", through the built binary: PINs, lockout, the
/// `denied` audit trail, new databases, file modes, names.
@Suite("Identity")
struct IdentityTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)  // 2026-11-30, a Monday

    /// The old bypass: naming an admin with `--user` made anyone admin.
    @Test func namingAnAdminIsNotEnoughToActAsThem() throws {
        let s = try Sandbox(now: Self.t0)
        try s.addStaff("alice", role: "admin", pin: "730519")
        let claim = try s.run(
            ["-c", "staff add mallory admin"], asUser: .some("alice"),
            environment: ["ALONGSIDE_PIN": nil])
        #expect(claim.status == 1)
        #expect(claim.stderr.contains("needs their PIN"), "\(claim)")
        let wrong = try s.run(
            ["-c", "staff add mallory admin"], asUser: .some("alice"),
            environment: ["ALONGSIDE_PIN": "000001"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.contains("wrong PIN"))
        #expect(!wrong.stderr.contains("000001"))
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM staff WHERE name = 'mallory'") == "0")
        // A member without a PIN can act only as the operating-system user of that name.
        let r = try s.run(["-c", "staff add bob admin"], environment: ["ALONGSIDE_NEW_PIN": ""])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("without a PIN"))
        let bob = try s.commands(["staff add mallory admin"], asUser: .some("bob"))
        #expect(bob.status == 1)
        #expect(bob.stderr.contains("only the operating-system user 'bob'"), "\(bob)")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM staff WHERE name = 'mallory'") == "0")
        // With her PIN, alice can.
        let ok = try s.commands(["staff add mallory liaison"], asUser: .some("alice"))
        #expect(ok.status == 0, "\(ok)")
    }

    @Test(arguments: ["1234", "12345", "abcdef", "111111", "123456", "987654", "12 3456"])
    func weakOrMalformedPINsAreRefusedAndNothingIsWritten(pin: String) throws {
        let s = try Sandbox(now: Self.t0)
        try s.ensureDatabase()
        let before = try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit")
        let r = try s.run(["-c", "staff add jo liaison"], environment: ["ALONGSIDE_NEW_PIN": pin])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("PIN"), "\(r)")
        #expect(!r.stderr.contains(pin), "a PIN is never repeated back")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM staff WHERE name = 'jo'") == "0")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit") == before)
    }

    @Test func fiveWrongPINsLockTheNameForFifteenMinutesFromAnyConsole() throws {
        let s = try Sandbox(now: Self.t0)
        try s.addStaff("jo", role: "liaison", pin: "604918")
        for attempt in 1...5 {
            let r = try s.run(["-c", "queue"], asUser: .some("jo"), environment: ["ALONGSIDE_PIN": "604917"])
            #expect(r.status == 1)
            #expect(r.stderr.contains("wrong PIN"), "\(attempt): \(r)")
        }
        // Each run is its own process: the count lives in the database.
        let locked = try s.run(["-c", "queue"], asUser: .some("jo"), environment: ["ALONGSIDE_PIN": "604918"])
        #expect(locked.status == 1)
        #expect(locked.stderr.contains("locked"), "\(locked)")
        #expect(locked.stderr.contains("2026-11-30 01:08"), "the message says until when: \(locked)")
        let denied = try SafetyTests.sqlite(
            s.db, "SELECT count(*) FROM audit WHERE action = 'denied' AND entity = 'staff:jo'")
        #expect(denied == "6", "five wrong PINs and one locked attempt")
        // Fifteen minutes on, the right PIN works and the count starts again.
        s.now = Self.t0.addingTimeInterval(15 * 60 + 1)
        let later = try s.commands(["queue"], asUser: .some("jo"))
        #expect(later.status == 0, "\(later)")
        #expect(try s.run(["-c", "queue"], asUser: .some("jo"), environment: ["ALONGSIDE_PIN": "604917"]).status == 1)
        #expect(try s.commands(["queue"], asUser: .some("jo")).status == 0)
        #expect(try SafetyTests.sqlite(s.db, "SELECT failures FROM pin_state WHERE name = 'jo'") == "0")
    }

    @Test func aRefusalForWantOfARoleIsAuditedAsDenied() throws {
        let s = try Sandbox(now: Self.t0)
        try s.addStaff("jo", role: "liaison")
        let r = try s.commands(["staff add kim admin"], asUser: .some("jo"))
        #expect(r.status == 1)
        let audit = try #require(try s.json("audit --format json") as? [[String: Any]])
        let last = try #require(audit.last)
        #expect(last.string("action") == "denied")
        #expect(last.string("user") == "jo")
        #expect(last.string("command") == "staff add")
        #expect(last.string("after")?.contains("needs the admin role") == true, "\(last)")
        #expect(try s.commands(["audit verify"]).status == 0)
    }

    @Test func requirePinAppliesToTheOperatingSystemUserWithoutLockingTheAdminOut() throws {
        let s = try Sandbox(now: Self.t0)
        let folder = URL(fileURLWithPath: s.db).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try "require_pin = yes\n".write(
            to: folder.appendingPathComponent("site.conf"), atomically: true, encoding: .utf8)
        // A database made with require_pin takes its first admin's PIN at creation.
        let none = try s.run(["-c", "queue"], environment: ["ALONGSIDE_NEW_PIN": nil])
        #expect(none.status == 1)
        #expect(none.stderr.contains("ALONGSIDE_NEW_PIN"), "\(none)")
        #expect(!FileManager.default.fileExists(atPath: s.db), "nothing was created")
        let made = try s.run(["-c", "queue"], environment: ["ALONGSIDE_NEW_PIN": "305817"])
        #expect(made.status == 0, "\(made)")
        #expect(made.stderr.contains("note: created a new database at"))
        // Now the operating-system user needs it too.
        #expect(try s.commands(["queue"]).status == 1)
        let ok = try s.run(["-c", "queue"], environment: ["ALONGSIDE_PIN": "305817"])
        #expect(ok.status == 0, "\(ok)")
        // Setting one's own PIN stays possible (the current one is asked first).
        let change = try s.run(
            ["-c", "staff pin"], environment: ["ALONGSIDE_PIN": "305817", "ALONGSIDE_NEW_PIN": "719402"])
        #expect(change.status == 0, "\(change)")
        #expect(try s.run(["-c", "queue"], environment: ["ALONGSIDE_PIN": "719402"]).status == 0)
    }

    @Test func anOlderWeakerHashIsUpgradedAtTheNextRightEntry() throws {
        let s = try Sandbox(now: Self.t0)
        try s.addStaff("jo", role: "liaison", pin: "604918")
        // What an earlier version stored: 60,000 rounds, hex (PBKDF2-HMAC-SHA256 of 604918
        // with salt 00…0f, computed by Python's hashlib as an independent oracle).
        let old = try PythonOracle.pbkdf2Hex(pin: "604918", saltHex: "000102030405060708090a0b0c0d0e0f", rounds: 60_000)
        _ = try SafetyTests.sqlite(
            s.db, "UPDATE staff SET pin_hash = 'pbkdf2-sha256$60000$000102030405060708090a0b0c0d0e0f$\(old)' WHERE name = 'jo'")
        let r = try s.commands(["queue"], asUser: .some("jo"))
        #expect(r.status == 0, "the old hash still verifies: \(r)")
        let stored = try SafetyTests.sqlite(s.db, "SELECT pin_hash FROM staff WHERE name = 'jo'")
        #expect(stored.hasPrefix("pbkdf2-sha256$600000$"), "\(stored)")
        #expect(try s.commands(["queue"], asUser: .some("jo")).status == 0)
    }

    @Test func aDatabaseMadeUnderAnotherNameTakesItsFirstAdminsPIN() throws {
        let s = try Sandbox(user: "ruth", now: Self.t0)
        let r = try s.run(["-c", "queue"], environment: ["ALONGSIDE_NEW_PIN": nil])
        #expect(r.status == 1)
        #expect(r.stderr.contains("ALONGSIDE_NEW_PIN"))
        #expect(!FileManager.default.fileExists(atPath: s.db))
        let made = try s.commands(["staff list --format json"])
        #expect(made.status == 0, "\(made)")
        #expect(made.stdout.contains(#""name":"ruth","role":"admin","pin":true"#), "\(made)")
        #expect(try s.run(["-c", "queue"], environment: ["ALONGSIDE_PIN": "000000"]).status == 1)
    }

    @Test func aNewDatabaseIsNeverMadeSilently() throws {
        let s = try Sandbox(now: Self.t0)
        let first = try s.commands(["queue"])
        #expect(first.stderr == "note: created a new database at \(s.db)\n", "\(first)")
        let second = try s.commands(["queue"])
        #expect(second.stderr.isEmpty, "\(second)")
    }

    @Test func aSharedModeIsKeptAndAWorldReadableFileRefused() throws {
        let s = try Sandbox(now: Self.t0)
        try s.ensureDatabase()
        chmod(s.db, 0o660)
        #expect(try s.commands(["queue"]).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: s.db)[.posixPermissions] as? Int
        #expect(mode == 0o660, "an administrator's group mode is kept")
        chmod(s.db, 0o644)
        let r = try s.commands(["queue"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("chmod o-rwx"), "\(r)")
    }

    @Test(arguments: ["evil\u{1B}[2J", "two words", "=cmd()", "tab\there"])
    func aUserNameWithControlCharactersOrSpacesIsAUsageError(name: String) throws {
        let s = try Sandbox(now: Self.t0)
        let r = try s.run(["-c", "queue"], asUser: .some(name))
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.hasPrefix("error: --user"))
        #expect(!r.stderr.contains("\u{1B}"))
        #expect(!FileManager.default.fileExists(atPath: s.db))
    }

    @Test func aPINLikeLineOrANHSNumberNeverReachesTheHistory() {
        #expect(!HistoryPolicy.mayStore("604918"))
        #expect(!HistoryPolicy.mayStore(" 6049 18 "))
        #expect(!HistoryPolicy.mayStore("decline P1 --reason \"943.476.5919\""))
        #expect(!HistoryPolicy.mayStore("show 94 34 76 59 19"))
        #expect(HistoryPolicy.mayStore("queue"))
        #expect(HistoryPolicy.mayStore("show P12"))
    }
}

/// Python's hashlib, as an oracle independent of swift-crypto.
enum PythonOracle {
    static func pbkdf2Hex(pin: String, saltHex: String, rounds: Int) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = [
            "python3", "-c",
            "import hashlib,sys;print(hashlib.pbkdf2_hmac('sha256',sys.argv[1].encode(),bytes.fromhex(sys.argv[2]),int(sys.argv[3])).hex())",
            pin, saltHex, String(rounds),
        ]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// The REPL at a real terminal (tmux): the PIN before the first prompt, never at it, and again
/// after the idle time.
@Suite("Identity at the terminal", .enabled(if: TmuxTerminal.available))
struct IdentityTerminalTests {
    @Test func thePINIsAskedBeforeThePromptAndAgainAfterIdleAndNeverKept() throws {
        let s = try Sandbox(now: IdentityTests.t0)
        try s.addStaff("jo", role: "liaison", pin: "604918")
        let binary = try #require(AlongsideBinary.url)
        let history = s.home.appendingPathComponent("history").path
        let term = try TmuxTerminal(
            [binary.path, "--user", "jo"],
            environment: [
                "ALONGSIDE_DB": s.db, "HOME": s.home.path, "ALONGSIDE_HISTORY": history,
                "NO_COLOR": "1", "TERM": "xterm", "ALONGSIDE_TEST_IDLE_SECONDS": "2",
                "ALONGSIDE_TEST_NO_SLEEP": "1",
            ])
        var screen = try term.waitFor("PIN for jo:")
        #expect(!screen.contains("alongside>"), "the PIN comes before the first prompt")
        try term.type("604917")
        screen = try term.waitFor("wrong PIN")
        #expect(!screen.contains("604917"), "a PIN is never shown")
        try term.type("604918")
        screen = try term.waitFor("alongside>")
        #expect(screen.contains("first PIN"), "jo is invited to choose their own: \(screen)")
        try term.type("queue")
        try term.waitFor("Nobody is waiting")
        // A PIN typed at the prompt by mistake is not kept, nor is anything after the lock.
        try term.type("604918")
        try term.waitFor("unknown command")
        // Idle: the screen is cleared and the PIN asked again.
        screen = try term.waitFor("Locked after", seconds: 15)
        #expect(!screen.contains("Nobody is waiting"), "the screen was cleared")
        try term.type("604918")
        try term.waitFor("alongside>")
        try term.type("quit")
        let kept = (try? String(contentsOfFile: history, encoding: .utf8)) ?? ""
        #expect(kept.contains("queue"))
        #expect(!kept.contains("604918") && !kept.contains("604917"), "\(kept)")
    }
}

/// `subject-access` (spec §8): everything about one person and nothing about anyone else.
@Suite("Subject access")
struct SubjectAccessTests {
    @Test func everythingAboutThePersonAndNobodyElse() throws {
        let s = try Sandbox(now: IdentityTests.t0)
        let setup = try s.commands([
            "mentor add M1 --name Amy --experience alcohol --localities blackpool",
            "shift add M1 -3h 2026-11-30T08:00",
            "register --locality blackpool --needs alcohol --nhs 9434765919 --ref RX1 --at -2h",
            "register --locality blackpool --needs alcohol --nhs 4010232137 --ref OTHER9 --at -100m",
            "assign P2 M1 --at -95m", "decline P2 --reason \"knows the other family\" --at -90m",
            "assign P1 M1 --at -80m", "seen P1 --at -70m", "close P1 supported-discharged --at -60m",
            "register --locality blackpool --needs alcohol --nhs \"943 476 5919\" --at -30m",
        ])
        #expect(setup.status == 0, "\(setup)")
        let out = s.root.appendingPathComponent("sar.json").path
        let r = try s.commands(["subject-access --nhs 9434765919 --out \(out)"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("2 presentations"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let ps = try #require(doc["presentations"] as? [[String: Any]])
        #expect(ps.compactMap { $0.string("presentation") } == ["P1", "P3"])
        #expect(ps.first?.string("ref") == "RX1")
        #expect(ps.first?.list("history")?.isEmpty == false)
        #expect(!text.contains("4010232137") && !text.contains("OTHER9") && !text.contains("other family"))
        #expect(!text.contains("\"P2\""))
        let mode = try FileManager.default.attributesOfItem(atPath: out)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Audited without the number; refused to a liaison.
        let audit = try SafetyTests.sqlite(s.db, "SELECT after FROM audit WHERE command = 'subject-access'")
        #expect(audit.contains("P1,P3") && !audit.contains("9434765919"), "\(audit)")
        try s.addStaff("jo", role: "liaison")
        let jo = try s.commands(["subject-access --ref RX1"], asUser: .some("jo"))
        #expect(jo.status == 1 && jo.stderr.contains("admin"), "\(jo)")
    }
}
