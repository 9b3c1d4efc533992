/// The one rule for text that is stored (names, genders, languages, refs, reasons): every
/// command and importer calls it, so what one path refuses, none accepts.
public enum StoredText {
    /// Why `text` cannot be stored, or nil when it can: longer than `max` characters, a
    /// control character (a line break, an escape sequence that could drive a terminal), text
    /// a spreadsheet would run as a formula (so exports open safely), or an NHS number (spec
    /// §8: identifiers stay out of free text).
    public static func problem(_ text: String, max: Int) -> String? {
        if text.count > max { return "is longer than \(max) characters" }
        if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "holds a line break or control character; keep it on one line"
        }
        if let problem = Identifiers.spreadsheetFormulaProblem(text) { return problem }
        if NHSNumber.appears(in: text) {
            return "holds what looks like an NHS number; keep identifiers out of free text "
                + "(use --nhs when registering)"
        }
        return nil
    }
}

/// The one home of a mentor's field rules (spec §5), for `mentor add/edit` and `roster
/// import` alike.
public enum MentorRules {
    /// The longest name.
    public static let nameMax = 100
    /// The longest gender, and the longest language.
    public static let shortTextMax = 32
    /// How many people a mentor may hold at once.
    public static let capacity = 1...50

    /// Why a name cannot be stored, or nil.
    public static func nameProblem(_ name: String) -> String? {
        name.isEmpty ? "is empty; give the mentor's name" : StoredText.problem(name, max: nameMax)
    }

    /// Why a gender or one language cannot be stored, or nil.
    public static func shortTextProblem(_ text: String) -> String? {
        StoredText.problem(text, max: shortTextMax)
    }

    /// The capacity in `text`, or why it is not one.
    public static func capacity(_ text: String) -> Result<Int, CapacityProblem> {
        if let k = Int(text.trimmingCharacters(in: [" ", "\t"])), capacity.contains(k) {
            return .success(k)
        }
        return .failure(CapacityProblem(text: text))
    }

    /// A capacity that is not a whole number in range.
    public struct CapacityProblem: Error, CustomStringConvertible {
        /// What was given.
        public var text: String
        /// The message.
        public var description: String {
            "'\(text)' is not a whole number from \(capacity.lowerBound) to \(capacity.upperBound) "
                + "(how many people the mentor can hold at once)"
        }
    }

    /// A yes/no field as people and spreadsheets write it (`yes`/`no`, `true`/`false`), or
    /// nil when it is neither; empty is no.
    public static func yesNo(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "", "no", "false", "n": false
        case "yes", "true", "y": true
        default: nil
        }
    }
}
