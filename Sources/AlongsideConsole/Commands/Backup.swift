import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `backup FILE`.
struct Backup: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Write an online, consistent copy of the database (mode 0600).",
        discussion: """
            Safe while others are using the database. The copy is written beside FILE under a \
            fresh name and replaces FILE only when complete, so a failed backup (full disk, \
            killed process) leaves the previous one as it was. The copy holds personal data: \
            keep it as carefully as the database itself. The backup is logged in the audit \
            log. docs/admin-guide.md says how to restore from it.

            Example:
              backup /secure/alongside-2026-11-22.sqlite
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The file to write.") var file: String

    func execute(_ session: Session) throws -> String {
        let target = URL(fileURLWithPath: file).standardizedFileURL.resolvingSymlinksInPath().path
        let live = URL(fileURLWithPath: session.databasePath).standardizedFileURL.resolvingSymlinksInPath().path
        if target == live || target == live + "-wal" || target == live + "-shm" {
            throw CommandError.field("FILE", "is the database itself; give the backup its own file name")
        }
        // The copy is written under a temporary name and renamed over FILE only when
        // complete, so a failed backup leaves the previous one untouched.
        try session.store.backup(to: file)
        try session.write("backup") { tx in
            try tx.logEvent(action: "export", entity: nil, detail: "backup")
        }
        return "Backed up to \(file)."
    }
}
