import Foundation
import Testing

/// What one run of the built `alongside` binary did.
struct RunResult: CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String

    /// Non-empty stdout lines.
    var lines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Each stdout line parsed as one JSON document (the console prints compact JSON, one
    /// document per command).
    func jsonDocuments() throws -> [Any] {
        try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8), options: [.fragmentsAllowed]) }
    }

    /// The whole stdout as one JSON document.
    func json() throws -> Any {
        try JSONSerialization.jsonObject(with: Data(stdout.utf8), options: [.fragmentsAllowed])
    }

    var description: String { "exit \(status)\n--- stdout\n\(stdout)--- stderr\n\(stderr)" }
}

/// Finds the built `alongside` executable next to the test bundle.
enum AlongsideBinary {
    static let url: URL? = {
        let fm = FileManager.default
        var starts: [URL] = []
        if let first = CommandLine.arguments.first {
            starts.append(URL(fileURLWithPath: first).deletingLastPathComponent())
        }
        starts.append(Bundle.main.bundleURL)
        if let exe = Bundle.main.executableURL { starts.append(exe.deletingLastPathComponent()) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            starts.append(bundle.bundleURL.deletingLastPathComponent())
        }
        for start in starts {
            var dir = start.standardizedFileURL
            for _ in 0..<5 {
                let candidate = dir.appendingPathComponent("alongside")
                var isDirectory: ObjCBool = false
                if fm.fileExists(atPath: candidate.path, isDirectory: &isDirectory), !isDirectory.boolValue,
                    fm.isExecutableFile(atPath: candidate.path)
                {
                    return candidate
                }
                dir = dir.deletingLastPathComponent()
            }
        }
        return nil
    }()
}

/// A private folder with its own database and home, and a way to run the binary in it.
final class Sandbox {
    let root: URL
    let home: URL
    /// The database file (`ALONGSIDE_DB`); its folder does not exist until first use.
    let db: String
    /// The `--user` given by `run` unless told otherwise (the database's first user is admin).
    let user: String
    /// The time the binary takes for now (`ALONGSIDE_TEST_NOW`, honoured by debug builds
    /// only), or nil for the real clock. Tests that pin it never depend on the wall clock.
    var now: Date?
    /// PINs of staff added with ``addStaff(_:role:pin:)``, given as `$ALONGSIDE_PIN` when a
    /// run acts as them (unless the run sets it itself).
    var pins: [String: String] = [:]
    /// Environment every run gets (e.g. `PGPASSWORD` for a trust database).
    var environment: [String: String] = [:]

    /// The operating-system user running the tests: the one name that may act without a PIN.
    static let osUser: String = {
        if let pw = getpwuid(geteuid()), let name = pw.pointee.pw_name { return String(cString: name) }
        return "user\(geteuid())"
    }()

    /// The first PIN the helpers give (six digits, not a run).
    static let defaultPin = "582046"

    /// A sandbox with its own home; `database` names the store (`ALONGSIDE_DB`), by default
    /// a new SQLite file in the sandbox.
    init(user: String = Sandbox.osUser, now: Date? = nil, database: String? = nil) throws {
        self.now = now
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("alongside-e2e-\(TestNames.unique())")
        home = root.appendingPathComponent("home")
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        db = database ?? root.appendingPathComponent("data/site.sqlite").path
        self.user = user
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    /// Runs `alongside` with `arguments` (after `--user USER` unless `user` is nil or
    /// `asUser` is false), `stdin` as standard input, and returns what it did. With `shell`,
    /// `/bin/sh` runs those commands first and then execs the binary in the same process
    /// (`$$` is its pid; `ulimit` applies to it).
    func run(
        _ arguments: [String], stdin: String = "", asUser: String?? = .none,
        environment extra: [String: String?] = [:], shell: String? = nil
    ) throws -> RunResult {
        let binary = try #require(AlongsideBinary.url, "the built 'alongside' binary was not found next to the tests")
        let fm = FileManager.default
        let id = UUID().uuidString
        let inPath = root.appendingPathComponent("in-\(id)").path
        let outPath = root.appendingPathComponent("out-\(id)").path
        let errPath = root.appendingPathComponent("err-\(id)").path
        _ = fm.createFile(atPath: inPath, contents: Data(stdin.utf8))
        _ = fm.createFile(atPath: outPath, contents: nil)
        _ = fm.createFile(atPath: errPath, contents: nil)
        defer {
            for p in [inPath, outPath, errPath] { try? fm.removeItem(atPath: p) }
        }

        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("ALONGSIDE_") { env[key] = nil }
        env["ALONGSIDE_DB"] = db
        env["HOME"] = home.path
        env["NO_COLOR"] = "1"
        env["ALONGSIDE_HISTORY"] = home.appendingPathComponent("history").path
        env["ALONGSIDE_TEST_NO_SLEEP"] = "1"
        if let now { env["ALONGSIDE_TEST_NOW"] = Times.iso(now) }
        for (key, value) in environment { env[key] = value }
        for (key, value) in extra { env[key] = value }

        var args: [String] = []
        let who: String? = asUser ?? user
        if let who, let pin = pins[who.lowercased()], extra["ALONGSIDE_PIN"] == nil {
            env["ALONGSIDE_PIN"] = pin
        }
        // A database made under another name than the operating-system user's takes its
        // first admin's PIN at creation (spec §8).
        if let who, who.lowercased() != Sandbox.osUser.lowercased(), !fm.fileExists(atPath: db),
            extra["ALONGSIDE_NEW_PIN"] == nil
        {
            env["ALONGSIDE_NEW_PIN"] = Sandbox.defaultPin
            pins[who.lowercased()] = pins[who.lowercased()] ?? Sandbox.defaultPin
        }
        if let who { args += ["--user", who] }
        args += arguments

        let process = Process()
        process.executableURL = binary
        process.arguments = args
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", shell + " exec \"$0\" \"$@\"", binary.path] + args
        }
        process.environment = env
        process.currentDirectoryURL = root
        let input = try #require(FileHandle(forReadingAtPath: inPath))
        let output = try #require(FileHandle(forWritingAtPath: outPath))
        let errors = try #require(FileHandle(forWritingAtPath: errPath))
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        process.waitUntilExit()
        try? input.close()
        try? output.close()
        try? errors.close()
        return RunResult(
            status: process.terminationStatus,
            stdout: String(decoding: fm.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            stderr: String(decoding: fm.contents(atPath: errPath) ?? Data(), as: UTF8.self))
    }

    /// Adds a member of staff with a first PIN (as the sandbox's user), and remembers the PIN
    /// so later runs as them give it. The member must succeed in being added.
    @discardableResult
    func addStaff(
        _ name: String, role: String, pin: String = "582046",
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
        let r = try run(["-c", "staff add \(name) \(role)"], environment: ["ALONGSIDE_NEW_PIN": pin])
        try #require(r.status == 0, "staff add \(name): \(r)", sourceLocation: sourceLocation)
        pins[name.lowercased()] = pin
        return r
    }

    /// Makes the database now (as the sandbox's user), so later runs are not its first.
    func ensureDatabase(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let r = try run(["-c", "staff list"])
        try #require(r.status == 0, "\(r)", sourceLocation: sourceLocation)
    }

    /// Runs setup commands, each with its own `-c`; every one must succeed, so a test never
    /// goes on from a setup that silently failed.
    @discardableResult
    func setUp(
        _ lines: [String], asUser: String?? = .none, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> RunResult {
        let r = try commands(lines, asUser: asUser)
        try #require(r.status == 0, "setup failed: \(r)", sourceLocation: sourceLocation)
        return r
    }

    /// Runs each command with its own `-c`.
    func commands(_ lines: [String], extra: [String] = [], asUser: String?? = .none) throws -> RunResult {
        try run(extra + lines.flatMap { ["-c", $0] }, asUser: asUser)
    }

    /// Runs a script on standard input.
    func script(_ text: String, extra: [String] = [], asUser: String?? = .none) throws -> RunResult {
        try run(extra, stdin: text, asUser: asUser)
    }

    /// Runs one command and parses its standard output as JSON; the command must succeed.
    func json(_ command: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
        let r = try run(["-c", command])
        try #require(r.status == 0, "\(command): \(r)", sourceLocation: sourceLocation)
        return try r.json()
    }
}

/// Instants and their text forms for the binary, which runs on the real clock.
enum Times {
    /// `2026-11-22T23:10:00Z`.
    static func iso(_ date: Date) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'"
        return f.string(from: date)
    }

    /// Parses the console's `2026-11-16T09:14:05+00:00`.
    static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }

    static var london: Calendar {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = TimeZone(identifier: "Europe/London")!
        return c
    }

    /// `YYYY-Www`, the ISO week of `date` in London.
    static func isoWeek(_ date: Date) -> String {
        let c = london.dateComponents([.yearForWeekOfYear, .weekOfYear], from: date)
        return String(format: "%04d-W%02d", c.yearForWeekOfYear!, c.weekOfYear!)
    }

    /// `YYYY-MM-DD` in London.
    static func day(_ date: Date) -> String {
        let c = london.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year!, c.month!, c.day!)
    }

    /// The instant the end-to-end tests pin the binary's clock to: Tuesday 2026-11-17 19:40:00
    /// UTC (GMT), away from midnight, week ends and clock changes.
    static let pinned = Date(timeIntervalSince1970: 1_794_944_400)

    /// Now, to the whole second.
    static func now() -> Date {
        Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    }
}

/// JSON helpers: typed access with a clear failure.
extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func number(_ key: String) -> Double? { (self[key] as? NSNumber)?.doubleValue }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func list(_ key: String) -> [[String: Any]]? { self[key] as? [[String: Any]] }
    func isNull(_ key: String) -> Bool { self[key] is NSNull }
    func bool(_ key: String) -> Bool? { self[key] as? Bool }
}

/// The `sqlite3` shell, for looking at (or tampering with) a database behind the console's
/// back.
enum SQLiteShell {
    /// The output of `sqlite3 DB SQL`, trimmed.
    static func query(_ db: String, _ sql: String) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        p.arguments = [db, sql]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Names for test folders: unique, and with no digits, so a path echoed in a message can never
/// hold ten digits that pass as an NHS number and be redacted (a random UUID does, now and
/// then, which made path-comparing tests flaky).
enum TestNames {
    static func unique() -> String {
        String(UUID().uuidString.map { c in
            guard let d = c.wholeNumberValue else { return c }
            return Character(UnicodeScalar(UInt8(ascii: "g") + UInt8(d)))
        })
    }
}
