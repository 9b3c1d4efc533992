import AlongsideCore
import AlongsideStore
@testable import AlongsideSQLite
import Foundation
import Testing

@testable import AlongsideConsole

// The weekly summary on a fixture week worked out by hand, loaded with `presentations import`
// and read back as JSON, CSV, Markdown, the trend and the HTML report.
//
// Week 2026-W43 is Monday 2026-10-19 to Sunday 2026-10-25 in Europe/London. The clocks go
// back at 02:00 BST on Sunday the 25th, so the week runs from 2026-10-18T23:00Z to
// 2026-10-26T00:00Z: 169 real hours. "Now" is Wednesday 2026-10-28 12:00 GMT, in W44, so the
// last complete week is W43. The target is 60 minutes.
//
// Row  arrived (local)        locality   needs                mentor  seen → wait
//  1   Mon 19 09:00           blackpool  alcohol, housing     M1      09:35 → 35:00 = 2100 s
//  2   Mon 19 14:00           blackpool  alcohol              M2      15:00 → 60:00 = 3600 s
//  3   Tue 20 10:00           fleetwood  debt                 M1      11:00:01 → 3601 s
//  4   Tue 20 22:15           fleetwood  housing, debt        -       left-before-seen
//  5   Wed 21 08:00           blackpool  bereavement          m2      08:12:30 → 750 s
//  6   Thu 22 13:00           blackpool  housing              M1      14:50 → 110 min = 6600 s
//  7   Fri 23 19:00           fleetwood  alcohol              -       no-mentor-available
//  8   Sat 24 11:00           blackpool  self-harm            M2      declined-support, unseen
//  9   Sun 25 00:50 BST       fleetwood  alcohol, bereavement M1      01:20 GMT → 90 min = 5400 s
// 10   Sun 25 22:55 GMT       blackpool  debt                 -       still waiting
// 11   Sun 25 23:45 GMT       fleetwood  housing              M4      still waiting (assigned)
// 12   Sun 25 23:30 GMT       blackpool  alcohol, debt        M2      Mon 26 00:10:15 → 2415 s
// 13   Sun 18 23:30 BST (W42) blackpool  alcohol              M1      23:50 → 1200 s
// 14   Mon 26 00:00 GMT (W44) fleetwood  debt                 -       left-before-seen
//
// Row 9's wall clock shows 30 minutes (00:50 to 01:20) but 90 real minutes passed: the hour
// from 01:00 to 02:00 happened twice. Row 12 arrived in the last half hour of W43 and was seen
// in W44: it belongs to W43. Row 14 arrived at the first instant of W44: not in W43.

/// 2026-10-28T12:00:00Z.
private let fixedNow = Date(timeIntervalSince1970: 1_793_188_800)

private let fixtureCSV = """
    ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome
    R1,2026-10-19T09:00,blackpool,alcohol;housing,M1,2026-10-19T09:10,2026-10-19T09:35,\
    2026-10-19T10:30,supported-discharged
    R2,2026-10-19T14:00,blackpool,alcohol,M2,2026-10-19T14:20,2026-10-19T15:00,\
    2026-10-19T15:45,referred-community
    R3,2026-10-20T10:00,fleetwood,debt,M1,2026-10-20T10:30,2026-10-20T11:00:01,\
    2026-10-20T12:00,admitted
    R4,2026-10-20T22:15,fleetwood,housing;debt,,,,2026-10-20T23:40,left-before-seen
    R5,2026-10-21T08:00,blackpool,bereavement,m2,2026-10-21T08:05,2026-10-21T08:12:30,\
    2026-10-21T09:00,referred-cmht
    R6,2026-10-22T13:00,blackpool,housing,M1,2026-10-22T13:40,2026-10-22T14:50,\
    2026-10-22T15:30,supported-discharged
    R7,2026-10-23T19:00,fleetwood,alcohol,,,,2026-10-23T21:00,no-mentor-available
    R8,2026-10-24T11:00,blackpool,self-harm,M2,2026-10-24T11:30,,2026-10-24T11:45,\
    declined-support
    R9,2026-10-25T00:50,fleetwood,alcohol;bereavement,M1,2026-10-25T01:05,\
    2026-10-25T01:20:00+00:00,2026-10-25T02:00,supported-discharged
    R10,2026-10-25T22:55,blackpool,debt,,,,,
    R11,2026-10-25T23:45,fleetwood,housing,M4,2026-10-25T23:50,,,
    R12,2026-10-25T23:30,blackpool,alcohol;debt,M2,2026-10-25T23:31,2026-10-26T00:10:15,\
    2026-10-26T00:40,supported-discharged
    R13,2026-10-18T23:30,blackpool,alcohol,M1,2026-10-18T23:35,2026-10-18T23:50,\
    2026-10-19T00:30,supported-discharged
    R14,2026-10-26T00:00,fleetwood,debt,,,,2026-10-26T00:30,left-before-seen

    """

/// When the fixture is imported: rows 10 and 11 are still open, and an open row must have
/// arrived within the last 24 hours (spec §5), so the import runs on Monday 26 at noon.
private let importNow = Date(timeIntervalSince1970: 1_793_016_000)

/// The fixture's clock: `fixedNow`, except while the file is imported.
private final class FixtureClock: @unchecked Sendable {
    var now = fixedNow
}

/// What the console printed.
private final class Printed: @unchecked Sendable {
    var out = ""
    var err = ""
}

/// A console on a fresh database in a private folder, with the clock fixed at `fixedNow`,
/// the roster M1–M4 and their shifts; the acting user is an admin.
private final class SummaryFixture {
    let folder: URL
    let store: SQLiteStore
    let session: Session
    let console: Console
    private let printed = Printed()

    init(importFixture: Bool = true) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-summary-\(TestNames.unique())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("site.sqlite").path)
        let clock = FixtureClock()
        let session = Session(
            store: store, config: SiteConfig(), calendar: .london, tags: .standard,
            localities: .standard, clock: { clock.now }, user: "manager")
        // In process, the harness stands for a user whose identity has been proved.
        session.authenticated = true
        self.session = session
        let printed = self.printed
        console = Console(
            makeSession: { session }, out: { printed.out += $0 }, err: { printed.err += $0 })
        let cal = SiteCalendar.london
        func at(_ text: String) throws -> Date { try cal.parseTime(text, now: fixedNow) }
        func shift(_ m: String, _ start: String, _ end: String) throws -> Shift {
            Shift(mentorID: m, span: TimeSpan(start: try at(start), end: try at(end)))
        }
        let shifts = [
            // M1: 8 h on Monday, and 9 real hours Saturday night over the clock change.
            try shift("M1", "2026-10-19T09:00", "2026-10-19T17:00"),
            try shift("M1", "2026-10-24T22:00", "2026-10-25T06:00"),
            // M2: 8 h on Monday, 6 h from Sunday 20:00 (it ends in W44 but starts in W43),
            // and a shift in W44 that does not count.
            try shift("M2", "2026-10-19T13:00", "2026-10-19T21:00"),
            try shift("M2", "2026-10-25T20:00", "2026-10-26T02:00"),
            try shift("M2", "2026-10-26T08:00", "2026-10-26T16:00"),
            // M3: a night shift that starts in W42 and ends in W43: it belongs to W42.
            try shift("M3", "2026-10-18T22:00", "2026-10-19T06:00"),
        ]
        try store.write(ActingContext(actor: "manager", command: "setup", at: fixedNow)) { tx in
            try tx.upsertStaff(StaffMember(name: "manager", role: .admin))
            for id in ["M1", "M2", "M3", "M4"] {
                try tx.insertMentor(Mentor(id: id, name: "Mentor \(id)", capacity: 3))
            }
            for s in shifts { try tx.insertShift(s) }
        }
        if importFixture {
            let path = try file("fixture.csv", fixtureCSV)
            clock.now = importNow
            let result = run("presentations import \(path)")
            clock.now = fixedNow
            #expect(result.ok, "\(result.err)")
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes a file in the private folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    /// Runs one command line.
    func run(_ line: String) -> (ok: Bool, out: String, err: String) {
        printed.out = ""
        printed.err = ""
        let ok = console.run(line: line)
        return (ok, printed.out, printed.err)
    }

    /// Runs a command that must succeed and parses its output as JSON.
    func json(_ line: String) throws -> Any {
        let r = run(line)
        try #require(r.ok, "\(line): \(r.err)")
        return try JSONSerialization.jsonObject(
            with: Data(r.out.utf8), options: [.fragmentsAllowed])
    }

    /// How many presentations are stored.
    func storedCount() throws -> Int {
        try store.read { tx in
            try tx.presentations(
                arrivedIn: TimeSpan(start: .distantPast, end: .distantFuture)
            ).count
        }
    }
}

private func close(_ a: Any?, _ b: Double) -> Bool {
    guard let a = (a as? NSNumber)?.doubleValue else { return false }
    return abs(a - b) <= 1e-12 * max(1, abs(b))
}

@Suite("Summary reports", .serialized)
struct SummaryReportTests {
    @Test func fixtureWeekInJSONKeyByKey() throws {
        let f = try SummaryFixture()
        #expect(try f.storedCount() == 14)
        let doc = try #require(try f.json("summary week 2026-W43 --format json") as? [String: Any])
        #expect(
            Set(doc.keys) == [
                "week", "from", "to", "target_minutes", "presentations", "seen",
                "seen_within_target", "within_target_pct", "wait_minutes", "not_seen",
                "by_locality", "by_need", "mentors", "onward_referrals", "reattended_7d",
                "reattended_30d",
            ])
        #expect(doc.string("week") == "2026-W43")
        #expect(doc.string("from") == "2026-10-19")
        #expect(doc.string("to") == "2026-10-25")
        #expect(doc.number("target_minutes") == 60)
        // Rows 1–12 arrived in the week; 13 (W42) and 14 (W44) did not.
        #expect(doc.number("presentations") == 12)
        // Seen: rows 1, 2, 3, 5, 6, 9, 12.
        #expect(doc.number("seen") == 7)
        // Waits ≤ 3600 s: 2100, 3600 (exactly on target counts), 750, 2415. Not 3601.
        #expect(doc.number("seen_within_target") == 4)
        // 100 × 4 / 12 = 33.33… → 33.3.
        #expect(doc.number("within_target_pct") == 33.3)

        // Sorted waits: 750, 2100, 2415, 3600, 3601, 5400, 6600 (n = 7).
        let waits = try #require(doc.object("wait_minutes"))
        #expect(Set(waits.keys) == ["median", "p90", "mean", "max"])
        // Median: h = 0.5 × 6 = 3 → x[3] = 3600 s = 60 min.
        #expect(waits.number("median") == 60)
        // p90: h = 0.9 × 6 = 5.4 → 5400 + 0.4 × (6600 − 5400) = 5880 s = 98 min.
        #expect(waits.number("p90") == 98)
        // Mean: (750+2100+2415+3600+3601+5400+6600) = 24466 s / 7 / 60 = 12233/210 min.
        #expect(close(waits["mean"], 12_233.0 / 210.0))  // 58.252380952…
        // Max: 6600 s = 110 min.
        #expect(waits.number("max") == 110)

        // Not seen: row 4 left, row 7 no mentor, row 8 declined, rows 10 and 11 still waiting.
        let notSeen = try #require(doc.object("not_seen"))
        #expect(
            notSeen as NSDictionary == [
                "left-before-seen": 1, "no-mentor-available": 1, "declined-support": 1,
                "still-waiting": 2,
            ] as NSDictionary)

        // By locality, most presentations first.
        let localities = try #require(doc.list("by_locality"))
        #expect(localities.map { $0.string("locality") } == ["blackpool", "fleetwood"])
        // Blackpool: rows 1, 2, 5, 6, 8, 10, 12 = 7; seen waits 2100, 3600, 750, 6600, 2415;
        // within: 4 → 400/7 = 57.14… → 57.1; median of 750, 2100, 2415, 3600, 6600 = 2415 s
        // = 40.25 min.
        #expect(localities[0].number("presentations") == 7)
        #expect(localities[0].number("seen_within_target") == 4)
        #expect(localities[0].number("within_target_pct") == 57.1)
        #expect(localities[0].number("median_wait") == 40.25)
        // Fleetwood: rows 3, 4, 7, 9, 11 = 5; seen waits 3601, 5400; none within → 0.0;
        // median (3601 + 5400) / 2 = 4500.5 s = 9001/120 min = 75.0083….
        #expect(localities[1].number("presentations") == 5)
        #expect(localities[1].number("seen_within_target") == 0)
        #expect(localities[1].number("within_target_pct") == 0)
        #expect(close(localities[1]["median_wait"], 9_001.0 / 120.0))

        // By need (a person counts under each need), most first, then by name.
        let needs = try #require(doc.list("by_need"))
        #expect(
            needs.map { $0.string("need") } == [
                "alcohol", "debt", "housing", "bereavement", "self-harm",
            ])
        func need(_ i: Int, _ n: Double, _ within: Double, _ pct: Double, _ median: Double?) {
            #expect(needs[i].number("presentations") == n, "\(i)")
            #expect(needs[i].number("seen_within_target") == within, "\(i)")
            #expect(needs[i].number("within_target_pct") == pct, "\(i)")
            if let median {
                #expect(close(needs[i]["median_wait"], median), "\(i)")
            } else {
                #expect(needs[i].isNull("median_wait"), "\(i)")
            }
        }
        // Alcohol: rows 1, 2, 7, 9, 12; waits 2100, 2415, 3600, 5400; within 3 → 60.0;
        // median (2415 + 3600) / 2 = 3007.5 s = 50.125 min.
        need(0, 5, 3, 60.0, 50.125)
        // Debt: rows 3, 4, 10, 12; waits 2415, 3601; within 1 → 25.0; median 3008 s.
        need(1, 4, 1, 25.0, 3_008.0 / 60.0)
        // Housing: rows 1, 4, 6, 11; waits 2100, 6600; within 1 → 25.0; median 4350 s = 72.5.
        need(2, 4, 1, 25.0, 72.5)
        // Bereavement: rows 5, 9; waits 750, 5400; within 1 → 50.0; median 3075 s = 51.25.
        need(3, 2, 1, 50.0, 51.25)
        // Self-harm: row 8, never seen: 0 within → 0.0, no median.
        need(4, 1, 0, 0.0, nil)

        // Mentors: M1 rows 1, 3, 6, 9 (all seen), shifts 8 h + 9 h = 17 h; M2 rows 2, 5
        // (written m2), 8 (unseen), 12, shifts 8 h + 6 h = 14 h; M4 row 11, no shift. M3's
        // only shift starts in W42, so M3 is not listed.
        let mentors = try #require(doc.list("mentors"))
        #expect(mentors.map { $0.string("mentor") } == ["M1", "M2", "M4"])
        #expect(mentors.map { $0.number("assigned") } == [4, 4, 1])
        #expect(mentors.map { $0.number("seen") } == [4, 3, 0])
        #expect(mentors.map { $0.number("shift_hours") } == [17, 14, 0])

        // With no week: the last complete week, W43, the same document.
        let r = f.run("summary week --format json")
        #expect(r.out == f.run("summary week 2026-W43 --format json").out)
        // The week before holds only row 13 (Sunday 23:30 BST belongs to W42).
        let w42 = try #require(try f.json("summary week 2026-W42 --format json") as? [String: Any])
        #expect(w42.number("presentations") == 1)
        #expect(w42.number("within_target_pct") == 100)
        #expect(try #require(w42.list("mentors")).map { $0.string("mentor") } == ["M1", "M3"])
        #expect(try #require(w42.list("mentors")).map { $0.number("shift_hours") } == [0, 8])
    }

    @Test func theSameFiguresInCSV() throws {
        let f = try SummaryFixture()
        let r = f.run("summary week 2026-W43 --format csv")
        #expect(r.ok)
        let records = try CSV.parse(r.out)
        #expect(records.first?.fields == ["section", "name", "metric", "value"])
        var value: [String: String] = [:]
        for rec in records.dropFirst() {
            value[rec.fields[0] + "/" + rec.fields[1] + "/" + rec.fields[2]] = rec.fields[3]
        }
        let expected: [String: String] = [
            "week/2026-W43/from": "2026-10-19", "week/2026-W43/to": "2026-10-25",
            "week/2026-W43/target_minutes": "60", "week/2026-W43/presentations": "12",
            "week/2026-W43/seen": "7", "week/2026-W43/seen_within_target": "4",
            "week/2026-W43/within_target_pct": "33.3",
            "wait_minutes/2026-W43/median": "60", "wait_minutes/2026-W43/p90": "98",
            "wait_minutes/2026-W43/mean": "58.25238095238095",
            "wait_minutes/2026-W43/max": "110",
            "not_seen/2026-W43/left-before-seen": "1",
            "not_seen/2026-W43/no-mentor-available": "1",
            "not_seen/2026-W43/declined-support": "1", "not_seen/2026-W43/still-waiting": "2",
            "by_locality/blackpool/presentations": "7",
            "by_locality/blackpool/seen_within_target": "4",
            "by_locality/blackpool/within_target_pct": "57.1",
            "by_locality/blackpool/median_wait": "40.25",
            "by_locality/fleetwood/presentations": "5",
            "by_locality/fleetwood/seen_within_target": "0",
            "by_locality/fleetwood/within_target_pct": "0.0",
            "by_locality/fleetwood/median_wait": "75.00833333333334",
            "by_need/alcohol/presentations": "5", "by_need/alcohol/seen_within_target": "3",
            "by_need/alcohol/within_target_pct": "60.0", "by_need/alcohol/median_wait": "50.125",
            "by_need/debt/presentations": "4", "by_need/debt/within_target_pct": "25.0",
            "by_need/debt/median_wait": "50.13333333333333",
            "by_need/housing/median_wait": "72.5", "by_need/bereavement/median_wait": "51.25",
            "by_need/self-harm/presentations": "1", "by_need/self-harm/median_wait": "",
            "mentors/M1/assigned": "4", "mentors/M1/seen": "4", "mentors/M1/shift_hours": "17",
            "mentors/M2/assigned": "4", "mentors/M2/seen": "3", "mentors/M2/shift_hours": "14",
            "mentors/M4/assigned": "1", "mentors/M4/seen": "0", "mentors/M4/shift_hours": "0",
        ]
        for (key, v) in expected.sorted(by: { $0.key < $1.key }) {
            #expect(value[key] == v, "\(key)")
        }
    }

    @Test func theSameFiguresInMarkdown() throws {
        let f = try SummaryFixture()
        let r = f.run("summary week 2026-W43 --format md")
        #expect(r.ok)
        let md = r.out
        #expect(md.hasPrefix("# Peer support wait times, week 2026-W43\n"))
        #expect(md.contains("**33.3% of people referred were seen by a peer mentor within 60"))
        #expect(md.contains("(4 of 12), 2026-10-19 to 2026-10-25."))
        // 1-decimal figures, rounded half away from zero.
        for line in [
            "| presentations | 12 |", "| seen | 7 |", "| seen within target | 4 |",
            "| within target | 33.3% |", "| median wait | 60.0 min |",
            "| 90th percentile wait | 98.0 min |",
            "| mean wait | 58.3 min |",  // 58.2523…
            "| longest wait | 110.0 min |", "| not seen: left-before-seen | 1 |",
            "| not seen: no-mentor-available | 1 |", "| not seen: declined-support | 1 |",
            "| not seen: still-waiting | 2 |",
            "| blackpool | 7 | 4 | 57.1% | 40.3 |",  // 40.25 → 40.3
            "| fleetwood | 5 | 0 | 0.0% | 75.0 |",
            "| alcohol | 5 | 3 | 60.0% | 50.1 |",  // 50.125 → 50.1
            "| debt | 4 | 1 | 25.0% | 50.1 |", "| housing | 4 | 1 | 25.0% | 72.5 |",
            "| bereavement | 2 | 1 | 50.0% | 51.3 |",  // 51.25 → 51.3
            "| self-harm | 1 | 0 | 0.0% | - |",
            "| M1 | 4 | 4 | 17.0 |", "| M2 | 4 | 3 | 14.0 |", "| M4 | 1 | 0 | 0.0 |",
        ] {
            #expect(md.contains(line + "\n"), "\(line)")
        }
        // The table view has the same headline.
        let table = f.run("summary week 2026-W43").out
        #expect(table.hasPrefix("Week 2026-W43: 33.3% seen within 60 minutes (4 of 12)"))
    }

    @Test func theTrendWeekByWeek() throws {
        let f = try SummaryFixture()
        // The 3 weeks ending with W43: W41 (nobody), W42 (row 13), W43.
        let list = try #require(
            try f.json("summary trend --weeks 3 --format json") as? [[String: Any]])
        #expect(list.map { $0.string("week") } == ["2026-W41", "2026-W42", "2026-W43"])
        #expect(list.map { $0.number("presentations") } == [0, 1, 12])
        #expect(list[0].isNull("within_target_pct"))
        #expect(list[0].isNull("median_wait"))
        #expect(list[0].isNull("p90_wait"))
        // W42: one wait of 1200 s = 20 min, within target.
        #expect(list[1].number("within_target_pct") == 100)
        #expect(list[1].number("median_wait") == 20)
        #expect(list[1].number("p90_wait") == 20)
        #expect(list[2].number("within_target_pct") == 33.3)
        #expect(list[2].number("median_wait") == 60)
        #expect(list[2].number("p90_wait") == 98)

        // The table shows the change in points: 33.3 − 100.0 = −66.7.
        let table = f.run("summary trend --weeks 3")
        #expect(table.ok)
        let w43 = try #require(table.out.split(separator: "\n").first { $0.hasPrefix("2026-W43") })
        #expect(w43.contains("33.3%"))
        #expect(w43.contains("-66.7"))
        let md = f.run("summary trend --weeks 3 --format md").out
        #expect(md.contains("| 2026-W43 | 2026-10-19 | 12 | 33.3% | -66.7 | 60.0 | 98.0 |"))
        #expect(md.contains("| 2026-W42 | 2026-10-12 | 1 | 100.0% | - | 20.0 | 20.0 |"))
        let csv = f.run("summary trend --weeks 3 --format csv").out
        #expect(
            csv.split(separator: "\n").prefix(1) == [
                "week,presentations,within_target_pct,median_wait,p90_wait,from,to,seen,"
                    + "seen_within_target"
            ])
        #expect(csv.contains("\n2026-W43,12,33.3,60,98,2026-10-19,2026-10-25,7,4\n"))
        #expect(csv.contains("\n2026-W41,0,,,,2026-10-05,2026-10-11,0,0\n"))

        // Default: 12 weeks, oldest first, ending with the last complete week.
        let twelve = try #require(try f.json("summary trend --format json") as? [[String: Any]])
        #expect(twelve.count == 12)
        #expect(twelve.first?.string("week") == "2026-W32")
        #expect(twelve.last?.string("week") == "2026-W43")
        // Out of range.
        for n in ["0", "521"] {
            let bad = f.run("summary trend --weeks \(n)")
            #expect(!bad.ok)
            #expect(bad.err.contains("--weeks: \(n) is not between 1 and 520"))
        }
        #expect(f.run("summary trend --weeks 520 --format json").ok)
    }

    @Test func aBadFileIsRefusedWholeWithLineNumbers() throws {
        let f = try SummaryFixture(importFixture: false)
        let path = try f.file(
            "bad.csv",
            """
            ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome
            A,2026-10-19T09:00,blackpool,alcohol,M1,2026-10-19T09:10,2026-10-19T09:35,,
            B,2026-10-19T10:00,blackpool,alcohol,M1,2026-10-19T10:20,2026-10-19T10:10,,

            C,2026-10-19T11:00,fleetwod,alcohol,M7,2026-10-19T11:05,,2026-10-19T12:00,admitted
            D,2026-11-19T11:00,fleetwood,debt,,,,,

            """)
        let r = f.run("presentations import \(path)")
        #expect(!r.ok)
        let lines = r.err.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "error: \(path):3: seen_at: '2026-10-19T10:10' is before assigned_at "
                    + "'2026-10-19T10:20'; times go arrived_at ≤ assigned_at ≤ seen_at ≤ "
                    + "closed_at",
                "\(path):5: locality: unknown locality 'fleetwod' (did you mean 'fleetwood'?) "
                    + "(see 'help localities')",
                "\(path):5: mentor_id: no mentor 'M7' in the database (did you mean 'M1'?); add "
                    + "them first ('mentor add' or 'roster import')",
                "\(path):5: outcome: 'admitted' needs the person to have been seen, but seen_at "
                    + "is empty; use left-before-seen, no-mentor-available or declined-support",
                "\(path):6: arrived_at: '2026-11-19T11:00' is in the future",
                "nothing imported: 5 problems on 3 lines of \(path); fix them and run the import "
                    + "again",
            ])
        #expect(try f.storedCount() == 0)
    }

    @Test func importingTheSameFileTwiceIsRefused() throws {
        let f = try SummaryFixture()
        let path = try f.file("again.csv", fixtureCSV)
        let r = f.run("presentations import \(path)")
        #expect(!r.ok)
        #expect(r.err.hasPrefix("error: \(path):2: ref: already stored as P1 (same ref and"))
        // Rows 10 and 11 are also open and older than 24 hours now (spec §5).
        #expect(r.err.contains("nothing imported: 16 problems on 14 lines"), "\(r.err)")
        #expect(try f.storedCount() == 14)
    }

    @Test func theImportIsAuditedAndTheChainHolds() throws {
        let f = try SummaryFixture()
        let (problems, entries) = try f.store.verifyAudit()
        #expect(problems.isEmpty)
        // Staff, 4 mentors, 6 shifts, then one entry for the whole import naming its range.
        #expect(entries == 1 + 4 + 6 + 1)
        let imported = try f.store.read {
            try $0.auditEntries(since: nil, entity: nil).filter {
                $0.command == "presentations import"
            }
        }
        #expect(imported.count == 1)
        #expect(imported.first?.after?.contains("\"presentations\":14") == true)
        #expect(imported.first?.after?.contains("\"first\":\"P1\"") == true)
        #expect(!imported.contains { ($0.after ?? "").contains("R1") })
    }

    @Test func theHTMLReportIsSelfContainedAndRenders() throws {
        let f = try SummaryFixture()
        let out = f.folder.appendingPathComponent("report.html").path
        let r = f.run("summary week 2026-W43 --format html --out \(out)")
        #expect(r.ok, "\(r.err)")
        #expect(r.out == "Wrote the 2026-W43 summary (html) to \(out).\n")
        let attributes = try FileManager.default.attributesOfItem(atPath: out)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let html = try String(contentsOfFile: out, encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>"))
        // Self-contained: no scripts, nothing to fetch.
        for banned in ["<script", "src=", "href=", "@import", "url("] {
            #expect(!html.contains(banned), "\(banned)")
        }
        // The headline, both charts with the target marked, and the break-downs.
        #expect(html.contains("<p class=\"big\">33.3<span>%</span></p>"))
        #expect(html.contains("within 60 minutes</strong></p>"))
        #expect(html.contains("<p class=\"count\">4 of the 12 people referred this week</p>"))
        #expect(html.contains("Down 66.7 percentage points on the week before"))
        #expect(html.components(separatedBy: "<svg").count == 3)
        #expect(html.contains("target 60 min"))
        #expect(
            html.contains(
                "<title id=\"trend-title\">Share seen within target, 2026-W32 to 2026-W43</title>"))
        #expect(html.contains("<th scope=\"row\">Blackpool</th>"))
        #expect(html.contains("@page { size: A4"))
        // The histogram: 10-minute bands; 3600 s lands in 50–60 (within), 3601 s in 60–70.
        #expect(html.contains("<title>50–60 min: 1</title>"))
        #expect(html.contains("<title>60–70 min: 1</title>"))
        #expect(html.contains("<title>30–40 min: 1</title>"))  // 2100 s
        #expect(html.contains("<title>40–50 min: 1</title>"))  // 2415 s
        #expect(html.contains("<title>0–10 min: 0</title>") == false)  // empty bands: no bar
        // The export is in the audit log.
        let exports = try f.store.read {
            try $0.auditEntries(since: nil, entity: nil).filter { $0.action == "export" }
        }
        #expect(exports.count == 1)

        // In a headless browser, when one is installed: it must render to a PNG.
        guard
            let browser = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first(where: {
                FileManager.default.isExecutableFile(atPath: $0)
            })
        else { return }
        let png = f.folder.appendingPathComponent("report.png").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: browser)
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--screenshot=\(png)",
            "--window-size=1000,1800", "file://\(out)",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: png))
        #expect(data.starts(with: [0x89, 0x50, 0x4E, 0x47]))
        #expect(data.count > 20_000)
    }

    @Test func textInTheHTMLIsEscaped() throws {
        let localities = try LocalityCatalog(
            csv: "id,name,lat,lon\nblackpool,\"<Black & \"\"pool\"\">\",53.8,-3.05\n")
        let p = Presentation(
            locality: "blackpool", needs: ["alcohol"],
            arrivedAt: fixedNow.addingTimeInterval(-86_400 * 3),
            mentorID: "M1", seenAt: fixedNow.addingTimeInterval(-86_400 * 3 + 600))
        let week = SiteCalendar.london.week(of: p.arrivedAt)
        let s = WeeklySummary(
            week: week, presentations: [p], shifts: [], calendar: .london, targetMinutes: 60)
        let html = SummaryHTML.page(
            s, trend: [s], names: .init(tags: .standard, localities: localities),
            calendar: .london, generatedAt: fixedNow)
        #expect(html.contains("<th scope=\"row\">&lt;Black &amp; &quot;pool&quot;&gt;</th>"))
        #expect(!html.contains("<Black"))
    }

    @Test func aWeekNotYetOverOrNotYetStarted() throws {
        let f = try SummaryFixture()
        let current = f.run("summary week 2026-W44 --format json")
        #expect(current.ok)
        #expect(current.err == "warning: 2026-W44 is not over yet: these are its figures so far\n")
        let future = f.run("summary week 2026-W45")
        #expect(!future.ok)
        #expect(
            future.err.contains("2026-W45 has not started yet; the last complete week is 2026-W43"))
        #expect(!f.run("summary week 2026-W60").ok)
    }

    @Test func scheduledUseThroughTheBinary() throws {
        let sandbox = try Sandbox()
        try sandbox.ensureDatabase()
        let report = sandbox.root.appendingPathComponent("week.html").path
        let ok = try sandbox.run(["-c", "summary week --format html --out \(report)"])
        #expect(ok.status == 0, "\(ok)")
        #expect(ok.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: report))
        let html = try String(contentsOfFile: report, encoding: .utf8)
        #expect(html.contains("Nobody was referred to peer support this week."))
        // A report that cannot be written fails the run.
        let bad = try sandbox.run([
            "-c", "summary week --format html --out /nonexistent/dir/w.html",
        ])
        #expect(bad.status == 1)
        #expect(
            bad.stderr.hasPrefix("error: --out: could not write '/nonexistent/dir/w.html'")
                || bad.stderr.hasPrefix("error: --out: cannot write '/nonexistent/dir/w.html'"))
    }
}
