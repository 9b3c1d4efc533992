// NHS number validation: 10 digits, Modulus 11 check digit, all-zero rejected.

/// A validated NHS number, held as its 10 digits.
///
/// This is personal data: log or display it only where the person's own record is shown.
public struct NHSNumber: Hashable, Sendable, CustomStringConvertible {
    /// The 10 digits with spaces and dashes removed.
    public let digits: String

    /// Validates `text`, which may group its digits with spaces or dashes ("943 476 5919",
    /// "943-476-5919"). Leading and trailing whitespace is ignored.
    public init(_ text: String) throws(NHSNumberError) {
        var values: [Int] = []
        values.reserveCapacity(10)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "0"..."9":
                values.append(Int(scalar.value) - 48)
                if values.count > 10 { throw .notTenDigits }
            case " ", "-", "\t":
                continue
            default:
                throw .notTenDigits
            }
        }
        guard values.count == 10 else { throw .notTenDigits }
        guard values.contains(where: { $0 != 0 }) else { throw .allZero }
        var sum = 0
        for (position, value) in values.prefix(9).enumerated() {
            sum += value * (10 - position)
        }
        var check = 11 - sum % 11
        if check == 11 { check = 0 }
        guard check != 10, check == values[9] else { throw .failsCheckDigit }
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
    /// `text` with every valid NHS number in it (10 digits in a row, or grouped 3-3-4 with
    /// one space or dash between groups) replaced by `[NHS number]`, so messages and logs
    /// never carry one. Dates and times (`2026-10-24 22:00`) are left alone.
    public static func redact(in text: String) -> String {
        let chars = Array(text)
        var out = ""
        var i = 0
        func isDigit(_ k: Int) -> Bool { k >= 0 && k < chars.count && chars[k] >= "0" && chars[k] <= "9" }
        func isSep(_ k: Int) -> Bool { k < chars.count && (chars[k] == " " || chars[k] == "-") }
        while i < chars.count {
            if isDigit(i) && !isDigit(i - 1) {
                // Try 10 digits in a row, then 3-3-4 with separators.
                var digits: String? = nil
                var end = i
                if (i..<i + 10).allSatisfy(isDigit) && !isDigit(i + 10) {
                    digits = String(chars[i..<i + 10])
                    end = i + 10
                } else if (i..<i + 3).allSatisfy(isDigit) && isSep(i + 3)
                    && (i + 4..<i + 7).allSatisfy(isDigit) && isSep(i + 7)
                    && (i + 8..<i + 12).allSatisfy(isDigit) && !isDigit(i + 12)
                {
                    digits = String(chars[i..<i + 3] + chars[i + 4..<i + 7] + chars[i + 8..<i + 12])
                    end = i + 12
                }
                if let d = digits, (try? NHSNumber(d)) != nil {
                    out += "[NHS number]"
                    i = end
                    continue
                }
            }
            out.append(chars[i])
            i += 1
        }
        return out
    }

    /// Whether `text` holds something that passes as an NHS number.
    public static func appears(in text: String) -> Bool { redact(in: text) != text }
}
