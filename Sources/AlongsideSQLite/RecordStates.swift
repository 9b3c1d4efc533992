import AlongsideCore
import AlongsideStore
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

    /// The copied audit chains of imported sites (v7-site-import): each row is accounted
    /// for by the trust's entry that sealed its import.
    static let siteAudit = AuditedTable(
        name: "site_audit",
        columns: "site, seq, at, actor, command, action, entity, before, after, prev_hash, hash"
    ) { "site_audit:" + ($0[0] as String) + ":\($0[1] as Int64)" }

    /// Every audited table, in the order `check` reads them.
    static let all: [AuditedTable] = [
        .presentation, .mentor, .shift, .leave, .decline, .staff, .setting, .hold, .siteAudit,
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


extension RecordState {
    /// The canonical state of a row read back from SQLite.
    static func canonical(_ row: Row) -> String {
        canonical(
            row.databaseValues.lazy.map { v -> StoredValue in
                switch v.storage {
                case .null: .null
                case .int64(let n): .int(n)
                case .double(let d): .double(d)
                case .string(let s): .text(s)
                case .blob(let b): .blob(Array(b))
                }
            })
    }
}
