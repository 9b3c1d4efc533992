// TEMPORARY STUB — replaced by the real solver.
public struct AssignmentProblem: Sendable {
    public var rows: Int
    public var cols: Int
    public var weights: [Double]
    public init(rows: Int, cols: Int, weights: [Double]) { self.rows = rows; self.cols = cols; self.weights = weights }
}
public struct AssignmentPair: Sendable, Equatable, Hashable { public var row: Int; public var col: Int }
public struct AssignmentSolution: Sendable, Equatable {
    public var pairs: [AssignmentPair]
    public var total: Double
    public var matched: Int { pairs.count }
}
public enum AssignmentSolver {
    public static func solve(_ problem: AssignmentProblem, maximize: Bool) -> AssignmentSolution {
        var used = Set<Int>(); var pairs: [AssignmentPair] = []; var total = 0.0
        for r in 0..<problem.rows {
            for c in 0..<problem.cols where !used.contains(c) && !problem.weights[r * problem.cols + c].isNaN {
                used.insert(c); pairs.append(AssignmentPair(row: r, col: c)); total += problem.weights[r * problem.cols + c]; break
            }
        }
        return AssignmentSolution(pairs: pairs, total: total)
    }
}
public struct WeightMatrixError: Error, CustomStringConvertible, Equatable { public var line: Int; public var column: Int; public var message: String; public var description: String { message } }
public enum BenchAssign {
    public static func run(csv text: String, maximize: Bool) throws(WeightMatrixError) -> String { "{}" }
}
