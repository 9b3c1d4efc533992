import AlongsideCore
import ArgumentParser
import Foundation

/// `help [COMMAND]`.
struct Help: StandaloneCommand {
    static let configuration = CommandConfiguration(
        commandName: "help",
        abstract: "List the commands, or explain one: help COMMAND.")

    @Argument(help: "A command, e.g. register or 'mentor add', or a topic: times, tags, localities, outcomes, formats.")
    var topic: [String] = []

    func execute(_ console: Console) throws -> String { try Self.render(topic: topic, console: console) }

    /// The help text for a topic or command (empty topic: the overview).
    static func render(topic: [String], console: Console) throws -> String {
        let words = topic.map { $0.lowercased() }
        guard let first = words.first else { return overview() }
        switch first {
        case "times", "time": return times
        case "outcomes", "outcome": return outcomes
        case "formats", "format": return formats
        case "tags", "needs", "experience":
            let tags = (try? console.session().tags) ?? TagCatalog.standard
            var t = TextTable(["tag", "meaning", "special category"])
            for tag in tags.tags { t.add([tag.id, tag.name, tag.specialCategory ? "yes" : ""]) }
            return "Lived-experience tags (--needs, --experience):\n" + t.render(style: Style(enabled: false))
        case "localities", "locality":
            let places = (try? console.session().localities) ?? LocalityCatalog.standard
            var t = TextTable(["locality", "name"])
            for l in places.localities { t.add([l.id, l.name]) }
            return "Localities (--locality, --localities):\n" + t.render(style: Style(enabled: false))
        default: break
        }
        var type: any ParsableCommand.Type = RootCommand.self
        var path: [String] = []
        for word in words.map({ $0 == "exit" ? "quit" : $0 }) {
            let subs = type.configuration.subcommands
            guard let sub = subs.first(where: { Grammar.name(of: $0) == word }) else {
                if path.isEmpty {
                    let names = Grammar.root.subcommands.map(\.name)
                    throw CommandError(
                        "no command or topic '\(word)'"
                            + Suggestion.didYouMean(word, in: names + topics)
                            + "; type 'help' for the list")
                }
                break
            }
            type = sub
            path.append(word)
        }
        return RootCommand.helpMessage(for: type, columns: 100)
    }

    /// The topics `help` explains besides the commands.
    static let topics = ["times", "tags", "localities", "outcomes", "formats"]

    /// Where each command is listed in the overview; a command of the tree not named here
    /// is listed under "Other", so none is ever missing.
    static let groups: [(title: String, commands: [String])] = [
        ("At the desk", [
            "register", "match", "assign", "decline", "seen", "close", "unassign", "void", "edit",
            "reopen", "queue", "board", "allocate", "show", "find", "handover",
        ]),
        ("Referrals", ["services", "refer", "referral"]),
        ("The roster", ["mentors", "mentor", "shift", "leave", "roster", "presentations"]),
        ("Reports", ["summary", "export"]),
        ("Administration", [
            "staff", "audit", "backup", "check", "config", "retention", "hold", "subject-access",
            "site", "bench", "demo",
        ]),
        ("The console", ["help", "quit"]),
    ]

    /// The list of commands, grouped by who uses them, derived from the grammar: each
    /// command with its subcommands and its abstract.
    static func overview() -> String {
        let commands = Grammar.root.subcommands
        var sections = groups.map { group in
            (group.title, group.commands.compactMap { Grammar.root.subcommand($0) })
        }
        let listed = Set(groups.flatMap(\.commands))
        let rest = commands.filter { !listed.contains($0.name) }
        if !rest.isEmpty { sections.append(("Other", rest)) }
        var out = "Alongside: pair people presenting at A&E with an available peer mentor.\n"
        let column = 26
        for (title, commands) in sections where !commands.isEmpty {
            out += "\n\(title):\n"
            for c in commands {
                let label = c.subcommands.isEmpty
                    ? c.name : c.name + " " + c.subcommands.map(\.name).joined(separator: "|")
                let abstract =
                    c.abstract.hasSuffix(".") ? String(c.abstract.dropLast()) : c.abstract
                let lines = wrap(abstract, width: 98 - column)
                let indent = String(repeating: " ", count: column + 2)
                if label.count + 2 > column {
                    out += "  \(label)\n"
                } else {
                    out += "  " + label + String(repeating: " ", count: column - label.count)
                        + lines[0] + "\n"
                }
                let rest = label.count + 2 > column ? lines[...] : lines.dropFirst()
                for line in rest { out += indent + line + "\n" }
            }
        }
        let closing = """
            help COMMAND (or COMMAND --help) explains a command with examples; help times, \
            help tags, help localities, help outcomes and help formats explain the values. \
            quit or Ctrl-D leaves.
            """
        out += "\n" + wrap(closing, width: 92).joined(separator: "\n")
        return out
    }

    /// `text` in lines of at most `width` characters, broken between words.
    static func wrap(_ text: String, width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        lines.append(line)
        return lines
    }

    static let times = """
        Times are shown and entered in the site's time zone (Europe/London unless the site \
        configures another), so GMT and BST are handled:
          2026-11-16T09:14        a local date and time (seconds optional: 2026-11-16T09:14:05)
          09:14                   today at 09:14
          -15m, -2h               that long before now
          2026-11-16T09:14:05Z    an ISO 8601 time with an offset (Z or +01:00)
        When the clocks go back, a time that happens twice means the first (BST) one; a time \
        that does not exist when they go forward is refused. Dates are YYYY-MM-DD.
        """

    static let outcomes = """
        Outcome codes for 'close P OUTCOME':
          supported-discharged   seen, supported and discharged
          admitted               seen, then admitted
          referred-community     seen, referred to community support
          referred-cmht          seen, referred to the community mental health team
          declined-support       the person declined peer support (seen or not)
          left-before-seen       left before a mentor saw them
          no-mentor-available    no mentor could be found
        """

    static let formats = """
        --format table (default), csv or json on every command that prints records; summaries \
        also take md and html. 'alongside --format json' sets the default for a whole run. \
        Colour is used only on a terminal and never when NO_COLOR is set.
        """
}
