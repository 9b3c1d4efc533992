// RFC 4180 CSV reading and writing. Pure Swift, no I/O: callers pass whole texts in and get
// whole texts out.

/// One parsed CSV record (a row of fields) and where it started in the text.
public struct CSVRecord: Sendable, Equatable {
    /// The record's fields, unquoted and unescaped.
    public var fields: [String]
    /// Physical line (1-based) on which this record starts.
    public var line: Int

    /// Creates a record from its fields and the physical line it starts on.
    public init(fields: [String], line: Int) {
        self.fields = fields
        self.line = line
    }
}

/// A problem found in a CSV text, tied to the physical line (1-based) it was found on.
public struct CSVError: Error, Equatable, CustomStringConvertible {
    /// Physical line (1-based; the header is line 1).
    public var line: Int
    /// What is wrong, for people; never includes the file name or line.
    public var message: String

    /// Creates an error at `line` with a user-facing `message`.
    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    /// "line N: message".
    public var description: String { "line \(line): \(message)" }

    /// The report form `FILE:LINE: message` used when an import is rejected.
    public func formatted(file: String) -> String { "\(file):\(line): \(message)" }
}

/// RFC 4180 CSV: parsing, escaping and whole-document writing.
public enum CSV {
    private static let comma: UInt8 = 0x2C
    private static let quote: UInt8 = 0x22
    private static let lf: UInt8 = 0x0A
    private static let cr: UInt8 = 0x0D
    private static let space: UInt8 = 0x20
    private static let tab: UInt8 = 0x09

    /// Parses the whole text (BOM stripped, CRLF/LF/CR accepted, trailing newline optional,
    /// blank lines skipped). Unterminated quote or a stray quote inside an unquoted field throws
    /// with its line.
    ///
    /// Lines holding only spaces or tabs count as blank. Spaces and tabs around a quoted field
    /// are ignored; inside an unquoted field they are kept. Line breaks inside quoted fields are
    /// kept exactly as written and advance the physical line count.
    public static func parse(_ text: String) throws(CSVError) -> [CSVRecord] {
        var text = text
        let result = text.withUTF8 { buffer in
            Result { () throws(CSVError) -> [CSVRecord] in try parse(bytes: buffer) }
        }
        return try result.get()
    }

    /// A header-aware table: the first record is the header (names trimmed, lowercased).
    ///
    /// Throws at line 1 when the text has no header or the header names a column twice.
    public static func parseTable(_ text: String) throws(CSVError) -> CSVTable {
        var records = try parse(text)
        guard !records.isEmpty else {
            throw CSVError(line: 1, message: "the file is empty; it needs a header row")
        }
        let first = records.removeFirst()
        let header = first.fields.map { trimmed($0).lowercased() }
        var seen = Set<String>()
        for name in header where !name.isEmpty {
            if !seen.insert(name).inserted {
                throw CSVError(line: first.line, message: "the header has column '\(name)' twice")
            }
        }
        return CSVTable(header: header, rows: records, headerLine: first.line)
    }

    /// Quotes a field when needed (comma, quote, CR, LF, leading/trailing space).
    ///
    /// Leading or trailing tabs also cause quoting. Quotes inside are doubled.
    public static func escape(_ field: String) -> String {
        let utf8 = field.utf8
        guard let first = utf8.first, let last = utf8.last else { return field }
        var needsQuotes = first == space || first == tab || last == space || last == tab
        if !needsQuotes {
            needsQuotes = utf8.contains { $0 == comma || $0 == quote || $0 == cr || $0 == lf }
        }
        guard needsQuotes else { return field }
        var out = "\""
        out.reserveCapacity(utf8.count + 2)
        for character in field.unicodeScalars {
            if character == "\"" { out.unicodeScalars.append("\"") }
            out.unicodeScalars.append(character)
        }
        out.unicodeScalars.append("\"")
        return out
    }

    /// One line (fields escaped and joined with commas), no line terminator.
    ///
    /// A lone empty field is written as `""` so the line is not read back as a blank line.
    public static func line(_ fields: [String]) -> String {
        if fields.count == 1, fields[0].isEmpty { return "\"\"" }
        return fields.map(escape).joined(separator: ",")
    }

    /// Whole document: header + rows, lines ended with "\n" (or "\r\n" if crlf).
    public static func document(header: [String], rows: [[String]], crlf: Bool = false) -> String {
        let terminator = crlf ? "\r\n" : "\n"
        var out = line(header) + terminator
        for row in rows {
            out += line(row)
            out += terminator
        }
        return out
    }

    /// Splits a list field on ";" trimming spaces and dropping empties.
    public static func splitList(_ field: String) -> [String] {
        field.split(separator: ";", omittingEmptySubsequences: true)
            .map { trimmed(String($0)) }
            .filter { !$0.isEmpty }
    }

    // MARK: - Internals

    /// Trims leading and trailing whitespace (including newlines).
    static func trimmed(_ text: String) -> String {
        guard let start = text.firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let end = text.lastIndex(where: { !$0.isWhitespace })!
        return String(text[start...end])
    }

    private static func string(
        _ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>
    ) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// The parser proper, over UTF-8 bytes. Delimiters are all ASCII, so every slice taken
    /// falls on a scalar boundary.
    private static func parse(bytes buffer: UnsafeBufferPointer<UInt8>) throws(CSVError)
        -> [CSVRecord]
    {
        let count = buffer.count
        var index = 0
        if count >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF { index = 3 }

        var records: [CSVRecord] = []
        var fields: [String] = []
        var width = 8
        var line = 1
        var recordLine = 1
        var inRecord = false

        /// Steps over the line break at `at` (CRLF, LF or CR) and returns the index after it.
        func skipBreak(_ at: Int) -> Int {
            if buffer[at] == cr, at + 1 < count, buffer[at + 1] == lf { return at + 2 }
            return at + 1
        }

        func finishRecord() {
            records.append(CSVRecord(fields: fields, line: recordLine))
            width = fields.count
            fields = []
            fields.reserveCapacity(width)
            inRecord = false
        }

        while index < count {
            if !inRecord {
                var probe = index
                while probe < count, buffer[probe] == space || buffer[probe] == tab { probe += 1 }
                if probe == count {
                    index = count
                    break
                }
                if buffer[probe] == lf || buffer[probe] == cr {
                    index = skipBreak(probe)
                    line += 1
                    continue
                }
                recordLine = line
                inRecord = true
            }

            // Start of a field: is it quoted (possibly after spaces)?
            var probe = index
            while probe < count, buffer[probe] == space || buffer[probe] == tab { probe += 1 }
            var end: Int
            if probe < count, buffer[probe] == quote {
                let openLine = line
                var cursor = probe + 1
                var segmentStart = cursor
                var escaped: [UInt8]? = nil
                var closed = -1
                while cursor < count {
                    let byte = buffer[cursor]
                    if byte == quote {
                        if cursor + 1 < count, buffer[cursor + 1] == quote {
                            if escaped == nil { escaped = [] }
                            escaped!.append(
                                contentsOf: UnsafeBufferPointer(
                                    rebasing: buffer[segmentStart...cursor]))
                            cursor += 2
                            segmentStart = cursor
                            continue
                        }
                        closed = cursor
                        break
                    } else if byte == lf {
                        line += 1
                        cursor += 1
                    } else if byte == cr {
                        line += 1
                        cursor = skipBreak(cursor)
                    } else {
                        cursor += 1
                    }
                }
                guard closed >= 0 else {
                    throw CSVError(
                        line: openLine,
                        message: "a quoted field opened on this line is never closed "
                            + "(a quote is missing)")
                }
                if var bytes = escaped {
                    bytes.append(
                        contentsOf: UnsafeBufferPointer(rebasing: buffer[segmentStart..<closed]))
                    fields.append(String(decoding: bytes, as: UTF8.self))
                } else {
                    fields.append(string(buffer, segmentStart..<closed))
                }
                end = closed + 1
                while end < count, buffer[end] == space || buffer[end] == tab { end += 1 }
                if end < count {
                    let byte = buffer[end]
                    if byte != comma, byte != lf, byte != cr {
                        throw CSVError(
                            line: line,
                            message: "unexpected text after a closing quote; a quote inside a "
                                + "quoted field must be doubled (\"\")")
                    }
                }
            } else {
                end = index
                while end < count {
                    let byte = buffer[end]
                    if byte == comma || byte == lf || byte == cr { break }
                    if byte == quote {
                        throw CSVError(
                            line: line,
                            message: "a quote appears inside an unquoted field; put the whole "
                                + "field in quotes and double the quote (\"\")")
                    }
                    end += 1
                }
                fields.append(string(buffer, index..<end))
            }

            // `end` is at a comma, a line break or the end of the text.
            if end == count {
                finishRecord()
                index = count
            } else if buffer[end] == comma {
                index = end + 1
            } else {
                finishRecord()
                index = skipBreak(end)
                line += 1
            }
        }
        if inRecord {
            // The text ended straight after a comma: the last field is empty.
            fields.append("")
            finishRecord()
        }
        return records
    }
}

/// A CSV text read as a header row plus data rows, with columns looked up by name.
public struct CSVTable: Sendable {
    /// Column names from the header row, trimmed and lowercased.
    public var header: [String]
    /// The data rows (every record after the header), each with its starting line.
    public var rows: [CSVRecord]
    /// Physical line of the header row (1 unless the file starts with blank lines).
    public var headerLine: Int

    /// Creates a table; `header` names are used as given.
    public init(header: [String], rows: [CSVRecord], headerLine: Int = 1) {
        self.header = header
        self.rows = rows
        self.headerLine = headerLine
    }

    /// Index of a column by name, nil if absent.
    ///
    /// The name is matched after trimming and lowercasing.
    public func column(_ name: String) -> Int? {
        if let index = header.firstIndex(of: name) { return index }
        let key = CSV.trimmed(name).lowercased()
        return header.firstIndex(of: key)
    }

    /// Throws a CSVError at line 1 naming missing required columns (and the nearest present one
    /// if a header is misspelt).
    public func requireColumns(_ names: [String]) throws(CSVError) {
        let missing = names.filter { column($0) == nil }
        guard !missing.isEmpty else { return }
        let wanted = Set(names.map { CSV.trimmed($0).lowercased() })
        let spare = header.filter { !$0.isEmpty && !wanted.contains($0) }
        let parts = missing.map { name -> String in
            let key = CSV.trimmed(name).lowercased()
            if let near = Suggestion.nearest(key, in: spare) {
                return "'\(key)' (the header has '\(near)'; is it misspelt?)"
            }
            return "'\(key)'"
        }
        let noun = missing.count == 1 ? "column" : "columns"
        throw CSVError(
            line: headerLine,
            message: "missing required \(noun) \(parts.joined(separator: ", "))")
    }

    /// Field of a row by column name ("" when the row is short).
    public func value(_ row: CSVRecord, _ name: String) -> String {
        guard let index = column(name), index < row.fields.count else { return "" }
        return row.fields[index]
    }

    /// One error per row whose number of fields differs from the header's (spec §5): more
    /// usually means an unquoted comma inside a field, fewer a missing one, and either would
    /// put values under the wrong columns.
    public func widthErrors() -> [CSVError] {
        rows.compactMap { row in
            guard row.fields.count != header.count else { return nil }
            let hint =
                row.fields.count > header.count
                ? "is there a comma that should be in quotes?"
                : "is a field or a comma missing?"
            return CSVError(
                line: row.line,
                message: "this row has \(row.fields.count) field\(row.fields.count == 1 ? "" : "s") but the header has "
                    + "\(header.count) (\(hint))")
        }
    }
}
