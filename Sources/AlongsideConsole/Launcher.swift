import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `alongside [--db PATH] [--site NAME] [--user NAME] [--config PATH] [-c COMMAND]… [--bail]
/// [--format F] [--version] [COMMAND WORDS…]`: reads the program's own options, opens the session
/// when first needed, and runs the REPL, the `-c` commands or a script on standard input.
public enum Launcher {
    /// The options on alongside's own command line, parsed by swift-argument-parser.
    struct Options: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "alongside", helpNames: [])

        @Option(help: "The database file.") var db: String?
        @Option(help: "The emergency department this console serves.") var site: String?
        @Option(help: "The acting user.") var user: String?
        @Option(help: "A site.conf file.") var config: String?
        @Option(name: [.customShort("c"), .customLong("command")], help: "A command to run.")
        var commands: [String] = []
        @Flag(help: "Stop at the first failing command.") var bail = false
        @Option(help: "The default output format.") var format: OutputFormat?
        @Flag(name: [.customShort("h"), .customLong("help")], help: "Show the usage.")
        var help = false
        @Flag(help: "Show the version.") var version = false
        @Argument(parsing: .captureForPassthrough, help: "A command to run, as words.")
        var trailing: [String] = []

        init() {}

        /// The options of `alongside --db PATH` (for in-process tests).
        init(db: String) {
            do { self = try Self.parse(["--db", db]) } catch {
                preconditionFailure("--db \(db) cannot be parsed: \(error)")
            }
        }

        func validate() throws {
            if let first = trailing.first, first.hasPrefix("-"), first != "-" {
                let name = String(first.prefix { $0 != "=" })
                let names = Grammar.tree(Self.self).optionNames
                throw CommandError(
                    "unknown option '\(first)'" + Suggestion.didYouMean(name, in: names))
            }
            if let user { try Launcher.checkUserName(user) }
            if let site, !SiteName.isValid(site) {
                throw CommandError(
                    "--site: '\(site)' is not a site name (letters, digits and '-', at most 32)")
            }
        }
    }

    static let usage = """
        usage: alongside [--db PATH] [--site NAME] [--user NAME] [--config FILE]
                         [-c COMMAND]... [--bail] [--format table|csv|json] [--version]
                         [COMMAND [ARGS...]]
        With no command and a terminal: the interactive console. Commands can also come on
        standard input, one per line. 'alongside help' lists the commands.
        """

    /// Reads alongside's own command line; throws a `CommandError` worded for a person.
    static func parse(_ args: [String]) throws -> Options {
        if let repeated = Grammar.repeatedOption(
            in: args, of: Grammar.tree(Options.self), stopAtWord: true)
        {
            throw CommandError(Console.givenTwice(repeated.option, values: repeated.values))
        }
        do {
            return try Options.parse(args)
        } catch {
            var message = Options.message(for: error)
            if message.hasPrefix("Error: ") { message.removeFirst(7) }
            if let tidied = Console.tidy(invalidValue: message) { throw CommandError(tidied) }
            if message.hasPrefix("Missing value for '") {
                let name = message.dropFirst(19).prefix { $0 != " " && $0 != "'" }
                throw CommandError("\(name) needs a value")
            }
            if let f = message.first, f.isUppercase {
                message = f.lowercased() + message.dropFirst()
            }
            throw CommandError(message)
        }
    }

    /// The database path: --db, else $ALONGSIDE_DB, else ~/.local/share/alongside/alongside.sqlite.
    static func databasePath(_ option: String?, env: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        if let e = env["ALONGSIDE_DB"], !e.isEmpty { return e }
        let home = env["HOME"] ?? NSHomeDirectory()
        return home + "/.local/share/alongside/alongside.sqlite"
    }

    /// Whether a `--db` value is a URL (`postgres://…`) rather than a file path.
    static func isURL(_ location: String) -> Bool {
        location.range(of: "://") != nil
    }

    /// A `--db` value as it may be shown: a URL loses anything between `:` and `@` (a
    /// password must never be printed, even a mistaken one).
    static func shown(_ location: String) -> String {
        guard isURL(location), let at = location.lastIndex(of: "@"),
            let scheme = location.range(of: "://")
        else { return location }
        let userInfo = location[scheme.upperBound..<at]
        guard let colon = userInfo.firstIndex(of: ":") else { return location }
        return String(location[..<colon]) + String(location[at...])
    }

    /// The acting user: --user, else the effective operating-system user.
    static func userName(_ option: String?) -> String {
        if let option, !option.isEmpty { return option }
        return Identity.osUser
    }

    /// Checks a `--user` name: it is stored text (the staff list, the audit), so no control
    /// characters, no spaces, at most 64 characters.
    static func checkUserName(_ name: String) throws {
        if name.contains(where: \.isWhitespace) && !name.unicodeScalars.contains(where: {
            $0.properties.generalCategory == .control
        }) {
            throw CommandError("--user: give a user name without spaces, at most 64 characters")
        }
        if let problem = StoredText.problem(name, max: 64) {
            throw CommandError("--user: \(problem)")
        }
    }

    /// Opens the session: configuration, catalogues, the store, and the first admin.
    static func openSession(
        options: Options, env: [String: String], style: Style, clock: @escaping @Sendable () -> Date,
        stores: any StoreOpening
    ) throws -> Session {
        let dbPath = databasePath(options.db, env: env)
        let isFile = !isURL(dbPath)
        var configPath = options.config ?? env["ALONGSIDE_CONFIG"]
        if configPath == nil && isFile {
            let beside = URL(fileURLWithPath: dbPath).deletingLastPathComponent().appendingPathComponent("site.conf").path
            if FileManager.default.fileExists(atPath: beside) { configPath = beside }
        }
        // The settings live in the database (spec §8); site.conf seeds a new one and names
        // the site's own tags and localities files.
        var fileConfig: SiteConfig?
        var fileText: String?
        var base = FileManager.default.currentDirectoryPath
        if let configPath {
            do {
                fileText = try TextFiles.read(configPath, field: "--config")
                fileConfig = try SiteConfig(text: fileText ?? "")
            } catch let e as SiteConfigError {
                throw CommandError("\(configPath): \(e.description)")
            }
            base = URL(fileURLWithPath: configPath).deletingLastPathComponent().path
        }
        let interactive =
            isatty(STDIN_FILENO) == 1 && options.commands.isEmpty && options.trailing.isEmpty
        let isNew = !stores.exists(dbPath, environment: env)
        // A new database is never made silently (spec §4): at a terminal, a path that was
        // named (--db, $ALONGSIDE_DB) is confirmed first; scripts get a note.
        if isNew && interactive && (options.db != nil || env["ALONGSIDE_DB"] != nil) {
            Output.out("There is no database at \(Self.shown(dbPath)). Create a new one there? [y/N] ")
            let answer = (Swift.readLine() ?? "").trimmingCharacters(in: .whitespaces).lowercased()
            guard answer == "y" || answer == "yes" else {
                throw CommandError("no database was created; check the path given with --db")
            }
        }
        // Its first admin needs a PIN when acting under another name than the
        // operating-system user's, or when the site requires PINs (spec §8).
        var firstPin: String? = nil
        if isNew && (!Identity.isOSUser(userName(options.user)) || (fileConfig?.requirePin ?? false)) {
            firstPin = try Self.firstAdminPin(user: userName(options.user), interactive: interactive, env: env)
        }
        let store: any AlongsideStore
        do { store = try stores.open(dbPath, environment: env) } catch let e as StoreError {
            throw CommandError(isFile ? "\(dbPath): \(e.description)" : e.description)
        } catch let e as CommandError {
            throw e
        } catch {
            throw CommandError("cannot open the database '\(Self.shown(dbPath))'")
        }
        let (config, settingsWarnings) = try SiteSettings.load(
            store: store, file: fileConfig, fileText: fileText, filePath: configPath,
            databasePath: store.location, actor: userName(options.user), now: clock())
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base + "/" + p }
        guard let calendar = SiteCalendar(identifier: config.timeZoneIdentifier) else {
            throw CommandError("time_zone: '\(config.timeZoneIdentifier)' is not a known zone")
        }
        var tags = TagCatalog.standard
        if let f = config.tagsFile {
            do { tags = try TagCatalog(csv: try TextFiles.read(resolve(f), field: "tags_file")) } catch let e as CatalogError {
                throw CommandError("\(f):\(e.line): \(e.message)")
            }
        }
        var localities = LocalityCatalog.standard
        if let f = config.localitiesFile {
            do { localities = try LocalityCatalog(csv: try TextFiles.read(resolve(f), field: "localities_file")) } catch let e as CatalogError {
                throw CommandError("\(f):\(e.line): \(e.message)")
            }
        }
        let user = userName(options.user)
        let session = Session(
            store: store, config: config, calendar: calendar, tags: tags, localities: localities,
            clock: clock, user: user, defaultFormat: options.format ?? .table, style: style,
            databasePath: store.location)
        session.environment = env
        session.siteOption = options.site?.lowercased()
        session.stores = stores
        session.warnings += settingsWarnings
        session.interactive = interactive
        // A new database makes its creator admin. The trust's database always exists (its IT
        // creates it), so there "new" means that nobody is on its staff list yet.
        if try store.read({ try $0.staff().isEmpty }) {
            if firstPin == nil && store.isShared
                && (!Identity.isOSUser(user) || config.requirePin)
            {
                firstPin = try Self.firstAdminPin(user: user, interactive: interactive, env: env)
            }
            let hash = firstPin.map(PinHash.make)
            try session.write("init") { tx in
                if try tx.staff().isEmpty {
                    try tx.upsertStaff(StaffMember(name: user, role: .admin, pinHash: hash))
                }
            }
            // The creator has just chosen the PIN: no need to ask it again now.
            if hash != nil { session.authenticated = true }
        }
        if isNew && !interactive {
            Output.err("note: created a new database at \(dbPath)\n")
        }
        return session
    }

    /// The clock the executable runs on: the system clock, except that a debug (test) build
    /// honours `ALONGSIDE_TEST_NOW` (an ISO 8601 time with offset, e.g.
    /// `2026-11-16T09:14:05Z`) so end-to-end tests never read the wall clock. A release
    /// build ignores the variable.
    public static func clock(environment env: [String: String]) -> @Sendable () -> Date {
        #if DEBUG
            if let text = env["ALONGSIDE_TEST_NOW"], !text.isEmpty,
                let fixed = try? SiteCalendar.london.parseTime(text, now: Date())
            {
                return { fixed }
            }
        #endif
        return { Date() }
    }

    /// Whether wrong-PIN delays and similar waits really sleep: always in a release build;
    /// a debug (test) build skips them when `ALONGSIDE_TEST_NO_SLEEP` is set.
    static func sleepsForReal(environment env: [String: String]) -> Bool {
        #if DEBUG
            return (env["ALONGSIDE_TEST_NO_SLEEP"] ?? "").isEmpty
        #else
            return true
        #endif
    }

    /// The first admin's PIN for a new database: asked twice at a terminal, else
    /// `$ALONGSIDE_NEW_PIN`.
    static func firstAdminPin(user: String, interactive: Bool, env: [String: String]) throws -> String {
        if interactive {
            Output.out("A new database: \(user) will be its first admin and needs a PIN.\n")
        } else if (env["ALONGSIDE_NEW_PIN"] ?? "").isEmpty {
            throw CommandError(
                "a new database made by '\(user)', who is not the operating-system user (or with require_pin), needs its first admin's PIN: set ALONGSIDE_NEW_PIN; nothing was created"
            )
        }
        // Never nil: a PIN that is not optional is given or refused.
        return try PinEntry.newPin(
            for: user, interactive: interactive, environment: env, optional: false,
            nothingChanged: "no database was created")!
    }

    /// Runs alongside with these arguments and returns the exit status.
    public static func main(
        arguments: [String], stores: any StoreOpening,
        environment env: [String: String] = ProcessInfo.processInfo.environment,
        clock: (@Sendable () -> Date)? = nil
    ) -> Int32 {
        let clock = clock ?? Self.clock(environment: env)
        let options: Options
        do {
            options = try parse(arguments)
        } catch {
            Output.err("error: \(Console.describe(error))\n\(usage)\n")
            return 2
        }
        if options.help {
            Output.out(usage + "\n\n" + Help.overview() + "\n")
            return 0
        }
        if options.version {
            Output.out("alongside 0.1.0\n")
            return 0
        }
        let stdinTTY = isatty(STDIN_FILENO) == 1
        let stdoutTTY = isatty(STDOUT_FILENO) == 1
        // no-color.org: any non-empty NO_COLOR turns colour off.
        let noColor = !(env["NO_COLOR"] ?? "").isEmpty
        let style = Style(enabled: stdoutTTY && !noColor && env["TERM"] != "dumb")
        let console = Console(
            interactive: stdinTTY && options.commands.isEmpty && options.trailing.isEmpty,
            makeSession: {
                try openSession(
                    options: options, env: env, style: style, clock: clock, stores: stores)
            },
            out: Output.out, err: Output.err)

        var lines = options.commands
        if !options.trailing.isEmpty {
            if options.trailing.count == 1 {
                lines.append(options.trailing[0])
            } else {
                // Words from the shell: run them as one command without re-splitting.
                var failed = false
                for line in lines where !console.run(line: line) {
                    failed = true
                    if options.bail { return 1 }
                }
                return console.run(words: options.trailing) && !failed ? 0 : 1
            }
        }
        if !lines.isEmpty {
            var failed = false
            for line in lines {
                if !console.run(line: line) {
                    failed = true
                    if options.bail { break }
                }
                if console.wantsToQuit { break }
            }
            return failed ? 1 : 0
        }
        if stdinTTY {
            return repl(console, env: env)
        }
        return script(console, reader: PlainLineReader(), bail: options.bail)
    }

    /// Runs each line from `reader`; returns 1 if any failed.
    static func script(_ console: Console, reader: LineReader, bail: Bool) -> Int32 {
        var failed = false
        var number = 0
        while true {
            let result = reader.readLine(prompt: "")
            if result == .endOfInput { break }
            guard case .line(let line) = result else { continue }
            number += 1
            console.linePrefix = "line \(number): "
            if !console.run(line: line) {
                failed = true
                if bail { break }
            }
            if console.wantsToQuit { break }
        }
        return failed ? 1 : 0
    }

    /// Seconds without input before the REPL asks for the PIN again: `idle_lock_minutes`; a
    /// debug (test) build honours `ALONGSIDE_TEST_IDLE_SECONDS` so a test need not wait a
    /// minute.
    static func idleSeconds(_ session: Session, env: [String: String]) -> Double {
        #if DEBUG
            if let text = env["ALONGSIDE_TEST_IDLE_SECONDS"], let seconds = Double(text), seconds > 0 {
                return seconds
            }
        #endif
        return Double(session.config.idleLockMinutes) * 60
    }

    static func repl(_ console: Console, env: [String: String]) -> Int32 {
        let session = try? console.session()
        let words = CompletionWords(
            tags: (session?.tags ?? TagCatalog.standard).ids,
            localities: (session?.localities ?? LocalityCatalog.standard).ids)
        func refresh() {
            guard let session else { return }
            let ids = try? session.read { tx in
                (try tx.mentors().filter { $0.status != .retired }.map(\.id),
                 try tx.waitingPresentations().map(\.id), try tx.sites())
            }
            if let ids { words.update(mentors: ids.0, presentations: ids.1, sites: ids.2) }
        }
        refresh()
        let reader = ReadlineLineReader(
            history: HistoryPolicy.fromEnvironment(env),
            completion: { before, word in words.complete(lineBeforeWord: before, word: word) })
        reader.appendsSpace = { before in
            let last = before.split(separator: " ").last.map(String.init) ?? ""
            return !(CompletionWords.listOptions.contains(last) || before.hasSuffix(","))
        }
        Output.out("Alongside — type 'help' for the commands, Ctrl-D or 'quit' to leave.\n")
        if let session {
            Output.out("Database \(session.databasePath), acting as \(session.user).\n")
            // The PIN is asked here, before the first prompt, never at it (spec §8).
            guard Identity.unlockAtTerminal(session) else { return 1 }
            for w in RosterWarnings.dbsWarnings(session: session) { Output.out("warning: \(w)\n") }
            if session.authenticated,
                let member = try? session.read({ try $0.staffMember(session.user) }),
                Identity.pinNeeded(member, session: session)
            {
                reader.idleTimeout = idleSeconds(session, env: env)
            }
        }
        while true {
            switch reader.readLine(prompt: "alongside> ") {
            case .idle:
                guard let session else { continue }
                Output.out("\u{1B}[H\u{1B}[2J")  // Clear the screen: the PC may be shared.
                let idle = Int(idleSeconds(session, env: env))
                let span = idle % 60 == 0 ? "\(idle / 60) minutes" : "\(idle) seconds"
                let reason =
                    "Locked after \(span) without input. The PIN for \(session.user) is needed to go on."
                guard Identity.unlockAtTerminal(session, reason: reason) else { return 1 }
            case .line(let line):
                console.run(line: line)
                if console.wantsToQuit { return 0 }
                refresh()
            case .interrupted:
                continue
            case .endOfInput:
                return 0
            }
        }
    }
}

/// Unbuffered writes to standard output and error, so output is flushed after each command.
enum Output {
    static func out(_ s: String) { write(s, to: STDOUT_FILENO) }
    static func err(_ s: String) { write(s, to: STDERR_FILENO) }
    static func write(_ s: String, to fd: Int32) {
        var bytes = Array(s.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }
}
