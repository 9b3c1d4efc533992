import AlongsideCore
import AlongsideStore
import Foundation

// The trend's kept week figures (migration pg2-week-figures), as the SQLite store keeps
// them: read with the data's version (`audit_head.changes`, which every commit that changes
// anything moves), kept only if it has not moved.

extension PostgresTransaction {
    func keptWeekFigures(scope: String, spans: [TimeSpan]) throws -> KeptWeekFigures {
        var found: [TimeSpan: WeekFigures] = [:]
        if let first = spans.map(\.start).min(), let last = spans.map(\.end).max() {
            let wanted = Set(spans)
            for row in try run.query(
                """
                SELECT start, "end", presentations, waits FROM week_figures
                WHERE scope = $1 AND start >= $2 AND start < $3
                """, [scope.pg, first.pg, last.pg])
            {
                let span = TimeSpan(
                    start: Date(storedSeconds: row.int(0) ?? 0),
                    end: Date(storedSeconds: row.int(1) ?? 0))
                guard wanted.contains(span),
                    let figures = WeekFigures(
                        presentations: Int(row.int(2) ?? -1), storedWaits: row.bytes(3) ?? [])
                else { continue }
                found[span] = figures
            }
        }
        return KeptWeekFigures(figures: found, version: try PostgresStore.dataVersion(run))
    }

    func tallyArrivals(into tally: inout WeekFigures.Tally, site: String?) throws {
        guard let first = tally.spans.first, let last = tally.spans.last else { return }
        let wanted = site?.lowercased()
        for row in try run.query(
            """
            SELECT arrived_at, seen_at, site FROM presentation
            WHERE arrived_at >= $1 AND arrived_at < $2 AND voided_at IS NULL
            """, [first.start.pg, last.end.pg])
        {
            guard WeekFigureScope.matches(row.text(2) ?? "", wanted) else { continue }
            let arrived = row.int(0) ?? 0
            tally.add(
                arrivedAt: Date(storedSeconds: arrived),
                waitSeconds: row.int(1).map { Int($0 - arrived) })
        }
    }

    func allKeptWeekFigures() throws -> [(scope: String, span: TimeSpan, figures: WeekFigures?)] {
        try run.query(
            """
            SELECT scope, start, "end", presentations, waits FROM week_figures
            ORDER BY scope, start, "end"
            """
        ).map { row in
            (
                row.text(0) ?? "",
                TimeSpan(
                    start: Date(storedSeconds: row.int(1) ?? 0),
                    end: Date(storedSeconds: row.int(2) ?? 0)),
                WeekFigures(presentations: Int(row.int(3) ?? -1), storedWaits: row.bytes(4) ?? [])
            )
        }
    }
}

extension PostgresStore {
    /// The version kept figures are read and kept at: the head row's change counter
    /// (``changeCounter()``'s, read inside the transaction).
    static func dataVersion(_ run: PGRunner) throws -> Int64 {
        try run.int(changesQuery) ?? 0
    }

    public func keepWeekFigures(
        _ figures: [(span: TimeSpan, figures: WeekFigures)], scope: String, readAt version: Int64
    ) throws {
        guard !figures.isEmpty else { return }
        try transaction(write: true) { run in
            guard try Self.dataVersion(run) == version else { return }
            for (span, f) in figures
            where span.end.storedSeconds - span.start.storedSeconds
                <= WeekFigureScope.longestSpanSeconds
            {
                try run.execute(
                    """
                    INSERT INTO week_figures(scope, start, "end", presentations, waits)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (scope, start, "end") DO UPDATE
                    SET presentations = excluded.presentations, waits = excluded.waits
                    """,
                    [
                        scope.pg, span.start.pg, span.end.pg, f.presentations.pg,
                        .bytes(f.storedWaits),
                    ])
            }
        }
    }
}
