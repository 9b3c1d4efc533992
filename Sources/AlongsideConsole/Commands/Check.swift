import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `check`.
struct Check: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the database's integrity and the audit log's chain.")
    static let requiredRole = Role.admin

    func execute(_ session: Session) throws -> String {
        let problems = try session.store.check()
        if problems.isEmpty { return "ok: database integrity and audit chain verified." }
        throw CommandError("check found problems:\n  " + problems.joined(separator: "\n  "))
    }
}
