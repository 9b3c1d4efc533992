import Foundation

/// A figure as published under disclosure control: a value, or suppressed (`*`).
public enum Published<Value: Sendable & Equatable>: Sendable, Equatable {
    /// Shown as is.
    case value(Value)
    /// Suppressed: shown as `*`.
    case suppressed
}

/// NHS Digital's disclosure control for HES/ECDS (2018), as spec §13 pins it: a count of 1
/// to 7 is suppressed, other counts are rounded to the nearest 5 (0 stays 0); a percentage
/// is worked out from the rounded numerator and denominator and is suppressed when either
/// is; a median, p90, mean or max from fewer than 8 values is suppressed.
public enum Disclosure {
    /// The smallest count shown (below it, 1 and up, is `*`).
    public static let smallestShown = 8

    /// A count as published.
    public static func count(_ n: Int) -> Published<Int> {
        if n == 0 { return .value(0) }
        if n >= 1 && n < smallestShown { return .suppressed }
        // Nearest multiple of 5 (halves cannot occur for whole numbers).
        return .value(Int((Double(n) / 5).rounded()) * 5)
    }

    /// A percentage, 1 decimal, from the published numerator and denominator; nil when the
    /// rounded denominator is 0 (no one to count).
    public static func percent(_ part: Int, of whole: Int) -> Published<Double>? {
        guard case .value(let p) = count(part), case .value(let w) = count(whole) else {
            return .suppressed
        }
        guard let pct = percentOneDecimal(p, of: w) else { return nil }
        return .value(pct)
    }

    /// A statistic (median, p90, mean, max) of `n` values: suppressed when n < 8.
    public static func statistic<T: Sendable & Equatable>(_ value: T?, of n: Int) -> Published<T>? {
        if n < smallestShown { return n == 0 && value == nil ? nil : .suppressed }
        return value.map { .value($0) }
    }

    /// The footnote every published report carries.
    public static let footnote =
        "Disclosure control (NHS Digital HES/ECDS, 2018): counts of 1 to 7 are shown as *, "
        + "other counts are rounded to the nearest 5 (0 stays 0); percentages are worked out "
        + "from the rounded figures and are * when either is; a median, 90th percentile, mean "
        + "or maximum from fewer than 8 values is *."
}
