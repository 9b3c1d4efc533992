import AlongsideCore
import ArgumentParser
import Foundation

/// `leave M FROM TO`.
struct LeaveCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "leave",
        abstract: "Record leave: the mentor is not offered from FROM to TO whatever the shifts say.",
        discussion: """
            FROM and TO are dates (whole days, TO included) or times.

            Examples:
              leave M1 2026-12-24 2026-12-27
              leave M1 13:00 17:00
            """)
    static let requiredRole = Role.coordinator

    @Argument(help: "The mentor's id.") var mentor: String
    @Argument(help: "First day (YYYY-MM-DD) or time.") var from: String
    @Argument(help: "Last day (included) or end time.") var to: String

    func execute(_ session: Session) throws -> String {
        let cal = session.calendar
        let start: Date
        let end: Date
        if let d = LocalDate(from) { start = cal.startOfDay(d) } else { start = try session.time(from, option: "FROM") }
        if let d = LocalDate(to) { end = cal.startOfDay(d.adding(days: 1)) } else { end = try session.time(to, option: "TO") }
        guard end > start else { throw CommandError.field("TO", "is before FROM") }
        return try session.write("leave") { tx in
            let m = try session.mentor(mentor, in: tx)
            try tx.insertLeave(Leave(mentorID: m.id, span: TimeSpan(start: start, end: end)))
            let open = try tx.caseloads()[m.id.lowercased()] ?? 0
            var out = "\(m.id) on leave \(cal.shortString(start)) – \(cal.shortString(end)); not offered in that time."
            if open > 0 && start <= session.now && session.now < end {
                out += " They hold \(open) open presentation(s)."
            }
            return out
        }
    }
}
