import AlongsideCore
import Crypto
import Foundation
import GRDB

/// A table whose rows the audit log accounts for (spec §8): every change to one of its
/// rows records, in its audit entry, a digest of the row's whole stored state, so `check`
/// finds a row edited, added or deleted behind the console's back.
struct AuditedTable: Sendable {
    /// The table.
    let name: String
    /// The columns whose values make the state (explicit, so a new bookkeeping column does
    /// not change it).
    let columns: String
    /// The record's key from a row of `columns` (`presentation:12`, `mentor:m3`).
    let key: @Sendable (Row) -> String

    static let presentation = AuditedTable(name: "presentation", columns: Columns.presentation) {
        "presentation:\($0[0] as Int64)"
    }
    static let mentor = AuditedTable(name: "mentor", columns: Columns.mentor) {
        "mentor:" + ($0[0] as String).lowercased()
    }
    static let shift = AuditedTable(name: "shift", columns: #"id, mentor_id, start, "end""#) {
        "shift:\($0[0] as Int64)"
    }
    static let leave = AuditedTable(name: "leave", columns: #"id, mentor_id, start, "end""#) {
        "leave:\($0[0] as Int64)"
    }
    static let decline = AuditedTable(
        name: "decline", columns: "presentation_id, mentor_id, at, reason"
    ) { "decline:\($0[0] as Int64):" + ($0[1] as String).lowercased() }
    static let staff = AuditedTable(name: "staff", columns: "name, role, pin_hash") {
        "staff:" + ($0[0] as String)
    }
    static let setting = AuditedTable(name: "setting", columns: "key, value") {
        "setting:" + ($0[0] as String)
    }
    static let hold = AuditedTable(name: "hold", columns: "presentation_id, reason, at") {
        "hold:\($0[0] as Int64)"
    }

    /// Every audited table, in the order `check` reads them.
    static let all: [AuditedTable] = [
        .presentation, .mentor, .shift, .leave, .decline, .staff, .setting, .hold,
    ]

    /// Calls `each` with the key and canonical state of every row matching `condition`.
    func forEachRow(
        _ db: Database, where condition: String = "1", arguments: StatementArguments = [],
        _ each: (String, String) throws -> Void
    ) throws {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(columns) FROM \(name) WHERE \(condition)"),
            arguments: arguments)
        while let row = try rows.next() {
            try each(key(row), RecordState.canonical(row))
        }
    }
}

/// One record an audit entry speaks for: its key and how to find its row.
struct RecordRef: Sendable {
    let table: AuditedTable
    let key: String
    let condition: String
    let arguments: StatementArguments

    static func presentation(_ id: Int) -> RecordRef {
        RecordRef(
            table: .presentation, key: "presentation:\(id)", condition: "id = ?", arguments: [id])
    }
    static func mentor(_ id: String) -> RecordRef {
        RecordRef(
            table: .mentor, key: "mentor:" + id.lowercased(), condition: "id = ?", arguments: [id])
    }
    static func shift(_ id: Int64) -> RecordRef {
        RecordRef(table: .shift, key: "shift:\(id)", condition: "id = ?", arguments: [id])
    }
    static func leave(_ id: Int64) -> RecordRef {
        RecordRef(table: .leave, key: "leave:\(id)", condition: "id = ?", arguments: [id])
    }
    static func decline(_ presentation: Int, _ mentor: String) -> RecordRef {
        RecordRef(
            table: .decline, key: "decline:\(presentation):" + mentor.lowercased(),
            condition: "presentation_id = ? AND mentor_id = ?", arguments: [presentation, mentor])
    }
    static func staff(_ name: String) -> RecordRef {
        RecordRef(table: .staff, key: "staff:" + name, condition: "name = ?", arguments: [name])
    }
    static func setting(_ key: String) -> RecordRef {
        RecordRef(table: .setting, key: "setting:" + key, condition: "key = ?", arguments: [key])
    }
    static func hold(_ presentation: Int) -> RecordRef {
        RecordRef(
            table: .hold, key: "hold:\(presentation)", condition: "presentation_id = ?",
            arguments: [presentation])
    }

    /// The row's canonical state now, or nil when there is no such row.
    func canonical(_ db: Database) throws -> String? {
        var found: String?
        try table.forEachRow(db, where: condition, arguments: arguments) { _, c in found = c }
        return found
    }
}

/// Rows chosen for one bulk audit entry (an import, a retention run).
struct RecordSelection: Sendable {
    let table: AuditedTable
    let condition: String
    let arguments: StatementArguments
}

/// Digests of record states and audit content.
enum RecordState {
    /// The row's values as a JSON array: the text whose digest is the record's state.
    static func canonical(_ row: Row) -> String {
        var out = "["
        for (i, v) in row.databaseValues.enumerated() {
            if i > 0 { out += "," }
            switch v.storage {
            case .null: out += "null"
            case .int64(let n): out += String(n)
            case .double(let d): out += JSONValue.format(d)
            case .string(let s):
                // Most values need no escaping: append them as they are.
                if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != 0x22 && $0 != 0x5C }) {
                    out += "\""
                    out += s
                    out += "\""
                } else {
                    out += JSONValue.string(s).text
                }
            case .blob(let b): out += JSONValue.string("blob:" + PinHash.hex(Array(b))).text
            }
        }
        return out + "]"
    }

    /// SHA-256 of salt and text, in hex; nil for no text.
    static func digest(salt: [UInt8]?, _ text: String?) -> String? {
        guard let text else { return nil }
        var hasher = SHA256()
        if let salt { hasher.update(data: salt) }
        hasher.update(data: Data(text.utf8))
        return PinHash.hex(Array(hasher.finalize()))
    }

    /// 16 random bytes.
    static func newSalt() -> [UInt8] {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
    }

    static func bytes(hex: String?) -> [UInt8]? {
        guard let hex else { return nil }
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var i = 0
        while i < digits.count {
            guard let high = value(digits[i]), let low = value(digits[i + 1]) else { return nil }
            out.append(high << 4 | low)
            i += 2
        }
        return out
    }

    /// How a person reads a record key: `P12`, `mentor m3`, `shift 40`, `staff alice`.
    static func describe(_ key: String) -> String {
        let parts = key.split(separator: ":", maxSplits: 2).map(String.init)
        guard parts.count >= 2 else { return key }
        switch parts[0] {
        case "presentation": return "P" + parts[1]
        case "decline" where parts.count == 3: return "the decline of P\(parts[1]) by \(parts[2])"
        case "hold": return "the hold on P" + parts[1]
        default: return "\(parts[0]) \(parts[1...].joined(separator: ":"))"
        }
    }
}
