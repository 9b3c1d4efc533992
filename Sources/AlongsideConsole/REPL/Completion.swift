import AlongsideCore
import Foundation

/// What tab completion offers: command words, options, ids, tags and localities.
final class CompletionWords: @unchecked Sendable {
    private let lock = NSLock()
    private var mentorIDs: [String] = []
    private var presentationIDs: [String] = []
    private var siteNames: [String] = []
    let tags: [String]
    let localities: [String]

    init(tags: [String], localities: [String]) {
        self.tags = tags
        self.localities = localities
    }

    /// Replaces the ids offered (called after each command).
    func update(mentors: [String], presentations: [String], sites: [String] = []) {
        lock.lock()
        mentorIDs = mentors
        presentationIDs = presentations
        siteNames = sites
        lock.unlock()
    }

    private var ids: ([String], [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (mentorIDs, presentationIDs)
    }

    /// The sites offered for `--site`: those known, then `all`.
    var sites: [String] {
        lock.lock()
        defer { lock.unlock() }
        return siteNames + [SiteName.all]
    }

    /// The command words, from the grammar.
    static var commands: [String] { Grammar.root.subcommands.map(\.name) }
    /// Options whose value is a comma list (no space after a completed item).
    static let listOptions: Set<String> = ["--needs", "--experience", "--localities", "--languages"]

    /// The candidates for `word`, given the text before it.
    func complete(lineBeforeWord: String, word: String) -> [String] {
        let before = lineBeforeWord.split(separator: " ").map(String.init)
        let afterComma = lineBeforeWord.hasSuffix(",")
        guard !before.isEmpty, let (command, depth) = Grammar.command(for: before) else {
            return before.isEmpty ? Self.commands : []
        }
        let path = command.words
        if before.count == depth && !afterComma && !command.subcommands.isEmpty {
            return command.subcommands.map(\.name) + command.optionNames
        }
        // The option whose value is being typed (after a comma, the list's option).
        let valueOf = afterComma ? (before.count >= 2 ? before[before.count - 2] : nil) : before.last
        switch valueOf {
        case "--needs", "--experience": return tags
        case "--locality", "--localities": return localities
        case "--mentor-gender", "--gender": return ["female", "male", "non-binary"]
        case "--site" where command.optionNames.contains("--site"): return sites
        default: break
        }
        if let valueOf, let option = command.arguments.first(where: { $0.names.contains(valueOf) }),
            option.takesValue, !option.values.isEmpty
        {
            return option.values
        }
        if word.hasPrefix("-") { return command.optionNames }
        // A positional argument with fixed values (an outcome, a role, a referral step).
        let positionals = command.arguments.filter(\.isPositional)
        var index = 0
        var i = depth
        while i < before.count {
            if let option = command.arguments.first(where: { $0.names.contains(before[i]) }) {
                i += option.takesValue ? 2 : 1
            } else {
                index += 1
                i += 1
            }
        }
        if index < positionals.count, !positionals[index].values.isEmpty {
            return positionals[index].values
        }
        let (mentors, presentations) = ids
        switch path {
        case "help":
            return Self.commands + Help.topics
        case "assign" where before.count == 2:
            return mentors
        case "match", "assign", "decline", "seen", "close":
            return presentations
        case "show":
            return presentations + mentors
        default:
            if path.hasPrefix("mentor") || path.hasPrefix("shift") || path == "leave" {
                return mentors
            }
            return []
        }
    }
}
