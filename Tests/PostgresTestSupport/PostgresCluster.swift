import AlongsidePostgres
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a throwaway PostgreSQL cluster could not be had.
public struct PostgresClusterError: Error, CustomStringConvertible {
    /// What went wrong and what to do, with the server's log when it has one.
    public let description: String
}

/// A throwaway PostgreSQL cluster for tests: one per test process, made on first use in a
/// temporary folder by `initdb` (SCRAM passwords, superuser `alongside_admin`), listening on a
/// free port on 127.0.0.1 (and a unix socket in that folder), and stopped and deleted when the
/// process exits — by an `atexit` handler, and by a watchdog shell that waits for the process
/// to go and so also cleans up after a crash.
///
/// Running as root (the server refuses root), the folder is given to the `postgres` OS user
/// and `initdb`/`pg_ctl` run through `runuser -u postgres --`.
public final class PostgresCluster: @unchecked Sendable {
    /// The superuser's name.
    public static let adminUser = "alongside_admin"
    /// The TCP port on 127.0.0.1.
    public let port: Int
    /// The superuser's password (tests put it in `PGPASSWORD` or pass it to `connect`).
    public let password: String
    /// The temporary folder: the data directory is `data` in it, and it holds the socket.
    public let directory: String
    /// The PostgreSQL major version the binaries report (e.g. "15").
    public let version: String

    private let binaries: Binaries
    private let lock = NSLock()
    private var admin: PGConnection?
    private var made = 0

    private static let sharedLock = NSLock()
    nonisolated(unsafe) private static var sharedResult:
        Result<PostgresCluster?, PostgresClusterError>?
    /// The cluster to stop at exit (read by the `atexit` handler, which cannot capture).
    nonisolated(unsafe) private static var toStop: PostgresCluster?

    private init(
        port: Int, password: String, directory: String, version: String, binaries: Binaries
    ) {
        self.port = port
        self.password = password
        self.directory = directory
        self.version = version
        self.binaries = binaries
    }

    /// This process's cluster, started on the first call. Nil when no PostgreSQL server
    /// binaries are installed and `$ALONGSIDE_REQUIRE_POSTGRES` is not `1` (tests then skip);
    /// throws when they are required but missing, or when the cluster will not start.
    public static func shared() throws -> PostgresCluster? {
        try sharedLock.withLock {
            if sharedResult == nil {
                do {
                    sharedResult = .success(try start())
                } catch let error as PostgresClusterError {
                    sharedResult = .failure(error)
                } catch {
                    sharedResult = .failure(PostgresClusterError(description: "\(error)"))
                }
            }
            return try sharedResult!.get()
        }
    }

    /// A `postgres://alongside_admin@127.0.0.1:PORT/DATABASE` URL (no password in it).
    public func url(database: String) -> String {
        "postgres://\(Self.adminUser)@127.0.0.1:\(port)/\(database)"
    }

    /// The same database through the unix socket in ``directory``.
    public func socketURL(database: String) -> String {
        "postgres://\(Self.adminUser)@/\(database)?host=\(directory)&port=\(port)"
    }

    /// `["PGPASSWORD": password]`, for code that looks the password up.
    public var environment: [String: String] { ["PGPASSWORD": password] }

    /// A fresh, empty database with a unique name starting with `prefix` (letters, digits and
    /// `_` kept, lowercased): its URL (no password in it) and the superuser's password.
    public func newDatabase(name prefix: String) throws -> (url: String, password: String) {
        let cleaned = String(
            prefix.lowercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
                .prefix(40))
        let name: String = try lock.withLock {
            made += 1
            let name = "\(cleaned.isEmpty ? "db" : cleaned)_\(made)"
            let admin = try adminConnection()
            do {
                try admin.execute("CREATE DATABASE \"\(name)\"")
            } catch {
                throw PostgresClusterError(
                    description: "cannot create database \(name): "
                        + "\(PGConnection.storeError(error, url: admin.url))")
            }
            return name
        }
        return (url(database: name), password)
    }

    /// Drops a database made by ``newDatabase(name:)`` (its connections are ended first).
    public func dropDatabase(_ name: String) throws {
        try lock.withLock {
            let escaped = name.replacingOccurrences(of: "\"", with: "\"\"")
            try adminConnection().execute("DROP DATABASE IF EXISTS \"\(escaped)\" WITH (FORCE)")
        }
    }

    private func adminConnection() throws -> PGConnection {
        if let admin, !admin.isClosed { return admin }
        let url = try PostgresURL.parse(url(database: "postgres"))
        let connection = try PGConnection.connect(url, password: password)
        admin = connection
        return connection
    }

    // MARK: Starting and stopping

    private struct Binaries {
        let bin: String
        /// `runuser -u postgres --` as words to put first, or empty when not root.
        let asServerUser: [String]
        var initdb: String { bin + "/initdb" }
        var pgctl: String { bin + "/pg_ctl" }
    }

    private static func start() throws -> PostgresCluster? {
        let required = ProcessInfo.processInfo.environment["ALONGSIDE_REQUIRE_POSTGRES"] == "1"
        guard let bin = findBinaries() else {
            if required {
                throw PostgresClusterError(
                    description: "ALONGSIDE_REQUIRE_POSTGRES=1 but no PostgreSQL server "
                        + "(initdb and pg_ctl) is in $ALONGSIDE_POSTGRES_BIN, "
                        + "/usr/lib/postgresql/*/bin or on PATH; install it "
                        + "(apt-get install postgresql)")
            }
            return nil
        }
        var owner: (uid: uid_t, gid: gid_t)?
        var prefix: [String] = []
        if geteuid() == 0 {
            guard let pw = getpwnam("postgres") else {
                throw PostgresClusterError(
                    description: "running as root, the PostgreSQL server needs an unprivileged "
                        + "OS user named postgres (apt-get install postgresql makes one)")
            }
            owner = (pw.pointee.pw_uid, pw.pointee.pw_gid)
            let runuser = ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
                .first { FileManager.default.isExecutableFile(atPath: $0) }
            guard let runuser else {
                throw PostgresClusterError(
                    description: "running as root, runuser is needed to start PostgreSQL as the "
                        + "postgres user; install util-linux")
            }
            prefix = [runuser, "-u", "postgres", "--"]
        }
        let binaries = Binaries(bin: bin, asServerUser: prefix)

        let base = temporaryBase()
        let folder = (base.hasSuffix("/") ? base : base + "/") + "alongside-pg-XXXXXX"
        var template = Array(folder.utf8CString)
        guard let made = mkdtemp(&template) else {
            throw PostgresClusterError(description: "cannot make a temporary folder in \(base)")
        }
        let directory = String(cString: made)
        let password = randomPassword()
        let pwfile = directory + "/pwfile"
        guard FileManager.default.createFile(
            atPath: pwfile, contents: Data((password + "\n").utf8),
            attributes: [.posixPermissions: 0o600]) else {
            throw PostgresClusterError(description: "cannot write \(pwfile)")
        }
        if let owner {
            guard chown(directory, owner.uid, owner.gid) == 0,
                  chown(pwfile, owner.uid, owner.gid) == 0 else {
                try? FileManager.default.removeItem(atPath: directory)
                throw PostgresClusterError(
                    description: "cannot give \(directory) to the postgres user")
            }
        }
        func fail(_ what: String, log: String) -> PostgresClusterError {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            try? FileManager.default.removeItem(atPath: directory)
            return PostgresClusterError(
                description: "\(what) failed (PostgreSQL in \(bin)):\n\(text.suffix(3000))")
        }

        let data = directory + "/data"
        let initLog = directory + "/initdb.log"
        let initStatus = shell(
            binaries.asServerUser + [
                binaries.initdb, "-D", data, "-U", adminUser, "--auth=scram-sha-256",
                "--pwfile=\(pwfile)", "--encoding=UTF8", "--locale=C", "--no-sync",
                "--no-instructions",
            ], in: directory, output: initLog)
        try? FileManager.default.removeItem(atPath: pwfile)
        guard initStatus == 0 else { throw fail("initdb", log: initLog) }

        let serverLog = directory + "/server.log"
        var port = 0
        var started = false
        for _ in 0..<5 {
            port = freePort()
            guard port > 0 else { continue }
            let options = [
                "-k", directory, "-c", "listen_addresses=127.0.0.1", "-p", String(port),
                "-c", "max_connections=200", "-c", "fsync=off", "-c", "synchronous_commit=off",
                "-c", "full_page_writes=off", "-c", "max_wal_size=64MB", "-c", "min_wal_size=32MB",
            ].joined(separator: " ")
            let status = shell(
                binaries.asServerUser + [
                    binaries.pgctl, "-D", data, "-l", serverLog, "-w", "-t", "60", "-s",
                    "-o", options, "start",
                ], in: directory, output: directory + "/pg_ctl.log")
            if status == 0 {
                started = true
                break
            }
        }
        guard started else { throw fail("pg_ctl start", log: serverLog) }

        let version = (try? String(contentsOfFile: data + "/PG_VERSION", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let cluster = PostgresCluster(
            port: port, password: password, directory: directory, version: version,
            binaries: binaries)
        toStop = cluster
        atexit { PostgresCluster.stopAtExit() }
        cluster.startWatchdog()
        // Prove it answers before any test relies on it.
        _ = try cluster.lock.withLock { try cluster.adminConnection() }
        return cluster
    }

    private func stopCommand() -> [String] {
        binaries.asServerUser
            + [binaries.pgctl, "-D", directory + "/data", "-s", "-m", "immediate", "stop"]
    }

    private static func stopAtExit() {
        guard let cluster = toStop else { return }
        toStop = nil
        _ = shell(cluster.stopCommand(), in: "/", output: "/dev/null")
        try? FileManager.default.removeItem(atPath: cluster.directory)
    }

    /// A shell, in its own process group and ignoring terminal signals, that waits for this
    /// process to end and then stops the server and deletes the folder.
    private func startWatchdog() {
        let script = """
            trap '' HUP INT TERM PIPE
            while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done
            cd /
            \(Self.quoted(stopCommand())) >/dev/null 2>&1
            rm -rf \(Self.quoted([directory]))
            """
        var words = ["/bin/sh", "-c", script]
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/setsid") {
            words.insert("/usr/bin/setsid", at: 0)
        }
        let detached = "cd / && exec \(Self.quoted(words)) </dev/null >/dev/null 2>&1"
        _ = Self.spawn(["/bin/sh", "-c", detached])
    }

    // MARK: Helpers

    /// `$ALONGSIDE_POSTGRES_BIN` when set (the folder holding initdb and pg_ctl; a wrong one
    /// counts as none), else the newest /usr/lib/postgresql/*/bin, else the first on PATH.
    private static func findBinaries() -> String? {
        let fm = FileManager.default
        if let chosen = ProcessInfo.processInfo.environment["ALONGSIDE_POSTGRES_BIN"] {
            let ok = fm.isExecutableFile(atPath: chosen + "/initdb")
                && fm.isExecutableFile(atPath: chosen + "/pg_ctl")
            return ok ? chosen : nil
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fm.contentsOfDirectory(atPath: root)) ?? [])
            .filter { fm.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Double($0) ?? 0) > (Double($1) ?? 0) }
        if let newest = versions.first { return "\(root)/\(newest)/bin" }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        for dir in path.split(separator: ":").map(String.init)
        where fm.isExecutableFile(atPath: dir + "/initdb")
            && fm.isExecutableFile(atPath: dir + "/pg_ctl") {
            return dir
        }
        return nil
    }

    /// Where the cluster's folder goes: /dev/shm when it is a memory file system with room
    /// (making a database there takes ~20 ms rather than ~300 ms, and a crash leaves nothing on
    /// disk), else /tmp when root (the postgres user must reach it), else the temporary folder.
    private static func temporaryBase() -> String {
        if let override = ProcessInfo.processInfo.environment["ALONGSIDE_POSTGRES_TMP"],
           !override.isEmpty {
            return override
        }
        #if os(Linux)
        let mounts = (try? String(contentsOfFile: "/proc/mounts", encoding: .utf8)) ?? ""
        let isTmpfs = mounts.split(separator: "\n").contains { line in
            let fields = line.split(separator: " ")
            return fields.count > 2 && fields[1] == "/dev/shm" && fields[2] == "tmpfs"
        }
        var info = statvfs()
        if isTmpfs, statvfs("/dev/shm", &info) == 0, access("/dev/shm", W_OK) == 0,
           UInt64(info.f_bavail) * UInt64(info.f_frsize) >= 2 << 30 {
            return "/dev/shm"
        }
        #endif
        return geteuid() == 0 ? "/tmp" : NSTemporaryDirectory()
    }

    private static func randomPassword() -> String {
        let letters = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<24).map { _ in letters.randomElement(using: &generator)! })
    }

    /// A TCP port on 127.0.0.1 that nothing listens on now (the kernel's pick).
    private static func freePort() -> Int {
        #if canImport(Glibc)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return 0 }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
                bind(fd, raw, length) == 0 && getsockname(fd, raw, &length) == 0
            }
        }
        guard bound else { return 0 }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func quoted(_ words: [String]) -> String {
        words.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
            .joined(separator: " ")
    }

    /// Runs `words` through /bin/sh in `directory` with output to `output`; the exit status.
    @discardableResult
    private static func shell(_ words: [String], in directory: String, output: String) -> Int32 {
        let script = "cd \(quoted([directory])) && exec \(quoted(words)) </dev/null "
            + ">>\(quoted([output])) 2>&1"
        guard let pid = spawn(["/bin/sh", "-c", script]) else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return -1 }
        }
        // WIFEXITED / WEXITSTATUS, which Swift does not import.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : -1
    }

    private static func spawn(_ argv: [String]) -> pid_t? {
        var pid: pid_t = 0
        let cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { cArgs.forEach { free($0) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, cArgs, environ)
        return rc == 0 ? pid : nil
    }
}
