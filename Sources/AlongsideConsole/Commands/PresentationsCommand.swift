import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `presentations import`.
struct PresentationsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presentations",
        abstract: "Historic presentations: load them from a CSV file.",
        subcommands: [PresentationsImport.self])
}

struct PresentationsImport: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Load historic presentations from a CSV file, all or nothing.",
        discussion: """
            The file has the header \
            ref,arrived_at,locality,needs,mentor_id,assigned_at,seen_at,closed_at,outcome \
            with an empty field where a step did not happen; needs are separated by ';'; times \
            as in 'help times'. The rows record what happened, so the availability rules are \
            not applied, but the times must be in order (arrived ≤ assigned ≤ seen ≤ closed) \
            and not in the future, the mentors must be on the roster, and the outcome must fit \
            (help outcomes). A row that is not closed must have arrived within the last 24 \
            hours (give an older one its outcome), and open rows may not take a mentor past \
            their capacity, counting the people they hold now. Any bad row rejects the whole file with every problem listed as \
            FILE:LINE: message, and nothing is written. The rows are filed under this \
            console's site (spec §9: 'alongside --site', else the site setting).

            Example:
              presentations import 2025-referrals.csv
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The CSV file.")
    var file: String

    func execute(_ session: Session) throws -> String {
        // The history is one site's: the console's (never `all`).
        let site = try SiteOption.registrationSite(nil, session)
        let text = try TextFiles.read(file, field: "FILE")
        let progress = Progress()
        let mentorIDs = try session.read { try $0.mentors().map(\.id) }
        let rows: [ImportedPresentation]
        do {
            rows = try PresentationImport.read(
                text, file: file, tags: session.tags, localities: session.localities,
                calendar: session.calendar, now: session.now, mentorIDs: mentorIDs,
                progress: progress.map { p in { done, total in p.show("checking", done, total) } })
        } catch {
            progress?.clear()
            throw Self.rejection(error)
        }
        guard let first = rows.first else {
            progress?.clear()
            return "\(file) has no rows after the header; nothing imported."
        }
        let earliest = rows.map(\.presentation.arrivedAt).min() ?? first.presentation.arrivedAt
        let latest = rows.map(\.presentation.arrivedAt).max() ?? first.presentation.arrivedAt
        let numbers: [Int]
        do {
            numbers = try session.write("presentations import") { tx in
                // A ref is the site's own: a repeat is a row this site already holds.
                let stored = SiteScope.site(site).filter(
                    try tx.presentationTimes(
                        arrivedIn: TimeSpan(start: earliest, end: latest.addingTimeInterval(1))))
                let repeats = PresentationImport.alreadyStored(rows, stored: stored)
                // Open rows never take a mentor past capacity (spec §5), read in the same
                // transaction as the write so another console cannot overbook meanwhile.
                let capacities = Dictionary(
                    try tx.mentors().map { ($0.id.lowercased(), $0.capacity) },
                    uniquingKeysWith: { a, _ in a })
                let over = PresentationImport.openRowProblems(
                    rows, now: session.now, capacities: capacities, caseloads: try tx.caseloads())
                if !repeats.isEmpty || !over.isEmpty {
                    throw PresentationImportFailure(
                        file: file, errors: (repeats + over).sorted { $0.line < $1.line })
                }
                // One prepared statement and one audit entry for the whole file (the
                // entry names the range of ids given), so 100,000 rows take seconds.
                progress?.show("writing", 0, rows.count)
                let filed = rows.map { row -> Presentation in
                    var p = row.presentation
                    p.site = site
                    return p
                }
                guard let range = try tx.insertPresentations(filed) else {
                    return []
                }
                progress?.show("committing", rows.count, rows.count)
                return Array(range)
            }
        } catch let error as PresentationImportFailure {
            progress?.clear()
            throw Self.rejection(error)
        } catch {
            progress?.clear()
            throw error
        }
        progress?.clear()
        let open = rows.filter { $0.presentation.closedAt == nil }.count
        let range =
            numbers.count == 1
            ? PresentationID.format(numbers[0])
            : "\(PresentationID.format(numbers.min()!))–\(PresentationID.format(numbers.max()!))"
        let cal = session.calendar
        var out =
            "Imported \(TextFiles.grouped(rows.count)) presentation\(rows.count == 1 ? "" : "s") "
            + "from \(file) as \(range), arriving \(cal.shortString(earliest)) to "
            + "\(cal.shortString(latest))."
        if open > 0 {
            out +=
                " \(TextFiles.grouped(open)) \(open == 1 ? "is" : "are") not closed, so "
                + "\(open == 1 ? "it waits" : "they wait") in the queue until closed."
        }
        return out
    }

    /// The refusal: every problem on its own line as `FILE:LINE: message`, then a summary.
    static func rejection(_ failure: PresentationImportFailure) -> CommandError {
        let count = failure.errors.count
        let rowsHit = Set(failure.errors.map(\.line)).count
        return CommandError(
            failure.lines.joined(separator: "\n") + "\nnothing imported: \(TextFiles.grouped(count)) "
                + "problem\(count == 1 ? "" : "s") on \(TextFiles.grouped(rowsHit)) "
                + "line\(rowsHit == 1 ? "" : "s") of \(failure.file); fix them and run the "
                + "import again")
    }


    /// Progress on standard error, only when it is a terminal: one line, rewritten.
    final class Progress {
        private var last = Date.distantPast
        private var shown = false

        /// Nil unless standard error is a terminal.
        init?() {
            guard isatty(STDERR_FILENO) == 1 else { return nil }
        }

        func show(_ step: String, _ done: Int, _ total: Int) {
            let now = Date()
            guard done == total || now.timeIntervalSince(last) >= 0.1 else { return }
            last = now
            shown = true
            let percent = total == 0 ? 100 : done * 100 / total
            Output.err(
                "\r\u{1B}[Kpresentations import: \(step) \(TextFiles.grouped(done)) of \(TextFiles.grouped(total)) "
                    + "rows (\(percent)%)…")
        }

        func clear() {
            if shown { Output.err("\r\u{1B}[K") }
            shown = false
        }
    }
}
