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
/// Read through the project's one CSV reader (RFC 4180: quoted cells such as `"1","2"` as
/// spreadsheets write them, a UTF-8 BOM, LF or CRLF endings; blank lines are skipped as in
/// every other CSV file). No header; one row per line. A cell is a decimal number (sign,
/// fraction and exponent allowed, e.g. `-1.5e3`, `+2`, `.5`), read by the standard library,
/// or empty or `x` (also `X`) for a forbidden pair; spaces and tabs around a cell are
/// ignored. Every row must have as many cells as the first. Empty text is the 0 × 0 matrix.
public enum WeightMatrixCSV {
    /// Parses `text` into a problem (forbidden pairs become `Double.nan`).
    public static func parse(_ text: String) throws(WeightMatrixError) -> AssignmentProblem {
        let records: [CSVRecord]
        do { records = try CSV.parse(text) } catch {
            throw WeightMatrixError(line: error.line, column: 0, message: error.message)
        }
        guard let first = records.first else {
            return AssignmentProblem(rows: 0, cols: 0, weights: [])
        }
        let cols = first.fields.count
        var weights: [Double] = []
        weights.reserveCapacity(cols * records.count)
        for record in records {
            guard record.fields.count == cols else {
                let n = record.fields.count
                let have = n > cols ? "more than \(cols) fields" : (n == 1 ? "1 field" : "\(n) fields")
                throw WeightMatrixError(
                    line: record.line, column: 0,
                    message: "has \(have) but line \(first.line) has \(cols) (every row needs one field per column)")
            }
            for (index, field) in record.fields.enumerated() {
                switch cell(field) {
                case .success(let value): weights.append(value)
                case .failure(let message):
                    throw WeightMatrixError(line: record.line, column: index + 1, message: message)
                }
            }
        }
        return AssignmentProblem(rows: records.count, cols: cols, weights: weights)
    }

    private static let hint = "(use a number, or x or empty for a forbidden pair)"

    private enum Cell {
        case success(Double)
        case failure(String)
    }

    /// Reads one cell: a finite number, or NaN for a forbidden pair.
    private static func cell(_ raw: String) -> Cell {
        let field = raw.trimmingCharacters(in: [" ", "\t"])
        if field.isEmpty || field == "x" || field == "X" { return .success(.nan) }
        let shown = field.count > 40 ? String(field.prefix(40)) + "…" : field
        // Plain decimal notation only: the standard library's reader also takes `inf`, `nan`
        // and hexadecimal floats, which are not weights.
        guard isDecimal(field), let value = Double(field) else {
            return .failure("'\(shown)' is not a number \(hint)")
        }
        guard value.isFinite else { return .failure("'\(shown)' is too large \(hint)") }
        return .success(value)
    }

    /// `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?`
    static func isDecimal(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        func digits() -> Int {
            let n = bytes.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.count
            bytes = bytes.dropFirst(n)
            return n
        }
        if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        var mantissa = digits()
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            mantissa += digits()
        }
        guard mantissa > 0 else { return false }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return false }
        }
        return bytes.isEmpty
    }
}
