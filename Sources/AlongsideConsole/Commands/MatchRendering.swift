import AlongsideCore
import Foundation

/// How rankings are printed by `register` and `match`.
enum MatchRendering {
    static func candidatesJSON(_ result: MatchResult) -> JSONValue {
        .array(
            result.candidates.map { c in
                .object([
                    ("mentor", .string(c.mentorID)), ("score", .double(c.score)),
                    ("components", .object(c.components.named.map { ($0.0, .double($0.1)) })),
                ])
            })
    }

    static func excludedJSON(_ result: MatchResult) -> JSONValue {
        .array(
            result.excluded.map {
                .object([("mentor", .string($0.mentorID)), ("rule", .string($0.rule.rawValue))])
            })
    }

    /// The candidates as a table; with `explain`, each component as `value×weight`.
    static func candidatesTable(
        _ result: MatchResult, names: [String: String], weights: ScoreWeights, explain: Bool,
        limit: Int? = nil
    ) -> TextTable {
        var columns = ["rank", "mentor", "name", "score"]
        var align: [TextTable.Align] = [.right, .left, .left, .right]
        if explain {
            for (name, w) in weights.named {
                columns.append("\(name) ×\(Fmt.two(w))")
                align.append(.right)
            }
        } else {
            columns += ["needs met", "distance"]
            align += [.right, .right]
        }
        var t = TextTable(columns, align: align)
        for (i, c) in result.candidates.enumerated() {
            if let limit, i >= limit { break }
            var row = ["\(i + 1)", c.mentorID, names[c.mentorID.lowercased()] ?? "", Fmt.score(c.score)]
            if explain {
                row += c.components.named.map { Fmt.two($0.1) }
            } else {
                row.append("\(Int((c.components.experience * 100).rounded()))%")
                row.append(c.distanceKm.map { $0 < 0.05 ? "local" : String(format: "%.1f km", $0) } ?? "?")
            }
            t.add(row)
        }
        return t
    }

    static func excludedTable(_ result: MatchResult, names: [String: String]) -> TextTable {
        var t = TextTable(["mentor", "name", "left out because"])
        for e in result.excluded {
            t.add([e.mentorID, names[e.mentorID.lowercased()] ?? "", "\(e.rule.rawValue): \(e.rule.explanation)"])
        }
        return t
    }

    /// Candidates as CSV rows (one per candidate, components as columns).
    static func candidatesCSV(_ result: MatchResult, presentation: String) -> String {
        var rows: [[String]] = []
        for (i, c) in result.candidates.enumerated() {
            rows.append(
                [presentation, "\(i + 1)", c.mentorID, "\(c.score)"]
                    + c.components.named.map { "\($0.1)" })
        }
        return CSV.document(
            header: ["presentation", "rank", "mentor", "score", "experience", "locality",
                "language", "load", "continuity"], rows: rows)
    }
}
