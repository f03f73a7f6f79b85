import BillingModel
import Diagnostics

/// Checks a parsed contract against the settings and turns it into a
/// `Contract`. Reports every problem it finds; returns no contract when any
/// is an error.
public struct Checker {
    let syntax: ContractSyntax
    let context: ContractContext
    let source: SourceFile
    public private(set) var diagnostics: [Diagnostic] = []
    var client: ContractContext.Client?
    /// The contract's sites (its `sites` line, else the client's), for `at sites` under a term.
    var contractSites: [String] = []

    public init(syntax: ContractSyntax, context: ContractContext, source: SourceFile) {
        self.syntax = syntax
        self.context = context
        self.source = source
    }

    mutating func error(
        _ code: String, _ message: String, _ range: SourceRange?, help: String? = nil, notes: [Diagnostic.Note] = []
    ) {
        diagnostics.append(.error(code, message, file: syntax.file, range: range, help: help, notes: notes))
    }

    mutating func warning(_ code: String, _ message: String, _ range: SourceRange?, help: String? = nil) {
        diagnostics.append(.warning(code, message, file: syntax.file, range: range, help: help))
    }

    /// Checks and builds the contract (nil when there is an error).
    public mutating func check() -> Contract? {
        guard let clientName = syntax.client else { return nil }
        let code = clientName.value
        if let c = context.clients[code] {
            client = c
        } else {
            let s = DidYouMean.suggest(code, among: context.clients.keys)
            error(
                "E0201", "unknown client `\(code)`", clientName.range,
                help: s.map { "did you mean `\($0)`?" } ?? "add the client to the settings first, or fix its code")
        }
        let firstLine = syntax.client?.range ?? source.range(from: 0, to: 0)

        // Header.
        var sites: [String] = []
        // One message per distinct site, however often it is repeated (a 100 KB `sites` line).
        for (s, count) in Checker.distinct(syntax.sites) {
            if let c = client, !c.sites.contains(s.value) {
                let sug = DidYouMean.suggest(s.value, among: c.sites)
                error(
                    "E0202", "`\(s.value)` is not a site of client `\(c.code)`", s.first.range,
                    help: sug.map { "did you mean `\($0)`?" }
                        ?? "the client's sites are \(c.sites.map { "`\($0)`" }.joined(separator: ", "))")
            }
            if let again = s.again {
                error(
                    "E0108", "site `\(s.value)` is listed \(Checker.times(count))", again, help: "list each site once")
            }
            sites.append(s.value)
        }
        if sites.isEmpty { sites = client?.sites ?? [] }
        contractSites = sites
        guard let validity = syntax.validity else {
            if !syntax.attemptedHeaders.contains("valid") { missing("valid from", "valid from 2026-01-01", firstLine) }
            checkTermsOnly()
            return nil
        }
        if let until = validity.until, until.value < validity.from.value {
            error(
                "E0401", "the contract ends on \(until.value) before it starts on \(validity.from.value)", until.range,
                help: "the end date must be on or after `valid from`")
        }
        if syntax.invoicing == nil, !syntax.attemptedHeaders.contains("invoice") {
            missing("invoice", "invoice monthly, one invoice per client", firstLine)
        }
        if syntax.payment == nil, !syntax.attemptedHeaders.contains("payment") {
            missing("payment", "payment 30 days, then end of month", firstLine)
        }
        if syntax.automaticValidation == nil, !syntax.attemptedHeaders.contains("validation") {
            missing("validation", "validation by an accountant", firstLine)
        }
        if let p = syntax.payment { checkLegalCap(p, periodic: periodicInvoices) }

        let terms = syntax.terms.compactMap { t in
            checkTerm(t, contractFrom: validity.from.value, contractUntil: validity.until?.value)
        }
        let payerPayments = checkPayerPayments()
        checkOverlaps(terms)
        checkUnpricedCategories()
        checkCompleteness(terms, at: firstLine)
        let examples = syntax.examples.compactMap { checkExample($0, sites: sites, contractFrom: validity.from.value) }

        guard !diagnostics.hasBlockingErrors, let invoicing = syntax.invoicing, let payment = syntax.payment,
            let validation = syntax.automaticValidation
        else { return nil }
        return Contract(
            file: syntax.file, client: code, sites: sites, validFrom: validity.from.value,
            validUntil: validity.until?.value,
            cadence: invoicing.cadence.value, perSite: invoicing.perSite, feesOnOwnInvoice: invoicing.feesOnOwnInvoice,
            payment: payment.value, payerPayments: payerPayments, automaticValidation: validation.value, terms: terms,
            notBilled: syntax.notBilled.map(\.value), examples: examples)
    }

    /// The contract issues periodic invoices (CGI art. 289 I 3): invoiced monthly or weekly, or
    /// events grouped monthly. Their payment is capped at 45 days from issue (L441-10 II).
    var periodicInvoices: Bool {
        if let c = syntax.invoicing?.cadence.value, c == .monthly || c == .weekly { return true }
        return syntax.terms.contains {
            if case .events(.monthly, _, _, _) = $0.body { return true } else { return false }
        }
    }

    mutating func checkLegalCap(_ p: Located<PaymentTerms>, periodic: Bool) {
        if periodic, p.value.legalCapExceeded == nil, p.value.exceedsPeriodicCap {
            let cadence = syntax.invoicing?.cadence.value.rawValue ?? "monthly"
            error(
                "E0603",
                "`\(p.value)` can fall due \(p.value.longestDelay) days after issue, over the 45 days allowed for the periodic invoices of a contract invoiced \(cadence)",
                p.range,
                help:
                    "write `payment 45 days`, `payment 15 days, then end of month` or `payment end of month, then 15 days` (Code de commerce L441-10 II)"
            )
            return
        }
        guard let cap = p.value.legalCapExceeded else { return }
        let endOfMonth: Bool
        if case .days = p.value { endOfMonth = false } else { endOfMonth = true }
        error(
            "E0601",
            "payment terms of `\(p.value)` exceed the legal maximum of \(cap) days\(endOfMonth ? " end of month" : "")",
            p.range,
            help: "French law (Code de commerce L441-10) caps terms at 60 days, or 45 days end of month")
    }

    /// The payers' own payment terms (`billed to C0013-CSE, payment on receipt`): each within the
    /// legal caps, and one set of terms per payer (its invoices carry them).
    mutating func checkPayerPayments() -> [String: PaymentTerms] {
        var out: [String: PaymentTerms] = [:]
        var first: [String: SourceRange] = [:]
        for t in syntax.terms {
            guard let payer = t.billedTo, let p = t.payerPayment else { continue }
            checkLegalCap(p, periodic: periodicInvoices)
            if let earlier = out[payer.value], earlier != p.value {
                error(
                    "E0602", "payer `\(payer.value)` is given two payment terms: `\(earlier)` and `\(p.value)`",
                    p.range,
                    help:
                        "a payer's invoices carry one set of terms: write the same terms, or write them on one `billed to` line only",
                    notes: [.init("first given here", range: first[payer.value])])
                continue
            }
            out[payer.value] = p.value
            first[payer.value] = first[payer.value] ?? p.range
        }
        return out
    }

    /// Each distinct value of `list` once, in order of first appearance, with where it is first
    /// written, where it is written again (if it is), and how many times: one message per item.
    static func distinct(_ list: [Located<String>]) -> [(
        (value: String, first: Located<String>, again: SourceRange?), Int
    )] {
        var index: [String: Int] = [:]
        var out: [((value: String, first: Located<String>, again: SourceRange?), Int)] = []
        for item in list {
            if let i = index[item.value] {
                if out[i].0.again == nil { out[i].0.again = item.range }
                out[i].1 += 1
            } else {
                index[item.value] = out.count
                out.append(((item.value, item, nil), 1))
            }
        }
        return out
    }

    static func times(_ n: Int) -> String {
        n == 2 ? "twice" : "\(DecimalText.format(Int64(n), scale: 0, minimumFraction: 0, groupSeparator: ",")) times"
    }

    mutating func checkTermsOnly() {
        for t in syntax.terms { _ = checkTerm(t, contractFrom: Day(ordinal: 0), contractUntil: nil) }
    }

    mutating func missing(_ what: String, _ example: String, _ range: SourceRange) {
        error(
            "E0111", "the contract does not say `\(what)`", range,
            help: "add a line such as `\(example)` under `client`")
    }

    // MARK: units

    mutating func vat(_ a: AmountLiteral) -> VATRate? {
        guard a.unit == .percent else {
            error(
                "E0301", "a VAT rate is a percentage, found `\(render(a))`", a.range,
                help: "write it with `%`, e.g. `at 10% VAT`")
            return nil
        }
        guard context.vatRates.contains(a.percentage) else {
            error(
                "E0303", "`\(a.percentage)%` is not a French VAT rate", a.range,
                help: "use one of \(context.vatRates.sorted().map { "`\($0)%`" }.joined(separator: ", "))")
            return nil
        }
        return a.percentage
    }

    func render(_ a: AmountLiteral) -> String {
        // A whole number is never shown `1,500`: the language reads that as ambiguous.
        let n = DecimalText.format(
            a.tenThousandths, scale: 4, minimumFraction: a.decimals, groupSeparator: a.decimals > 0 ? "," : nil)
        switch a.unit {
        case .ht: return n + " HT"
        case .ttc: return n + " TTC"
        case .percent: return n + "%"
        case .none: return n
        }
    }

    /// A price that must be stated HT (or TTC when `allowTTC`).
    mutating func price(_ a: AmountLiteral, what: String, allowTTC: Bool = false, requireTTC: Bool = false) -> Price? {
        if requireTTC {
            guard a.unit == .ttc else {
                error(
                    "E0302", "\(what) is an amount TTC, found `\(render(a))`", a.range,
                    help:
                        "a tray's price includes VAT: write `\(DecimalText.format(a.tenThousandths, scale: 4, minimumFraction: max(a.decimals, 2))) TTC`"
                )
                return nil
            }
        } else if a.unit != .ht && !(allowTTC && a.unit == .ttc) {
            let expected = allowTTC ? "an amount HT or TTC" : "an amount HT"
            error(
                "E0301", "\(what) is \(expected), found `\(render(a))`", a.range,
                help: a.unit == .none
                    ? "say whether VAT is included: `\(render(a)) HT`\(allowTTC ? " or `\(render(a)) TTC`" : "")"
                    : "write the amount excluding VAT, followed by `HT`")
            return nil
        }
        if a.tenThousandths < 0 {
            error(
                "E0304", "\(what) cannot be negative", a.range,
                help: "credit notes are made by the engine, not by negative prices")
            return nil
        }
        return a.price
    }

    mutating func money(_ a: AmountLiteral, what: String) -> Money? {
        guard let p = price(a, what: what) else { return nil }
        // `1.500 HT` where cents are expected: 1.50, or the French way of writing 1,500? Refused either way.
        guard a.decimals <= 2, let m = p.exactMoney else {
            // `1.500 HT`: three decimals may be the French way of writing 1,500.
            let integer = a.tenThousandths / 10_000
            let thousands =
                a.decimals == 3 && integer < 1000
                ? ", or `\(DecimalText.format(integer * 10_000_000 + (a.tenThousandths % 10_000) * 1000, scale: 4, minimumFraction: 2, groupSeparator: ","))\(a.unit == .ht ? " HT" : a.unit == .ttc ? " TTC" : "")` if thousands were meant"
                : ""
            error(
                "E0305", "\(what) is an amount in cents, found `\(render(a))`", a.range,
                help: "write at most 2 decimals\(thousands)")
            return nil
        }
        return m
    }

    mutating func percentage(_ a: AmountLiteral, what: String, allowZero: Bool = false) -> Percentage? {
        guard a.unit == .percent else {
            error(
                "E0301", "\(what) is a percentage, found `\(render(a))`", a.range, help: "write it with `%`, e.g. `60%`"
            )
            return nil
        }
        guard a.tenThousandths <= 1_000_000, allowZero || a.tenThousandths > 0 else {
            error(
                "E0304",
                "\(what) must be \(allowZero ? "between 0% and 100%" : "more than 0% and at most 100%"), found `\(render(a))`",
                a.range,
                help: a.tenThousandths == 0
                    ? "a share of 0% bills nothing: remove the term, or write the share the contract gives"
                    : "write a percentage of at most `100%`")
            return nil
        }
        return a.percentage
    }

    mutating func count(_ a: AmountLiteral, what: String) -> Int? {
        guard a.unit == .none, let n = a.integer, n > 0 else {
            error(
                "E0306", "\(what) is a positive whole number, found `\(render(a))`", a.range,
                help: "write a number of covers, e.g. `250`")
            return nil
        }
        return n
    }

    mutating func schedule(
        _ s: PriceScheduleSyntax, what: String, allowTTC: Bool, termFrom: Day, termUntil: Day?, moneyOnly: Bool = false
    ) -> PriceSchedule? {
        let initial =
            moneyOnly
            ? money(s.initial, what: what).map { Price($0) } : price(s.initial, what: what, allowTTC: allowTTC)
        var changes: [DatedPrice] = []
        var previous = termFrom
        var ok = initial != nil
        for (from, a) in s.changes {
            let p = moneyOnly ? money(a, what: what).map { Price($0) } : price(a, what: what, allowTTC: allowTTC)
            if p != nil, a.unit != s.initial.unit {
                error(
                    "E0301",
                    "a price change keeps the unit of the price it changes (`\(s.initial.unit.rawValue)`), found `\(render(a))`",
                    a.range,
                    help: "state every price of the term \(s.initial.unit == .ttc ? "TTC" : "HT")")
                ok = false
            }
            if from.value <= previous || (termUntil.map { from.value > $0 } ?? false) {
                error(
                    "E0404",
                    "the price change on \(from.value) is not inside the term's validity after its previous price",
                    from.range,
                    help:
                        "price changes are dated after the term starts (\(termFrom)), in increasing order\(termUntil.map { ", and on or before \($0)" } ?? "")"
                )
                ok = false
            }
            previous = from.value
            if let p { changes.append(DatedPrice(from: from.value, price: p)) } else { ok = false }
        }
        guard ok, let initial else { return nil }
        return PriceSchedule(initial: initial, changes: changes, includesVAT: s.initial.unit == .ttc)
    }

    // MARK: terms

    mutating func checkTerm(_ t: TermSyntax, contractFrom: Day, contractUntil: Day?) -> Term? {
        let before = diagnostics.blockingErrorCount
        var termFrom = contractFrom
        var termUntil = contractUntil
        if let a = t.applies {
            if let u = a.until, u.value < a.from.value {
                error(
                    "E0401", "the term ends on \(u.value) before it starts on \(a.from.value)", u.range,
                    help: "the end date must be on or after the start")
            }
            let contractPeriod = Period(start: contractFrom, end: contractUntil ?? Day(ordinal: Int(Int32.max)))
            let termPeriod = Period(start: a.from.value, end: a.until?.value ?? Day(ordinal: Int(Int32.max)))
            if contractPeriod.intersection(termPeriod) == nil, termPeriod.end >= termPeriod.start {
                warning(
                    "W0401", "the term `\(t.name)` never applies: its dates are outside the contract's validity",
                    a.range,
                    help: "fix its dates or remove the term")
            } else if a.from.value < contractFrom {
                warning(
                    "W0402",
                    "the term `\(t.name)` starts on \(a.from.value), before the contract (\(contractFrom)): it bills nothing before \(contractFrom)",
                    a.from.range,
                    help: "start the term on or after the contract's `valid from`")
            }
            termFrom = max(a.from.value, contractFrom)
            if let u = a.until?.value { termUntil = min(u, contractUntil ?? u) }
        }
        var payer: String?
        if let p = t.billedTo {
            if let c = client, !c.payers.contains(p.value) {
                let s = DidYouMean.suggest(p.value, among: c.payers)
                error(
                    "E0206", "unknown payer `\(p.value)` for client `\(c.code)`", p.range,
                    help: s.map { "did you mean `\($0)`?" }
                        ?? (c.payers.isEmpty
                            ? "the client has no other payer in the settings: add it under `payers`"
                            : "the client's payers are \(c.payers.map { "`\($0)`" }.joined(separator: ", "))"))
            }
            payer = p.value
        }
        var termSites: [String]?
        if let list = t.sites {
            var seen: [String] = []
            for (site, count) in Checker.distinct(list) {
                if client != nil, !contractSites.contains(site.value) {
                    let sug = DidYouMean.suggest(site.value, among: contractSites)
                    error(
                        "E0209", "`\(site.value)` is not a site of this contract", site.first.range,
                        help: sug.map { "did you mean `\($0)`?" }
                            ?? "the contract's sites are \(contractSites.map { "`\($0)`" }.joined(separator: ", "))")
                } else if let again = site.again {
                    error(
                        "E0108", "site `\(site.value)` is listed \(Checker.times(count))", again,
                        help: "list each site once")
                }
                seen.append(site.value)
            }
            termSites = seen
        }
        let rule: TermRule?
        switch t.body {
        case .subsidyPerCover(let v, let cats):
            let rate = vat(v)
            var list: [(String, PriceSchedule?)] = []
            for c in checkedCategories(cats, termName: "subsidy per cover") {
                if let p = c.price {
                    if let s = schedule(
                        p, what: "a subsidy per cover", allowTTC: true, termFrom: termFrom, termUntil: termUntil)
                    {
                        list.append((c.category.value, s))
                    }
                } else {
                    list.append((c.category.value, nil))
                }
            }
            if cats.isEmpty {
                error(
                    "E0112", "`subsidy per cover` lists no category", t.range,
                    help: "add lines such as `category A: 4.20 HT` under it")
            }
            rule = rate.map { .subsidyPerCover(vat: $0, categories: list) }
        case .subsidyCappedByTray(let v, let cats):
            let rate = vat(v)
            var list: [(String, Money)] = []
            for c in checkedCategories(cats, termName: "subsidy capped by the tray") {
                guard let p = c.price else {
                    error(
                        "E0113", "a tray cap cannot be `nothing`", c.range,
                        help: "remove the line: a category not listed is not subsidised")
                    continue
                }
                if !p.changes.isEmpty {
                    error(
                        "E0404", "tray caps do not change on dates", p.changes[0].from.range,
                        help: "write a new term with `applies from`")
                }
                if let pr = price(p.initial, what: "a tray cap", requireTTC: true) {
                    guard let m = pr.exactMoney else {
                        error(
                            "E0305", "a tray cap is an amount in cents", p.initial.range,
                            help: "write at most 2 decimals");
                        continue
                    }
                    list.append((c.category.value, m))
                }
            }
            if cats.isEmpty {
                error(
                    "E0112", "`subsidy capped by the tray` lists no category", t.range,
                    help: "add lines such as `category A: 4.20 TTC` under it")
            }
            rule = rate.map { .subsidyCappedByTray(vat: $0, caps: list) }
        case .subsidyAsRecorded:
            rule = .subsidyAsRecorded
        case .guestMeals:
            rule = .guestMeals
        case .admissionFee(let p, let v, let s):
            let rate = vat(v)
            let sched = schedule(p, what: "an admission fee", allowTTC: true, termFrom: termFrom, termUntil: termUntil)
            let share =
                s.flatMap { percentage($0, what: "the client's share of the admission fee") }
                ?? (s == nil ? .full : nil)
            if let rate, let sched, let share {
                rule = .admissionFee(price: sched, vat: rate, share: share)
            } else {
                rule = nil
            }
        case .cafeteriaParticipation(let p):
            rule = percentage(p, what: "the cafeteria participation").map { .cafeteriaParticipation($0) }
        case .flatFee(let a, let per, let v, let timing):
            let rate = vat(v)
            let sched = schedule(
                a, what: "a fixed fee", allowTTC: false, termFrom: termFrom, termUntil: termUntil, moneyOnly: true)
            if let rate, let sched {
                rule = .flatFee(amount: sched, per: per, vat: rate, timing: timing)
            } else {
                rule = nil
            }
        case .floorFee(let f, let pc, let per, let v):
            let rate = vat(v)
            let floor = money(f, what: "the floor")
            let perCover = price(pc, what: "the price per cover")
            if let rate, let floor, let perCover {
                rule = .floorFee(floor: floor, perCover: perCover, per: per, vat: rate)
            } else {
                rule = nil
            }
        case .tieredFee(let mode, let bands, let per, let v):
            let rate = vat(v)
            rule = checkBands(bands, termRange: t.range).flatMap { b in
                rate.map { .tieredFee(mode: mode, bands: b, per: per, vat: $0) }
            }
        case .minimumGuarantee(let th, let p, let v):
            let rate = vat(v)
            let n = count(th, what: "the guaranteed number of covers")
            let sched = schedule(
                p, what: "the price of a missing cover", allowTTC: false, termFrom: termFrom, termUntil: termUntil)
            if let rate, let n, let sched {
                rule = .minimumGuarantee(threshold: n, price: sched, vat: rate)
            } else {
                rule = nil
            }
        case .events(let g, let d, let fee, let changes):
            var terms = EventTerms(
                grouping: g, discount: nil, deliveryFee: nil, deliveryFeeVAT: nil, deliveryFeeUnder: nil,
                changes: changes)
            if let d { terms.discount = percentage(d, what: "the event discount") }
            if let fee {
                terms.deliveryFee = money(fee.amount, what: "the delivery fee")
                terms.deliveryFeeVAT = vat(fee.vat)
                terms.deliveryFeeUnder = money(fee.under, what: "the order amount of the delivery fee")
            }
            rule = .events(terms)
        }
        checkSettingsRate(t)
        var revision: IndexRevision?
        if let r = t.revision { revision = checkRevision(r, termFrom: termFrom, termUntil: termUntil) }
        guard t.isValid, let rule, diagnostics.blockingErrorCount == before else { return nil }
        let kind = rule.revenueKind
        let revenueType = context.revenueType(of: kind, for: client?.code ?? "")
        return Term(
            rule: rule, name: t.name, label: t.label?.value ?? defaultLabel(kind, revenueType: revenueType),
            revenueType: revenueType?.code,
            validFrom: t.applies?.from.value, validUntil: t.applies?.until?.value, payer: payer, sites: termSites,
            revision: revision,
            line: t.range.start.line)
    }

    /// A term's `at N% VAT` is the rate of the revenue type it bills in the settings: the
    /// invoice line and the accounting entry carry that type, so two rates would be two truths.
    mutating func checkSettingsRate(_ t: TermSyntax) {
        let literal: AmountLiteral
        switch t.body {
        case .subsidyPerCover(let v, _), .subsidyCappedByTray(let v, _), .admissionFee(_, let v, _),
            .flatFee(_, _, let v, _),
            .floorFee(_, _, _, let v), .tieredFee(_, _, _, let v), .minimumGuarantee(_, _, let v):
            literal = v
        default:
            return  // events carry their orders' rates; the other terms bill the registers' rates
        }
        let kind = kindOf(t.body)
        guard literal.unit == .percent, context.vatRates.contains(literal.percentage), let cl = client,
            let type = Checker.revenueType(of: kind, among: cl.revenueTypes, in: context),
            let expected = type.vatRate, expected != literal.percentage
        else { return }
        error(
            "E0307",
            "`\(t.name)` is billed at \(literal.percentage)% VAT, but its revenue type `\(type.code)` (\(type.label)) is at \(expected)% in the settings",
            literal.range,
            help:
                "write `at \(expected)% VAT`, or change the `vat_rate` of `\(type.code)` in the settings if the law changed"
        )
    }

    static func revenueType(of kind: RevenueKind, among codes: [String], in context: ContractContext) -> ContractContext
        .RevenueType?
    {
        for code in codes { if let r = context.revenueTypes[code], r.kind == kind { return r } }
        return nil
    }

    func defaultLabel(_ kind: RevenueKind, revenueType: ContractContext.RevenueType?) -> String {
        if let r = revenueType { return r.label }
        switch kind {
        case .subsidy: return "Subvention employeur"
        case .admissionFee: return "Droit d'admission"
        case .guestMeals: return "Repas invités"
        case .cafeteria: return "Participation cafétéria"
        case .fee: return "Redevance"
        case .minimumGuarantee: return "Minimum garanti"
        case .events: return "Prestations événementielles"
        }
    }

    mutating func checkedCategories(_ cats: [CategoryPriceSyntax], termName: String) -> [CategoryPriceSyntax] {
        var seen: [String: SourceRange] = [:]
        var repeated: [String: (again: SourceRange, count: Int)] = [:]
        var repeatOrder: [String] = []
        var out: [CategoryPriceSyntax] = []
        defer {
            // One message per category priced more than once, however many times.
            for name in repeatOrder {
                guard let r = repeated[name] else { continue }
                error(
                    "E0108", "category `\(name)` is priced \(Checker.times(r.count + 1)) in `\(termName)`", r.again,
                    help: "keep one line per category",
                    notes: [.init("first priced here", range: seen[name])])
            }
        }
        for c in cats {
            let name = c.category.value
            if seen[name] != nil {
                if let r = repeated[name] {
                    repeated[name] = (r.again, r.count + 1)
                } else {
                    repeated[name] = (c.category.range, 1)
                    repeatOrder.append(name)
                }
                continue
            }
            seen[name] = c.category.range
            if name == DinerCategory.guests {
                error(
                    "E0205", "guests (`INV`) are not priced by `\(termName)`", c.category.range,
                    help: "bill guest tickets with `guest meals billed in full`")
                continue
            }
            if let cl = client, !cl.categories.contains(name) {
                let s = DidYouMean.suggest(name, among: cl.categories.filter { $0 != DinerCategory.guests })
                error(
                    "E0203", "unknown category `\(name)` for client `\(cl.code)`", c.category.range,
                    help: s.map { "did you mean `\($0)`?" }
                        ?? "the client's categories are \(cl.categories.map { "`\($0)`" }.joined(separator: ", "))")
                continue
            }
            out.append(c)
        }
        return out
    }

    mutating func checkBands(_ bands: [BandSyntax], termRange: SourceRange) -> [Band]? {
        guard !bands.isEmpty else {
            error(
                "E0702", "a tiered fee has no bands", termRange,
                help: "add lines such as `up to 2,000 covers: 0.60 HT` and end with `above: 0.30 HT`")
            return nil
        }
        var out: [Band] = []
        var previous = 0
        var ok = true
        for (i, b) in bands.enumerated() {
            let p = price(b.price, what: "a band's price per cover")
            if let limitLiteral = b.upTo {
                guard let limit = count(limitLiteral, what: "a band's last cover") else { ok = false; continue }
                if limit <= previous {
                    error(
                        "E0701",
                        "bands are out of order: `up to \(grouped(limit))` comes after `up to \(grouped(previous))`",
                        limitLiteral.range,
                        help: "list bands from the smallest number of covers to the largest")
                    ok = false
                }
                if i == bands.count - 1, !bands.contains(where: { $0.upTo == nil }) {
                    error(
                        "E0702", "the last band has a limit: covers above \(grouped(limit)) would bill nothing",
                        b.range,
                        help: "end the bands with `above: PRICE HT`")
                    ok = false
                }
                previous = max(previous, limit)
                if let p { out.append(Band(upTo: limit, price: p)) } else { ok = false }
            } else {
                if i != bands.count - 1 {
                    error(
                        "E0701", "`above` must be the last band", b.range,
                        help: "move the `above` line to the end of the bands")
                    ok = false
                }
                if let p { out.append(Band(upTo: nil, price: p)) } else { ok = false }
            }
        }
        return ok ? out : nil
    }

    func grouped(_ n: Int) -> String { DecimalText.format(Int64(n), scale: 0, minimumFraction: 0, groupSeparator: ",") }

    mutating func checkRevision(_ r: RevisionSyntax, termFrom: Day, termUntil: Day?) -> IndexRevision? {
        var ok = true
        guard let series = context.indexSeries[r.series.value] else {
            let s = DidYouMean.suggest(r.series.value, among: context.indexSeries.keys)
            error(
                "E0207", "unknown index series `\(r.series.value)`", r.series.range,
                help: s.map { "did you mean `\($0)`?" } ?? "define the series and its monthly values in the settings")
            return nil
        }
        for (lit, what) in [
            (r.fixedPart, "the fixed part `a`"), (r.indexedPart, "the indexed part `b`"),
            (r.baseIndex, "the base index `I0`")
        ] where lit.unit != .none {
            error(
                "E0301", "\(what) is a plain number, found `\(render(lit))`", lit.range, help: "write it without a unit"
            )
            ok = false
        }
        if ok, r.fixedPart.tenThousandths + r.indexedPart.tenThousandths != 10_000 {
            let sum = DecimalText.format(
                r.fixedPart.tenThousandths + r.indexedPart.tenThousandths, scale: 4, minimumFraction: 2)
            error(
                "E0801", "the coefficients of the index formula add up to \(sum), not 1",
                source.range(from: r.fixedPart.range.start.offset, to: r.indexedPart.range.end.offset),
                help: "a + b must equal 1, e.g. `0.15 + 0.85`")
            ok = false
        }
        if r.baseIndex.tenThousandths <= 0 {
            error("E0304", "the base index `I0` must be positive", r.baseIndex.range, help: nil)
            ok = false
        }
        if !(0...24).contains(r.lagMonths.value) {
            error(
                "E0803", "an index of \(r.lagMonths.value) months before the revision is not plausible",
                r.lagMonths.range, help: "contracts use the index of 1 to 12 months before")
            ok = false
        }
        guard ok else { return nil }
        let revision = IndexRevision(
            month: r.month, day: r.day, series: r.series.value, fixedPart: r.fixedPart.percentage,
            indexedPart: r.indexedPart.percentage, baseIndex: r.baseIndex.percentage, lagMonths: r.lagMonths.value,
            firstYear: r.firstYear?.value)
        // Every revision already due (after the term starts, from the first revision, up to today)
        // needs its published index value; the months missing are reported together. An error for
        // lint, but the contract is still built: only a period that bills at a revised price needs the
        // value, and the engine refuses that one (billing an earlier period needs nothing of it).
        let end = min(termUntil ?? context.today, context.today)
        if termFrom < end {
            var missing: [(revision: Day, month: String)] = []
            for d in revision.revisionDays(in: Period(start: termFrom.adding(days: 1), end: end)) {
                let m = revision.referenceMonth(for: d)
                let key = monthKey(year: m.year, month: m.month)
                if series[key] == nil { missing.append((d, key)) }
            }
            if let firstMissing = missing.first {
                let months = missing.map(\.month)
                let message =
                    missing.count == 1
                    ? "the revision of \(firstMissing.revision) needs the index `\(r.series.value)` of \(firstMissing.month), which has no published value"
                    : "the revisions of \(missing.map { "\($0.revision)" }.joined(separator: ", ")) need the index `\(r.series.value)` of \(months.joined(separator: ", ")), which have no published value"
                error(
                    "E0802", message, r.range,
                    help:
                        "add the value\(months.count == 1 ? "" : "s") of \(months.joined(separator: ", ")) to the series `\(r.series.value)` in the settings; "
                        + "periods before \(firstMissing.revision) still bill")
                return revision
            }
        }
        // The next revision after today: said from the start, so that lint does not turn red on the
        // day it comes (a warning now, the error above from that day).
        let after = max(termFrom, context.today).adding(days: 1)
        if termUntil.map({ after <= $0 }) ?? true,
            let next = revision.revisionDays(in: Period(start: after, end: after.addingMonths(12))).first,
            termUntil.map({ next <= $0 }) ?? true
        {
            let m = revision.referenceMonth(for: next)
            let key = monthKey(year: m.year, month: m.month)
            if series[key] == nil {
                warning(
                    "W0802",
                    "the index `\(r.series.value)` of \(key) is needed by \(next), for the revision of that day",
                    r.range,
                    help:
                        "add its value to the series `\(r.series.value)` in the settings before \(next): from that day lint reports E0802 and periods from \(next) are not billed without it"
                )
            }
        }
        return revision
    }

    // MARK: overlap and completeness

    mutating func checkOverlaps(_ terms: [Term]) {
        func period(_ t: Term) -> Period {
            Period(
                start: t.validFrom ?? Day(ordinal: Int(Int32.min)), end: t.validUntil ?? Day(ordinal: Int(Int32.max)))
        }
        func pricedCategories(_ t: Term) -> Set<String>? {
            switch t.rule {
            case .subsidyPerCover(_, let cats): return Set(cats.map(\.category))
            case .subsidyCappedByTray(_, let caps): return Set(caps.map(\.category))
            case .subsidyAsRecorded: return nil  // all categories
            default: return []
            }
        }
        // Computed once per term, not once per pair.
        let periods = terms.map(period)
        let categories = terms.map(pricedCategories)
        let siteSets = terms.map { $0.sites.map(Set.init) }
        var ranges: [Int: SourceRange] = [:]
        for t in syntax.terms where ranges[t.range.start.line] == nil { ranges[t.range.start.line] = t.range }
        // Each term is reported once, against the first term it overlaps: 1,000 copies of a term
        // are 999 messages, not 499,500.
        for j in terms.indices {
            for i in terms.indices where i < j {
                let a = terms[i], b = terms[j]
                guard a.rule.revenueKind == b.rule.revenueKind, a.rule.revenueKind != .fee,
                    periods[i].intersection(periods[j]) != nil
                else { continue }
                // Terms bound to sites that do not share one bill different revenue.
                if let sa = siteSets[i], let sb = siteSets[j], sa.isDisjoint(with: sb) { continue }
                if a.rule.revenueKind == .subsidy, let ca = categories[i], let cb = categories[j],
                    ca.isDisjoint(with: cb)
                {
                    continue
                }
                error(
                    "E0403",
                    "`\(b.name)` prices revenue that `\(a.name)` at line \(a.line) already prices, on overlapping days",
                    ranges[b.line],
                    help: "give them dates that do not overlap with `applies from … until …`, or remove one",
                    notes: [.init("first priced here", range: ranges[a.line])])
                break
            }
        }
    }

    /// W0403: categories of the client no subsidy term prices, counting every subsidy term (per
    /// cover, capped by the tray, at some sites): a category a tray cap subsidises is priced.
    mutating func checkUnpricedCategories() {
        // A category line with a syntax error is not missing: one cause, one message.
        guard let cl = client, !syntax.hasSyntaxErrors else { return }
        var listed: Set<String> = []
        var first: TermSyntax?
        for t in syntax.terms {
            switch t.body {
            case .subsidyPerCover(_, let cats):
                listed.formUnion(cats.map(\.category.value))
                if first == nil { first = t }
            case .subsidyCappedByTray(_, let cats): listed.formUnion(cats.map(\.category.value))
            case .subsidyAsRecorded: return  // the registers' employer share, whatever the category
            default: break
            }
        }
        guard let term = first else { return }
        let missing = cl.categories.filter { $0 != DinerCategory.guests && !listed.contains($0) }
        guard !missing.isEmpty else { return }
        let names = missing.map { "`\($0)`" }.joined(separator: ", ")
        warning(
            "W0403",
            missing.count == 1
                ? "category \(names) of `\(cl.code)` is priced by no subsidy term: its employer share will be reported as unbilled"
                : "categories \(names) of `\(cl.code)` are priced by no subsidy term: their employer share will be reported as unbilled",
            term.range,
            help:
                "price \(missing.count == 1 ? "it" : "them") under a subsidy term, or, if the contract does not subsidise \(missing.count == 1 ? "it" : "them"), write `category \(missing[0]): nothing`\(missing.count == 1 ? "" : " for each") under `subsidy per cover`"
        )
    }

    mutating func checkCompleteness(_ terms: [Term], at range: SourceRange) {
        let billedKinds = Set(terms.map(\.rule.revenueKind))
        let clientTypes = client?.revenueTypes ?? []
        for (code, _) in Checker.distinct(syntax.notBilled) {
            guard let type = context.revenueTypes[code.value] else {
                let s = DidYouMean.suggest(code.value, among: context.revenueTypes.keys)
                error(
                    "E0208", "unknown revenue type `\(code.value)`", code.first.range,
                    help: s.map { "did you mean `\($0)`?" } ?? "use a revenue type code of the settings")
                continue
            }
            if billedKinds.contains(type.kind) {
                // Two statements that contradict each other: one of them is a mistake, and which one is not for lint to guess.
                let term = syntax.terms.first { kindOf($0.body) == type.kind }
                error(
                    "E0903",
                    "`\(code.value)` is said not billed, but `\(term?.name ?? "a term")` at line \(term?.range.start.line ?? 0) bills it",
                    code.first.range,
                    help: "remove `\(code.value)` from `not billed`, or remove the term that bills it",
                    notes: term.map { [.init("billed here", range: $0.range)] } ?? [])
            }
        }
        // A term bills a kind of revenue the client must have in the settings (T1, the other way):
        // otherwise its lines would carry a revenue type the client's accounts do not expect.
        if let cl = client {
            var reported: Set<RevenueKind> = []
            for t in syntax.terms where t.isValid {
                let kind = kindOf(t.body)
                guard !reported.contains(kind),
                    !clientTypes.contains(where: { context.revenueTypes[$0]?.kind == kind })
                else { continue }
                reported.insert(kind)
                let candidates = context.revenueTypes.values.filter { $0.kind == kind }.map(\.code).sorted()
                error(
                    "E0902",
                    "`\(t.name)` bills revenue of kind `\(kind.rawValue)`, a revenue type client `\(cl.code)` does not have in the settings",
                    t.range,
                    help: candidates.isEmpty
                        ? "add a revenue type of kind `\(kind.rawValue)` to the settings and to the client's `revenue_types`, or remove the term"
                        : "add \(candidates.map { "`\($0)`" }.joined(separator: " or ")) to the client's `revenue_types` in the settings, or remove the term"
                )
            }
        }
        // With a syntax error, a term may be missing only because its line is broken: one cause, one message.
        guard client != nil, !syntax.hasSyntaxErrors else { return }
        let excluded = Set(syntax.notBilled.map(\.value))
        for code in clientTypes {
            guard let type = context.revenueTypes[code], !excluded.contains(code), !billedKinds.contains(type.kind)
            else { continue }
            // A term that failed its checks still counts, to report one cause only.
            if syntax.terms.contains(where: { kindOf($0.body) == type.kind }) { continue }
            error(
                "E0901", "the client has revenue `\(code)` (\(type.label)) that no term bills", range,
                help: "add a term that bills it, or write `not billed: \(code)` to say it is not billed")
        }
    }

    func kindOf(_ b: TermBody) -> RevenueKind {
        switch b {
        case .subsidyPerCover, .subsidyCappedByTray, .subsidyAsRecorded: return .subsidy
        case .guestMeals: return .guestMeals
        case .admissionFee: return .admissionFee
        case .cafeteriaParticipation: return .cafeteria
        case .flatFee, .floorFee, .tieredFee: return .fee
        case .minimumGuarantee: return .minimumGuarantee
        case .events: return .events
        }
    }

    // MARK: examples

    mutating func checkExample(_ e: ExampleSyntax, sites: [String], contractFrom: Day) -> ContractExample? {
        let before = diagnostics.errorCount
        guard let period = e.period else {
            if syntax.hasSyntaxErrors || e.hasBrokenLine { return nil }
            error(
                "E1001", "the example `\(e.name.value)` has no `period`", e.range,
                help: "add a line such as `period 2026-10` under it")
            return nil
        }
        let issued = e.issued?.value ?? period.value.end.adding(days: 1)
        let defaultDay = max(period.value.start, contractFrom)
        let defaultSite = sites.first ?? "SITE"
        var days: [String: RevenueDay] = [:]
        var orders: [EventOrder] = []
        func key(_ site: String, _ day: Day) -> String { "\(site)|\(day.ordinal)" }
        func category(_ c: Located<String>) -> Bool {
            if let cl = client, !cl.categories.contains(c.value) {
                let s = DidYouMean.suggest(c.value, among: cl.categories)
                error(
                    "E0203", "unknown category `\(c.value)` for client `\(cl.code)`", c.range,
                    help: s.map { "did you mean `\($0)`?" } ?? nil)
                return false
            }
            return true
        }
        for g in e.givens {
            let day = g.day?.value ?? defaultDay
            let site = g.site?.value ?? defaultSite
            if let d = g.day, !period.value.contains(d.value), case .order = g.kind {
            } else if let d = g.day, !period.value.contains(d.value) {
                error(
                    "E1002", "the day \(d.value) is outside the example's period \(period.value.name)", d.range,
                    help: "use a day of the period")
                continue
            }
            var rd = days[key(site, day)] ?? RevenueDay(site: site, day: day)
            switch g.kind {
            case .covers(let list):
                for (c, n) in list where category(c) {
                    guard let n = count(n, what: "a number of covers") else { continue }
                    if c.value == DinerCategory.guests {
                        rd.guestCovers += n
                    } else {
                        rd.covers[c.value, default: 0] += n
                    }
                }
            case .guests(let n, let ttc, let v):
                guard let n = count(n, what: "a number of guest tickets"), let amount = exampleMoney(ttc, ttc: true)
                else { continue }
                let rate = v.flatMap { vat($0) } ?? Percentage(whole: 10)
                rd.guestCovers += n
                rd.guestTTC[rate, default: .zero] += amount
                rd.employerShare[DinerCategory.guests, default: [:]][rate, default: .zero] += amount
            case .registeredSubsidies(let c, let ttc, let v):
                guard let amount = exampleMoney(ttc, ttc: true) else { continue }
                let rate = v.flatMap { vat($0) } ?? Percentage(whole: 10)
                let cat = c.map(\.value) ?? (client?.categories.first { $0 != DinerCategory.guests } ?? "A")
                if let c, !category(c) { continue }
                rd.employerShare[cat, default: [:]][rate, default: .zero] += amount
            case .trays(let c, let n, let each):
                guard category(c), let n = count(n, what: "a number of covers"),
                    let ticket = exampleMoney(each, ttc: true)
                else { continue }
                rd.covers[c.value, default: 0] += n
                // the cap is applied when the example is evaluated, from the contract's caps
                rd.cappedTTC[c.value, default: .zero] += Money(cents: ticket.cents * Int64(n))
                rd.employerShare[c.value, default: [:]][Percentage(whole: 10), default: .zero] += .zero
                trayTickets[key(site, day) + "|" + c.value, default: []].append((n, ticket))
            case .cafeteria(let ttc, let v):
                guard let amount = exampleMoney(ttc, ttc: true) else { continue }
                let rate = v.flatMap { vat($0) } ?? Percentage(whole: 10)
                rd.cafeteriaTTC[rate, default: .zero] += amount
            case .order(let id, let lines):
                var ls: [EventOrder.Line] = []
                for (i, l) in lines.enumerated() {
                    guard let q = count(l.quantity, what: "a quantity"), let p = price(l.price, what: "an order price"),
                        let r = vat(l.vat)
                    else { continue }
                    ls.append(.init(article: "L\(i + 1)", label: "Ligne \(i + 1)", quantity: q, unitPrice: p, vat: r))
                }
                orders.append(EventOrder(id: id.value, revision: 1, site: site, deliveredOn: day, lines: ls))
                continue
            }
            days[key(site, day)] = rd
        }
        var expectations: [ContractExample.Expectation] = []
        for x in e.expectations {
            let line = x.range.start.line
            switch x.kind {
            case .line(let label, let a):
                if let m = exampleMoney(a, ttc: false) {
                    expectations.append(.line(label: label.value, net: m, line: line))
                }
            case .total(let a):
                guard a.unit == .ht || a.unit == .ttc, let m = a.money else {
                    error(
                        "E0301", "an expected total is an amount HT or TTC in cents, found `\(render(a))`", a.range,
                        help: "write e.g. `23,910.00 TTC`")
                    continue
                }
                expectations.append(a.unit == .ttc ? .totalTTC(m, line: line) : .totalHT(m, line: line))
            case .due(let d, let payer):
                if let payer, let cl = client, !cl.payers.contains(payer.value) {
                    let sug = DidYouMean.suggest(payer.value, among: cl.payers)
                    error(
                        "E0206", "unknown payer `\(payer.value)` for client `\(cl.code)`", payer.range,
                        help: sug.map { "did you mean `\($0)`?" } ?? nil)
                    continue
                }
                expectations.append(.due(d.value, payer: payer?.value, line: line))
            case .invoices(let n):
                if let n = count(n, what: "a number of invoices") { expectations.append(.invoices(n, line: line)) }
            case .nothing: expectations.append(.nothing(line: line))
            }
        }
        if e.expectations.isEmpty, !e.hasBrokenLine {
            error(
                "E1003", "the example `\(e.name.value)` expects nothing", e.range,
                help: "add `expect total …`, `expect line \"…\" …` or `expect nothing`")
        }
        guard diagnostics.errorCount == before else { return nil }
        var revenue = ClientRevenue(days: days.values.sorted { ($0.day, $0.site) < ($1.day, $1.site) }, orders: orders)
        applyTrayCaps(&revenue)
        return ContractExample(
            name: e.name.value, line: e.range.start.line, period: period.value, issued: issued, revenue: revenue,
            expectations: expectations)
    }

    var trayTickets: [String: [(Int, Money)]] = [:]

    /// Example trays are given as tickets; the capped sum needs the caps of the contract's terms.
    mutating func applyTrayCaps(_ revenue: inout ClientRevenue) {
        var caps: [String: Money] = [:]
        for t in syntax.terms {
            if case .subsidyCappedByTray(_, let cats) = t.body {
                for c in cats { if let p = c.price, let m = p.initial.money { caps[c.category.value] = m } }
            }
        }
        for i in revenue.days.indices {
            let d = revenue.days[i]
            for (cat, _) in d.cappedTTC {
                let tickets = trayTickets["\(d.site)|\(d.day.ordinal)|\(cat)"] ?? []
                let cap = caps[cat]
                revenue.days[i].cappedTTC[cat] = tickets.reduce(Money.zero) { sum, t in
                    let each = cap.map { min($0, t.1) } ?? t.1
                    return sum + Money(cents: each.cents * Int64(t.0))
                }
            }
        }
    }

    mutating func exampleMoney(_ a: AmountLiteral, ttc: Bool) -> Money? {
        let unitOK = ttc ? a.unit == .ttc : a.unit == .ht
        guard unitOK, let m = a.money else {
            error(
                "E0301", "this amount is \(ttc ? "TTC" : "HT") in cents, found `\(render(a))`", a.range,
                help: "write e.g. `260.00 \(ttc ? "TTC" : "HT")`")
            return nil
        }
        return m
    }
}
