import AlongsideCore
import Foundation
import Testing

// Reading the presentations file of spec §5: what a good file becomes, and every problem of a
// bad one reported at its physical line.

/// 2026-10-28T12:00:00Z, a Wednesday (GMT): "now" for these tests.
private let now = Date(timeIntervalSince1970: 1_793_188_800)

private let header =
    "ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome\n"

private func read(_ text: String, mentors: [String] = ["M1", "M2", "Lead-7"])
    throws(PresentationImportFailure) -> [ImportedPresentation]
{
    try PresentationImport.read(
        text, file: "visits.csv", tags: .standard, localities: .standard, calendar: .london,
        now: now, mentorIDs: mentors)
}

/// The failure's lines, or [] when the file was accepted.
private func problems(_ text: String, mentors: [String] = ["M1", "M2", "Lead-7"]) -> [String] {
    do {
        _ = try read(text, mentors: mentors)
        return []
    } catch {
        return error.lines
    }
}

private func utc(_ seconds: Int) -> Date { Date(timeIntervalSince1970: TimeInterval(seconds)) }

@Suite("Presentations import")
struct PresentationImportTests {
    @Test func readsAGoodFileWithTheClockChange() throws {
        let rows = try read(
            header
                // Monday 19 October 09:00 BST = 08:00Z; a mentor given in lower case.
                + "R-1,2026-10-19T09:00,Blackpool,alcohol;Housing,m1,2026-10-19T09:10,"
                + "2026-10-19T09:35,2026-10-19T10:30,supported-discharged\n"
                // 00:50 BST on the 25th, seen at the second 01:20 (GMT): a real 90 minutes.
                + ",2026-10-25T00:50,fleetwood,\"alcohol, bereavement\",LEAD-7,"
                + "2026-10-25T01:05,2026-10-25T01:20:00+00:00,2026-10-25T02:00,admitted\n"
                // Still waiting, no mentor: only the arrival.
                + ",2026-10-25T23:30,blackpool,debt,,,,,\n"
                // Seen with no time of assignment recorded: allowed for history.
                + ",-2h,preston,debt,M2,,-1h,,\n")
        #expect(rows.count == 4)
        #expect(rows.map(\.line) == [2, 3, 4, 5])
        let first = rows[0].presentation
        #expect(first.ref == "R-1")
        #expect(first.locality == "blackpool")
        #expect(first.needs == ["alcohol", "housing"])
        #expect(first.mentorID == "M1")
        #expect(first.arrivedAt == utc(1_792_396_800))  // 2026-10-19T08:00:00Z
        #expect(first.waitSeconds == 35 * 60)
        #expect(first.outcome == .supportedDischarged)
        let night = rows[1].presentation
        #expect(night.ref == nil)
        #expect(night.needs == ["alcohol", "bereavement"])
        #expect(night.mentorID == "Lead-7")
        // 2026-10-24T23:50:00Z to 2026-10-25T01:20:00Z.
        #expect(night.arrivedAt == utc(1_792_885_800))
        #expect(night.waitSeconds == 90 * 60)
        #expect(night.closedAt == utc(1_792_893_600))  // 02:00 GMT = 02:00Z
        let waiting = rows[2].presentation
        #expect(waiting.arrivedAt == utc(1_792_971_000))  // 23:30 GMT = 23:30Z
        #expect(waiting.status == .waiting)
        let relative = rows[3].presentation
        #expect(relative.arrivedAt == now.addingTimeInterval(-7_200))
        #expect(relative.assignedAt == nil)
        #expect(relative.waitSeconds == 3_600)
    }

    @Test func reportsEveryProblemAtItsPhysicalLine() {
        let text =
            header
            // 2: fine.
            + "A,2026-10-19T09:00,blackpool,alcohol,M1,2026-10-19T09:10,2026-10-19T09:35,"
            + "2026-10-19T10:30,supported-discharged\n"
            // 3: seen before assigned.
            + "B,2026-10-19T09:00,blackpool,alcohol,M1,2026-10-19T09:30,2026-10-19T09:20,,\n"
            // 4: a quoted field over two physical lines (4 and 5); unknown locality.
            + "C,2026-10-19T09:00,blackpol,\"alcohol;\nhousing\",,,,,\n"
            // 6: blank line (skipped, still counted); 7: unknown tag and mentor.
            + "\n"
            + "D,2026-10-19T09:00,fleetwood,alcahol,M9,2026-10-19T09:05,,,\n"
            // 8: no arrival; seen without a mentor.
            + "E,,fleetwood,debt,,,2026-10-19T09:00,,\n"
            // 9: a time that is not one, and one in the future.
            + "F,19/10/2026 09:00,fleetwood,debt,,,,2026-11-30T09:00,left-before-seen\n"
            // 10: an outcome that needs the person seen; 11: one that needs them not seen.
            + "G,2026-10-19T09:00,fleetwood,debt,,,,2026-10-19T10:00,admitted\n"
            + "H,2026-10-19T09:00,fleetwood,debt,M2,,2026-10-19T09:30,2026-10-19T10:00,"
            + "left-before-seen\n"
            // 12: closed without an outcome; 13: an outcome without closed_at; 14: bad code.
            + "I,2026-10-19T09:00,fleetwood,debt,,,,2026-10-19T10:00,\n"
            + "J,2026-10-19T09:00,fleetwood,debt,,,,,no-mentor-available\n"
            + "K,2026-10-19T09:00,fleetwood,debt,,,,2026-10-19T10:00,left\n"
            // 15: the gap when the clocks go forward; 16: repeats line 2's ref and arrival.
            + "L,2026-03-29T01:30,fleetwood,debt,,,,,\n"
            + "A,2026-10-19T09:00,blackpool,alcohol,,,,,\n"
            // 17: an unquoted comma makes a tenth field; 18: no needs.
            + "M,2026-10-19T09:00,fleetwood,debt,,,,,,extra\n"
            + "N,2026-10-19T09:00,fleetwood,,,,,,\n"
        let lines = problems(text)
        let expected = [
            "visits.csv:3: seen_at: '2026-10-19T09:20' is before assigned_at '2026-10-19T09:30';"
                + " times go arrived_at ≤ assigned_at ≤ seen_at ≤ closed_at",
            "visits.csv:4: locality: unknown locality 'blackpol' (did you mean 'blackpool'?)"
                + " (see 'help localities')",
            "visits.csv:7: needs: unknown tag 'alcahol' (did you mean 'alcohol'?)"
                + " (see 'help tags')",
            "visits.csv:7: mentor_id: no mentor 'M9' in the database (did you mean 'M1'?);"
                + " add them first ('mentor add' or 'roster import')",
            "visits.csv:8: arrived_at: empty; every row needs the time the person was referred",
            "visits.csv:8: mentor_id: empty, but seen_at is given; name the mentor",
            "visits.csv:9: arrived_at: '19/10/2026 09:00' is not a time: use 2026-11-16T09:14,"
                + " 2026-11-16 09:14, 09:14, -15m or an ISO 8601 time with offset",
            "visits.csv:9: closed_at: '2026-11-30T09:00' is in the future",
            "visits.csv:10: outcome: 'admitted' needs the person to have been seen, but seen_at"
                + " is empty; use left-before-seen, no-mentor-available or declined-support",
            "visits.csv:11: outcome: 'left-before-seen' means the person was not seen, but"
                + " seen_at is given",
            "visits.csv:12: outcome: empty, but closed_at is given; a closed presentation needs"
                + " its outcome",
            "visits.csv:13: closed_at: empty, but the outcome is given; give the time it was"
                + " closed",
            "visits.csv:14: outcome: unknown outcome 'left' (did you mean 'left-before-seen'?);"
                + " use one of supported-discharged, admitted, referred-community, referred-cmht,"
                + " declined-support, left-before-seen, no-mentor-available",
            "visits.csv:15: arrived_at: '2026-03-29T01:30' does not exist in Europe/London (the"
                + " clocks go forward then)",
            "visits.csv:16: ref: the same ref arriving at the same time is already on line 2;"
                + " each referral is one row",
            "visits.csv:17: this row has 10 fields but the header has 9 (is there a comma that"
                + " should be in quotes?)",
            "visits.csv:18: needs: empty; give at least one tag, e.g. alcohol;housing",
        ]
        #expect(lines == expected)
        // Nothing personal in the messages: no ref is quoted.
        #expect(!lines.contains { $0.contains("'A'") || $0.contains("'C'") })
    }

    @Test func checksTheHeader() {
        #expect(
            problems("ref,arrived_at,locality,needs,mentor,assigned_at,seen_at,closed_at,outcome\n")
                == [
                    "visits.csv:1: missing required column 'mentor_id' (the header has 'mentor';"
                        + " is it misspelt?)",
                    "visits.csv:1: unknown column 'mentor'; a presentations file has exactly "
                        + "ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,"
                        + "outcome",
                ])
        #expect(problems("") == ["visits.csv:1: the file is empty; it needs a header row"])
        // Columns in another order, upper case, with a BOM and CRLF: fine.
        let reordered = try? read(
            "\u{FEFF}OUTCOME,Closed_At,seen_at,assigned_at,mentor_id,needs,locality,arrived_at,ref"
                + "\r\n,,,,,debt,kirkham,2026-10-20T10:00,\r\n")
        #expect(reordered?.first?.presentation.locality == "kirkham")
        #expect(reordered?.first?.line == 2)
    }

    @Test func anUnclosedQuoteIsReportedWhereItOpens() {
        #expect(
            problems(header + ",2026-10-19T09:00,blackpool,alcohol,,,,,\n\"x,2026-10-19T09:00\n")
                == [
                    "visits.csv:3: a quoted field opened on this line is never closed (a quote is"
                        + " missing)"
                ])
    }

    @Test func rowsAlreadyStoredAreFound() throws {
        let rows = try read(
            header + "R-1,2026-10-19T09:00,blackpool,alcohol,,,,,\n"
                + ",2026-10-19T09:00,blackpool,alcohol,,,,,\n"
                + "R-2,2026-10-19T09:00,blackpool,alcohol,,,,,\n")
        var stored = rows[0].presentation
        stored.number = 41
        let errors = PresentationImport.alreadyStored(rows, stored: [stored])
        #expect(
            errors.map { $0.formatted(file: "visits.csv") } == [
                "visits.csv:2: ref: already stored as P41 (same ref and arrived_at); was this file"
                    + " imported before?"
            ])
    }

    @Test func readsOneHundredThousandRowsQuickly() throws {
        var text = header
        for i in 0..<100_000 {
            let minute = i % 50
            text +=
                "R\(i),2026-10-19T09:\(minute < 10 ? "0" : "")\(minute),blackpool,"
                + "alcohol;debt,M1,2026-10-19T09:55,2026-10-19T10:00:05,2026-10-19T11:00,"
                + "supported-discharged\n"
        }
        let start = Date()
        let rows = try read(text)
        let seconds = Date().timeIntervalSince(start)
        #expect(rows.count == 100_000)
        // Generous: the check is that reading is not the slow part of an import.
        #expect(seconds < 30)
    }
}
