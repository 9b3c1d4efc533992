import AlongsideCore
import AlongsideStore
import Foundation
import Testing

// Fixed data for the contract suite: fixed instants (no test reads the clock), records with
// every field set, a seeded generator for orders that must not matter.

/// Monday 16 November 2026, 09:14:05 UTC.
let t0 = Date(timeIntervalSince1970: 1_794_820_445)

/// `minutes` after (or before) `t0`.
func at(_ minutes: Int) -> Date { t0.addingTimeInterval(TimeInterval(minutes * 60)) }

/// `hours` after (or before) `t0`.
func hours(_ h: Int) -> Date { t0.addingTimeInterval(TimeInterval(h * 3600)) }

/// Who acts: `alice` at `t0` unless told.
func context(_ command: String, actor: String = "alice", at time: Date = t0) -> ActingContext {
    ActingContext(actor: actor, command: command, at: time)
}

/// A mentor with every field set.
let amy = Mentor(
    id: "amy-w", name: "Amy Walsh", gender: "female", languages: ["english", "polish"],
    localities: ["blackpool", "fleetwood"], experience: ["alcohol", "bereavement"], capacity: 2,
    dbsRecheckDue: LocalDate(year: 2027, month: 6, day: 30), lead: true, status: .active,
    phone: "+44 1253 300000")

/// A mentor with every optional field empty.
let bob = Mentor(id: "bob", name: "Bob Ince")

/// A plain mentor with an id of `M` + number.
func numbered(_ id: String, capacity: Int = 1) -> Mentor {
    Mentor(id: id, name: "Mentor \(id)", capacity: capacity)
}

/// A person referred at `arrived` with every identifying field set.
func person(
    arrived: Date = at(-50), nhs: String? = "9434765919", ref: String? = "MRN-123",
    site: String = SiteName.main
) -> Presentation {
    Presentation(
        ref: ref, nhs: nhs, locality: "blackpool", needs: ["alcohol", "housing"],
        arrivedAt: arrived, edArrival: arrived.addingTimeInterval(-1000), ageBand: "25-34",
        gender: "male", mentorGender: "female", language: "polish", leadMentor: true, site: site)
}

/// A person with no identifiers.
func anonymous(arrived: Date, locality: String = "preston") -> Presentation {
    Presentation(locality: locality, needs: ["debt"], arrivedAt: arrived)
}

/// `p` as stored under `number`.
func numbered(_ p: Presentation, _ number: Int) -> Presentation {
    var stored = p
    stored.number = number
    return stored
}

/// The text an audit entry holds for a record's view (the shared policy's redaction).
func stored(_ value: JSONValue) -> String? { AuditPolicy.storedText(value) }

/// An error thrown by a write body to make it roll back.
struct Boom: Error, Equatable {}

/// A SplitMix64 generator: orders shuffled by it are the same on every run.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension StoreFixture {
    /// One write transaction with `command` as the acting command.
    @discardableResult
    func write<T>(
        _ command: String, actor: String = "alice", at time: Date = t0,
        _ body: (any StoreWriting) throws -> T
    ) throws -> T {
        try store.write(context(command, actor: actor, at: time), body)
    }

    /// One read transaction.
    func read<T>(_ body: (any StoreReading) throws -> T) throws -> T {
        try store.read(body)
    }

    /// Every audit entry, oldest first.
    func entries() throws -> [AuditEntry] {
        try store.read { try $0.auditEntries(since: nil, entity: nil) }
    }

    /// The audit chain verifies with no problems, holds `entries` entries, and `check`
    /// finds nothing.
    func expectClean(
        entries expected: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let verified = try store.verifyAudit()
        #expect(verified.problems == [], sourceLocation: sourceLocation)
        #expect(verified.entries == expected, sourceLocation: sourceLocation)
        #expect(try store.read { try $0.auditCount() } == expected, sourceLocation: sourceLocation)
        let problems = try store.check()
        #expect(problems == [], sourceLocation: sourceLocation)
    }
}

/// Runs `body` on a fresh store of `kind`, deleting it afterwards.
func withStore(
    _ kind: StoreKind, _ name: String = "contract", _ body: (StoreFixture) throws -> Void
) throws {
    let fixture = try kind.fresh(name)
    defer { fixture.remove() }
    try body(fixture)
}

/// `body` throws exactly `expected`.
func expectError<E: Error & Equatable>(
    _ expected: E, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) {
    do {
        try body()
        Issue.record("expected \(expected), nothing was thrown", sourceLocation: sourceLocation)
    } catch let error as E {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}
