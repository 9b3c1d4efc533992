// Reading and checking a presentations file of spec §5 (`presentations import`). Pure: the
// text, the catalogues, the clock and the known mentor ids come in; presentations or every
// problem with its line come out. The console reads the file and writes the rows.

import Foundation

/// One presentation read from a row of a presentations file.
public struct ImportedPresentation: Sendable, Equatable {
    /// The presentation as the row records it (number 0: not stored yet).
    public var presentation: Presentation
    /// The physical line the row starts on.
    public var line: Int
}

/// Why a presentations file was refused: every problem, in line order.
public struct PresentationImportFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file's name as the user gave it.
    public var file: String
    /// The problems; each names its column first (`seen_at: …`).
    public var errors: [CSVError]

    /// Makes a failure.
    public init(file: String, errors: [CSVError]) {
        self.file = file
        self.errors = errors
    }

    /// Every problem as `FILE:LINE: message`, in line order.
    public var lines: [String] { errors.map { $0.formatted(file: file) } }

    /// The problems, one `FILE:LINE: message` a line.
    public var description: String { lines.joined(separator: "\n") }
}

/// The presentations file of spec §5:
/// `ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome`.
///
/// Historic rows record what happened, so the availability rules of spec §3 are not applied;
/// what is checked is that each row could have happened:
/// - every column is in the header (in any order; no others);
/// - `arrived_at` is given; every time parses as in spec §1 (relative forms against `now`)
///   and none is in the future;
/// - times are in order, arrived ≤ assigned ≤ seen ≤ closed, over the steps given (a step may
///   be missing: a mentor may be recorded as having seen someone with no time of assignment);
/// - `locality` and every `needs` tag (`;`-separated) are known;
/// - `mentor_id`, when given, is a mentor in the database; it is needed when `assigned_at` or
///   `seen_at` is given;
/// - `outcome`, when given, is a known code; `closed_at` is given exactly when `outcome` is;
///   `supported-discharged`, `admitted`, `referred-community` and `referred-cmht` need
///   `seen_at`; `left-before-seen` and `no-mentor-available` need it empty;
/// - no row repeats an earlier row's `ref` and `arrived_at` (the same referral twice).
public enum PresentationImport {
    /// The columns, in the spec's order.
    public static let columns = [
        "ref", "arrived_at", "locality", "needs", "mentor_id", "assigned_at", "seen_at",
        "closed_at", "outcome",
    ]

    /// The longest local reference accepted.
    public static let maxRefLength = 64

    /// Reads and checks a presentations file.
    /// - Parameters:
    ///   - text: the file's text (UTF-8, BOM allowed).
    ///   - file: the file's name, for messages.
    ///   - tags: the known needs.
    ///   - localities: the known localities.
    ///   - calendar: the site calendar times are read in.
    ///   - now: the current time (relative times, and nothing may be later).
    ///   - mentorIDs: the mentors in the database (matched without regard to case; the rows
    ///     get the stored spelling).
    ///   - progress: called now and then with the rows checked so far and the total.
    /// - Returns: the rows, in file order.
    /// - Throws: every problem found, when there is any; then nothing should be written.
    public static func read(
        _ text: String, file: String, tags: TagCatalog, localities: LocalityCatalog,
        calendar: SiteCalendar, now: Date, mentorIDs: [String],
        progress: ((_ done: Int, _ total: Int) -> Void)? = nil
    ) throws(PresentationImportFailure) -> [ImportedPresentation] {
        let table: CSVTable
        do { table = try CSV.parseTable(text) } catch {
            throw PresentationImportFailure(file: file, errors: [error])
        }
        var headerErrors: [CSVError] = []
        do { try table.requireColumns(columns) } catch { headerErrors.append(error) }
        let unknown = table.header.filter { !$0.isEmpty && !columns.contains($0) }
        if !unknown.isEmpty {
            let noun = unknown.count == 1 ? "column" : "columns"
            headerErrors.append(
                CSVError(
                    line: table.headerLine,
                    message: "unknown \(noun) \(unknown.map { "'\($0)'" }.joined(separator: ", "))"
                        + "; a presentations file has exactly "
                        + columns.joined(separator: ",")))
        }
        guard headerErrors.isEmpty else {
            throw PresentationImportFailure(file: file, errors: headerErrors)
        }

        var checker = RowChecker(
            table: table, tags: tags, localities: localities, calendar: calendar, now: now,
            mentorIDs: mentorIDs)
        var errors = table.widthErrors()
        let badWidth = Set(errors.map(\.line))
        var result: [ImportedPresentation] = []
        result.reserveCapacity(table.rows.count)
        var firstLine: [RowKey: Int] = [:]
        let total = table.rows.count
        for (index, row) in table.rows.enumerated() {
            if let progress, index % 5_000 == 0, index > 0 { progress(index, total) }
            guard !badWidth.contains(row.line) else { continue }
            guard let p = checker.check(row, errors: &errors) else { continue }
            if let ref = p.ref {
                let key = RowKey(ref: ref, arrivedAt: p.arrivedAt)
                if let earlier = firstLine[key] {
                    errors.append(
                        CSVError(
                            line: row.line,
                            message: "ref: the same ref arriving at the same time is already on "
                                + "line \(earlier); each referral is one row"))
                    continue
                }
                firstLine[key] = row.line
            }
            result.append(ImportedPresentation(presentation: p, line: row.line))
        }
        progress?(total, total)
        guard errors.isEmpty else {
            // Width errors come first; order by line, keeping each line's own order.
            let ordered = errors.enumerated().sorted {
                ($0.element.line, $0.offset) < ($1.element.line, $1.offset)
            }
            throw PresentationImportFailure(file: file, errors: ordered.map(\.element))
        }
        return result
    }

    /// How long before now an open (not closed) row may have arrived (spec §5: 24 hours).
    public static let openRowWindow: TimeInterval = 24 * 3600

    /// The open (not closed) rows the live queue cannot take (spec §5): one that arrived
    /// more than 24 hours before `now`, and each row, from the first that does not fit, that
    /// would take a mentor past their capacity, counting the mentor's current caseload.
    /// - Parameters:
    ///   - capacities: each mentor's capacity, by id in lower case.
    ///   - caseloads: each mentor's open presentations now, by id in lower case.
    public static func openRowProblems(
        _ rows: [ImportedPresentation], now: Date, capacities: [String: Int],
        caseloads: [String: Int]
    ) -> [CSVError] {
        var taken: [String: Int] = [:]
        var errors: [CSVError] = []
        for row in rows where row.presentation.closedAt == nil {
            if row.presentation.arrivedAt < now.addingTimeInterval(-openRowWindow) {
                errors.append(
                    CSVError(
                        line: row.line,
                        message: "closed_at: the row is not closed and arrived more than 24 "
                            + "hours ago; give it its outcome (closed_at and outcome), since "
                            + "only a row of the last 24 hours may join the live queue"))
                continue
            }
            guard let mentor = row.presentation.mentorID else { continue }
            let key = mentor.lowercased()
            let capacity = capacities[key] ?? 0
            let now = caseloads[key] ?? 0
            taken[key, default: 0] += 1
            let total = now + taken[key]!
            if total > capacity {
                errors.append(
                    CSVError(
                        line: row.line,
                        message: "mentor_id: \(mentor) would hold \(total) open people against a "
                            + "capacity of \(capacity) (\(now) open now); close the row or give "
                            + "it no mentor"))
            }
        }
        return errors
    }

    /// The rows that are already stored: same `ref` and same `arrived_at` as a stored
    /// presentation (the file, or part of it, was imported before). Rows without a ref are
    /// never taken for repeats.
    /// - Parameters:
    ///   - rows: the rows read from the file.
    ///   - stored: the stored presentations that arrived in the rows' time range.
    /// - Returns: one error per repeated row, in line order.
    public static func alreadyStored(
        _ rows: [ImportedPresentation], stored: [Presentation]
    ) -> [CSVError] {
        var known: [RowKey: Int] = [:]
        for p in stored {
            guard let ref = p.ref, !ref.isEmpty else { continue }
            known[RowKey(ref: ref, arrivedAt: p.arrivedAt)] = p.number
        }
        guard !known.isEmpty else { return [] }
        return rows.compactMap { row in
            guard let ref = row.presentation.ref,
                let number = known[RowKey(ref: ref, arrivedAt: row.presentation.arrivedAt)]
            else { return nil }
            return CSVError(
                line: row.line,
                message: "ref: already stored as \(PresentationID.format(number)) (same ref and "
                    + "arrived_at); was this file imported before?")
        }
    }

    /// A referral's identity within a file: its local ref and arrival.
    struct RowKey: Hashable {
        var ref: String
        var arrivedAt: Date
    }
}

/// Checks one row at a time, remembering suggestions so a repeated mistake costs little.
private struct RowChecker {
    let calendar: SiteCalendar
    let now: Date
    let tags: TagCatalog
    let localities: LocalityCatalog
    /// Lower-cased id → stored id.
    let mentors: [String: String]
    let mentorList: [String]
    let index: [String: Int]
    var suggestions: [String: String] = [:]

    init(
        table: CSVTable, tags: TagCatalog, localities: LocalityCatalog, calendar: SiteCalendar,
        now: Date, mentorIDs: [String]
    ) {
        self.calendar = calendar
        self.now = now
        self.tags = tags
        self.localities = localities
        var mentors: [String: String] = [:]
        for id in mentorIDs where mentors[id.lowercased()] == nil { mentors[id.lowercased()] = id }
        self.mentors = mentors
        self.mentorList = mentorIDs
        var index: [String: Int] = [:]
        for name in PresentationImport.columns { index[name] = table.column(name) }
        self.index = index
    }

    /// A field, trimmed ("" when the row is short).
    func field(_ row: CSVRecord, _ name: String) -> String {
        guard let i = index[name], i < row.fields.count else { return "" }
        let raw = row.fields[i]
        guard let first = raw.unicodeScalars.first, let last = raw.unicodeScalars.last,
            first.properties.isWhitespace || last.properties.isWhitespace
        else { return raw }
        return raw.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// " (did you mean 'x'?)", cached per word and list.
    mutating func didYouMean(_ word: String, in list: String, _ candidates: [String]) -> String {
        let key = list + "\u{0}" + word
        if let known = suggestions[key] { return known }
        let text = Suggestion.didYouMean(word, in: candidates)
        suggestions[key] = text
        return text
    }

    /// The presentation the row describes, or nil after adding its problems to `errors`.
    mutating func check(_ row: CSVRecord, errors: inout [CSVError]) -> Presentation? {
        let line = row.line
        let before = errors.count
        func fail(_ column: String, _ message: String) {
            errors.append(CSVError(line: line, message: "\(column): \(message)"))
        }

        let ref = field(row, "ref")
        // The one rule for stored text, as `register --ref` applies it.
        if let problem = StoredText.problem(ref, max: PresentationImport.maxRefLength) {
            fail("ref", problem)
        }

        // Times: parsed, not in the future, then in order over the steps given.
        var times: [(column: String, text: String, at: Date)] = []
        var timesOK = true
        func time(_ column: String) -> Date? {
            let text = field(row, column)
            guard !text.isEmpty else { return nil }
            do {
                let at = try calendar.parseTime(text, now: now)
                if at > now {
                    fail(column, "'\(text)' is in the future")
                    timesOK = false
                }
                times.append((column, text, at))
                return at
            } catch {
                fail(column, error.description)
                timesOK = false
                return nil
            }
        }
        let arrivedText = field(row, "arrived_at")
        let arrivedAt = time("arrived_at")
        if arrivedText.isEmpty {
            fail("arrived_at", "empty; every row needs the time the person was referred")
        }
        let assignedAt = time("assigned_at")
        let seenAt = time("seen_at")
        let closedAt = time("closed_at")
        if timesOK {
            for i in times.indices.dropFirst() where times[i].at < times[i - 1].at {
                fail(
                    times[i].column,
                    "'\(times[i].text)' is before \(times[i - 1].column) '\(times[i - 1].text)'; "
                        + "times go arrived_at ≤ assigned_at ≤ seen_at ≤ closed_at")
            }
        }

        let localityText = field(row, "locality").lowercased()
        if localityText.isEmpty {
            fail("locality", "empty; give the locality id, e.g. blackpool")
        } else if localities.locality(localityText) == nil {
            fail(
                "locality",
                "unknown locality '\(localityText)'"
                    + didYouMean(localityText, in: "locality", localities.ids)
                    + " (see 'help localities')")
        }

        var needs: [String] = []
        let needsText = field(row, "needs")
        for item in CSV.splitList(needsText.replacingOccurrences(of: ",", with: ";")) {
            let tag = item.lowercased()
            if tags.tag(tag) == nil {
                fail(
                    "needs",
                    "unknown tag '\(tag)'" + didYouMean(tag, in: "tag", tags.ids)
                        + " (see 'help tags')")
            } else if !needs.contains(tag) {
                needs.append(tag)
            }
        }
        if needsText.trimmingCharacters(in: .whitespaces).isEmpty {
            fail("needs", "empty; give at least one tag, e.g. alcohol;housing")
        }

        var mentorID: String?
        let mentorText = field(row, "mentor_id")
        if !mentorText.isEmpty {
            if let stored = mentors[mentorText.lowercased()] {
                mentorID = stored
            } else {
                fail(
                    "mentor_id",
                    "no mentor '\(mentorText)' in the database"
                        + didYouMean(mentorText, in: "mentor", mentorList)
                        + "; add them first ('mentor add' or 'roster import')")
            }
        } else if assignedAt != nil || seenAt != nil {
            let step = assignedAt != nil ? "assigned_at" : "seen_at"
            fail("mentor_id", "empty, but \(step) is given; name the mentor")
        }

        var outcome: Outcome?
        let outcomeText = field(row, "outcome").lowercased()
        if !outcomeText.isEmpty {
            if let code = Outcome(rawValue: outcomeText) {
                outcome = code
            } else {
                let codes = Outcome.allCases.map(\.rawValue)
                fail(
                    "outcome",
                    "unknown outcome '\(outcomeText)'"
                        + didYouMean(outcomeText, in: "outcome", codes)
                        + "; use one of \(codes.joined(separator: ", "))")
            }
        }
        let closedGiven = !field(row, "closed_at").isEmpty
        if closedGiven && outcomeText.isEmpty {
            fail(
                "outcome", "empty, but closed_at is given; a closed presentation needs its outcome")
        }
        if !closedGiven && !outcomeText.isEmpty {
            fail("closed_at", "empty, but the outcome is given; give the time it was closed")
        }
        let seenGiven = !field(row, "seen_at").isEmpty
        if let outcome {
            if outcome.needsSeen && !seenGiven {
                fail(
                    "outcome",
                    "'\(outcome.rawValue)' needs the person to have been seen, but seen_at is "
                        + "empty; use left-before-seen, no-mentor-available or declined-support")
            }
            if outcome.needsNotSeen && seenGiven {
                fail(
                    "outcome",
                    "'\(outcome.rawValue)' means the person was not seen, but seen_at is given")
            }
        }

        guard errors.count == before, let arrivedAt else { return nil }
        return Presentation(
            ref: ref.isEmpty ? nil : ref.uppercased(), locality: localityText, needs: needs,
            arrivedAt: arrivedAt, mentorID: mentorID, assignedAt: assignedAt, seenAt: seenAt,
            closedAt: closedAt, outcome: outcome)
    }
}
