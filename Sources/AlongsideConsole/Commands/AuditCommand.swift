import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `audit` / `audit verify`.
struct AuditCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "The change log, and a check that it is unbroken.",
        subcommands: [AuditList.self, AuditVerify.self],
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
        abstract: "Check the audit log's hash chain: finds any edited, deleted or reordered entry.")
    static let requiredRole = Role.admin

    func execute(_ session: Session) throws -> String {
        let (problems, count) = try session.store.verifyAudit()
        if problems.isEmpty { return "The audit log is unbroken: \(count) entries verified." }
        throw CommandError("the audit log has been tampered with:\n  " + problems.joined(separator: "\n  "))
    }
}
