import AlongsideCore
import AlongsideStore
@testable import AlongsideSQLite
import Foundation
import Testing

@testable import AlongsideConsole

// `demo generate`: fills an empty database in one go (bulk presentations with one audit
// entry), leaves an unbroken audit chain, and refuses a database that holds records.

private final class DemoDesk {
    let folder: URL
    let store: SQLiteStore
    private(set) var console: Console!
    var out = ""
    var err = ""

    init(now: Date, user: String = "admin1", role: Role = .admin) throws {
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-demo-\(TestNames.unique())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        store = try SQLiteStore(path: folder.appendingPathComponent("db.sqlite").path)
        let session = Session(
            store: store, config: SiteConfig(), calendar: .london, tags: .standard,
            localities: .standard, clock: { now }, user: user)
        // In process, the harness stands for a user whose identity has been proved.
        session.authenticated = true
        try store.write(ActingContext(actor: "test", command: "init", at: now)) {
            try $0.upsertStaff(StaffMember(name: user, role: role))
        }
        console = Console(
            makeSession: { session }, out: { [unowned self] in self.out += $0 },
            err: { [unowned self] in self.err += $0 })
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    @discardableResult
    func run(_ line: String) -> (ok: Bool, out: String, err: String) {
        out = ""
        err = ""
        let ok = console.run(line: line)
        return (ok, out, err)
    }
}

/// Wednesday 2026-11-18 19:40 GMT.
private let evening = Date(timeIntervalSince1970: 1_795_030_800)

@Suite("demo generate")
struct DemoCommandTests {
    @Test func fillsAnEmptyDatabaseWithPeopleWaitingAndMentorsOnShift() throws {
        let desk = try DemoDesk(now: evening)
        let made = desk.run("demo generate --mentors 24 --weeks 4 --per-day 20 --seed 5")
        #expect(made.ok, "\(made.err)")
        #expect(made.out.contains("Made 24 mentors"))
        let expected = DemoGenerator.generate(
            DemoParameters(mentors: 24, weeks: 4, perDay: 20, seed: 5),
            tags: .standard, localities: .standard, calendar: .london, now: evening)
        let (mentors, waiting, states, last) = try desk.store.read { tx in
            (try tx.mentors(), try tx.waitingPresentations(), try tx.mentorStates(at: evening),
             try tx.presentation(expected.presentations.count))
        }
        #expect(mentors.count == 24)
        #expect(waiting.count >= 3)
        #expect(last?.arrivedAt == expected.presentations.last?.arrivedAt)
        let onShift = states.filter { s in
            s.mentor.status == .active && s.shifts.contains { $0.contains(evening) }
        }
        #expect(onShift.count >= 4)
        // The bulk insert kept the audit chain whole.
        let audit = try desk.store.verifyAudit()
        #expect(audit.problems.isEmpty)
        #expect(desk.run("queue").ok)
        #expect(desk.run("summary week").ok)
    }

    @Test func refusesADatabaseThatHoldsRecords() throws {
        let desk = try DemoDesk(now: evening)
        #expect(desk.run("mentor add M1 --name Ann --localities blackpool --experience alcohol").ok)
        let again = desk.run("demo generate --mentors 5 --weeks 1 --per-day 5")
        #expect(!again.ok)
        #expect(again.err.contains("only fills an empty one"))
    }

    @Test func needsTheAdminRole() throws {
        let desk = try DemoDesk(now: evening, user: "liz", role: .liaison)
        let r = desk.run("demo generate --mentors 5 --weeks 1 --per-day 5")
        #expect(!r.ok)
        #expect(r.err.contains("admin"))
    }

    @Test func refusesSillySizes() throws {
        let desk = try DemoDesk(now: evening)
        #expect(desk.run("demo generate --mentors 0").err.contains("--mentors"))
        let weeks = desk.run("demo generate --weeks -1")
        #expect(!weeks.ok && weeks.err.contains("--weeks"), "\(weeks)")
    }
}
