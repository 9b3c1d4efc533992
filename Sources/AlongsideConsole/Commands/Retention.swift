import AlongsideCore
import ArgumentParser
import Foundation

/// `retention --years N [--confirm]`: remove identifiers from old closed presentations.
struct Retention: ConsoleCommand {
    static let configuration = CommandConfiguration(
        abstract: "Remove personal identifiers from presentations closed more than N years ago.",
        discussion: """
            Clears the NHS number, local ref, age band and gender of every presentation closed \
            before the cut-off, and the free-text reasons of its declines. The times, locality, \
            needs, mentor and outcome stay, so every summary keeps its figures. The audit log \
            is untouched (it never held identifiers) and records the run. Without --confirm it \
            only counts.

            Examples:
              retention --years 8
              retention --years 8 --confirm
            """)
    static let requiredRole = Role.admin

    @Option(help: "Keep identifiers for this many years after closing (1 to 100).")
    var years: Int
    @Flag(help: "Remove them (without it, only count).")
    var confirm = false

    func execute(_ session: Session) throws -> String {
        guard (1...100).contains(years) else {
            throw CommandError.field("--years", "give a whole number of years from 1 to 100")
        }
        let today = session.calendar.localDate(session.now)
        guard let cutDate = LocalDate(year: today.year - years, month: today.month, day: min(today.day, 28))
        else { throw CommandError.field("--years", "cannot compute the cut-off") }
        let cutoff = session.calendar.startOfDay(cutDate)
        if !confirm {
            let n = try session.read { try $0.countIdentifiable(closedBefore: cutoff) }
            return "\(n) presentation(s) closed before \(cutDate) still hold identifiers; add --confirm to remove them."
        }
        let n = try session.write("retention") { try $0.removeIdentifiers(closedBefore: cutoff) }
        return "Removed identifiers from \(n) presentation(s) closed before \(cutDate)."
    }
}
