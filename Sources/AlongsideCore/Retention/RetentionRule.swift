import Foundation

/// When identifiers go (spec §8): a presentation closed more than `retention_years` years
/// ago, counted from its close in the site's calendar, loses its NHS number, ref, age band,
/// gender, language and free-text reasons.
public enum RetentionRule {
    /// `date` moved by whole years; 29 February becomes 28 February in a common year.
    public static func shifted(_ date: LocalDate, years: Int) -> LocalDate {
        let year = date.year + years
        return LocalDate(year: year, month: date.month, day: date.day)
            ?? LocalDate(year: year, month: date.month, day: 28)!
    }

    /// The cut-off on `today`: presentations closed before the start of this date are past
    /// retention.
    public static func cutoff(today: LocalDate, years: Int) -> LocalDate {
        shifted(today, years: -years)
    }

    /// The first date on which a presentation closed on `closed` (site date) is past
    /// retention: the day after its close date plus `years`.
    public static func removalDate(closed: LocalDate, years: Int) -> LocalDate {
        shifted(closed, years: years).adding(days: 1)
    }
}
