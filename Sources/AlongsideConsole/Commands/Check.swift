import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `check`.
struct Check: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the database's integrity and the audit log's chain.")
    static let requiredRole = Role.admin

    func execute(_ session: Session) throws -> String {
        let problems = try session.store.check() + session.read { tx in try Self.weekFigureProblems(tx, calendar: session.calendar) }
        if problems.isEmpty { return "ok: database integrity and audit chain verified." }
        throw CommandError("check found problems:\n  " + problems.joined(separator: "\n  "))
    }

    /// Every week's figures the store keeps for the trend, computed again from the
    /// presentations: kept figures that differ were changed behind the console's back (the
    /// triggers drop them on every change a console makes).
    static func weekFigureProblems(_ tx: any StoreReading, calendar: SiteCalendar) throws
        -> [String]
    {
        try tx.allKeptWeekFigures().compactMap { kept in
            let site = WeekFigureScope.site(ofKey: kept.scope)
            var tally = WeekFigures.Tally(spans: [kept.span])
            try tx.tallyArrivals(into: &tally, site: site)
            // Stored waits that cannot be read back (nil) differ from any count.
            guard tally.figures.first != kept.figures else { return nil }
            let scope = site.map { "site \($0)" } ?? "all sites"
            return "week_figures: the trend's figures kept for \(calendar.week(of: kept.span.start)) "
                + "(\(scope)) differ from its presentations: changed outside the console"
        }
    }
}
