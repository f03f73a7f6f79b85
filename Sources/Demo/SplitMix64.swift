/// SplitMix64 (Steele, Lea, Flood 2014): a tiny seeded generator whose output
/// is the same on every platform, so example data is byte-identical per seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (bound > 0), by multiply-shift: no modulo bias worth
    /// caring about for example data, and no dependence on the standard
    /// library's sampling algorithm (which may change between releases).
    public mutating func below(_ bound: Int) -> Int {
        Int((UInt128(next()) * UInt128(UInt64(bound))) >> 64)
    }

    /// A number in `range`.
    public mutating func inRange(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `perMille / 1000`.
    public mutating func chance(_ perMille: Int) -> Bool { below(1000) < perMille }

    /// A seed derived from this one and some words (a site, a day): each file
    /// has its own stream, so any file can be made alone.
    public static func derive(_ seed: UInt64, _ words: [UInt64]) -> UInt64 {
        var g = SplitMix64(seed: seed)
        var h = g.next()
        for w in words {
            g = SplitMix64(seed: h ^ w)
            h = g.next()
        }
        return h
    }

    /// FNV-1a of a string, to mix codes into seeds.
    public static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return h
    }
}
