import AlongsideCore
import AlongsideStore
import Foundation
import Testing

/// Results gathered from several threads.
private final class Tally: @unchecked Sendable {
    private let lock = NSLock()
    private var assigned: [Int] = []
    private var errors: [String] = []

    func add(assigned number: Int) { lock.withLock { assigned.append(number) } }
    func add(error: Error) { lock.withLock { errors.append("\(error)") } }
    var result: (assigned: [Int], errors: [String]) { lock.withLock { (assigned, errors) } }
}

@Suite("Store contract: transactions and isolation")
struct TransactionContractTests {
    @Test(arguments: StoreKind.available)
    func aBodyThatThrowsLeavesNoRowAndNoEntry(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("staff add") {
                try $0.upsertStaff(StaffMember(name: "alice", role: .admin))
            }
            expectError(Boom()) {
                try f.write("register") { tx in
                    try tx.insertMentor(amy)
                    _ = try tx.insertPresentation(person())
                    _ = try tx.insertPresentations([anonymous(arrived: t0)])
                    try tx.insertShift(
                        Shift(mentorID: "amy-w", span: TimeSpan(start: t0, end: hours(1))))
                    try tx.insertLeave(
                        Leave(mentorID: "amy-w", span: TimeSpan(start: t0, end: hours(1))))
                    try tx.insertSignIn(SignIn(mentorID: "amy-w", inAt: t0))
                    try tx.upsertStaff(StaffMember(name: "alice", role: .liaison))
                    try tx.setSetting("target_minutes", "5")
                    try tx.setPinAttempts("alice", PinAttempts(failures: 4))
                    try tx.replaceServices([Service(id: "svc", name: "Svc")])
                    // The body sees its own changes…
                    #expect(try tx.mentor("amy-w") == amy)
                    #expect(try tx.caseloads() == [:])
                    #expect(try tx.auditCount() == 10)
                    throw Boom()
                }
            }
            // …and nothing of them is left.
            #expect(try f.read { try $0.mentors() } == [])
            #expect(try f.read { try $0.presentation(1) } == nil)
            #expect(try f.read { try $0.presentation(2) } == nil)
            #expect(try f.read { try $0.shifts(mentor: nil, overlapping: nil) } == [])
            #expect(try f.read { try $0.leave(mentor: nil, overlapping: nil) } == [])
            #expect(try f.read { try $0.signIns(mentor: nil, overlapping: nil) } == [])
            #expect(
                try f.read { try $0.staffMember("alice") }
                    == StaffMember(name: "alice", role: .admin))
            #expect(try f.read { try $0.settings() } == [:])
            #expect(try f.read { try $0.pinAttempts("alice") } == PinAttempts())
            #expect(try f.read { try $0.services(need: nil, activeOnly: false) } == [])
            try f.expectClean(entries: 1)
            // The numbers are still consecutive from the last one kept.
            #expect(try f.write("register") { try $0.insertPresentation(person()) } == 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func aRefusedChangeRollsBackTheWholeBody(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("mentor add") { try $0.insertMentor(amy) }
            do {
                try f.write("roster import") { tx in
                    try tx.insertMentor(bob)
                    try tx.insertMentor(amy)
                }
                Issue.record("the duplicate mentor was added")
            } catch let error as StoreError {
                guard case .duplicate = error else {
                    Issue.record("expected StoreError.duplicate, got \(error)")
                    return
                }
            }
            #expect(try f.read { try $0.mentors() } == [amy])
            try f.expectClean(entries: 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func changingARecordThatIsNotThereIsNotFound(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            try f.write("register") { _ = try $0.insertPresentation(person()) }
            expectError(StoreError.notFound(kind: "mentor", id: "zed")) {
                try f.write("mentor edit") { try $0.updateMentor(numbered("zed")) }
            }
            expectError(StoreError.notFound(kind: "presentation", id: "P7")) {
                try f.write("edit") { try $0.updatePresentation(numbered(person(), 7)) }
            }
            expectError(StoreError.notFound(kind: "referral", id: "R9")) {
                try f.write("referral") {
                    try $0.updateReferral(
                        Referral(
                            number: 9, presentation: 1, serviceID: "svc", serviceName: "Svc",
                            requestedAt: t0))
                }
            }
            expectError(StoreError.notFound(kind: "staff member", id: "'zed'")) {
                try f.write("staff remove") { try $0.removeStaff("zed") }
            }
            expectError(StoreError.notFound(kind: "hold on", id: "P1")) {
                try f.write("hold release") { try $0.removeHold(presentation: 1) }
            }
            #expect(StoreError.notFound(kind: "mentor", id: "zed").description == "no mentor zed")
            try f.expectClean(entries: 1)
        }
    }

    @Test(arguments: StoreKind.available)
    func anotherInstanceSeesEachCommittedWrite(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let other = try f.reopen()
            try f.write("mentor add") { try $0.insertMentor(amy) }
            #expect(try other.read { try $0.mentors() } == [amy])
            // Read after read, the roster kept by `other` must not hide this change.
            var edited = amy
            edited.capacity = 5
            try f.write("mentor edit") { try $0.updateMentor(edited) }
            #expect(try other.read { try $0.mentors() } == [edited])
            #expect(try other.read { try $0.mentorStates(at: t0) }.map(\.mentor) == [edited])
            try other.write(context("mentor add")) { try $0.insertMentor(bob) }
            #expect(try f.read { try $0.mentors() } == [edited, bob])
            #expect(try f.read { try $0.nextMentorID() } == "M1")
            try f.expectClean(entries: 3)
        }
    }

    @Test(arguments: StoreKind.available)
    func theChangeCounterMovesWhenAnotherInstanceWrites(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let other = try f.reopen()
            let start = try f.store.changeCounter()
            #expect(try f.store.changeCounter() == start)
            _ = try f.read { try $0.mentors() }
            #expect(try f.store.changeCounter() == start)
            try other.write(context("mentor add")) { try $0.insertMentor(amy) }
            let afterOne = try f.store.changeCounter()
            #expect(afterOne != start)
            try other.write(context("mentor add")) { try $0.insertMentor(bob) }
            #expect(try f.store.changeCounter() != afterOne)
        }
    }

    /// The isolation contract: two consoles (two instances, two threads) each read a
    /// mentor's caseload, check it against the capacity and assign. In each round both start
    /// together and try more people than the mentor can hold; between rounds the mentor's
    /// people are closed. However the writes interleave, the mentor never holds more than the
    /// capacity, no writer sees an error (a wait is a wait), and the chain verifies.
    @Test(arguments: StoreKind.available)
    func twoInstancesRacingForOneMentorNeverOverbook(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            let capacity = 2
            let rounds = 12
            let tries = 3  // per thread and round
            try f.write("setup") { tx in
                try tx.insertMentor(numbered("M1", capacity: capacity))
                _ = try tx.insertPresentations(
                    (0..<(rounds * 2 * tries)).map { anonymous(arrived: at(-1000 + $0)) })
            }
            let stores: [any AlongsideStore] = [f.store, try f.reopen()]
            var generator = SeededGenerator(seed: 40)
            var entries = 2
            for round in 0..<rounds {
                let tally = Tally()
                let group = DispatchGroup()
                let start = DispatchSemaphore(value: 0)
                for (i, store) in stores.enumerated() {
                    let first = round * 2 * tries + i * tries + 1
                    let numbers = Array(first..<(first + tries)).shuffled(using: &generator)
                    DispatchQueue.global().async(group: group) {
                        start.wait()
                        for number in numbers {
                            do {
                                let done = try store.write(context("assign", actor: "desk\(i)")) {
                                    tx -> Bool in
                                    let state = try tx.mentorState("M1", at: t0)
                                    // More reads between the check and the write widen the
                                    // window in which an unserialised store lets the other in.
                                    _ = try tx.waitingPresentations()
                                    _ = try tx.caseloads()
                                    guard let state, state.caseload < state.mentor.capacity,
                                        var p = try tx.presentation(number), p.mentorID == nil
                                    else { return false }
                                    p.mentorID = "M1"
                                    p.assignedAt = t0
                                    try tx.updatePresentation(p)
                                    return true
                                }
                                if done { tally.add(assigned: number) }
                            } catch {
                                tally.add(error: error)
                            }
                        }
                    }
                }
                start.signal()
                start.signal()
                group.wait()
                let (assigned, errors) = tally.result
                #expect(errors == [], "round \(round)")
                #expect(assigned.count == capacity, "round \(round): \(assigned.sorted())")
                #expect(try f.read { try $0.caseloads() } == ["m1": capacity], "round \(round)")
                // Close them for the next round.
                entries += assigned.count * 2
                try f.write("close") { tx in
                    for number in assigned {
                        guard var p = try tx.presentation(number) else { continue }
                        try p.close(.declinedSupport, at: t0)
                        try tx.updatePresentation(p)
                    }
                }
            }
            try f.expectClean(entries: entries)
        }
    }

    @Test(arguments: StoreKind.available)
    func theStoreSaysWhatItIsAndNeverShowsAPassword(_ kind: StoreKind) throws {
        try withStore(kind) { f in
            #expect(f.store.isShared == (kind == .postgres))
            #expect(!f.store.location.isEmpty)
            if let password = f.password {
                #expect(!f.store.location.contains(password))
            }
            let other = try f.reopen()
            #expect(other.location == f.store.location)
        }
    }
}
