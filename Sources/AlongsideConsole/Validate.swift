import AlongsideCore
import Foundation

/// Checks for free-text options.
enum Validate {
    /// Trims, refuses control characters and over-long text; nil stays nil, empty becomes nil.
    static func text(_ value: String?, option: String, max: Int) throws -> String? {
        guard let value else { return nil }
        let t = value.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return nil }
        if t.count > max { throw CommandError.field(option, "is longer than \(max) characters") }
        if t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw CommandError.field(option, "contains control characters")
        }
        if NHSNumber.appears(in: t) {
            throw CommandError.field(
                option, "holds what looks like an NHS number; keep identifiers out of free text (use --nhs when registering)")
        }
        return t
    }
}
