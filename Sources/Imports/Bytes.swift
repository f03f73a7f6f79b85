/// Parsers over raw bytes: the import's hot path makes no `String` per field.
/// Each follows the semantics of the BillingModel parser named in its comment.
enum Bytes {
    static let semicolon: UInt8 = 59, quote: UInt8 = 34, lf: UInt8 = 10, cr: UInt8 = 13
    static let comma: UInt8 = 44, dot: UInt8 = 46, minus: UInt8 = 45, plus: UInt8 = 43

    /// A decimal with up to `scale` decimals after `separator`, scaled to an
    /// integer: the rules of `DecimalText.parse` (as used by
    /// `Money(decimalComma:)` and `Percentage(decimalComma:)`).
    @inline(__always)
    static func decimal(_ p: UnsafePointer<UInt8>, _ r: Range<Int>, scale: Int, separator: UInt8) -> Int64? {
        var i = r.lowerBound
        var negative = false
        if i < r.upperBound, p[i] == minus || p[i] == plus {
            negative = p[i] == minus
            i += 1
        }
        var value: Int64 = 0
        var fraction = 0
        var seenPoint = false
        var seenDigit = false
        while i < r.upperBound {
            let c = p[i]
            if c >= 48 && c <= 57 {
                if seenPoint {
                    fraction += 1
                    if fraction > scale { return nil }
                }
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(c - 48))
                if o1 || o2 { return nil }
                value = s
                seenDigit = true
            } else if c == separator && !seenPoint {
                seenPoint = true
            } else {
                return nil
            }
            i += 1
        }
        if !seenDigit { return nil }
        while fraction < scale {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
            fraction += 1
        }
        return negative ? -value : value
    }

    /// An integer with an optional leading `-`.
    @inline(__always)
    static func integer(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Int64? {
        decimal(p, r, scale: 0, separator: 0xFF)
    }

    /// `nn` at `i`, two ASCII digits.
    @inline(__always)
    static func two(_ p: UnsafePointer<UInt8>, _ i: Int) -> Int? {
        let a = p[i], b = p[i + 1]
        guard a >= 48, a <= 57, b >= 48, b <= 57 else { return nil }
        return Int(a - 48) * 10 + Int(b - 48)
    }

    /// `HH:MM:SS` as seconds since midnight.
    static func time(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Int64? {
        guard r.count == 8, p[r.lowerBound + 2] == 58, p[r.lowerBound + 5] == 58,
            let h = two(p, r.lowerBound), let m = two(p, r.lowerBound + 3), let s = two(p, r.lowerBound + 6),
            h < 24, m < 60, s < 60
        else { return nil }
        return Int64(h * 3600 + m * 60 + s)
    }

    /// Whether the bytes are valid UTF-8 (no overlongs, no surrogates).
    static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> Bool {
        var i = r.lowerBound
        let end = r.upperBound
        while i < end {
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            var need = 0
            var min: UInt32 = 0
            var v: UInt32 = 0
            if c & 0xE0 == 0xC0 {
                need = 1; min = 0x80; v = UInt32(c & 0x1F)
            } else if c & 0xF0 == 0xE0 {
                need = 2; min = 0x800; v = UInt32(c & 0x0F)
            } else if c & 0xF8 == 0xF0 {
                need = 3; min = 0x10000; v = UInt32(c & 0x07)
            } else {
                return false
            }
            if i + need >= end { return false }
            for k in 1...need {
                let d = p[i + k]
                if d & 0xC0 != 0x80 { return false }
                v = v << 6 | UInt32(d & 0x3F)
            }
            if v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF) { return false }
            i += need + 1
        }
        return true
    }

    static func equal(_ p: UnsafePointer<UInt8>, _ r: Range<Int>, _ bytes: [UInt8]) -> Bool {
        guard r.count == bytes.count else { return false }
        for (k, b) in bytes.enumerated() where p[r.lowerBound + k] != b { return false }
        return true
    }

    static func string(_ p: UnsafePointer<UInt8>, _ r: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(start: p + r.lowerBound, count: r.count), as: UTF8.self)
    }
}
