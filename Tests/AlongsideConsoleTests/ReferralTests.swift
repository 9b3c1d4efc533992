import Foundation
import Testing

// Spec §12 and §13 through the built binary: the services directory, onward referral with
// consent, returning people, the FHIR and ECDS exports and the published summary. The
// binary's clock is pinned (ALONGSIDE_TEST_NOW) to Wednesday 2026-11-25 12:00 GMT, so week
// 2026-W47 (16–22 November) is the last complete week.

/// The repository's folder (for the shipped `data/services`).
private let repository = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let shippedDirectory = repository.appendingPathComponent("data/services").path
private let wednesday = Times.parse("2026-11-25T12:00:00+00:00")!

/// Writes a directory of the four files into the sandbox and returns its path.
private func writeDirectory(_ s: Sandbox, name: String, files: [String: String]) throws -> String {
    let dir = s.root.appendingPathComponent(name)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for (file, text) in files {
        try text.write(to: dir.appendingPathComponent(file), atomically: true, encoding: .utf8)
    }
    return dir.path
}

private let oneService: [String: String] = [
    "services.csv": "id,name,description,status,email,url\nsolo,Solo Advice,Only one,active,,\n",
    "service_areas.csv": "id,service_id,service_area\na1,solo,preston\n",
    "regular_schedules.csv": "id,service_id,freq,byday,opens_at,closes_at,valid_from,valid_to\n",
    "service_taxonomies.csv": "id,service_id,taxonomy_id\nt1,solo,debt\n",
]

private func referralRows(_ s: Sandbox) throws -> Int {
    Int(try SQLiteShell.query(s.db, "SELECT count(*) FROM referral")) ?? -1
}

/// A mentor on shift on Tuesday 17 November and P1 seen and closed that morning.
private let closedP1 = [
    "mentor add M1 --name Amy --experience debt",
    "shift add M1 2026-11-17T08:00 2026-11-17T20:00",
    "register --locality blackpool --needs debt --ref RX1 --nhs 9434765919 --at 2026-11-17T10:00",
    "assign P1 M1 --at 2026-11-17T10:10", "seen P1 --at 2026-11-17T10:30",
    "close P1 referred-community --at 2026-11-17T11:00",
]

@Suite("Onward referral through the binary")
struct ReferralBinaryTests {
    @Test func theDirectoryIsImportedAndSearchedNearestFirst() throws {
        let s = try Sandbox(now: wednesday)
        let r = try s.commands(["services import \(shippedDirectory)"])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("Imported 13 services (12 active"))
        let debt = try #require(
            try s.json("services --need debt --locality fleetwood --format json")
                as? [[String: Any]])
        #expect(debt.map { $0.string("service") } == ["fylde-debt-advice"])
        #expect(debt[0].number("distance_km") == 0)
        // Nearest first from Kirkham: services covering it (0 km), then farther ones.
        let all = try #require(
            try s.json("services --locality kirkham --format json") as? [[String: Any]])
        let distances = all.compactMap { $0.number("distance_km") }
        #expect(distances == distances.sorted() && distances.first == 0 && distances.count == 12)
        #expect(!all.contains { $0.string("service") == "garstang-befriending" }, "not active")
        // Wednesday 12:00: the debt service is open (weekdays 09:30–16:30), the gambling
        // group (Tuesday and Thursday evenings) is not.
        let open = try #require(
            try s.json("services --need gambling --open-now --format json") as? [[String: Any]])
        #expect(open.map { $0.string("service") } == ["fylde-debt-advice"])
    }

    @Test func openNowUsesTheSiteZoneOnTheDayTheClocksGoForward() throws {
        // Sunday 2026-03-29: the recovery hub opens daily at 10:00 local, which is 09:00Z.
        for (instant, open) in [
            ("2026-03-29T08:59:00+00:00", false), ("2026-03-29T09:00:00+00:00", true),
        ] {
            let s = try Sandbox(now: Times.parse(instant)!)
            try s.setUp(["services import \(shippedDirectory)"])
            let hits = try #require(
                try s.json("services --need alcohol --open-now --format json") as? [[String: Any]])
            #expect(
                hits.map { $0.string("service") } == (open ? ["lytham-alcohol-recovery"] : []),
                "\(instant)")
        }
    }

    @Test func aBadDirectoryChangesNothingAndAReimportReplaces() throws {
        let s = try Sandbox(now: wednesday)
        #expect(try s.commands(["services import \(shippedDirectory)"]).status == 0)
        try s.addStaff("lia", role: "liaison")
        var bad = oneService
        bad["services.csv"] =
            "id,name,description,status,email,url\nsolo,Solo,x,active\nsolo2,Two,x,shut,,\n"
        let dir = try writeDirectory(s, name: "bad", files: bad)
        let r = try s.commands(["services import \(dir)"])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("\(dir)/services.csv:2: this row has 4 fields but the header has 6"),
            "\(r)")
        #expect(r.stderr.contains("\(dir)/services.csv:3: status 'shut'"))
        #expect(r.stderr.contains("nothing imported"))
        #expect(try SQLiteShell.query(s.db, "SELECT count(*) FROM service") == "13")
        // A liaison may search but not import.
        let good = try writeDirectory(s, name: "good", files: oneService)
        #expect(try s.commands(["services import \(good)"], asUser: "lia").status == 1)
        #expect(try s.commands(["services"], asUser: "lia").status == 0)
        let again = try s.commands(["services import \(good)"])
        #expect(again.stdout.contains("replacing the 13 held before"), "\(again)")
        let list = try #require(try s.json("services --format json") as? [[String: Any]])
        #expect(list.map { $0.string("service") } == ["solo"])
        let audit = try SQLiteShell.query(
            s.db,
            "SELECT count(*) FROM audit WHERE command = 'services import' AND after LIKE '%sha256%'"
        )
        #expect(audit == "2")
    }

    @Test func aReferralNeedsConsentAndMovesOneStepAtATime() throws {
        let s = try Sandbox(now: wednesday)
        let setup = try s.commands(["services import \(shippedDirectory)"] + closedP1)
        #expect(setup.status == 0, "\(setup)")
        for refused in [
            "refer P1 fylde-debt-advice", "refer P1 fylde-debt-advice --consent declined",
            "refer P1 fylde-debt-advice --consent no",
        ] {
            let r = try s.commands([refused])
            #expect(r.status == 1 && r.stderr.contains("--consent"), "\(refused): \(r)")
        }
        #expect(try referralRows(s) == 0)
        // After the presentation has closed: the link worker refers on.
        let steps = try s.commands([
            "refer P1 fylde-debt-advice --consent given --at 2026-11-17T11:05",
            "refer P1 blackpool-housing-options --consent given --at 2026-11-17T11:06",
            "referral P1 fylde-debt-advice accepted --at 2026-11-18T09:00",
            "referral P1 fylde-debt-advice attended --at 2026-11-19T10:00",
            "referral P1 fylde-debt-advice completed --at 2026-11-20T10:00",
            "referral P1 blackpool-housing-options declined --at 2026-11-18T09:30",
        ])
        #expect(steps.status == 0, "\(steps)")
        for wrong in [
            "referral P1 fylde-debt-advice accepted",  // completed is final
            "referral P1 blackpool-housing-options accepted",  // declined is final
            "refer P1 garstang-befriending --consent given",  // temporarily closed
            "referral P1 fylde-recovery-college accepted",  // no referral there
        ] {
            #expect(try s.commands([wrong]).status == 1, "\(wrong)")
        }
        try s.setUp(["refer P1 fylde-recovery-college --consent given --at 2026-11-21T10:00"]
        )
        let skip = try s.commands(["referral P1 fylde-recovery-college completed"])
        #expect(skip.status == 1 && skip.stderr.contains("next it can be accepted"), "\(skip)")
        #expect(try referralRows(s) == 3)

        let show = try #require(try s.json("show P1 --format json") as? [String: Any])
        let referrals = try #require(show.list("referrals"))
        #expect(referrals.map { $0.string("status") } == ["completed", "declined", "requested"])
        #expect(referrals[0].string("attended_at") == "2026-11-19T10:00:00+00:00")
        let text = try s.commands(["show P1"])
        #expect(
            text.stdout.contains("Onward referrals:") && text.stdout.contains("fylde-debt-advice"))

        let summary = try #require(
            try s.json("summary week 2026-W47 --format json") as? [String: Any])
        let onward = try #require(summary.object("onward_referrals"))
        #expect(onward["made"] as? Int == 3)
        let byService = try #require(onward["by_service"] as? [[String: Any]])
        let debt = try #require(byService.first { $0.string("service") == "fylde-debt-advice" })
        #expect(
            [debt["made"], debt["accepted"], debt["attended"], debt["completed"]].map { $0 as? Int }
                == [1, 1, 1, 1])
        let housing = try #require(
            byService.first { $0.string("service") == "blackpool-housing-options" })
        #expect([housing["made"], housing["accepted"]].map { $0 as? Int } == [1, 0])
    }

    @Test func aReturningPersonIsFlaggedCountedAndFound() throws {
        let s = try Sandbox(now: wednesday)
        try s.setUp(closedP1)
        let again = try s.run([
            "-c",
            "register --locality blackpool --needs debt --ref rx1 --at 2026-11-20T10:00 --format json",
        ])
        #expect(again.status == 0, "\(again)")
        let json = try #require(try again.json() as? [String: Any])
        let returning = try #require(json.object("returning"))
        #expect(returning.string("previous") == "P1" && returning.string("mentor") == "M1")
        #expect(returning["days"] as? Int == 3)
        #expect(again.stderr.contains("warning: returning") && again.stderr.contains("P1"))
        let fresh = try #require(
            try s.json(
                "register --locality blackpool --needs debt --ref NEW1 --at 2026-11-21T10:00 --format json"
            )
                as? [String: Any])
        #expect(fresh.isNull("returning"))
        // By NHS number, 31 days later: no longer returning; 30 days later, still returning.
        try s.setUp([
            "register --locality blackpool --needs debt --nhs 4010232137 --at 2026-10-01T10:00"
        ])
        let late = try #require(
            try s.json(
                "register --locality blackpool --needs debt --nhs 4010232137 --at 2026-11-01T10:00:01 --format json"
            )
                as? [String: Any])
        #expect(late.isNull("returning"))
        let within = try #require(
            try s.json(
                "register --locality blackpool --needs debt --nhs 4010232137 --at 2026-10-31T10:00 --format json"
            )
                as? [String: Any])
        #expect(within.object("returning")?.string("previous") == "P4")

        let summary = try #require(
            try s.json("summary week 2026-W47 --format json") as? [String: Any])
        #expect(summary["reattended_7d"] as? Int == 1 && summary["reattended_30d"] as? Int == 1)

        let found = try #require(try s.json("find --ref Rx1 --format json") as? [[String: Any]])
        #expect(found.map { $0.string("presentation") } == ["P1", "P2"])
        #expect(
            found[0].string("outcome") == "referred-community" && found[0].string("mentor") == "M1")
        let byNHS = try #require(
            try s.json("find --nhs '401 023 2137' --format json") as? [[String: Any]])
        #expect(byNHS.map { $0.string("presentation") } == ["P4", "P6", "P5"])
        let audit = try SQLiteShell.query(
            s.db, "SELECT coalesce(after, '') FROM audit WHERE command = 'find' AND action = 'read'"
        )
        #expect(audit.contains("P1") && !audit.contains("RX1") && !audit.contains("4010232137"))
    }
}

/// Whether python3 with fhir.resources is here (the FHIR test needs a real validator).
enum FHIRValidator {
    static let script = repository.appendingPathComponent("scripts/check_fhir.py").path

    static func run(_ arguments: [String]) -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3"] + arguments
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        do { try p.run() } catch { return (127, "\(error)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let available: Bool = run(["-c", "import fhir.resources.R4B.bundle"]).status == 0
}

@Suite("NHS-ready exports through the binary")
struct ExportBinaryTests {
    /// Presentations in W46 and W47 (one voided-free life of each kind) and referrals.
    func setUp(_ s: Sandbox) throws {
        let r = try s.commands(
            ["services import \(shippedDirectory)"] + closedP1 + [
                "shift add M1 2026-11-10T08:00 2026-11-10T20:00",
                "register --locality fleetwood --needs housing --at 2026-11-10T09:00",  // W46: P2
                // P3 waits; P4 (ref only) finds no mentor.
                "register --locality fleetwood --needs housing --at 2026-11-18T09:00",
                "register --locality preston --needs debt --ref LOCAL9 --at 2026-11-18T09:30",
                "close P4 no-mentor-available --at 2026-11-18T11:00",
                "register --locality preston --needs debt --at 2026-11-19T09:30",  // P5
                "close P5 left-before-seen --at 2026-11-19T10:00",
                "refer P1 fylde-debt-advice --consent given --at 2026-11-17T11:05",
                "referral P1 fylde-debt-advice accepted --at 2026-11-18T09:00",
                "refer P2 wyre-housing-advice --consent given --at 2026-11-10T10:00",  // W46
                // Made in W47 for P2 of W46: in W47's export. Made in W48: in neither.
                "refer P2 fylde-recovery-college --consent given --at 2026-11-18T12:00",
                "refer P1 blackpool-family-hub --consent given --at 2026-11-24T10:00",
            ])
        #expect(r.status == 0, "\(r)")
    }

    @Test(
        .enabled(
            if: FHIRValidator.available,
            "python's fhir.resources is missing: pip install fhir.resources==8.1.0"))
    func theFHIRBundleHoldsOnlyTheWeekAndValidates() throws {
        let s = try Sandbox(now: wednesday)
        try setUp(s)
        try s.addStaff("lia", role: "liaison")
        let out = s.root.appendingPathComponent("w47.fhir.json").path
        #expect(
            try s.commands(["export fhir --week 2026-W47 --out \(out)"], asUser: "lia").status == 1)
        let r = try s.commands(["export fhir --week 2026-W47 --out \(out)"])
        #expect(r.status == 0, "\(r)")
        let check = FHIRValidator.run([FHIRValidator.script, out])
        #expect(check.status == 0, "\(check.output)")

        let bundle = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out)))
                as? [String: Any])
        #expect(bundle.string("resourceType") == "Bundle" && bundle.string("type") == "collection")
        let resources = try #require(bundle.list("entry")).compactMap { $0.object("resource") }
        let requests = resources.filter { $0.string("resourceType") == "ServiceRequest" }
        let tasks = resources.filter { $0.string("resourceType") == "Task" }
        // P1, P3, P4, P5 and the two referrals made in W47; nothing else of W46 or W48.
        #expect(requests.count == 6 && tasks.count == 4)
        for resource in requests + tasks {
            let authored = try #require(resource.string("authoredOn"))
            #expect(authored.hasPrefix("2026-11-1") && authored >= "2026-11-16", "\(authored)")
        }
        #expect(
            tasks.map { $0.string("status") } == ["completed", "requested", "failed", "cancelled"])
        #expect(
            requests.prefix(4).allSatisfy {
                ($0.object("code")?["coding"] as? [[String: Any]])?.first?.string("code")
                    == "871731000000106"
            })
        let patients = resources.filter { $0.string("resourceType") == "Patient" }
        let systems = patients.compactMap {
            ($0["identifier"] as? [[String: Any]])?.first?.string("system")
        }
        #expect(systems.contains("https://fhir.nhs.uk/Id/nhs-number"))
        #expect(systems.contains { $0.hasSuffix(":ref") })
        #expect(patients.count == 5)  // P2, P3 and P5 have no identifier: one each
        let onward = requests.filter { ($0.string("id") ?? "").hasPrefix("onward-") }
        let basedOn = onward.compactMap { ($0["basedOn"] as? [[String: Any]])?.first }
        #expect(basedOn.contains { $0.object("identifier")?.string("value") == "P2" })
        #expect(basedOn.contains { $0.string("reference")?.hasPrefix("urn:uuid:") == true })
        let file = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!file.contains("Wyre Housing") && !file.contains("2026-11-10"))
        #expect(!file.contains("Family Hub") && file.contains("Recovery College"))
        let exported = try SQLiteShell.query(
            s.db, "SELECT count(*) FROM audit WHERE action = 'export'")
        #expect(exported == "1")

        // The checker can fail: a code outside its value set is refused.
        let broken = file.replacingOccurrences(
            of: "\"intent\":\"order\"", with: "\"intent\":\"wish\"")
        let bad = s.root.appendingPathComponent("bad.json").path
        try broken.write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(FHIRValidator.run([FHIRValidator.script, bad]).status == 1)
    }

    @Test func theSiteSNOMEDCodeIsUsed() throws {
        let s = try Sandbox(now: wednesday)
        try FileManager.default.createDirectory(
            at: s.root.appendingPathComponent("data"), withIntermediateDirectories: true)
        try "referral_snomed = 1234567890\n".write(
            to: s.root.appendingPathComponent("data/site.conf"), atomically: true, encoding: .utf8)
        try setUp(s)
        let r = try s.commands(["export fhir --week 2026-W47", "export ecds --week 2026-W47"])
        #expect(r.status == 0, "\(r)")
        #expect(
            r.stdout.contains("\"code\":\"1234567890\"") && !r.stdout.contains("871731000000106"))
    }

    @Test func theECDSRowsHaveThePinnedColumnsAndOffsets() throws {
        let s = try Sandbox(now: wednesday)
        let r = try s.commands([
            "register --locality blackpool --needs debt --nhs 9434765919 --ed-arrival 2026-10-20T09:40 --at 2026-10-20T10:00",
            "register --locality blackpool --needs debt --at 2026-10-25T12:00",
            "register --locality blackpool --needs debt --at 2026-10-26T12:00",  // next week
        ])
        #expect(r.status == 0, "\(r)")
        let out = s.root.appendingPathComponent("ecds.csv").path
        #expect(try s.commands(["export ecds --week 2026-W43 --out \(out)"]).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: out))
        #expect(data.starts(with: [0xEF, 0xBB, 0xBF]))
        let text = String(decoding: data.dropFirst(3), as: UTF8.self)
        let lines = text.components(separatedBy: "\r\n")
        #expect(
            lines[0]
                == "presentation,nhs_number,ed_arrival,service_request,referral_assessment,referred_to_service,outcome"
        )
        #expect(
            lines[1]
                == "P1,9434765919,2026-10-20T09:40:00+01:00,2026-10-20T10:00:00+01:00,,871731000000106,"
        )
        #expect(lines[2] == "P2,,,2026-10-25T12:00:00+00:00,,871731000000106,")
        #expect(lines.count == 4 && lines[3].isEmpty)
    }
}

@Suite("Published figures through the binary")
struct PublishBinaryTests {
    /// 13 people seen in Blackpool within 10–22 minutes and 3 who left in Fleetwood, in W47.
    func setUp(_ s: Sandbox) throws {
        var csv = "ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome\n"
        for i in 0..<13 {
            let day = 16 + i % 7
            csv +=
                "R\(i),2026-11-\(day)T10:00,blackpool,debt,M1,2026-11-\(day)T10:05,"
                + "2026-11-\(day)T10:\(10 + i),2026-11-\(day)T11:00,supported-discharged\n"
        }
        for i in 0..<3 {
            csv +=
                "L\(i),2026-11-17T1\(i):00,fleetwood,housing,,,,2026-11-17T1\(i):30,left-before-seen\n"
        }
        let file = s.root.appendingPathComponent("history.csv")
        try csv.write(to: file, atomically: true, encoding: .utf8)
        let r = try s.commands(["mentor add M1 --name Amy", "presentations import \(file.path)"])
        #expect(r.status == 0, "\(r)")
    }

    @Test func theWeekIsPublishedUnderDisclosureControl() throws {
        let s = try Sandbox(now: wednesday)
        try setUp(s)
        let w = try #require(
            try s.json("summary week 2026-W47 --publish --format json") as? [String: Any])
        #expect(w["presentations"] as? Int == 15)  // 16 → 15
        #expect(w["seen"] as? Int == 15)  // 13 → 15
        #expect(w["seen_within_target"] as? Int == 15)
        #expect(w["within_target_pct"] as? Double == 100)  // 15 / 15
        let waits = try #require(w.object("wait_minutes"))
        #expect(waits["median"] as? Double == 16)  // 13 values: shown as computed
        #expect(w.object("not_seen")?["left-before-seen"] as? String == "*")
        let fleetwood = try #require(
            w.list("by_locality")?.first { $0.string("locality") == "fleetwood" })
        #expect(
            fleetwood.string("presentations") == "*" && fleetwood.string("within_target_pct") == "*"
        )
        #expect(fleetwood.isNull("median_wait"))
        #expect(w.string("disclosure_control")?.contains("nearest 5") == true)
        let mentor = try #require(w.list("mentors")?.first)
        #expect(mentor["assigned"] as? Int == 15)
        for format in ["table", "md", "html"] {
            let r = try s.commands(["summary week 2026-W47 --publish --format \(format)"])
            #expect(r.status == 0 && r.stdout.contains("Disclosure control"), "\(format): \(r)")
            #expect(!r.stdout.contains("| 16 |") && !r.stdout.contains(">16<"), "\(format)")
        }
        let trend = try #require(
            try s.json("summary trend --weeks 2 --publish --format json") as? [String: Any])
        let weeks = try #require(trend.list("weeks"))
        #expect(weeks.map { $0["presentations"] as? Int } == [0, 15])
        #expect(weeks[1]["median_wait"] as? Double == 16)
        #expect(weeks[0].isNull("median_wait"))
        let table = try s.commands(["summary trend --weeks 2 --publish"])
        #expect(table.stdout.contains("Disclosure control"))
        let out = s.root.appendingPathComponent("public.md").path
        #expect(try s.commands(["summary week 2026-W47 --publish --format md --out \(out)"]).status == 0)
        #expect(try String(contentsOfFile: out, encoding: .utf8).contains("Disclosure control"))
        let exported = try SQLiteShell.query(
            s.db, "SELECT count(*) FROM audit WHERE action = 'export' AND after LIKE '%published%'")
        #expect(exported == "1")
    }
}
