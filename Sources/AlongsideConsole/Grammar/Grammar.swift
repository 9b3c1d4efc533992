import ArgumentParser
import Foundation
import Synchronization

/// The one grammar, read from the parser tree of `RootCommand`: command words and abstracts
/// from each type's `CommandConfiguration`, and each command's options from
/// swift-argument-parser's own description of that command (its `--experimental-dump-help`
/// JSON), read the first time that command's options are asked for and kept. Completion, the
/// help overview and the check for an option given twice all derive from it, so a command
/// added to the tree is completed, listed and checked without another list to keep.
///
/// The tree is cheap to build (configurations only); the options are not (the dump reflects
/// over every option and renders the whole description), so nothing on the start-up path
/// asks for them: `alongside -c help` reads no command's options at all.
enum Grammar {
    /// One option, flag or positional argument of a command.
    struct Argument: Sendable {
        /// The option's names as typed (`--needs`, `-c`); empty for a positional argument.
        var names: [String]
        /// Whether it is a positional argument.
        var isPositional: Bool
        /// Whether it takes a value (an option, not a flag).
        var takesValue: Bool
        /// Whether it may be given more than once (an array option or argument).
        var isRepeating: Bool
        /// The fixed values it accepts (an `ExpressibleByArgument` enum), if any.
        var values: [String]
        /// The value's name in the help (`format`, `outcome`).
        var valueName: String?
    }

    /// One command of the tree.
    struct Command: @unchecked Sendable {
        /// The words that name it, e.g. `["mentor", "add"]`; empty for the root.
        var path: [String]
        /// Its one-line abstract.
        var abstract: String
        /// Its parser type.
        var type: any ParsableCommand.Type
        /// Its subcommands, in the tree's order.
        var subcommands: [Command]
        /// Its options, flags and arguments, without the automatic `--help` (read from the
        /// parser the first time they are asked for, then kept).
        var arguments: [Argument] { Grammar.arguments(of: type) }

        /// The last word of the path.
        var name: String { path.last ?? "" }
        /// The path as typed: `mentor add`.
        var words: String { path.joined(separator: " ") }
        /// The names of its options and flags, each name once.
        var optionNames: [String] { arguments.flatMap(\.names) }

        /// The subcommand with this name.
        func subcommand(_ name: String) -> Command? {
            subcommands.first { $0.name == name.lowercased() }
        }

        /// Every command below this one, depth first (not this one).
        var descendants: [Command] { subcommands.flatMap { [$0] + $0.descendants } }
    }

    /// The root: `alongside` and every command it knows.
    static let root: Command = tree(RootCommand.self, path: [])

    /// The command of `type` and the commands below it, from their configurations (`path`:
    /// the words naming it; empty for a root, such as alongside's own options).
    static func tree(_ type: any ParsableCommand.Type, path: [String] = []) -> Command {
        let configuration = type.configuration
        let subcommands = configuration.subcommands.map { sub in
            tree(sub, path: path + [name(of: sub)])
        }
        return Command(
            path: path, abstract: configuration.abstract, type: type, subcommands: subcommands)
    }

    /// The command name of a parser type, from its configuration (every command names
    /// itself explicitly).
    static func name(of type: any ParsableCommand.Type) -> String {
        type.configuration.commandName ?? String(describing: type).lowercased()
    }

    /// The deepest command named by the leading words (`mentor add M1 …` → `mentor add`),
    /// and how many words name it.
    static func command(for words: [String]) -> (command: Command, depth: Int)? {
        guard let first = words.first, var node = root.subcommand(first) else { return nil }
        var depth = 1
        while depth < words.count, let sub = node.subcommand(words[depth]) {
            node = sub
            depth += 1
        }
        return (node, depth)
    }

    /// The options, flags and arguments of any command type, from swift-argument-parser's
    /// dump of that command alone, kept after the first time.
    static func arguments(of type: any ParsableCommand.Type) -> [Argument] {
        let key = ObjectIdentifier(type)
        if let known = argumentCache.withLock({ $0[key] }) { return known }
        let json = Data(type._dumpHelp().utf8)
        guard let info = try? JSONDecoder().decode(DumpedTool.self, from: json) else {
            preconditionFailure("swift-argument-parser's dump of the grammar cannot be read")
        }
        let parserOwn: Set<String> = [
            "--help", "--experimental-dump-help", "--generate-completion-script", "--version",
        ]
        let arguments = (info.command.arguments ?? []).compactMap { a -> Argument? in
            let names = (a.names ?? []).map { n in
                n.kind == "short" ? "-" + n.name : n.kind == "long" ? "--" + n.name : "-" + n.name
            }
            if names.contains(where: parserOwn.contains) { return nil }
            return Argument(
                names: names, isPositional: a.kind == "positional", takesValue: a.kind == "option",
                isRepeating: a.isRepeating, values: a.allValues ?? [], valueName: a.valueName)
        }
        argumentCache.withLock { $0[key] = arguments }
        return arguments
    }

    /// The options read so far, by command type.
    private static let argumentCache = Mutex<[ObjectIdentifier: [Argument]]>([:])

    /// The single-value option given more than once in `words` (the command's own words,
    /// after the ones naming it), if any: swift-argument-parser would keep the last value
    /// silently. Values of options are skipped, and nothing after `--` is looked at; with
    /// `stopAtWord`, nothing after the first word that is not an option or a value either
    /// (`alongside`'s own options come before the command's words).
    static func repeatedOption(in words: [String], of command: Command, stopAtWord: Bool = false)
        -> (option: String, values: [String])?
    {
        // An option given twice needs the same name twice among the words that look like
        // options: every single-value option of the tree has one name (a test holds the tree
        // to that), so lines without a repeated name, most of them, are answered without
        // reading the command's options.
        var names: Set<String> = []
        var repeatsAName = false
        for word in words {
            if word == "--" { break }
            guard word.hasPrefix("-") else { continue }
            if !names.insert(String(word.prefix { $0 != "=" })).inserted {
                repeatsAName = true
                break
            }
        }
        if !repeatsAName { return nil }
        var seen: [String: [String]] = [:]
        var i = 0
        while i < words.count {
            let word = words[i]
            if word == "--" { break }
            let name = word.hasPrefix("--") ? String(word.prefix { $0 != "=" }) : word
            i += 1
            guard let argument = command.arguments.first(where: { $0.names.contains(name) })
            else {
                if stopAtWord { break }
                continue
            }
            guard argument.takesValue else { continue }
            var value = ""
            if let eq = word.firstIndex(of: "="), word.hasPrefix("--") {
                value = String(word[word.index(after: eq)...])
            } else if i < words.count {
                value = words[i]
                i += 1
            }
            if argument.isRepeating { continue }
            let preferred = argument.names.first { $0.hasPrefix("--") } ?? name
            if let earlier = seen[preferred] { return (preferred, earlier + [value]) }
            seen[preferred] = [value]
        }
        return nil
    }
}

// The parts of swift-argument-parser's `ToolInfoV0` JSON the grammar reads.

private struct DumpedTool: Decodable {
    var command: DumpedCommand
}

private struct DumpedCommand: Decodable {
    var arguments: [DumpedArgument]?
}

private struct DumpedArgument: Decodable {
    struct Name: Decodable {
        var kind: String
        var name: String
    }
    var kind: String
    var names: [Name]?
    var isRepeating: Bool
    var allValues: [String]?
    var valueName: String?
}
