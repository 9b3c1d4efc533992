import AlongsideCore
import AlongsideStore
import AlongsideSQLite
import Foundation
import Testing

@testable import AlongsideConsole

/// Spec §8: durability under kill -9, two desks at once, hostile input.
@Suite("Safety", .serialized)
struct SafetyTests {
    /// The built `alongside` next to the test bundle.
    static var binary: URL {
        get throws {
            guard let url = AlongsideBinary.url else {
                throw CommandError("the alongside binary was not found beside the tests")
            }
            return url
        }
    }

    /// A database path on a memory-backed file system where there is one (`/dev/shm`), for
    /// the fuzzers, whose thousands of commits test the console's logic, not the disk;
    /// elsewhere a temporary file. Durability itself is tested on a real disk (kill -9).
    static func memoryBackedDB() -> String {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: "/dev/shm", isDirectory: &isDir), isDir.boolValue
        else { return tempDB() }
        return "/dev/shm/alongside-fuzz-\(TestNames.unique())/db.sqlite"
    }

    static func tempDB() -> String {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-safety-\(TestNames.unique())")
        return dir.appendingPathComponent("db.sqlite").path
    }

    /// Runs the binary to completion with `stdin` and returns (status, stdout, stderr).
    static func run(_ args: [String], db: String, stdin: String = "", user: String? = nil)
        throws -> (Int32, String, String)
    {
        let p = Process()
        p.executableURL = try binary
        p.arguments = ["--db", db] + (user.map { ["--user", $0] } ?? []) + args
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env.removeValue(forKey: "ALONGSIDE_PIN")
        p.environment = env
        let inPipe = Pipe()
        let outPipe = Pipe()
        let errPipe = Pipe()
        p.standardInput = inPipe
        p.standardOutput = outPipe
        p.standardError = errPipe
        try p.run()
        inPipe.fileHandleForWriting.write(Data(stdin.utf8))
        try inPipe.fileHandleForWriting.close()
        let out = outPipe.fileHandleForReading.readDataToEndOfFile()
        let err = errPipe.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self))
    }

    static func sqlite(_ db: String, _ sql: String) throws -> String {
        try SQLiteShell.query(db, sql)
    }

    static func isoNow(plusHours h: Double) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(h * 3600))
    }

    /// A roster of `count` mentors on shift from an hour ago for twelve hours.
    static func rosterScript(count: Int, capacity: Int) -> String {
        var lines: [String] = []
        for i in 1...count {
            lines.append("mentor add M\(i) --name \"Mentor \(i)\" --localities blackpool --experience alcohol --capacity \(capacity)")
            lines.append("shift add M\(i) \(isoNow(plusHours: -1)) \(isoNow(plusHours: 11))")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    @Test("every id printed before kill -9 is in the database, which stays consistent")
    func durabilityUnderKill() throws {
        let db = Self.tempDB()
        let setup = try Self.run([], db: db, stdin: Self.rosterScript(count: 3, capacity: 2))
        #expect(setup.0 == 0, "\(setup.2)")
        // Seeded, so a failure can be replayed (the seed is in the test's name).
        var generator = SplitMix64(seed: 20261108)
        var printedIDs: Set<String> = []
        for round in 0..<8 {
            let script = (0..<300).map { _ in
                "register --locality blackpool --needs alcohol --format json"
            }.joined(separator: "\n") + "\n"
            let p = Process()
            p.executableURL = try Self.binary
            p.arguments = ["--db", db]
            var env = ProcessInfo.processInfo.environment
            env["NO_COLOR"] = "1"
            p.environment = env
            let inPipe = Pipe()
            let outPipe = Pipe()
            p.standardInput = inPipe
            p.standardOutput = outPipe
            p.standardError = FileHandle.nullDevice
            try p.run()
            inPipe.fileHandleForWriting.write(Data(script.utf8))
            try inPipe.fileHandleForWriting.close()
            let killAfter = Int.random(in: 1...120, using: &generator)
            var buffer = ""
            var lines = 0
            while lines < killAfter {
                let chunk = outPipe.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                buffer += String(decoding: chunk, as: UTF8.self)
                lines = buffer.filter { $0 == "\n" }.count
            }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            // Only complete lines were printed after their commit.
            for line in buffer.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
                let data = Data(line.utf8)
                let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
                printedIDs.insert(try #require(object["presentation"] as? String))
            }
            #expect(lines >= 1, "round \(round): nothing was printed before the kill")
        }
        let stored = Set(try Self.sqlite(db, "SELECT 'P' || id FROM presentation").split(separator: "\n").map(String.init))
        #expect(printedIDs.isSubset(of: stored), "printed but lost: \(printedIDs.subtracting(stored).sorted())")
        #expect(try Self.sqlite(db, "PRAGMA integrity_check") == "ok")
        // Nothing half-done: every presentation has its audit entry, and the chain is whole.
        let unaudited = try Self.sqlite(
            db, "SELECT count(*) FROM presentation p WHERE NOT EXISTS (SELECT 1 FROM audit a WHERE a.entity = 'P' || p.id AND a.action = 'insert')")
        #expect(unaudited == "0")
        let check = try Self.run(["-c", "check"], db: db)
        #expect(check.0 == 0, "\(check.1)\(check.2)")
    }

    @Test("two desks racing to assign never over-fill a mentor nor see a lock error")
    func twoDesks() throws {
        let db = Self.tempDB()
        let mentors = 4
        let capacity = 2
        var setup = Self.rosterScript(count: mentors, capacity: capacity)
        for _ in 0..<24 { setup += "register --locality blackpool --needs alcohol --at -10m\n" }
        let s = try Self.run([], db: db, stdin: setup)
        #expect(s.0 == 0, "\(s.2)")
        // Each desk tries to give every person to every mentor, in a different order.
        @Sendable func script(reversed: Bool) -> String {
            var lines: [String] = []
            for p in 1...24 {
                for m in 1...mentors { lines.append("assign P\(p) M\(m)") }
                if p % 6 == 0 { lines.append("allocate --confirm") }
            }
            return (reversed ? lines.reversed() : lines).joined(separator: "\n") + "\n"
        }
        let group = DispatchGroup()
        nonisolated(unsafe) var results: [(Int32, String, String)] = []
        let lock = NSLock()
        for reversed in [false, true] {
            group.enter()
            DispatchQueue.global().async {
                let r = (try? Self.run([], db: db, stdin: script(reversed: reversed))) ?? (-1, "", "run failed")
                lock.lock()
                results.append(r)
                lock.unlock()
                group.leave()
            }
        }
        group.wait()
        #expect(results.count == 2)
        for r in results {
            #expect(!r.2.contains("locked"), "a lock error reached the user: \(r.2.prefix(300))")
            #expect(!r.2.contains("busy"), "\(r.2.prefix(300))")
        }
        let loads = try Self.sqlite(
            db, "SELECT mentor_id || ':' || count(*) FROM presentation WHERE closed_at IS NULL AND mentor_id IS NOT NULL GROUP BY mentor_id")
        var total = 0
        for entry in loads.split(separator: "\n") {
            let n = Int(entry.split(separator: ":")[1])!
            total += n
            #expect(n <= capacity, "over capacity: \(entry)")
        }
        #expect(total == mentors * capacity, "every place should be filled: \(loads)")
    }

    /// Random and mutated command lines, run in-process: no crash, every failure is a clean
    /// `error:` and changes nothing.
    @Test("fuzzed command lines fail cleanly and change nothing")
    func fuzzCommandLines() throws {
        let db = Self.memoryBackedDB()
        defer { try? FileManager.default.removeItem(at: URL(fileURLWithPath: db).deletingLastPathComponent()) }
        _ = try Self.run([], db: db, stdin: Self.rosterScript(count: 3, capacity: 2) + "register --locality blackpool --needs alcohol --at -5m\n")
        var out = ""
        var err = ""
        let session = try Launcher.openSession(
            options: Launcher.Options(db: db), env: [:], style: Style(enabled: false), clock: { Date() },
            stores: SQLiteStoreOpening())
        let console = Console(makeSession: { session }, out: { out += $0 }, err: { err += $0 })
        let seeds = [
            "register --locality blackpool --needs alcohol,housing --at -20m --nhs 9434765919",
            "match P1 --explain --format json", "assign P1 M1 --at -1m", "decline P1 --reason x",
            "seen P1 --at 09:14", "close P1 supported-discharged --at -1m", "queue --format csv",
            "allocate", "show P1", "show M1", "mentor add M9 --name \"A B\" --capacity 2 --experience debt",
            "mentor edit M1 --capacity 3 --no-lead", "mentor pause M2", "mentors --format json",
            "shift add M1 09:00 17:00", "shift weekly M1 mon-fri 22:00-06:00 --from 2026-10-20 --until 2026-11-02",
            "leave M1 2026-12-24 2026-12-27", "summary week 2026-W43 --format md", "audit --entity P1",
            "help register", "staff list", "mentor resume M2",
        ]
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzPM0123456789 -,;:=\"'\\#.\t\u{0}é😀\n")
        var rng = SplitMix64(seed: 20261122)
        // Counted, not read: reading the whole log after every line made the test quadratic.
        func auditHead() throws -> Int { try session.store.read { try $0.auditCount() } }
        var head = try auditHead()
        for i in 0..<6000 {
            var line: String
            switch rng.next() % 4 {
            case 0:
                line = String((0..<Int(rng.next() % 60)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
            default:
                var chars = Array(seeds[Int(rng.next() % UInt64(seeds.count))])
                for _ in 0..<(1 + rng.next() % 4) where !chars.isEmpty {
                    let at = Int(rng.next() % UInt64(chars.count))
                    switch rng.next() % 3 {
                    case 0: chars.remove(at: at)
                    case 1: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: at)
                    default: chars[at] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                    }
                }
                line = String(chars)
            }
            if line.lowercased().hasPrefix("quit") || line.lowercased().hasPrefix("exit") { continue }
            if line.contains("backup") || line.contains("--out") || line.contains("--confirm") { continue }
            err = ""
            let ok = console.run(line: line)
            if !ok {
                #expect(err.hasPrefix("error: "), "line \(i): \(line.debugDescription) → \(err.debugDescription)")
                let now = try auditHead()
                #expect(now == head, "line \(i): a failed command changed the database: \(line.debugDescription)")
            }
            head = try auditHead()
            if out.count > 1_000_000 { out = "" }
        }
        #expect(try session.store.verifyAudit().problems.isEmpty)
    }
}
