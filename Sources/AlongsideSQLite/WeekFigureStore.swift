import AlongsideCore
import AlongsideStore
import Foundation
import GRDB

// The trend's kept week figures (migration v8-week-figures): read with the data's version
// (the audit log's head, which every console change moves), kept only if it has not moved.

extension SQLiteTransaction {
    func keptWeekFigures(scope: String, spans: [TimeSpan]) throws -> KeptWeekFigures {
        var found: [TimeSpan: WeekFigures] = [:]
        if let first = spans.map(\.start).min(), let last = spans.map(\.end).max() {
            let wanted = Set(spans)
            let rows = try Row.fetchCursor(
                db.cachedStatement(
                    sql: """
                        SELECT start, "end", presentations, waits FROM week_figures
                        WHERE scope = ? AND start >= ? AND start < ?
                        """),
                arguments: [scope, first.storedSeconds, last.storedSeconds])
            while let row = try rows.next() {
                let span = TimeSpan(
                    start: Date(storedSeconds: row[0]), end: Date(storedSeconds: row[1]))
                guard wanted.contains(span) else { continue }
                let presentations: Int = row[2]
                let figures = try row.withUnsafeData(atIndex: 3) { bytes in
                    WeekFigures(presentations: presentations, storedWaits: bytes ?? Data())
                }
                if let figures { found[span] = figures }
            }
        }
        return KeptWeekFigures(figures: found, version: try Self.dataVersion(db))
    }

    func tallyArrivals(into tally: inout WeekFigures.Tally, site: String?) throws {
        guard let first = tally.spans.first, let last = tally.spans.last else { return }
        let wanted = site?.lowercased()
        let rows = try Row.fetchCursor(
            db.cachedStatement(
                sql: """
                    SELECT arrived_at, seen_at, site FROM presentation
                    WHERE arrived_at >= ? AND arrived_at < ? AND voided_at IS NULL
                    """), arguments: [first.start.storedSeconds, last.end.storedSeconds])
        while let row = try rows.next() {
            guard WeekFigureScope.matches(row[2], wanted) else { continue }
            let arrived: Int64 = row[0]
            let seen: Int64? = row[1]
            tally.add(
                arrivedAt: Date(storedSeconds: arrived), waitSeconds: seen.map { Int($0 - arrived) })
        }
    }

    func allKeptWeekFigures() throws -> [(scope: String, span: TimeSpan, figures: WeekFigures?)] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT scope, start, "end", presentations, waits FROM week_figures
                ORDER BY scope, start, "end"
                """
        ).map { row in
            let presentations: Int = row[3]
            return (
                row[0], TimeSpan(start: Date(storedSeconds: row[1]), end: Date(storedSeconds: row[2])),
                try row.withUnsafeData(atIndex: 4) { bytes in
                    WeekFigures(presentations: presentations, storedWaits: bytes ?? Data())
                }
            )
        }
    }

    /// The version kept figures are read and kept at: the audit log's head (one seek).
    static func dataVersion(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT coalesce(max(seq), 0) FROM audit"))
            ?? 0
    }
}

extension SQLiteStore {
    public func keepWeekFigures(
        _ figures: [(span: TimeSpan, figures: WeekFigures)], scope: String, readAt version: Int64
    ) throws {
        guard !figures.isEmpty else { return }
        try StorageErrors.plain {
            try queue.write { db in
                guard try SQLiteTransaction.dataVersion(db) == version else { return }
                for (span, f) in figures
                where span.end.storedSeconds - span.start.storedSeconds
                    <= WeekFigureScope.longestSpanSeconds
                {
                    try db.cachedExecute(
                        sql: """
                            INSERT OR REPLACE INTO week_figures(scope, start, "end", presentations,
                                waits)
                            VALUES (?, ?, ?, ?, ?)
                            """,
                        arguments: [
                            scope, span.start.storedSeconds, span.end.storedSeconds,
                            f.presentations, Data(f.storedWaits),
                        ])
                }
            }
        }
    }
}
