import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `retention [--years N] [--dry-run]`: remove identifiers from old closed presentations.
struct Retention: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Remove personal identifiers from presentations closed more than N years ago.",
        discussion: """
            With no --years it applies the retention_years setting (default 8), so it is safe \
            to run from cron. For every presentation closed before the cut-off (counted from \
            its close) and not on legal hold ('hold P --reason TEXT'), it clears the NHS \
            number, local ref, age band, gender, language and every free-text reason, from \
            the record and from the content of its audit entries; the chain still verifies, \
            because it covers digests of that content and the run's own entry vouches for \
            each erasure. The times, locality, needs, mentor and outcome stay, so every \
            summary keeps its figures. Entries written before this version keep their content \
            (their hash covers it). 'show P' says when P's identifiers go. --dry-run only \
            counts.

            Examples:
              retention
              retention --dry-run
              retention --years 10
            """)
    static let requiredRole = Role.admin

    @Option(
        help:
            "Keep identifiers this many years after closing (1 to 100; default retention_years)."
    )
    var years: Int?
    @Flag(help: "Only count what would be removed.")
    var dryRun = false
    @Flag(help: .hidden)
    var confirm = false

    func validate() throws {
        if let years, !(1...100).contains(years) {
            throw invalid("--years", "give a whole number of years from 1 to 100")
        }
    }

    func execute(_ session: Session) throws -> String {
        let years = self.years ?? session.config.retentionYears
        guard (1...100).contains(years) else {
            throw CommandError.field("--years", "give a whole number of years from 1 to 100")
        }
        let today = session.calendar.localDate(session.now)
        let cutDate = RetentionRule.cutoff(today: today, years: years)
        let cutoff = session.calendar.startOfDay(cutDate)
        if dryRun {
            let n = try session.read { try $0.countIdentifiable(closedBefore: cutoff) }
            return "\(n) presentation(s) closed before \(cutDate) still hold identifiers; "
                + "run 'retention' without --dry-run to remove them."
        }
        let run = try session.write("retention") { try $0.removeIdentifiers(closedBefore: cutoff) }
        var out =
            "Removed identifiers from \(run.presentations) presentation(s) closed before "
            + "\(cutDate), and erased them from \(Self.entries(run.entriesErased))."
        if run.entriesKept > 0 {
            out +=
                " \(Self.entries(run.entriesKept)) written before this version keep their content."
        }
        return out
    }

    /// `1 audit entry`, `3 audit entries`.
    static func entries(_ n: Int) -> String { "\(n) audit entr\(n == 1 ? "y" : "ies")" }
}
