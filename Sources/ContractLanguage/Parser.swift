import BillingModel
import Diagnostics

/// What a line is, for the formatter's indentation and the editor grammar.
public enum LineRole: Sendable, Equatable {
    case blank, comment, client, header, term, termDetail, example, exampleDetail, invalid
}

/// A syntax error inside one line: the parser reports it and goes on with the next line.
struct LineError: Error {
    var code: String
    var message: String
    var start: Int
    var end: Int
    var help: String?
}

/// Reads the tokens of one line.
struct Cursor {
    let tokens: [Token]
    let lineEnd: Int
    var position = 0

    var atEnd: Bool { position >= tokens.count }
    var peek: Token? { position < tokens.count ? tokens[position] : nil }
    func peek(_ offset: Int) -> Token? { position + offset < tokens.count ? tokens[position + offset] : nil }

    mutating func next() -> Token? {
        guard position < tokens.count else { return nil }
        defer { position += 1 }
        return tokens[position]
    }

    func describe(_ t: Token?) -> String {
        guard let t else { return "end of line" }
        switch t.kind {
        case .string: return "text `\"\(t.text)\"`"
        default: return "`\(t.text)`"
        }
    }

    func error(_ expected: String, help: String? = nil) -> LineError {
        let t = peek
        // `per week` where `per month` or `per quarter` is expected: show the words that differ, not `per`.
        if let t, t.kind == .word, expected.lowercased().contains("`\(t.text.lowercased()) "), let u = peek(1) {
            return LineError(
                code: "E0102",
                message: "expected \(expected), found `\(t.text) \(u.kind == .string ? "\"\(u.text)\"" : u.text)`",
                start: t.start, end: u.end, help: help)
        }
        return LineError(
            code: "E0102", message: "expected \(expected), found \(describe(t))",
            start: t?.start ?? lineEnd, end: t?.end ?? lineEnd + 1, help: help)
    }

    /// Consumes `word` (case-insensitive) or fails.
    mutating func expect(_ word: String, help: String? = nil) throws(LineError) {
        guard let t = peek, t.isWord(word) else { throw error("`\(word)`", help: help) }
        position += 1
    }

    /// Consumes each word of a phrase (`per cover`).
    mutating func expect(phrase: String, help: String? = nil) throws(LineError) {
        for w in phrase.split(separator: " ") {
            guard let t = peek, t.isWord(String(w)) else { throw error("`\(phrase)`", help: help) }
            position += 1
        }
    }

    mutating func accept(_ word: String) -> Bool {
        if let t = peek, t.isWord(word) { position += 1; return true }
        return false
    }

    mutating func accept(phrase: String) -> Bool {
        let words = phrase.split(separator: " ")
        for (i, w) in words.enumerated() {
            guard let t = peek(i), t.isWord(String(w)) else { return false }
        }
        position += words.count
        return true
    }

    mutating func accept(_ kind: Token.Kind) -> Token? {
        if let t = peek, t.kind == kind { position += 1; return t }
        return nil
    }

    mutating func expect(_ kind: Token.Kind, _ what: String) throws(LineError) -> Token {
        guard let t = peek, t.kind == kind else { throw error(what) }
        position += 1
        return t
    }

    mutating func name(_ what: String) throws(LineError) -> Token {
        guard let t = peek, t.kind == .word else { throw error(what) }
        position += 1
        return t
    }

    func endOfLine() throws(LineError) {
        if let t = peek {
            throw LineError(
                code: "E0103", message: "unexpected \(describe(t)) at the end of the statement",
                start: t.start, end: tokens.last?.end ?? t.end,
                help: "remove it, or start a new line for a new statement")
        }
    }
}

/// Turns a contract file into its syntax tree, reporting every syntax error
/// (one per line at most; a line in error does not stop the next ones).
public struct Parser {
    let source: SourceFile
    public private(set) var diagnostics: [Diagnostic] = []
    public private(set) var syntax: ContractSyntax
    public private(set) var roles: [LineRole] = []
    public private(set) var lines: [SourceLine] = []

    enum Block { case header, term(Int), example(Int), brokenTerm, brokenExample }
    var block: Block = .header

    public init(source: SourceFile) {
        self.source = source
        syntax = ContractSyntax(file: source.path)
    }

    /// Parses `source` and returns the tree and every syntax diagnostic.
    public static func parse(_ source: SourceFile) -> Parser {
        var p = Parser(source: source)
        p.run()
        return p
    }

    func range(_ start: Int, _ end: Int) -> SourceRange { source.range(from: start, to: end) }
    func range(_ t: Token) -> SourceRange { source.range(from: t.start, to: t.end) }
    func range(_ a: Token, _ b: Token) -> SourceRange { source.range(from: a.start, to: b.end) }

    mutating func report(_ e: LineError, head: Token? = nil) {
        // Every syntax error says how the statement is written: the line's model when no better help was given.
        let help =
            e.help
            ?? head.flatMap { Parser.models[$0.text.lowercased()] }.map { "the statement is written like `\($0)`" }
        diagnostics.append(.error(e.code, e.message, file: source.path, range: range(e.start, e.end), help: help))
    }

    /// A correct line for each first word, shown when a line starting with it cannot be read.
    static let models: [String: String] = [
        "client": "client ACME",
        "sites": "sites LD01, LD02",
        "valid": "valid from 2026-01-01 until 2026-12-31",
        "invoice": "invoice monthly, one invoice per client",
        "payment": "payment 45 days",
        "validation": "validation by an accountant",
        "not": "not billed: CAFET",
        "subsidy": "subsidy per cover at 10% VAT",
        "guest": "guest meals billed in full",
        "admission": "admission fee 2.35 HT per cover at 10% VAT",
        "cafeteria": "cafeteria participation 20% of tickets",
        "fee": "fee \"Frais de gestion\" 1,200.00 HT per month at 20% VAT, in arrears",
        "minimum": "minimum guarantee 250 covers per day, shortfall at 1.50 HT per cover at 10% VAT",
        "events": "events at order prices, one invoice per order",
        "category": "category A: 4.20 HT",
        "up": "up to 2000 covers: 0.60 HT",
        "above": "above: 0.30 HT",
        "then": "then 2.45 HT from 2026-07-01",
        "revised":
            "revised each year on 1 January by index ILC-RESTO: P0 × (0.15 + 0.85 × I / 118.2), I of 4 months before",
        "billed": "billed to C0013-CSE, payment on receipt",
        "labelled": "labelled \"Subvention employeur\"",
        "discount": "discount 5% on event lines",
        "delivery": "delivery fee 35.00 HT at 20% VAT on orders under 300.00 HT",
        "changes": "changes by credit note and new invoice",
        "applies": "applies from 2026-01-01 until 2026-06-30",
        "at": "at sites LD01, LD02",
        "example": "example \"October 2026\"",
        "period": "period 2026-10",
        "issued": "issued 2026-11-02",
        "covers": "covers A 2000, B 1000, C 500",
        "guests": "guests 20 tickets, 260.00 TTC",
        "registered": "registered subsidies 1,234.50 TTC",
        "trays": "trays A 200 × 6.80 TTC",
        "order": "order \"CMD-1\" delivered 2026-10-14: 40 × 18.50 HT at 10% VAT",
        "expect": "expect total 23,910.00 TTC"
    ]

    mutating func run() {
        var lexer = Lexer(source)
        lines = lexer.lines()
        for (message, s, e) in lexer.problems {
            diagnostics.append(
                .error(
                    "E0104", message, file: source.path, range: range(s, e),
                    help: "close the text with `\"` on the same line"))
        }
        var sawClient = false
        // The lexer's problems are in file order: one pointer walks them with the lines (linear).
        var nextProblem = 0
        for line in lines {
            if line.tokens.isEmpty {
                roles.append(line.comment == nil ? .blank : .comment)
                continue
            }
            let lineEnd = lineEnd(line)
            while nextProblem < lexer.problems.count, lexer.problems[nextProblem].1 < line.start { nextProblem += 1 }
            if nextProblem < lexer.problems.count, lexer.problems[nextProblem].1 <= lineEnd {
                // already reported by the lexer; the rest of the line cannot be read reliably
                roles.append(.invalid)
                markBroken()
                continue
            }
            if let bad = line.tokens.first(where: { $0.kind == .unknown }) {
                diagnostics.append(
                    .error(
                        "E0105", "unexpected character `\(bad.text)`", file: source.path, range: range(bad),
                        help: "amounts are written `4.20 HT`, multiplication `×` or `*`, percentages `60%`"))
                roles.append(.invalid)
                markBroken()
                continue
            }
            var cursor = Cursor(tokens: line.tokens, lineEnd: lineEnd)
            let head = line.tokens[0]
            if !sawClient {
                if head.isWord("client") {
                    sawClient = true
                    roles.append(.client)
                    do throws(LineError) {
                        cursor.position = 1
                        let name = try cursor.name("the client's code")
                        try cursor.endOfLine()
                        syntax.client = Located(name.text, range(name))
                    } catch { report(error) }
                    continue
                }
                diagnostics.append(
                    .error(
                        "E0106", "a contract starts with `client` and the client's code", file: source.path,
                        range: range(head), help: "write `client CODE` on the first line, e.g. `client ACME`"))
                sawClient = true
                roles.append(.invalid)
                continue
            }
            do throws(LineError) {
                roles.append(try statement(head: head, cursor: &cursor, line: line))
            } catch {
                report(error, head: head)
                if case .example(let i) = block { syntax.examples[i].hasBrokenLine = true }
                roles.append(.invalid)
                let word = head.text.lowercased()
                if Parser.headerWords.contains(word) { syntax.attemptedHeaders.insert(word) }
                if Parser.termWords.contains(word) { syntax.attemptedTermKinds.insert(word) }
                if roleOfHead(head) == .term {
                    block = .brokenTerm
                } else if roleOfHead(head) == .example {
                    block = .brokenExample
                }
            }
        }
        syntax.hasSyntaxErrors = !diagnostics.isEmpty
        if syntax.client == nil, !diagnostics.contains(where: { $0.code == "E0106" }) {
            diagnostics.append(
                .error(
                    "E0106", "a contract starts with `client` and the client's code", file: source.path,
                    range: range(0, 0), help: "write `client CODE` on the first line, e.g. `client ACME`"))
        }
    }

    func lineEnd(_ line: SourceLine) -> Int { line.tokens.last?.end ?? line.start }

    mutating func markBroken() {
        switch block {
        case .term, .brokenTerm: block = .brokenTerm
        // The example goes on: its other lines are still read (an unknown character in one line
        // does not drop the rest of the example), and nothing is reported missing from it.
        case .example(let i): syntax.examples[i].hasBrokenLine = true
        case .brokenExample: break
        case .header: break
        }
    }

    static let headerWords: Set<String> = ["sites", "valid", "invoice", "payment", "validation", "not"]
    static let termWords: Set<String> = ["subsidy", "guest", "admission", "cafeteria", "fee", "minimum", "events"]
    static let termDetailWords: Set<String> = [
        "category", "up", "above", "then", "revised", "billed", "labelled", "discount", "delivery", "changes",
        "applies", "at"
    ]
    static let exampleDetailWords: Set<String> = [
        "period", "issued", "covers", "guests", "registered", "trays", "cafeteria", "order", "expect"
    ]
    static var allStatementWords: [String] {
        Array(
            headerWords.union(termWords).union(termDetailWords).union(exampleDetailWords).union(["client", "example"])
        ).sorted()
    }

    func roleOfHead(_ t: Token) -> LineRole {
        let w = t.text.lowercased()
        if w == "example" { return .example }
        if Parser.termWords.contains(w) { return .term }
        return .header
    }

    // MARK: statements

    mutating func statement(head: Token, cursor: inout Cursor, line: SourceLine) throws(LineError) -> LineRole {
        let word = head.kind == .word ? head.text.lowercased() : ""
        let inExample: Bool
        switch block {
        case .example, .brokenExample: inExample = true;
        default: inExample = false
        }
        // Inside an example, `cafeteria 120.00 TTC` is data; `cafeteria participation` starts a term.
        if inExample, Parser.exampleDetailWords.contains(word),
            !(word == "cafeteria" && (cursor.peek(1)?.isWord("participation") ?? false))
        {
            try exampleDetail(word, &cursor)
            return .exampleDetail
        }
        if Parser.headerWords.contains(word) {
            if case .header = block {
            } else {
                throw LineError(
                    code: "E0107", message: "`\(head.text)` belongs to the contract's header, before its terms",
                    start: head.start, end: head.end, help: "move this line up, under `client`")
            }
            try header(word, &cursor)
            return .header
        }
        if Parser.termWords.contains(word) {
            try term(word, &cursor)
            return .term
        }
        if word == "example" {
            cursor.position = 1
            let name = try cursor.expect(.string, "the example's name in quotes, e.g. `example \"October 2026\"`")
            try cursor.endOfLine()
            syntax.examples.append(ExampleSyntax(name: Located(name.text, range(name)), range: range(head, name)))
            block = .example(syntax.examples.count - 1)
            return .example
        }
        if Parser.termDetailWords.contains(word) {
            switch block {
            case .term(let index):
                try termDetail(word, index, &cursor)
                return .termDetail
            case .brokenTerm:
                return .termDetail  // its term has an error already: one message per root cause
            default:
                throw LineError(
                    code: "E0107", message: "`\(head.text)` must follow the term it belongs to",
                    start: head.start, end: head.end, help: "put this line under the term it details")
            }
        }
        if Parser.exampleDetailWords.contains(word) {
            throw LineError(
                code: "E0107", message: "`\(head.text)` belongs to an example",
                start: head.start, end: head.end, help: "start the example with `example \"name\"` above this line")
        }
        let suggestion = head.kind == .word ? DidYouMean.suggest(head.text, among: Parser.allStatementWords) : nil
        throw LineError(
            code: "E0101", message: "unknown statement \(cursor.describe(head))", start: head.start, end: head.end,
            help: suggestion.map { "did you mean `\($0)`?" }
                ?? "a line starts with a term such as `subsidy`, `admission fee`, `fee`, or a detail such as `category`"
        )
    }

    // MARK: header

    mutating func header(_ word: String, _ c: inout Cursor) throws(LineError) {
        let head = c.tokens[0]
        c.position = 1
        switch word {
        case "sites":
            var sites: [Located<String>] = []
            repeat {
                let t = try c.name("a site code")
                sites.append(Located(t.text, range(t)))
            } while c.accept(.comma) != nil
            try c.endOfLine()
            if !syntax.sites.isEmpty { throw duplicate(head) }
            syntax.sites = sites
        case "valid":
            let v = try validity(&c, head: head)
            try c.endOfLine()
            if syntax.validity != nil { throw duplicate(head) }
            syntax.validity = v
        case "invoice":
            let t = try c.name("a cadence: `monthly`, `weekly` or `quarterly`")
            guard let cadence = Cadence(rawValue: t.text.lowercased()), cadence != .onDelivery else {
                throw LineError(
                    code: "E0102", message: "expected a cadence: `monthly`, `weekly` or `quarterly`, found `\(t.text)`",
                    start: t.start, end: t.end, help: "events are invoiced by their own term `events at order prices`")
            }
            var perSite = false, feesApart = false
            while c.accept(.comma) != nil {
                if c.accept(phrase: "one invoice per client") {
                    perSite = c.accept(phrase: "and site")
                } else if c.accept(phrase: "fees on their own invoice") {
                    feesApart = true
                } else {
                    throw c.error(
                        "`one invoice per client`, `one invoice per client and site` or `fees on their own invoice`")
                }
            }
            try c.endOfLine()
            if syntax.invoicing != nil { throw duplicate(head) }
            syntax.invoicing = InvoicingSyntax(
                cadence: Located(cadence, range(t)), perSite: perSite, feesOnOwnInvoice: feesApart,
                range: range(head, c.tokens[c.tokens.count - 1]))
        case "payment":
            let terms = try paymentTerms(&c)
            try c.endOfLine()
            if syntax.payment != nil { throw duplicate(head) }
            syntax.payment = Located(terms, range(head, c.tokens[c.tokens.count - 1]))
        case "validation":
            let automatic: Bool
            if c.accept("automatic") {
                automatic = true
            } else if c.accept(phrase: "by an accountant") {
                automatic = false
            } else {
                throw c.error("`automatic` or `by an accountant`")
            }
            try c.endOfLine()
            if syntax.automaticValidation != nil { throw duplicate(head) }
            syntax.automaticValidation = Located(automatic, range(head, c.tokens[c.tokens.count - 1]))
        case "not":
            try c.expect("billed")
            _ = try c.expect(.colon, "`:` then the revenue types this contract does not bill")
            repeat {
                let t = try c.name("a revenue type code")
                syntax.notBilled.append(Located(t.text, range(t)))
            } while c.accept(.comma) != nil
            try c.endOfLine()
        default:
            break
        }
    }

    /// What follows `payment`: `on receipt`, `45 days`, `30 days, then end of month`, `end of month, then 30 days`.
    mutating func paymentTerms(_ c: inout Cursor) throws(LineError) -> PaymentTerms {
        if c.accept(phrase: "on receipt") { return .onReceipt }
        if c.accept(phrase: "end of month") {
            let spelt =
                "write `payment end of month, then \(c.tokens[c.position...].first { $0.kind == .number }?.text ?? "N") days`"
            guard c.accept(.comma) != nil, c.accept("then") else { throw c.error("`, then N days`", help: spelt) }
            return .endOfMonthThenDays(try days(&c))
        }
        if c.peek?.isWord("end") ?? false {
            // `payment end of month 30 days`, `end of month + 30 days`: show the language's spelling.
            throw LineError(
                code: "E0102",
                message:
                    "expected `end of month, then N days`, found `\(c.tokens[c.position...].map(\.text).joined(separator: " "))`",
                start: c.peek?.start ?? c.lineEnd, end: c.tokens.last?.end ?? c.lineEnd,
                help: "write `payment end of month, then \(c.tokens.first { $0.kind == .number }?.text ?? "30") days`")
        }
        let n = try days(&c)
        if c.peek?.isWord("end") ?? false || c.peek?.isWord("net") ?? false {
            // `45 days end of month` ("45 jours fin de mois") says end of month without saying which one.
            let rest = c.tokens[c.position...]
            throw LineError(
                code: "E0102",
                message: "`\(n) days \(rest.map(\.text).joined(separator: " "))` does not say which end of month",
                start: rest.first?.start ?? c.lineEnd, end: rest.last?.end ?? c.lineEnd,
                help:
                    "write `payment \(n) days, then end of month` (\(n) days, then to the end of that month) or `payment end of month, then \(n) days` (to the end of the month, then \(n) days)"
            )
        }
        if c.accept(.comma) != nil {
            try c.expect(
                phrase: "then end of month", help: "write `N days, then end of month` or `end of month, then N days`")
            return .daysThenEndOfMonth(n)
        }
        return .days(n)
    }

    func duplicate(_ head: Token) -> LineError {
        LineError(
            code: "E0108", message: "`\(head.text)` is said twice in this contract", start: head.start, end: head.end,
            help: "keep one `\(head.text)` line")
    }

    mutating func days(_ c: inout Cursor) throws(LineError) -> Int {
        let t = try c.expect(.number, "a number of days")
        guard let n = Int(t.text) else {
            throw LineError(
                code: "E0109", message: "`\(t.text)` is not a whole number of days", start: t.start, end: t.end,
                help: nil)
        }
        try c.expect("days")
        return n
    }

    mutating func validity(_ c: inout Cursor, head: Token) throws(LineError) -> ValiditySyntax {
        try c.expect("from")
        let from = try date(&c)
        var until: Located<Day>?
        if c.accept("until") {
            until = try date(&c)
        } else if let w = c.peek, ["to", "till", "through", "au", "jusqu'au", "-"].contains(w.text.lowercased()),
            c.peek(1)?.kind == .dateLike
        {
            let end = c.tokens[c.position + 1]
            throw LineError(
                code: "E0102", message: "expected `until`, found `\(w.text)`", start: w.start, end: w.end,
                help: "write `\(head.text) from \(from.value) until \(end.text)`")
        }
        return ValiditySyntax(from: from, until: until, range: range(head.start, c.tokens[c.position - 1].end))
    }

    mutating func date(_ c: inout Cursor) throws(LineError) -> Located<Day> {
        if let first = c.peek, first.kind == .number, let meant = Parser.frenchDate(c) {
            // `01/10/2026`, `1/10/2026`: the French order, with slashes.
            let last = c.tokens[c.position + 4]
            throw LineError(
                code: "E0109",
                message:
                    "`\(c.tokens[c.position...(c.position + 4)].map(\.text).joined())` is not written `YYYY-MM-DD`",
                start: first.start, end: last.end, help: "write `\(meant)`")
        }
        let t = try c.expect(.dateLike, "a date `YYYY-MM-DD`")
        guard let d = Day(iso: t.text) else {
            // `2026-1-5`: the same date with two digits for the month and the day.
            let parts = t.text.split(separator: "-")
            if parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let dd = Int(parts[2]),
                let padded = Day(iso: "\(y)-\(m < 10 ? "0" : "")\(m)-\(dd < 10 ? "0" : "")\(dd)")
            {
                throw LineError(
                    code: "E0109", message: "`\(t.text)` is not written `YYYY-MM-DD`", start: t.start, end: t.end,
                    help: "write `\(padded)`")
            }
            throw LineError(
                code: "E0109", message: "`\(t.text)` is not a date", start: t.start, end: t.end,
                help: "dates are written `YYYY-MM-DD` and must exist, e.g. `2026-10-01`")
        }
        return Located(d, range(t))
    }

    /// The ISO date meant by `D/M/YYYY` (or `YYYY/M/D`) at the cursor, when it is one.
    static func frenchDate(_ c: Cursor) -> String? {
        guard let a = c.peek, let s1 = c.peek(1), let b = c.peek(2), let s2 = c.peek(3), let y = c.peek(4),
            s1.kind == .slash, s2.kind == .slash, b.kind == .number, y.kind == .number,
            let x = Int(a.text), let m = Int(b.text), let z = Int(y.text)
        else { return nil }
        let (year, day) = a.text.count == 4 ? (x, z) : (z, x)
        let iso = "\(year)-\(m < 10 ? "0" : "")\(m)-\(day < 10 ? "0" : "")\(day)"
        return Day(iso: iso).map(\.description)
    }

    /// A number with its unit: `4.20 HT`, `260.00 TTC`, `60%`, `2000`.
    mutating func amount(_ c: inout Cursor, _ what: String, whole: Bool = false) throws(LineError) -> AmountLiteral {
        let t = try c.expect(.number, what)
        let value = try spelling(of: t, c, whole: whole)
        guard let v = DecimalText.parse(Substring(value), scale: 4, groupSeparator: ",") else {
            throw LineError(
                code: "E0109", message: "`\(t.text)` has more than 4 decimals", start: t.start, end: t.end,
                help: "prices carry at most 4 decimals, amounts 2")
        }
        let decimals = value.split(separator: ".").count > 1 ? value.split(separator: ".")[1].count : 0
        var unit = AmountUnit.none
        var end = t.end
        if let u = c.peek {
            if u.isWord("ht") {
                unit = .ht; c.position += 1; end = u.end
            } else if u.isWord("ttc") {
                unit = .ttc; c.position += 1; end = u.end
            } else if u.kind == .percent {
                unit = .percent; c.position += 1; end = u.end
            } else if u.kind == .word, let meant = Parser.unitMeant(by: u.text) {
                throw LineError(
                    code: "E0114", message: "`\(u.text)` is not a unit of the language", start: u.start, end: u.end,
                    help: meant.isEmpty
                        ? "amounts say whether VAT is included, not the currency: write `\(value) HT` or `\(value) TTC`"
                        : "write `\(value) \(meant)`")
            }
        }
        return AmountLiteral(tenThousandths: v, unit: unit, decimals: decimals, range: range(t.start, end))
    }

    /// A word written where a unit goes that means one (`TTX` for `TTC`), or a currency (`€`, `euros`: "").
    static func unitMeant(by word: String) -> String? {
        let w = word.lowercased()
        if ["eur", "euro", "euros"].contains(w) { return "" }
        if ["ttx", "tcc", "ttv", "tc", "ttcc", "tttc", "ytc", "rtc", "ttd"].contains(w) { return "TTC" }
        if ["hr", "hy", "gt", "jt", "htt", "hht", "h.t"].contains(w) { return "HT" }
        return nil
    }

    /// The number `t` in the language's spelling, or the error that shows the amount to write.
    /// `whole`: a count (covers, tickets, a band's limit), where `2,000` can only mean thousands.
    func spelling(of t: Token, _ c: Cursor, whole: Bool) throws(LineError) -> String {
        // The unit written after the number (after its second half for `1 500,00 HT`).
        let spaced = c.peek?.kind == .number
        let next = spaced ? c.peek(1) : c.peek
        let unit =
            next.map { $0.isWord("ht") ? " HT" : $0.isWord("ttc") ? " TTC" : $0.kind == .percent ? "%" : "" } ?? ""
        let end = unit.isEmpty ? t.end : (next?.end ?? t.end)
        let written = "`\(t.text)\(unit)`"
        func amount(_ n: String) -> String {
            // An amount HT or TTC has cents: `4.2` is written `4.20`.
            guard unit == " HT" || unit == " TTC", let point = n.firstIndex(of: ".") else { return "`\(n)\(unit)`" }
            let decimals = n[n.index(after: point)...].count
            return "`\(n)\(decimals < 2 ? String(repeating: "0", count: 2 - decimals) : "")\(unit)`"
        }
        // `1 500,00`: a space between thousands splits the number in two tokens.
        if spaced, let n = c.peek, t.text.count <= 3, t.text.allSatisfy(\.isNumber),
            n.text.prefix(while: \.isNumber).count == 3
        {
            let rest = n.text.dropFirst(3)
            let decimals =
                rest.first == "," || rest.first == "." ? String(rest.dropFirst()) : (rest.isEmpty ? "00" : "")
            if !decimals.isEmpty, decimals.allSatisfy(\.isNumber) {
                throw LineError(
                    code: "E0114", message: "`\(t.text) \(n.text)\(unit)` separates thousands with a space",
                    start: t.start,
                    end: unit.isEmpty ? n.end : (next?.end ?? n.end),
                    help: whole && rest.isEmpty
                        ? "write `\(t.text + n.text)`, without a space"
                        : "write \(amount(NumberSpelling.grouped(t.text + n.text.prefix(3)) + "." + decimals)): a comma between thousands, a point before the decimals"
                )
            }
        }
        switch NumberSpelling.of(t.text) {
        case .plain:
            return t.text
        case .thousandsWithoutDecimals(let digits, let decimal):
            if whole { return digits }
            let thousands = "`\(NumberSpelling.fullForm(digits))\(unit.isEmpty ? "" : unit)`"
            if let decimal {
                throw LineError(
                    code: "E0114", message: "\(written) is ambiguous: a decimal comma, or a comma between thousands",
                    start: t.start, end: end, help: "write \(amount(decimal)), or \(thousands) if thousands were meant")
            }
            throw LineError(
                code: "E0114", message: "\(written) has commas between thousands but no decimals", start: t.start,
                end: end,
                help: "write \(thousands): a comma separates thousands only in an amount written with its decimals")
        case .decimalComma(_, let meant):
            throw LineError(
                code: "E0114", message: "\(written) has a decimal comma", start: t.start, end: end,
                help: "write \(amount(meant)): the decimals follow a point")
        case .frenchGrouping(let meant):
            throw LineError(
                code: "E0114", message: "\(written) separates thousands with points and decimals with a comma",
                start: t.start, end: end,
                help: "write \(amount(meant)): a comma between thousands, a point before the decimals")
        case .malformed:
            throw LineError(
                code: "E0114", message: "\(written) is not a number", start: t.start, end: end,
                help: "write amounts as `4.20 HT` or `1,500.00 HT`, counts as `2000`, rates as `5.5%`")
        }
    }

    /// `at 10% VAT`.
    mutating func vat(_ c: inout Cursor) throws(LineError) -> AmountLiteral {
        try c.expect("at", help: "every billed amount states its VAT rate, e.g. `at 10% VAT`")
        let a = try amount(&c, "a VAT rate such as `10%`")
        if let w = c.peek, w.isWord("tva") {
            throw LineError(
                code: "E0102", message: "expected `VAT`, found `\(w.text)`", start: w.start, end: w.end,
                help:
                    "the language is written in English: `at \(DecimalText.format(a.tenThousandths, scale: 4, minimumFraction: a.decimals))\(a.unit == .percent ? "%" : "") VAT`"
            )
        }
        try c.expect("vat", help: "write the rate as `at 10% VAT`")
        return a
    }

    mutating func schedule(_ c: inout Cursor, _ what: String) throws(LineError) -> PriceScheduleSyntax {
        var s = PriceScheduleSyntax(initial: try amount(&c, what), changes: [])
        // `, then 4.40 HT from 2026-10-15` on the same line
        while let comma = c.peek, comma.kind == .comma, c.peek(1)?.isWord("then") ?? false {
            c.position += 2
            let a = try amount(&c, "the new price")
            try c.expect("from")
            s.changes.append((try date(&c), a))
        }
        return s
    }

    // MARK: terms

    mutating func term(_ word: String, _ c: inout Cursor) throws(LineError) {
        let head = c.tokens[0]
        block = .brokenTerm
        c.position = 1
        var label: Located<String>?
        let body: TermBody
        let name: String
        switch word {
        case "subsidy":
            name = "subsidy"
            if c.accept(phrase: "per cover") {
                body = .subsidyPerCover(vat: try vat(&c), categories: [])
            } else if c.accept(phrase: "capped by the tray") {
                body = .subsidyCappedByTray(vat: try vat(&c), categories: [])
            } else if c.accept(phrase: "as recorded by the registers") {
                body = .subsidyAsRecorded
            } else {
                throw c.error("`per cover`, `capped by the tray` or `as recorded by the registers`")
            }
        case "guest":
            name = "guest meals"
            try c.expect(phrase: "meals billed in full")
            body = .guestMeals
        case "admission":
            name = "admission fee"
            try c.expect("fee")
            let price = try schedule(&c, "the admission fee per cover, e.g. `2.35 HT`")
            try c.expect(phrase: "per cover")
            let v = try vat(&c)
            var share: AmountLiteral?
            if c.accept(.comma) != nil {
                try c.expect(phrase: "client pays")
                share = try amount(&c, "the client's share, e.g. `60%`")
            }
            body = .admissionFee(price: price, vat: v, share: share)
        case "cafeteria":
            name = "cafeteria participation"
            try c.expect("participation")
            let p = try amount(&c, "the client's share of cafeteria tickets, e.g. `20%`")
            try c.expect(phrase: "of tickets")
            body = .cafeteriaParticipation(percent: p)
        case "fee":
            name = "fee"
            let l = try c.expect(.string, "the fee's label in quotes, e.g. `fee \"Frais de gestion\"`")
            label = Located(l.text, range(l))
            if c.peek?.kind == .number {
                let amount = try schedule(&c, "the fee amount")
                let per = try periodicity(&c)
                let v = try vat(&c)
                _ = try c.expect(.comma, "`, in arrears` or `, in advance`")
                let timing = try timing(&c)
                body = .flatFee(amount: amount, per: per, vat: v, timing: timing)
            } else {
                let per = try periodicity(&c)
                let v = try vat(&c)
                if c.accept(.comma) != nil {
                    if c.accept(phrase: "in arrears") {
                        _ = try c.expect(.colon, "`:` then `max(FLOOR HT, PRICE HT per cover)`")
                        try c.expect("max")
                        _ = try c.expect(.leftParen, "`(`")
                        let floor = try amount(&c, "the floor amount, e.g. `1,500.00 HT`")
                        _ = try c.expect(.comma, "`,`")
                        let perCover = try amount(&c, "the price per cover, e.g. `0.45 HT`")
                        if c.accept(.times) != nil { try c.expect("covers") } else { try c.expect(phrase: "per cover") }
                        _ = try c.expect(.rightParen, "`)`")
                        body = .floorFee(floor: floor, perCover: perCover, per: per, vat: v)
                    } else if c.accept("graduated") || c.accept("volume") {
                        let mode: TierMode = c.tokens[c.position - 1].isWord("graduated") ? .graduated : .volume
                        _ = try c.expect(.colon, "`:` then band lines such as `up to 2,000 covers: 0.60 HT`")
                        body = .tieredFee(mode: mode, bands: [], per: per, vat: v)
                    } else if c.peek?.isWord("in") ?? false {
                        throw LineError(
                            code: "E0110", message: "a fee computed on covers is billed in arrears",
                            start: c.peek?.start ?? 0, end: c.tokens.last?.end ?? 0,
                            help: "covers are known only once the period has ended: write `in arrears`")
                    } else {
                        throw c.error("`in arrears: max(…)`, `graduated:` or `volume:`")
                    }
                } else {
                    throw c.error("`,` then `in arrears: max(…)`, `graduated:` or `volume:`")
                }
            }
        case "minimum":
            name = "minimum guarantee"
            try c.expect("guarantee")
            let threshold = try amount(&c, "the guaranteed number of covers per day", whole: true)
            try c.expect(phrase: "covers per day")
            _ = try c.expect(.comma, "`,` then `shortfall at PRICE HT per cover`")
            try c.expect(phrase: "shortfall at")
            let price = try schedule(&c, "the price of a missing cover")
            try c.expect(phrase: "per cover")
            body = .minimumGuarantee(threshold: threshold, price: price, vat: try vat(&c))
        case "events":
            name = "events"
            try c.expect(phrase: "at order prices")
            _ = try c.expect(.comma, "`, one invoice per order` or `, grouped monthly`")
            let grouping: EventGrouping
            if c.accept(phrase: "one invoice per order") {
                grouping = .perOrder
            } else if c.accept(phrase: "grouped monthly") {
                grouping = .monthly
            } else {
                throw c.error("`one invoice per order` or `grouped monthly`")
            }
            body = .events(grouping: grouping, discount: nil, deliveryFee: nil, changes: .creditAndReissue)
        default:
            throw c.error("a term")
        }
        try c.endOfLine()
        syntax.terms.append(
            TermSyntax(body: body, name: name, label: label, range: range(head, c.tokens[c.tokens.count - 1])))
        block = .term(syntax.terms.count - 1)
    }

    mutating func periodicity(_ c: inout Cursor) throws(LineError) -> FeePeriodicity {
        if c.accept(phrase: "per month") { return .month }
        if c.accept(phrase: "per quarter") { return .quarter }
        throw c.error("`per month` or `per quarter`")
    }

    mutating func timing(_ c: inout Cursor) throws(LineError) -> FeeTiming {
        if c.accept(phrase: "in arrears") { return .inArrears }
        if c.accept(phrase: "in advance") { return .inAdvance }
        throw c.error("`in arrears` or `in advance`")
    }

    mutating func termDetail(_ word: String, _ index: Int, _ c: inout Cursor) throws(LineError) {
        let head = c.tokens[0]
        c.position = 1
        var t = syntax.terms[index]
        func misplaced(_ what: String) -> LineError {
            LineError(
                code: "E0107", message: "`\(head.text)` does not belong to the term `\(t.name)`", start: head.start,
                end: head.end,
                help: what)
        }
        switch word {
        case "category":
            let cat = try c.name("a diner category, e.g. `A`")
            _ = try c.expect(.colon, "`:` then the price, or `nothing`")
            var price: PriceScheduleSyntax?
            if !c.accept("nothing") { price = try schedule(&c, "the price per cover, e.g. `4.20 HT`, or `nothing`") }
            try c.endOfLine()
            let line = CategoryPriceSyntax(
                category: Located(cat.text, range(cat)), price: price, range: range(head, c.tokens[c.tokens.count - 1]))
            switch t.body {
            case .subsidyPerCover(let v, var cats):
                cats.append(line); t.body = .subsidyPerCover(vat: v, categories: cats)
            case .subsidyCappedByTray(let v, var cats):
                cats.append(line); t.body = .subsidyCappedByTray(vat: v, categories: cats)
            default: throw misplaced("category lines belong under `subsidy per cover` or `subsidy capped by the tray`")
            }
        case "up", "above":
            var limit: AmountLiteral?
            if word == "up" {
                try c.expect("to")
                limit = try amount(&c, "the band's last cover, e.g. `2,000`", whole: true)
                try c.expect("covers")
            }
            _ = try c.expect(.colon, "`:` then the price per cover")
            let price = try amount(&c, "the price per cover in this band, e.g. `0.60 HT`")
            try c.endOfLine()
            guard case .tieredFee(let mode, var bands, let per, let v) = t.body else {
                throw misplaced("band lines belong under a fee that is `graduated:` or `volume:`")
            }
            bands.append(BandSyntax(upTo: limit, price: price, range: range(head, c.tokens[c.tokens.count - 1])))
            t.body = .tieredFee(mode: mode, bands: bands, per: per, vat: v)
        case "then":
            let a = try amount(&c, "the new price")
            try c.expect("from")
            let d = try date(&c)
            try c.endOfLine()
            switch t.body {
            case .admissionFee(var p, let v, let s):
                p.changes.append((d, a)); t.body = .admissionFee(price: p, vat: v, share: s)
            case .flatFee(var p, let per, let v, let timing):
                p.changes.append((d, a)); t.body = .flatFee(amount: p, per: per, vat: v, timing: timing)
            case .minimumGuarantee(let th, var p, let v):
                p.changes.append((d, a)); t.body = .minimumGuarantee(threshold: th, price: p, vat: v)
            default:
                throw misplaced(
                    "`then PRICE from DATE` changes the price of an admission fee, a flat fee or a guarantee; for a category write `category A: 4.20 HT, then 4.40 HT from DATE`"
                )
            }
        case "revised":
            try c.expect(phrase: "each year on")
            let dayToken = try c.expect(.number, "the day of the month, e.g. `1 January`")
            let monthToken = try c.name("a month name, e.g. `January`")
            guard let month = Parser.monthNames.firstIndex(of: monthToken.text.lowercased()).map({ $0 + 1 }),
                let day = Int(dayToken.text), day >= 1, day <= Day.daysIn(year: 2025, month: month)
            else {
                throw LineError(
                    code: "E0109", message: "`\(dayToken.text) \(monthToken.text)` is not a day of the year",
                    start: dayToken.start, end: monthToken.end,
                    help: "write the day and the English month name, e.g. `1 January`")
            }
            var firstYear: Located<Int>?
            if c.accept("from") {
                let y = try c.expect(.number, "the year of the first revision, e.g. `from 2026`")
                guard let year = Int(y.text), (2000...2199).contains(year) else {
                    throw LineError(
                        code: "E0109", message: "`\(y.text)` is not a year", start: y.start, end: y.end,
                        help: "write the year of the first revision, e.g. `from 2026`")
                }
                firstYear = Located(year, range(y))
            }
            try c.expect(phrase: "by index")
            let series = try c.name("the index series code")
            _ = try c.expect(.colon, "`:` then `P0 × (a + b × I / I0)`")
            try c.expect("p0")
            _ = try c.expect(.times, "`×`")
            _ = try c.expect(.leftParen, "`(`")
            let a = try amount(&c, "the fixed part `a`")
            _ = try c.expect(.plus, "`+`")
            let b = try amount(&c, "the indexed part `b`")
            _ = try c.expect(.times, "`×`")
            try c.expect("i")
            _ = try c.expect(.slash, "`/`")
            let i0 = try amount(&c, "the base index value `I0`")
            _ = try c.expect(.rightParen, "`)`")
            _ = try c.expect(.comma, "`, I of N months before`")
            try c.expect("i")
            try c.expect("of")
            let lagToken = try c.expect(.number, "the number of months between the index and the revision")
            try c.expect(phrase: "months before")
            try c.endOfLine()
            if t.revision != nil { throw duplicate(head) }
            switch t.body {
            case .admissionFee, .flatFee, .minimumGuarantee: break
            default: throw misplaced("an index revision applies to an admission fee, a flat fee or a guarantee price")
            }
            t.revision = RevisionSyntax(
                month: month, day: day, series: Located(series.text, range(series)), fixedPart: a, indexedPart: b,
                baseIndex: i0, lagMonths: Located(Int(lagToken.text) ?? 0, range(lagToken)), firstYear: firstYear,
                range: range(head, c.tokens[c.tokens.count - 1]))
        case "billed":
            try c.expect("to")
            let payer = try c.name("the payer's code")
            var terms: Located<PaymentTerms>?
            if c.accept(.comma) != nil {
                let start = c.peek
                try c.expect(
                    "payment",
                    help: "a payer's own payment terms follow its code: `billed to C0013-CSE, payment on receipt`")
                let p = try paymentTerms(&c)
                terms = Located(p, range(start ?? payer, c.tokens[c.position - 1]))
            }
            try c.endOfLine()
            if t.billedTo != nil { throw duplicate(head) }
            t.billedTo = Located(payer.text, range(payer))
            t.payerPayment = terms
        case "at":
            guard c.accept("sites") || c.accept("site") else {
                throw c.error("`sites` then the sites of the contract this term bills, e.g. `at sites LD01`")
            }
            var list: [Located<String>] = []
            repeat {
                let s = try c.name("a site code")
                list.append(Located(s.text, range(s)))
            } while c.accept(.comma) != nil
            try c.endOfLine()
            if t.sites != nil { throw duplicate(head) }
            switch t.body {
            case .flatFee, .events:
                throw misplaced(
                    "`at sites` restricts a term billed on revenue to some sites; a flat fee or an events term is not")
            default: break
            }
            t.sites = list
        case "labelled":
            let l = try c.expect(.string, "the label in quotes")
            try c.endOfLine()
            if t.label != nil { throw duplicate(head) }
            t.label = Located(l.text, range(l))
        case "applies":
            let v = try validity(&c, head: head)
            try c.endOfLine()
            if t.applies != nil { throw duplicate(head) }
            t.applies = v
        case "discount", "delivery", "changes":
            guard case .events(let g, var discount, var delivery, var changes) = t.body else {
                throw misplaced("`\(head.text)` details an `events` term")
            }
            if word == "discount" {
                discount = try amount(&c, "the discount percentage, e.g. `5%`")
                try c.expect(phrase: "on event lines")
            } else if word == "delivery" {
                try c.expect("fee")
                let a = try amount(&c, "the delivery fee, e.g. `35.00 HT`")
                let v = try vat(&c)
                try c.expect(phrase: "on orders under")
                let under = try amount(&c, "the order amount under which the fee applies, e.g. `300.00 HT`")
                delivery = DeliveryFeeSyntax(
                    amount: a, vat: v, under: under, range: range(head, c.tokens[c.position - 1]))
            } else {
                try c.expect("by")
                if c.accept(phrase: "credit note and new invoice") {
                    changes = .creditAndReissue
                } else if c.accept("difference") {
                    changes = .difference
                } else {
                    throw c.error("`credit note and new invoice` or `difference`")
                }
            }
            try c.endOfLine()
            t.body = .events(grouping: g, discount: discount, deliveryFee: delivery, changes: changes)
        default:
            break
        }
        syntax.terms[index] = t
    }

    static let monthNames = [
        "january", "february", "march", "april", "may", "june", "july", "august",
        "september", "october", "november", "december"
    ]

    // MARK: examples

    mutating func exampleDetail(_ word: String, _ c: inout Cursor) throws(LineError) {
        guard case .example(let index) = block else { return }
        let head = c.tokens[0]
        c.position = 1
        var e = syntax.examples[index]
        func whereAndWhen(_ g: inout GivenSyntax) throws(LineError) {
            while true {
                if c.accept("on") {
                    g.day = try date(&c)
                } else if c.accept("at") {
                    let s = try c.name("a site code")
                    g.site = Located(s.text, range(s))
                } else {
                    break
                }
            }
            try c.endOfLine()
            g.range = range(head, c.tokens[c.tokens.count - 1])
        }
        func optionalVAT() throws(LineError) -> AmountLiteral? {
            guard c.peek?.isWord("at") ?? false, c.peek(1)?.kind == .number else { return nil }
            return try vat(&c)
        }
        let here = range(head)
        switch word {
        case "period":
            let t = try c.expect(.dateLike, "a period: `2026-10`, `2026-W42` or `2026-10-01..2026-10-15`")
            guard let p = Period(parsing: t.text) else {
                throw LineError(
                    code: "E0109", message: "`\(t.text)` is not a period", start: t.start, end: t.end,
                    help:
                        "write a month `2026-10`, an ISO week `2026-W42`, a quarter `2026-Q4` or `2026-10-01..2026-10-15`"
                )
            }
            try c.endOfLine()
            e.period = Located(p, range(t))
        case "issued":
            e.issued = try date(&c)
            try c.endOfLine()
        case "covers":
            var list: [(category: Located<String>, count: AmountLiteral)] = []
            repeat {
                let cat = try c.name("a diner category")
                list.append((Located(cat.text, range(cat)), try amount(&c, "a number of covers", whole: true)))
            } while c.accept(.comma) != nil
            var g = GivenSyntax(kind: .covers(list), range: here)
            try whereAndWhen(&g)
            e.givens.append(g)
        case "guests":
            let n = try amount(&c, "the number of guest tickets", whole: true)
            try c.expect("tickets")
            _ = try c.expect(.comma, "`,` then the guests' total TTC")
            let ttc = try amount(&c, "the guests' total, e.g. `260.00 TTC`")
            var g = GivenSyntax(kind: .guests(tickets: n, ttc: ttc, vat: try optionalVAT()), range: here)
            try whereAndWhen(&g)
            e.givens.append(g)
        case "registered":
            try c.expect("subsidies")
            var category: Located<String>?
            if c.accept("category") {
                let cat = try c.name("a diner category")
                category = Located(cat.text, range(cat))
            }
            let ttc = try amount(&c, "the employer share recorded, e.g. `1,234.50 TTC`")
            var g = GivenSyntax(
                kind: .registeredSubsidies(category: category, ttc: ttc, vat: try optionalVAT()), range: here)
            try whereAndWhen(&g)
            e.givens.append(g)
        case "trays":
            let cat = try c.name("a diner category")
            let n = try amount(&c, "the number of covers", whole: true)
            _ = try c.expect(.times, "`×` then the TTC of each tray")
            let each = try amount(&c, "the TTC of each tray, e.g. `6.80 TTC`")
            var g = GivenSyntax(
                kind: .trays(category: Located(cat.text, range(cat)), count: n, ticketTTC: each), range: here)
            try whereAndWhen(&g)
            e.givens.append(g)
        case "cafeteria":
            let ttc = try amount(&c, "the badge holders' cafeteria tickets TTC")
            var g = GivenSyntax(kind: .cafeteria(ttc: ttc, vat: try optionalVAT()), range: here)
            try whereAndWhen(&g)
            e.givens.append(g)
        case "order":
            let id = try c.expect(.string, "the order id in quotes")
            try c.expect("delivered")
            let d = try date(&c)
            _ = try c.expect(.colon, "`:` then lines such as `40 × 18.50 HT at 10% VAT`")
            var lines: [(quantity: AmountLiteral, price: AmountLiteral, vat: AmountLiteral)] = []
            repeat {
                let q = try amount(&c, "a quantity", whole: true)
                _ = try c.expect(.times, "`×`")
                let p = try amount(&c, "a unit price HT")
                lines.append((q, p, try vat(&c)))
            } while c.accept(.comma) != nil
            try c.endOfLine()
            var g = GivenSyntax(
                kind: .order(id: Located(id.text, range(id)), lines: lines),
                range: range(head, c.tokens[c.tokens.count - 1]))
            g.day = d
            e.givens.append(g)
        case "expect":
            let kind: ExpectationSyntax.Kind
            if c.accept("line") {
                let l = try c.expect(.string, "the line's label in quotes")
                kind = .line(
                    label: Located(l.text, range(l)),
                    amount: try amount(&c, "the line's net amount, e.g. `8,400.00 HT`"))
            } else if c.accept("total") {
                kind = .total(try amount(&c, "the expected total, e.g. `23,910.00 TTC`"))
            } else if c.accept("due") {
                let d = try date(&c)
                var payer: Located<String>?
                if c.accept("for") {
                    let p = try c.name("the payer's code")
                    payer = Located(p.text, range(p))
                }
                kind = .due(d, payer: payer)
            } else if c.accept("invoices") {
                kind = .invoices(try amount(&c, "the number of invoices", whole: true))
            } else if c.accept("nothing") {
                kind = .nothing
            } else {
                throw c.error("`line`, `total`, `due`, `invoices` or `nothing`")
            }
            try c.endOfLine()
            e.expectations.append(ExpectationSyntax(kind: kind, range: range(head, c.tokens[c.tokens.count - 1])))
        default:
            break
        }
        syntax.examples[index] = e
    }
}
