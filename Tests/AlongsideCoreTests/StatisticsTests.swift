import AlongsideCore
import Testing

// numpy figures below are `np.percentile(np.array(waits) / 60, q)` and `.mean()` from numpy
// 2.4.6, hard-coded; the exact values are worked by hand in the comments.

private func close(_ a: Double?, _ b: Double) -> Bool {
    guard let a else { return false }
    return abs(a - b) <= 1e-9 * max(1, abs(b))
}

@Suite("Wait statistics")
struct StatisticsTests {
    @Test func emptyHasNoFigures() {
        let stats = WaitStatistics(waitSeconds: [])
        #expect(stats.count == 0)
        #expect(stats.median == nil)
        #expect(stats.p90 == nil)
        #expect(stats.mean == nil)
        #expect(stats.max == nil)
        #expect(WaitStatistics.percentile(ofSorted: [], 0.5) == nil)
        #expect(WaitStatistics.percentile(ofSorted: [60], 1.5) == nil)
        #expect(WaitStatistics.percentile(ofSorted: [60], .nan) == nil)
    }

    @Test func singleWait() {
        let stats = WaitStatistics(waitSeconds: [2_655])  // 44.25 min
        #expect(stats.count == 1)
        #expect(stats.median == ExactMinutes(seconds: 2_655))
        #expect(stats.p90?.value == 44.25)
        #expect(stats.mean?.oneDecimal == "44.3")
        #expect(stats.max?.roundedTenth == 44.3)
    }

    @Test func sevenWaitsMatchNumpy() {
        // Sorted: 60 300 900 1500 1800 2655 4000. p90: h = 5.4 → 2655 + 0.4 × 1345 = 3193 s.
        let stats = WaitStatistics(waitSeconds: [300, 1_500, 900, 2_655, 60, 4_000, 1_800])
        #expect(stats.count == 7)
        #expect(stats.median == ExactMinutes(seconds: 1_500))
        #expect(close(stats.median?.value, 25.0))
        #expect(stats.p90 == ExactMinutes(seconds: 3_193))
        #expect(close(stats.p90?.value, 53.216666666666676))
        #expect(stats.p90?.oneDecimal == "53.2")
        #expect(stats.mean == ExactMinutes(numerator: 11_215, denominator: 420))
        #expect(close(stats.mean?.value, 26.702380952380956))
        #expect(stats.mean?.oneDecimal == "26.7")
        #expect(stats.max?.oneDecimal == "66.7")  // 4000 s = 66.666…
        let sorted = [60, 300, 900, 1_500, 1_800, 2_655, 4_000]
        // p95: h = 5.7 → 2655 + 0.7 × 1345 = 3596.5 s.
        let p95 = WaitStatistics.percentile(ofSorted: sorted, 0.95)
        #expect(p95 == ExactMinutes(numerator: 7_193, denominator: 120))
        #expect(close(p95?.value, 59.941666666666656))
        #expect(close(WaitStatistics.percentile(ofSorted: sorted, 0.25)?.value, 10.0))
    }

    @Test func thirteenWaitsMatchNumpy() {
        // Sorted: 44 59 61 62 125 333 600 900 901 1800 2400 3000 7201 (sum 17486).
        let waits = [61, 62, 125, 3_000, 59, 7_201, 900, 901, 44, 1_800, 2_400, 600, 333]
        let stats = WaitStatistics(waitSeconds: waits)
        #expect(stats.count == 13)
        #expect(close(stats.median?.value, 10.0))
        // h = 10.8 → 2400 + 0.8 × 600 = 2880 s = 48 exactly (numpy: 48.00000000000001).
        #expect(stats.p90 == ExactMinutes(seconds: 2_880))
        #expect(close(stats.p90?.value, 48.00000000000001))
        #expect(stats.p90?.oneDecimal == "48.0")
        #expect(close(stats.mean?.value, 22.41794871794872))
        #expect(stats.mean?.oneDecimal == "22.4")
        #expect(stats.max == ExactMinutes(seconds: 7_201))
        let sorted = waits.sorted()
        #expect(close(WaitStatistics.percentile(ofSorted: sorted, 0.95)?.value, 78.00666666666658))
        #expect(close(WaitStatistics.percentile(ofSorted: sorted, 0.25)?.value, 1.0333333333333334))
    }

    @Test func moreListsMatchNumpy() {
        let two = WaitStatistics(waitSeconds: [1_200, 600])
        #expect(close(two.median?.value, 15.0))
        #expect(close(two.p90?.value, 19.0))
        let eleven = WaitStatistics(waitSeconds: [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110])
        #expect(close(eleven.median?.value, 1.0))
        #expect(close(eleven.p90?.value, 1.6666666666666667))
        let ties = WaitStatistics(waitSeconds: [3_600, 7, 7, 3_600, 7])
        #expect(close(ties.median?.value, 0.11666666666666667))
        #expect(close(ties.p90?.value, 60.0))
        #expect(close(ties.mean?.value, 24.07))
        let steps = (0..<37).map { $0 * 599 }
        let stepStats = WaitStatistics(waitSeconds: steps.reversed())
        #expect(close(stepStats.median?.value, 179.7))
        #expect(close(stepStats.p90?.value, 323.46))
        #expect(stepStats.p90?.oneDecimal == "323.5")
        #expect(close(WaitStatistics.percentile(ofSorted: steps, 0.95)?.value, 341.42999999999995))
        #expect(close(WaitStatistics.percentile(ofSorted: steps, 0.25)?.value, 89.85))
        #expect(WaitStatistics.percentile(ofSorted: steps, 0)?.value == 0)
        #expect(WaitStatistics.percentile(ofSorted: steps, 1) == ExactMinutes(seconds: 21_564))
    }

    @Test func interpolatedFiguresRoundExactly() {
        // p90 of [2610, 2660]: 2610 + 0.9 × 50 = 2655 s = 44.25 → 44.3.
        let p90 = WaitStatistics(waitSeconds: [2_660, 2_610]).p90
        #expect(p90 == ExactMinutes(seconds: 2_655))
        #expect(p90?.oneDecimal == "44.3")
        // Median of [2640, 2658] = 2649 s = 44.15 → 44.2 (a Double 44.15 would give 44.1).
        let median = WaitStatistics(waitSeconds: [2_658, 2_640]).median
        #expect(median?.oneDecimal == "44.2")
        #expect(median?.roundedTenth == 44.2)
        // Mean of 1 s and 2 s = 1.5 s = 0.025 min → 0.0; 3 s = 0.05 → 0.1.
        #expect(WaitStatistics(waitSeconds: [1, 2]).mean?.oneDecimal == "0.0")
        #expect(WaitStatistics(waitSeconds: [3]).mean?.oneDecimal == "0.1")
    }
}

@Suite("Exact minutes and one-decimal figures")
struct ExactMinutesTests {
    @Test func roundsHalfAwayFromZero() {
        #expect(ExactMinutes(seconds: 2_655).roundedTenth == 44.3)  // 44.25
        #expect(ExactMinutes(seconds: 2_655).oneDecimal == "44.3")
        #expect(ExactMinutes(seconds: 2_649).roundedTenth == 44.2)  // 44.15
        #expect(ExactMinutes(seconds: 2_649).oneDecimal == "44.2")
        #expect(ExactMinutes(seconds: 3).roundedTenth == 0.1)  // 0.05
        #expect(ExactMinutes(seconds: 2).oneDecimal == "0.0")  // 0.0333…
        #expect(ExactMinutes(seconds: 0).oneDecimal == "0.0")
        #expect(ExactMinutes(seconds: 6_000).oneDecimal == "100.0")
        #expect(ExactMinutes(seconds: -3).oneDecimal == "-0.1")  // -0.05
        #expect(ExactMinutes(seconds: -2).oneDecimal == "0.0")
        #expect(ExactMinutes(seconds: 2_654).oneDecimal == "44.2")  // 44.2333…
        #expect(ExactMinutes(seconds: 2_657).oneDecimal == "44.3")  // 44.2833…
    }

    @Test func isExactAndOrdered() {
        #expect(ExactMinutes(seconds: 30) == ExactMinutes(numerator: 1, denominator: 2))
        #expect(ExactMinutes(numerator: 1, denominator: -2) == ExactMinutes(seconds: -30))
        #expect(ExactMinutes(seconds: 30).numerator == 1)
        #expect(ExactMinutes(seconds: 30).denominator == 2)
        #expect(ExactMinutes(seconds: 90).value == 1.5)
        #expect(ExactMinutes(seconds: 59) < ExactMinutes(seconds: 60))
        #expect(
            ExactMinutes(numerator: 1, denominator: 3)
                < ExactMinutes(
                    numerator: 34,
                    denominator: 100))
        #expect(!(ExactMinutes(seconds: 60) < ExactMinutes(seconds: 60)))
        #expect(ExactMinutes(seconds: -60) < ExactMinutes(seconds: 0))
    }

    @Test func percentages() {
        #expect(percentOneDecimal(7, of: 16) == 43.8)  // 43.75
        #expect(percentOneDecimal(1, of: 8) == 12.5)
        #expect(percentOneDecimal(0, of: 0) == nil)
        #expect(percentOneDecimal(3, of: 0) == nil)
        #expect(percentOneDecimal(2, of: 3) == 66.7)
        #expect(percentOneDecimal(1, of: 3) == 33.3)
        #expect(percentOneDecimal(5, of: 9) == 55.6)
        #expect(percentOneDecimal(1, of: 16) == 6.3)  // 6.25
        #expect(percentOneDecimal(1, of: 2_000) == 0.1)  // 0.05
        #expect(percentOneDecimal(1, of: 2_001) == 0.0)  // 0.04998
        #expect(percentOneDecimal(0, of: 5) == 0.0)
        #expect(percentOneDecimal(5, of: 5) == 100.0)
    }

    @Test func formatsOneDecimal() {
        #expect(formatOneDecimal(44.3) == "44.3")
        #expect(formatOneDecimal(0) == "0.0")
        #expect(formatOneDecimal(-0.0) == "0.0")
        #expect(formatOneDecimal(100) == "100.0")
        #expect(formatOneDecimal(0.1) == "0.1")
        #expect(formatOneDecimal(-2.5) == "-2.5")
        #expect(formatOneDecimal(percentOneDecimal(2, of: 3)!) == "66.7")
        #expect(formatOneDecimal(1234.5) == "1234.5")
    }
}
