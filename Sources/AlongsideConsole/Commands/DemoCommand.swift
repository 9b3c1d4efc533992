import AlongsideCore
import ArgumentParser
import Foundation

/// `demo generate`: fill an empty database with a synthetic roster and history.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Synthetic data for demonstrations and benchmarks.",
        subcommands: [DemoGenerate.self])
}

struct DemoGenerate: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Fill an empty database with a synthetic roster and history (same seed, same data).",
        discussion: """
            Makes mentors M1…MN with tags and localities from the site's catalogues, weekly \
            day, evening, night and weekend shifts from a few weeks back to two weeks ahead \
            (with mentors on shift now), some leave, DBS rechecks falling due within 60, 30 \
            and 7 days and a few overdue; and W weeks of presentations up to now, about K a \
            day (more in the evening and at weekends), with realistic waits and outcomes and \
            a few people still waiting. Every person is invented. Runs only on a database \
            with no mentors and no presentations, so it never mixes with real records.

            Examples:
              alongside --db demo.sqlite -c "demo generate"
              alongside --db big.sqlite -c "demo generate --mentors 5000 --weeks 286 --per-day 500 --seed 7"
            """)
    static let requiredRole = Role.admin

    @Option(help: "How many mentors (1 to 100000).")
    var mentors: Int = 24
    @Option(help: "Weeks of history before now (0 to 1000).")
    var weeks: Int = 8
    @Option(help: "Presentations a day on average (0 to 100000).")
    var perDay: Int = 30
    @Option(help: "The seed: the same seed at the same time gives the same data.")
    var seed: UInt64 = 1
    @Option(help: "Weeks of shifts before now (default 4, at most --weeks).")
    var shiftWeeks: Int = 4

    func validate() throws {
        guard (1...100_000).contains(mentors) else {
            throw invalid("--mentors", "give a number from 1 to 100000")
        }
        guard (0...1000).contains(weeks) else {
            throw invalid("--weeks", "give a number of weeks from 0 to 1000")
        }
        guard (0...100_000).contains(perDay) else {
            throw invalid("--per-day", "give a number from 0 to 100000")
        }
        guard (0...52).contains(shiftWeeks) else {
            throw invalid("--shift-weeks", "give a number of weeks from 0 to 52")
        }
    }

    func execute(_ session: Session) throws -> String {
        let now = session.now
        let site = try SiteOption.registrationSite(nil, session)
        var data = DemoGenerator.generate(
            DemoParameters(
                mentors: mentors, weeks: weeks, perDay: perDay, seed: seed,
                shiftWeeksBack: shiftWeeks),
            tags: session.tags, localities: session.localities, calendar: session.calendar,
            now: now)
        for i in data.presentations.indices { data.presentations[i].site = site }
        try session.write("demo generate") { tx in
            guard try tx.mentors().isEmpty, try tx.presentation(1) == nil else {
                throw CommandError(
                    "this database already holds mentors or presentations; demo generate only fills an empty one (use --db with a new file)")
            }
            for m in data.mentors { try tx.insertMentor(m) }
            for s in data.shifts { try tx.insertShift(s) }
            for l in data.leave { try tx.insertLeave(l) }
            _ = try tx.insertPresentations(data.presentations)
        }
        let waiting = data.presentations.filter { $0.seenAt == nil && $0.closedAt == nil }.count
        let onShift = data.shifts.filter { $0.span.contains(now) }.count
        return """
            Made \(data.mentors.count) mentors (\(onShift) on shift now), \(data.shifts.count) shifts, \
            \(data.leave.count) leave, \(data.presentations.count) presentations over \(weeks) weeks \
            (\(waiting) waiting now). Synthetic data from seed \(seed): every person is invented.
            """
    }
}
