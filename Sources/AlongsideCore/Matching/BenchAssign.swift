// `alongside bench assign`: solve a weight-matrix CSV and report the result and solve time.

/// The work behind `alongside bench assign --input FILE [--maximize]`.
public enum BenchAssign {
    /// Parses, solves (timing only the solve with a monotonic clock, e.g. ContinuousClock or
    /// clock_gettime(CLOCK_MONOTONIC)), returns the JSON text of spec §10 (one line, keys in the
    /// order rows, cols, matched, total, solve_ms, pairs).
    ///
    /// For example `{"rows":2,"cols":2,"matched":2,"total":3.5,"solve_ms":0.004,
    /// "pairs":[[0,1],[1,0]]}`. Pairs are 0-based `[row, col]`, sorted by row. `total` and
    /// `solve_ms` use Swift's shortest round-trip `Double` description (valid JSON numbers).
    /// A total that overflows a Double is an error (line 0), not a number.
    public static func run(csv text: String, maximize: Bool) throws(WeightMatrixError) -> String {
        let problem = try WeightMatrixCSV.parse(text)
        let clock = ContinuousClock()
        let started = clock.now
        let solution = AssignmentSolver.solve(problem, maximize: maximize)
        let elapsed = clock.now - started
        guard solution.total.isFinite else {
            throw WeightMatrixError(
                line: 0, column: 0,
                message: "the chosen pairs' total overflows a double; scale the weights down")
        }
        let (seconds, attoseconds) = elapsed.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        var json = "{\"rows\":\(problem.rows),\"cols\":\(problem.cols)"
        json += ",\"matched\":\(solution.matched),\"total\":\(number(solution.total))"
        json += ",\"solve_ms\":\(number(milliseconds)),\"pairs\":["
        json.reserveCapacity(json.utf8.count + solution.pairs.count * 12 + 2)
        for (index, pair) in solution.pairs.enumerated() {
            if index > 0 { json += "," }
            json += "[\(pair.row),\(pair.col)]"
        }
        json += "]}"
        return json
    }

    /// A JSON number for `value`: the shortest round-trip description, `null` if not finite.
    private static func number(_ value: Double) -> String {
        value.isFinite ? "\(value)" : "null"
    }
}
