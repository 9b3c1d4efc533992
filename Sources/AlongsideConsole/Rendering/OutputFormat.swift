import AlongsideCore
import Foundation

/// How records are printed.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Aligned columns for people.
    case table
    /// RFC 4180 CSV with a header row.
    case csv
    /// One JSON document.
    case json
    /// Markdown (reports).
    case md
    /// A self-contained HTML page (reports).
    case html

    /// Parses a `--format` value, naming the allowed ones in the error.
    static func parse(_ text: String, allowed: [OutputFormat], option: String = "--format")
        throws -> OutputFormat
    {
        guard let f = OutputFormat(rawValue: text.lowercased()), allowed.contains(f) else {
            let names = allowed.map(\.rawValue)
            throw CommandError(
                "\(option): '\(text)' is not a format here; use \(names.joined(separator: ", "))"
                    + Suggestion.didYouMean(text, in: names))
        }
        return f
    }
}

/// Terminal styling, used only on a terminal and never with `NO_COLOR`.
public struct Style: Sendable {
    /// Whether to emit ANSI escapes.
    public var enabled: Bool

    /// Makes a style.
    public init(enabled: Bool) { self.enabled = enabled }

    func wrap(_ s: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s
    }
    /// Bold text.
    func bold(_ s: String) -> String { wrap(s, "1") }
    /// Red text (breaches, errors).
    func red(_ s: String) -> String { wrap(s, "31") }
    /// Yellow text (warnings).
    func yellow(_ s: String) -> String { wrap(s, "33") }
    /// Green text.
    func green(_ s: String) -> String { wrap(s, "32") }
    /// Dim text.
    func dim(_ s: String) -> String { wrap(s, "2") }
}

/// A table of text cells that prints aligned, as CSV or as Markdown.
struct TextTable {
    enum Align { case left, right }
    var columns: [String]
    var align: [Align]
    var rows: [[String]] = []
    /// Optional per-row styling applied after padding (table view only).
    var rowStyles: [((String) -> String)?] = []

    init(_ columns: [String], align: [Align]? = nil) {
        self.columns = columns
        self.align = align ?? Array(repeating: .left, count: columns.count)
    }

    mutating func add(_ cells: [String], style: ((String) -> String)? = nil) {
        rows.append(cells)
        rowStyles.append(style)
    }

    /// Display width: counts Unicode scalars, which is right for the text we print.
    static func width(_ s: String) -> Int { s.unicodeScalars.count }

    func render(style: Style) -> String {
        var widths = columns.map(Self.width)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count {
                widths[i] = max(widths[i], Self.width(cell))
            }
        }
        func line(_ cells: [String]) -> String {
            var parts: [String] = []
            for (i, cell) in cells.enumerated() where i < widths.count {
                let pad = String(repeating: " ", count: max(0, widths[i] - Self.width(cell)))
                let last = i == cells.count - 1
                parts.append(align[i] == .right ? pad + cell : (last ? cell : cell + pad))
            }
            return parts.joined(separator: "  ")
        }
        var out = style.bold(line(columns)) + "\n"
        for (row, rowStyle) in zip(rows, rowStyles) {
            let text = line(row)
            out += (rowStyle.map { $0(text) } ?? text) + "\n"
        }
        return out
    }

    func csv() -> String { CSV.document(header: columns, rows: rows) }

    func markdown() -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + columns.map(esc).joined(separator: " | ") + " |\n"
        out += "|" + align.map { $0 == .right ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { out += "| " + row.map(esc).joined(separator: " | ") + " |\n" }
        return out
    }
}

/// Number formatting for people.
enum Fmt {
    /// Minutes from seconds, whole minutes for people ("12 min").
    static func minutes(_ seconds: Int) -> String {
        let m = seconds / 60
        if m < 120 { return "\(m) min" }
        return "\(m / 60) h \(String(format: "%02d", m % 60)) min"
    }

    /// A score with three decimals.
    static func score(_ x: Double) -> String { String(format: "%.3f", x) }

    /// A component value with two decimals.
    static func two(_ x: Double) -> String { String(format: "%.2f", x) }
}
