// Exact wait statistics: waits are whole seconds, figures are minutes kept as exact rationals so
// that rounding to one decimal (half away from zero) is done in integer arithmetic.

/// Exact wait statistics. Waits are whole seconds; minutes are seconds / 60.
public struct WaitStatistics: Sendable, Equatable {
    /// The number of waits.
    public let count: Int
    /// The median (50th percentile, linear interpolation as in numpy); nil when empty.
    public let median: ExactMinutes?
    /// The 90th percentile (linear interpolation as in numpy); nil when empty.
    public let p90: ExactMinutes?
    /// The mean, exactly sum / (count × 60); nil when empty.
    public let mean: ExactMinutes?
    /// The longest wait; nil when empty.
    public let max: ExactMinutes?

    /// Computes the statistics of waits given in whole seconds, in any order.
    public init(waitSeconds: [Int]) {
        let sorted = waitSeconds.sorted()
        count = sorted.count
        median = Self.percentile(ofSorted: sorted, 0.5)
        p90 = Self.percentile(ofSorted: sorted, 0.9)
        mean =
            sorted.isEmpty
            ? nil : ExactMinutes(numerator: sorted.reduce(0, +), denominator: sorted.count * 60)
        max = sorted.last.map { ExactMinutes(seconds: $0) }
    }

    /// The `p`-th quantile (0 ≤ p ≤ 1) in minutes of waits in seconds sorted ascending, by
    /// linear interpolation between closest ranks (numpy's default): with h = p·(n−1), the
    /// result is x[⌊h⌋] + (h−⌊h⌋)(x[⌊h⌋+1]−x[⌊h⌋]). Exact whenever p has at most six
    /// decimal places (as 0.5 and 0.9 do); otherwise p is rounded to six places first.
    /// Nil when `sorted` is empty or `p` is outside 0…1 (or NaN).
    public static func percentile(ofSorted sorted: [Int], _ p: Double) -> ExactMinutes? {
        guard !sorted.isEmpty, p >= 0, p <= 1 else { return nil }
        let (pNumerator, pDenominator) = decimalFraction(p)
        // h × pDenominator, split into whole ranks and the interpolation fraction.
        let scaledPosition = pNumerator * (sorted.count - 1)
        let lowIndex = scaledPosition / pDenominator
        let fraction = scaledPosition % pDenominator
        let low = sorted[lowIndex]
        guard fraction != 0 else { return ExactMinutes(seconds: low) }
        let high = sorted[lowIndex + 1]
        return ExactMinutes(
            numerator: low * pDenominator + fraction * (high - low),
            denominator: pDenominator * 60)
    }

    /// `p` as numerator / 10^k with the smallest k ≤ 6 that represents it (to within 1e-9).
    static func decimalFraction(_ p: Double) -> (numerator: Int, denominator: Int) {
        var denominator = 1
        for _ in 0..<6 {
            let scaled = p * Double(denominator)
            if abs(scaled - scaled.rounded()) <= 1e-9 * Double(denominator) {
                return (Int(scaled.rounded()), denominator)
            }
            denominator *= 10
        }
        return (Int((p * Double(denominator)).rounded()), denominator)
    }
}

/// A number of minutes kept as an exact rational (numerator / denominator, both Int) so that
/// rounding to one decimal is exact; `value` is the Double for JSON.
public struct ExactMinutes: Sendable, Equatable, Comparable {
    /// The numerator, in lowest terms (carries the sign).
    public let numerator: Int
    /// The denominator, in lowest terms (always positive).
    public let denominator: Int

    /// The minutes in `seconds` whole seconds (seconds / 60).
    public init(seconds: Int) {
        self.init(numerator: seconds, denominator: 60)
    }

    /// The minutes numerator / denominator; `denominator` must not be zero. Stored in lowest
    /// terms with a positive denominator, so equal values compare equal.
    public init(numerator: Int, denominator: Int) {
        precondition(denominator != 0, "ExactMinutes denominator must not be zero")
        let sign = denominator < 0 ? -1 : 1
        var a = numerator.magnitude
        var b = denominator.magnitude
        while b != 0 { (a, b) = (b, a % b) }
        let divisor = Int(a)
        self.numerator = sign * numerator / divisor
        self.denominator = sign * denominator / divisor
    }

    /// Minutes, unrounded (numerator/denominator computed in Double).
    public var value: Double { Double(numerator) / Double(denominator) }

    /// Rounded half away from zero to 1 decimal, exactly (e.g. 44.25 → 44.3).
    public var roundedTenth: Double { Double(tenths) / 10 }

    /// The value rounded half away from zero to 1 decimal, e.g. "44.3".
    public var oneDecimal: String { OneDecimal.format(tenths: tenths) }

    /// The value in tenths of a minute, rounded half away from zero (integer arithmetic).
    var tenths: Int {
        OneDecimal.roundHalfAwayFromZero(numerator, times: 10, over: denominator)
    }

    /// Orders by value, exactly.
    public static func < (lhs: ExactMinutes, rhs: ExactMinutes) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (left.high, left.low) < (right.high, right.low)
    }
}

/// 100 × part / whole rounded half away from zero to 1 decimal, exactly (integer arithmetic);
/// nil when whole == 0.
public func percentOneDecimal(_ part: Int, of whole: Int) -> Double? {
    guard whole != 0 else { return nil }
    let sign = whole < 0 ? -1 : 1
    let tenths = OneDecimal.roundHalfAwayFromZero(sign * part, times: 1_000, over: sign * whole)
    return Double(tenths) / 10
}

/// Formats a Double that is already rounded to 1 decimal as "44.3" / "0.0" / "100.0".
public func formatOneDecimal(_ x: Double) -> String {
    let tenths = (x * 10).rounded()
    guard tenths.isFinite, abs(tenths) < 1e15 else { return String(x) }
    return OneDecimal.format(tenths: Int(tenths))
}

/// Integer helpers for one-decimal figures.
enum OneDecimal {
    /// round(numerator × scale / denominator), half away from zero; `denominator` > 0.
    static func roundHalfAwayFromZero(_ numerator: Int, times scale: Int, over denominator: Int)
        -> Int
    {
        let (quotient, remainder) = denominator.dividingFullWidth(
            numerator.multipliedFullWidth(by: scale))
        // The remainder has the dividend's sign; round away when |r| ≥ denominator − |r|.
        guard remainder.magnitude >= denominator.magnitude - remainder.magnitude else {
            return quotient
        }
        return remainder < 0 ? quotient - 1 : quotient + 1
    }

    /// "44.3" from 443, "-0.5" from -5, "0.0" from 0.
    static func format(tenths: Int) -> String {
        let sign = tenths < 0 ? "-" : ""
        let magnitude = tenths.magnitude
        return "\(sign)\(magnitude / 10).\(magnitude % 10)"
    }
}
