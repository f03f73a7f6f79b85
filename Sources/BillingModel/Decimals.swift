/// Parsing and printing of the exact decimals used by money, prices and rates.
///
/// Every amount in Ardoise is an integer count of a fixed fraction (cents for
/// money, ten-thousandths for prices and percentages), so no value ever goes
/// through binary floating point.
public enum DecimalText {
    /// Parses `1234.5`, `-0.45`, `1,500.00` (thousands commas when `groupSeparator`
    /// is `,`), or `6,80` (decimal comma) into an integer scaled by 10^`scale`.
    /// Returns nil when the text is not a number or has more than `scale` decimals.
    public static func parse(
        _ text: Substring, scale: Int, decimalSeparator: Character = ".",
        groupSeparator: Character? = nil
    ) -> Int64? {
        var digits: Int64 = 0
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var negative = false
        var index = text.startIndex
        if index < text.endIndex, text[index] == "-" || text[index] == "+" {
            negative = text[index] == "-"
            index = text.index(after: index)
        }
        while index < text.endIndex {
            let c = text[index]
            if let v = c.asciiDigitValue {
                if seenPoint {
                    fractionDigits += 1
                    if fractionDigits > scale { return nil }
                }
                let (m, o1) = digits.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(v))
                if o1 || o2 { return nil }
                digits = s
                seenDigit = true
            } else if c == decimalSeparator, !seenPoint {
                seenPoint = true
            } else if let g = groupSeparator, c == g, !seenPoint, seenDigit {
                // a group separator must be followed by exactly three digits
                var look = text.index(after: index)
                var count = 0
                while look < text.endIndex, text[look].asciiDigitValue != nil {
                    count += 1; look = text.index(after: look)
                }
                if count < 3 { return nil }
            } else {
                return nil
            }
            index = text.index(after: index)
        }
        if !seenDigit { return nil }
        var value = digits
        for _ in fractionDigits..<scale {
            let (m, o) = value.multipliedReportingOverflow(by: 10)
            if o { return nil }
            value = m
        }
        return negative ? -value : value
    }

    /// Prints a scaled integer with exactly `minimumFraction`..`scale` decimals
    /// (trailing zeros beyond `minimumFraction` are dropped).
    public static func format(
        _ value: Int64, scale: Int, minimumFraction: Int, decimalSeparator: Character = ".",
        groupSeparator: Character? = nil
    ) -> String {
        // Written as UTF-8 bytes, right to left, into one small buffer: this runs
        // for every amount of every explanation line, so it allocates once.
        var magnitude = value.magnitude
        var digits: [UInt8] = []
        digits.reserveCapacity(32)
        var fractionDigits = scale
        var trailing = true
        for _ in 0..<scale {
            let d = UInt8(magnitude % 10)
            magnitude /= 10
            if trailing && d == 0 && fractionDigits > minimumFraction {
                fractionDigits -= 1
                continue
            }
            trailing = false
            digits.append(0x30 + d)
        }
        if fractionDigits > 0 { digits.append(contentsOf: decimalSeparator.utf8.reversed()) }
        var count = 0
        repeat {
            if count > 0, count % 3 == 0, let g = groupSeparator { digits.append(contentsOf: g.utf8.reversed()) }
            digits.append(0x30 + UInt8(magnitude % 10))
            magnitude /= 10
            count += 1
        } while magnitude > 0
        if value < 0 { digits.append(0x2D) }
        digits.reverse()
        return String(decoding: digits, as: UTF8.self)
    }
}

extension Character {
    @usableFromInline
    var asciiDigitValue: Int? {
        guard let a = asciiValue, a >= 48, a <= 57 else { return nil }
        return Int(a - 48)
    }
}
