import Foundation
import Testing

@testable import AlongsideCore

private let cal = SiteCalendar.london
/// Monday 2026-11-16 12:00 GMT.
private let now = Date(timeIntervalSince1970: 1_794_830_400)
private let today = LocalDate(year: 2026, month: 11, day: 16)!
private let header =
    "id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,lead,status\n"
private let shiftHeader = "mentor_id,start,end\n"

private func read(_ mentors: String, _ shifts: String? = nil) -> RosterDraft {
    RosterFiles.read(
        mentors: ("m.csv", mentors), shifts: shifts.map { ("s.csv", $0) }, tags: .standard,
        localities: .standard, calendar: cal, now: now)
}

private func plan(
    _ mentors: String, _ shifts: String? = nil, existing: [Mentor] = [], stored: [Shift] = []
) -> Result<RosterPlan, RosterRejection> {
    RosterFiles.plan(
        read(mentors, shifts), existingMentors: existing, existingShifts: stored, today: today)
}

/// Every error line, or [] when the import would pass.
private func errors(
    _ mentors: String, _ shifts: String? = nil, existing: [Mentor] = [], stored: [Shift] = []
) -> [String] {
    switch plan(mentors, shifts, existing: existing, stored: stored) {
    case .success: return []
    case .failure(let r): return r.errors.map(\.description)
    }
}

private func at(_ text: String) -> Date { try! cal.parseTime(text, now: now) }

@Suite("Roster files")
struct RosterFilesTests {
    @Test("a good row gives the mentor it describes")
    func goodRow() throws {
        let text =
            header
            + "M1,\"Walsh, Amy\",Female,English;Polish,blackpool; Fleetwood,alcohol;debt,2,"
            + "2027-09-30,yes,paused\nvol-2,Dev,,,,,,,,\n"
        let p = try plan(text).get()
        #expect(
            p.newMentors == [
                Mentor(
                    id: "M1", name: "Walsh, Amy", gender: "female",
                    languages: ["english", "polish"],
                    localities: ["blackpool", "fleetwood"], experience: ["alcohol", "debt"],
                    capacity: 2, dbsRecheckDue: LocalDate("2027-09-30"), lead: true,
                    status: .paused),
                Mentor(id: "vol-2", name: "Dev"),
            ])
        #expect(p.warnings.isEmpty)
    }

    @Test("every kind of bad mentor row is reported at its line, with the fix")
    func mentorErrors() {
        let text =
            header
            + "M1,Amy,,,blakpool,alchohol,2,2027-09-30,yes,active\n"  // 2
            + "M2,Dev,,,preston,debt,0,2027-13-01,maybe,actve\n"  // 3
            + "M3,Kerry,,,preston,debt,two,31/12/2026,no,gone\n"  // 4
            + "m1,Again,,,,,,,,\n"  // 5
            + ",No id,,,,,1.5,,,\n"  // 6
            + "P12,,,,,,,,,\n"  // 7
            + "bad id,X,,,,,,,,\n"  // 8
        #expect(
            errors(text) == [
                "m.csv:2: localities: unknown locality 'blakpool' (did you mean 'blackpool'?)",
                "m.csv:2: experience: unknown tag 'alchohol' (did you mean 'alcohol'?)",
                "m.csv:3: capacity: '0' is not a whole number from 1 to 50 (how many people the "
                    + "mentor can hold at once)",
                "m.csv:3: dbs_recheck_due: '2027-13-01' is not a real date in the form YYYY-MM-DD, "
                    + "e.g. 2027-06-30",
                "m.csv:3: lead: 'maybe' is not yes or no (or true or false)",
                "m.csv:3: status: 'actve' is not active, paused or retired "
                    + "(did you mean 'active'?)",
                "m.csv:4: capacity: 'two' is not a whole number from 1 to 50 (how many people the "
                    + "mentor can hold at once)",
                "m.csv:4: dbs_recheck_due: '31/12/2026' is not a date in the form YYYY-MM-DD (for "
                    + "31/12/2026 write 2026-12-31; format the column as yyyy-mm-dd in the "
                    + "spreadsheet)",
                "m.csv:4: status: 'gone' is not active, paused or retired",
                "m.csv:5: id: 'm1' repeats the mentor at line 2; give each mentor one row",
                "m.csv:6: id: is empty; every mentor needs an id (letters, digits, '-')",
                "m.csv:6: capacity: '1.5' is not a whole number from 1 to 50 (how many people the "
                    + "mentor can hold at once)",
                "m.csv:7: id: 'P12' looks like a presentation id; choose another (for example M12)",
                "m.csv:7: name: is empty; give the mentor's name",
                "m.csv:8: id: 'bad id' may hold only letters, digits and '-'",
            ])
    }

    @Test("a list written with commas gets a hint to use ';'")
    func commaList() {
        #expect(
            errors(header + "M1,Amy,,,\"blackpool,fleetwood\",,,,,\n") == [
                "m.csv:2: localities: unknown locality 'blackpool,fleetwood'; separate the items "
                    + "of a list with ';'"
            ])
    }

    @Test("BOM, CRLF and a quoted field over two lines keep physical line numbers")
    func physicalLines() throws {
        let text =
            "\u{FEFF}" + header.replacingOccurrences(of: "\n", with: "\r\n")
            + "M1,\"Amy\r\nWalsh\",,,,,,,,\r\n"  // lines 2–3: the name holds a line break
            + "M2,\"Dev, Patel\",,,,\"debt;\r\ngambling\",,,,\r\n"  // lines 4–5, fine
            + "M3,Kerry,,,,,,,nope,\r\n"  // line 6
        #expect(
            errors(text) == [
                "m.csv:2: name: holds a line break or control character; keep it on one line",
                "m.csv:6: lead: 'nope' is not yes or no (or true or false)",
            ])
        let good =
            "\u{FEFF}" + header.replacingOccurrences(of: "\n", with: "\r\n")
            + "M2,\"Dev, Patel\",,,,\"debt;\r\ngambling\",,,,\r\n"
        #expect(try plan(good).get().newMentors.first?.experience == ["debt", "gambling"])
    }

    @Test("header problems: a missing column, a misspelt one, an extra field, an ignored one")
    func headerProblems() throws {
        #expect(
            errors("id,nmae\nM1,Amy\n") == [
                "m.csv:1: missing required column 'name' (the header has 'nmae'; is it misspelt?)"
            ])
        #expect(
            errors("id,name,experiance\nM1,Amy,debt\n") == [
                "m.csv:1: unknown column 'experiance' (did you mean 'experience'?); the columns "
                    + "are id,name,gender,languages,localities,experience,capacity,dbs_recheck_due,"
                    + "lead,status,phone"
            ])
        #expect(
            errors("id,name\nM1,Amy,debt\n") == [
                "m.csv:2: this row has 3 fields but the header has 2 (is there a comma that "
                    + "should be in quotes?)"
            ])
        let p = try plan("id,name,notes\nM1,Amy,0123\n").get()
        #expect(p.warnings == ["m.csv: column 'notes' is not one Alongside reads; ignored"])
        // The optional phone column is read and checked as a phone number.
        #expect(try plan("id,name,phone\nM1,Amy,01253 300400\n").get().newMentors.first?.phone == "01253 300400")
        #expect(errors("id,name,phone\nM1,Amy,0123\n") == ["m.csv:2: phone: '0123' has 4 digits; a phone number has 6 to 15"])
        #expect(errors("") == ["m.csv:1: the file is empty; it needs a header row"])
        #expect(
            errors("id,name\nM1,\"Amy\n")
                == ["m.csv:2: a quoted field is not closed; add the closing quote (\")"]
                || errors("id,name\nM1,\"Amy\n").first?.hasPrefix("m.csv:2: ") == true)
    }

    @Test("every kind of bad shift row is reported at its line")
    func shiftErrors() {
        let mentors = header + "M1,Amy,,,,,,,,\nM2,Dev,,,,,,,,\n"
        let shifts =
            shiftHeader
            + "M1,2026-11-16T09:00,2026-11-16T17:00\n"  // 2
            + "M1,2026-11-16T16:00,2026-11-16T20:00\n"  // 3 overlaps 2
            + "M9,2026-11-16T09:00,2026-11-16T17:00\n"  // 4 unknown mentor
            + "M2,2026-11-16T22:00,2026-11-16T06:00\n"  // 5 end before start
            + "M2,tomorrow,\n"  // 6 bad time, empty end
            + "M2,2026-11-17T09:00,2026-11-18T10:00\n"  // 7 too long
            + "m2,2026-11-19T09:00,2026-11-19T17:00\n"  // 8 fine (case-insensitive id)
            + "M2,2026-11-19T09:00,2026-11-19T17:00\n"  // 9 repeats 8
            + "M2,2026-03-29T01:30,2026-03-29T05:00\n"  // 10 no such local time
        #expect(
            errors(mentors, shifts) == [
                "s.csv:3: overlaps M1's shift at line 2 (Mon 2026-11-16 09:00 – 17:00); a "
                    + "mentor's shifts may not overlap",
                "s.csv:4: mentor_id: no mentor 'M9' in m.csv or on the roster (did you mean 'M1'?)",
                "s.csv:5: end: 2026-11-16 06:00 is not after the start 2026-11-16 22:00; for a "
                    + "night shift give the next day's date",
                "s.csv:6: start: 'tomorrow' is not a time: use 2026-11-16T09:14, 2026-11-16 09:14, "
                    + "09:14, -15m or an ISO 8601 time with offset",
                "s.csv:6: end: is empty; give a time like 2026-11-16T09:00",
                "s.csv:7: end: makes a shift longer than 24 hours; split it",
                "s.csv:9: repeats M2's shift at line 8 (Thu 2026-11-19 09:00 – 17:00); a mentor's "
                    + "shifts may not overlap",
                "s.csv:10: start: '2026-03-29T01:30' does not exist in Europe/London (the clocks "
                    + "go forward then)",
            ])
    }

    @Test("an overlap is reported at the later line even when that row starts first")
    func overlapAtLaterLine() {
        let shifts =
            shiftHeader
            + "M1,2026-11-16T12:00,2026-11-16T20:00\n"
            + "M1,2026-11-16T09:00,2026-11-16T13:00\n"
        #expect(
            errors(header + "M1,Amy,,,,,,,,\n", shifts) == [
                "s.csv:3: overlaps M1's shift at line 2 (Mon 2026-11-16 12:00 – 20:00); a "
                    + "mentor's shifts may not overlap"
            ])
    }

    @Test("shifts meet the database: stored mentors, stored shifts, exact repeats skipped")
    func againstDatabase() throws {
        let stored = [Mentor(id: "Old-1", name: "Olive")]
        let kept = Shift(
            mentorID: "Old-1",
            span: TimeSpan(start: at("2026-11-16T09:00"), end: at("2026-11-16T17:00")))
        let other = Shift(
            mentorID: "Old-1",
            span: TimeSpan(start: at("2026-11-17T09:00"), end: at("2026-11-17T17:00")))
        let shifts =
            shiftHeader
            + "old-1,2026-11-16T09:00,2026-11-16T17:00\n"  // already stored exactly
            + "OLD-1,2026-11-17T16:00,2026-11-17T18:00\n"  // overlaps a stored one
            + "old-1,2026-11-18T09:00:00+00:00,2026-11-18T17:00:00Z\n"  // new
        #expect(
            errors(header, shifts, existing: stored, stored: [kept, other]) == [
                "s.csv:3: overlaps Old-1's shift already on the roster, Tue 2026-11-17 09:00 – "
                    + "17:00; change the times in the file (a mentor's shifts may not overlap)"
            ])
        let ok =
            shiftHeader
            + "old-1,2026-11-16T09:00,2026-11-16T17:00\n"
            + "old-1,2026-11-18T09:00:00+00:00,2026-11-18T17:00:00Z\n"
        let p = try plan(header, ok, existing: stored, stored: [kept, other]).get()
        #expect(p.shiftsAlreadyStored == 1)
        #expect(
            p.shifts == [
                Shift(
                    mentorID: "Old-1",
                    span: TimeSpan(start: at("2026-11-18T09:00"), end: at("2026-11-18T17:00")))
            ])
    }

    @Test("a stored mentor is updated; columns the file lacks keep their stored values")
    func updates() throws {
        let before = Mentor(
            id: "M1", name: "Amy", gender: "female", languages: ["english"],
            localities: ["blackpool"], experience: ["alcohol"], capacity: 2,
            dbsRecheckDue: LocalDate("2027-01-31"), lead: true, status: .active)
        let same = Mentor(id: "M2", name: "Dev")
        let p = try plan(
            "id,name,capacity,status\nm1,Amy Walsh,3,paused\nM2,Dev,,\nM3,New,,\n",
            existing: [before, same]
        ).get()
        var after = before
        after.name = "Amy Walsh"
        after.capacity = 3
        after.status = .paused
        #expect(p.updatedMentors.map(\.after) == [after])
        #expect(p.updatedMentors.map(\.before) == [before])
        #expect(p.unchangedMentors == [same])
        #expect(p.newMentors == [Mentor(id: "M3", name: "New")])
    }

    @Test("a DBS recheck due today is no warning; one due yesterday is stored with a warning")
    func dbsBoundary() throws {
        let text =
            header
            + "M1,Due today,,,,,,2026-11-16,,\n"
            + "M2,Due yesterday,,,,,,2026-11-15,,\n"
            + "M3,Retired,,,,,,2020-01-01,,retired\n"
        let p = try plan(text).get()
        #expect(p.newMentors.count == 3)
        #expect(
            p.warnings == [
                "m.csv:3: M2's DBS recheck was due 2026-11-15: stored, but never offered until "
                    + "the date is updated"
            ])
    }

    @Test("the export files read back to the same mentors and shifts, over both clock changes")
    func writeAndReadBack() throws {
        let mentors = [
            Mentor(
                id: "M1", name: "Walsh, \"Amy\"", gender: "female", languages: ["english", "urdu"],
                localities: ["blackpool", "lytham-st-annes"], experience: ["perinatal", "debt"],
                capacity: 3, dbsRecheckDue: LocalDate("2027-02-28"), lead: true, status: .active),
            Mentor(id: "vol-7", name: " Lee ", status: .retired),
        ]
        let shifts = [
            // Saturday night before the clocks go back: nine hours.
            Shift(
                mentorID: "M1",
                span: TimeSpan(start: at("2026-10-24T22:00"), end: at("2026-10-25T06:00"))),
            // Saturday night before they go forward: seven hours.
            Shift(
                mentorID: "M1",
                span: TimeSpan(start: at("2026-03-28T22:00"), end: at("2026-03-29T06:00"))),
            // The repeated hour itself: BST 01:00 to GMT 01:30.
            Shift(
                mentorID: "vol-7",
                span: TimeSpan(
                    start: at("2026-10-25T01:00:00+01:00"), end: at("2026-10-25T01:30:00+00:00"))),
        ]
        #expect(shifts[0].span.seconds == 9 * 3600)
        #expect(shifts[1].span.seconds == 7 * 3600)
        let m = RosterFiles.mentorsCSV(mentors)
        let s = RosterFiles.shiftsCSV(shifts, calendar: cal)
        #expect(s.contains("M1,2026-10-24T22:00:00+01:00,2026-10-25T06:00:00+00:00"))
        let p = try plan(m, s).get()
        var trimmed = mentors
        trimmed[1].name = "Lee"  // surrounding spaces are not kept
        #expect(p.newMentors == trimmed)
        #expect(p.shifts == shifts)
    }

    @Test("progress is reported every 10,000 rows")
    func progress() {
        var text = "id,name\n"
        for i in 1...25_000 { text += "M\(i),N\n" }
        var calls: [Int] = []
        let draft = RosterFiles.read(
            mentors: ("m.csv", text), shifts: nil, tags: .standard, localities: .standard,
            calendar: cal, now: now, progress: { calls.append($0) })
        #expect(calls == [10_000, 20_000])
        #expect(draft.mentors.count == 25_000)
    }
}

@Suite("Cover grid")
struct CoverGridTests {
    private func shift(_ id: String, _ from: String, _ to: String) -> Shift {
        Shift(mentorID: id, span: TimeSpan(start: at(from), end: at(to)))
    }

    @Test("counts, gaps, thin cover and uncovered tags of a hand-built roster")
    func handBuilt() {
        let mentors = [
            Mentor(id: "A", name: "A", experience: ["alcohol", "debt"]),
            Mentor(id: "B", name: "B", experience: ["housing"]),
            Mentor(id: "C", name: "C", experience: ["perinatal"], status: .paused),
            Mentor(
                id: "D", name: "D", experience: ["gambling"], dbsRecheckDue: LocalDate("2026-11-15")
            ),
            Mentor(
                id: "E", name: "E", experience: ["loneliness"],
                dbsRecheckDue: LocalDate("2026-11-18")),
        ]
        let shifts = [
            shift("A", "2026-11-16T09:00", "2026-11-16T17:00"),
            shift("a", "2026-11-17T09:30", "2026-11-17T12:00"),
            shift("B", "2026-11-16T12:00", "2026-11-16T20:00"),
            shift("C", "2026-11-16T00:00", "2026-11-17T00:00"),
            shift("D", "2026-11-16T00:00", "2026-11-17T00:00"),
            shift("E", "2026-11-18T10:00", "2026-11-18T12:00"),  // the due date itself: clear
            shift("E", "2026-11-19T10:00", "2026-11-19T12:00"),  // the day after: overdue
        ]
        let leave = [
            Leave(
                mentorID: "B",
                span: TimeSpan(start: at("2026-11-16T18:00"), end: at("2026-11-16T19:00")))
        ]
        let week = CoverGrid.week(
            ISOWeek(year: 2026, week: 47)!, mentors: mentors, shifts: shifts, leave: leave,
            tags: TagCatalog.standard.ids, calendar: cal)
        #expect(week.days.map(\.date.description).first == "2026-11-16")
        #expect(week.days.count == 7)
        let monday: [Int?] = [
            0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 1, 0, 1, 0, 0, 0, 0,
        ]
        #expect(week.days[0].hours == monday)
        var tuesday = [Int?](repeating: 0, count: 24)
        tuesday[10] = 1  // A from 09:30: hour 09 is not covered throughout
        tuesday[11] = 1
        #expect(week.days[1].hours == tuesday)
        #expect(week.days[2].hours[10] == 1 && week.days[2].hours[11] == 1)
        #expect(week.days[3].hours.allSatisfy { $0 == 0 })
        let mon = LocalDate("2026-11-16")!
        #expect(
            Array(week.gaps.prefix(3)) == [
                CoverRun(date: mon, fromHour: 0, toHour: 9),
                CoverRun(date: mon, fromHour: 18, toHour: 19),
                CoverRun(date: mon, fromHour: 20, toHour: 24),
            ])
        #expect(
            Array(week.thin.prefix(4)) == [
                CoverRun(date: mon, fromHour: 9, toHour: 12),
                CoverRun(date: mon, fromHour: 17, toHour: 18),
                CoverRun(date: mon, fromHour: 19, toHour: 20),
                CoverRun(date: LocalDate("2026-11-17")!, fromHour: 10, toHour: 12),
            ])
        #expect(!week.uncoveredTags.contains("alcohol"))
        #expect(!week.uncoveredTags.contains("housing"))
        #expect(!week.uncoveredTags.contains("loneliness"))
        #expect(week.uncoveredTags.contains("perinatal"))  // paused
        #expect(week.uncoveredTags.contains("gambling"))  // DBS overdue
        #expect(week.uncoveredTags.count == TagCatalog.standard.ids.count - 4)
    }

    @Test("the clock-change days: a missing hour, and a repeated hour two hours long")
    func clockChanges() {
        let mentors = [Mentor(id: "N", name: "N"), Mentor(id: "S", name: "S")]
        let autumn = CoverGrid.week(
            ISOWeek(year: 2026, week: 43)!, mentors: mentors,
            shifts: [
                shift("N", "2026-10-24T22:00", "2026-10-25T06:00"),
                // Only the first (BST) 01:00–02:00: the repeated hour is not covered throughout.
                shift("S", "2026-10-25T01:00:00+01:00", "2026-10-25T02:00:00+01:00"),
            ], leave: [], tags: [], calendar: cal)
        let sunday = autumn.days[6]
        #expect(sunday.date == LocalDate("2026-10-25"))
        #expect(sunday.hours[0] == 1 && sunday.hours[1] == 1 && sunday.hours[5] == 1)
        #expect(sunday.hours[6] == 0)
        let slots = CoverGrid.hourSlots(sunday.date, calendar: cal)
        #expect(slots[1]?.seconds == 7200)
        #expect(autumn.days[5].hours[22] == 1 && autumn.days[5].hours[23] == 1)

        let spring = CoverGrid.week(
            ISOWeek(year: 2026, week: 13)!, mentors: mentors,
            shifts: [shift("N", "2026-03-28T22:00", "2026-03-29T06:00")], leave: [], tags: [],
            calendar: cal)
        let day = spring.days[6]
        #expect(day.date == LocalDate("2026-03-29"))
        #expect(day.hours[1] == nil)
        #expect(day.hours[0] == 1 && day.hours[2] == 1 && day.hours[5] == 1 && day.hours[6] == 0)
        #expect(
            spring.gaps.first { $0.date == day.date }
                == CoverRun(date: day.date, fromHour: 6, toHour: 24))
    }
}
