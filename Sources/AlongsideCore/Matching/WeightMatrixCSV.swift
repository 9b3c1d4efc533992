// Reading a weight matrix from CSV text (for `alongside bench assign`).

/// A problem in weight-matrix CSV text, with the 1-based line and column where it was found.
public struct WeightMatrixError: Error, CustomStringConvertible, Equatable {
    /// The 1-based line number.
    public var line: Int
    /// The 1-based column (field) number, or 0 when the problem is with the whole line.
    public var column: Int
    /// What is wrong, without the position.
    public var message: String

    /// Creates an error.
    public init(line: Int, column: Int, message: String) {
        self.line = line
        self.column = column
        self.message = message
    }

    /// `line L, column C: message`, `line L: message` when `column` is 0, or the message
    /// alone when it is about the whole matrix (`line` 0).
    public var description: String {
        if line == 0 { return message }
        return column > 0 ? "line \(line), column \(column): \(message)" : "line \(line): \(message)"
    }
}

/// Parses the weight-matrix CSV of `alongside bench assign`.
///
/// One line per row, no header, fields separated by commas. A field is a decimal number (sign,
/// fraction and exponent allowed, e.g. `-1.5e3`, `+2`, `.5`), or empty or `x` (also `X`) for a
/// forbidden pair; spaces and tabs around a field are ignored. Lines end in LF, CRLF or CR; a UTF-8
/// BOM and one final line ending are allowed. Every line must have the same number of fields.
/// Empty text is the empty 0 × 0 matrix. A blank line inside the text is a row with one empty
/// (forbidden) field, so it is an error unless the matrix has one column.
public enum WeightMatrixCSV {
    /// Parses `text` into a problem (forbidden pairs become `Double.nan`).
    public static func parse(_ text: String) throws(WeightMatrixError) -> AssignmentProblem {
        var text = text
        if let result = text.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) }) {
            return try result.get()
        }
        text.makeContiguousUTF8()
        guard let result = text.utf8.withContiguousStorageIfAvailable({ parse(bytes: $0) })
        else {
            preconditionFailure("contiguous UTF-8 after makeContiguousUTF8")
        }
        return try result.get()
    }

    private static let hint = "(use a number, or x or empty for a forbidden pair)"

    private static func parse(
        bytes: UnsafeBufferPointer<UInt8>
    ) -> Result<AssignmentProblem, WeightMatrixError> {
        let count = bytes.count
        guard count > 0, let p = bytes.baseAddress else {
            return .success(AssignmentProblem(rows: 0, cols: 0, weights: []))
        }
        var pos = 0
        if count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
        var weights: [Double] = []
        var cols = -1
        var rows = 0
        var line = 1
        while pos < count {
            let lineStart = pos
            var field = 0
            while true {
                let cellStart = pos
                while pos < count {
                    let byte = p[pos]
                    if byte == UInt8(ascii: ",") || byte == UInt8(ascii: "\n")
                        || byte == UInt8(ascii: "\r")
                    {
                        break
                    }
                    pos += 1
                }
                field += 1
                if cols >= 0 && field > cols {
                    return .failure(raggedError(line: line, atLeast: field, expected: cols))
                }
                switch cell(p, from: cellStart, to: pos) {
                case .success(let value): weights.append(value)
                case .failure(let message):
                    return .failure(WeightMatrixError(line: line, column: field, message: message))
                }
                if pos < count && p[pos] == UInt8(ascii: ",") {
                    pos += 1
                } else {
                    break
                }
            }
            if cols < 0 {
                cols = field
                // Reserve for the whole matrix, estimating the row count from this line.
                let lineLength = max(1, pos - lineStart + 1)
                weights.reserveCapacity(cols * (count / lineLength + 2))
            } else if field != cols {
                return .failure(raggedError(line: line, atLeast: field, expected: cols))
            }
            rows += 1
            if pos < count && p[pos] == UInt8(ascii: "\r") { pos += 1 }
            if pos < count && p[pos] == UInt8(ascii: "\n") { pos += 1 }
            line += 1
        }
        return .success(AssignmentProblem(rows: rows, cols: max(cols, 0), weights: weights))
    }

    private static func raggedError(line: Int, atLeast fields: Int, expected: Int)
        -> WeightMatrixError
    {
        let have = fields > expected ? "more than \(expected) fields" : plural(fields, "field")
        return WeightMatrixError(
            line: line, column: 0,
            message: "has \(have) but line 1 has \(expected) (every row needs one field per column)"
        )
    }

    private static func plural(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }

    private enum Cell {
        case success(Double)
        case failure(String)
    }

    /// Reads the field in `p[start..<end]`: a finite number, or NaN for a forbidden pair.
    private static func cell(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Cell {
        var start = start
        var end = end
        while start < end && (p[start] == 0x20 || p[start] == 0x09) { start += 1 }
        while end > start && (p[end - 1] == 0x20 || p[end - 1] == 0x09) { end -= 1 }
        if start == end { return .success(.nan) }
        if end - start == 1 && (p[start] == UInt8(ascii: "x") || p[start] == UInt8(ascii: "X")) {
            return .success(.nan)
        }
        if let value = DecimalParser.parse(p, from: start, to: end) {
            if value.isFinite { return .success(value) }
            return .failure("'\(text(p, start, end))' is too large \(hint)")
        }
        return .failure("'\(text(p, start, end))' is not a number \(hint)")
    }

    /// The field text for a message, shortened if very long.
    private static func text(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> String {
        let limit = 40
        let shown = String(decoding: UnsafeBufferPointer(start: p + start, count: end - start),
            as: UTF8.self)
        return shown.count > limit ? String(shown.prefix(limit)) + "…" : shown
    }
}

/// Strict, fast decimal number reading, rounded correctly to the nearest Double:
/// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`.
private enum DecimalParser {
    /// Exact powers of ten as Doubles (10^22 is the largest exact one).
    private static let powers: [Double] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ]

    static func parse(_ p: UnsafePointer<UInt8>, from start: Int, to end: Int) -> Double? {
        let zero = UInt8(ascii: "0")
        var k = start
        var negative = false
        if p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-") {
            negative = p[k] == UInt8(ascii: "-")
            k += 1
        }
        var mantissa: UInt64 = 0
        var digits = 0  // significant digits kept in `mantissa`
        var exponent = 0
        var sawDigit = false
        var truncated = false  // nonzero digits beyond the 19 kept
        while k < end && p[k] &- zero < 10 {
            let digit = UInt64(p[k] &- zero)
            sawDigit = true
            if digits < 19 {
                if mantissa != 0 || digit != 0 {
                    mantissa = mantissa &* 10 &+ digit
                    digits += 1
                }
            } else {
                exponent += 1
                if digit != 0 { truncated = true }
            }
            k += 1
        }
        if k < end && p[k] == UInt8(ascii: ".") {
            k += 1
            while k < end && p[k] &- zero < 10 {
                let digit = UInt64(p[k] &- zero)
                sawDigit = true
                if digits < 19 {
                    if mantissa != 0 || digit != 0 {
                        mantissa = mantissa &* 10 &+ digit
                        digits += 1
                    }
                    exponent -= 1
                } else if digit != 0 {
                    truncated = true
                }
                k += 1
            }
        }
        if !sawDigit { return nil }
        if k < end && (p[k] == UInt8(ascii: "e") || p[k] == UInt8(ascii: "E")) {
            k += 1
            var negativeExponent = false
            if k < end && (p[k] == UInt8(ascii: "+") || p[k] == UInt8(ascii: "-")) {
                negativeExponent = p[k] == UInt8(ascii: "-")
                k += 1
            }
            var value = 0
            var sawExponentDigit = false
            while k < end && p[k] &- zero < 10 {
                if value < 1_000_000 { value = value * 10 + Int(p[k] &- zero) }
                sawExponentDigit = true
                k += 1
            }
            if !sawExponentDigit { return nil }
            exponent += negativeExponent ? -value : value
        }
        if k != end { return nil }
        if mantissa == 0 { return negative ? -0.0 : 0.0 }
        var result: Double? = nil
        if !truncated {
            if mantissa <= 1 << 53 && exponent >= -22 && exponent <= 22 {
                // Both operands exact, so one correctly rounded operation (Clinger's fast path).
                let m = Double(mantissa)
                result = exponent < 0 ? m / powers[-exponent] : m * powers[exponent]
            } else {
                result = extendedPath(mantissa, exponent)
            }
        }
        let value =
            result
            ?? Double(String(decoding: UnsafeBufferPointer(start: p + start, count: end - start),
                as: UTF8.self))
        guard let value else { return nil }
        return negative && result != nil ? -value : value
    }

    #if (arch(x86_64) || arch(i386)) && !(os(Windows) || os(Android))
        /// Exact powers of ten in 80-bit floats (10^27 = 5^27·2^27 fits the 64-bit significand).
        private static let extendedPowers: [Float80] = {
            var powers: [Float80] = [1]
            for _ in 1...27 { powers.append(powers[powers.count - 1] * 10) }
            return powers
        }()

        /// mantissa·10^exponent with one rounding to 64 bits, then to 53; `nil` when the first
        /// rounding landed exactly halfway between two Doubles (the second could then be wrong).
        private static func extendedPath(_ mantissa: UInt64, _ exponent: Int) -> Double? {
            guard exponent >= -27 && exponent <= 27 else { return nil }
            let m = Float80(mantissa)
            let x = exponent < 0 ? m / extendedPowers[-exponent] : m * extendedPowers[exponent]
            if x.significandBitPattern & 0x7FF == 0x400 { return nil }
            return Double(x)
        }
    #else
        private static func extendedPath(_ mantissa: UInt64, _ exponent: Int) -> Double? {
            nil
        }
    #endif
}
