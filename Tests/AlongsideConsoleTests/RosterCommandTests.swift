import AlongsideCore
import AlongsideStore
@testable import AlongsideSQLite
import Foundation
import Testing

@testable import AlongsideConsole

/// A console on a fresh temporary database with a fixed clock, run in-process.
private final class Desk {
    let folder: URL
    let store: SQLiteStore
    let session: Session
    private(set) var console: Console!
    var out = ""
    var err = ""

    init(now: Date, user: String = "coord", role: Role = .coordinator) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-roster-\(TestNames.unique())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        session = Session(
            store: store, config: SiteConfig(), calendar: .london, tags: .standard,
            localities: .standard, clock: { now }, user: user)
        // In process, the harness stands for a user whose identity has been proved.
        session.authenticated = true
        try store.write(ActingContext(actor: "test", command: "init", at: now)) {
            try $0.upsertStaff(StaffMember(name: user, role: role))
        }
        let session = self.session
        console = Console(
            makeSession: { session }, out: { [unowned self] in self.out += $0 },
            err: { [unowned self] in self.err += $0 })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// Writes a file in the desk's folder and returns its path.
    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs one line; returns (succeeded, stdout, stderr) of that line alone.
    @discardableResult
    func run(_ line: String) -> (ok: Bool, out: String, err: String) {
        out = ""
        err = ""
        let ok = console.run(line: line)
        return (ok, out, err)
    }

    func mentors() throws -> [Mentor] { try store.read { try $0.mentors() } }
    func shifts() throws -> [Shift] {
        try store.read { try $0.shifts(mentor: nil, overlapping: nil) }
    }
}

/// Monday 2026-11-16 12:00 GMT.
private let monday = Date(timeIntervalSince1970: 1_794_830_400)
private let header =
    "id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status\n"

private let mentorsFile =
    header
    + "M1,\"Walsh, \"\"Amy\"\"\",female,english;urdu,blackpool;fleetwood,alcohol;bereavement,2,"
    + "2027-09-30,yes,active\n"
    + "M2,Dev Patel,male,english,preston,debt;gambling,1,2027-03-31,no,paused\n"
    + "vol-3,Kerry Holt,,,,,1,,no,retired\n"
private let shiftsFile =
    "mentor_id,start,end\n"
    + "M1,2026-10-24T22:00,2026-10-25T06:00\n"  // over the clocks going back: 9 hours
    + "M1,2026-03-28T22:00,2026-03-29T06:00\n"  // over the clocks going forward: 7 hours
    + "M1,2026-11-16T09:00,2026-11-16T17:00\n"
    + "m2,2026-11-16T12:00:00+00:00,2026-11-16T20:00:00Z\n"

@Suite("roster commands", .serialized)
struct RosterCommandTests {
    @Test("import, export and import again give the same roster")
    func roundTrip() throws {
        let a = try Desk(now: monday)
        let m = try a.file("mentors.csv", mentorsFile)
        let s = try a.file("shifts.csv", shiftsFile)
        let imported = a.run("roster import \(m) \(s)")
        #expect(imported.ok, "\(imported)")
        #expect(imported.out == "Imported 3 mentors (3 new) and 4 shifts.\n")
        let exportDir = a.folder.appendingPathComponent("out/roster").path
        let exported = a.run("roster export \(exportDir)")
        #expect(exported.ok, "\(exported)")
        #expect(exported.out.hasPrefix("Wrote 3 mentors to \(exportDir)/mentors.csv and 4 shifts"))

        // The files are private, in a private folder, and the export is audited.
        func mode(_ path: String) throws -> Int {
            try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
                ?? -1
        }
        #expect(try mode(exportDir) == 0o700)
        #expect(try mode(exportDir + "/mentors.csv") == 0o600)
        #expect(try mode(exportDir + "/shifts.csv") == 0o600)
        let last = try a.store.read { try $0.auditEntries(since: nil, entity: nil).last }
        #expect(last?.action == "export" && last?.command == "roster export")

        let b = try Desk(now: monday)
        let again = b.run("roster import \(exportDir)/mentors.csv \(exportDir)/shifts.csv")
        #expect(again.ok, "\(again)")
        #expect(try b.mentors() == a.mentors())
        let strip = { (list: [Shift]) in list.map { Shift(mentorID: $0.mentorID, span: $0.span) } }
        #expect(try strip(b.shifts()) == strip(a.shifts()))
        #expect(try b.shifts().map(\.span.seconds).sorted().suffix(2) == [8 * 3600, 9 * 3600])
        #expect(try b.shifts().map(\.span.seconds).contains(7 * 3600))

        // Importing the export into the database it came from changes nothing.
        let same = a.run("roster import \(exportDir)/mentors.csv \(exportDir)/shifts.csv")
        #expect(
            same.out
                == "Imported 3 mentors (0 new, 0 updated, 3 unchanged) and 0 shifts "
                + "(4 already on the roster).\n")
    }

    @Test("a bad row rejects the whole import and nothing is written")
    func allOrNothing() throws {
        let d = try Desk(now: monday)
        let m = try d.file(
            "m.csv",
            "\u{FEFF}" + header.replacingOccurrences(of: "\n", with: "\r\n")
                + "M1,Amy,,,blackpool,alcohol,1,,no,active\r\n"
                + "M2,\"Dev\r\nPatel\",,,presten,,1,,no,active\r\n")
        let s = try d.file(
            "s.csv", "mentor_id,start,end\nM1,2026-11-16T09:00,2026-11-16T17:00\nM7,09:00,10:00\n")
        let r = d.run("roster import \(m) \(s)")
        #expect(!r.ok)
        #expect(
            r.err == """
                error: nothing imported: 3 problems to fix in the files, then run the import again
                \(m):3: name: holds a line break or control character; keep it on one line
                \(m):3: localities: unknown locality 'presten' (did you mean 'preston'?)
                \(s):3: mentor_id: no mentor 'M7' in \(m) or on the roster (did you mean 'M1'?)

                """)
        #expect(try d.mentors().isEmpty)
        #expect(try d.shifts().isEmpty)
        let missing = d.run("roster import \(d.folder.path)/nope.csv")
        // Named by the file, not by a placeholder (issue 10).
        #expect(missing.err == "error: \(d.folder.path)/nope.csv: no such file; check the name and folder\n", "\(missing.err)")
    }

    @Test("importing a mentor already on the roster updates it, and the audit shows the change")
    func updateIsAudited() throws {
        let d = try Desk(now: monday)
        #expect(d.run("mentor add M1 --name Amy --capacity 1 --experience alcohol").ok)
        let m = try d.file("m.csv", "id,name,capacity\nm1,Amy Walsh,3\nM2,Dev,\n")
        let r = d.run("roster import \(m)")
        #expect(r.out == "Imported 2 mentors (1 new, 1 updated).\n")
        let stored = try #require(try d.store.read { try $0.mentor("M1") })
        #expect(
            stored.name == "Amy Walsh" && stored.capacity == 3 && stored.experience == ["alcohol"])
        let update = try #require(
            try d.store.read { try $0.auditEntries(since: nil, entity: "M1") }.last)
        #expect(update.action == "update" && update.command == "roster import")
        #expect(update.before?.contains("\"capacity\":1") == true)
        #expect(update.after?.contains("\"capacity\":3") == true)
        #expect(update.after?.contains("\"name\":\"Amy Walsh\"") == true)
    }

    @Test(
        "a recheck due today is still offered; one due yesterday is stored, warned, never offered")
    func dbsBoundary() throws {
        let d = try Desk(now: monday)
        let m = try d.file(
            "m.csv",
            header + "M1,Today,,,blackpool,alcohol,1,2026-11-16,no,active\n"
                + "M2,Yesterday,,,blackpool,housing,1,2026-11-15,no,active\n")
        let s = try d.file(
            "s.csv",
            "mentor_id,start,end\nM1,2026-11-16T08:00,2026-11-16T20:00\n"
                + "M2,2026-11-16T08:00,2026-11-16T20:00\n")
        let r = d.run("roster import \(m) \(s)")
        #expect(r.ok)
        #expect(
            r.err == "warning: \(m):3: M2's DBS recheck was due 2026-11-15: stored, but never "
                + "offered until the date is updated\n")
        let list = d.run("mentors --format json")
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(list.out.utf8)) as? [[String: Any]])
        let available = Dictionary(
            uniqueKeysWithValues: json.map { ($0["id"] as! String, $0["available_now"] as! Bool) })
        #expect(available == ["M1": true, "M2": false])
        #expect(
            json.first { $0["id"] as? String == "M2" }?["unavailable_because"] as? String
                == "dbs-overdue")

        let week = d.run("roster week 2026-11-16 --format json")
        let grid = try #require(
            try JSONSerialization.jsonObject(with: Data(week.out.utf8)) as? [String: Any])
        let days = try #require(grid["days"] as? [[String: Any]])
        let hours = try #require(days.first?["hours"] as? [Int])
        #expect(hours[12] == 1)  // only M1
        let uncovered = try #require(grid["uncovered_tags"] as? [String])
        #expect(!uncovered.contains("alcohol") && uncovered.contains("housing"))
    }

    @Test("roster week as table, csv and json")
    func week() throws {
        let d = try Desk(now: monday)
        let m = try d.file(
            "m.csv", header + "A,A,,,,debt,1,,no,active\nB,B,,,,alcohol,1,,no,active\n")
        let s = try d.file(
            "s.csv",
            "mentor_id,start,end\nA,2026-11-16T09:00,2026-11-16T17:00\n"
                + "B,2026-11-16T12:00,2026-11-16T20:00\n")
        #expect(d.run("roster import \(m) \(s)").ok)
        #expect(d.run("leave B 2026-11-16T18:00 2026-11-16T19:00").ok)

        let table = d.run("roster week").out
        let lines = table.split(separator: "\n").map(String.init)
        #expect(
            lines[0]
                == "Cover in 2026-W47 (2026-11-16 to 2026-11-22): cleared mentors on shift for "
                + "the whole hour")
        #expect(
            lines[2]
                == "Mon 2026-11-16  !  !  !  !  !  !  !  !  !  1  1  1  2  2  2  2  2  1  !  1  "
                + "!  !  !  !")
        #expect(
            table.contains(
                "Gaps: Mon 00:00–09:00, Mon 18:00–19:00, Mon 20:00–24:00, Tue 00:00–24:00"))
        #expect(
            table.contains(
                "Thin cover: Mon 09:00–12:00, Mon 17:00–18:00, Mon 19:00–20:00 (5 hours in all)"))

        let csv = d.run("roster week 2026-W47 --format csv").out
        #expect(csv.hasPrefix("date,00,01,02,"))
        #expect(csv.contains("\n2026-11-16,0,0,0,0,0,0,0,0,0,1,1,1,2,2,2,2,2,1,0,1,0,0,0,0\n"))

        let json = try #require(
            try JSONSerialization.jsonObject(
                with: Data(d.run("roster week --format json").out.utf8))
                as? [String: Any])
        #expect(json["week"] as? String == "2026-W47")
        #expect(json["from"] as? String == "2026-11-16" && json["to"] as? String == "2026-11-22")
        let gaps = try #require(json["gaps"] as? [[String: String]])
        #expect(gaps[1] == ["date": "2026-11-16", "from": "18:00", "to": "19:00"])
        let thin = try #require(json["thin"] as? [[String: String]])
        #expect(thin.count == 3)
        let uncovered = try #require(json["uncovered_tags"] as? [String])
        #expect(!uncovered.contains("debt") && uncovered.contains("housing"))
        #expect(!d.run("roster week 16/11/2026").ok)
    }

    @Test("DBS warnings for the start of a session: bands, and only for coordinators")
    func sessionWarnings() throws {
        let today = LocalDate("2026-11-16")!
        let mentors = [
            Mentor(id: "M1", name: "a", dbsRecheckDue: LocalDate("2026-11-15")),
            Mentor(id: "M2", name: "b", dbsRecheckDue: today),
            Mentor(id: "M3", name: "c", dbsRecheckDue: LocalDate("2026-11-23")),
            Mentor(id: "M4", name: "d", dbsRecheckDue: LocalDate("2026-11-24")),
            Mentor(id: "M5", name: "e", dbsRecheckDue: LocalDate("2027-01-15")),
            Mentor(id: "M6", name: "f", dbsRecheckDue: LocalDate("2027-01-16")),
            Mentor(id: "M7", name: "g", dbsRecheckDue: LocalDate("2020-01-01"), status: .retired),
        ]
        #expect(
            RosterWarnings.lines(mentors, today: today) == [
                "DBS recheck overdue for M1: never offered until "
                    + "'mentor edit M --dbs-recheck-due DATE'.",
                "DBS recheck due within 7 days: M2 2026-11-16, M3 2026-11-23.",
                "DBS recheck due within 30 days: M4 2026-11-24.",
                "DBS recheck due within 60 days: M5 2027-01-15.",
            ])
        let coordinator = try Desk(now: monday)
        let m = try coordinator.file("m.csv", "id,name,dbs_recheck_due\nM1,a,2026-11-20\n")
        #expect(coordinator.run("roster import \(m)").ok)
        #expect(
            RosterWarnings.dbsWarnings(session: coordinator.session) == [
                "DBS recheck due within 7 days: M1 2026-11-20."
            ])
        let liaison = try Desk(now: monday, user: "desk", role: .liaison)
        try liaison.store.write(ActingContext(actor: "t", command: "t", at: monday)) {
            try $0.insertMentor(Mentor(id: "M1", name: "a", dbsRecheckDue: LocalDate("2026-11-20")))
        }
        #expect(RosterWarnings.dbsWarnings(session: liaison.session).isEmpty)
        // The week's cover is the desk's to see too (spec §8), importing is not.
        #expect(liaison.run("roster week").ok)
        #expect(liaison.run("roster import \(m)").err.contains("needs the coordinator role"))
    }

    @Test("the built binary imports 200 mentors with a month of shifts")
    func binaryImport() throws {
        let box = try Sandbox()
        var mentors = header
        var shifts = "mentor_id,start,end\n"
        let tags = TagCatalog.standard.ids
        let places = LocalityCatalog.standard.ids
        var shiftCount = 0
        for i in 1...200 {
            let exp = [tags[i % tags.count], tags[(i * 7) % tags.count]]
            let name = i % 10 == 0 ? "\"Surname\(i), First\"" : "Mentor \(i)"
            mentors +=
                "M\(i),\(name),\(i % 2 == 0 ? "female" : "male"),english,"
                + "\(places[i % places.count]);\(places[(i + 3) % places.count]),"
                + "\(Set(exp).sorted().joined(separator: ";")),\(1 + i % 3),2028-01-31,"
                + "\(i % 15 == 0 ? "yes" : "no"),active\n"
            for day in 0..<28 where (day + i) % 7 < 5 {
                let date = LocalDate("2027-02-01")!.adding(days: day)
                let start = ["00:00", "08:00", "16:00"][i % 3]
                let end = ["08:00", "16:00", "00:00"][i % 3]
                let endDate = i % 3 == 2 ? date.adding(days: 1) : date
                shifts += "M\(i),\(date)T\(start),\(endDate)T\(end)\n"
                shiftCount += 1
            }
        }
        try Data(mentors.utf8).write(to: box.root.appendingPathComponent("mentors.csv"))
        try Data(shifts.utf8).write(to: box.root.appendingPathComponent("shifts.csv"))
        let started = Date()
        let r = try box.commands(["roster import mentors.csv shifts.csv"])
        let seconds = Date().timeIntervalSince(started)
        #expect(r.status == 0, "\(r)")
        #expect(
            r.stdout
                == "Imported 200 mentors (200 new) and \(TextFiles.grouped(shiftCount)) shifts.\n")
        let timing = String(format: "%.2f", seconds)
        print("roster import of 200 mentors and \(shiftCount) shifts: \(timing) s")
        let list = try #require(try box.json("mentors --format json") as? [[String: Any]])
        #expect(list.count == 200)
        let week = try #require(
            try box.json("roster week 2027-02-08 --format json") as? [String: Any])
        let days = try #require(week["days"] as? [[String: Any]])
        #expect(days.count == 7)
    }
}
