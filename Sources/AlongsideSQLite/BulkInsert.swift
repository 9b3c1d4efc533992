import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// Bulk loading for `demo generate` (and any bulk import): rows through one prepared
// statement, one audit entry for the whole batch.

extension SQLiteTransaction {
    /// Adds presentations (in the order given) through one cached prepared statement and
    /// appends ONE audit entry summarising the batch (`insert`, no entity, after =
    /// `{"presentations": n, "first": "P…", "last": "P…"}`; identifiers are never logged).
    /// Returns the numbers given to the first and the last row (consecutive: the write
    /// transaction holds the only writer), or nil for an empty batch.
    func insertPresentations(_ ps: [Presentation]) throws -> ClosedRange<Int>? {
        guard !ps.isEmpty else { return nil }
        let columns = Columns.presentation.split(separator: ",").dropFirst()
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let statement = try db.cachedStatement(
            sql: """
                INSERT INTO presentation(\(columns.joined(separator: ", ")))
                VALUES (\(Array(repeating: "?", count: columns.count).joined(separator: ", ")))
                """)
        var first = 0
        for (i, p) in ps.enumerated() {
            try statement.execute(arguments: StatementArguments(p.argumentsWithoutID))
            if i == 0 { first = Int(db.lastInsertedRowID) }
        }
        let last = Int(db.lastInsertedRowID)
        // The entry digests every row it added (audit_row), so `check` accounts for each.
        try audit(
            "insert", entity: nil, before: nil,
            after: .object([
                ("presentations", .int(ps.count)), ("first", .string(PresentationID.format(first))),
                ("last", .string(PresentationID.format(last))),
            ]),
            bulk: [
                RecordSelection(
                    table: .presentation, condition: "id BETWEEN ? AND ?", arguments: [first, last])
            ])
        return first...last
    }
}
