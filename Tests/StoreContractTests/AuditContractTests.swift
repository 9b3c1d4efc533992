import AlongsideCore
import AlongsideStore
import Foundation
import Testing

@Suite("Store contract: the audit log")
struct AuditContractTests {
    /// One write of each kind of change, each in its own transaction at its own minute.
    private func everyKindOfChange(_ f: StoreFixture) throws {
        var minute = 0
        func step(
            _ command: String, actor: String = "alice", _ body: (any StoreWriting) throws -> Void
        ) throws {
            minute += 1
            try f.write(command, actor: actor, at: at(minute), body)
        }
        try step("init") { try $0.seedSettings([(key: "site", value: "main")]) }
        try step("staff add") { try $0.upsertStaff(StaffMember(name: "alice", role: .admin)) }
        try step("mentor add") { try $0.insertMentor(amy) }
        try step("shift add") {
            try $0.insertShift(Shift(mentorID: "amy-w", span: TimeSpan(start: t0, end: hours(8))))
        }
        try step("leave") {
            try $0.insertLeave(
                Leave(mentorID: "amy-w", span: TimeSpan(start: hours(30), end: hours(40))))
        }
        try step("register", actor: "jo") { _ = try $0.insertPresentation(person()) }
        try step("decline", actor: "jo") {
            try $0.insertDecline(presentation: 1, mentor: "amy-w", at: at(7), reason: nil)
        }
        try step("show", actor: "jo") { try $0.logEvent(action: "read", entity: "P1", detail: nil) }
        try step("hold") { try $0.insertHold(presentation: 1, reason: "inquest", at: at(9)) }
        try step("config set") { try $0.setSetting("target_minutes", "90") }
        try step("mentor in") { try $0.insertSignIn(SignIn(mentorID: "amy-w", inAt: at(11))) }
        try step("export") {
            try $0.logEvent(action: "export", entity: nil, detail: "week 2026-W47")
        }
        try step("staff remove") { try $0.removeStaff("alice") }
    }

    @Test(arguments: StoreKind.available)
    func everyChangeWritesOneEntryChainedInSeqOrder(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try everyKindOfChange(f)
            let entries = try f.entries()
            #expect(entries.map(\.seq) == Array(1...13))
            #expect(
                entries.map(\.action) == [
                    "insert", "insert", "insert", "insert", "insert", "insert", "decline", "read",
                    "hold", "insert", "sign-in", "export", "delete",
                ])
            #expect(
                entries.map(\.entity) == [
                    "setting", "staff:alice", "amy-w", "amy-w", "amy-w", "P1", "P1", "P1", "P1",
                    "setting:target_minutes", "amy-w", nil, "staff:alice",
                ])
            #expect(entries.map(\.at) == (1...13).map { at($0) })
            #expect(
                entries.map(\.actor) == [
                    "alice", "alice", "alice", "alice", "alice", "jo", "jo", "jo",
                ] + Array(repeating: "alice", count: 5))
            #expect(entries[7].after == nil)
            #expect(entries[11].after == #"{"detail":"week 2026-W47"}"#)
            #expect(entries[0].prevHash == AuditPolicy.genesis)
            for i in 1..<entries.count {
                #expect(entries[i].prevHash == entries[i - 1].hash, "entry \(i + 1)")
            }
            #expect(Set(entries.map(\.hash)).count == 13)
            #expect(entries.allSatisfy { $0.hash.count == 64 && $0.hash.allSatisfy(\.isHexDigit) })
            #expect(try f.read { try $0.hasKeyedEntries() } == false)
            try f.expectClean(entries: 13)

            // Filters: by time (from), by entity (without regard to case), both.
            #expect(
                try f.read { try $0.auditEntries(since: at(11), entity: nil) }.map(\.seq) == [
                    11, 12, 13,
                ])
            #expect(
                try f.read { try $0.auditEntries(since: nil, entity: "p1") }.map(\.seq) == [
                    6, 7, 8, 9,
                ])
            #expect(
                try f.read { try $0.auditEntries(since: at(8), entity: "P1") }.map(\.seq) == [8, 9])
            #expect(try f.read { try $0.auditEntries(since: nil, entity: "P2") } == [])
        }
    }

    @Test(arguments: StoreKind.available)
    func theLogNeverHoldsAnNHSNumberOrRefInClear(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            let n = try f.write("register") { try $0.insertPresentation(person()) }
            var p = try #require(try f.read { try $0.presentation(n) })
            #expect(p.nhs == "9434765919")
            #expect(p.ref == "MRN-123")
            try p.assign(to: "amy-w", at: t0)
            try f.write("assign") { [p] in try $0.updatePresentation(p) }
            p.ref = "MRN-124"
            try f.write("edit") { [p] in try $0.updatePresentation(p) }
            // An NHS number typed into free text is redacted too.
            try f.write("show") {
                try $0.logEvent(action: "read", entity: "P1", detail: "asked about 943 476 5919")
            }
            let entries = try f.entries()
            #expect(entries.count == 5)
            for entry in entries {
                for text in [entry.before ?? "", entry.after ?? "", entry.entity ?? ""] {
                    for secret in ["9434765919", "943 476 5919", "MRN-123", "MRN-124"] {
                        #expect(!text.contains(secret), "entry \(entry.seq): \(text)")
                    }
                }
            }
            #expect(entries[1].after?.contains(#""has_nhs":true,"#) == true)
            #expect(
                entries[4].after
                    == stored(.object([("detail", .string("asked about 943 476 5919"))])))
        }
    }

    @Test(arguments: StoreKind.available)
    func anAnchorRoundTripsAndAStaleOrChangedOneIsReported(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.store.auditAnchor() == nil)
            try f.write("mentor add", at: at(1).addingTimeInterval(0.6)) {
                try $0.insertMentor(amy)
            }
            try f.write("mentor add", at: at(2)) { try $0.insertMentor(bob) }
            let head = try #require(try f.entries().last)
            let anchor = try #require(try f.store.auditAnchor())
            #expect(anchor == AuditAnchor(seq: 2, hash: head.hash, at: at(2)))
            #expect(AuditAnchor(line: anchor.description) == anchor)
            #expect(try f.store.verifyAudit(anchors: [anchor]).problems == [])
            // Later entries leave an earlier anchor valid.
            try f.write("register", at: at(3)) { _ = try $0.insertPresentation(person()) }
            let verified = try f.store.verifyAudit(anchors: [anchor])
            #expect(verified.problems == [])
            #expect(verified.entries == 3)

            let changed = AuditAnchor(seq: 2, hash: String(repeating: "ab", count: 32), at: at(2))
            #expect(
                try f.store.verifyAudit(anchors: [changed]).problems == [
                    "entry 2 is not the entry anchored as '\(changed)': the log has been rewritten"
                ])
            let moved = AuditAnchor(seq: 2, hash: head.hash, at: at(5))
            #expect(
                try f.store.verifyAudit(anchors: [moved]).problems == [
                    "entry 2 is not the entry anchored as '\(moved)': the log has been rewritten"
                ])
            let beyond = AuditAnchor(seq: 9, hash: head.hash, at: at(9))
            #expect(
                try f.store.verifyAudit(anchors: [anchor, beyond]).problems == [
                    "the log no longer holds entry 9 (anchored as '\(beyond)'): "
                        + "its last entries have been removed"
                ])
            #expect(try f.store.verifyAudit(anchors: [beyond]).entries == 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func theKeyedChainNeedsItsKey(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            try f.write("mentor add") { try $0.insertMentor(bob) }
            let key = (0..<32).map { UInt8($0 * 7 % 256) }
            f.store.setAuditKey(.key(key))
            try f.write("register") { _ = try $0.insertPresentation(person()) }
            try f.write("register") { _ = try $0.insertPresentation(person()) }
            #expect(try f.read { try $0.hasKeyedEntries() })
            try f.expectClean(entries: 4)

            let keyless = try f.reopen()
            #expect(
                try keyless.verifyAudit().problems == [
                    "entries 3–4 are keyed (HMAC-SHA256) and cannot be checked without the key: "
                        + "set audit_key_file to the key file, or run on the console that holds it"
                ])
            let wrong = try f.reopen()
            wrong.setAuditKey(.key(key.reversed()))
            #expect(
                try wrong.verifyAudit().problems == [
                    "entry 3 has been altered", "entry 4 has been altered",
                ])
            let right = try f.reopen()
            right.setAuditKey(.key(key))
            #expect(try right.verifyAudit().problems == [])

            // A key that could not be read: nothing is written, and the error says why.
            f.store.setAuditKey(.unreadable("the audit key file /keys/audit.key cannot be read"))
            expectError(StoreError.storage("the audit key file /keys/audit.key cannot be read")) {
                try f.write("register") { _ = try $0.insertPresentation(person()) }
            }
            #expect(try f.read { try $0.presentation(5) } == nil)
            #expect(try f.read { try $0.auditCount() } == 4)

            // Going back to an unkeyed chain after keyed entries is found.
            f.store.setAuditKey(.none)
            try f.write("mentor add") { try $0.insertMentor(numbered("M3")) }
            right.setAuditKey(.key(key))
            #expect(
                try right.verifyAudit().problems == [
                    "entry 5 is chained without the key although earlier entries are keyed"
                ])
        }
    }

    @Test(arguments: StoreKind.available)
    func checkIsCleanOnAFreshStoreAndOnAUsedOne(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(try f.store.check() == [])
            let fresh = try f.store.verifyAudit()
            #expect(fresh.problems == [])
            #expect(fresh.entries == 0)
            #expect(try f.read { try $0.auditCount() } == 0)
            try everyKindOfChange(f)
            try f.write("demo generate") {
                _ = try $0.insertPresentations((0..<20).map { anonymous(arrived: hours(-$0)) })
            }
            try f.write("retention") { _ = try $0.removeIdentifiers(closedBefore: t0) }
            try f.expectClean(entries: 15)
            // …and on another instance of the same database.
            let other = try f.reopen()
            #expect(try other.check() == [])
            #expect(try other.verifyAudit().entries == 15)
        }
    }
}
