/// How a number is spelt in a contract, and what a French writer meant when it
/// is not the language's spelling. The language writes `4.20` and `1,500.00`: a
/// point before the decimals, a comma between thousands only in the full form
/// with decimals. `4,20`, `4,200`, `5,5` and `1.500,00` are what French finance
/// staff type; they are refused with the exact amount to write, never guessed
/// (`4,200` could be 4.20 € or 4,200.00 €: a thousand times apart).
public enum NumberSpelling: Equatable, Sendable {
    /// `4.20`, `1,500.00`, `2000`: the language's spelling.
    case plain
    /// `2,000`, `1,500,000`: thousands commas without decimals. A whole count of
    /// covers, tickets or a band limit can only mean thousands; an amount cannot be read.
    case thousandsWithoutDecimals(digits: String, decimalReading: String?)
    /// `4,20`, `5,5`, `0,4500`: a decimal comma.
    case decimalComma(asWritten: String, meant: String)
    /// `1.500,00`: points between thousands and a decimal comma.
    case frenchGrouping(meant: String)
    /// Anything else (`1.2.3`, `1,50,00`).
    case malformed

    /// Classifies the text of a number token.
    public static func of(_ text: String) -> NumberSpelling {
        let commas = text.filter { $0 == "," }.count
        let points = text.filter { $0 == "." }.count
        if commas == 0 { return points <= 1 ? .plain : frenchThousands(text) }
        let pieces = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        if points == 0 {
            let groups = pieces.dropFirst()
            let threes = pieces[0].count <= 3 && groups.allSatisfy { $0.count == 3 }
            if threes {
                let digits = pieces.joined()
                return .thousandsWithoutDecimals(
                    digits: digits, decimalReading: commas == 1 ? trimmed(pieces[0], pieces[1]) : nil)
            }
            if commas == 1 { return .decimalComma(asWritten: text, meant: trimmed(pieces[0], pieces[1])) }
            return .malformed
        }
        // Commas and a point: the language's `1,500.00` when every comma comes before the point
        // and separates groups of three; the French `1.500,00` when points come first.
        if points == 1, let point = text.firstIndex(of: "."), let lastComma = text.lastIndex(of: ","), lastComma < point
        {
            let integer = String(text[..<point]).split(separator: ",", omittingEmptySubsequences: false)
            if integer[0].count <= 3, integer.dropFirst().allSatisfy({ $0.count == 3 }) { return .plain }
            return .malformed
        }
        return frenchThousands(text)
    }

    /// `1.500,00` or `1.500.000`: points between groups of three, an optional decimal comma.
    static func frenchThousands(_ text: String) -> NumberSpelling {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return .malformed }
        let groups = parts[0].split(separator: ".", omittingEmptySubsequences: false)
        guard groups.count >= 2, groups[0].count <= 3, groups.dropFirst().allSatisfy({ $0.count == 3 }) else {
            return .malformed
        }
        let whole = groups.joined()
        return .frenchGrouping(meant: grouped(whole) + "." + (parts.count == 2 ? String(parts[1]) : "00"))
    }

    /// `4` and `200` read as a decimal: `4.20` (trailing zeros beyond two decimals dropped).
    static func trimmed(_ integer: String, _ decimals: String) -> String {
        var d = decimals
        while d.count > 2, d.hasSuffix("0") { d.removeLast() }
        return integer + "." + d
    }

    /// `1500` → `1,500`.
    static func grouped(_ digits: String) -> String {
        var out = ""
        for (i, c) in digits.reversed().enumerated() {
            if i > 0, i % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return String(out.reversed())
    }

    /// The number with two decimals, thousands grouped: `4200` → `4,200.00`.
    static func fullForm(_ digits: String) -> String { grouped(digits) + ".00" }
}
