import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `config show` / `config set KEY VALUE [KEY VALUE…]`.
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "The site's settings, kept in the database.",
        discussion: """
            The settings that change figures or safety (target, weights, pre-breach, \
            require_pin, idle lock, retention, require_sign_in, the audit key) live in the \
            database, so every console uses the same ones and every change is audited. A \
            site.conf beside the database only seeds a new database (and names the site's own \
            tags_file and localities_file); on an existing one it is ignored, with a warning \
            when it disagrees.

            Examples:
              config show
              config set target_minutes 60
              config set weight_experience 0.6 weight_locality 0.1
            """,
        subcommands: [ConfigShow.self, ConfigSet.self],
        defaultSubcommand: ConfigShow.self)
}

struct ConfigShow: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "List every setting with its value.",
        discussion: """
            tags_file and localities_file come from site.conf; the others from the database.

            Examples:
              config show
              config show --format json
            """)
    static let requiredRole = Role.admin

    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let entries = session.config.entries.map { e in
            (e.key, e.value, SiteConfig.databaseKeys.contains(e.key) ? "database" : "site.conf")
        }
        switch format {
        case .json:
            return JSONValue.object(entries.map { ($0.0, .string($0.1)) }).text
        case .csv:
            return CSV.document(
                header: ["key", "value", "from"], rows: entries.map { [$0.0, $0.1, $0.2] })
        default:
            var t = TextTable(["key", "value", "from"])
            for e in entries { t.add([e.0, e.1, e.2]) }
            return t.render(style: session.style)
        }
    }
}

struct ConfigSet: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "set",
        abstract: "Change settings (admin, audited); several KEY VALUE pairs change together.",
        discussion: """
            Each value is checked as site.conf's would be, and the result must be valid as a \
            whole (the five weights add up to 1), so change weights together. audit_key_file \
            names a file outside the database's folder holding the key of the keyed audit \
            chain; it cannot change once entries are keyed by it. 'help config' lists the keys.

            Examples:
              config set target_minutes 60
              config set weight_experience 0.6 weight_locality 0.1
              config set audit_key_file /etc/alongside/audit.key
            """)
    static let requiredRole = Role.admin

    @Argument(help: "KEY VALUE pairs.") var pairs: [String] = []

    func execute(_ session: Session) throws -> String {
        guard !pairs.isEmpty, pairs.count % 2 == 0 else {
            throw CommandError.field(
                "KEY VALUE", "give each key with its value, e.g. config set target_minutes 60")
        }
        var config = session.config
        var problems: [String] = []
        var changed: [String] = []
        for i in stride(from: 0, to: pairs.count, by: 2) {
            let (typed, value) = (pairs[i], pairs[i + 1])
            if let key = SiteConfig.canonicalKey(typed), !SiteConfig.databaseKeys.contains(key) {
                problems.append("\(key): is read from site.conf; change it there")
                continue
            }
            do { try config.set(typed, value) } catch {
                problems.append(error.message)
                continue
            }
            if let key = SiteConfig.canonicalKey(typed) {
                if changed.contains(key) {
                    problems.append("\(key): given twice")
                } else {
                    changed.append(key)
                }
            }
        }
        if problems.isEmpty {
            do { try config.validate() } catch { problems.append(error.message) }
        }
        if config.auditKeyFile != nil, config.auditKeyFile != session.config.auditKeyFile {
            config.auditKeyFile = config.auditKeyFile.map(SiteSettings.absolute)
        }
        var key = AuditKeyState.none
        if problems.isEmpty, changed.contains("audit_key_file") {
            do { key = try newKey(config.auditKeyFile, session) } catch {
                problems.append(Console.describe(error))
            }
        }
        if !problems.isEmpty {
            throw CommandError("nothing changed:\n  " + problems.joined(separator: "\n  "))
        }
        guard SiteCalendar(identifier: config.timeZoneIdentifier) != nil else {
            throw CommandError("time_zone: '\(config.timeZoneIdentifier)' is not a known zone")
        }
        let updates = changed.filter { config.value(of: $0) != session.config.value(of: $0) }
        if updates.isEmpty { return "No change: the settings already hold those values." }
        if updates.contains("audit_key_file") { session.store.setAuditKey(key) }
        do {
            try session.write("config set") { tx in
                for k in updates { try tx.setSetting(k, config.value(of: k) ?? "") }
            }
        } catch {
            if updates.contains("audit_key_file") {
                session.store.setAuditKey(
                    SiteSettings.auditKey(
                        session.config.auditKeyFile, databasePath: session.databasePath))
            }
            throw error
        }
        session.config = config
        if let calendar = SiteCalendar(identifier: config.timeZoneIdentifier) {
            session.calendar = calendar
        }
        return updates.map { "\($0) = \(config.value(of: $0) ?? "")" }.joined(separator: "\n")
    }

    /// The key state for a new audit_key_file: refused while entries are keyed by another.
    private func newKey(_ path: String?, _ session: Session) throws -> AuditKeyState {
        let keyed = try session.read { try $0.hasKeyedEntries() }
        let current = session.config.auditKeyFile.flatMap {
            try? SiteSettings.readKey($0, databasePath: session.databasePath)
        }
        guard let path else {
            if keyed {
                throw CommandError(
                    "audit_key_file: entries are keyed by the current key; it cannot be removed "
                        + "(they could no longer be verified)")
            }
            return .none
        }
        let bytes = try SiteSettings.readKey(path, databasePath: session.databasePath)
        if keyed, bytes != current {
            throw CommandError(
                "audit_key_file: entries are keyed by the current key; a different key would "
                    + "make them unverifiable (move the same key file instead)")
        }
        return .key(bytes)
    }
}
