import AlongsideCore
import ArgumentParser
import Foundation

/// `bench assign`: the solver on a weight matrix from a file (spec §10).
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmark entry points (no database needed).",
        subcommands: [BenchAssignCommand.self])
}

struct BenchAssignCommand: StandaloneCommand {
    static let configuration = CommandConfiguration(
        commandName: "assign",
        abstract: "Solve an assignment problem from a CSV weight matrix with allocate's exact solver.",
        discussion: """
            Rows are people, columns places; no header; a cell is a number, or empty or x for \
            a forbidden pair. First matches as many rows as possible, then minimises the total \
            (maximises with --maximize). Prints JSON {rows, cols, matched, total, solve_ms, \
            pairs}; solve_ms times the solve alone.

            Example:
              bench assign --input weights.csv --maximize
            """)

    @Option(help: "The CSV matrix file.") var input: String
    @Flag(help: "Maximise the total instead of minimising it.") var maximize = false

    func execute(_ console: Console) throws -> String {
        let text = try TextFiles.read(input, field: "--input")
        do { return try BenchAssign.run(csv: text, maximize: maximize) } catch {
            throw CommandError("\(input): \(error.description)")
        }
    }
}
