import AlongsideCore
import Foundation
import Testing

@testable import AlongsideConsole

/// The live desk of spec §11 (issue 14), each point through the built binary, on a pinned
/// clock: Tuesday 1 December 2026, 20:00 in London (GMT, so local = UTC).
@Suite("Desk")
struct DeskTests {
    static let now = Date(timeIntervalSince1970: 1_796_155_200)  // 2026-12-01T20:00:00Z

    /// A sandbox with M1 (female, Polish, lead, capacity 2, phone) and M2 (male) on shift
    /// 18:00–02:00 and 18:00–20:30, and M3 (female) off shift.
    static func desk() throws -> Sandbox {
        let s = try Sandbox(now: now)
        let r = try s.commands([
            "mentor add M1 --name Amy --gender female --languages polish --localities blackpool --experience alcohol --capacity 2 --lead --phone '01253 300 400'",
            "mentor add M2 --name Bob --gender male --localities fleetwood --experience housing",
            "mentor add M3 --name Cat --gender female --localities blackpool --experience alcohol",
            "shift add M1 2026-12-01T18:00 2026-12-02T02:00",
            "shift add M2 2026-12-01T18:00 2026-12-01T20:30",
        ])
        try #require(r.status == 0, "\(r)")
        return s
    }

    static func object(_ s: Sandbox, _ command: String) throws -> [String: Any] {
        try #require(try s.json(command) as? [String: Any], "\(command) did not print an object")
    }

    static func list(_ s: Sandbox, _ command: String) throws -> [[String: Any]] {
        try #require(try s.json(command) as? [[String: Any]], "\(command) did not print a list")
    }

    // MARK: Corrections

    @Test func unassignTakesAWrongPickOffWithoutADeclineAndNeedsAReason() throws {
        let s = try Self.desk()
        try s.setUp([
            "register --locality blackpool --needs alcohol --at -20m", "assign P1 M1",
        ])
        let bare = try s.commands(["unassign P1"])
        #expect(bare.status == 1 && bare.stderr.contains("--reason: is required"), "\(bare)")
        let r = try s.commands(["unassign P1 --reason 'picked the wrong mentor'"])
        #expect(r.status == 0 && r.stdout.contains("waiting again"), "\(r)")
        let match = try Self.object(s, "match P1 --format json")
        // No decline: M1 is still offered for P1.
        #expect(match.list("candidates")?.first?.string("mentor") == "M1")
        let show = try Self.object(s, "show P1 --format json")
        #expect(show.string("status") == "waiting")
        #expect((show["declined_by"] as? [Any])?.isEmpty == true)
        let fix = try #require(show.list("corrections")?.first)
        #expect(
            fix.string("kind") == "unassign" && fix.string("reason") == "picked the wrong mentor")
        let audit = try SafetyTests.sqlite(
            s.db, "SELECT count(*) FROM audit WHERE action = 'correction' AND entity = 'P1'")
        #expect(audit == "1")
    }

    @Test func aVoidedPresentationLeavesTheQueueAndEveryFigure() throws {
        let s = try Self.desk()
        let r = try s.commands([
            "register --locality blackpool --needs alcohol --at -30m",
            "register --locality blackpool --needs alcohol --at -29m",
            "register --locality blackpool --needs alcohol --at -14h", "assign P3 M1",
            "void P2 --reason 'registered twice; see P1'", "void P3 --reason 'test entry'",
            // Last week (the one summary trend ends with): one real, one voided.
            "register --locality blackpool --needs alcohol --at 2026-11-25T10:00",
            "close P4 no-mentor-available --at 2026-11-25T11:00",
            "register --locality blackpool --needs alcohol --at 2026-11-25T10:05",
            "void P5 --reason 'registered twice'",
        ])
        #expect(r.status == 0, "\(r)")
        #expect(
            try Self.list(s, "queue --format json").compactMap { $0.string("presentation") } == [
                "P1"
            ])
        let week = try Self.object(s, "summary week 2026-W49 --format json")
        #expect(week.number("presentations") == 1)
        let trend = try #require(
            try s.json("summary trend --weeks 1 --format json") as? [[String: Any]])
        #expect(trend.last?.number("presentations") == 1, "\(trend)")
        let allocate = try Self.object(s, "allocate --format json")
        #expect(allocate["people"] as? [String] == ["P1"])
        let board = try s.commands(["board --once"])
        #expect(
            board.stdout.contains("P1") && !board.stdout.contains("P2")
                && !board.stdout.contains("P3"))
        let handover = try Self.object(s, "handover --format json")
        #expect(handover.list("open_by_mentor")?.isEmpty == true)
        #expect((handover["stale"] as? [String])?.isEmpty == true)
        let show = try Self.object(s, "show P2 --format json")
        #expect(show.string("status") == "voided")
        #expect(show.list("corrections")?.first?.string("reason") == "registered twice; see P1")
        let again = try s.commands(["assign P2 M1"])
        #expect(again.status == 1 && again.stderr.contains("voided"), "\(again)")
    }

    @Test func editChangesARegistrationOnlyBeforeThePersonIsSeen() throws {
        let s = try Self.desk()
        try s.setUp(["register --locality fleetwood --needs alcohol --at -10m"])
        let r = try s.commands([
            "edit P1 --needs alcohol,housing --locality blackpool --lead-mentor --reason 'housing missed at triage'"
        ])
        #expect(r.status == 0, "\(r)")
        var show = try Self.object(s, "show P1 --format json")
        #expect(show["needs"] as? [String] == ["alcohol", "housing"])
        #expect(show.string("locality") == "blackpool" && show.bool("lead_mentor") == true)
        try s.setUp(["edit P1 --no-lead-mentor --reason 'request withdrawn'"])
        show = try Self.object(s, "show P1 --format json")
        #expect(show.bool("lead_mentor") == false)
        #expect(show.list("corrections")?.count == 2)
        try s.setUp(["assign P1 M1", "seen P1"])
        let late = try s.commands(["edit P1 --needs debt --reason 'too late'"])
        #expect(late.status == 1 && late.stderr.contains("only before it is seen"), "\(late)")
    }

    @Test func reopenRestoresTheStateBeforeTheCloseOrWaitsWithoutAMentor() throws {
        let s = try Self.desk()
        let r = try s.commands([
            "register --locality blackpool --needs alcohol --at -40m", "assign P1 M1 --at -35m",
            "seen P1 --at -30m", "close P1 supported-discharged --at -5m",
            "register --locality fleetwood --needs housing --at -20m", "assign P2 M2 --at -15m",
            "close P2 left-before-seen --at -10m", "mentor pause M2",
        ])
        #expect(r.status == 0, "\(r)")
        let back = try s.commands(["reopen P1 --reason 'closed the wrong person'"])
        #expect(back.status == 0 && back.stdout.contains("reopened: seen"), "\(back)")
        var show = try Self.object(s, "show P1 --format json")
        #expect(show.string("status") == "seen" && show.string("mentor") == "M1")
        #expect(show.isNull("outcome") && show.isNull("closed_at"))
        let orphan = try s.commands(["reopen P2 --reason 'closed in error'"])
        #expect(orphan.status == 0 && orphan.stdout.contains("without a mentor"), "\(orphan)")
        #expect(orphan.stderr.contains("M2 can no longer hold P2 (paused)"), "\(orphan)")
        show = try Self.object(s, "show P2 --format json")
        #expect(show.string("status") == "waiting" && show.isNull("mentor"))
        let notClosed = try s.commands(["reopen P2 --reason again"])
        #expect(notClosed.status == 1 && notClosed.stderr.contains("not closed"))
    }

    // MARK: Leave

    @Test func leaveCanBeListedAndRemovedAndOverlapsOrTyposAreRefused() throws {
        let s = try Self.desk()
        #expect(try s.commands(["leave M2 2026-12-24 2026-12-27"]).status == 0)
        #expect(try s.commands(["leave add M3 2026-12-24 2026-12-25"]).status == 0)
        let overlap = try s.commands(["leave M2 2026-12-26 2026-12-30"])
        #expect(overlap.status == 1 && overlap.stderr.contains("already has leave"), "\(overlap)")
        let typo = try s.commands(["leave M2 2026-12-28 2027-12-30"])
        #expect(typo.status == 1 && typo.stderr.contains("likely typo"), "\(typo)")
        let long = try s.commands(["leave M2 2027-01-01 2027-05-01"])
        #expect(long.status == 0 && long.stderr.contains("warning: M2's leave lasts"), "\(long)")
        #expect(try Self.list(s, "leave list M2 --format json").count == 2)
        #expect(try Self.list(s, "leave list --format json").count == 3)
        let removed = try s.commands(["leave remove M2 2026-12-24 2026-12-27"])
        #expect(removed.status == 0 && removed.stdout.contains("Removed 1"), "\(removed)")
        let left = try Self.list(s, "leave list M2 --format json")
        #expect(left.count == 1 && left.first?.string("from")?.hasPrefix("2027-01-01") == true)
        let none = try s.commands(["leave remove M2 2026-12-24 2026-12-27"])
        #expect(none.status == 1 && none.stderr.contains("no leave of M2"))
        let audit = try SafetyTests.sqlite(
            s.db, "SELECT count(*) FROM audit WHERE action = 'delete' AND entity = 'M2'")
        #expect(audit == "1")
    }

    @Test func aMentorIDMayNotBeASubcommandWord() throws {
        let s = try Self.desk()
        for word in ["remove", "list", "In", "out", "add"] {
            let r = try s.commands(["mentor add \(word) --name X"])
            #expect(r.status == 1 && r.stderr.contains("command word"), "\(word): \(r)")
        }
    }

    // MARK: Queue

    @Test func queueFlagsPreBreachAndShowsMinutesSinceAssignment() throws {
        let s = try Self.desk()
        try s.setUp([
            "register --locality blackpool --needs alcohol --at -10m",
            "register --locality blackpool --needs alcohol --at -50m",
            "register --locality blackpool --needs alcohol --at -70m",
            "register --locality blackpool --needs alcohol --at -20m", "assign P4 M1 --at -12m",
        ])
        let q = try Self.list(s, "queue --format json")
        #expect(q.compactMap { $0.string("presentation") } == ["P3", "P2", "P4", "P1"])
        #expect(q[0].bool("breach") == true && q[0].bool("pre_breach") == false)
        #expect(q[1].bool("breach") == false && q[1].bool("pre_breach") == true)
        #expect(q[2].number("assigned_minutes") == 12 && q[3].isNull("assigned_minutes"))
        let csv = try s.commands(["queue --format csv"])
        #expect(
            csv.lines.first?.contains("pre_breach") == true
                && csv.lines.first?.contains("assigned_minutes") == true)
        let table = try s.commands(["queue"])
        #expect(table.stdout.contains("! 70 min") && table.stdout.contains("~ 50 min"), "\(table)")
    }

    @Test func preBreachFollowsTheSiteSetting() throws {
        let s = try Self.desk()
        // Settings live in the database (spec §8).
        #expect(try s.commands(["config set pre_breach_minutes 30"]).status == 0)
        try s.setUp(["register --locality blackpool --needs alcohol --at -35m"])
        #expect(try Self.list(s, "queue --format json").first?.bool("pre_breach") == true)
    }

    // MARK: Attendance

    @Test func withSignInRequiredAMentorWhoHasNotSignedInIsNotOffered() throws {
        let s = try Self.desk()
        // Settings live in the database (spec §8).
        #expect(try s.commands(["config set require_sign_in yes"]).status == 0)
        try s.setUp(["register --locality blackpool --needs alcohol --at -5m"])
        var match = try Self.object(s, "match P1 --format json")
        #expect(match.list("candidates")?.isEmpty == true)
        let rules = match.list("excluded")?.compactMap { $0.string("rule") } ?? []
        #expect(rules.contains("not-signed-in"), "\(match)")
        let assign = try s.commands(["assign P1 M1"])
        #expect(assign.status == 1 && assign.stderr.contains("not-signed-in"), "\(assign)")
        #expect(try Self.object(s, "allocate --format json")["places"] as? [String] == [])
        #expect(try s.commands(["mentor in M1 --at 19:05"]).status == 0)
        match = try Self.object(s, "match P1 --format json")
        #expect(match.list("candidates")?.first?.string("mentor") == "M1")
        let mentors = try Self.list(s, "mentors --format json")
        #expect(
            mentors.first { $0.string("id") == "M1" }?.string("signed_in")?.hasPrefix(
                "2026-12-01T19:05") == true)
        #expect(mentors.first { $0.string("id") == "M2" }?.isNull("signed_in") == true)
        let twice = try s.commands(["mentor in M1"])
        #expect(twice.status == 1 && twice.stderr.contains("already signed in"))
        #expect(try s.commands(["mentor out M1 --at 19:50"]).status == 0)
        match = try Self.object(s, "match P1 --format json")
        #expect(match.list("candidates")?.isEmpty == true)
    }

    @Test func theWeeklySummaryCountsSignedInHoursAndNoShows() throws {
        let s = try Self.desk()
        let r = try s.commands([
            "shift add M3 2026-11-30T18:00 2026-11-30T22:00", "mentor in M1 --at 18:30",
        ])
        #expect(r.status == 0, "\(r)")
        let week = try Self.object(s, "summary week 2026-W49 --format json")
        let rows = try #require(week.list("mentors"))
        let m1 = try #require(rows.first { $0.string("mentor") == "M1" })
        #expect(m1.number("signed_in_hours") == 1.5 && m1.number("no_shows") == 0)
        let m3 = try #require(rows.first { $0.string("mentor") == "M3" })
        #expect(m3.number("signed_in_hours") == 0 && m3.number("no_shows") == 1)
        // M2's shift has not ended yet: not a no-show.
        #expect(rows.first { $0.string("mentor") == "M2" }?.number("no_shows") == 0)
    }

    @Test func withoutTheSettingSignInIsNotNeeded() throws {
        let s = try Self.desk()
        try s.setUp(["register --locality blackpool --needs alcohol --at -5m"])
        let match = try Self.object(s, "match P1 --format json")
        #expect(match.list("candidates")?.first?.string("mentor") == "M1")
    }

    // MARK: Phone

    @Test func thePhoneIsShownByAssignAndShowAndIsCheckedAsAPhoneNumber() throws {
        let s = try Self.desk()
        try s.setUp(["register --locality blackpool --needs alcohol --at -5m"])
        let assign = try s.commands(["assign P1 M1"])
        #expect(assign.stdout.contains("Phone: 01253 300 400"), "\(assign)")
        let show = try s.commands(["show M1"])
        #expect(show.stdout.contains("phone: 01253 300 400"))
        let bad = try s.commands(["mentor edit M2 --phone 'call reception'"])
        #expect(bad.status == 1 && bad.stderr.contains("--phone"), "\(bad)")
        // Not free text: ten digits that pass the NHS check are a phone number here.
        let digits = try s.commands(["mentor edit M2 --phone '943 476 5919'"])
        #expect(digits.status == 0, "\(digits)")
        let export = s.root.appendingPathComponent("export")
        #expect(try s.commands(["roster export \(export.path)"]).status == 0)
        let mentors = try String(
            contentsOf: export.appendingPathComponent("mentors.csv"), encoding: .utf8)
        #expect(mentors.contains("phone") && mentors.contains("01253 300 400"))
    }

    // MARK: Handover

    @Test func handoverSaysWhoHoldsWhomWhatEndsSoonWhoIsOrphanedAndWhoIsNext() throws {
        let s = try Self.desk()
        let r = try s.commands([
            "mentor add M4 --name Dee --lead", "mentor add M5 --name Eve",
            "shift add M4 2026-12-01T23:00 2026-12-02T07:00",
            "shift add M5 2026-12-01T22:00 2026-12-02T06:00",
            "register --locality blackpool --needs alcohol --at -30m", "assign P1 M1 --at -20m",
            "register --locality fleetwood --needs housing --at -25m", "assign P2 M2 --at -15m",
            "seen P2 --at -5m",
            "register --locality blackpool --needs alcohol --at -13h",
            "register --locality blackpool --needs alcohol --at -3h",
            "assign P4 M3 --override 'only one free' --at -2h",
        ])
        #expect(r.status == 0, "\(r)")
        let h = try Self.object(s, "handover --format json")
        #expect(
            Array(h.keys).sorted() == [
                "at", "ending_soon", "next_on", "on_now", "open_by_mentor", "orphaned", "stale",
            ])
        let open = try #require(h.list("open_by_mentor"))
        #expect(open.compactMap { $0.string("mentor") } == ["M1", "M2", "M3"])
        let m2 = try #require(open.first { $0.string("mentor") == "M2" })
        #expect(m2.list("presentations")?.first?.string("status") == "seen")
        #expect(m2.list("presentations")?.first?.number("since_minutes") == 5)
        let soon = try #require(h.list("ending_soon"))
        #expect(
            soon.count == 1 && soon.first?.string("mentor") == "M2"
                && soon.first?.number("open") == 1)
        let orphaned = try #require(h.list("orphaned"))
        #expect(orphaned.count == 1 && orphaned.first?.string("presentation") == "P4")
        #expect(orphaned.first?.string("reason") == "off-shift")
        #expect(h["on_now"] as? [String] == ["M1", "M2"])
        let next = try #require(h.list("next_on"))
        #expect(next.compactMap { $0.string("mentor") } == ["M5", "M4"])
        #expect(next.last?.bool("lead") == true)
        #expect(h["stale"] as? [String] == ["P3"])
        try s.setUp(["mentor pause M1"])
        let paused = try Self.object(s, "handover --format json").list("orphaned") ?? []
        #expect(
            paused.contains { $0.string("presentation") == "P1" && $0.string("reason") == "paused" }
        )
        let table = try s.commands(["handover"])
        #expect(
            table.status == 0 && table.stdout.contains("Next on: M5")
                && table.stdout.contains("P4 held by M3: off-shift"))
    }

    // MARK: Board

    @Test func boardOncePrintsOneFrameThatFits80x24() throws {
        let s = try Self.desk()
        var lines: [String] = []
        for i in 0..<30 {
            lines.append(
                "register --locality blackpool --needs alcohol,housing --at -\(5 + 3 * i)m --age-band 25-34 --gender female --mentor-gender female --language polish"
            )
        }
        try s.setUp(lines)
        let r = try s.commands(["board --once"])
        #expect(r.status == 0, "\(r)")
        let frame = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            .map(String.init)
        #expect(frame.count <= 24, "\(frame.count) lines")
        #expect(frame.allSatisfy { $0.unicodeScalars.count <= 80 }, "\(r.stdout)")
        #expect(!r.stdout.contains("\u{1B}"))
        // Longest waits are breaches (marked !) and come first; the rest do not fit.
        #expect(frame[2].hasPrefix("! P30"), "\(r.stdout)")
        #expect(frame.contains { $0.hasPrefix("~ ") })
        #expect(frame.contains { $0.hasPrefix("+") && $0.contains("more") }, "\(r.stdout)")
        #expect(frame[1].contains("asg") && frame[1].contains("flags") && frame[1].contains("best"))
    }

    // MARK: Allocate

    @Test func allocateConfirmPrintsThePairsOrNothingToAssign() throws {
        let s = try Self.desk()
        try s.setUp([
            "mentor add M6 --name Old --dbs-recheck-due 2026-01-01 --localities blackpool",
            "shift add M6 2026-12-01T18:00 2026-12-02T02:00",
            "register --locality blackpool --needs alcohol --at -30m",
        ])
        let proposal = try Self.object(s, "allocate --format json")
        // Only mentors available now give places: M1 (2) and M2 (1); not M3 (off shift)
        // nor M6 (DBS recheck overdue).
        #expect((proposal["places"] as? [String])?.sorted() == ["M1", "M1", "M2"])
        let confirmed = try s.commands(["allocate --confirm"])
        #expect(confirmed.stdout.contains("Assigned: P1 → M1."), "\(confirmed)")
        let again = try s.commands(["allocate --confirm"])
        #expect(again.stdout == "Nothing to assign.\n", "\(again)")
    }

    // MARK: Input rules

    @Test func aRequestMustNameAGenderOrLanguageSomeMentorHas() throws {
        let s = try Self.desk()
        let woman = try s.commands([
            "register --locality blackpool --needs alcohol --mentor-gender woman"
        ])
        #expect(woman.status == 1)
        #expect(
            woman.stderr.contains(
                "error: --mentor-gender: no mentor on the roster has gender 'woman' (did you mean 'female'?)"
            ), "\(woman)")
        let pl = try s.commands(["register --locality blackpool --needs alcohol --language pl"])
        #expect(
            pl.stderr.contains(
                "--language: no mentor on the roster has language 'pl' (did you mean 'polish'?)"),
            "\(pl)")
        let edit = try s.commands([
            "register --locality blackpool --needs alcohol",
            "edit P1 --mentor-gender woman --reason asked",
        ])
        #expect(edit.stderr.contains("no mentor on the roster has gender 'woman'"), "\(edit)")
        #expect(
            try s.commands([
                "register --locality blackpool --needs alcohol --mentor-gender Female --language Polish"
            ]).status == 0)
        let rows = try SafetyTests.sqlite(s.db, "SELECT count(*) FROM presentation")
        #expect(rows == "2")
    }

    @Test func aRegisterWithSeveralBadFieldsReportsAllOfThem() throws {
        let s = try Self.desk()
        let r = try s.commands(["register --locality blackpol --needs alcohl,housng"])
        #expect(r.status == 1)
        for part in ["unknown locality 'blackpol'", "unknown tag 'alcohl'", "unknown tag 'housng'"]
        {
            #expect(r.stderr.contains(part), "\(part): \(r.stderr)")
        }
        #expect(r.stderr.split(separator: "\n").count == 1)
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM presentation") == "0")
    }
}
