import Foundation

extension WeeklySummary {
    /// Adds attendance to the `mentors` rows (spec §11): hours signed in during the week
    /// and no-shows (shifts that start in the week and ended, before `now`, with no
    /// sign-in). Only mentors already listed (a shift or an assignment in the week) get it.
    public mutating func addAttendance(
        shifts: [Shift], signIns: [SignIn], calendar: SiteCalendar, now: Date
    ) {
        let bounds = calendar.interval(of: week)
        let span = TimeSpan(start: bounds.start, end: bounds.end)
        var ins: [String: [SignIn]] = [:]
        for s in signIns { ins[s.mentorID.lowercased(), default: []].append(s) }
        var starting: [String: [TimeSpan]] = [:]
        for s in shifts where span.contains(s.span.start) {
            starting[s.mentorID.lowercased(), default: []].append(s.span)
        }
        for i in mentors.indices {
            let key = mentors[i].mentorID.lowercased()
            let own = ins[key] ?? []
            mentors[i].signedInSeconds = SignIn.seconds(own, in: span, now: now)
            mentors[i].noShows =
                SignIn.noShows(shifts: starting[key] ?? [], signIns: own, before: now).count
        }
    }
}
