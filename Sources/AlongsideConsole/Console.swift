import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// Runs command lines: parses them with the one grammar, checks the role, runs each in
/// its own transaction, prints the result to standard output and failures to standard
/// error as `error: …`.
public final class Console {
    private let makeSession: () throws -> Session
    private var sessionCache: Session?
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    /// Whether the console talks to a person at a terminal.
    public let interactive: Bool

    /// Makes a console. The session (and so the database) is opened on the first command
    /// that needs it, so `help` and `bench` never touch the database.
    public init(
        interactive: Bool = false, makeSession: @escaping () throws -> Session,
        out: @escaping (String) -> Void, err: @escaping (String) -> Void
    ) {
        self.interactive = interactive
        self.makeSession = makeSession
        self.writeOut = out
        self.writeErr = err
    }

    /// The session, opened on first use.
    func session() throws -> Session {
        if let s = sessionCache { return s }
        let s = try makeSession()
        sessionCache = s
        return s
    }

    /// Put before error messages (`line 3: `) when running a script.
    public var linePrefix = ""

    /// Whether `quit` has been run.
    public var wantsToQuit: Bool { sessionCache?.wantsToQuit ?? quitRequested }
    var quitRequested = false

    /// Runs one line; returns false if it failed. Blank lines and comments succeed.
    @discardableResult
    public func run(line: String) -> Bool {
        let words: [String]
        do { words = try Tokenizer.words(line) } catch {
            report(error)
            return false
        }
        if words.isEmpty { return true }
        return run(words: words)
    }

    /// Runs one command given as words; returns false if it failed.
    @discardableResult
    public func run(words: [String]) -> Bool {
        do {
            let output = try execute(words)
            if !output.isEmpty { writeOut(output.hasSuffix("\n") ? output : output + "\n") }
            if let s = sessionCache, !s.warnings.isEmpty {
                for w in s.warnings { writeErr("warning: \(w)\n") }
                s.warnings.removeAll()
            }
            return true
        } catch {
            sessionCache?.warnings.removeAll()
            report(error)
            return false
        }
    }

    private func report(_ error: any Error) {
        // Personal data never reaches a message: NHS numbers are redacted wherever they
        // were typed.
        let message = Self.describe(error).replacingOccurrences(
            of: String(Self.relativeMinus), with: "-")
        writeErr("error: \(linePrefix)\(Self.visible(NHSNumber.redact(in: message)))\n")
    }

    /// `text` with every control character shown as `^[`-style caret notation (or `\u{…}`),
    /// so a value echoed in a message (a CSV field, a word typed) can never drive the
    /// terminal (spec §8). Line breaks between a message's lines are kept.
    static func visible(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar == "\n" || scalar.properties.generalCategory != .control {
                out.unicodeScalars.append(scalar)
            } else if scalar.value < 32 {
                out += "^" + String(UnicodeScalar(UInt8(scalar.value + 64)))
            } else if scalar.value == 127 {
                out += "^?"
            } else {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            }
        }
        return out
    }

    /// The message for any error a command can throw.
    static func describe(_ error: any Error) -> String {
        switch error {
        case let e as CommandError: return e.message
        case let e as StoreError: return e.description
        case let e as CustomStringConvertible:
            return e.description
        default: return String(describing: error)
        }
    }

    private func execute(_ words: [String]) throws -> String {
        let first = words[0].lowercased()
        // `help --help` and `quit --help` explain themselves like any command.
        let asksHelp = words.count == 2 && ["--help", "-h"].contains(words[1])
        if (first == "help" || first == "?") && !asksHelp {
            return try Help.render(topic: Array(words.dropFirst()), console: self)
        }
        if (first == "quit" || first == "exit") && !asksHelp {
            if words.count > 1 { throw CommandError("\(first) takes nothing after it") }
            quitRequested = true
            sessionCache?.wantsToQuit = true
            return ""
        }
        // The command the leading words name, found once: its words are read without regard
        // to case (`Register` is `register`).
        let named = Grammar.command(for: words)
        var words = words
        if let (node, depth) = named { words.replaceSubrange(0..<depth, with: node.path) }
        // swift-argument-parser keeps the last of an option given twice; say so instead.
        if let (node, depth) = named,
            let repeated = Grammar.repeatedOption(in: Array(words.dropFirst(depth)), of: node)
        {
            throw CommandError(Self.givenTwice(repeated.option, values: repeated.values))
        }
        let command: any ParsableCommand
        // A leaf command is parsed with its own type as the root: the parser then checks only
        // that command's structure, not the whole tree's on every line (which was most of the
        // time a line took). Help and anything else go by the root.
        let protected = words.map(Self.protectRelativeTime)
        let asksForHelp = words.contains { $0 == "--help" || $0 == "-h" }
        var parser: any ParsableCommand.Type = RootCommand.self
        var arguments = protected
        if !asksForHelp, let (node, depth) = named, node.subcommands.isEmpty {
            parser = node.type
            arguments = Array(protected.dropFirst(depth))
        }
        do {
            command = try parser.parseAsRoot(arguments)
        } catch {
            let message = parser.fullMessage(for: error)
            if parser.exitCode(for: error) == .success {
                return message  // --help
            }
            throw CommandError(Self.tidy(parseMessage: message, words: words))
        }
        if let standalone = command as? any StandaloneCommand {
            return try standalone.execute(self)
        }
        guard let command = command as? any ConsoleCommand else {
            // `CMD --help` parses as the parser's own help command: show CMD's help.
            if words.contains(where: { $0 == "--help" || $0 == "-h" }),
                let (node, _) = Grammar.command(for: words)
            {
                return RootCommand.helpMessage(for: node.type, columns: 100)
            }
            return Help.overview()
        }
        let session = try session()
        try Identity.permit(command, path: CommandTree.path(of: type(of: command)), session: session)
        defer { session.weekFigures.keep(in: session.store) }
        return try command.execute(session)
    }

    /// The mark that stands for the minus of a relative time (`-15m`) while parsing, so the
    /// argument parser does not take it for an option.
    static let relativeMinus: Character = "\u{2212}"

    /// `-15m`, `-1d`, `-3` → `−15m`, `−1d`, `−3` (Unicode minus) so the argument parser
    /// does not take them for options; the validators see them as typed (`-`), and any
    /// message shows `-` again. Everything else is unchanged.
    static func protectRelativeTime(_ word: String) -> String {
        guard word.first == "-", let second = word.dropFirst().first, second >= "0", second <= "9"
        else { return word }
        return String(relativeMinus) + word.dropFirst()
    }

    /// The message for a single-value option given more than once.
    /// Values are echoed only for the options that take a list of catalogue words.
    static func givenTwice(_ option: String, values: [String]) -> String {
        let hint = CompletionWords.listOptions.contains(option)
            ? " (a list is comma-separated: \(option) \(values.joined(separator: ",")))" : ""
        return "\(option): given twice; give it once\(hint)"
    }

    /// The nouns for values the parser refused, by the value's name in the grammar.
    static let valueNouns = [
        "format": "a format", "outcome": "an outcome", "role": "a role",
        "status": "a referral step",
        "site": "a site name (letters, digits and '-', at most 32)",
        "week": "an ISO week; write it like 2026-W46",
    ]

    /// `The value 'xml' is invalid for '--format <format>'. Please provide one of 'table',
    /// 'csv' or 'json'.` → `--format: 'xml' is not a format; use table, csv or json`.
    /// Nil for any other message.
    static func tidy(invalidValue message: String) -> String? {
        let prefix = "The value '"
        guard message.hasPrefix(prefix),
            let close = message.range(of: "' is invalid for '"),
            let end = message[close.upperBound...].firstIndex(of: "'")
        else { return nil }
        let start = message.index(message.startIndex, offsetBy: prefix.count)
        let value = String(message[start..<close.lowerBound])
        let target = message[close.upperBound..<end]  // `--format <format>` or `<outcome>`
        let words = target.split(separator: " ")
        let valueName = (words.last.map(String.init) ?? "")
            .trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        let field =
            words.first.map { $0.hasPrefix("-") ? String($0) : valueName.uppercased() } ?? ""
        let rest = String(message[message.index(after: end)...])
        if rest.hasPrefix(": ") {
            // A message of our own (a transform or validator): it names the field already.
            return String(rest.dropFirst(2))
        }
        // The accepted values, quoted, inline or as a bullet list.
        var values: [String] = []
        var scan = rest[...]
        while let open = scan.firstIndex(of: "'") {
            let after = scan.index(after: open)
            guard let shut = scan[after...].firstIndex(of: "'") else { break }
            values.append(String(scan[after..<shut]))
            scan = scan[scan.index(after: shut)...]
        }
        if values.isEmpty {
            values = rest.split(separator: "\n").filter { $0.hasPrefix("  - ") }
                .map { String($0.dropFirst(4)) }
        }
        // Options without fixed values that can fail to parse are all whole numbers.
        if values.isEmpty, value.first == relativeMinus {
            return "\(field): '\(value)' is negative; give a whole number of 0 or more"
        }
        let noun =
            valueNouns[valueName] ?? (values.isEmpty ? "a whole number" : "an accepted value")
        var text = "\(field): '\(value)' is not \(noun)"
        if !values.isEmpty {
            let list = values.count == 1
                ? values[0] : values.dropLast().joined(separator: ", ") + " or " + values.last!
            text += Suggestion.didYouMean(value, in: values) + "; use " + list
        }
        return text
    }

    /// Turns an argument-parser message into one line in the console's voice.
    static func tidy(parseMessage: String, words: [String]) -> String {
        var lines = parseMessage.split(separator: "\n").map(String.init)
        lines.removeAll { $0.hasPrefix("Usage:") || $0.hasPrefix("  See") || $0.isEmpty }
        var message = lines.first ?? "could not read the command"
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        if message.hasPrefix("The value '") {
            // The bullet list of accepted values is on the lines after.
            let whole = ([message] + lines.dropFirst()).joined(separator: "\n")
            if let tidied = tidy(invalidValue: whole) { return tidied }
        }
        // A sentence starts in lower case; a field name (WEEK:) keeps its capitals.
        if let f = message.first, message.dropFirst().first?.isUppercase != true {
            message = f.lowercased() + message.dropFirst()
        }
        let known = Grammar.root.subcommands.map(\.name)
        let name = words[0].lowercased()
        // Never repeat a stray word back: it may be personal data typed in the wrong place.
        if message.contains("unexpected argument") {
            message = "unexpected extra word(s); quote text that has spaces"
        }
        // A word that names no command is shown back only when it is a plain word (letters
        // and '-'), never a ref or a number typed in the wrong place.
        func shown(_ word: String) -> String? {
            word.count <= 24 && word.allSatisfy { ($0.isASCII && $0.isLetter) || $0 == "-" }
                ? word : nil
        }
        if let command = Grammar.root.subcommand(name), !command.subcommands.isEmpty,
            words.count > 1, command.subcommand(words[1]) == nil, !words[1].hasPrefix("-")
        {
            let subs = command.subcommands.map(\.name)
            let what = shown(words[1]).map { "'\($0)' is not" } ?? "that is not"
            return "\(name): \(what) a \(name) command"
                + Suggestion.didYouMean(words[1].lowercased(), in: subs)
                + "; use \(subs.joined(separator: ", ")) (see 'help \(name)')"
        }
        if let command = Grammar.root.subcommand(name) {
            let subs = command.subcommands.map(\.name)
            let sub = words.count > 1 && subs.contains(words[1].lowercased()) ? " " + words[1].lowercased() : ""
            return "\(message) (see 'help \(name)\(sub)')"
        }
        if message.contains("unexpected argument") || !known.contains(name) {
            return (shown(words[0]).map { "unknown command '\($0)'" } ?? "unknown command")
                + Suggestion.didYouMean(name, in: known + ["quit"]) + "; type 'help' for the list"
        }
        return message
    }
}

