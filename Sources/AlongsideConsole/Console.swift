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
        if first == "help" || first == "?" {
            return try Help.render(topic: Array(words.dropFirst()), console: self)
        }
        if first == "quit" || first == "exit" {
            if words.count > 1 { throw CommandError("\(first) takes nothing after it") }
            quitRequested = true
            sessionCache?.wantsToQuit = true
            return ""
        }
        let command: any ParsableCommand
        do {
            command = try RootCommand.parseAsRoot(words.map(Self.protectRelativeTime))
        } catch {
            let message = RootCommand.fullMessage(for: error)
            if RootCommand.exitCode(for: error) == .success {
                return message  // --help
            }
            throw CommandError(Self.tidy(parseMessage: message, words: words))
        }
        if let standalone = command as? any StandaloneCommand {
            return try standalone.execute(self)
        }
        guard let command = command as? any ConsoleCommand else {
            return Help.overview()
        }
        let session = try session()
        try Identity.permit(command, path: CommandTree.path(of: type(of: command)), session: session)
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

    /// Turns an argument-parser message into one line in the console's voice.
    static func tidy(parseMessage: String, words: [String]) -> String {
        var lines = parseMessage.split(separator: "\n").map(String.init)
        lines.removeAll { $0.hasPrefix("Usage:") || $0.hasPrefix("  See") || $0.isEmpty }
        var message = lines.first ?? "could not read the command"
        if message.hasPrefix("Error: ") { message.removeFirst(7) }
        if let f = message.first { message = f.lowercased() + message.dropFirst() }
        let known = RootCommand.configuration.subcommands.map { $0._commandName }
        let name = words[0].lowercased()
        // Never repeat a stray word back: it may be personal data typed in the wrong place.
        if message.hasPrefix("unexpected argument") {
            message = "unexpected extra word(s); quote text that has spaces"
        }
        if let type = RootCommand.configuration.subcommands.first(where: { $0._commandName == name }) {
            let subs = type.configuration.subcommands.map { $0._commandName }
            let sub = words.count > 1 && subs.contains(words[1].lowercased()) ? " " + words[1].lowercased() : ""
            return "\(message) (see 'help \(name)\(sub)')"
        }
        if message.contains("unexpected argument") || !known.contains(name) {
            return "unknown command '\(words[0])'"
                + Suggestion.didYouMean(name, in: known + ["quit"]) + "; type 'help' for the list"
        }
        return message
    }
}

