import AlongsideCore
import Foundation

/// What tab completion offers: command words, options, ids, tags and localities.
final class CompletionWords: @unchecked Sendable {
    private let lock = NSLock()
    private var mentorIDs: [String] = []
    private var presentationIDs: [String] = []
    let tags: [String]
    let localities: [String]

    init(tags: [String], localities: [String]) {
        self.tags = tags
        self.localities = localities
    }

    /// Replaces the ids offered (called after each command).
    func update(mentors: [String], presentations: [String]) {
        lock.lock()
        mentorIDs = mentors
        presentationIDs = presentations
        lock.unlock()
    }

    private var ids: ([String], [String]) {
        lock.lock()
        defer { lock.unlock() }
        return (mentorIDs, presentationIDs)
    }

    static let commands = [
        "register", "match", "assign", "decline", "seen", "close", "queue", "allocate", "show",
        "mentor", "mentors", "shift", "leave", "roster", "presentations", "summary", "audit",
        "staff", "backup", "check", "retention", "config", "hold", "bench", "help", "quit",
    ]
    static let subcommands: [String: [String]] = [
        "mentor": ["add", "edit", "pause", "resume", "retire"],
        "shift": ["add", "weekly", "remove"],
        "roster": ["import", "export", "week"],
        "presentations": ["import"],
        "summary": ["week", "trend"],
        "audit": ["verify", "anchor"],
        "config": ["show", "set"],
        "hold": ["release"],
        "staff": ["add", "remove", "pin", "list"],
        "bench": ["assign"],
    ]
    /// Options whose value is a comma list (no space after a completed item).
    static let listOptions: Set<String> = ["--needs", "--experience", "--localities", "--languages"]
    static let mentorOptions = [
        "--name", "--gender", "--languages", "--localities", "--experience", "--capacity",
        "--dbs-recheck-due", "--lead",
    ]
    static let options: [String: [String]] = [
        "register": [
            "--locality", "--needs", "--at", "--ref", "--nhs", "--age-band", "--gender",
            "--mentor-gender", "--language", "--lead-mentor", "--ed-arrival", "--format",
        ],
        "match": ["--explain", "--format"],
        "assign": ["--at", "--override"],
        "decline": ["--reason"],
        "seen": ["--at"],
        "close": ["--at"],
        "queue": ["--format"],
        "allocate": ["--confirm", "--format"],
        "show": ["--format"],
        "mentors": ["--all", "--available", "--format"],
        "mentor add": mentorOptions,
        "mentor edit": mentorOptions + ["--no-lead"],
        "shift weekly": ["--from", "--until"],
        "roster week": ["--format"],
        "summary week": ["--format", "--out"],
        "summary trend": ["--weeks", "--format", "--out"],
        "audit": ["--since", "--entity", "--detail", "--format"],
        "staff list": ["--format"],
        "bench assign": ["--input", "--maximize"],
        "retention": ["--years", "--dry-run"],
        "audit verify": ["--anchor"],
        "hold": ["--reason"],
        "config show": ["--format"],
    ]

    /// The candidates for `word`, given the text before it.
    func complete(lineBeforeWord: String, word: String) -> [String] {
        let before = lineBeforeWord.split(separator: " ").map(String.init)
        let afterComma = lineBeforeWord.hasSuffix(",")
        guard let first = before.first?.lowercased() else { return Self.commands }
        if before.count == 1 && !afterComma, let subs = Self.subcommands[first] {
            return subs + (Self.options[first] ?? [])
        }
        let path = before.count >= 2 && Self.subcommands[first]?.contains(before[1]) == true
            ? "\(first) \(before[1])" : first
        // The option whose value is being typed (after a comma, the list's option).
        let valueOf = afterComma ? (before.count >= 2 ? before[before.count - 2] : nil) : before.last
        switch valueOf {
        case "--needs", "--experience": return tags
        case "--locality", "--localities": return localities
        case "--format": return ["table", "csv", "json", "md", "html"]
        case "--mentor-gender", "--gender": return ["female", "male", "non-binary"]
        default: break
        }
        if word.hasPrefix("-") { return Self.options[path] ?? [] }
        let (mentors, presentations) = ids
        switch path {
        case "help":
            return Self.commands + ["times", "tags", "localities", "outcomes", "formats"]
        case "close" where before.count == 2:
            return Outcome.allCases.map(\.rawValue)
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
