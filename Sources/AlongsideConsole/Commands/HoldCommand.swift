import AlongsideCore
import AlongsideStore
import ArgumentParser
import Foundation

/// `hold P --reason TEXT` / `hold release P`: legal hold against retention.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Keep a presentation's identifiers past retention (legal hold), or release it.",
        subcommands: [HoldPut.self, HoldRelease.self],
        defaultSubcommand: HoldPut.self)
}

struct HoldPut: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "put",
        abstract: "Put P on legal hold: retention keeps its identifiers until 'hold release P'.",
        discussion: """
            Audited. The reason is free text (no NHS number); 'show P' shows the hold.

            Examples:
              hold P12 --reason "coroner's inquest, request of 2026-11-20"
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The presentation (P12).") var presentation: String
    @Option(help: "Why it is held (required).") var reason: String

    func execute(_ session: Session) throws -> String {
        guard let reason = try Validate.text(reason, option: "--reason", max: 200), !reason.isEmpty
        else {
            throw CommandError.field("--reason", "say why the identifiers must be kept")
        }
        let id = try session.write("hold") { tx in
            let p = try session.presentation(presentation, in: tx)
            try tx.insertHold(presentation: p.number, reason: reason, at: session.now)
            return p.id
        }
        return "\(id) is on legal hold: retention keeps its identifiers until 'hold release \(id)'."
    }
}

struct HoldRelease: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Release P's legal hold: retention applies to it again.",
        discussion: """
            Audited.

            Example:
              hold release P12
            """)
    static let requiredRole = Role.admin

    @Argument(help: "The presentation (P12).") var presentation: String

    func execute(_ session: Session) throws -> String {
        let id = try session.write("hold release") { tx in
            let p = try session.presentation(presentation, in: tx)
            guard try tx.hold(of: p.number) != nil else {
                throw CommandError("\(p.id) is not on hold")
            }
            try tx.removeHold(presentation: p.number)
            return p.id
        }
        return "\(id)'s legal hold is released."
    }
}
