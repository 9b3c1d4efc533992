// Reading and checking the roster files of spec §5 (`roster import`), and writing them
// (`roster export`). Pure: texts in, values out; the console reads and writes the files.

import Foundation

/// One problem in an import file, reported as `FILE:LINE: message`.
public struct RosterFileError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's name as the user gave it.
    public var file: String
    /// Physical line (1-based; the header is line 1).
    public var line: Int
    /// What is wrong and how to fix it; names the column first (`capacity: …`).
    public var message: String

    /// Makes an error.
    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `FILE:LINE: message`.
    public var description: String { "\(file):\(line): \(message)" }
}

/// Why an import was refused: every problem in both files, in file and line order.
public struct RosterRejection: Error, Equatable, Sendable {
    /// The problems.
    public var errors: [RosterFileError]
}

/// A mentor read from one row of the mentors file.
public struct MentorRow: Sendable, Equatable {
    /// The mentor as the row describes it (defaults for the columns the file lacks).
    public var mentor: Mentor
    /// The row's physical line.
    public var line: Int
}

/// A shift read from one row of the shifts file.
public struct ShiftRow: Sendable, Equatable {
    /// The shift (the mentor id as written in the file).
    public var shift: Shift
    /// The row's physical line.
    public var line: Int
}

/// What the files say, checked on their own (stage 1 of an import).
public struct RosterDraft: Sendable {
    /// The mentors file's name.
    public var mentorsFile: String
    /// The shifts file's name, if one was given.
    public var shiftsFile: String?
    /// The site's calendar the times were read in.
    public var calendar: SiteCalendar
    /// The mentor rows that passed every check.
    public var mentors: [MentorRow] = []
    /// The mentors-file columns present in the header (a stored mentor keeps the rest).
    public var mentorColumns: Set<String> = []
    /// Every mentor id written in the mentors file, lower-cased, even on a bad row.
    public var mentorIDsInFile: [String: String] = [:]
    /// The shift rows that passed every check.
    public var shifts: [ShiftRow] = []
    /// Every problem found, in file and line order.
    public var errors: [RosterFileError] = []
    /// Remarks that do not stop the import (ignored columns).
    public var notes: [String] = []
    /// Data rows read from both files.
    public var rowCount = 0

    /// From the first shift's start to the last one's end (nil without shifts), so the
    /// stored shifts that could clash can be fetched in one query.
    public var shiftSpan: TimeSpan? {
        guard let first = shifts.first else { return nil }
        var span = first.shift.span
        for row in shifts {
            span.start = min(span.start, row.shift.span.start)
            span.end = max(span.end, row.shift.span.end)
        }
        return span
    }
}

/// An import ready to write (stage 2 passed): what changes, in order.
public struct RosterPlan: Sendable {
    /// Mentors to add.
    public var newMentors: [Mentor] = []
    /// Mentors to change: the stored record and the new one.
    public var updatedMentors: [(before: Mentor, after: Mentor)] = []
    /// Mentors in the file whose stored record already says the same.
    public var unchangedMentors: [Mentor] = []
    /// Shifts to add (mentor ids as stored).
    public var shifts: [Shift] = []
    /// Shifts in the file that are already stored exactly (not added again).
    public var shiftsAlreadyStored = 0
    /// Warnings to show (a DBS recheck already past, ignored columns).
    public var warnings: [String] = []
}

/// The roster files of spec §5: reading them for `roster import` and writing them for
/// `roster export`.
public enum RosterFiles {
    /// The mentors file's columns, in the order `roster export` writes them.
    public static let mentorColumns = [
        "id", "name", "gender", "languages", "localities", "experience", "capacity",
        "dbs_recheck_due", "lead", "status", "phone",
    ]
    /// The shifts file's columns.
    public static let shiftColumns = ["mentor_id", "start", "end"]
    /// How often (in rows) `progress` is called.
    public static let progressInterval = 10_000

    // MARK: - Stage 1: the files on their own

    /// Reads and checks the files' texts on their own: columns, values, repeated ids,
    /// shifts that end before they start or overlap another in the file. Never throws;
    /// every problem is in `errors`.
    ///
    /// - Parameters:
    ///   - mentors: the mentors file's name (for messages) and text.
    ///   - shifts: the shifts file's name and text, if given.
    ///   - tags: the known tags.
    ///   - localities: the known localities.
    ///   - calendar: the site's calendar, for times without an offset.
    ///   - now: the current time (for `09:14` and `-2h` forms).
    ///   - progress: called with the rows read so far every `progressInterval` rows.
    public static func read(
        mentors: (name: String, text: String), shifts: (name: String, text: String)?,
        tags: TagCatalog, localities: LocalityCatalog, calendar: SiteCalendar, now: Date,
        progress: ((Int) -> Void)? = nil
    ) -> RosterDraft {
        var draft = RosterDraft(
            mentorsFile: mentors.name, shiftsFile: shifts?.name, calendar: calendar)
        readMentors(mentors.text, into: &draft, tags: tags, localities: localities, progress)
        if let shifts {
            readShifts(shifts.text, into: &draft, calendar: calendar, now: now, progress)
        }
        sortErrors(&draft.errors, draft: draft)
        return draft
    }

    // MARK: - Internals

    /// Rows of a table with a required set of columns; nil (and an error) when the text
    /// cannot be read as a table.
    static func table(
        _ text: String, file: String, required: [String], known: [String],
        into draft: inout RosterDraft
    ) -> CSVTable? {
        let table: CSVTable
        do {
            table = try CSV.parseTable(text)
            try table.requireColumns(required)
        } catch {
            draft.errors.append(
                RosterFileError(file: file, line: error.line, message: error.message))
            return nil
        }
        for name in table.header where !name.isEmpty && !known.contains(name) {
            if let near = Suggestion.nearest(name, in: known), table.column(near) == nil {
                draft.errors.append(
                    RosterFileError(
                        file: file, line: table.headerLine,
                        message: "unknown column '\(name)' (did you mean '\(near)'?); "
                            + "the columns are \(known.joined(separator: ","))"))
            } else {
                draft.notes.append("\(file): column '\(name)' is not one Alongside reads; ignored")
            }
        }
        for e in table.widthErrors() {
            draft.errors.append(RosterFileError(file: file, line: e.line, message: e.message))
        }
        return table
    }

    static func readMentors(
        _ text: String, into draft: inout RosterDraft, tags: TagCatalog,
        localities: LocalityCatalog, _ progress: ((Int) -> Void)?
    ) {
        let file = draft.mentorsFile
        guard
            let table = table(
                text, file: file, required: ["id", "name"], known: mentorColumns, into: &draft)
        else { return }
        draft.mentorColumns = Set(mentorColumns.filter { table.column($0) != nil })
        var firstLine: [String: Int] = [:]
        for row in table.rows {
            draft.rowCount += 1
            if draft.rowCount % progressInterval == 0 { progress?(draft.rowCount) }
            var problems: [String] = []
            let value = { (column: String) in CSV.trimmed(table.value(row, column)) }

            let id = value("id")
            if id.isEmpty {
                problems.append("id: is empty; every mentor needs an id (letters, digits, '-')")
            } else if let problem = Identifiers.mentorIDProblem(id) {
                problems.append("id: \(problem)")
            } else if let earlier = firstLine[id.lowercased()] {
                problems.append(
                    "id: '\(id)' repeats the mentor at line \(earlier); give each mentor one row")
            } else {
                firstLine[id.lowercased()] = row.line
                draft.mentorIDsInFile[id.lowercased()] = id
            }
            var m = Mentor(id: id, name: "")

            let name = value("name")
            if let problem = MentorRules.nameProblem(name) { problems.append("name: \(problem)") }
            m.name = name

            let gender = value("gender")
            if let problem = MentorRules.shortTextProblem(gender) {
                problems.append("gender: \(problem)")
            }
            m.gender = gender.isEmpty ? nil : gender.lowercased()

            let languages = CSV.splitList(value("languages")).map { $0.lowercased() }
            if let bad = languages.first(where: { MentorRules.shortTextProblem($0) != nil }) {
                problems.append("languages: '\(bad)' \(MentorRules.shortTextProblem(bad)!)")
            }
            m.languages = unique(languages)

            m.localities = checkList(
                value("localities"), column: "localities", what: "locality", known: localities.ids,
                problems: &problems)
            m.experience = checkList(
                value("experience"), column: "experience", what: "tag", known: tags.ids,
                problems: &problems)

            let capacity = value("capacity")
            if !capacity.isEmpty {
                switch MentorRules.capacity(capacity) {
                case .success(let k): m.capacity = k
                case .failure(let problem): problems.append("capacity: \(problem)")
                }
            }

            let due = value("dbs_recheck_due")
            if !due.isEmpty {
                if let date = LocalDate(due) {
                    m.dbsRecheckDue = date
                } else {
                    problems.append("dbs_recheck_due: \(dateProblem(due))")
                }
            }

            if let lead = MentorRules.yesNo(value("lead")) {
                m.lead = lead
            } else {
                problems.append("lead: '\(value("lead"))' is not yes or no (or true or false)")
            }

            let status = value("status").lowercased()
            if status.isEmpty {
                m.status = .active
            } else if let s = MentorStatus(rawValue: status) {
                m.status = s
            } else {
                let names = MentorStatus.allCases.map(\.rawValue)
                problems.append(
                    "status: '\(status)' is not active, paused or retired"
                        + Suggestion.didYouMean(status, in: names))
            }

            let phone = value("phone")
            if !phone.isEmpty {
                if let problem = Mentor.phoneProblem(phone) {
                    problems.append("phone: \(problem)")
                } else {
                    m.phone = phone
                }
            }

            if problems.isEmpty {
                draft.mentors.append(MentorRow(mentor: m, line: row.line))
            } else {
                for p in problems {
                    draft.errors.append(RosterFileError(file: file, line: row.line, message: p))
                }
            }
        }
    }

    static func readShifts(
        _ text: String, into draft: inout RosterDraft, calendar: SiteCalendar, now: Date,
        _ progress: ((Int) -> Void)?
    ) {
        guard let file = draft.shiftsFile,
            let table = table(
                text, file: file, required: shiftColumns, known: shiftColumns, into: &draft)
        else { return }
        var rows: [ShiftRow] = []
        for row in table.rows {
            draft.rowCount += 1
            if draft.rowCount % progressInterval == 0 { progress?(draft.rowCount) }
            var problems: [String] = []
            let id = CSV.trimmed(table.value(row, "mentor_id"))
            if id.isEmpty { problems.append("mentor_id: is empty; give the mentor's id") }
            func time(_ column: String) -> Date? {
                let text = CSV.trimmed(table.value(row, column))
                if text.isEmpty {
                    problems.append("\(column): is empty; give a time like 2026-11-16T09:00")
                    return nil
                }
                do { return try calendar.parseTime(text, now: now) } catch {
                    problems.append("\(column): \(error.description)")
                    return nil
                }
            }
            let start = time("start")
            let end = time("end")
            if let start, let end {
                if end <= start {
                    problems.append(
                        "end: \(calendar.shortString(end)) is not after the start "
                            + "\(calendar.shortString(start)); for a night shift give the next "
                            + "day's date")
                } else if let problem = Shift.lengthProblem(
                    TimeSpan(start: start, end: end), calendar: calendar)
                {
                    problems.append("end: \(problem)")
                }
            }
            if problems.isEmpty, let start, let end {
                rows.append(
                    ShiftRow(
                        shift: Shift(mentorID: id, span: TimeSpan(start: start, end: end)),
                        line: row.line))
            } else {
                for p in problems {
                    draft.errors.append(RosterFileError(file: file, line: row.line, message: p))
                }
            }
        }

        // Overlaps inside the file, one mentor at a time, reported at the later row.
        var byMentor: [String: [Int]] = [:]
        for (i, r) in rows.enumerated() {
            byMentor[r.shift.mentorID.lowercased(), default: []].append(i)
        }
        var bad = Set<Int>()
        for (_, indexes) in byMentor where indexes.count > 1 {
            let ordered = indexes.sorted { a, b in
                let x = rows[a]
                let y = rows[b]
                return (x.shift.span.start, x.line) < (y.shift.span.start, y.line)
            }
            var latest = ordered[0]  // the row whose end reaches furthest so far
            for i in ordered.dropFirst() {
                let here = rows[i]
                let there = rows[latest]
                if here.shift.span.start < there.shift.span.end {
                    let (earlier, later) = here.line < there.line ? (here, there) : (there, here)
                    let what = earlier.shift.span == later.shift.span ? "repeats" : "overlaps"
                    draft.errors.append(
                        RosterFileError(
                            file: file, line: later.line,
                            message: "\(what) \(later.shift.mentorID)'s shift at line "
                                + "\(earlier.line) (\(describe(earlier.shift.span, calendar)))"
                                + "; a mentor's shifts may not overlap"))
                    bad.insert(here.line < there.line ? latest : i)
                }
                if here.shift.span.end > there.shift.span.end { latest = i }
            }
        }
        draft.shifts = rows.enumerated().filter { !bad.contains($0.offset) }.map(\.element)
    }

    /// Column values from a stored mentor where the file lacks the column.
    static func merge(_ row: Mentor, onto stored: Mentor, columns: Set<String>) -> Mentor {
        var m = stored
        if columns.contains("name") { m.name = row.name }
        if columns.contains("gender") { m.gender = row.gender }
        if columns.contains("languages") { m.languages = row.languages }
        if columns.contains("localities") { m.localities = row.localities }
        if columns.contains("experience") { m.experience = row.experience }
        if columns.contains("capacity") { m.capacity = row.capacity }
        if columns.contains("dbs_recheck_due") { m.dbsRecheckDue = row.dbsRecheckDue }
        if columns.contains("lead") { m.lead = row.lead }
        if columns.contains("status") { m.status = row.status }
        if columns.contains("phone") { m.phone = row.phone }
        return m
    }

    /// Checks a `;` list of catalogue ids, adding one problem per unknown id.
    static func checkList(
        _ text: String, column: String, what: String, known: [String], problems: inout [String]
    ) -> [String] {
        var result: [String] = []
        for item in CSV.splitList(text) {
            let id = item.lowercased()
            if known.contains(id) {
                result.append(id)
                continue
            }
            var message = "\(column): unknown \(what) '\(item)'"
            if id.contains(",") {
                message += "; separate the items of a list with ';'"
            } else if Suggestion.nearest(id, in: known) != nil {
                message += Suggestion.didYouMean(id, in: known)
            } else {
                message += " (see 'help \(what == "tag" ? "tags" : "localities")' for the list)"
            }
            problems.append(message)
        }
        return unique(result)
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }

    /// Why free text is refused, or nil.
    /// Why a date field is refused, with a hint for the forms spreadsheets write.
    static func dateProblem(_ text: String) -> String {
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." || $0 == "-" })
        if parts.count == 3, parts[2].count == 4, parts.allSatisfy({ Int($0) != nil }) {
            return "'\(text)' is not a date in the form YYYY-MM-DD (for 31/12/2026 write "
                + "2026-12-31; format the column as yyyy-mm-dd in the spreadsheet)"
        }
        return "'\(text)' is not a real date in the form YYYY-MM-DD, e.g. 2027-06-30"
    }

    /// `Mon 2026-11-16 09:00 – 17:00` (the end's date only when it differs).
    static func describe(_ span: TimeSpan, _ calendar: SiteCalendar) -> String {
        let s = calendar.localDateTime(span.start)
        let e = calendar.localDateTime(span.end)
        let endText =
            s.date == e.date ? calendar.timeString(span.end) : calendar.shortString(span.end)
        return "\(s.date.weekdayName) \(calendar.shortString(span.start)) – \(endText)"
    }

    /// Orders errors by file (mentors first), then line.
    static func sortErrors(_ errors: inout [RosterFileError], draft: RosterDraft) {
        let indexed = errors.enumerated().sorted { a, b in
            let fa = a.element.file == draft.mentorsFile ? 0 : 1
            let fb = b.element.file == draft.mentorsFile ? 0 : 1
            return (fa, a.element.line, a.offset) < (fb, b.element.line, b.offset)
        }
        errors = indexed.map(\.element)
    }
}
