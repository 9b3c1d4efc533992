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

    /// An `--nhs` value as its 10 digits (spaces, dashes or dots between them are fine);
    /// nil stays nil. The error names the option and never repeats the number.
    static func nhs(_ value: String?, option: String = "--nhs") throws -> String? {
        guard let value else { return nil }
        do { return try NHSNumber(value).digits } catch {
            throw CommandError.field(option, error.description)
        }
    }

    /// A local ref as stored (upper case), checked as stored text; nil stays nil.
    static func ref(_ value: String?, option: String = "--ref") throws -> String? {
        try text(value, option: option, max: PresentationImport.maxRefLength)?.uppercased()
    }
}
