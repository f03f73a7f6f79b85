import BillingModel

/// The one canonical layout of a contract file: `client` at the margin,
/// statements indented by two spaces, details by four, one space between
/// words, amounts with decimals grouped by thousands, keywords in lower case. Formatting is
/// idempotent; a file with syntax errors is not formatted.
public enum Formatter {
    public static func format(_ file: CheckedFile) -> String? {
        let syntaxErrors = file.diagnostics.contains { $0.severity == .error && $0.code.hasPrefix("E01") }
        guard !syntaxErrors else { return nil }
        var out: [String] = []
        var pendingBlank = false
        for (i, line) in file.lines.enumerated() {
            let role = file.roles[i]
            if role == .blank {
                pendingBlank = !out.isEmpty
                continue
            }
            if pendingBlank { out.append("") }
            pendingBlank = false
            let indent: Int
            switch role {
            case .comment:
                // a comment line takes the indentation of the next statement
                let next = file.roles[(i + 1)...].first { $0 != .blank && $0 != .comment } ?? .header
                indent = indentation(of: next)
            default: indent = indentation(of: role)
            }
            var text = String(repeating: " ", count: indent) + render(line.tokens)
            if let c = line.comment {
                let trimmed = c.drop { $0 == " " }
                text += line.tokens.isEmpty ? "# \(trimmed)" : "  # \(trimmed)"
            }
            out.append(text)
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func indentation(of role: LineRole) -> Int {
        switch role {
        case .client: return 0
        case .header, .term, .example, .invalid, .blank, .comment: return 2
        case .termDetail, .exampleDetail: return 4
        }
    }

    static let upper: Set<String> = ["ht", "ttc", "vat", "p0"]
    static let keywords: Set<String> = Set(
        Parser.allStatementWords + [
            "from", "until", "per", "cover", "covers", "at", "one", "invoice", "client", "and", "site", "fees", "on",
            "their", "own",
            "days", "then", "end", "of", "month", "receipt", "automatic", "by", "an", "accountant", "billed", "capped",
            "the", "tray",
            "as", "recorded", "registers", "meals", "in", "full", "fee", "participation", "tickets", "quarter",
            "arrears", "advance",
            "max", "graduated", "volume", "guarantee", "shortfall", "order", "prices", "grouped", "monthly", "weekly",
            "quarterly",
            "nothing", "to", "each", "year", "index", "months", "before", "lines", "under", "orders", "credit", "note",
            "new",
            "difference", "pays", "delivered", "line", "total", "due", "invoices", "subsidies", "trays", "example",
            "period", "issued",
            "sites", "payment", "for"
        ])

    static func render(_ tokens: [Token]) -> String {
        var out = ""
        for (i, t) in tokens.enumerated() {
            let text: String
            switch t.kind {
            case .word:
                let lower = t.text.lowercased()
                if i == 1, tokens[0].isWord("at"), lower == "site" || lower == "sites" {
                    // `at site LD01`, `at sites LD01, LD02`: the number follows the list.
                    text = tokens.contains(where: { $0.kind == .comma }) ? "sites" : "site"
                } else if upper.contains(lower) {
                    text = t.text.uppercased()
                } else if Parser.monthNames.contains(lower) {
                    text = lower.prefix(1).uppercased() + lower.dropFirst()
                } else if keywords.contains(lower) && !(i > 0 && tokens[i - 1].isWord("client")) && !isName(tokens, i) {
                    text = lower
                } else {
                    text = t.text
                }
            // A year (`revised … from 2026`) is not an amount: never grouped.
            case .number: text = i > 0 && tokens[i - 1].isWord("from") ? t.text : groupNumber(t.text)
            case .string: text = "\"\(t.text)\""
            case .times: text = "×"
            default: text = t.text
            }
            if i > 0 {
                let noSpaceBefore: Set<Token.Kind> = [.comma, .colon, .rightParen, .percent]
                let call = t.kind == .leftParen && tokens[i - 1].isWord("max")
                if !noSpaceBefore.contains(t.kind), tokens[i - 1].kind != .leftParen, !call { out += " " }
            }
            out += text
        }
        return out
    }

    /// Codes written where a name is expected keep their case (`category A`, `sites LD01`).
    static func isName(_ tokens: [Token], _ i: Int) -> Bool {
        guard i > 0 else { return false }
        let prev = tokens[i - 1]
        return prev.isWord("category") || prev.isWord("sites")
            || prev.isWord("to") && i >= 2 && tokens[i - 2].isWord("billed")
            || prev.kind == .comma && tokens.first?.isWord("sites") == true || prev.isWord("covers")
            || prev.isWord("trays")
            || prev.kind == .comma && tokens.first?.isWord("covers") == true || prev.isWord("index")
            || prev.kind == .colon && tokens.first?.isWord("not") == true
            || prev.kind == .comma && tokens.first?.isWord("not") == true
            || (prev.isWord("site") || prev.isWord("sites") || prev.kind == .comma)
                && tokens.first?.isWord("at") == true
            || prev.isWord("for") && tokens.first?.isWord("expect") == true
    }

    /// `1500.00` → `1,500.00`. A whole number is kept as written (`2000` or `2,000` for covers):
    /// grouping `1500 HT` would write `1,500 HT`, which the language refuses as ambiguous.
    static func groupNumber(_ text: String) -> String {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return text }
        let integer = parts[0].filter { $0 != "," }
        guard let value = Int64(integer) else { return text }
        var grouped = DecimalText.format(value, scale: 0, minimumFraction: 0, groupSeparator: ",")
        if parts.count > 1 { grouped += "." + parts[1] }
        return grouped
    }
}
