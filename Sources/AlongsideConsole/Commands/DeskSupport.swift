import AlongsideCore
import ArgumentParser
import AlongsideStore
import Foundation

extension Session {
    /// Runs a life-cycle step of the core model, turning a refusal into a command error
    /// worded with the site's times.
    func step<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as LifecycleError {
            throw CommandError(e.message(calendar))
        }
    }

    /// The required `--reason` of a correction, checked as free text.
    func correctionReason(_ text: String?, example: String) throws -> String {
        guard let reason = try Validate.text(text, option: "--reason", max: 200) else {
            throw CommandError.field(
                "--reason", "is required for a correction, e.g. --reason \"\(example)\"")
        }
        return reason
    }
}

/// Collects the problems of several fields so a command reports all of them at once
/// (spec §4), not only the first.
struct FieldProblems {
    private(set) var messages: [String] = []

    /// Runs one field's check; a failure is kept and nil returned.
    mutating func check<T>(_ body: () throws -> T) -> T? {
        do { return try body() } catch {
            messages.append(Console.describe(error))
            return nil
        }
    }

    /// Adds a problem.
    mutating func add(_ message: String) { messages.append(message) }

    /// Throws one error naming every problem, if there are any.
    func throwIfAny() throws {
        switch messages.count {
        case 0: return
        case 1: throw CommandError(messages[0])
        default: throw CommandError(messages.joined(separator: "; "))
        }
    }
}

extension Session {
    /// Problems with `--mentor-gender` and `--language`: each must name a value that some
    /// mentor on the roster (not retired) has, so the request cannot silently exclude
    /// everyone (spec §4).
    func rosterProblems(mentorGender: String?, language: String?, in tx: any StoreReading)
        throws -> [String]
    {
        guard mentorGender != nil || language != nil else { return [] }
        let roster = try tx.mentors().filter { $0.status != .retired }
        var problems: [String] = []
        func problem(_ option: String, _ what: String, _ value: String, _ values: Set<String>) {
            guard !values.contains(value) else { return }
            var text = "\(option): no mentor on the roster has \(what) '\(value)'"
            if let near = RosterValues.suggestion(
                for: value, in: values, language: option == "--language")
            {
                text += " (did you mean '\(near)'?)"
            } else if values.isEmpty {
                text += " (no mentor has a \(what) recorded; leave the option out)"
            } else {
                text += " (the roster has \(values.sorted().joined(separator: ", ")))"
            }
            problems.append(text)
        }
        if let g = mentorGender {
            problem(
                "--mentor-gender", "gender", g, Set(roster.compactMap { $0.gender?.lowercased() }))
        }
        if let l = language {
            problem(
                "--language", "language", l,
                Set(roster.flatMap { $0.languages.map { $0.lowercased() } }))
        }
        return problems
    }
}

/// What every correction of a presentation takes: the presentation and the required reason.
struct CorrectionTarget: ParsableArguments {
    @Argument(help: "The presentation, e.g. P12.")
    var presentation: String
    @Option(help: "Why (required; do not write names or NHS numbers).")
    var reason: String?
}
