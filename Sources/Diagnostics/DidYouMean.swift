/// Suggests the closest known name for a misspelt one ("did you mean").
public enum DidYouMean {
    /// The candidate nearest to `name` by edit distance, when near enough to be
    /// a plausible typo (at most a third of the name's length, at least 1) and
    /// no other candidate is as near.
    public static func suggest(_ name: String, among candidates: some Sequence<String>) -> String? {
        let lower = name.lowercased()
        var best: (String, Int)?
        var tied = false
        for c in candidates {
            let d = distance(lower, c.lowercased())
            if let (bc, bd) = best {
                if bd < d { continue }
                if bd == d {
                    // Two candidates as close: naming one would be a guess (`D` among `A`, `B`, `C`).
                    if bc.lowercased() != c.lowercased() { tied = true }
                    continue
                }
            }
            best = (c, d)
            tied = false
        }
        guard let (c, d) = best, !tied else { return nil }
        let limit = max(1, name.count / 3)
        return d <= limit ? c : nil
    }

    /// Levenshtein distance with transpositions counted as one edit.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a), y = Array(b)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var prev2 = [Int](repeating: 0, count: y.count + 1)
        var prev = Array(0...y.count)
        var cur = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            cur[0] = i
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    cur[j] = min(cur[j], prev2[j - 2] + 1)
                }
            }
            (prev2, prev, cur) = (prev, cur, prev2)
        }
        return prev[y.count]
    }
}
