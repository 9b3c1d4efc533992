import AlongsideCore
import AlongsideStore
import Foundation
import Testing

/// Two consecutive "weeks" (spans of seven days) before `t0`.
private let week1 = TimeSpan(start: hours(-24 * 14), end: hours(-24 * 7))
private let week2 = TimeSpan(start: hours(-24 * 7), end: t0)

private let figures1 = WeekFigures(presentations: 3, waitSeconds: [600, 120])
private let figures2 = WeekFigures(presentations: 1, waitSeconds: [])

@Suite("Store contract: the trend's kept week figures")
struct WeekFiguresContractTests {
    /// Keeps both weeks' figures for `scope`, read at the current version.
    private func keepBoth(_ f: StoreFixture, scope: String = WeekFigureScope.allSites) throws {
        let version = try f.read { try $0.keptWeekFigures(scope: scope, spans: []).version }
        try f.store.keepWeekFigures(
            [(week1, figures1), (week2, figures2)], scope: scope, readAt: version)
    }

    private func kept(_ f: StoreFixture, scope: String = WeekFigureScope.allSites) throws
        -> [TimeSpan: WeekFigures]
    {
        try f.read { try $0.keptWeekFigures(scope: scope, spans: [week1, week2]).figures }
    }

    @Test(arguments: StoreKind.available)
    func keptFiguresRoundTripPerScopeAndAreNotAudited(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try kept(f).isEmpty)
            try keepBoth(f)
            try keepBoth(f, scope: WeekFigureScope.site("North"))
            #expect(try kept(f) == [week1: figures1, week2: figures2])
            #expect(try kept(f, scope: "north") == [week1: figures1, week2: figures2])
            #expect(try kept(f, scope: "south").isEmpty)
            // Only the spans asked for: a span that merely starts inside is not the same week.
            let other = TimeSpan(start: week1.start, end: week2.end)
            #expect(
                try f.read { try $0.keptWeekFigures(scope: "*", spans: [other]).figures }.isEmpty)
            #expect(try f.read { try $0.allKeptWeekFigures() }.count == 4)
            try f.expectClean(entries: 0)
        }
    }

    @Test(arguments: StoreKind.available)
    func aChangeToAPresentationOfTheWeekDropsItsFiguresAndNoOther(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try keepBoth(f)
            // Registered (say, late) into week 1: week 1's figures go, week 2's stay.
            let n = try f.write("register") {
                try $0.insertPresentation(anonymous(arrived: week1.start.addingTimeInterval(60)))
            }
            #expect(try kept(f) == [week2: figures2])
            try keepBoth(f)
            // Closing it (outcome, closed time) changes no figure: both stay.
            try f.write("close") { tx in
                var p = try #require(try tx.presentation(n))
                p.closedAt = week1.start.addingTimeInterval(600)
                p.outcome = .leftBeforeSeen
                try tx.updatePresentation(p)
            }
            #expect(try kept(f).count == 2)
            // Moving its arrival into week 2 drops both weeks (the old and the new).
            try f.write("edit") { tx in
                var p = try #require(try tx.presentation(n))
                p.arrivedAt = week2.start.addingTimeInterval(60)
                try tx.updatePresentation(p)
            }
            #expect(try kept(f).isEmpty)
            try keepBoth(f)
            // Voiding drops its week.
            try f.write("void") { tx in
                var p = try #require(try tx.presentation(n))
                try p.void(at: t0)
                try tx.updatePresentation(p)
            }
            #expect(try kept(f) == [week1: figures1])
            // A bulk import into week 1 drops it too.
            try f.write("presentations import") {
                _ = try $0.insertPresentations([anonymous(arrived: week1.start)])
            }
            #expect(try kept(f).isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func aSpanLongerThanAnyWeekIsNotKept(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let long = TimeSpan(start: week1.start, end: week2.end)
            let version = try f.read { try $0.keptWeekFigures(scope: "*", spans: []).version }
            try f.store.keepWeekFigures([(long, figures1)], scope: "*", readAt: version)
            #expect(try f.read { try $0.allKeptWeekFigures() }.isEmpty)
            // The triggers look back exactly that far: a week of 169 hours (the clocks going
            // back) is kept, and an arrival in its last hour drops it.
            let week = TimeSpan(start: week1.start, end: week1.start.addingTimeInterval(169 * 3600))
            try f.store.keepWeekFigures([(week, figures1)], scope: "*", readAt: version)
            #expect(try f.read { try $0.allKeptWeekFigures() }.count == 1)
            try f.write("register") {
                _ = try $0.insertPresentation(
                    anonymous(arrived: week.end.addingTimeInterval(-60)))
            }
            #expect(try f.read { try $0.allKeptWeekFigures() }.isEmpty)
        }
    }

    @Test(arguments: StoreKind.available)
    func figuresReadBeforeAnotherChangeAreNotKept(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let version = try f.read { try $0.keptWeekFigures(scope: "*", spans: []).version }
            // Another console's change commits between the read and the keep (here in week
            // 2, where no figures are kept yet, so no trigger could drop them).
            try f.write("register") {
                _ = try $0.insertPresentation(anonymous(arrived: week2.start))
            }
            try f.store.keepWeekFigures([(week2, figures2)], scope: "*", readAt: version)
            #expect(try kept(f).isEmpty)
            // Read again at the new version, they are kept.
            try keepBoth(f)
            #expect(try kept(f).count == 2)
        }
    }
}
