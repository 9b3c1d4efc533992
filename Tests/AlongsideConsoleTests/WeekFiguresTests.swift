import Foundation
import Testing

/// The trend's kept week figures through the binary: the same output whether they are
/// kept or computed, dropped when a past presentation changes, and checked by `check`.
@Suite("The trend's kept week figures, through the binary")
struct WeekFiguresBinaryTests {
    /// Wednesday 2 December 2026, 12:00 UTC.
    static let now = Date(timeIntervalSince1970: 1_796_212_800)

    /// A site with eight weeks of demo history.
    static func site() throws -> Sandbox {
        let s = try Sandbox(now: now)
        try s.setUp(["demo generate --mentors 12 --weeks 8 --per-day 12 --seed 5"])
        return s
    }

    /// The trend as CSV and JSON, which must be the same as computed from the
    /// presentations alone (the kept figures dropped by hand first, in a copy).
    static func expectSameAsComputed(
        _ s: Sandbox, _ command: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> String {
        let kept = try s.commands([command])
        try #require(kept.status == 0, "\(kept)", sourceLocation: sourceLocation)
        let copy = try Sandbox(now: now)
        try FileManager.default.createDirectory(
            atPath: (copy.db as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: s.db, toPath: copy.db)
        _ = try SafetyTests.sqlite(copy.db, "DELETE FROM week_figures")
        let computed = try copy.commands([command])
        #expect(kept.stdout == computed.stdout, sourceLocation: sourceLocation)
        return kept.stdout
    }

    @Test func theTrendIsTheSameKeptOrComputedAndFollowsAChangeToAPastWeek() throws {
        let s = try Self.site()
        func keptForTheSite() throws -> String {
            try SafetyTests.sqlite(s.db, "SELECT count(*) FROM week_figures WHERE scope <> '*'")
        }
        #expect(try keptForTheSite() == "0")
        let first = try Self.expectSameAsComputed(s, "summary trend --weeks 8 --format csv")
        // The trend kept its closed weeks (8 shown and the one before, for the change).
        #expect(try keptForTheSite() == "9")
        #expect(try Self.expectSameAsComputed(s, "summary trend --weeks 8 --format csv") == first)
        _ = try Self.expectSameAsComputed(s, "summary trend --weeks 8 --format json")
        _ = try Self.expectSameAsComputed(s, "summary trend --weeks 8 --site all")
        _ = try Self.expectSameAsComputed(s, "summary week --format html")
        // The report's chart added the three weeks before (W37 to W39).
        #expect(try keptForTheSite() == "12")
        // Void a presentation of three weeks ago: its week's figures go, and the trend
        // shows one fewer there.
        let victim = try SafetyTests.sqlite(
            s.db,
            """
            SELECT id FROM presentation WHERE voided_at IS NULL
            AND arrived_at < strftime('%s', '2026-11-16') AND arrived_at >= strftime('%s', '2026-11-09')
            ORDER BY id LIMIT 1
            """)
        try s.setUp(["void P\(victim) --reason 'registered twice'"])
        #expect(try keptForTheSite() == "11")
        let after = try Self.expectSameAsComputed(s, "summary trend --weeks 8 --format csv")
        #expect(after != first)
        #expect(try keptForTheSite() == "12")
        let check = try s.commands(["check"])
        #expect(check.status == 0, "\(check)")
    }

    @Test func checkReportsKeptFiguresChangedBehindTheConsolesBack() throws {
        let s = try Self.site()
        try s.setUp(["summary trend --weeks 4"])
        _ = try SafetyTests.sqlite(
            s.db,
            """
            UPDATE week_figures SET presentations = presentations + 5
            WHERE start = (SELECT max(start) FROM week_figures)
            """)
        let check = try s.commands(["check"])
        #expect(check.status == 1, "\(check)")
        #expect(
            check.stderr.contains("week_figures: the trend's figures kept for 2026-W48 (site ")
                && check.stderr.contains("differ from its presentations"), "\(check)")
    }
}
