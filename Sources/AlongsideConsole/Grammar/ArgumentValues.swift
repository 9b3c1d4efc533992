import AlongsideCore
import ArgumentParser
import Foundation

// Options with fixed values are typed, so swift-argument-parser refuses a bad value while
// parsing: before a PIN is asked or the database opened. `Console.tidy` words its refusal
// as `--format: 'xml' is not a format; use table, csv or json`.

/// The formats of a command that prints records: table, csv or json.
enum RecordFormat: String, CaseIterable, ExpressibleByArgument {
    /// Aligned columns.
    case table
    /// CSV with a header row.
    case csv
    /// One JSON document.
    case json

    init?(argument: String) { self.init(rawValue: argument.lowercased()) }

    /// The same format as an `OutputFormat`.
    var output: OutputFormat { OutputFormat(rawValue: rawValue) ?? .table }
}

extension OutputFormat: ExpressibleByArgument {
    /// A format as typed, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension Outcome: ExpressibleByArgument {
    /// An outcome code as typed, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension Role: ExpressibleByArgument {
    /// A role as typed, in any case.
    public init?(argument: String) { self.init(rawValue: argument.lowercased()) }
}

extension ISOWeek: ExpressibleByArgument {
    /// An ISO week as typed: `2026-W46`.
    public init?(argument: String) {
        self.init(argument.trimmingCharacters(in: .whitespaces))
    }
}

extension ReferralStatus: ExpressibleByArgument {
    /// A step a referral moves on to, as typed (`requested` is where it starts, not a step).
    public init?(argument: String) {
        guard let s = Self(rawValue: argument.lowercased()), s != .requested else { return nil }
        self = s
    }

    /// The steps, without `requested`.
    public static var allValueStrings: [String] {
        allCases.filter { $0 != .requested }.map(\.rawValue)
    }
}

extension Session {
    /// The format for a command with the shared `--format` option: its own, else the
    /// session's default (when the command allows it), else table.
    func format(_ option: RecordFormat?, allowed: [OutputFormat] = [.table, .csv, .json])
        throws -> OutputFormat
    {
        try format(option?.rawValue, allowed: allowed)
    }
}

/// A `ValidationError` about one field, worded like `CommandError.field`.
func invalid(_ field: String, _ message: String) -> ValidationError {
    ValidationError("\(field): \(message)")
}
