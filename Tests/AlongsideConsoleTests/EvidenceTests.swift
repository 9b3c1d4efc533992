import AlongsideCore
import Foundation
import Testing

@testable import AlongsideStore
@testable import AlongsideSQLite

/// Issue 13 through the built binary: each attack of someone holding the database file
/// (spec §5 and §8) is found, refused, or leaves the previous file intact.
@Suite("Evidence that survives whoever holds the file")
struct EvidenceTests {
    static let now = Times.parse("2026-11-16T10:00:00+00:00")!

    /// A database with a mentor on shift, a person assigned, seen and closed, and another
    /// waiting.
    func desk(now: Date = EvidenceTests.now) throws -> Sandbox {
        let s = try Sandbox(now: now)
        let r = try s.commands([
            "mentor add amy --name Amy --capacity 3 --experience alcohol",
            "shift add amy -2h 2026-11-16T18:00",
            "register --locality blackpool --needs alcohol --at -90m --gender female --age-band 25-34",
            "assign P1 amy --at -80m", "seen P1 --at -70m",
            "close P1 supported-discharged --at -60m",
            "register --locality preston --needs alcohol --at -5m",
        ])
        try #require(r.status == 0, "\(r)")
        return s
    }

    /// Runs SQL on the file behind the console's back (the attacks of this suite).
    func sql(_ s: Sandbox, _ statement: String) throws -> String {
        try SQLiteShell.query(s.db, statement)
    }

    /// The sandbox's database through the store contract, for reading what it holds.
    func store(_ s: Sandbox) throws -> SQLiteStore { try SQLiteStore(path: s.db) }

    /// Every presentation's number, voided ones included.
    func numbers(_ s: Sandbox) throws -> [Int] {
        let always = TimeSpan(
            start: Date(storedSeconds: 0), end: Self.now.addingTimeInterval(86_400))
        return try store(s).read {
            try $0.presentations(arrivedIn: always, includingVoided: true)
        }.map(\.number)
    }

    func anchor(_ s: Sandbox) throws -> String {
        let r = try s.commands(["audit anchor"])
        try #require(r.status == 0, "\(r)")
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let dropGuards = """
        DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
        DROP TRIGGER IF EXISTS audit_row_no_update; DROP TRIGGER IF EXISTS audit_row_no_delete;
        """

    /// What an attacker who knows the (published) algorithm does after editing entries:
    /// recompute every hash from `seq` on, as plain SHA-256, and rewrite the head record.
    func recomputePlainChain(_ s: Sandbox, from first: Int64) throws {
        let rows = try sql(
            s,
            """
            SELECT json_object('seq', seq, 'at', at, 'actor', actor, 'command', command,
              'action', action, 'entity', entity, 'record', record, 'state', state,
              'b', before_digest, 'a', after_digest, 'prev', prev_hash, 'hash', hash)
            FROM audit ORDER BY seq
            """
        ).split(separator: "\n")
        var prev = AuditPolicy.genesis
        var statements = Self.dropGuards
        for line in rows {
            let o = try #require(
                try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let seq = Int64((o["seq"] as! NSNumber).intValue)
            if seq < first {
                prev = o["hash"] as! String
                continue
            }
            let sealed = AuditPolicy.Sealed(
                format: 2, seq: seq, at: Int64((o["at"] as! NSNumber).intValue),
                actor: o["actor"] as! String, command: o["command"] as! String,
                action: o["action"] as! String, entity: o["entity"] as? String,
                record: o["record"] as? String, state: o["state"] as? String,
                beforeDigest: o["b"] as? String, afterDigest: o["a"] as? String, prevHash: prev)
            let hash = try #require(sealed.hash(key: nil))
            statements +=
                "UPDATE audit SET format = 2, prev_hash = '\(prev)', hash = '\(hash)' WHERE seq = \(seq);\n"
            statements += "UPDATE meta SET value = '\(seq):\(hash)' WHERE key = 'audit_head';\n"
            prev = hash
        }
        // …and puts the guards back as they were.
        for (name, guardSQL) in Migrations.auditGuards
        where name.hasPrefix("audit_no") || name.hasPrefix("audit_row") {
            statements += guardSQL + ";\n"
        }
        _ = try sql(s, statements)
    }

    // MARK: the log

    @Test func truncatingTheLogBehindADroppedGuardIsFound() throws {
        let s = try desk()
        let anchorLine = try anchor(s)
        #expect(try s.commands(["check"]).status == 0)
        // One sqlite3 line: drop the guard, delete the last entry, rewrite the head.
        let last = try sql(
            s, "SELECT (seq - 1) || ':' || prev_hash FROM audit ORDER BY seq DESC LIMIT 1")
        _ = try sql(
            s,
            "DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq = (SELECT max(seq) FROM audit); "
                + "UPDATE meta SET value = '\(last)' WHERE key = 'audit_head';")
        let verify = try s.commands(["audit verify"])
        #expect(verify.status == 1)
        #expect(verify.stderr.contains("audit_no_delete is missing"), "\(verify)")
        let check = try s.commands(["check"])
        #expect(check.status == 1)
        #expect(check.stderr.contains("P2 has no audit entry"), "\(check)")
        // Putting the guard back as it was does not hide it: the record and the anchor tell.
        let guardSQL = try #require(
            Migrations.auditGuards.first { $0.name == "audit_no_delete" }?.sql)
        _ = try sql(s, guardSQL + ";")
        #expect(try s.commands(["audit verify"]).status == 0)
        let again = try s.commands(["check"])
        #expect(again.status == 1 && again.stderr.contains("P2 has no audit entry"), "\(again)")
        let anchored = try s.commands(["audit verify --anchor \"\(anchorLine)\""])
        #expect(anchored.status == 1)
        #expect(anchored.stderr.contains("no longer holds entry"), "\(anchored)")
    }

    @Test func deletingTheWholeLogIsFound() throws {
        let s = try desk()
        let anchorLine = try anchor(s)
        _ = try sql(
            s,
            Self.dropGuards
                + "DELETE FROM audit; DELETE FROM audit_row; DELETE FROM meta WHERE key = 'audit_head';"
        )
        let verify = try s.commands(["audit verify"])
        #expect(verify.status == 1)
        #expect(
            verify.stderr.contains("the audit log is empty but the database holds"), "\(verify)")
        #expect(!verify.stdout.contains("unbroken"))
        let anchored = try s.commands(["audit verify --anchor \"\(anchorLine)\""])
        #expect(anchored.stderr.contains("the log has been emptied"), "\(anchored)")
    }

    @Test func recomputingThePlainChainIsFoundByAnAnchor() throws {
        let s = try desk()
        let file = s.root.appendingPathComponent("anchors.txt").path
        let first = try anchor(s)
        #expect(try s.commands(["register --locality preston --needs debt --at -1m"]).status == 0)
        let second = try anchor(s)
        try "# nightly anchors\n\(first)\n\(second)\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.commands(["audit verify --anchor \(file)"]).status == 0)
        // Edit an old entry's content (P1 seen 5 minutes after arriving, not 20) and its
        // digest and recompute the chain: the chain alone cannot tell…
        let seq = try sql(s, "SELECT seq FROM audit WHERE command = 'seen'")
        let salt = try sql(s, "SELECT salt FROM audit WHERE seq = \(seq)")
        let after = try sql(s, "SELECT after FROM audit WHERE seq = \(seq)")
        let seenAt = try sql(s, "SELECT seen_at FROM presentation WHERE id = 1")
        let forged = after.replacingOccurrences(
            of: "\"seen_at\":\(seenAt)", with: "\"seen_at\":\(Int(seenAt)! - 900)")
        #expect(forged != after)
        let digest = try #require(RecordState.digest(salt: RecordState.bytes(hex: salt), forged))
        _ = try sql(
            s,
            Self.dropGuards
                + "UPDATE audit SET after = '\(forged)', after_digest = '\(digest)' WHERE seq = \(seq);"
        )
        #expect(try s.commands(["audit verify"]).status == 1)
        try recomputePlainChain(s, from: Int64(seq)!)
        let recomputed = try s.commands(["audit verify"])
        #expect(recomputed.status == 0, "\(recomputed)")
        // …but the anchors kept outside do.
        let anchored = try s.commands(["audit verify --anchor \(file)"])
        #expect(anchored.status == 1)
        #expect(anchored.stderr.contains("is not the entry anchored"), "\(anchored)")
        let one = try s.commands(["audit verify --anchor \"\(first)\""])
        #expect(one.status == 1)
        #expect(
            try s.commands(["audit verify --anchor \"12 zz 2026\""]).stderr.contains(
                "neither an anchor line"))
    }

    @Test func theKeyedChainCannotBeRecomputedWithoutTheKey() throws {
        let s = try desk()
        let inside = (s.db as NSString).deletingLastPathComponent + "/audit.key"
        let outside = s.home.appendingPathComponent("audit.key").path
        let key = Data((0..<32).map { UInt8($0 * 7 % 256) })
        try key.write(to: URL(fileURLWithPath: inside))
        try key.write(to: URL(fileURLWithPath: outside))
        let refused = try s.commands(["config set audit_key_file \(inside)"])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("in the database's folder"), "\(refused)")
        #expect(try s.commands(["config set audit_key_file \(outside)"]).status == 0)
        #expect(try s.commands(["register --locality preston --needs debt --at -1m"]).status == 0)
        #expect(try store(s).read { try $0.hasKeyedEntries() })
        #expect(try s.commands(["audit verify", "check"]).status == 0)
        // A chain recomputed without the key (as SHA-256) is found even without an anchor.
        let seq = try store(s).read { try $0.auditCount() }
        try recomputePlainChain(s, from: Int64(seq))
        let verify = try s.commands(["audit verify"])
        #expect(verify.status == 1)
        #expect(
            verify.stderr.contains("without the key although earlier entries are keyed"),
            "\(verify)")
        // A missing key file is a clear error, and nothing is written unkeyed.
        try FileManager.default.removeItem(atPath: outside)
        let count = try store(s).read { try $0.auditCount() }
        let write = try s.commands(["register --locality preston --needs debt"])
        #expect(write.status == 1)
        #expect(write.stderr.contains("there is no key file"), "\(write)")
        #expect(try store(s).read { try $0.auditCount() } == count)
    }

    // MARK: the records

    @Test func directEditsToTheRecordsAreFound() throws {
        let s = try desk()
        let file = s.root.appendingPathComponent("history.csv").path
        try """
        ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome
        R1,2026-10-01T09:00,blackpool,alcohol,amy,2026-10-01T09:10,2026-10-01T09:20,2026-10-01T10:00,supported-discharged
        R2,2026-10-02T09:00,blackpool,debt,,,,2026-10-02T10:00,left-before-seen
        """.write(toFile: file, atomically: true, encoding: .utf8)
        let setup = try s.commands(["staff add kim liaison", "presentations import \(file)"])
        #expect(setup.status == 0, "\(setup)")
        #expect(try s.commands(["check"]).status == 0)
        _ = try sql(
            s,
            """
            UPDATE presentation SET seen_at = seen_at - 1200 WHERE id = 1;
            DELETE FROM presentation WHERE id = 2;
            UPDATE presentation SET seen_at = NULL WHERE ref = 'R1';
            UPDATE staff SET role = 'admin' WHERE name = 'kim';
            UPDATE presentation SET gender = 'male' WHERE id = 4;
            UPDATE staff SET pin_hash = 'pbkdf2-sha256$600000$AAAA$BBBB' WHERE name = 'kim';
            """)
        let check = try s.commands(["check"])
        #expect(check.status == 1)
        for record in [
            "P1 differs", "P2 was deleted without an audit entry", "P3 differs", "P4 differs",
            "staff kim differs",
        ] {
            #expect(check.stderr.contains(record), "\(record): \(check)")
        }
        #expect(!check.stderr.contains("mentor amy"), "\(check)")
    }

    // MARK: settings

    @Test func aSiteConfBesideAnExistingDatabaseChangesNothing() throws {
        let s = try desk()
        let folder = (s.db as NSString).deletingLastPathComponent
        let week = Times.isoWeek(Self.now)
        let before = try #require(
            try s.json("summary week \(week) --format json") as? [String: Any])
        try "target_minutes = 5\n".write(
            toFile: folder + "/site.conf", atomically: true, encoding: .utf8)
        let r = try s.commands(["summary week \(week) --format json", "config show --format json"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("site.conf is ignored"), "\(r)")
        let docs = try r.jsonDocuments()
        let after = try #require(docs[0] as? [String: Any])
        #expect(after.number("target_minutes") == before.number("target_minutes"))
        #expect(after.number("within_target_pct") == before.number("within_target_pct"))
        #expect((docs[1] as? [String: Any])?.string("target_minutes") == "60")
        // Changing a setting is for an admin, checked, and audited; weights change together.
        #expect(try s.commands(["config set weight_experience 0.6"]).stderr.contains("add up to"))
        #expect(
            try s.commands(["config set weight_experience 0.6 weight_locality 0.1"]).status == 0)
        #expect(try s.commands(["config set target_minutes 90"], asUser: "nobody").status == 1)
        let audit = try s.commands(["audit --entity setting:weight_locality --format json"])
        #expect(audit.stdout.contains(#"\"value\":\"0.1\""#), "\(audit)")
        // A new database is seeded from its site.conf.
        let fresh = try Sandbox(now: Self.now)
        try FileManager.default.createDirectory(
            atPath: (fresh.db as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try "target_minutes = 45\n".write(
            toFile: (fresh.db as NSString).deletingLastPathComponent + "/site.conf",
            atomically: true,
            encoding: .utf8)
        let seeded = try fresh.commands(["config show --format json"])
        #expect(seeded.stdout.contains("\"target_minutes\":\"45\""), "\(seeded)")
        // Settings edited behind the console's back are found.
        _ = try sql(fresh, "UPDATE setting SET value = '240' WHERE key = 'target_minutes'")
        #expect(try fresh.commands(["check"]).stderr.contains("setting target_minutes differs"))
    }

    // MARK: files

    @Test func aPlantedSymlinkIsNeverFollowed() throws {
        let s = try desk()
        let victim = s.root.appendingPathComponent("victim.txt").path
        try "precious\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let out = s.root.appendingPathComponent("week.md").path
        let week = Times.isoWeek(Self.now)
        // The old temporary name was <file>.tmp-<pid>: plant it for the process that runs.
        let r = try s.run(
            ["-c", "summary week \(week) --format md --out \(out)"],
            shell: "ln -s \(victim) \(out).tmp-$$;")
        #expect(r.status == 0, "\(r)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains(week))
        // A symlink planted at the target is replaced, never written through.
        let dir = s.root.appendingPathComponent("roster").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(
            atPath: dir + "/mentors.csv", withDestinationPath: victim)
        let e = try s.run(
            ["-c", "roster export \(dir)"], shell: "ln -s \(victim) \(dir)/shifts.csv.tmp-$$;")
        #expect(e.status == 0, "\(e)")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious\n")
        let attrs = try FileManager.default.attributesOfItem(atPath: dir + "/mentors.csv")
        #expect(attrs[.type] as? FileAttributeType == .typeRegular)
        #expect((attrs[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter {
            $0.contains(".tmp-") && !$0.hasSuffix("-\(0)")
        }
        #expect(left.allSatisfy { $0.hasPrefix("shifts.csv.tmp-") }, "\(left)")
    }

    @Test func aFailedBackupLeavesThePreviousOneAndSaysWhy() throws {
        let s = try Sandbox(now: Self.now)
        #expect(try s.commands(["demo generate --mentors 40 --weeks 4 --per-day 40"]).status == 0)
        let backup = s.root.appendingPathComponent("backup.sqlite").path
        #expect(try s.commands(["backup \(backup)"]).status == 0)
        let previous = try Data(contentsOf: URL(fileURLWithPath: backup))
        #expect(previous.count > 600_000)
        // A file size limit below the database's size: the new copy cannot be completed.
        let r = try s.run(["-c", "backup \(backup)"], shell: "ulimit -f 400;")
        #expect(r.status == 1, "\(r)")
        #expect(!r.stderr.contains("SQLite error"), "\(r)")
        #expect(r.stderr.contains("the previous backup is untouched"), "\(r)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: backup)) == previous)
        let left = try FileManager.default.contentsOfDirectory(atPath: s.root.path).filter {
            $0.contains(".tmp-")
        }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aFullDiskReadsAsASentenceAndChangesNothing() throws {
        let s = try desk()
        let count = try sql(s, "SELECT count(*) FROM presentation")
        // A limit of a few blocks: SQLite cannot grow its write-ahead log.
        let r = try s.run(
            ["-c", "register --locality preston --needs debt"], shell: "ulimit -f 4;")
        #expect(r.status == 1, "\(r)")
        #expect(!r.stderr.contains("SQLite error") && !r.stderr.contains("not an error"), "\(r)")
        #expect(
            r.stderr.contains("the disk is full") || r.stderr.contains("the disk may be full"),
            "\(r)")
        #expect(try sql(s, "SELECT count(*) FROM presentation") == count)
    }

    @Test func aFailedRosterExportLeavesBothPreviousFiles() throws {
        let s = try Sandbox(now: Self.now)
        #expect(
            try s.commands(["demo generate --mentors 300 --weeks 2 --per-day 1 --shift-weeks 2"])
                .status == 0)
        let dir = s.root.appendingPathComponent("export").path
        #expect(try s.commands(["roster export \(dir)"]).status == 0)
        let mentors = try Data(contentsOf: URL(fileURLWithPath: dir + "/mentors.csv"))
        let shifts = try Data(contentsOf: URL(fileURLWithPath: dir + "/shifts.csv"))
        #expect(
            mentors.count < 100 * 1024 && shifts.count > 200 * 1024,
            "\(mentors.count) \(shifts.count)")
        #expect(try s.commands(["mentor add zed --name Zed"]).status == 0)
        let r = try s.run(["-c", "roster export \(dir)"], shell: "ulimit -f 200;")
        #expect(r.status == 1, "\(r)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/mentors.csv")) == mentors)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/shifts.csv")) == shifts)
    }

    // MARK: imports

    @Test func openHistoricRowsAreLimited() throws {
        let s = try desk()
        let file = s.root.appendingPathComponent("open.csv").path
        try """
        ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome
        R1,2026-09-14T21:00,blackpool,alcohol,,,,,
        R2,2026-11-16T08:00,blackpool,alcohol,amy,2026-11-16T08:10,,,
        R3,2026-11-16T08:30,blackpool,alcohol,amy,2026-11-16T08:40,,,
        R4,2026-11-16T08:45,blackpool,alcohol,amy,2026-11-16T08:50,,,
        """.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try s.commands(["assign P2 amy"]).status == 0)
        let before = try numbers(s)
        let r = try s.commands(["presentations import \(file)"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "open.csv:2: closed_at: the row is not closed and arrived more than 24 hours ago"),
            "\(r)")
        // amy holds P2 already (capacity 3): R2 and R3 fit, R4 does not.
        #expect(
            r.stderr.contains(
                "open.csv:5: mentor_id: amy would hold 4 open people against a capacity of 3"),
            "\(r)")
        #expect(!r.stderr.contains("open.csv:4:"), "\(r)")
        #expect(try numbers(s) == before)
        #expect(before == [1, 2])
    }

    // MARK: retention

    @Test func retentionErasesFromRecordAndLogAndTheChainStillVerifies() throws {
        let s = try Sandbox(now: Self.now)
        #expect(
            try s.commands([
                "mentor add amy --name Amy --capacity 3 --languages polish", "shift add amy -2h 2026-11-16T18:00",
                "register --locality blackpool --needs alcohol --at -90m --gender female --age-band 25-34 --language polish --nhs 9434765919 --ref RX1",
                "assign P1 amy --at -80m", "decline P1 --reason \"knows the family\"",
                "register --locality blackpool --needs alcohol --at -50m --gender female --age-band 25-34 --language polish",
                "close P1 left-before-seen", "close P2 left-before-seen --at -40m",
                "hold P2 --reason \"inquest\"",
            ]).status == 0)
        let shown = try #require(try s.json("show P1 --format json") as? [String: Any])
        #expect(shown.string("identifiers_removed_from") == "2034-11-17")
        // Nine years on, a plain 'retention' (as cron runs it) applies retention_years = 8.
        s.now = Times.parse("2035-11-20T10:00:00+00:00")!
        let run = try s.commands(["retention"])
        #expect(run.status == 0 && run.stdout.contains("from 1 presentation"), "\(run)")
        let p1 = try #require(try s.json("show P1 --format json") as? [String: Any])
        for key in ["nhs", "ref", "gender", "age_band", "language"] {
            #expect(p1.isNull(key), "\(key)")
        }
        let log = try s.commands(["audit --entity P1 --format json"]).stdout
        for text in ["female", "25-34", "polish", "knows the family"] {
            #expect(!log.contains(text), "\(text)")
        }
        #expect(log.contains("[removed]"))
        // P2 is on hold: kept until released.
        let p2 = try #require(try s.json("show P2 --format json") as? [String: Any])
        #expect(p2.string("gender") == "female" && p2.string("hold") == "inquest")
        #expect(try s.commands(["audit verify", "check"]).status == 0)
        #expect(try s.commands(["hold release P2", "retention"]).status == 0)
        let released = try #require(try s.json("show P2 --format json") as? [String: Any])
        #expect(released.isNull("gender"))
        #expect(try s.commands(["audit verify", "check"]).status == 0)
        // Content erased outside retention is found.
        _ = try sql(
            s,
            Self.dropGuards
                + "UPDATE audit SET after = NULL, salt = NULL WHERE seq = (SELECT min(seq) FROM audit WHERE entity = 'P2' AND command = 'register')"
        )
        #expect(try s.commands(["audit verify"]).stderr.contains("entry"))
    }

    @Test func anNHSNumberShapedTimeIsNotRedactedInTheLog() throws {
        // An arrival whose epoch seconds are 10 digits passing Modulus 11.
        var t = Int(Self.now.timeIntervalSince1970) - 3600
        func passes(_ n: Int) -> Bool {
            let d = String(n).compactMap { $0.wholeNumberValue }
            guard d.count == 10 else { return false }
            let sum = (0..<9).reduce(0) { $0 + d[$1] * (10 - $1) }
            let check = 11 - sum % 11
            return check == 10 ? false : (check == 11 ? 0 : check) == d[9]
        }
        while !passes(t) { t -= 1 }
        let s = try Sandbox(now: Self.now)
        let at = Times.iso(Date(timeIntervalSince1970: TimeInterval(t)))
        #expect(
            try s.commands(["register --locality blackpool --needs alcohol --at \(at)"]).status == 0
        )
        let log = try s.commands(["audit --entity P1 --format json"]).stdout
        #expect(log.contains("\\\"arrived_at\\\":\(t)"), "\(log)")
        #expect(!log.contains("[NHS number]"))
    }
}
