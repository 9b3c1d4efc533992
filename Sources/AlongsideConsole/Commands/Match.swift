import AlongsideCore
import ArgumentParser
import Foundation

/// `match P`: rank the available mentors for a presentation.
struct Match: ConsoleCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Rank the available mentors for a presentation.",
        discussion: """
            Only mentors who pass every hard rule are ranked (active, DBS recheck not overdue, \
            on shift and not on leave, below capacity, the gender asked for, a lead if one \
            was asked for, not declined). The score is the weighted sum of five components; \
            --explain prints each component and weight, and who was left out and why.

            Examples:
              match P12
              match P12 --explain
              match P12 --format json
            """)
    static let requiredRole = Role.liaison

    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Flag(help: "Show each score component with its weight, and every mentor left out.")
    var explain = false
    @OptionGroup var output: FormatOption

    func execute(_ session: Session) throws -> String {
        let format = try session.format(output.format)
        let now = session.now
        let (p, result, names) = try session.read { tx in
            let p = try session.presentation(presentation, in: tx)
            let states = try tx.mentorStates(at: now)
            let result = session.matcher.rank(try session.matchRequest(p, in: tx), mentors: states, at: now)
            let names = Dictionary(states.map { ($0.mentor.id.lowercased(), $0.mentor.name) }) { a, _ in a }
            return (p, result, names)
        }
        switch format {
        case .json:
            var fields: [(String, JSONValue)] = [
                ("presentation", .string(p.id)),
                ("at", .string(session.calendar.isoString(now))),
                ("candidates", MatchRendering.candidatesJSON(result)),
                ("excluded", MatchRendering.excludedJSON(result)),
            ]
            if explain {
                fields.append(
                    ("weights", .object(session.config.weights.named.map { ($0.0, .double($0.1)) })))
            }
            return JSONValue.object(fields).text
        case .csv:
            return MatchRendering.candidatesCSV(result, presentation: p.id)
        default:
            var out = ""
            if p.status == .seen || p.status == .closed {
                out += "\(p.id) is \(p.status.rawValue); this ranking is for information only.\n"
            }
            if result.candidates.isEmpty {
                out += session.style.yellow("No mentor is available for \(p.id) now.") + "\n"
            } else {
                out += MatchRendering.candidatesTable(
                    result, names: names, weights: session.config.weights, explain: explain
                ).render(style: session.style)
                if explain {
                    out += "score = "
                        + session.config.weights.named.map { "\(Fmt.two($0.1))×\($0.0)" }
                        .joined(separator: " + ") + "\n"
                }
            }
            if explain && !result.excluded.isEmpty {
                out += "\nLeft out:\n"
                    + MatchRendering.excludedTable(result, names: names).render(style: session.style)
            } else if !result.excluded.isEmpty {
                out += session.style.dim(
                    "\(result.excluded.count) mentor(s) left out; 'match \(p.id) --explain' says why.")
                    + "\n"
            }
            return out
        }
    }
}
