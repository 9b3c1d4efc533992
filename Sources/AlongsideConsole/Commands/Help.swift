import AlongsideCore
import ArgumentParser
import Foundation

/// `help [COMMAND]`.
struct Help: StandaloneCommand {
    static let configuration = CommandConfiguration(
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
        case "quit", "exit": return "quit (or Ctrl-D): leave the console."
        case "help": return overview()
        default: break
        }
        var type: any ParsableCommand.Type = RootCommand.self
        var path: [String] = []
        for word in words {
            guard let sub = type.configuration.subcommands.first(where: { $0._commandName == word }) else {
                if path.isEmpty {
                    let names = RootCommand.configuration.subcommands.map { $0._commandName }
                    throw CommandError(
                        "no command or topic '\(word)'" + Suggestion.didYouMean(word, in: names + ["times", "tags", "localities", "outcomes", "formats"])
                            + "; type 'help' for the list")
                }
                break
            }
            type = sub
            path.append(word)
        }
        return RootCommand.helpMessage(for: type, columns: 100)
    }

    /// The list of commands, grouped by who uses them.
    static func overview() -> String {
        let groups: [(String, [(String, String)])] = [
            ("At the desk", [
                ("register", "record a person presenting; shows the best available mentors"),
                ("match P [--explain]", "rank the available mentors for P"),
                ("assign P M", "give P to mentor M"),
                ("decline P", "the assigned mentor cannot take P; P waits again"),
                ("seen P", "the mentor has met P: stops the wait clock"),
                ("close P OUTCOME", "end P with an outcome (help outcomes)"),
                ("queue", "everyone not yet seen, longest wait first"),
                ("allocate [--confirm]", "best mentors for everyone waiting at once"),
                ("show P | show M", "one record with its history"),
            ]),
            ("The roster", [
                ("mentors", "the roster: load, available now, next shift, DBS recheck"),
                ("mentor add|edit|pause|resume|retire", "keep the roster"),
                ("shift add | weekly | remove", "put a mentor on duty, or take shifts off"),
                ("leave M FROM TO", "a mentor is away"),
                ("roster import MENTORS.csv [SHIFTS.csv]", "load mentors and shifts from CSV"),
                ("roster export DIR", "write mentors.csv and shifts.csv"),
                ("roster week [DATE]", "the week's cover hour by hour, gaps and uncovered tags"),
                ("presentations import FILE", "load historic presentations from CSV"),
            ]),
            ("Reports", [
                ("summary week [YYYY-Www]", "the weekly wait-time summary (md, html reports)"),
                ("summary trend [--weeks N]", "week by week: within target, median, 90th pct (md, html)"),
            ]),
            ("Administration", [
                ("staff add|remove|pin|list", "who may do what; your PIN"),
                ("audit [verify] | audit anchor", "the change log, a check that it is unbroken, its head to keep"),
                ("backup FILE | check", "an online copy; an integrity check of records and log"),
                ("config show | config set KEY VALUE", "the site's settings, kept in the database"),
                ("retention [--years N]", "remove identifiers from old closed presentations"),
                ("hold P --reason TEXT | hold release P", "keep P's identifiers past retention"),
                ("bench assign", "the solver on a weight matrix (benchmarks)"),
                ("demo generate", "a synthetic roster and history on an empty database"),
            ]),
        ]
        var out = "Alongside: pair people presenting at A&E with an available peer mentor.\n"
        for (title, commands) in groups {
            out += "\n\(title):\n"
            let width = commands.map { $0.0.count }.max() ?? 0
            for (c, d) in commands {
                out += "  " + c + String(repeating: " ", count: width - c.count + 2) + d + "\n"
            }
        }
        out += """

            help COMMAND explains a command with examples; help times, help tags, \
            help localities, help outcomes and help formats explain the values. \
            quit or Ctrl-D leaves.
            """
        return out
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
