import AlongsideCore
import Foundation
import Testing

// MARK: - Helpers

/// The core's seeded generator, so every random instance can be reproduced.
typealias AssignmentTestRNG = SplitMix64

/// The kinds of weights the random instances use.
enum AssignmentWeightKind: String, CaseIterable, CustomTestStringConvertible, Sendable {
    case reals  // uniform in [-100, 100)
    case ties  // small integers 0...3, so many optimal matchings tie
    case negative  // all negative
    case scales  // magnitudes from 1e-3 to 1e6, mixed signs

    var testDescription: String { rawValue }

    func weight(_ rng: inout AssignmentTestRNG) -> Double {
        switch self {
        case .reals: return Double.random(in: -100..<100, using: &rng)
        case .ties: return Double(Int.random(in: 0...3, using: &rng))
        case .negative: return -Double.random(in: 1..<1000, using: &rng)
        case .scales:
            let magnitude = pow(10, Double.random(in: -3..<6, using: &rng))
            return Bool.random(using: &rng) ? magnitude : -magnitude
        }
    }
}

/// A random problem; `forbidden` is the chance that a cell is forbidden, and sometimes a whole
/// row or column is forbidden too.
private func randomProblem(
    rows: Int, cols: Int, forbidden: Double, kind: AssignmentWeightKind,
    rng: inout AssignmentTestRNG
) -> AssignmentProblem {
    var weights = (0..<rows * cols).map { _ in
        Double.random(in: 0..<1, using: &rng) < forbidden ? Double.nan : kind.weight(&rng)
    }
    if rows > 0 && cols > 0 && Int.random(in: 0..<5, using: &rng) == 0 {
        let row = Int.random(in: 0..<rows, using: &rng)
        for col in 0..<cols { weights[row * cols + col] = .nan }
    }
    if rows > 0 && cols > 0 && Int.random(in: 0..<5, using: &rng) == 0 {
        let col = Int.random(in: 0..<cols, using: &rng)
        for row in 0..<rows { weights[row * cols + col] = .nan }
    }
    return AssignmentProblem(rows: rows, cols: cols, weights: weights)
}

/// Enumerates every matching: the largest number of pairs, and the best total among those.
private func bruteForce(_ problem: AssignmentProblem, maximize: Bool) -> (
    matched: Int, total: Double
) {
    var bestCount = 0
    var bestTotal = 0.0
    var used = [Bool](repeating: false, count: problem.cols)
    func visit(_ row: Int, _ count: Int, _ total: Double) {
        if count + (problem.rows - row) < bestCount { return }  // cannot reach the best count
        if row == problem.rows {
            let better = maximize ? total > bestTotal : total < bestTotal
            if count > bestCount || (count == bestCount && better) {
                bestCount = count
                bestTotal = total
            }
            return
        }
        visit(row + 1, count, total)  // row left unmatched
        for col in 0..<problem.cols where !used[col] {
            guard let weight = problem[row, col] else { continue }
            used[col] = true
            visit(row + 1, count + 1, total + weight)
            used[col] = false
        }
    }
    visit(0, 0, 0)
    return (bestCount, bestTotal)
}

private func close(_ a: Double, _ b: Double) -> Bool {
    abs(a - b) <= 1e-9 * max(1, abs(a), abs(b))
}

/// Checks that a solution is a valid matching of allowed pairs with a consistent total.
private func expectValid(
    _ solution: AssignmentSolution, _ problem: AssignmentProblem,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    var usedCols = Set<Int>()
    var previousRow = -1
    var sum = 0.0
    for pair in solution.pairs {
        #expect(pair.row > previousRow, "rows sorted and distinct", sourceLocation: sourceLocation)
        previousRow = pair.row
        #expect(pair.row >= 0 && pair.row < problem.rows, sourceLocation: sourceLocation)
        #expect(pair.col >= 0 && pair.col < problem.cols, sourceLocation: sourceLocation)
        #expect(usedCols.insert(pair.col).inserted, "column used twice",
            sourceLocation: sourceLocation)
        guard pair.row < problem.rows, pair.col < problem.cols, pair.row >= 0, pair.col >= 0
        else { continue }
        let weight = problem[pair.row, pair.col]
        #expect(weight != nil, "forbidden pair \(pair) chosen", sourceLocation: sourceLocation)
        sum += weight ?? 0
        #expect(solution.column(forRow: pair.row) == pair.col, sourceLocation: sourceLocation)
    }
    #expect(close(sum, solution.total), "total is the sum of the pairs' weights",
        sourceLocation: sourceLocation)
}

/// Solves, checks validity, and compares with the brute force for both directions.
private func expectOptimal(
    _ problem: AssignmentProblem, _ context: String,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    for maximize in [false, true] {
        let solution = AssignmentSolver.solve(problem, maximize: maximize)
        expectValid(solution, problem, sourceLocation: sourceLocation)
        let best = bruteForce(problem, maximize: maximize)
        #expect(solution.matched == best.matched,
            "\(context) maximize=\(maximize): matched", sourceLocation: sourceLocation)
        #expect(close(solution.total, best.total),
            "\(context) maximize=\(maximize): total \(solution.total) vs \(best.total)",
            sourceLocation: sourceLocation)
    }
}

private func transpose(_ problem: AssignmentProblem) -> AssignmentProblem {
    AssignmentProblem(rows: problem.cols, cols: problem.rows) { row, col in problem[col, row] }
}

/// Size of a maximum matching of allowed pairs (simple augmenting paths, independent code).
private func maximumMatching(_ problem: AssignmentProblem) -> Int {
    var rowOfCol = [Int](repeating: -1, count: problem.cols)
    func augment(_ row: Int, _ seen: inout [Bool]) -> Bool {
        for col in 0..<problem.cols where problem[row, col] != nil && !seen[col] {
            seen[col] = true
            if rowOfCol[col] < 0 || augment(rowOfCol[col], &seen) {
                rowOfCol[col] = row
                return true
            }
        }
        return false
    }
    var size = 0
    for row in 0..<problem.rows {
        var seen = [Bool](repeating: false, count: problem.cols)
        if augment(row, &seen) { size += 1 }
    }
    return size
}

/// True if no other matching with the same number of pairs has a better total: the residual
/// graph (source → free rows, rows → columns on unmatched pairs, back on matched pairs, columns
/// → sink) has no negative cycle, found by Bellman–Ford with a small tolerance.
private func hasNoImprovingCycle(
    _ solution: AssignmentSolution, _ problem: AssignmentProblem, maximize: Bool
) -> Bool {
    let rows = problem.rows
    let source = rows + problem.cols
    let sink = source + 1
    var edges: [(Int, Int, Double)] = []
    var matchedRow = [Bool](repeating: false, count: rows)
    var matchedCol = [Bool](repeating: false, count: problem.cols)
    for pair in solution.pairs {
        matchedRow[pair.row] = true
        matchedCol[pair.col] = true
    }
    var scale = 1.0
    for row in 0..<rows {
        for col in 0..<problem.cols {
            guard let weight = problem[row, col] else { continue }
            let cost = maximize ? -weight : weight
            scale = max(scale, abs(cost))
            if solution.column(forRow: row) == col {
                edges.append((rows + col, row, -cost))
            } else {
                edges.append((row, rows + col, cost))
            }
        }
        edges.append(matchedRow[row] ? (row, source, 0) : (source, row, 0))
    }
    for col in 0..<problem.cols {
        edges.append(matchedCol[col] ? (sink, rows + col, 0) : (rows + col, sink, 0))
    }
    let tolerance = 1e-9 * scale
    var distance = [Double](repeating: 0, count: sink + 1)
    for _ in 0...(sink + 1) {
        var changed = false
        for (from, to, cost) in edges where distance[from] + cost < distance[to] - tolerance {
            distance[to] = distance[from] + cost
            changed = true
        }
        if !changed { return true }
    }
    return false
}

// MARK: - Tests

@Suite("Assignment solver")
struct AssignmentSolverTests {
    // MARK: Property tests against brute force

    @Test("random instances match brute force", arguments: AssignmentWeightKind.allCases)
    func randomInstancesMatchBruteForce(kind: AssignmentWeightKind) {
        let salt = UInt64(AssignmentWeightKind.allCases.firstIndex(of: kind)!)
        var rng = AssignmentTestRNG(seed: 0xA1_0A95 &+ salt)
        let densities = [0.0, 0.1, 0.3, 0.5, 0.8, 1.0]
        for index in 0..<1500 {
            // Mostly up to 6 × 6, every fifth up to 8 × 8; rectangular both ways.
            let limit = index % 5 == 0 ? 8 : 6
            let rows = Int.random(in: 0...limit, using: &rng)
            let cols = Int.random(in: 0...limit, using: &rng)
            let density = densities[index % densities.count]
            let problem = randomProblem(
                rows: rows, cols: cols, forbidden: density, kind: kind, rng: &rng)
            let context = "#\(index) \(rows)×\(cols) forbidden \(density) \(problem.weights)"
            expectOptimal(problem, context)
        }
    }

    @Test("thin and empty shapes: 1×N, N×1, 0×0, 0×N, N×0")
    func thinAndEmptyShapes() {
        var rng = AssignmentTestRNG(seed: 7)
        for size in 0...8 {
            for (rows, cols) in [(1, size), (size, 1), (0, size), (size, 0)] {
                for density in [0.0, 0.5] {
                    let problem = randomProblem(
                        rows: rows, cols: cols, forbidden: density, kind: .reals, rng: &rng)
                    expectOptimal(problem, "\(rows)×\(cols)")
                }
            }
        }
        for (rows, cols) in [(0, 0), (0, 5), (5, 0)] {
            let problem = AssignmentProblem(rows: rows, cols: cols, weights: [])
            for maximize in [false, true] {
                let solution = AssignmentSolver.solve(problem, maximize: maximize)
                #expect(solution.pairs.isEmpty)
                #expect(solution.total == 0)
                #expect(solution.matched == 0)
            }
        }
    }

    @Test("all-forbidden rows and columns leave them unmatched")
    func forbiddenRowsAndColumns() {
        // Row 1 and column 2 are entirely forbidden.
        let x = Double.nan
        let problem = AssignmentProblem(rows: 3, cols: 3, weights: [
            5, 1, x,
            x, x, x,
            2, 7, x,
        ])
        let minimum = AssignmentSolver.solve(problem, maximize: false)
        #expect(minimum.pairs == [AssignmentPair(row: 0, col: 1), AssignmentPair(row: 2, col: 0)])
        #expect(minimum.total == 3)
        #expect(minimum.column(forRow: 1) == nil)
        let maximum = AssignmentSolver.solve(problem, maximize: true)
        #expect(maximum.pairs == [AssignmentPair(row: 0, col: 0), AssignmentPair(row: 2, col: 1)])
        #expect(maximum.total == 12)
        let nothing = AssignmentProblem(rows: 2, cols: 3, weights: [Double](repeating: x, count: 6))
        #expect(AssignmentSolver.solve(nothing, maximize: true).pairs.isEmpty)
    }

    // MARK: Hand-built cases

    @Test("a later row can take the column from an earlier one (no greedy skipping)")
    func greedyTrap() {
        // Rows A, B; one column X. A-X = 10, B-X = 1.
        let problem = AssignmentProblem(rows: 2, cols: 1, weights: [10, 1])
        let minimum = AssignmentSolver.solve(problem, maximize: false)
        #expect(minimum.pairs == [AssignmentPair(row: 1, col: 0)])
        #expect(minimum.total == 1)
        let maximum = AssignmentSolver.solve(problem, maximize: true)
        #expect(maximum.pairs == [AssignmentPair(row: 0, col: 0)])
        #expect(maximum.total == 10)
        // The same with the roles of rows and columns swapped.
        let wide = AssignmentProblem(rows: 1, cols: 2, weights: [10, 1])
        let widePairs = AssignmentSolver.solve(wide, maximize: false).pairs
        #expect(widePairs == [AssignmentPair(row: 0, col: 1)])
        // With a second, unusable column, so that not every row can be matched: the solver
        // must not keep A on X and skip B.
        let x = Double.nan
        let square = AssignmentProblem(rows: 2, cols: 2, weights: [10, x, 1, x])
        let squareMinimum = AssignmentSolver.solve(square, maximize: false)
        #expect(squareMinimum.pairs == [AssignmentPair(row: 1, col: 0)])
        #expect(squareMinimum.total == 1)
        let squareMaximum = AssignmentSolver.solve(square, maximize: true)
        #expect(squareMaximum.pairs == [AssignmentPair(row: 0, col: 0)])
    }

    @Test("more pairs beat a heavier pair")
    func cardinalityBeatsWeight() {
        let x = Double.nan
        // A-X = 100 is the heaviest pair, but it leaves B (who can only take X) unmatched.
        let heavy = AssignmentProblem(rows: 2, cols: 2, weights: [100, 1, 1, x])
        let maximum = AssignmentSolver.solve(heavy, maximize: true)
        #expect(maximum.pairs == [AssignmentPair(row: 0, col: 1), AssignmentPair(row: 1, col: 0)])
        #expect(maximum.total == 2)
        // Minimising: A-X = 1 is the cheapest pair but blocks B.
        let cheap = AssignmentProblem(rows: 2, cols: 2, weights: [1, 100, 100, x])
        let minimum = AssignmentSolver.solve(cheap, maximize: false)
        #expect(minimum.matched == 2)
        #expect(minimum.total == 200)
        // A chain: three rows, three places; the heavy diagonal-off pairs block two others.
        let chain = AssignmentProblem(rows: 3, cols: 3, weights: [
            1, 50, x,
            x, 1, 50,
            x, x, 1,
        ])
        let best = AssignmentSolver.solve(chain, maximize: true)
        #expect(best.matched == 3)
        #expect(best.total == 3)
    }

    @Test("negative weights and rectangular matrices")
    func negativeAndRectangular() {
        let problem = AssignmentProblem(rows: 2, cols: 3, weights: [-1, -5, -3, -2, -4, -6])
        let minimum = AssignmentSolver.solve(problem, maximize: false)
        #expect(minimum.pairs == [AssignmentPair(row: 0, col: 1), AssignmentPair(row: 1, col: 2)])
        #expect(minimum.total == -11)
        let maximum = AssignmentSolver.solve(problem, maximize: true)
        #expect(maximum.pairs == [AssignmentPair(row: 0, col: 0), AssignmentPair(row: 1, col: 1)])
        #expect(maximum.total == -5)
        let tall = AssignmentSolver.solve(transpose(problem), maximize: false)
        #expect(tall.pairs == [AssignmentPair(row: 1, col: 0), AssignmentPair(row: 2, col: 1)])
        #expect(tall.total == -11)
    }

    @Test("problem construction, subscript and column lookup")
    func problemAndSolutionBasics() {
        let problem = AssignmentProblem(rows: 2, cols: 2) { row, col in
            row == col ? nil : Double(row * 10 + col)
        }
        #expect(problem[0, 0] == nil)
        #expect(problem[0, 1] == 1)
        #expect(problem[1, 0] == 10)
        #expect(problem.weights[0].isNaN)
        let infinite = AssignmentProblem(rows: 1, cols: 2, weights: [.infinity, 3])
        #expect(infinite[0, 0] == nil)
        #expect(AssignmentSolver.solve(infinite, maximize: true).pairs
            == [AssignmentPair(row: 0, col: 1)])
        // Weights near the largest Double, with a forbidden pair: both rows still matched.
        let huge = AssignmentProblem(rows: 2, cols: 2, weights: [1e308, .nan, -1e308, -1e308])
        let both = AssignmentSolver.solve(huge, maximize: false)
        #expect(both.pairs == [AssignmentPair(row: 0, col: 0), AssignmentPair(row: 1, col: 1)])
        #expect(both.total == 0)
        let solution = AssignmentSolution(
            pairs: [AssignmentPair(row: 1, col: 4), AssignmentPair(row: 3, col: 0)], total: 2)
        #expect(solution.matched == 2)
        #expect(solution.column(forRow: 0) == nil)
        #expect(solution.column(forRow: 1) == 4)
        #expect(solution.column(forRow: 3) == 0)
        #expect(solution.column(forRow: 9) == nil)
    }

    // MARK: Larger instances: optimality certificate

    @Test("medium instances: maximum cardinality and no improving cycle")
    func mediumInstancesAreOptimal() {
        var rng = AssignmentTestRNG(seed: 2024)
        let shapes = [(12, 20), (20, 12), (30, 30), (1, 40), (40, 3), (60, 45)]
        for (index, (rows, cols)) in shapes.enumerated() {
            for density in [0.0, 0.3, 0.7, 0.9, 0.97] {
                let kinds = AssignmentWeightKind.allCases
                let kind = kinds[index % kinds.count]
                let problem = randomProblem(
                    rows: rows, cols: cols, forbidden: density, kind: kind, rng: &rng)
                let largest = maximumMatching(problem)
                for maximize in [false, true] {
                    let solution = AssignmentSolver.solve(problem, maximize: maximize)
                    let context = "\(rows)×\(cols) forbidden \(density) maximize \(maximize)"
                    expectValid(solution, problem)
                    #expect(solution.matched == largest, "\(context): matched")
                    #expect(hasNoImprovingCycle(solution, problem, maximize: maximize),
                        "\(context): not optimal")
                    let flipped = AssignmentSolver.solve(transpose(problem), maximize: maximize)
                    #expect(flipped.matched == solution.matched, "\(context): transpose")
                    #expect(close(flipped.total, solution.total), "\(context): transpose total")
                }
            }
        }
    }

    @Test("dense 150 × 200 instance is optimal")
    func denseInstanceIsOptimal() {
        var rng = AssignmentTestRNG(seed: 99)
        let problem = randomProblem(rows: 150, cols: 200, forbidden: 0, kind: .reals, rng: &rng)
        for maximize in [false, true] {
            let solution = AssignmentSolver.solve(problem, maximize: maximize)
            expectValid(solution, problem)
            #expect(solution.matched == 150)
            #expect(hasNoImprovingCycle(solution, problem, maximize: maximize))
        }
    }
}

// MARK: - WeightMatrixCSV helpers

private func parse(_ text: String) -> AssignmentProblem? {
    try? WeightMatrixCSV.parse(text)
}

private func parseError(_ text: String) -> WeightMatrixError? {
    do {
        _ = try WeightMatrixCSV.parse(text)
        return nil
    } catch {
        return error
    }
}

/// Weights with NaN replaced by nil, for comparing.
private func cells(_ problem: AssignmentProblem?) -> [Double?]? {
    problem?.weights.map { $0.isNaN ? nil : $0 }
}

@Suite("Weight matrix CSV")
struct WeightMatrixCSVTests {
    @Test("CSV: plain matrix, trailing newline optional")
    func csvPlain() {
        let problem = parse("1,2,3\n4,5,6\n")
        #expect(problem?.rows == 2)
        #expect(problem?.cols == 3)
        #expect(problem?.weights == [1, 2, 3, 4, 5, 6])
        #expect(parse("1,2,3\n4,5,6")?.weights == [1, 2, 3, 4, 5, 6])
    }

    @Test("CSV: CRLF line endings and a UTF-8 BOM")
    func csvCRLFAndBOM() {
        let problem = parse("\u{FEFF}1,2\r\n3,4\r\n")
        #expect(problem?.rows == 2)
        #expect(problem?.cols == 2)
        #expect(problem?.weights == [1, 2, 3, 4])
        #expect(parseError("\u{FEFF}1,2\r\n3,4\r\n5,?\r\n")
            == WeightMatrixError(line: 3, column: 2, message:
                "'?' is not a number (use a number, or x or empty for a forbidden pair)"))
    }

    @Test("CSV: x, X and empty cells are forbidden; spaces around cells are ignored")
    func csvForbiddenCells() {
        let problem = parse(" x , ,5 \n\t7\t,X,\n")
        #expect(problem?.rows == 2)
        #expect(cells(problem) == [nil, nil, 5, 7, nil, nil])
        // A one-column matrix: a forbidden cell is written x or "" (blank lines are skipped, as
        // in every CSV file the console reads).
        #expect(cells(parse("1\nx\n\"\"\n3\n")) == [1, nil, nil, 3])
        #expect(cells(parse("1\n\n3\n")) == [1, 3])
    }

    @Test("CSV: quoted cells, as spreadsheets write them, are read")
    func csvQuotedCells() {
        let problem = parse("\"1\",\"2\"\r\n\"3.5\",\"x\"\r\n")
        #expect(problem?.rows == 2)
        #expect(cells(problem) == [1, 2, 3.5, nil])
        #expect(parseError("\"1,2\n")?.line == 1, "an unclosed quote is an error at its line")
    }

    @Test("CSV: signs, fractions and exponents")
    func csvNumbers() {
        let problem = parse("-1.5e3,+2,.5,5.,1E-2,-0,007,1e+2,  -.25e-1  \n")
        #expect(problem?.weights == [-1500, 2, 0.5, 5, 0.01, 0, 7, 100, -0.025])
        #expect(problem?.weights[5].sign == .minus)
        let long = ["123456789012345678901234567890", "0.1234567890123456789012345"]
        #expect(parse(long.joined(separator: ","))?.weights == long.map { Double($0)! })
        #expect(parse("1e-400")?.weights == [0])
    }

    @Test("CSV: numbers round-trip exactly")
    func csvRoundTrip() {
        var rng = AssignmentTestRNG(seed: 5)
        var values: [Double] = []
        var texts: [String] = []
        for index in 0..<4000 {
            let value: Double
            switch index % 4 {
            case 0: value = Double.random(in: 0..<1, using: &rng)
            case 1: value = Double.random(in: -1e6..<1e6, using: &rng)
            case 2: value = Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF)  // any finite
            default: value = Double(Int.random(in: -1000...1000, using: &rng)) / 8
            }
            values.append(value)
            texts.append("\(value)")
        }
        #expect(parse(texts.joined(separator: ","))?.weights == values)
        // Long digit strings are rounded like the standard library does.
        var long: [String] = []
        for _ in 0..<2000 {
            let digits = (0..<Int.random(in: 15...24, using: &rng)).map { _ in
                String(Int.random(in: 0...9, using: &rng))
            }.joined()
            let point = Int.random(in: 0...digits.count, using: &rng)
            let exponent = Int.random(in: -30...30, using: &rng)
            let text = "\(digits.prefix(point)).\(digits.dropFirst(point))e\(exponent)"
            long.append(text == ".e\(exponent)" ? "0" : text)
        }
        #expect(parse(long.joined(separator: ","))?.weights == long.map { Double($0)! })
    }

    @Test("CSV: rows with different numbers of fields are an error naming the line")
    func csvRagged() {
        let short = parseError("1,2\n3\n")
        #expect(short?.line == 2)
        #expect(short?.column == 0)
        #expect(short?.description == "line 2: has 1 field but line 1 has 2 "
            + "(every row needs one field per column)")
        let long = parseError("1,2\n3,4\n5,6,7\n")
        #expect(long?.line == 3)
        #expect(parseError("1,2\n\n3,4\n5\n")?.line == 4)  // lines are physical lines
    }

    @Test("CSV: bad cells are an error naming the line and column")
    func csvBadCells() {
        let error = parseError("1,2\n3,4\n5,abc\n")
        #expect(error == WeightMatrixError(line: 3, column: 2, message:
            "'abc' is not a number (use a number, or x or empty for a forbidden pair)"))
        #expect(error?.description
            == "line 3, column 2: 'abc' is not a number (use a number, or x or empty for a "
            + "forbidden pair)")
        for bad in ["nan", "NaN", "inf", "-inf", "infinity", "0x1p3", "1e", "e5", "--1", "1.2.3",
            ".", "+", "1 2", "1_000", "xx", "½"]
        {
            let error = parseError("0,\(bad)")
            #expect(error?.line == 1 && error?.column == 2, "\(bad)")
            #expect(error?.message.hasPrefix("'\(bad)' is not a number") == true, "\(bad)")
        }
        #expect(parseError("1\n1e999")?.message.hasPrefix("'1e999' is too large") == true)
        #expect(parseError("1\n1e999")?.line == 2)
    }

    @Test("CSV: empty text is the empty matrix")
    func csvEmpty() {
        for text in ["", "\u{FEFF}"] {
            let problem = parse(text)
            #expect(problem?.rows == 0)
            #expect(problem?.cols == 0)
            #expect(problem?.weights == [])
        }
    }
}

@Suite("Bench assign")
struct BenchAssignTests {
    @Test("bench assign JSON has the keys in order and the right values")
    func benchAssignJSON() throws {
        let json = try BenchAssign.run(csv: "1,2\n3,x\n", maximize: false)
        #expect(!json.contains("\n"))
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let result = try #require(object)
        #expect(result["rows"] as? Int == 2)
        #expect(result["cols"] as? Int == 2)
        #expect(result["matched"] as? Int == 2)  // both rows matched beats the cheap 0-0 pair
        #expect(result["total"] as? Double == 5)
        let solveMS = try #require(result["solve_ms"] as? Double)
        #expect(solveMS >= 0)
        let pairs = try #require(result["pairs"] as? [[Int]])
        #expect(pairs == [[0, 1], [1, 0]])
        let keys = ["\"rows\"", "\"cols\"", "\"matched\"", "\"total\"", "\"solve_ms\"", "\"pairs\""]
        let offsets = keys.map { json.range(of: $0)?.lowerBound }
        #expect(offsets.allSatisfy { $0 != nil })
        #expect(offsets.compactMap { $0 } == offsets.compactMap { $0 }.sorted())

        let maximum = try BenchAssign.run(csv: "1,2\n3,x\n", maximize: true)
        #expect(
            maximum.hasPrefix("{\"rows\":2,\"cols\":2,\"matched\":2,\"total\":5.0,\"solve_ms\":"))
        #expect(maximum.hasSuffix(",\"pairs\":[[0,1],[1,0]]}"))
    }

    @Test("bench assign JSON for an empty matrix and for a parse error")
    func benchAssignEdgeCases() throws {
        let json = try BenchAssign.run(csv: "", maximize: false)
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let result = try #require(object)
        #expect(result["rows"] as? Int == 0)
        #expect(result["matched"] as? Int == 0)
        #expect(result["total"] as? Double == 0)
        #expect((result["pairs"] as? [Any])?.isEmpty == true)
        #expect(throws: WeightMatrixError(line: 2, column: 1, message:
            "'oops' is not a number (use a number, or x or empty for a forbidden pair)"))
        {
            try BenchAssign.run(csv: "1\noops\n", maximize: false)
        }
    }
}

@Suite("Bench assign overflow")
struct BenchAssignOverflowTests {
    @Test func aTotalThatOverflowsIsAnErrorNotNull() {
        #expect(throws: WeightMatrixError.self) {
            _ = try BenchAssign.run(csv: "1e308,1e308\n1e308,1e308\n", maximize: true)
        }
    }
}
