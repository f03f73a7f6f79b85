/// Control characters (C0 `U+0000`–`U+001F`, `U+007F`, C1 `U+0080`–`U+009F`)
/// have no place in codes, labels or references: a NUL cut `C0002\0X` to
/// `C0002` in the ledger and billed it to C0002. Every importer refuses them
/// at their line with the field named; only a format's own line breaks are
/// allowed where the format allows them.
public enum ControlCharacters {
    /// The first control character of `text`, or nil; `allowingLineBreaks`
    /// lets LF and CR (and TAB) through, for free text whose format allows them.
    public static func first(in text: Substring, allowingLineBreaks: Bool = false) -> Unicode.Scalar? {
        for s in text.unicodeScalars where isControl(s.value) {
            if allowingLineBreaks, s.value == 10 || s.value == 13 || s.value == 9 { continue }
            return s
        }
        return nil
    }

    public static func first(in text: String, allowingLineBreaks: Bool = false) -> Unicode.Scalar? {
        first(in: text[...], allowingLineBreaks: allowingLineBreaks)
    }

    /// `U+0000`: how a message names one.
    public static func name(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// "`field` holds the control character U+0000", or nil when clean.
    public static func fault(_ field: String, _ text: String, allowingLineBreaks: Bool = false) -> String? {
        first(in: text, allowingLineBreaks: allowingLineBreaks).map {
            "`\(field)` holds the control character \(name($0))"
        }
    }

    @inline(__always)
    static func isControl(_ v: UInt32) -> Bool { v < 0x20 || (v >= 0x7F && v <= 0x9F) }

    /// The first control character in raw UTF-8 bytes (already checked valid), as a scalar value.
    static func first(_ p: UnsafePointer<UInt8>, _ r: Range<Int>, allowingLineBreaks: Bool) -> UInt32? {
        var i = r.lowerBound
        while i < r.upperBound {
            let c = p[i]
            if c < 0x20 || c == 0x7F {
                if !(allowingLineBreaks && (c == 10 || c == 13 || c == 9)) { return UInt32(c) }
            } else if c == 0xC2, i + 1 < r.upperBound, p[i + 1] >= 0x80, p[i + 1] <= 0x9F {
                return UInt32(p[i + 1])
            }
            i += 1
        }
        return nil
    }
}
