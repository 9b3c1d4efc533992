import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `audit` / `audit verify [--anchor LINE|FILE]` / `audit anchor`.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The change log, and a check that it is unbroken.",
        subcommands: [AuditList.self, AuditVerify.self, AuditAnchorCommand.self],
        defaultSubcommand: AuditList.self)
}

struct AuditList: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "Show the audit log (who, when, what, which record).",
        discussion: """
            Examples:
              audit
              audit --since 2026-11-16T00:00 --entity P12
              audit --format json
            """)
    static let requiredRole = Role.admin

    @Option(help: "Only entries at or after this time.") var since: String?
    @Option(help: "Only entries about this record (P12, M3, staff:NAME).") var entity: String?
    @Flag(help: "Include the before/after records.") var detail = false
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let cal = session.calendar
        let from = try since.map { try session.time($0, option: "--since") }
        let entries = try session.read { try $0.auditEntries(since: from, entity: entity) }
        switch format {
        case .json:
            return JSONValue.array(entries.map { e in
                .object([
                    ("seq", .int(Int(e.seq))), ("at", .string(cal.isoString(e.at))), ("user", .string(e.actor)),
                    ("command", .string(e.command)), ("action", .string(e.action)), ("entity", .string(e.entity)),
                    ("before", .string(e.before)), ("after", .string(e.after)), ("hash", .string(e.hash)),
                ])
            }).text
        case .csv:
            return CSV.document(
                header: ["seq", "at", "user", "command", "action", "entity", "before", "after", "hash"],
                rows: entries.map { ["\($0.seq)", cal.isoString($0.at), $0.actor, $0.command, $0.action, $0.entity ?? "", $0.before ?? "", $0.after ?? "", $0.hash] })
        default:
            if entries.isEmpty { return "No audit entries match." }
            var t = TextTable(detail ? ["#", "when", "who", "command", "action", "record", "before", "after"] : ["#", "when", "who", "command", "action", "record"],
                              align: [.right, .left, .left, .left, .left, .left, .left, .left])
            for e in entries {
                var row = ["\(e.seq)", cal.shortString(e.at), e.actor, e.command, e.action, e.entity ?? ""]
                if detail { row += [e.before ?? "", e.after ?? ""] }
                t.add(row)
            }
            return t.render(style: session.style) + "\(entries.count) entr\(entries.count == 1 ? "y" : "ies")."
        }
    }
}

struct AuditVerify: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the audit log's hash chain: finds any edited, deleted or reordered entry.",
        discussion: """
            Also fails when a guard of the log is missing and when the log is empty although \
            the database holds records. With --anchor, each anchor (a line that 'audit \
            anchor' printed, or a file of them, one a line) must still be in the log with its \
            hash, the chain unbroken from it to the head: so a log cut short, deleted or \
            rewritten (its hashes recomputed) is found. A keyed chain (audit_key_file) needs \
            its key to be checked.

            Examples:
              audit verify
              audit verify --anchor "1234 3fa9…e1 2026-11-16T21:00:02Z"
              audit verify --anchor /media/ig-lead/anchors.txt
            """)
    static let requiredRole = Role.admin

    @Option(help: "An anchor line from 'audit anchor', or a file of them.") var anchor: String?

    func execute(_ session: Session) throws -> String {
        let anchors = try anchor.map(Self.anchors) ?? []
        let (problems, count) = try session.store.verifyAudit(anchors: anchors)
        if problems.isEmpty {
            var out = "The audit log is unbroken: \(count) entries verified."
            if !anchors.isEmpty {
                out += " It still holds \(anchors.count == 1 ? "the anchored entry" : "all \(anchors.count) anchored entries")."
            }
            return out
        }
        throw CommandError("the audit log has been tampered with:\n  " + problems.joined(separator: "\n  "))
    }

    /// The anchors given: one line, or every line of a file (blank lines and `#` comments
    /// skipped).
    static func anchors(_ text: String) throws -> [AuditAnchor] {
        if let line = AuditAnchor(line: text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            return [line]
        }
        let path = (text as NSString).expandingTildeInPath
        guard FileManager.default.fileExists(atPath: path) else {
            throw CommandError.field(
                "--anchor",
                "'\(text)' is neither an anchor line (SEQ HASH TIME, as 'audit anchor' prints) nor a file")
        }
        let content = try TextFiles.read(text, field: "--anchor")
        var result: [AuditAnchor] = []
        for (i, raw) in content.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let a = AuditAnchor(line: line) else {
                throw CommandError.field(
                    "--anchor", "\(text):\(i + 1): not an anchor line (SEQ HASH TIME)")
            }
            result.append(a)
        }
        if result.isEmpty { throw CommandError.field("--anchor", "\(text) holds no anchor line") }
        return result
    }
}

struct AuditAnchorCommand: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "anchor",
        abstract: "Print the log's head as one line (SEQ HASH TIME) to keep outside the database.",
        discussion: """
            Keep the line where whoever holds the database cannot change it (mail it to the \
            IG lead every night, print it, append it to a file on another machine); \
            'audit verify --anchor LINE|FILE' later proves the log still holds that entry and \
            everything before it. See docs/admin-guide.md.

            Examples:
              audit anchor
              audit anchor >> /media/ig-lead/anchors.txt
            """)
    static let requiredRole = Role.admin

    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        guard let anchor = try session.store.auditAnchor() else {
            throw CommandError("the audit log is empty; there is nothing to anchor yet")
        }
        if format == .json {
            return JSONValue.object([
                ("seq", .int(Int(anchor.seq))), ("hash", .string(anchor.hash)),
                ("at", .string(anchor.timeText)),
                ("anchor", .string(anchor.description)),
            ]).text
        }
        return anchor.description
    }
}
