import Foundation

// Payments as the domain sees them: a credit read from the bank, an open invoice, how a credit settles
// invoices, and the rule that pairs them (`PaymentMatcher`). The importers read credits from statements,
// the ledger stores payments and their allocations; neither decides which invoice a credit pays.

/// A credit read from a bank statement or a CSV of received payments.
public struct BankCredit: Sendable, Hashable {
    /// The bank's reference of the entry (`AcctSvcrRef`, else `NtryRef`): a payment is imported once per reference.
    public var reference: String
    public var bookingDate: Day
    public var amount: Money
    public var debtorName: String?
    public var debtorIBAN: String?
    /// The remittance information (`Ustrd`/`Strd` text): where invoice numbers are looked for.
    public var remittance: String
    /// Where the credit was read (`entry 3 (REF) at line 41`, `line 2`), for messages.
    public var origin: String?

    public init(
        reference: String, bookingDate: Day, amount: Money, debtorName: String?, debtorIBAN: String?, remittance: String
    ) {
        self.reference = reference
        self.bookingDate = bookingDate
        self.amount = amount
        self.debtorName = debtorName
        self.debtorIBAN = debtorIBAN
        self.remittance = remittance
    }
}

/// An issued invoice with what remains to be paid on it.
public struct OpenInvoice: Sendable, Hashable {
    public var id: Int64
    public var number: String
    public var client: String
    public var payer: String?
    public var issueDate: Day
    public var dueDate: Day
    public var totalTTC: Money
    /// Credit notes issued against it.
    public var credited: Money
    /// Payments allocated to it.
    public var paid: Money
    public var customer: String { payer ?? client }

    public init(
        id: Int64, number: String, client: String, payer: String?, issueDate: Day, dueDate: Day, totalTTC: Money,
        credited: Money, paid: Money
    ) {
        self.id = id
        self.number = number
        self.client = client
        self.payer = payer
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.totalTTC = totalTTC
        self.credited = credited
        self.paid = paid
    }

    /// What is still due (never negative: an over-credited invoice owes nothing).
    public var balance: Money { Money(cents: max(0, totalTTC.cents - credited.cents - paid.cents)) }

    /// open, partly paid, paid or overdue on `day`.
    public func state(on day: Day) -> InvoicePaymentState {
        if balance == .zero { return .paid }
        if day > dueDate { return .overdue }
        return paid.cents > 0 || credited.cents > 0 ? .partlyPaid : .open
    }
}

public enum InvoicePaymentState: String, Sendable, Hashable {
    case open
    case partlyPaid = "partly paid"
    case paid
    case overdue
}

/// How a credit was settled against invoices.
public struct PaymentAllocation: Sendable, Hashable {
    public var invoiceID: Int64
    public var number: String
    public var amount: Money
    /// What the invoice still owes after this allocation (a partial payment leaves some).
    public var stillDue: Money = .zero

    public init(invoiceID: Int64, number: String, amount: Money, stillDue: Money = .zero) {
        self.invoiceID = invoiceID
        self.number = number
        self.amount = amount
        self.stillDue = stillDue
    }
}

/// Matches a credit to open invoices, documented in README ("Payments"):
/// 1. invoice numbers in the remittance information, in the order written,
///    each taking what remains due on it (a partial payment stays partial,
///    the rest of an overpayment stays unallocated on the payment);
/// 2. else the customer named by the debtor (its legal name, compared without
///    case, accents, punctuation or legal form spaces) and the exact amount of
///    one of its open invoices, else of all of them together;
/// 3. else unmatched: listed, left to `ardoise payments match`.
/// Between 1 and 2, a number written loosely (`FA2026-00061`, `FA 2026 61`: separators missing, zeros dropped)
/// names the one open invoice with the same letters and numbers (`FA-2026-000061`) when exactly one has them and
/// the credit is exactly what it owes: the rule says "approximate invoice number" with what was read. Anything
/// less certain is left to a person.
public enum PaymentMatcher {
    /// A name as compared: without case, accents, punctuation, spaces or legal form (`Kairos Logistique SARL`,
    /// `KAIROS LOGISTIQUE` and `Kairos-Logistique S.A.R.L.` are the same debtor).
    public static func normalizedName(_ s: String) -> String {
        let folded = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        // "S.A.R.L." is one word once its dots are gone.
        let words = folded.replacingOccurrences(of: ".", with: "").split { !($0.isLetter || $0.isNumber) }.map(
            String.init)
        let kept = words.filter { !legalForms.contains($0) }
        return (kept.isEmpty ? words : kept).joined()
    }

    /// French legal forms, as debtors' banks write them or leave them out.
    static let legalForms: Set<String> = [
        "sa", "sas", "sasu", "sarl", "eurl", "snc", "sci", "scop", "gie", "sca", "selarl", "ei", "eirl"
    ]

    /// An invoice number's letters and numbers without separators or leading zeros: `FA-2026-000061` and
    /// `FA2026-00061` are both `FA|2026|61`; nil for a text without both letters and digits.
    public static func numberKey(_ text: some StringProtocol) -> String? {
        var parts: [String] = [], current = "", inDigits: Bool?
        func flush() {
            guard !current.isEmpty else { return }
            if inDigits == true {
                let trimmed = current.drop { $0 == "0" }
                parts.append(trimmed.isEmpty ? "0" : String(trimmed))
            } else {
                parts.append(current)
            }
            current = ""
        }
        for ch in text.uppercased() {
            let digit = ch.isASCII && ch.isNumber, letter = ch.isASCII && ch.isLetter
            guard digit || letter else { flush(); inDigits = nil; continue }
            if inDigits != nil && inDigits != digit { flush() }
            inDigits = digit
            current.append(ch)
        }
        flush()
        guard parts.contains(where: { $0.first?.isLetter == true }),
            parts.contains(where: { $0.first?.isNumber == true })
        else { return nil }
        return parts.joined(separator: "|")
    }

    /// Number key → the positions in `open` of the invoices that have it.
    public static func numberKeys(_ open: [OpenInvoice]) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for (i, inv) in open.enumerated() { if let k = numberKey(inv.number) { out[k, default: []].append(i) } }
        return out
    }

    /// Uppercase invoice number → its position in `open`.
    public static func positions(_ open: [OpenInvoice]) -> [String: Int] {
        var out: [String: Int] = [:]
        for (i, inv) in open.enumerated() where out[inv.number.uppercased()] == nil { out[inv.number.uppercased()] = i }
        return out
    }

    /// `customers`: normalized legal name → customer code; `positions`: `positions(open)`, computed once per file.
    public static func match(
        _ credit: BankCredit, open: [OpenInvoice], customers: [String: String], positions given: [String: Int]? = nil,
        numberKeys givenKeys: [String: [Int]]? = nil
    )
        -> (allocations: [PaymentAllocation], customer: String?, rule: String)
    {
        let positions = given ?? Self.positions(open)
        var remaining = credit.amount.cents
        var out: [PaymentAllocation] = []
        // The words of the remittance looked up by number first; when none is an open
        // invoice's number, the text without spaces is searched ("FA-2026- 000012").
        let upper = credit.remittance.uppercased()
        var named: [OpenInvoice] = []
        for word in upper.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "/") }
        ) {
            if let i = positions[String(word)], open[i].balance.cents > 0,
                !named.contains(where: { $0.id == open[i].id })
            {
                named.append(open[i])
            }
        }
        if named.isEmpty {
            let text = upper.filter { !$0.isWhitespace }
            named = positions.filter { open[$0.value].balance.cents > 0 && text.contains($0.key) }.map {
                open[$0.value]
            }
            .sorted {
                (text.range(of: $0.number.uppercased())?.lowerBound ?? text.endIndex)
                    < (text.range(of: $1.number.uppercased())?.lowerBound ?? text.endIndex)
            }
        }
        for inv in named where remaining > 0 {
            let take = min(remaining, inv.balance.cents)
            out.append(
                PaymentAllocation(
                    invoiceID: inv.id, number: inv.number, amount: Money(cents: take),
                    stillDue: Money(cents: inv.balance.cents - take)))
            remaining -= take
        }
        if !out.isEmpty {
            let customers = Set(named.map(\.customer))
            return (out, customers.count == 1 ? customers.first : nil, "invoice number")
        }
        // A number written loosely: the remittance's runs of letters and digits (with or without separators between
        // them), each compared by its key; one open invoice with that key, owed exactly the credit's amount.
        let keys = givenKeys ?? numberKeys(open)
        let tokens = upper.split { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "/" || $0 == " ") }
        var candidates: [(read: String, invoice: Int)] = []
        for token in tokens {
            let words = token.split(separator: " ")
            // Every run of consecutive words (a number may be typed `FA 2026 61`), at most four words long.
            for start in words.indices {
                for end in start..<min(words.count, start + 4) {
                    let read = words[start...end].joined(separator: " ")
                    guard let k = numberKey(read), let found = keys[k], found.count == 1 else { continue }
                    if !candidates.contains(where: { $0.invoice == found[0] }) { candidates.append((read, found[0])) }
                }
            }
        }
        if candidates.count == 1, let c = candidates.first, open[c.invoice].balance == credit.amount,
            credit.amount.cents > 0
        {
            let inv = open[c.invoice]
            return (
                [PaymentAllocation(invoiceID: inv.id, number: inv.number, amount: inv.balance)], inv.customer,
                "approximate invoice number (`\(c.read)` read as \(inv.number))"
            )
        }
        guard let name = credit.debtorName, let customer = customers[normalizedName(name)], !customer.isEmpty else {
            return ([], nil, "unmatched")
        }
        let mine = open.filter { $0.customer == customer && $0.balance.cents > 0 }.sorted {
            ($0.dueDate, $0.id) < ($1.dueDate, $1.id)
        }
        if let exact = mine.first(where: { $0.balance == credit.amount }) {
            return (
                [PaymentAllocation(invoiceID: exact.id, number: exact.number, amount: exact.balance)], customer,
                "customer and amount"
            )
        }
        if mine.count > 1, mine.map(\.balance.cents).reduce(0, +) == credit.amount.cents {
            return (
                mine.map { PaymentAllocation(invoiceID: $0.id, number: $0.number, amount: $0.balance) }, customer,
                "customer and total"
            )
        }
        return ([], customer, "unmatched")
    }
}
