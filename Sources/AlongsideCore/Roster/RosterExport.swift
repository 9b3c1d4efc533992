/// `roster export`: the files that import back to the same roster.
extension RosterFiles {
    // MARK: - Writing

    /// The mentors file for `roster export` (spec §5 columns, `\n` line ends).
    public static func mentorsCSV(_ mentors: [Mentor]) -> String {
        CSV.document(
            header: mentorColumns,
            rows: mentors.map { m in
                [
                    m.id, m.name, m.gender ?? "", m.languages.joined(separator: ";"),
                    m.localities.joined(separator: ";"), m.experience.joined(separator: ";"),
                    String(m.capacity), m.dbsRecheckDue?.description ?? "", m.lead ? "yes" : "no",
                    m.status.rawValue, m.phone ?? "",
                ]
            })
    }

    /// The shifts file for `roster export`: times as ISO 8601 with the site's offset, so a
    /// shift over a clock change reads back to the same instants.
    public static func shiftsCSV(_ shifts: [Shift], calendar: SiteCalendar) -> String {
        CSV.document(
            header: shiftColumns,
            rows: shifts.map {
                [$0.mentorID, calendar.isoString($0.span.start), calendar.isoString($0.span.end)]
            })
    }
}
