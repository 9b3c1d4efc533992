// NHS number validation: 10 digits, Modulus 11 check digit, all-zero rejected.

/// A validated NHS number, held as its 10 digits.
///
/// This is personal data: log or display it only where the person's own record is shown.
public struct NHSNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 10 digits with spaces and dashes removed.
    public let digits: String

    /// Validates `text`, which may group its digits with spaces, dashes or dots
    /// ("943 476 5919", "943-476-5919", "943.476.5919"; full-width digits are read as
    /// digits). Leading and trailing whitespace is ignored.
    public init(_ text: String) throws(NHSNumberError) {
        var values: [Int] = []
        values.reserveCapacity(10)
        for c in text {
            if let d = Self.decimalValue(c) {
                values.append(d)
                if values.count > 10 { throw .notTenDigits }
            } else if c == " " || c == "-" || c == "." || c == "\t" {
                continue
            } else {
                throw .notTenDigits
            }
        }
        guard values.count == 10 else { throw .notTenDigits }
        guard values.contains(where: { $0 != 0 }) else { throw .allZero }
        guard Self.passesCheck(values) else { throw .failsCheckDigit }
        digits = String(values.map { Character(Unicode.Scalar(UInt8(48 + $0))) })
    }

    /// The number grouped 3-3-4 as people write it, e.g. "943 476 5919".
    public var description: String {
        let all = Array(digits)
        return String(all[0..<3]) + " " + String(all[3..<6]) + " " + String(all[6..<10])
    }
}

/// Why a text is not an NHS number. Descriptions never repeat the number (it is personal data).
public enum NHSNumberError: Error, Equatable, CustomStringConvertible {
    /// Not exactly 10 digits (after removing spaces and dashes), or other characters present.
    case notTenDigits
    /// All ten digits are zero.
    case allZero
    /// The Modulus 11 check digit does not match (or the check would be 10, never issued).
    case failsCheckDigit

    /// A user-facing explanation that does not echo the number.
    public var description: String {
        switch self {
        case .notTenDigits:
            return "an NHS number has 10 digits (spaces and dashes between them are fine)"
        case .allZero:
            return "all zeros is not an NHS number"
        case .failsCheckDigit:
            return "that is not a valid NHS number (its check digit does not match; "
                + "please re-type it)"
        }
    }
}

extension NHSNumber {
    /// The one rule for what counts as an NHS number inside free text (spec §8), used by the
    /// free-text check, error messages, the audit log and the history filter alike.
    ///
    /// Digits are read as groups (each a maximal run of digits; full-width and other Unicode
    /// decimal digits count as digits). A number is a sequence of consecutive groups joined
    /// by separators (spaces, dashes or dots) holding exactly 10 digits in all, that passes
    /// the Modulus 11 check. A group is never split, so a run of 11 or more digits in a row
    /// is never one; a doubled separator (`943  476  5919`) still joins groups, since a
    /// person retyping a number is no less identifying for the extra space.
    ///
    /// - Returns: the ranges of `text` that are NHS numbers, in order, not overlapping.
    public static func ranges(in text: String) -> [Range<String.Index>] {
        struct Group {
            var start: String.Index
            var end: String.Index
            var digits: [Int]
            /// Whether only separators lie between the previous group and this one.
            var joinedToPrevious: Bool
        }
        var groups: [Group] = []
        var index = text.startIndex
        var lastEnd: String.Index? = nil
        var onlySeparatorsSinceLast = false
        while index < text.endIndex {
            let c = text[index]
            if let d = decimalValue(c) {
                let start = index
                var digits = [d]
                index = text.index(after: index)
                while index < text.endIndex, let d = decimalValue(text[index]) {
                    digits.append(d)
                    index = text.index(after: index)
                }
                groups.append(
                    Group(
                        start: start, end: index, digits: digits,
                        joinedToPrevious: lastEnd != nil && onlySeparatorsSinceLast))
                lastEnd = index
                onlySeparatorsSinceLast = true
                continue
            }
            if !(c == " " || c == "-" || c == "." || c == "\u{3000}" || c == "\u{FF0D}"
                || c == "\u{FF0E}" || c == "\u{2010}" || c == "\u{2011}" || c == "\u{2013}")
            {
                onlySeparatorsSinceLast = false
            }
            index = text.index(after: index)
        }
        var found: [Range<String.Index>] = []
        var first = 0
        while first < groups.count {
            var total = 0
            var last = first
            var match: Int? = nil
            while last < groups.count, last == first || groups[last].joinedToPrevious {
                total += groups[last].digits.count
                if total > 10 { break }
                if total == 10 {
                    let digits = groups[first...last].flatMap(\.digits)
                    if passesCheck(digits), !isDateAndHour(groups[first...last].map { ($0.start, $0.end) }, in: text) {
                        match = last
                    }
                    break
                }
                last += 1
            }
            if let match {
                found.append(groups[first].start..<groups[match].end)
                first = match + 1
            } else {
                first += 1
            }
        }
        return found
    }

    /// `text` with every NHS number in it (see ``ranges(in:)``) replaced by `[NHS number]`,
    /// so messages and logs never carry one. Use it on free text only, never on times,
    /// counts or ids.
    public static func redact(in text: String) -> String {
        let found = ranges(in: text)
        if found.isEmpty { return text }
        var out = ""
        var cursor = text.startIndex
        for r in found {
            out += text[cursor..<r.lowerBound]
            out += "[NHS number]"
            cursor = r.upperBound
        }
        out += text[cursor...]
        return out
    }

    /// Whether `text` holds something that passes as an NHS number (see ``ranges(in:)``).
    public static func appears(in text: String) -> Bool { !ranges(in: text).isEmpty }

    /// Whether the groups are a date and hour as the console prints and reads times
    /// (`2026-10-24 22:00`: 4-2-2 digits joined by dashes, a space, 2 digits, then `:`). Such
    /// a time is not an NHS number even when its ten digits pass the check.
    static func isDateAndHour(
        _ groups: [(String.Index, String.Index)], in text: String
    ) -> Bool {
        guard groups.count == 4 else { return false }
        let lengths = groups.map { text.distance(from: $0.0, to: $0.1) }
        guard lengths == [4, 2, 2, 2] else { return false }
        let gaps = (1..<4).map { text[groups[$0 - 1].1..<groups[$0].0] }
        guard gaps[0] == "-", gaps[1] == "-", gaps[2] == " " else { return false }
        return groups[3].1 < text.endIndex && text[groups[3].1] == ":"
    }

    /// The value of a decimal digit in any script (ASCII, full-width, …), else nil.
    public static func decimalValue(_ c: Character) -> Int? {
        guard c.unicodeScalars.count == 1, let scalar = c.unicodeScalars.first else { return nil }
        if scalar.value >= 48 && scalar.value <= 57 { return Int(scalar.value) - 48 }
        guard scalar.value > 127, scalar.properties.numericType == .decimal,
            let v = scalar.properties.numericValue
        else { return nil }
        return Int(v)
    }

    /// The Modulus 11 check on ten digit values (weights 10 down to 2; 11 means 0, 10 is never
    /// issued), and not all zeros.
    static func passesCheck(_ values: [Int]) -> Bool {
        guard values.count == 10, values.contains(where: { $0 != 0 }) else { return false }
        var sum = 0
        for position in 0..<9 { sum += values[position] * (10 - position) }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        return check != 10 && check == values[9]
    }
}
