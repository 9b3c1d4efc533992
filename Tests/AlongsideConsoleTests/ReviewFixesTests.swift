import AlongsideCore
import Foundation
import Testing

@testable import AlongsideConsole

/// Behaviour found missing in a review against the spec, each pinned by a test.
@Suite("Review fixes")
struct ReviewFixesTests {
    @Test func freeTextWithAnNHSNumberIsRefusedSoTheAuditNeverHoldsOne() throws {
        let s = try Sandbox()
        let now = Date()
        try s.setUp([
            "mentor add M1 --name A", "shift add M1 \(Times.iso(now.addingTimeInterval(-3600))) \(Times.iso(now.addingTimeInterval(3600)))",
            "register --locality blackpool --needs alcohol --at -5m", "assign P1 M1",
        ])
        for command in [
            "decline P1 --reason 'patient 943 476 5919 is my neighbour'",
            "register --locality blackpool --needs alcohol --age-band 9434765919",
        ] {
            let r = try s.commands([command])
            #expect(r.status == 1)
            #expect(r.stderr.contains("looks like an NHS number"), "\(r.stderr)")
        }
        let audit = try SafetyTests.sqlite(s.db, "SELECT coalesce(before, '') || coalesce(after, '') FROM audit")
        #expect(!audit.contains("9434765919") && !audit.contains("943 476 5919"))
    }

    @Test func historyNeverKeepsALineWithARef() {
        #expect(!HistoryPolicy.mayStore("register --locality blackpool --needs debt --ref MYREF-77"))
        #expect(HistoryPolicy.mayStore("queue"))
    }

    @Test func refsMatchWithoutRegardToCaseForContinuity() throws {
        let s = try Sandbox()
        let now = Date()
        let r = try s.commands([
            "mentor add M1 --name A", "mentor add M2 --name B",
            "shift add M1 \(Times.iso(now.addingTimeInterval(-7200))) \(Times.iso(now.addingTimeInterval(3600)))",
            "shift add M2 \(Times.iso(now.addingTimeInterval(-7200))) \(Times.iso(now.addingTimeInterval(3600)))",
            "register --locality blackpool --needs alcohol --ref RX1 --at -60m", "assign P1 M2 --at -50m",
            "seen P1 --at -40m", "close P1 supported-discharged --at -30m",
            "register --locality blackpool --needs alcohol --ref rx1 --at -1m",
        ])
        #expect(r.status == 0, "\(r)")
        let match = try #require(try s.json("match P2 --format json") as? [String: Any])
        let first = try #require(match.list("candidates")?.first)
        #expect(first.string("mentor") == "M2")
        #expect(first.object("components")?["continuity"] as? Double == 1)
    }

    @Test func anAssignmentCannotBeDatedBeforeTheLastDecline() throws {
        let s = try Sandbox()
        let now = Date()
        let r = try s.commands([
            "mentor add M1 --name A", "mentor add M2 --name B",
            "shift add M1 \(Times.iso(now.addingTimeInterval(-7200))) \(Times.iso(now.addingTimeInterval(3600)))",
            "shift add M2 \(Times.iso(now.addingTimeInterval(-7200))) \(Times.iso(now.addingTimeInterval(3600)))",
            "register --locality blackpool --needs alcohol --at -20m", "assign P1 M1 --at -15m", "decline P1",
        ])
        #expect(r.status == 0, "\(r)")
        let back = try s.commands(["assign P1 M2 --at -18m"])
        #expect(back.status == 1)
        #expect(back.stderr.contains("last decline"))
    }

    @Test func aBackupOntoTheDatabaseItselfIsRefused() throws {
        let s = try Sandbox()
        try s.setUp(["staff list"])
        let r = try s.commands(["backup \(s.db)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("database itself"))
        #expect(try s.commands(["check"]).status == 0)
    }

    @Test func staffNamesMatchWithoutRegardToCase() throws {
        let s = try Sandbox()
        try s.setUp(["staff add jo liaison", "staff add Jo coordinator"])
        let list = try #require(try s.json("staff list --format json") as? [[String: Any]])
        #expect(list.filter { ($0.string("name") ?? "").lowercased() == "jo" }.count == 1)
        #expect(list.first { $0.string("name") == "jo" }?.string("role") == "coordinator")
    }

    @Test func scriptErrorsNameTheLineAndRelativeTimesGiveRealMessages() throws {
        let s = try Sandbox()
        let r = try s.script("queue\n\nbogus\nregister --locality blackpool --needs alcohol --at -1d\n")
        #expect(r.status == 1)
        #expect(r.stderr.contains("error: line 3: unknown command 'bogus'"))
        #expect(r.stderr.contains("error: line 4: --at: '-1d' is not a time"))
    }

    @Test func theRosterListingAndWeekAreForTheDeskToo() throws {
        // Spec §8 lists `mentors` and `roster week` under the liaison role: the desk needs to
        // see who is on and call them.
        let s = try Sandbox()
        try s.addStaff("jo", role: "liaison")
        let r = try s.commands(["mentors", "roster week"], asUser: .some("jo"))
        #expect(r.status == 0, "\(r)")
        let add = try s.commands(["mentor add M1 --name Amy"], asUser: .some("jo"))
        #expect(add.status == 1 && add.stderr.contains("coordinator"), "\(add)")
    }
}

@Suite("Trend report")
struct TrendReportTests {
    @Test func theTrendAlsoComesAsAnHTMLPageWithItsChart() throws {
        let s = try Sandbox()
        let old = Date().addingTimeInterval(-14 * 86400)
        try s.setUp([
            "mentor add M1 --name A",
            "shift add M1 \(Times.iso(old.addingTimeInterval(-3600))) \(Times.iso(old.addingTimeInterval(7200)))",
            "register --locality blackpool --needs alcohol --at \(Times.iso(old))",
            "assign P1 M1 --at \(Times.iso(old.addingTimeInterval(600)))",
            "seen P1 --at \(Times.iso(old.addingTimeInterval(1200)))",
        ])
        let out = s.root.appendingPathComponent("trend.html").path
        let r = try s.commands(["summary trend --weeks 4 --format html --out \(out)"])
        #expect(r.status == 0, "\(r)")
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<svg"))
        #expect(html.contains(Times.isoWeek(old)))
        #expect(!html.contains("<script"))
        // Nothing fetched from elsewhere (the SVG namespace is a name, not a fetch).
        #expect(!html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("url(http"))
    }
}

@Suite("Spreadsheet safety")
struct SpreadsheetSafetyTests {
    @Test func textThatASpreadsheetWouldRunIsRefused() throws {
        let s = try Sandbox()
        let r = try s.commands(["mentor add M1 --name '=HYPERLINK(\"x\")'"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("formula"))
        let dir = s.root.appendingPathComponent("in")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let file = dir.appendingPathComponent("m.csv").path
        try "id,name\nM1,@SUM(A1)\n".write(toFile: file, atomically: true, encoding: .utf8)
        let r2 = try s.commands(["roster import \(file)"])
        #expect(r2.status == 1)
        #expect(r2.stderr.contains("m.csv:2: name:"), "\(r2.stderr)")
    }
}

@Suite("Removing shifts")
struct ShiftRemoveTests {
    @Test func shiftsStartingInTheRangeAreRemovedAndAudited() throws {
        let s = try Sandbox()
        let r = try s.commands([
            "mentor add M1 --name A",
            "shift weekly M1 mon-fri 09:00-17:00 --from 2026-11-23 --until 2026-12-04",
            "shift remove M1 2026-11-30 2026-12-01",
        ])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Removed 2 shift(s) of M1."))
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM shift") == "8")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit WHERE command = 'shift remove' AND action = 'delete'") == "2")
        let again = try s.commands(["shift remove M1 2026-11-30 2026-12-01"])
        #expect(again.status == 1)
        #expect(try s.commands(["shift remove M1 2026-11-30 2026-12-01"], asUser: .some("nobody")).status == 1)
    }
}
