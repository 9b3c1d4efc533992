import AlongsideCore
import Foundation
import Testing

@testable import AlongsideConsole

/// Sites of spec §9 (issue 11) on one SQLite file, through the built binary on the pinned
/// clock (Tuesday 2026-11-17 19:40 GMT; the last complete week is 2026-W46).
@Suite("Sites")
struct SitesTests {
    /// Two mentors of the shared pool on shift now (capacity 1 each); P1 waits at `main`,
    /// P2 and P3 at `north`.
    static func twoSites() throws -> Sandbox {
        let s = try Sandbox(now: Times.pinned)
        try s.setUp([
            "mentor add M1 --name Amy --localities blackpool --experience alcohol --capacity 1",
            "mentor add M2 --name Bob --localities blackpool --experience alcohol --capacity 1",
            "shift add M1 2026-11-17T18:00 2026-11-18T02:00",
            "shift add M2 2026-11-17T18:00 2026-11-18T02:00",
            "register --locality blackpool --needs alcohol --at -30m",
            "register --locality blackpool --needs alcohol --at -20m --site north",
            "register --locality blackpool --needs alcohol --at -10m --site north",
        ])
        return s
    }

    static func list(_ s: Sandbox, _ command: String, extra: [String] = []) throws
        -> [[String: Any]]
    {
        let r = try s.run(extra + ["-c", command])
        try #require(r.status == 0, "\(command): \(r)")
        return try #require(try r.json() as? [[String: Any]], "\(command): \(r)")
    }

    static func object(_ s: Sandbox, _ command: String, extra: [String] = []) throws
        -> [String: Any]
    {
        let r = try s.run(extra + ["-c", command])
        try #require(r.status == 0, "\(command): \(r)")
        return try #require(try r.json() as? [String: Any], "\(command): \(r)")
    }

    static func ids(_ rows: [[String: Any]]) -> [String] {
        rows.compactMap { $0.string("presentation") }
    }

    // MARK: Queue and board

    @Test func eachSiteSeesItsOwnQueueAndAllSeesTheTrust() throws {
        let s = try Self.twoSites()
        #expect(Self.ids(try Self.list(s, "queue --format json")) == ["P1"])
        #expect(Self.ids(try Self.list(s, "queue --site north --format json")) == ["P2", "P3"])
        #expect(
            Self.ids(try Self.list(s, "queue --format json", extra: ["--site", "north"])) == [
                "P2", "P3",
            ])
        // A command's --site is for that command alone, over the console's.
        #expect(
            Self.ids(
                try Self.list(s, "queue --site main --format json", extra: ["--site", "north"]))
                == ["P1"])
        let all = try Self.list(s, "queue --site ALL --format json")
        #expect(Self.ids(all) == ["P1", "P2", "P3"])
        #expect(all.compactMap { $0.string("site") } == ["main", "north", "north"])
        // One site's rows are as they always were: no site field.
        #expect(
            try Self.list(s, "queue --site north --format json").allSatisfy { $0["site"] == nil })
        let table = try s.commands(["queue --site all"])
        #expect(table.status == 0 && table.stdout.contains("site "), "\(table)")
        #expect(table.stdout.contains("3 waiting at all sites"), "\(table)")
        let csv = try s.commands(["queue --site all --format csv"])
        #expect(csv.lines.first?.hasPrefix("site,presentation,") == true, "\(csv)")
        let board = try s.commands(["board --once --site north"])
        #expect(board.status == 0, "\(board)")
        #expect(board.lines.first?.contains("site north") == true, "\(board)")
        #expect(board.stdout.contains("P2") && !board.stdout.contains("P1 "), "\(board)")
        let sites = try Self.list(s, "site list --format json")
        #expect(sites.compactMap { $0.string("site") } == ["main", "north"])
        #expect(sites.compactMap { $0.bool("console") } == [true, false])
    }

    @Test func anUnknownSiteIsAnErrorWithTheNearestNeverAnEmptyQueue() throws {
        let s = try Self.twoSites()
        for command in [
            "queue --site nrth", "board --once --site nrth", "allocate --site nrth",
            "handover --site nrth", "summary week --site nrth", "summary trend --site nrth",
            "export ecds --site nrth",
        ] {
            let r = try s.commands([command])
            #expect(r.status == 1 && r.stdout.isEmpty, "\(command): \(r)")
            #expect(r.stderr.contains("--site: no site of that name"), "\(command): \(r)")
            #expect(r.stderr.contains("(did you mean 'north'?)"), "\(command): \(r)")
        }
        let far = try s.commands(["queue --site zzzz"])
        #expect(far.status == 1 && far.stderr.contains("the sites are main, north"), "\(far)")
        let bad = try s.commands(["queue --site 'two words'"])
        #expect(bad.status == 1 && bad.stderr.contains("is not a site name"), "\(bad)")
        // The console's own site is always known, even before its first registration.
        let own = try s.run(["--site", "south", "-c", "queue --format json"])
        #expect(own.status == 0 && own.stdout == "[]\n", "\(own)")
    }

    @Test func registerFilesUnderTheSiteAndRefusesAll() throws {
        let s = try Self.twoSites()
        let refused = try s.commands(["register --locality blackpool --needs alcohol --site all"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("--site: a person is registered at one site"), "\(refused)")
        let viaConsole = try s.run([
            "--site", "all", "-c", "register --locality blackpool --needs alcohol",
        ])
        #expect(viaConsole.status == 1 && viaConsole.stderr.contains("one site"), "\(viaConsole)")
        // A new site comes into being with its first registration, with a note.
        let first = try s.commands(["register --locality blackpool --needs alcohol --site utc"])
        #expect(first.status == 0, "\(first)")
        #expect(first.stderr.contains("first registration at site utc"), "\(first)")
        #expect(Self.ids(try Self.list(s, "queue --site utc --format json")) == ["P4"])
        let again = try s.commands(["register --locality blackpool --needs alcohol --site utc"])
        #expect(again.status == 0 && !again.stderr.contains("first registration"), "\(again)")
        #expect(
            try SafetyTests.sqlite(s.db, "SELECT group_concat(site) FROM presentation")
                == "main,north,north,utc,utc")
    }

    // MARK: Allocate and handover

    @Test func allocateProposesOnlyForTheSitesWaitingPeopleAndCaseloadsCountEverySite() throws {
        let s = try Self.twoSites()
        let main = try Self.object(s, "allocate --format json")
        #expect(main["people"] as? [String] == ["P1"])
        let north = try Self.object(s, "allocate --site north --format json")
        #expect(north["people"] as? [String] == ["P2", "P3"])
        let all = try Self.object(s, "allocate --site all --format json")
        #expect(all["people"] as? [String] == ["P1", "P2", "P3"])
        let confirmed = try Self.object(s, "allocate --site north --confirm --format json")
        let pairs = try #require(confirmed.list("pairs"))
        #expect(Set(pairs.compactMap { $0.string("presentation") }) == ["P2", "P3"])
        #expect(Set(pairs.compactMap { $0.string("mentor") }) == ["M1", "M2"])
        // Both mentors now hold a north person: nobody is free for main's P1.
        let after = try Self.object(s, "allocate --format json")
        #expect(after["people"] as? [String] == ["P1"])
        #expect((after["pairs"] as? [Any])?.isEmpty == true, "\(after)")
        #expect((after["places"] as? [Any])?.isEmpty == true, "\(after)")
        #expect(
            try SafetyTests.sqlite(s.db, "SELECT mentor_id IS NULL FROM presentation WHERE id = 1")
                == "1")
        // The handover of main holds nobody; north's names its site and both people.
        let mainHandover = try Self.object(s, "handover --format json")
        #expect(mainHandover.string("site") == "main")
        #expect(mainHandover.list("open_by_mentor")?.isEmpty == true)
        let northHandover = try Self.object(s, "handover --site north --format json")
        let held = try #require(northHandover.list("open_by_mentor"))
        #expect(held.flatMap { $0.list("presentations") ?? [] }.count == 2)
        #expect(northHandover["on_now"] as? [String] == ["M1", "M2"])
        let text = try s.commands(["handover --site north"])
        #expect(text.stdout.hasPrefix("Handover at 2026-11-17 19:40, site north"), "\(text)")
    }

    // MARK: Summary

    /// One row of the fixture: the times in London (GMT in November, so UTC).
    struct Row {
        var ref: String
        var arrived: String
        var locality: String
        var need: String
        var mentor: String
        var assigned: String
        var seen: String
        var closed: String
        var outcome: String

        var csv: String {
            [ref, arrived, locality, need, mentor, assigned, seen, closed, outcome]
                .joined(separator: ",")
        }
    }

    /// Week 2026-W46 (Monday 9 to Sunday 15 November) at main and at north.
    static let mainRows = [
        Row(
            ref: "A1", arrived: "2026-11-09T10:00", locality: "blackpool", need: "alcohol",
            mentor: "M1", assigned: "2026-11-09T10:05", seen: "2026-11-09T10:20",
            closed: "2026-11-09T11:00", outcome: "supported-discharged"),
        Row(
            ref: "A2", arrived: "2026-11-10T12:00", locality: "blackpool", need: "alcohol",
            mentor: "M1", assigned: "2026-11-10T12:30", seen: "2026-11-10T13:30",
            closed: "2026-11-10T14:00", outcome: "admitted"),
        Row(
            ref: "A3", arrived: "2026-11-11T09:00", locality: "fleetwood", need: "housing",
            mentor: "", assigned: "", seen: "", closed: "2026-11-11T10:00",
            outcome: "left-before-seen"),
    ]
    static let northRows = [
        Row(
            ref: "B1", arrived: "2026-11-09T08:00", locality: "blackpool", need: "alcohol",
            mentor: "M2", assigned: "2026-11-09T08:10", seen: "2026-11-09T08:40",
            closed: "2026-11-09T09:00", outcome: "supported-discharged"),
        Row(
            ref: "B2", arrived: "2026-11-12T15:00", locality: "fleetwood", need: "debt",
            mentor: "M2", assigned: "2026-11-12T15:05", seen: "2026-11-12T15:45",
            closed: "2026-11-12T16:00", outcome: "referred-community"),
        Row(
            ref: "B3", arrived: "2026-11-13T20:00", locality: "blackpool", need: "housing",
            mentor: "M1", assigned: "2026-11-13T20:30", seen: "2026-11-13T21:00:30",
            closed: "2026-11-13T22:00", outcome: "supported-discharged"),
        Row(
            ref: "B4", arrived: "2026-11-14T07:00", locality: "blackpool", need: "alcohol",
            mentor: "", assigned: "", seen: "", closed: "2026-11-14T08:00",
            outcome: "no-mentor-available"),
    ]

    static func csv(_ rows: [Row]) -> String {
        "ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome\n"
            + rows.map { $0.csv + "\n" }.joined()
    }

    /// A sandbox with the fixture's week imported at main and at north.
    static func summaryWeek() throws -> Sandbox {
        let s = try Sandbox(now: Times.pinned)
        try s.setUp([
            "mentor add M1 --name Amy --localities blackpool --experience alcohol",
            "mentor add M2 --name Bob --localities fleetwood --experience debt",
        ])
        let main = s.root.appendingPathComponent("main.csv")
        let north = s.root.appendingPathComponent("north.csv")
        try Data(csv(mainRows).utf8).write(to: main)
        try Data(csv(northRows).utf8).write(to: north)
        try s.setUp(["presentations import \(main.path)"])
        let r = try s.run(["--site", "north", "-c", "presentations import \(north.path)"])
        try #require(r.status == 0, "\(r)")
        return s
    }

    /// The figures of one site worked out here, from the rows alone: seconds from arrival
    /// to seen, within target at most 3,600 s, the share of everyone to 1 decimal, the
    /// median by linear interpolation between closest ranks.
    static func expected(_ rows: [Row]) -> (count: Int, within: Int, pct: Double, median: Double?) {
        func date(_ text: String) -> Date {
            let f = DateFormatter()
            f.locale = Locale(identifier: "en_US_POSIX")
            f.timeZone = TimeZone(identifier: "UTC")
            f.dateFormat = text.count > 16 ? "yyyy-MM-dd'T'HH:mm:ss" : "yyyy-MM-dd'T'HH:mm"
            return f.date(from: text)!
        }
        let waits = rows.filter { !$0.seen.isEmpty }
            .map { date($0.seen).timeIntervalSince(date($0.arrived)) }.sorted()
        let within = waits.filter { $0 <= 3600 }.count
        let pct = (Double(within) * 1000 / Double(rows.count)).rounded() / 10
        var median: Double?
        if !waits.isEmpty {
            let h = Double(waits.count - 1) / 2
            let low = waits[Int(h.rounded(.down))]
            let high = waits[Int(h.rounded(.up))]
            median = (low + (h - h.rounded(.down)) * (high - low)) / 60
        }
        return (rows.count, within, pct, median)
    }

    @Test func summaryWeekOfAllSitesBreaksTheWeekDownBySite() throws {
        let s = try Self.summaryWeek()
        let week = try Self.object(s, "summary week 2026-W46 --site all --format json")
        let bySite = try #require(week.list("by_site"), "\(week)")
        #expect(bySite.compactMap { $0.string("site") } == ["main", "north"])
        #expect(
            Set(bySite.first?.keys.map { $0 } ?? []) == [
                "site", "presentations", "seen_within_target", "within_target_pct", "median_wait",
            ])
        for (site, rows) in [("main", Self.mainRows), ("north", Self.northRows)] {
            let row = try #require(bySite.first { $0.string("site") == site })
            let want = Self.expected(rows)
            #expect(row.number("presentations") == Double(want.count), "\(site)")
            #expect(row.number("seen_within_target") == Double(want.within), "\(site)")
            #expect(row.number("within_target_pct") == want.pct, "\(site)")
            #expect(abs((row.number("median_wait") ?? -1) - (want.median ?? -2)) < 1e-9, "\(site)")
            // The same figures as that site's own summary's headline.
            let own = try Self.object(s, "summary week 2026-W46 --site \(site) --format json")
            #expect(own.number("presentations") == row.number("presentations"))
            #expect(own.number("seen_within_target") == row.number("seen_within_target"))
            #expect(own.number("within_target_pct") == row.number("within_target_pct"))
            #expect(own.object("wait_minutes")?.number("median") == row.number("median_wait"))
        }
        let trust = Self.expected(Self.mainRows + Self.northRows)
        #expect(week.number("presentations") == Double(trust.count))
        #expect(week.number("within_target_pct") == trust.pct)
        #expect(abs((week.object("wait_minutes")?.number("median") ?? -1) - trust.median!) < 1e-9)
        // The other forms show the break-down too.
        let table = try s.commands(["summary week 2026-W46 --site all"])
        #expect(table.stdout.contains("Week 2026-W46, all sites"), "\(table)")
        #expect(table.lines.contains { $0.hasPrefix("north ") && $0.contains("50.0%") }, "\(table)")
        let csv = try s.commands(["summary week 2026-W46 --site all --format csv"])
        #expect(csv.lines.contains("by_site,north,presentations,4"), "\(csv)")
        let md = try s.commands(["summary week 2026-W46 --site all --format md"])
        #expect(md.stdout.contains("## By site"), "\(md)")
        let html = try s.commands(["summary week 2026-W46 --site all --format html"])
        #expect(html.stdout.contains("By site"), "\(html)")
        let published = try Self.object(
            s, "summary week 2026-W46 --site all --publish --format json")
        #expect(published.list("by_site")?.count == 2, "\(published)")
        // A trend of one site counts only its weeks' people.
        let trend = try #require(
            try s.json("summary trend --weeks 1 --site north --format json") as? [[String: Any]])
        #expect(trend.last?.number("presentations") == 4, "\(trend)")
    }

    @Test func oneSitesSummaryJSONIsByteForByteAsBefore() throws {
        let s = try Self.summaryWeek()
        let plain = try s.commands(["summary week 2026-W46 --format json"])
        let named = try s.commands(["summary week 2026-W46 --site main --format json"])
        #expect(plain.status == 0 && named.status == 0, "\(plain)\(named)")
        #expect(plain.stdout == named.stdout)
        #expect(plain.stdout == Self.mainWeekJSON, "\(plain.stdout)")
        #expect(!plain.stdout.contains("by_site"))
        let csv = try s.commands(["summary week 2026-W46 --format csv"])
        #expect(!csv.stdout.contains("by_site"), "\(csv)")
    }

    /// What the console printed for main's week before sites existed (built from the
    /// commit before this work, on the same rows).
    static let mainWeekJSON = #"""
        {"week":"2026-W46","from":"2026-11-09","to":"2026-11-15","target_minutes":60,"presenta\#
        tions":3,"seen":2,"seen_within_target":1,"within_target_pct":33.3,"wait_minutes":{"med\#
        ian":55,"p90":83,"mean":55,"max":90},"not_seen":{"left-before-seen":1,"no-mentor-avail\#
        able":0,"declined-support":0,"still-waiting":0},"by_locality":[{"locality":"blackpool"\#
        ,"presentations":2,"seen_within_target":1,"within_target_pct":50,"median_wait":55},{"l\#
        ocality":"fleetwood","presentations":1,"seen_within_target":0,"within_target_pct":0,"m\#
        edian_wait":null}],"by_need":[{"need":"alcohol","presentations":2,"seen_within_target"\#
        :1,"within_target_pct":50,"median_wait":55},{"need":"housing","presentations":1,"seen_\#
        within_target":0,"within_target_pct":0,"median_wait":null}],"mentors":[{"mentor":"M1",\#
        "assigned":2,"seen":2,"shift_hours":0,"signed_in_hours":0,"no_shows":0}],"onward_refer\#
        rals":{"made":0,"by_service":[]},"reattended_7d":0,"reattended_30d":0}
        """# + "\n"

    // MARK: Export

    @Test func exportsCoverTheSiteAndNameIt() throws {
        let s = try Self.summaryWeek()
        let fhir = try Self.object(s, "export fhir --week 2026-W46 --site north")
        let text = String(describing: fhir)
        #expect(text.contains("urn:alongside:north:presentation"), "\(text)")
        #expect(!text.contains("urn:alongside:main:"), "\(text)")
        let entries = try #require(fhir["entry"] as? [[String: Any]])
        #expect(
            entries.filter { ($0.object("resource")?.string("resourceType")) == "Task" }.count == 4)
        let ecds = try s.commands(["export ecds --week 2026-W46 --site all"])
        #expect(ecds.status == 0, "\(ecds)")
        #expect(ecds.lines.first?.hasSuffix(",outcome,site") == true, "\(ecds)")
        #expect(ecds.lines.filter { $0.hasSuffix(",north") }.count == 4, "\(ecds)")
        let mainOnly = try s.commands(["export ecds --week 2026-W46"])
        #expect(mainOnly.lines.first?.hasSuffix(",outcome") == true, "\(mainOnly)")
        #expect(mainOnly.lines.count == 4, "\(mainOnly)")
    }

    // MARK: Site import

    /// A site's own file: M1 as in the trust (with the same shift), M5 new with a shift,
    /// two presentations (P1 declined by M5, then assigned to M1; P2 voided).
    static func siteFile(_ trust: Sandbox, m1Name: String = "Amy") throws -> String {
        let site = try Sandbox(now: Times.pinned)
        let path = trust.root.appendingPathComponent("victoria-\(TestNames.unique()).sqlite").path
        try site.setUp([
            "mentor add M1 --name \(m1Name) --localities blackpool --experience alcohol "
                + "--capacity 1",
            "mentor add M5 --name Eve --localities blackpool --experience alcohol",
            "shift add M1 2026-11-17T18:00 2026-11-18T02:00",
            "shift add M5 2026-11-17T18:00 2026-11-18T02:00",
            "register --locality blackpool --needs alcohol --at -40m",
            "assign P1 M5", "decline P1", "assign P1 M1",
            "register --locality blackpool --needs alcohol --at -35m",
            "void P2 --reason 'registered twice'",
        ])
        try FileManager.default.copyItem(atPath: site.db, toPath: path)
        return path
    }

    @Test func siteImportCopiesAFileInRenumberedAndTheChainStillVerifies() throws {
        let trust = try Self.twoSites()
        let file = try Self.siteFile(trust)
        let imported = try Self.object(trust, "site import \(file) --site victoria --format json")
        let mapping = try #require(imported.list("mapping"))
        #expect(
            mapping.map { [$0.string("old") ?? "", $0.string("new") ?? ""] } == [
                ["P1", "P4"], ["P2", "P5"],
            ])
        #expect(imported.number("mentors") == 1 && imported.number("mentors_kept") == 1)
        let queue = try Self.list(trust, "queue --site victoria --format json")
        #expect(Self.ids(queue) == ["P4"])
        #expect(queue.first?.string("mentor") == "M1")
        let show = try Self.object(trust, "show P4 --format json")
        #expect(show.list("declined_by")?.compactMap { $0.string("mentor") } == ["M5"], "\(show)")
        #expect(try Self.object(trust, "show P5 --format json").string("status") == "voided")
        let mentors = try Self.list(trust, "mentors --format json")
        #expect(
            mentors.compactMap { $0.string("id") }.sorted() == ["M1", "M2", "M5"], "\(mentors)")
        // M1's shift was in both: it is held once; M5's joined the trust's roster.
        #expect(
            try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM shift WHERE mentor_id = 'M1'")
                == "1")
        #expect(
            try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM shift WHERE mentor_id = 'M5'")
                == "1")
        let check = try trust.commands(["check", "audit verify"])
        #expect(check.status == 0, "\(check)")
        #expect(
            check.stdout.contains("ok: database integrity and audit chain verified"), "\(check)")
        #expect(check.stdout.contains("The audit log is unbroken"), "\(check)")
        // The copied chain is kept, and tampering with it is found.
        let copied = try SafetyTests.sqlite(
            trust.db, "SELECT count(*) FROM site_audit WHERE site = 'victoria'")
        #expect((Int(copied) ?? 0) > 5)
        let seal = try SafetyTests.sqlite(
            trust.db, "SELECT command || ' ' || entity FROM audit WHERE action = 'import'")
        #expect(seal == "site import site:victoria")
        // The table form prints the mapping as P1 → P4; a name already used is refused.
        let twice = try trust.commands(["site import \(file) --site victoria"])
        #expect(twice.status == 1 && twice.stderr.contains("already has records"), "\(twice)")
        let other = try trust.commands(["site import \(file) --site utc"])
        #expect(other.status == 0 && other.stdout.contains("P1 → P6"), "\(other)")
        // A row slipped into the copied chain breaks it for audit verify and for check.
        _ = try SafetyTests.sqlite(
            trust.db,
            "INSERT INTO site_audit SELECT site, seq + 100, at, actor, command, action, entity, "
                + "before, after, prev_hash, hash FROM site_audit WHERE site = 'utc' AND seq = 1")
        let slipped = try trust.commands(["audit verify"])
        #expect(slipped.status == 1, "\(slipped)")
        #expect(
            slipped.stdout.contains("site utc's copied audit")
                || slipped.stderr.contains("site utc's copied audit"), "\(slipped)")
        let slippedCheck = try trust.commands(["check"])
        #expect(
            slippedCheck.status == 1
                && (slippedCheck.stdout + slippedCheck.stderr).contains("no audit entry"),
            "\(slippedCheck)")
        _ = try SafetyTests.sqlite(trust.db, "DROP TRIGGER site_audit_no_update")
        let tampered = try trust.commands(["check"])
        #expect(
            tampered.status == 1 && tampered.stderr.contains("site_audit_no_update"), "\(tampered)")
    }

    @Test func siteImportRefusesADifferentMentorAndABrokenChainAndCopiesNothing() throws {
        let trust = try Self.twoSites()
        let before = try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM audit")
        let differing = try Self.siteFile(trust, m1Name: "Amelia")
        let r = try trust.commands(["site import \(differing) --site victoria"])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("nothing was copied"), "\(r)")
        #expect(r.stderr.contains("mentor M1") && !r.stderr.contains("M5"), "\(r)")
        #expect(try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM audit") == before)
        #expect(try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM presentation") == "3")
        let broken = try Self.siteFile(trust)
        _ = try SafetyTests.sqlite(broken, "DROP TRIGGER audit_no_update")
        _ = try SafetyTests.sqlite(broken, "UPDATE audit SET actor = 'someone' WHERE seq = 3")
        let refused = try trust.commands(["site import \(broken) --site victoria"])
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stderr.contains("its audit chain does not verify"), "\(refused)")
        #expect(refused.stderr.contains("entry 3 has been altered"), "\(refused)")
        #expect(try SafetyTests.sqlite(trust.db, "SELECT count(*) FROM presentation") == "3")
        let all = try trust.commands(["site import \(broken) --site all"])
        #expect(
            all.status == 1 && all.stderr.contains("--site: 'all' stands for every site"), "\(all)")
        let missing = try trust.commands(["site import nowhere.sqlite --site victoria"])
        #expect(
            missing.status == 1 && missing.stderr.contains("there is no such file"), "\(missing)")
    }

    @Test func siteImportIsForAdmins() throws {
        let trust = try Self.twoSites()
        try trust.addStaff("kim", role: "coordinator")
        let file = try Self.siteFile(trust)
        let r = try trust.run(["-c", "site import \(file) --site victoria"], asUser: "kim")
        #expect(r.status == 1 && r.stderr.contains("needs the admin role"), "\(r)")
    }

    // MARK: Grammar

    @Test func helpAndCompletionKnowTheSiteOption() throws {
        for command in [
            "queue", "board", "allocate", "handover", "register", "summary week", "summary trend",
            "export fhir", "export ecds",
        ] {
            let node = try #require(
                Grammar.command(for: command.split(separator: " ").map(String.init)))
            #expect(node.command.optionNames.contains("--site"), "\(command)")
        }
        let words = CompletionWords(tags: [], localities: [])
        words.update(mentors: [], presentations: [], sites: ["main", "north"])
        #expect(
            words.complete(lineBeforeWord: "queue --site ", word: "") == ["main", "north", "all"])
        #expect(
            words.complete(lineBeforeWord: "summary week --site ", word: "n") == [
                "main", "north", "all",
            ])
        let s = try Sandbox()
        let help = try s.commands(["help site import"])
        #expect(help.stdout.contains("site import victoria.sqlite --site victoria"), "\(help)")
        let queueHelp = try s.commands(["help queue"])
        #expect(
            queueHelp.stdout.contains("--site <site>")
                && queueHelp.stdout.contains("queue --site all"), "\(queueHelp)")
    }
}
