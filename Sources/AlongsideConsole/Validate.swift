import AlongsideCore
import Foundation

/// Checks for free-text options.
enum Validate {
    /// Trims, then applies the core's one rule for stored text (`StoredText.problem`:
    /// length, control characters, spreadsheet formulas, NHS numbers); nil stays nil, empty
    /// becomes nil. The error names the option.
    static func text(_ value: String?, option: String, max: Int) throws -> String? {
        guard let value else { return nil }
        let t = value.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        if let problem = StoredText.problem(t, max: max) { throw CommandError.field(option, problem) }
        return t
    }
}
