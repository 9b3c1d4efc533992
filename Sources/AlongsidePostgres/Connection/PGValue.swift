import AlongsideStore
import Foundation
import PostgresNIO

/// One value sent to or read from PostgreSQL.
///
/// As a bind (`$1`, `$2` …): `.int` goes as `int8`, `.double` as `float8`, `.bool` as `bool`,
/// `.bytes` as `bytea`; `.text` and `.null` go *untyped* (like a quoted literal in the SQL, or
/// libpq's `PQexecParams` without types), so the server gives them the type the statement
/// needs — a `.text("2025-03-01T10:00:00Z")` fills a `timestamptz` column, a `.text` compared
/// with an integer column is read as an integer. Where nothing in the statement fixes the type
/// (`SELECT $1`), cast it: `SELECT $1::text`.
///
/// As a result: `int2`/`int4`/`int8`/`oid` read as `.int`; `float4`/`float8`/`numeric` as
/// `.double`; `bool` as `.bool`; `bytea` as `.bytes`; `text`, `varchar`, `char(n)`, `name`,
/// `"char"`, `json`, `jsonb`, `uuid` as `.text`; SQL NULL as `.null`. Any other column type
/// (timestamps, arrays, intervals …) is refused with a message saying to cast it in the query.
public enum PGValue: Sendable, Equatable {
    /// SQL NULL.
    case null
    /// An integer (`int8` when sent).
    case int(Int64)
    /// Text (untyped when sent: the server infers its type).
    case text(String)
    /// A boolean.
    case bool(Bool)
    /// A floating-point number (`float8` when sent; `numeric` reads as this too).
    case double(Double)
    /// Raw bytes (`bytea`).
    case bytes([UInt8])
}

/// One result row: values by column position, with the column names.
public struct PGRow: Sendable, Equatable {
    /// The values, in column order.
    public let values: [PGValue]
    /// The column names, in column order.
    public let columns: [String]

    /// A row from its parts.
    public init(values: [PGValue], columns: [String]) {
        self.values = values
        self.columns = columns
    }

    /// The number of columns.
    public var count: Int { values.count }

    /// The value in column `i` (from 0).
    public subscript(i: Int) -> PGValue {
        precondition(i >= 0 && i < values.count, "PGRow has \(values.count) columns, not \(i + 1)")
        return values[i]
    }

    /// The value in the column named `name` (the first such), or nil when there is none.
    public subscript(name: String) -> PGValue? {
        columns.firstIndex(of: name).map { values[$0] }
    }

    /// Column `i` as an integer, or nil when it is NULL or not an integer.
    public func int(_ i: Int) -> Int64? {
        if case .int(let v) = self[i] { return v }
        return nil
    }

    /// Column `i` as text, or nil when it is NULL or not text.
    public func text(_ i: Int) -> String? {
        if case .text(let v) = self[i] { return v }
        return nil
    }

    /// Column `i` as a boolean, or nil when it is NULL or not a boolean.
    public func bool(_ i: Int) -> Bool? {
        if case .bool(let v) = self[i] { return v }
        return nil
    }

    /// Column `i` as a floating-point number (an integer column converts), or nil when it is
    /// NULL or not a number.
    public func double(_ i: Int) -> Double? {
        switch self[i] {
        case .double(let v): v
        case .int(let v): Double(v)
        default: nil
        }
    }

    /// Column `i` as bytes, or nil when it is NULL or not `bytea`.
    public func bytes(_ i: Int) -> [UInt8]? {
        if case .bytes(let v) = self[i] { return v }
        return nil
    }

    /// Whether column `i` is SQL NULL.
    public func isNull(_ i: Int) -> Bool { self[i] == .null }
}

// MARK: Binds

/// A bind value as postgres-nio sends it: a type (0 = let the server infer), a format, bytes.
struct PGBind: PostgresDynamicTypeEncodable {
    let psqlType: PostgresDataType
    let psqlFormat: PostgresFormat
    let value: PGValue

    func encode<JSONEncoder: PostgresJSONEncoder>(
        into byteBuffer: inout ByteBuffer, context: PostgresEncodingContext<JSONEncoder>
    ) {
        switch value {
        case .null: break
        case .int(let v): byteBuffer.writeInteger(v, as: Int64.self)
        case .text(let v): byteBuffer.writeString(v)
        case .bool(let v): byteBuffer.writeInteger(v ? 1 : 0, as: UInt8.self)
        case .double(let v): byteBuffer.writeInteger(v.bitPattern, as: UInt64.self)
        case .bytes(let v): byteBuffer.writeBytes(v)
        }
    }

    static func bindings(_ values: [PGValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .null: bindings.appendNull()
            case .int: bindings.append(PGBind(psqlType: .int8, psqlFormat: .binary, value: value))
            case .text: bindings.append(PGBind(psqlType: .null, psqlFormat: .text, value: value))
            case .bool: bindings.append(PGBind(psqlType: .bool, psqlFormat: .binary, value: value))
            case .double:
                bindings.append(PGBind(psqlType: .float8, psqlFormat: .binary, value: value))
            case .bytes:
                bindings.append(PGBind(psqlType: .bytea, psqlFormat: .binary, value: value))
            }
        }
        return bindings
    }
}

// MARK: Results

enum PGDecode {
    /// The rows of a result, decoded.
    ///
    /// `binary`: every cell is in binary format whatever its column says. postgres-nio asks
    /// for binary results in every `Bind`, but a named statement made by
    /// `PostgresDatabase.prepare(query:)` keeps the formats of the statement's `Describe`
    /// (text) in its columns.
    static func rows(_ result: [PostgresRow], binary: Bool = false) throws -> [PGRow] {
        guard let first = result.first else { return [] }
        let columns = first.map(\.columnName)
        var rows: [PGRow] = []
        rows.reserveCapacity(result.count)
        for row in result {
            var values: [PGValue] = []
            values.reserveCapacity(columns.count)
            for cell in row {
                values.append(try value(cell, binary: binary))
            }
            rows.append(PGRow(values: values, columns: columns))
        }
        return rows
    }

    /// One cell as a ``PGValue``.
    static func value(_ cell: PostgresCell, binary: Bool = false) throws -> PGValue {
        guard var buffer = cell.bytes else { return .null }
        if cell.format == .text && !binary {
            return try textValue(cell, buffer.readString(length: buffer.readableBytes) ?? "")
        }
        let type = cell.dataType
        switch type {
        case .int2:
            guard buffer.readableBytes == 2, let v = buffer.readInteger(as: Int16.self) else {
                throw malformed(cell)
            }
            return .int(Int64(v))
        case .int4:
            guard buffer.readableBytes == 4, let v = buffer.readInteger(as: Int32.self) else {
                throw malformed(cell)
            }
            return .int(Int64(v))
        case .int8:
            guard buffer.readableBytes == 8, let v = buffer.readInteger(as: Int64.self) else {
                throw malformed(cell)
            }
            return .int(v)
        case .oid:
            guard buffer.readableBytes == 4, let v = buffer.readInteger(as: UInt32.self) else {
                throw malformed(cell)
            }
            return .int(Int64(v))
        case .bool:
            guard buffer.readableBytes == 1, let v = buffer.readInteger(as: UInt8.self) else {
                throw malformed(cell)
            }
            return .bool(v != 0)
        case .float4:
            guard buffer.readableBytes == 4, let v = buffer.readInteger(as: UInt32.self) else {
                throw malformed(cell)
            }
            return .double(Double(Float(bitPattern: v)))
        case .float8:
            guard buffer.readableBytes == 8, let v = buffer.readInteger(as: UInt64.self) else {
                throw malformed(cell)
            }
            return .double(Double(bitPattern: v))
        case .numeric:
            guard let v = numeric(&buffer) else { throw malformed(cell) }
            return .double(v)
        case .text, .varchar, .bpchar, .name, .char, .json, .unknown:
            return .text(buffer.readString(length: buffer.readableBytes) ?? "")
        case .jsonb:
            guard buffer.readInteger(as: UInt8.self) == 1 else { throw malformed(cell) }
            return .text(buffer.readString(length: buffer.readableBytes) ?? "")
        case .uuid:
            guard buffer.readableBytes == 16, let bytes = buffer.readBytes(length: 16) else {
                throw malformed(cell)
            }
            return .text(uuidString(bytes))
        case .bytea:
            return .bytes(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default:
            throw unreadable(cell)
        }
    }

    /// A cell the server sent as text (postgres-nio asks for binary, so this is rare).
    private static func textValue(_ cell: PostgresCell, _ text: String) throws -> PGValue {
        switch cell.dataType {
        case .int2, .int4, .int8, .oid:
            guard let v = Int64(text) else { throw malformed(cell) }
            return .int(v)
        case .bool:
            return .bool(text == "t" || text == "true")
        case .float4, .float8, .numeric:
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default:
                guard let v = Double(text) else { throw malformed(cell) }
                return .double(v)
            }
        case .bytea:
            throw unreadable(cell)
        default:
            return .text(text)
        }
    }

    /// `numeric` in binary: counts, a base-10000 weight, a sign, the scale, base-10000 digits.
    static func numeric(_ buffer: inout ByteBuffer) -> Double? {
        guard let count = buffer.readInteger(as: Int16.self),
              let weight = buffer.readInteger(as: Int16.self),
              let sign = buffer.readInteger(as: UInt16.self),
              buffer.readInteger(as: Int16.self) != nil, count >= 0 else { return nil }
        switch sign {
        case 0xC000: return .nan
        case 0xD000: return .infinity
        case 0xF000: return -.infinity
        case 0x0000, 0x4000: break
        default: return nil
        }
        var digits = ""
        digits.reserveCapacity(Int(count) * 4 + 8)
        for _ in 0..<count {
            guard let d = buffer.readInteger(as: Int16.self), (0..<10000).contains(d) else {
                return nil
            }
            let s = String(d)
            digits += String(repeating: "0", count: 4 - s.count) + s
        }
        if digits.isEmpty { return sign == 0x4000 ? -0.0 : 0 }
        let exponent = (Int(weight) - Int(count) + 1) * 4
        guard let magnitude = Double("\(digits)e\(exponent)") else { return nil }
        return sign == 0x4000 ? -magnitude : magnitude
    }

    private static func uuidString(_ bytes: [UInt8]) -> String {
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]]
            .map { $0.joined() }.joined(separator: "-")
    }

    private static func malformed(_ cell: PostgresCell) -> StoreError {
        .storage(
            "the trust database sent a value in column '\(cell.columnName)' that is not a valid "
                + "\(cell.dataType)")
    }

    private static func unreadable(_ cell: PostgresCell) -> StoreError {
        .incompatible(
            "column '\(cell.columnName)' has PostgreSQL type \(cell.dataType), which PGRow does "
                + "not read; cast it in the query (::text, ::bigint or ::float8)")
    }
}
