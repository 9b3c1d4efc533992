import AlongsideCore
import ArgumentParser

/// A command of the console. Parsing is swift-argument-parser's; running is ours, so it
/// never calls `exit` and always goes through one session.
protocol ConsoleCommand: ParsableCommand {
    /// The least role allowed to run it (spec §8).
    static var requiredRole: Role { get }
    /// Runs the command and returns what to print. Throws to fail (nothing is written).
    func execute(_ session: Session) throws -> String
    /// Whether the command checks the acting user's identity itself (see `Identity`).
    var provesIdentityItself: Bool { get }
}

/// A command that needs no database (help, quit, bench).
protocol StandaloneCommand: ParsableCommand {
    /// Runs the command and returns what to print.
    func execute(_ console: Console) throws -> String
}

/// The root of the grammar: every command the console knows.
struct RootCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alongside",
        abstract: "Pair people presenting at A&E with an available peer mentor, and log the wait.",
        subcommands: [
            Register.self, Match.self, Assign.self, Decline.self, Seen.self, Close.self,
            Queue.self, Allocate.self, Show.self, MentorCommand.self, Mentors.self,
            ShiftCommand.self, LeaveCommand.self, RosterCommand.self, PresentationsCommand.self,
            SummaryCommand.self,
            ServicesCommand.self, Refer.self, ReferralCommand.self, Find.self, ExportCommand.self,
            AuditCommand.self,
            StaffCommand.self, Backup.self, Check.self, Retention.self, ConfigCommand.self, HoldCommand.self, Bench.self, DemoCommand.self, Help.self, Quit.self,
            Unassign.self, VoidCommand.self, Edit.self, Reopen.self, Handover.self, Board.self,
            SubjectAccess.self, SiteCommand.self,
        ]
    )
}

/// The `--format` option shared by every command that prints records.
struct FormatOption: ParsableArguments {
    @Option(help: "Output format: table, csv or json.")
    var format: RecordFormat?
}
