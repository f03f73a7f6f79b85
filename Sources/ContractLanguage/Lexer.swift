import Diagnostics

/// One token of a contract file. Offsets are UTF-8 byte offsets into the file.
public struct Token: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// `client`, `ACME`, `LD01`, `ACME-CE`, `HT`.
        case word
        /// `4.20`, `1,500.00`, `2000`.
        case number
        /// `2026-10-15`, `2026-10`, `2026-W42`, `2026-10-01..2026-10-15`.
        case dateLike
        /// `"Frais de gestion"` (text holds the content, without quotes).
        case string
        case comma, colon, leftParen, rightParen, plus, slash, percent, times
        /// A character the language does not use.
        case unknown
    }

    public var kind: Kind
    public var text: String
    public var start: Int
    public var end: Int

    /// True for a word equal to `keyword`, ignoring case.
    @inlinable public func isWord(_ keyword: String) -> Bool {
        kind == .word && text.count == keyword.count && text.lowercased() == keyword
    }
}

/// One physical line: its indentation, tokens and trailing comment.
public struct SourceLine: Sendable {
    public var number: Int
    public var start: Int
    public var indentation: Int
    public var tokens: [Token]
    /// `# ...` up to the end of the line, if any (without the `#`).
    public var comment: String?
    public var isBlank: Bool { tokens.isEmpty && comment == nil }
}

/// Splits a contract file into lines of tokens. It never fails: characters it
/// does not know become `.unknown` tokens that the parser reports, and an
/// unterminated string ends at the end of its line.
public struct Lexer {
    let bytes: [UInt8]
    public private(set) var problems: [(String, Int, Int)] = []

    public init(_ source: SourceFile) { bytes = source.utf8 }

    public mutating func lines() -> [SourceLine] {
        var out: [SourceLine] = []
        var i = 0
        var number = 1
        let n = bytes.count
        // Skip a UTF-8 byte-order mark.
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i <= n {
            let lineStart = i
            var indentation = 0
            while i < n, bytes[i] == 32 || bytes[i] == 9 { indentation += bytes[i] == 9 ? 4 : 1; i += 1 }
            var tokens: [Token] = []
            var comment: String?
            while i < n, bytes[i] != 10 {
                let b = bytes[i]
                if b == 32 || b == 9 || b == 13 { i += 1; continue }
                if b == 35 {  // '#'
                    let s = i + 1
                    while i < n, bytes[i] != 10 { i += 1 }
                    var e = i
                    while e > s, bytes[e - 1] == 13 { e -= 1 }
                    comment = String(decoding: bytes[s..<e], as: UTF8.self)
                    break
                }
                let before = i
                tokens.append(nextToken(&i))
                if i <= before { i = before + 1 }  // never stall on a byte the lexer did not consume
            }
            out.append(
                SourceLine(number: number, start: lineStart, indentation: indentation, tokens: tokens, comment: comment)
            )
            number += 1
            i += 1
        }
        // A final newline does not make an extra empty line.
        if let last = out.last, last.isBlank, n > 0, bytes[n - 1] == 10 { out.removeLast() }
        return out
    }

    static func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    static func isLetter(_ b: UInt8) -> Bool { (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 95 || b >= 0xC0 }

    /// The length in bytes of the letter at `i` (ASCII, `_`, or any alphabetic
    /// Unicode scalar such as `é`), or 0 when it is not a letter (`€`, `×`).
    func letterLength(at i: Int) -> Int {
        let b = bytes[i]
        if b < 0x80 { return Lexer.isLetter(b) ? 1 : 0 }
        let length = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
        guard i + length <= bytes.count else { return 0 }
        let scalar = String(decoding: bytes[i..<(i + length)], as: UTF8.self).unicodeScalars.first
        return scalar?.properties.isAlphabetic == true ? length : 0
    }

    mutating func nextToken(_ i: inout Int) -> Token {
        let n = bytes.count
        let s = i
        let b = bytes[i]
        func make(_ kind: Token.Kind, _ from: Int, _ to: Int) -> Token {
            Token(kind: kind, text: String(decoding: bytes[from..<to], as: UTF8.self), start: from, end: to)
        }
        if Lexer.isDigit(b) {
            // A date-like literal starts with four digits and a dash.
            if i + 4 < n, (0..<4).allSatisfy({ Lexer.isDigit(bytes[i + $0]) }), bytes[i + 4] == 45 {
                i += 5
                while i < n, Lexer.isDigit(bytes[i]) || Lexer.isLetter(bytes[i]) || bytes[i] == 45 || bytes[i] == 46 {
                    i += 1
                }
                return make(.dateLike, s, i)
            }
            // Digits with every comma or point followed by a digit: `1,500.00`, but also the
            // French habits `4,20`, `4,200` and `1.500,00`, kept whole so that the parser
            // refuses them with the amount to write (`NumberSpelling`), never reads them wrong.
            while i < n {
                if Lexer.isDigit(bytes[i]) { i += 1; continue }
                if bytes[i] == 44 || bytes[i] == 46, i + 1 < n, Lexer.isDigit(bytes[i + 1]) { i += 1; continue }
                break
            }
            // `4.20HT` or `10%`: the unit is its own token, so stop here.
            return make(.number, s, i)
        }
        if b == 0xC3, i + 1 < n, bytes[i + 1] == 0x97 { i += 2; return make(.times, s, i) }
        if letterLength(at: i) > 0 {
            while i < n {
                if Lexer.isDigit(bytes[i]) || bytes[i] == 45 || bytes[i] == 39 { i += 1; continue }
                let l = letterLength(at: i)
                if l == 0 { break }
                i += l
            }
            // A word never ends with a dash or an apostrophe ("covers-" is `covers` then `-`).
            while i > s + 1, bytes[i - 1] == 45 || bytes[i - 1] == 39 { i -= 1 }
            return make(.word, s, i)
        }
        if b == 34 {  // string
            i += 1
            while i < n, bytes[i] != 34, bytes[i] != 10 { i += 1 }
            if i < n, bytes[i] == 34 {
                let t = Token(
                    kind: .string, text: String(decoding: bytes[(s + 1)..<i], as: UTF8.self), start: s, end: i + 1)
                i += 1
                return t
            }
            problems.append(("unterminated string", s, i))
            return Token(kind: .string, text: String(decoding: bytes[(s + 1)..<i], as: UTF8.self), start: s, end: i)
        }
        if b == 0xC3, i + 1 < n, bytes[i + 1] == 0x97 { i += 2; return make(.times, s, i) }
        i += 1
        switch b {
        case 44: return make(.comma, s, i)
        case 58: return make(.colon, s, i)
        case 40: return make(.leftParen, s, i)
        case 41: return make(.rightParen, s, i)
        case 43: return make(.plus, s, i)
        case 47: return make(.slash, s, i)
        case 37: return make(.percent, s, i)
        case 42: return make(.times, s, i)
        default:
            // swallow the rest of a multi-byte character
            while i < n, bytes[i] >= 0x80, bytes[i] < 0xC0 { i += 1 }
            return make(.unknown, s, i)
        }
    }
}
