import AlongsideCore
import AlongsideStore
import Foundation

/// A table whose rows the audit log accounts for (spec §8), as the SQLite store's
/// `AuditedTable`: the same tables, the same columns (so the same canonical state of a
/// record) and the same record keys; plus `site_audit`, the copied chains of imported sites.
struct PGAuditedTable: Sendable {
    /// The table.
    let name: String
    /// The columns whose values make the state.
    let columns: String
    /// How many of them.
    let count: Int
    /// Expressions of a unique key, read after the state's columns: rows are read in pages
    /// in this order (keyset paging), so a table of a million rows is never held at once.
    let pageKey: [String]
    /// The record's key from a row of `columns`.
    let key: @Sendable (PGRow) -> String

    init(
        name: String, columns: String, pageKey: [String],
        key: @escaping @Sendable (PGRow) -> String
    ) {
        self.name = name
        self.columns = columns
        self.count = columns.split(separator: ",").count
        self.pageKey = pageKey
        self.key = key
    }

    static let presentation = PGAuditedTable(
        name: "presentation", columns: Columns.presentation, pageKey: ["id"]
    ) { "presentation:\($0.int64(0))" }
    static let mentor = PGAuditedTable(
        name: "mentor", columns: Columns.mentor, pageKey: ["lower(id)"]
    ) { "mentor:" + $0.string(0).lowercased() }
    static let shift = PGAuditedTable(
        name: "shift", columns: #"id, mentor_id, start, "end""#, pageKey: ["id"]
    ) { "shift:\($0.int64(0))" }
    static let leave = PGAuditedTable(
        name: "leave", columns: #"id, mentor_id, start, "end""#, pageKey: ["id"]
    ) { "leave:\($0.int64(0))" }
    static let decline = PGAuditedTable(
        name: "decline", columns: "presentation_id, mentor_id, at, reason",
        pageKey: ["presentation_id", "lower(mentor_id)"]
    ) { "decline:\($0.int64(0)):" + $0.string(1).lowercased() }
    static let staff = PGAuditedTable(
        name: "staff", columns: "name, role, pin_hash", pageKey: ["name"]
    ) { "staff:" + $0.string(0) }
    static let setting = PGAuditedTable(name: "setting", columns: "key, value", pageKey: ["key"]) {
        "setting:" + $0.string(0)
    }
    static let hold = PGAuditedTable(
        name: "hold", columns: "presentation_id, reason, at", pageKey: ["presentation_id"]
    ) { "hold:\($0.int64(0))" }
    /// A site's copied chain (trust database only): each entry is a record, so `check` finds
    /// one edited behind the console's back.
    static let siteAudit = PGAuditedTable(
        name: "site_audit",
        columns:
            "site, seq, at, actor, command, action, entity, before, after, prev_hash, hash",
        pageKey: ["site", "seq"]
    ) { "site_audit:\($0.string(0)):\($0.int64(1))" }

    /// Every audited table, in the order `check` reads them.
    static let all: [PGAuditedTable] = [
        .presentation, .mentor, .shift, .leave, .decline, .staff, .setting, .hold, .siteAudit,
    ]

    /// The rows of one page.
    static let pageSize = 5000

    /// Calls `each` with the key and canonical state of every row matching `condition`
    /// (SQL with binds `$1 …` from `binds`), page by page in `pageKey` order.
    func forEachRow(
        _ run: PGRunner, where condition: String = "true", binds: [PGValue] = [],
        _ each: (String, String) throws -> Void
    ) throws {
        var after: [PGValue]?
        let keys = pageKey.joined(separator: ", ")
        while true {
            var sql = "SELECT \(columns), \(keys) FROM \(name) WHERE (\(condition))"
            var args = binds
            if let after {
                sql += " AND (\(keys)) > (\(placeholders(after.count, from: args.count + 1)))"
                args += after
            }
            sql += " ORDER BY \(keys) LIMIT \(Self.pageSize)"
            let rows = try run.query(sql, args)
            for row in rows {
                try each(key(row), RecordState.canonical(row.storedValues(count: count)))
            }
            guard rows.count == Self.pageSize, let last = rows.last else { return }
            after = Array(last.values[count...])
        }
    }
}

/// One record an audit entry speaks for: its key and how to find its row.
struct PGRecordRef: Sendable {
    let table: PGAuditedTable
    let key: String
    let condition: String
    let binds: [PGValue]
    /// The row's canonical state when the statement that wrote it read it back (nil: read it
    /// when the entry is made).
    var stored: String?

    static func presentation(_ id: Int) -> PGRecordRef {
        PGRecordRef(
            table: .presentation, key: "presentation:\(id)", condition: "id = $1",
            binds: [id.pg])
    }
    static func mentor(_ id: String) -> PGRecordRef {
        PGRecordRef(
            table: .mentor, key: "mentor:" + id.lowercased(), condition: "lower(id) = $1",
            binds: [NoCase.fold(id).pg])
    }
    static func shift(_ id: Int64) -> PGRecordRef {
        PGRecordRef(table: .shift, key: "shift:\(id)", condition: "id = $1", binds: [id.pg])
    }
    static func leave(_ id: Int64) -> PGRecordRef {
        PGRecordRef(table: .leave, key: "leave:\(id)", condition: "id = $1", binds: [id.pg])
    }
    static func decline(_ presentation: Int, _ mentor: String) -> PGRecordRef {
        PGRecordRef(
            table: .decline, key: "decline:\(presentation):" + mentor.lowercased(),
            condition: "presentation_id = $1 AND lower(mentor_id) = $2",
            binds: [presentation.pg, NoCase.fold(mentor).pg])
    }
    static func staff(_ name: String) -> PGRecordRef {
        PGRecordRef(table: .staff, key: "staff:" + name, condition: "name = $1", binds: [name.pg])
    }
    static func setting(_ key: String) -> PGRecordRef {
        PGRecordRef(
            table: .setting, key: "setting:" + key, condition: "key = $1", binds: [key.pg])
    }
    static func hold(_ presentation: Int) -> PGRecordRef {
        PGRecordRef(
            table: .hold, key: "hold:\(presentation)", condition: "presentation_id = $1",
            binds: [presentation.pg])
    }

    /// The row's canonical state now, or nil when there is no such row.
    func canonical(_ run: PGRunner) throws -> String? {
        var found: String?
        try table.forEachRow(run, where: condition, binds: binds) { _, c in found = c }
        return found
    }
}

/// Rows chosen for one bulk audit entry (an import, a retention run).
struct PGRecordSelection: Sendable {
    let table: PGAuditedTable
    let condition: String
    let binds: [PGValue]

    init(_ table: PGAuditedTable, _ condition: String = "true", _ binds: [PGValue] = []) {
        self.table = table
        self.condition = condition
        self.binds = binds
    }
}
