import AlongsideCore
import Foundation
import Testing

/// Issue 10's drifts, through the built binary: each rule has one home, so each of these
/// once-inconsistent paths now follows it.
@Suite("One home for each rule")
struct OneHomeTests {
    static let t0 = Date(timeIntervalSince1970: 1_796_000_000)  // Mon 2026-11-30 00:53 GMT

    @Test func aFileThatIsNotUTF8IsReportedAtItsLine() throws {
        let s = try Sandbox(now: Self.t0)
        try s.ensureDatabase()
        let file = s.root.appendingPathComponent("mentors.csv").path
        var bytes = Array("id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status\nM1,Amy,female,english,blackpool,alcohol,2,2027-06-30,no,active\n".utf8)
        bytes += Array("M2,Ren".utf8) + [0xE9] + Array("e,female,english,blackpool,debt,1,2027-06-30,no,active\n".utf8)
        #expect(FileManager.default.createFile(atPath: file, contents: Data(bytes)))
        let r = try s.commands(["roster import \(file)"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("\(file):3: not UTF-8 text"), "\(r)")
    }

    @Test(arguments: [
        "94 34 76 59 19", "943.476.5919", "943  476  5919", "943-476 59.19",
        "\u{FF19}\u{FF14}\u{FF13}\u{FF14}\u{FF17}\u{FF16}\u{FF15}\u{FF19}\u{FF11}\u{FF19}",
    ])
    func anNHSNumberInAnyGroupingIsRefusedInFreeTextAndNeverReachesTheAudit(grouping: String) throws {
        let s = try Sandbox(now: Self.t0)
        let setup = try s.commands([
            "mentor add M1 --name Amy --experience alcohol --localities blackpool",
            "shift add M1 -2h 2026-11-30T08:00",
            "register --locality blackpool --needs alcohol --at -30m",
            "assign P1 M1",
        ])
        #expect(setup.status == 0, "\(setup)")
        let r = try s.commands(["decline P1 --reason \"called about \(grouping) earlier\""])
        #expect(r.status == 1)
        #expect(r.stderr.contains("--reason"), "\(r)")
        #expect(!r.stderr.contains("5919") && !r.stderr.contains("\u{FF19}\u{FF11}\u{FF19}"))
        let audit = try SafetyTests.sqlite(s.db, "SELECT group_concat(coalesce(before,'') || coalesce(after,'')) FROM audit")
        #expect(!audit.contains("5919") && !audit.contains("59 19") && !audit.contains("\u{FF19}\u{FF11}"))
    }

    /// 25 October 2026: the clocks go back, so midnight to midnight is 25 real hours. The
    /// shift is stored whole and the mentor is on shift in its last hour.
    @Test func aWholeDayShiftOnTheAutumnChangeCoversItsLastHour() throws {
        let lastHour = Date(timeIntervalSince1970: 1_792_971_000)  // 2026-10-25T23:30Z = 23:30 GMT
        let s = try Sandbox(now: lastHour)
        let r = try s.commands([
            "mentor add M1 --name Amy --experience alcohol --localities blackpool",
            "shift weekly M1 sun 00:00-24:00 --from 2026-10-25 --until 2026-10-25",
            "register --locality blackpool --needs alcohol --at -5m",
        ])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout.contains("25.0 hours"), "\(r)")
        let match = try #require(try s.json("match P1 --format json") as? [String: Any])
        #expect(match.list("candidates")?.first?.string("mentor") == "M1", "\(match)")
        // One limit for every way a shift is made: 24 hours on the clock.
        let long = try s.commands(["shift add M1 2026-10-27T00:00 2026-10-28T00:30"])
        #expect(long.status == 1)
        #expect(long.stderr.contains("longer than 24 hours"), "\(long)")
        let day = try s.commands(["shift add M1 2026-10-26T00:00 2026-10-27T00:00"])
        #expect(day.status == 0, "\(day)")
    }
}

/// One rule for stored text (`StoredText`), and one for a mentor's fields (`MentorRules`),
/// through every way in.
@Suite("Stored text, one rule")
struct StoredTextTests {
    @Test(arguments: [
        "staff add =cmd liaison", "register --locality blackpool --needs alcohol --ref =HYPERLINK(1)",
        "mentor add M1 --name Amy --languages english,=sum(1)", "mentor add M2 --name @Amy",
        "register --locality blackpool --needs alcohol --age-band +1",
    ])
    func spreadsheetFormulaTextIsRefusedEverywhere(command: String) throws {
        let s = try Sandbox(now: OneHomeTests.t0)
        try s.ensureDatabase()
        let before = try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit")
        let r = try s.commands([command])
        #expect(r.status == 1, "\(command): \(r)")
        #expect(r.stderr.contains("formula"), "\(command): \(r)")
        #expect(try SafetyTests.sqlite(s.db, "SELECT count(*) FROM audit") == before)
    }

    @Test func aSpreadsheetsTrueAndFalseAreReadAsLeadYesAndNo() throws {
        let s = try Sandbox(now: OneHomeTests.t0)
        let file = s.root.appendingPathComponent("m.csv").path
        try """
            id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status
            M1,Amy,female,english,blackpool,alcohol,2,2027-06-30,TRUE,active
            M2,Ben,male,english,blackpool,debt,1,2027-06-30,FALSE,active

            """.write(toFile: file, atomically: true, encoding: .utf8)
        let r = try s.commands(["roster import \(file)"])
        #expect(r.status == 0, "\(r)")
        let mentors = try #require(try s.json("mentors --format json") as? [[String: Any]])
        #expect(mentors.compactMap { $0.string("lead") } == ["yes", "no"], "\(mentors)")
    }
}

@Suite("Terminal safety")
struct TerminalSafetyTests {
    @Test func anEscapeSequenceInAFileIsNeverEchoedRaw() throws {
        let s = try Sandbox(now: OneHomeTests.t0)
        try s.ensureDatabase()
        let file = s.root.appendingPathComponent("m.csv").path
        try "id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status\nM1,Amy,female,english,blackpool,alcohol,2,2027-06-30,no,\u{1B}[2Jactive\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        let r = try s.commands(["roster import \(file)"])
        #expect(r.status == 1)
        #expect(!r.stderr.contains("\u{1B}"), "\(r.stderr.debugDescription)")
        #expect(r.stderr.contains("^[[2j"), "shown, lower-cased as the status is: \(r.stderr.debugDescription)")
    }
}

@Suite("Refs in the wrong place")
struct RefsInTheWrongPlaceTests {
    @Test(arguments: ["show RX-4471", "assign RX4471 M1", "assign P1 RX4471", "seen RX4471", "show rx4471z"])
    func aRefTypedWhereAnIDBelongsIsNotEchoed(command: String) throws {
        let s = try Sandbox(now: OneHomeTests.t0)
        #expect(try s.commands(["mentor add M1 --name Amy", "register --locality blackpool --needs alcohol --at -5m"]).status == 0)
        let r = try s.commands([command])
        #expect(r.status == 1, "\(r)")
        #expect(!r.stderr.lowercased().contains("rx4471") && !r.stderr.lowercased().contains("rx-4471"), "\(r.stderr)")
    }
}

@Suite("Command words")
struct CommandWordTests {
    @Test func commandWordsAreReadWithoutCaseAndStrayWordsAreNeverEchoed() throws {
        let s = try Sandbox(now: OneHomeTests.t0)
        try s.ensureDatabase()
        #expect(try s.commands(["Register --locality blackpool --needs alcohol"]).status == 0)
        let sub = try s.commands(["mentor ad M5"])
        #expect(sub.stderr.contains("did you mean 'add'?"), "\(sub)")
        let ref = try s.commands(["RX12345 queue"])
        #expect(ref.status == 1 && !ref.stderr.contains("RX12345"), "\(ref)")
        let extra = try s.commands(["mentor add M9 --name Amy RX12345"])
        #expect(extra.status == 1 && !extra.stderr.contains("RX12345"), "\(extra)")
    }
}
