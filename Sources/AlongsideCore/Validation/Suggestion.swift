// "Did you mean" suggestions for misspelt ids, tags, localities and column names.

/// Nearest-match suggestions using optimal string alignment distance.
public enum Suggestion {
    /// Optimal string alignment (Damerau) distance, case-insensitive.
    ///
    /// Counts insertions, deletions, substitutions and swaps of adjacent characters; no
    /// substring is edited twice.
    public static func distance(_ a: String, _ b: String) -> Int {
        let source = Array(a.lowercased())
        let target = Array(b.lowercased())
        if source.isEmpty { return target.count }
        if target.isEmpty { return source.count }
        let columns = target.count + 1
        // Three rolling rows: two back (for swaps), previous and current.
        var twoBack = [Int](repeating: 0, count: columns)
        var previous = Array(0..<columns)
        var current = [Int](repeating: 0, count: columns)
        for i in 1...source.count {
            current[0] = i
            for j in 1...target.count {
                let cost = source[i - 1] == target[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, source[i - 1] == target[j - 2], source[i - 2] == target[j - 1] {
                    best = min(best, twoBack[j - 2] + 1)
                }
                current[j] = best
            }
            swap(&twoBack, &previous)
            swap(&previous, &current)
        }
        return previous[target.count]
    }

    /// The nearest candidate if close enough (distance ≤ max(1, min(3, word.count / 3))) or the
    /// candidate has the word as a prefix; nil otherwise.
    ///
    /// Comparison ignores case and surrounding whitespace. Among qualifying candidates the one
    /// at the smallest distance wins; ties go to the earlier candidate. An empty word has no
    /// suggestion.
    public static func nearest(_ word: String, in candidates: [String]) -> String? {
        let key = CSV.trimmed(word).lowercased()
        guard !key.isEmpty else { return nil }
        let limit = max(1, min(3, key.count / 3))
        var best: (candidate: String, distance: Int)? = nil
        for candidate in candidates {
            let folded = candidate.lowercased()
            let gap = distance(key, folded)
            guard gap <= limit || folded.hasPrefix(key) else { continue }
            if best == nil || gap < best!.distance { best = (candidate, gap) }
        }
        return best?.candidate
    }

    /// " (did you mean 'alcohol'?)" or "" — ready to append to a message.
    ///
    /// Returns "" when the nearest candidate is exactly `word`.
    public static func didYouMean(_ word: String, in candidates: [String]) -> String {
        guard let near = nearest(word, in: candidates), near != word else { return "" }
        return " (did you mean '\(near)'?)"
    }
}
