import AlongsideCore
import AlongsideStore
import Foundation
import Testing

/// The audit view of a staff record.
private func staffView(_ name: String, _ role: Role, pin: Bool) -> String {
    #"{"name":"\#(name)","role":"\#(role.rawValue)","has_pin":\#(pin)}"#
}

private let hash = "pbkdf2-sha256$600000$c2FsdHNhbHQ$aGFzaGhhc2g"

@Suite("Store contract: staff, PIN attempts and settings")
struct PeopleContractTests {
    @Test(arguments: StoreKind.available)
    func staffAreAddedReplacedListedByNameAndRemoved(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("staff add") { tx in
                try tx.upsertStaff(StaffMember(name: "kim", role: .liaison))
                try tx.upsertStaff(StaffMember(name: "alice", role: .admin, pinHash: hash))
            }
            #expect(
                try f.read { try $0.staff() } == [
                    StaffMember(name: "alice", role: .admin, pinHash: hash),
                    StaffMember(name: "kim", role: .liaison),
                ])
            try f.write("staff role") {
                try $0.upsertStaff(StaffMember(name: "kim", role: .coordinator))
            }
            #expect(
                try f.read { try $0.staffMember("kim") }
                    == StaffMember(name: "kim", role: .coordinator))
            try f.write("staff remove") { try $0.removeStaff("kim") }
            #expect(try f.read { try $0.staffMember("kim") } == nil)
            #expect(try f.read { try $0.staff() }.map(\.name) == ["alice"])

            let entries = try f.entries()
            #expect(entries.map(\.action) == ["insert", "insert", "update", "delete"])
            #expect(
                entries.map(\.entity) == ["staff:kim", "staff:alice", "staff:kim", "staff:kim"])
            #expect(entries[0].after == staffView("kim", .liaison, pin: false))
            #expect(entries[1].after == staffView("alice", .admin, pin: true))
            #expect(entries[2].before == staffView("kim", .liaison, pin: false))
            #expect(entries[2].after == staffView("kim", .coordinator, pin: false))
            #expect(entries[3].before == #"{"name":"kim","role":"coordinator"}"#)
            #expect(entries[3].after == nil)
            // The PIN's hash is never in the log.
            #expect(entries.allSatisfy { !($0.after ?? "").contains("pbkdf2") })
            try f.expectClean(entries: 4)
        }
    }

    /// Isolation contract: "ids (mentor, staff, service) compare without regard to case".
    @Test(arguments: StoreKind.available)
    func staffNamesCompareWithoutRegardToCase(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("staff add") {
                try $0.upsertStaff(StaffMember(name: "alice", role: .admin))
            }
            try f.write("login") {
                try $0.setPinAttempts("alice", PinAttempts(failures: 2))
            }
            #expect(try f.read { try $0.pinAttempts("ALICE") } == PinAttempts(failures: 2))
            let found = try f.read { try $0.staffMember("Alice") }
            // Both stores compare staff names with case (SQLite: staff.name has no COLLATE
            // NOCASE; PostgreSQL: `WHERE name = $1`, as SQLite), against the contract.
            #expect(found == StaffMember(name: "alice", role: .admin))
        }
    }

    @Test(arguments: StoreKind.available)
    func pinAttemptsAreKeptPerNameAndNotAudited(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("staff add") {
                try $0.upsertStaff(StaffMember(name: "kim", role: .liaison))
            }
            #expect(try f.read { try $0.pinAttempts("kim") } == PinAttempts())
            #expect(try f.read { try $0.pinAttempts("nobody") } == PinAttempts())
            let locked = PinAttempts(
                failures: 0, lockedUntil: at(15).addingTimeInterval(0.4), firstPin: true)
            try f.write("login") { try $0.setPinAttempts("kim", locked) }
            #expect(
                try f.read { try $0.pinAttempts("kim") }
                    == PinAttempts(failures: 0, lockedUntil: at(15), firstPin: true))
            try f.write("login") { try $0.setPinAttempts("kim", PinAttempts(failures: 3)) }
            #expect(try f.read { try $0.pinAttempts("kim") } == PinAttempts(failures: 3))
            // A name with no staff record may be counted too (a mistyped --user).
            try f.write("login") { try $0.setPinAttempts("mallory", PinAttempts(failures: 1)) }
            #expect(try f.read { try $0.pinAttempts("mallory") } == PinAttempts(failures: 1))
            try f.expectClean(entries: 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func settingsAreSeededInOneEntryAndSetOneByOne(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.read { try $0.settings() } == [:])
            try f.write("init") {
                try $0.seedSettings([
                    (key: "target_minutes", value: "60"), (key: "site", value: "victoria"),
                ])
            }
            #expect(
                try f.read { try $0.settings() } == ["target_minutes": "60", "site": "victoria"])
            try f.write("config set") { try $0.setSetting("target_minutes", "90") }
            try f.write("config set") { try $0.setSetting("retention_years", "8") }
            #expect(
                try f.read { try $0.settings() }
                    == ["target_minutes": "90", "site": "victoria", "retention_years": "8"])
            let entries = try f.entries()
            #expect(entries.map(\.action) == ["insert", "update", "insert"])
            #expect(
                entries.map(\.entity) == [
                    "setting", "setting:target_minutes", "setting:retention_years",
                ])
            #expect(entries[0].after == #"{"target_minutes":"60","site":"victoria"}"#)
            #expect(entries[1].before == #"{"key":"target_minutes","value":"60"}"#)
            #expect(entries[1].after == #"{"key":"target_minutes","value":"90"}"#)
            #expect(entries[2].before == nil)
            try f.expectClean(entries: 3)
        }
    }
}
