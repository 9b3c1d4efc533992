import Foundation
import Testing

@testable import AlongsideConsole

/// A console run in-process with no database: what it printed.
private final class Captured: @unchecked Sendable {
    var out = ""
    var err = ""
}

private func console() -> (Console, Captured) {
    let captured = Captured()
    let console = Console(
        makeSession: { throw CommandError("no database in this test") },
        out: { captured.out += $0 }, err: { captured.err += $0 })
    return (console, captured)
}

/// Runs of whitespace as one space, so wrapped help compares with an abstract.
private func flat(_ text: String) -> String {
    text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
}

@Suite("The one grammar: completion and help derive from the parser tree")
struct GrammarTreeTests {
    static let commands = Grammar.root.descendants

    @Test func theTreeHoldsEveryCommandTheConsoleKnows() {
        let names = Set(Grammar.root.subcommands.map(\.name))
        for name in [
            "register", "board", "handover", "unassign", "void", "edit", "reopen", "config", "hold",
            "services", "refer", "referral", "find", "export", "audit", "demo", "help", "quit",
        ] {
            #expect(names.contains(name), "\(name)")
        }
        #expect(Grammar.root.subcommand("audit")?.subcommand("anchor") != nil)
        #expect(Grammar.root.subcommand("audit")?.subcommand("list") != nil)
        // The options come from the parser's own definitions, option groups included.
        let register = Grammar.root.subcommand("register")
        #expect(register?.optionNames.contains("--needs") == true)
        #expect(register?.optionNames.contains("--format") == true)
        #expect(register?.optionNames.contains("--help") == false)
    }

    /// The options are read from each command's own dump, lazily; the whole tree's dump
    /// (what the grammar was once built from) must agree on every command's option names.
    @Test func eachCommandsOwnOptionsAgreeWithTheWholeTreesDump() throws {
        let json = Data(RootCommand._dumpHelp().utf8)
        let tool = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        var dumped: [String: [String]] = [:]
        func walk(_ command: [String: Any], path: [String]) {
            // The parser's own `help` comes after the console's, under the same name.
            if dumped[path.joined(separator: " ")] != nil { return }
            let names = (command["arguments"] as? [[String: Any]] ?? []).flatMap { a in
                (a["names"] as? [[String: Any]] ?? []).map { n -> String in
                    let name = n["name"] as? String ?? ""
                    return (n["kind"] as? String == "long" ? "--" : "-") + name
                }
            }
            dumped[path.joined(separator: " ")] = names.filter {
                !["--help", "-h", "--experimental-dump-help", "--version",
                  "--generate-completion-script"].contains($0)
            }
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                walk(sub, path: path + [sub["commandName"] as? String ?? ""])
            }
        }
        walk(try #require(tool["command"] as? [String: Any]), path: [])
        for c in Self.commands {
            #expect(c.optionNames == dumped[c.words], "\(c.words)")
        }
        #expect(Self.commands.count == dumped.count - 1, "the tree, less the root")
    }

    @Test func everyCommandNamesItselfAndHasAnAbstract() {
        #expect(Self.commands.count > 40)
        for c in Self.commands {
            #expect(c.type.configuration.commandName == c.name, "\(c.words)")
            #expect(!c.abstract.isEmpty, "\(c.words) has no abstract")
        }
    }

    @Test func everyCommandSubcommandAndOptionCompletes() {
        let words = CompletionWords(tags: ["alcohol"], localities: ["blackpool"])
        for c in Self.commands {
            let parent = c.path.dropLast().joined(separator: " ")
            let before = parent.isEmpty ? "" : parent + " "
            let offered = words.complete(lineBeforeWord: before, word: "")
            #expect(offered.contains(c.name), "'\(c.words)' is not completed after '\(before)'")
            let options = words.complete(lineBeforeWord: c.words + " ", word: "-")
            let expected = c.subcommands.isEmpty ? c.optionNames : c.optionNames + c.subcommands.map(\.name)
            for option in expected {
                #expect(options.contains(option), "'\(c.words) \(option)' is not completed")
            }
        }
        // Named in the issue as not completed before.
        #expect(words.complete(lineBeforeWord: "", word: "d").contains("demo"))
        #expect(words.complete(lineBeforeWord: "audit ", word: "").contains("list"))
        #expect(words.complete(lineBeforeWord: "shift weekly M1 ", word: "-").contains("--from"))
        #expect(words.complete(lineBeforeWord: "leave list ", word: "-").contains("--format"))
        // Values stay completed: fixed values from the typed options, tags, localities.
        #expect(words.complete(lineBeforeWord: "queue --format ", word: "") == ["table", "csv", "json"])
        #expect(words.complete(lineBeforeWord: "register --needs ", word: "") == ["alcohol"])
        #expect(words.complete(lineBeforeWord: "register --locality ", word: "") == ["blackpool"])
        #expect(words.complete(lineBeforeWord: "close P1 ", word: "").contains("admitted"))
        #expect(words.complete(lineBeforeWord: "close P1 --at 09:00 ", word: "").contains("admitted"))
        #expect(words.complete(lineBeforeWord: "staff add jo ", word: "") == ["liaison", "coordinator", "admin"])
        #expect(words.complete(lineBeforeWord: "referral P1 svc ", word: "").first == "accepted")
        #expect(words.complete(lineBeforeWord: "help ", word: "").contains("outcomes"))
        #expect(words.complete(lineBeforeWord: "nonsense ", word: "").isEmpty)
    }

    @Test func everyCommandHasHelpBothWays() {
        for c in Self.commands {
            let (con, captured) = console()
            #expect(con.run(line: "help \(c.words)"), "help \(c.words): \(captured.err)")
            #expect(flat(captured.out).contains(flat(c.abstract)), "help \(c.words)")
            let (con2, captured2) = console()
            #expect(con2.run(line: "\(c.words) --help"), "\(c.words) --help: \(captured2.err)")
            #expect(flat(captured2.out).contains(flat(c.abstract)), "\(c.words) --help")
        }
    }

    @Test func theOverviewListsEveryCommandAndSubcommand() {
        let overview = Help.overview()
        let lines = overview.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        for c in Grammar.root.subcommands {
            let line = lines.first { $0 == c.name || $0.hasPrefix(c.name + " ") }
            #expect(line != nil, "\(c.name) is not in the overview")
            for sub in c.subcommands {
                #expect(line?.contains(sub.name) == true, "\(c.words) \(sub.name)")
            }
        }
        #expect(!overview.contains("\nOther:"), "every command has a group")
    }
}

@Suite("The one grammar: an option given twice")
struct RepeatedOptionTests {
    @Test func theRepeatedOptionIsFoundWhereverItIs() throws {
        let register = try #require(Grammar.root.subcommand("register"))
        let r = Grammar.repeatedOption(
            in: ["--locality", "blackpool", "--needs", "alcohol", "--needs=housing"], of: register)
        #expect(r?.option == "--needs")
        #expect(r?.values == ["alcohol", "housing"])
        // A value that looks like an option is a value; after `--` nothing counts.
        #expect(Grammar.repeatedOption(in: ["--ref", "--needs", "--needs", "x"], of: register) == nil)
        #expect(Grammar.repeatedOption(in: ["--needs", "a", "--", "--needs", "b"], of: register) == nil)
        #expect(Grammar.repeatedOption(in: ["--needs", "a", "--locality", "b"], of: register) == nil)
    }

    /// `repeatedOption` reads a command's options only when a name repeats, which is exact
    /// only while no single-value option has two names (`-f` and `--format` given once each
    /// would be the same option twice).
    @Test func everySingleValueOptionHasOneName() {
        for c in GrammarTreeTests.commands + [Grammar.tree(Launcher.Options.self)] {
            for a in c.arguments where a.takesValue && !a.isRepeating {
                #expect(a.names.count == 1, "\(c.words): \(a.names)")
            }
        }
    }

    @Test func givenTwiceThroughTheBinaryIsAnErrorNamingIt() throws {
        let s = try Sandbox(now: Date(timeIntervalSince1970: 1_795_000_000))
        let cases: [(String, String)] = [
            (
                "register --locality blackpool --needs alcohol --needs housing",
                "error: --needs: given twice; give it once (a list is comma-separated: --needs alcohol,housing)\n"
            ),
            ("mentor add M1 --name Amy --name Bea", "error: --name: given twice; give it once\n"),
            ("queue --format json --format=csv", "error: --format: given twice; give it once\n"),
            ("summary trend --weeks 2 --weeks 3", "error: --weeks: given twice; give it once\n"),
            ("close P1 admitted --at 09:00 --at 09:05", "error: --at: given twice; give it once\n"),
        ]
        for (line, message) in cases {
            let r = try s.commands([line])
            #expect(r.status == 1, "\(line): \(r)")
            #expect(r.stderr == message, "\(line)")
        }
        // Refused before anything was opened: a failed command changes nothing.
        #expect(!FileManager.default.fileExists(atPath: s.db))
    }
}

@Suite("The one grammar: typed values are refused before a PIN or a database")
struct TypedValueTests {
    @Test(arguments: [
        ("queue --format xml", "error: --format: 'xml' is not a format; use table, csv or json\n"),
        (
            "summary week --format pdf",
            "error: --format: 'pdf' is not a format; use table, csv, json, md or html\n"
        ),
        ("handover --format csv", "error: --format: 'csv' is not a format here; use table or json"),
        ("close P1 finished", "error: OUTCOME: 'finished' is not an outcome; use supported-discharged,"),
        ("close P1 admited", "(did you mean 'admitted'?)"),
        ("referral P1 fylde-debt-advice requested", "error: STATUS: 'requested' is not a referral step; use accepted, declined,"),
        ("staff add jo boss", "error: ROLE: 'boss' is not a role; use liaison, coordinator or admin"),
        ("summary trend --weeks 0", "error: --weeks: 0 is not between 1 and 520"),
        ("summary week 2026-46", "error: WEEK: '2026-46' is not an ISO week; write it like 2026-W46"),
        ("export fhir --week 2026-W99", "error: --week: '2026-W99' is not an ISO week; write it like 2026-W46"),
        ("mentor add M1 --name Amy --capacity 99", "error: --capacity: '99' is not a whole number from 1 to 50"),
        ("retention --years 0", "error: --years: give a whole number of years from 1 to 100"),
        ("demo generate --weeks 2000", "error: --weeks: give a number of weeks from 0 to 1000"),
        ("demo generate --weeks -1", "error: --weeks: '-1' is negative; give a whole number"),
        ("summary trend --weeks many", "error: --weeks: 'many' is not a whole number"),
    ])
    func aBadValueOnAFreshSandboxOpensNothing(_ line: String, _ expected: String) throws {
        // Acting as someone other than the operating-system user: opening a new database
        // would need the first admin's PIN, which is not given.
        let s = try Sandbox(user: "ruth")
        let r = try s.run(
            ["-c", line], asUser: .some("ruth"),
            environment: ["ALONGSIDE_NEW_PIN": nil, "ALONGSIDE_PIN": nil])
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.hasPrefix("error: "), "\(r)")
        #expect(r.stderr.contains(expected), "\(line): \(r.stderr)")
        #expect(!r.stderr.contains("PIN"), "\(line): \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.db), "\(line) made a database")
    }

    @Test func goodValuesInAnyCaseStillWork() throws {
        let s = try Sandbox(now: Date(timeIntervalSince1970: 1_795_000_000))
        let r = try s.commands(["queue --format JSON", "mentors --format Json"])
        #expect(r.status == 0, "\(r)")
        #expect(r.lines == ["[]", "[]"], "\(r)")
    }
}

@Suite("alongside's own options, parsed by swift-argument-parser")
struct LauncherOptionTests {
    @Test func theOptionsAreRead() throws {
        let o = try Launcher.parse([
            "--db", "x.sqlite", "--site", "fylde", "--user", "jo", "--config=site.conf",
            "-c", "queue", "--command", "mentors", "--bail", "--format", "JSON",
        ])
        #expect(o.db == "x.sqlite")
        #expect(o.site == "fylde")
        #expect(o.user == "jo")
        #expect(o.config == "site.conf")
        #expect(o.commands == ["queue", "mentors"])
        #expect(o.bail)
        #expect(o.format == .json)
        #expect(o.trailing.isEmpty)
        let words = try Launcher.parse(["--db", "x", "register", "--db", "y", "-"])
        #expect(words.trailing == ["register", "--db", "y", "-"])
        #expect(words.db == "x")
        #expect(try Launcher.parse(["--version"]).version)
        #expect(try Launcher.parse(["-h"]).help)
    }

    @Test(arguments: [
        (["--bogus"], "error: unknown option '--bogus'"),
        (["--dbb", "x"], "(did you mean '--db'?)"),
        (["--db"], "error: --db needs a value"),
        (["--site", "no_such site"], "error: --site: 'no_such site' is not a site name"),
        (["--format", "xml"], "error: --format: 'xml' is not a format; use table, csv, json, md or html"),
        (["--user", "a b"], "error: --user: give a user name without spaces"),
        (["--db", "a", "--db=b"], "error: --db: given twice; give it once"),
        (["--weeks", "x"], "error: unknown option '--weeks'"),
    ])
    func aUsageErrorExitsTwoWithTheUsage(_ arguments: [String], _ expected: String) throws {
        let s = try Sandbox()
        let r = try s.run(arguments, asUser: .some(nil))
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains(expected), "\(r.stderr)")
        #expect(r.stderr.contains("usage: alongside"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: s.db))
    }

    @Test func versionRepeatedCommandsAndTrailingWords() throws {
        let s = try Sandbox(now: Date(timeIntervalSince1970: 1_795_000_000))
        let version = try s.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("alongside "))
        let two = try s.run(["--site", "fylde", "-c", "queue --format json", "-c", "mentors --format json"])
        #expect(two.status == 0, "\(two)")
        #expect(two.lines == ["[]", "[]"])
        let trailing = try s.run(["--format", "json", "mentors"])
        #expect(trailing.status == 0, "\(trailing)")
        #expect(trailing.stdout == "[]\n")
        let help = try s.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--site NAME"))
        #expect(help.stdout.contains("handover"))
    }
}
