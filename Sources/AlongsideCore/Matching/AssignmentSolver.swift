// Exact rectangular assignment: first as many pairs as the forbidden pairs allow, then the best
// total over those maximum-cardinality matchings.
//
// Method: shortest augmenting path with dual variables (Crouse, "On implementing 2D rectangular
// assignment algorithms", IEEE TAES 2016), written from the description of the method.

/// A weight matrix: `rows × cols`, row-major, `Double.nan` marks a forbidden pair.
///
/// Any other non-finite value (±infinity) is also treated as forbidden.
public struct AssignmentProblem: Sendable {
    /// Number of rows (people).
    public var rows: Int
    /// Number of columns (mentor places).
    public var cols: Int
    /// The weights, row-major: the weight of `(row, col)` is `weights[row * cols + col]`.
    public var weights: [Double]

    /// Creates a problem from row-major weights; `weights.count` must equal `rows * cols`.
    public init(rows: Int, cols: Int, weights: [Double]) {
        precondition(rows >= 0 && cols >= 0, "AssignmentProblem: negative size")
        precondition(
            weights.count == rows * cols,
            "AssignmentProblem: \(weights.count) weights for \(rows) × \(cols) cells")
        self.rows = rows
        self.cols = cols
        self.weights = weights
    }

    /// Creates a problem by asking `weight` for every cell, row by row; `nil` = forbidden pair.
    public init(rows: Int, cols: Int, weight: (Int, Int) -> Double?) {
        precondition(rows >= 0 && cols >= 0, "AssignmentProblem: negative size")
        var weights: [Double] = []
        weights.reserveCapacity(rows * cols)
        for row in 0..<rows {
            for col in 0..<cols {
                weights.append(weight(row, col) ?? .nan)
            }
        }
        self.rows = rows
        self.cols = cols
        self.weights = weights
    }

    /// The weight of the pair `(row, col)`, or `nil` if the pair is forbidden.
    public subscript(row: Int, col: Int) -> Double? {
        precondition(row >= 0 && row < rows && col >= 0 && col < cols, "cell out of range")
        let weight = weights[row * cols + col]
        return weight.isFinite ? weight : nil
    }
}

/// One chosen pair of a solution: a row (person) and a column (mentor place), both 0-based.
public struct AssignmentPair: Sendable, Equatable, Hashable {
    /// The row (person) index.
    public var row: Int
    /// The column (mentor place) index.
    public var col: Int

    /// Creates a pair.
    public init(row: Int, col: Int) {
        self.row = row
        self.col = col
    }
}

/// The result of ``AssignmentSolver/solve(_:maximize:)``.
public struct AssignmentSolution: Sendable, Equatable {
    /// The chosen pairs, sorted by row.
    public var pairs: [AssignmentPair]
    /// The sum of the original weights of the chosen pairs (0 when nothing is matched).
    public var total: Double
    /// The number of chosen pairs.
    public var matched: Int { pairs.count }

    /// Creates a solution; `pairs` must be sorted by row.
    public init(pairs: [AssignmentPair], total: Double) {
        self.pairs = pairs
        self.total = total
    }

    /// colForRow[i] = column of row i or nil: the column matched to `forRow`, if any.
    public func column(forRow row: Int) -> Int? {
        var low = 0
        var high = pairs.count
        while low < high {
            let mid = (low + high) / 2
            if pairs[mid].row < row { low = mid + 1 } else { high = mid }
        }
        return low < pairs.count && pairs[low].row == row ? pairs[low].col : nil
    }
}

/// The exact assignment solver.
///
/// It first matches as many rows as the forbidden pairs allow (maximum cardinality), then
/// minimises (or with `maximize`, maximises) the total weight over those matchings.
/// Rectangular matrices are fine either way round; time is O(n²·m) with n = min(rows, cols)
/// and m = max(rows, cols).
public enum AssignmentSolver {
    /// Solves `problem` exactly; see ``AssignmentSolver`` for what "best" means.
    public static func solve(_ problem: AssignmentProblem, maximize: Bool) -> AssignmentSolution {
        let rows = problem.rows
        let cols = problem.cols
        precondition(rows >= 0 && cols >= 0, "AssignmentSolver: negative size")
        precondition(problem.weights.count == rows * cols, "AssignmentSolver: wrong weight count")
        if rows == 0 || cols == 0 { return AssignmentSolution(pairs: [], total: 0) }
        let transposed = rows > cols
        let colForRow = problem.weights.withUnsafeBufferPointer { weights in
            let view = OrientedCosts(
                weights: weights.baseAddress!, rows: rows, cols: cols, transposed: transposed,
                sign: maximize ? -1 : 1)
            return solveOriented(view)
        }
        var pairs: [AssignmentPair] = []
        pairs.reserveCapacity(colForRow.count)
        if transposed {
            // Oriented row i is original column i; oriented column j is original row j.
            var colOfRow = [Int](repeating: -1, count: rows)
            for (col, row) in colForRow.enumerated() where row >= 0 { colOfRow[row] = col }
            for (row, col) in colOfRow.enumerated() where col >= 0 {
                pairs.append(AssignmentPair(row: row, col: col))
            }
        } else {
            for (row, col) in colForRow.enumerated() where col >= 0 {
                pairs.append(AssignmentPair(row: row, col: col))
            }
        }
        var total = 0.0
        for pair in pairs { total += problem.weights[pair.row * cols + pair.col] }
        return AssignmentSolution(pairs: pairs, total: total)
    }

    /// Solves in the orientation with n ≤ m; returns each oriented row's column or -1.
    private static func solveOriented(_ view: OrientedCosts) -> [Int] {
        let n = view.n
        let m = view.m
        var minValue = [Double](repeating: .infinity, count: n)
        var minColumn = [Int](repeating: -1, count: n)
        let forbidden = view.rowMinima(value: &minValue, column: &minColumn)
        if forbidden == 0 && view.isIdentity {
            // Common dense case: the caller's storage is the cost matrix, no copy at all.
            var rows = DirectRows(base: view.weights, width: m)
            return ShortestAugmentingPath.solve(
                &rows, rows: n, cols: m, minValue: minValue, minColumn: minColumn,
                dummyCost: .infinity)
        }
        if forbidden == 0 {
            var rows = MappedRows(view, shift: 0, divisor: 1)
            defer { rows.release() }
            return ShortestAugmentingPath.solve(
                &rows, rows: n, cols: m, minValue: minValue, minColumn: minColumn,
                dummyCost: .infinity)
        }
        // Some pairs are forbidden, so perhaps not every row can be matched. Each row gets a
        // private dummy column of cost D, and a dummy pair means "unmatched". Costs are scaled
        // into [0, 1], so with D = n + 1 a matching with t + 1 ≤ n real pairs costs at most
        // t + 1 + (n - t - 1)·D, less than the (n - t)·D of any matching with t real pairs:
        // the optimum has as many real pairs as possible, then the least cost among those.
        var low = minValue.min() ?? 0
        if low == .infinity { return [Int](repeating: -1, count: n) }  // all forbidden
        var high = view.highestCost()
        var view = view
        if !(high - low).isFinite {
            // Weights near ±Double.greatestFiniteMagnitude: halve everything (exactly) first.
            view.sign *= 0.5
            low *= 0.5
            high *= 0.5
            for i in 0..<n { minValue[i] *= 0.5 }
        }
        let divisor = high > low ? high - low : 1
        var rows = MappedRows(view, shift: low, divisor: divisor)
        defer { rows.release() }
        for i in 0..<n where minColumn[i] >= 0 {
            // The same arithmetic as the copied rows, so these stay their exact minima.
            minValue[i] = (minValue[i] - low) / divisor
        }
        return ShortestAugmentingPath.solve(
            &rows, rows: n, cols: m, minValue: minValue, minColumn: minColumn,
            dummyCost: Double(n) + 1)
    }
}

/// The weights seen as an n × m cost matrix with n ≤ m: transposed if the problem has more
/// rows than columns, times `sign` (-1 to maximise), non-finite (forbidden) = +infinity.
private struct OrientedCosts {
    let weights: UnsafePointer<Double>
    let rows: Int
    let cols: Int
    let transposed: Bool
    var sign: Double

    var n: Int { transposed ? cols : rows }
    var m: Int { transposed ? rows : cols }
    /// Whether the cost matrix is the weights themselves (when nothing is forbidden).
    var isIdentity: Bool { !transposed && sign == 1 }

    /// Fills the minimum cost and its first column for every oriented row (+infinity and -1
    /// for a row with nothing allowed); returns the number of forbidden cells. One pass in
    /// memory order.
    func rowMinima(value: inout [Double], column: inout [Int]) -> Int {
        var forbidden = 0
        value.withUnsafeMutableBufferPointer { value in
            column.withUnsafeMutableBufferPointer { column in
                for r in 0..<rows {
                    let source = weights + r * cols
                    if transposed {
                        // Oriented row c gets original row r as a candidate column.
                        for c in 0..<cols {
                            let weight = source[c]
                            if !weight.isFinite {
                                forbidden += 1
                            } else if sign * weight < value[c] {
                                value[c] = sign * weight
                                column[c] = r
                            }
                        }
                    } else {
                        var best = Double.infinity
                        var arg = -1
                        for c in 0..<cols {
                            let weight = source[c]
                            if !weight.isFinite {
                                forbidden += 1
                            } else if sign * weight < best {
                                best = sign * weight
                                arg = c
                            }
                        }
                        value[r] = best
                        column[r] = arg
                    }
                }
            }
        }
        return forbidden
    }

    /// The highest allowed cost (-infinity if none).
    func highestCost() -> Double {
        var high = -Double.infinity
        for index in 0..<rows * cols where weights[index].isFinite {
            high = max(high, sign * weights[index])
        }
        return high
    }
}

/// Access to contiguous rows of an n × m cost matrix for the search.
private protocol CostRows {
    /// A pointer to the `m` costs of row `i`, valid until the next call.
    mutating func row(_ i: Int) -> UnsafePointer<Double>
}

/// Rows of a cost matrix stored row-major.
private struct DirectRows: CostRows {
    let base: UnsafePointer<Double>
    let width: Int

    @inline(__always)
    mutating func row(_ i: Int) -> UnsafePointer<Double> { base + i * width }
}

/// Rows of an ``OrientedCosts`` view, each copied into place (transposed, negated, mapped to
/// `(cost - shift) / divisor`, forbidden = +infinity) the first time the search needs it; rows
/// never reached are never copied.
private struct MappedRows: CostRows {
    let view: OrientedCosts
    let shift: Double
    let divisor: Double
    let buffer: UnsafeMutablePointer<Double>
    let ready: UnsafeMutablePointer<Bool>

    init(_ view: OrientedCosts, shift: Double, divisor: Double) {
        self.view = view
        self.shift = shift
        self.divisor = divisor
        // Not initialised up front: untouched pages of a large buffer cost nothing.
        buffer = UnsafeMutablePointer<Double>.allocate(capacity: max(1, view.n * view.m))
        ready = UnsafeMutablePointer<Bool>.allocate(capacity: max(1, view.n))
        ready.initialize(repeating: false, count: view.n)
    }

    func release() {
        buffer.deallocate()
        ready.deallocate()
    }

    mutating func row(_ i: Int) -> UnsafePointer<Double> {
        let m = view.m
        let out = buffer + i * m
        if !ready[i] {
            ready[i] = true
            let sign = view.sign
            let shift = shift
            let divisor = divisor
            if view.transposed {
                let stride = view.cols
                var source = view.weights + i
                for j in 0..<m {
                    let weight = source.pointee
                    (out + j).initialize(
                        to: weight.isFinite ? (sign * weight - shift) / divisor : .infinity)
                    source += stride
                }
            } else {
                let source = view.weights + i * view.cols
                for j in 0..<m {
                    let weight = source[j]
                    (out + j).initialize(
                        to: weight.isFinite ? (sign * weight - shift) / divisor : .infinity)
                }
            }
        }
        return UnsafePointer(out)
    }
}

/// Shortest augmenting path with dual variables on an n × m cost matrix (n ≤ m, +infinity =
/// forbidden): minimises the total over assignments of every row. With a finite `dummyCost`
/// every row also has a private dummy column of that cost, kept implicit: it can only be
/// reached from its own row, so a search needs just the best dummy seen so far.
private enum ShortestAugmentingPath {
    /// Marks a row assigned to its dummy column.
    private static let dummy = -2

    /// Returns the column of every row, -1 for a row left on its dummy column. `minValue` and
    /// `minColumn` are each row's minimum cost and a column where it occurs (-1 if none).
    /// Without dummies (`dummyCost` = +infinity) every row must be able to get a column.
    static func solve<Rows: CostRows>(
        _ costs: inout Rows, rows n: Int, cols m: Int, minValue: [Double], minColumn: [Int],
        dummyCost: Double
    ) -> [Int] {
        precondition(n <= m)
        if n == 0 { return [] }
        // All work arrays, allocated once per solve.
        let doubles = UnsafeMutablePointer<Double>.allocate(capacity: n + 4 * m)
        defer { doubles.deallocate() }
        let ints = UnsafeMutablePointer<Int>.allocate(capacity: n + 4 * m)
        defer { ints.deallocate() }
        let path = UnsafeMutablePointer<Int64>.allocate(capacity: m)  // predecessor rows
        defer { path.deallocate() }
        let u = doubles  // row duals
        // Column duals; -infinity marks a column already scanned in the current search, which
        // makes its reduced cost +infinity so the inner loop needs no separate test. Dummy
        // columns keep v = 0: a free one is never scanned, a taken one is never reached again.
        let v = doubles + n
        let dist = v + m  // tentative shortest path lengths; +infinity once scanned
        let scannedDist = dist + m  // final distances of scanned columns, in scan order
        let scannedV = scannedDist + m  // their duals before the search
        let colOfRow = ints
        let rowOfCol = ints + n
        let scannedCol = rowOfCol + m
        let freeList = scannedCol + m  // the free columns, in any order
        let freeSlot = freeList + m  // position of each free column in freeList
        v.initialize(repeating: 0, count: m)
        dist.initialize(repeating: .infinity, count: m)
        scannedDist.initialize(repeating: 0, count: 2 * m)
        colOfRow.initialize(repeating: -1, count: n)
        rowOfCol.initialize(repeating: -1, count: m)
        scannedCol.initialize(repeating: 0, count: m)
        path.initialize(repeating: -1, count: m)
        for j in 0..<m {
            freeList[j] = j
            freeSlot[j] = j
        }
        var freeCount = m
        func take(_ j: Int) {
            freeCount -= 1
            let last = freeList[freeCount]
            freeList[freeSlot[j]] = last
            freeSlot[last] = freeSlot[j]
        }

        // Warm start that keeps the method exact: u = row minima and v = 0 (so reduced costs
        // are ≥ 0 and free columns keep v = 0), and each row takes its cheapest column if free.
        for i in 0..<n {
            let arg = minColumn[i]
            if arg < 0 || minValue[i] >= dummyCost {
                // Nothing allowed in this row: only its dummy.
                precondition(dummyCost < .infinity, "a row has no allowed column")
                u[i] = dummyCost
                colOfRow[i] = dummy
                continue
            }
            u[i] = minValue[i]
            if rowOfCol[arg] < 0 {
                rowOfCol[arg] = i
                colOfRow[i] = arg
                take(arg)
            }
        }

        for start in 0..<n where colOfRow[start] == -1 {
            var i = start
            var minVal = 0.0
            var scanned = 0
            var sink = -1
            var dummyDist = Double.infinity  // the nearest dummy column reached so far
            var dummyRow = -1  // and its row
            while true {
                var (lowest, index) = scan(
                    costs.row(i), base: minVal - u[i], row: i, v: v, dist: dist, path: path,
                    count: m)
                if index >= 0 && rowOfCol[index] >= 0 {
                    // On a tie prefer a free column: the search ends sooner.
                    for k in 0..<freeCount where dist[freeList[k]] == lowest {
                        index = freeList[k]
                        break
                    }
                }
                let reachDummy = minVal + dummyCost - u[i]
                if reachDummy < dummyDist {
                    dummyDist = reachDummy
                    dummyRow = i
                }
                if dummyDist < lowest
                    || (dummyDist == lowest && dummyDist < .infinity && rowOfCol[index] >= 0)
                {
                    minVal = dummyDist  // the search ends at a dummy column
                    break
                }
                precondition(lowest < .infinity, "no free column reachable")
                minVal = lowest
                let next = rowOfCol[index]
                if next < 0 {
                    sink = index
                    break
                }
                scannedCol[scanned] = index
                scannedDist[scanned] = lowest
                scannedV[scanned] = v[index]
                scanned += 1
                v[index] = -.infinity
                dist[index] = .infinity
                i = next
            }
            // Update the duals of the scanned rows and columns (the sink's change is zero).
            u[start] += minVal
            for s in 0..<scanned {
                let j = scannedCol[s]
                let delta = minVal - scannedDist[s]
                u[rowOfCol[j]] += delta
                v[j] = scannedV[s] - delta
            }
            // Augment along the predecessor path from the sink back to start.
            var j: Int
            if sink >= 0 {
                take(sink)
                j = sink
            } else {
                // dummyRow moves to its dummy column, freeing its column for the path.
                let previous = colOfRow[dummyRow]
                colOfRow[dummyRow] = dummy
                j = dummyRow == start ? -1 : previous
            }
            while j >= 0 {
                let i = Int(path[j])
                rowOfCol[j] = i
                let previous = colOfRow[i]
                colOfRow[i] = j
                if i == start { break }
                j = previous
            }
            dist.update(repeating: .infinity, count: m)
        }
        var result = Array(UnsafeBufferPointer(start: colOfRow, count: n))
        for i in 0..<n where result[i] == dummy { result[i] = -1 }
        return result
    }

    /// One step of the search from `row`: relaxes every column through that row (reduced cost
    /// `base + cost - v`, recording `row` as predecessor on improvement) and returns the least
    /// tentative distance and its column (the first one, -1 if all are +infinity).
    @inline(__always)
    private static func scan(
        _ cost: UnsafePointer<Double>, base: Double, row: Int, v: UnsafePointer<Double>,
        dist: UnsafeMutablePointer<Double>, path: UnsafeMutablePointer<Int64>, count m: Int
    ) -> (Double, Int) {
        typealias Doubles = SIMD4<Double>
        typealias Ints = SIMD4<Int64>
        let lanes = Doubles.scalarCount
        let baseV = Doubles(repeating: base)
        let rowV = Ints(repeating: Int64(row))
        var lowestV = Doubles(repeating: .infinity)
        var indexV = Ints(repeating: -1)
        var columnV = Ints(0, 1, 2, 3)
        let step = Ints(repeating: Int64(lanes))
        var j = 0
        while j + lanes <= m {
            let reduced =
                baseV + UnsafeRawPointer(cost + j).loadUnaligned(as: Doubles.self)
                - UnsafeRawPointer(v + j).loadUnaligned(as: Doubles.self)
            var d = UnsafeRawPointer(dist + j).loadUnaligned(as: Doubles.self)
            let better = reduced .< d
            d.replace(with: reduced, where: better)
            UnsafeMutableRawPointer(dist + j).storeBytes(of: d, as: Doubles.self)
            var p = UnsafeRawPointer(path + j).loadUnaligned(as: Ints.self)
            p.replace(with: rowV, where: better)
            UnsafeMutableRawPointer(path + j).storeBytes(of: p, as: Ints.self)
            let lower = d .< lowestV
            lowestV.replace(with: d, where: lower)
            indexV.replace(with: columnV, where: lower)
            columnV &+= step
            j += lanes
        }
        var lowest = Double.infinity
        var index = -1
        for lane in 0..<lanes where lowestV[lane] < lowest
            || (lowestV[lane] == lowest && indexV[lane] >= 0 && Int(indexV[lane]) < index)
        {
            lowest = lowestV[lane]
            index = Int(indexV[lane])
        }
        while j < m {
            let reduced = base + cost[j] - v[j]
            if reduced < dist[j] {
                dist[j] = reduced
                path[j] = Int64(row)
            }
            if dist[j] < lowest {
                lowest = dist[j]
                index = j
            }
            j += 1
        }
        return (lowest, index)
    }
}
