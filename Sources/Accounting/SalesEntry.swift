import BillingModel

/// The accounts a sales entry posts to, from the settings.
public struct SalesAccounts: Sendable {
    /// The collective customer account (`411000`) under which each customer's own account is the auxiliary.
    public var customerCollective: String
    public var customerCollectiveLabel: String
    /// Output VAT account per rate (`20 %` → `445711`).
    public var outputVAT: [VATRate: String]
    /// Revenue account of each revenue type code, and its label.
    public var revenue: [String: (account: String, label: String)]
    /// The account of lines that name no revenue type (documents typed in by hand).
    public var defaultRevenue: (account: String, label: String)
    /// VAT on receipts: the pending account of each rate, credited at invoicing with the VAT of services,
    /// moved to `outputVAT` as payments come. Empty: all VAT is due at invoicing (VAT on debits).
    public var pendingVAT: [VATRate: String] = [:]
    /// Revenue types that sell goods: their VAT is due at invoicing whatever the regime.
    public var goodsRevenueTypes: Set<String> = []

    public init(
        customerCollective: String, customerCollectiveLabel: String = "Clients", outputVAT: [VATRate: String],
        revenue: [String: (account: String, label: String)], defaultRevenue: (account: String, label: String)
    ) {
        self.customerCollective = customerCollective
        self.customerCollectiveLabel = customerCollectiveLabel
        self.outputVAT = outputVAT
        self.revenue = revenue
        self.defaultRevenue = defaultRevenue
    }
}

/// What a sales entry needs of an issued document.
public struct IssuedDocument: Sendable {
    public var kind: DocumentKind
    public var number: String
    public var issueDate: Day
    /// The billed customer (the payer when there is one): its own account and name.
    public var customerAccount: String
    public var customerName: String
    public var lines: [(revenueType: String?, rate: VATRate, net: Money)]
    public var vat: [(rate: VATRate, base: Money, vat: Money)]
    public var totalTTC: Money

    public init(
        kind: DocumentKind, number: String, issueDate: Day, customerAccount: String, customerName: String,
        lines: [(revenueType: String?, rate: VATRate, net: Money)], vat: [(rate: VATRate, base: Money, vat: Money)],
        totalTTC: Money
    ) {
        self.kind = kind
        self.number = number
        self.issueDate = issueDate
        self.customerAccount = customerAccount
        self.customerName = customerName
        self.lines = lines
        self.vat = vat
        self.totalTTC = totalTTC
    }
}

/// Why a document cannot be posted.
public enum PostingError: Error, Equatable, CustomStringConvertible, Sendable {
    case noVATAccount(rate: String, document: String)
    case unbalanced(document: String, debit: Money, credit: Money)
    case noPendingVATAccount(rate: String, document: String)

    public var description: String {
        switch self {
        case .noVATAccount(_, let document), .noPendingVATAccount(_, let document):
            return "\(reason): \(document) cannot be posted"
        case .unbalanced(let document, _, _): return "the entry of \(document) \(reason)"
        }
    }

    /// Why, without the document's number: a document refused while it is
    /// being issued is named by its proforma id, since its number was never given.
    public var reason: String {
        switch self {
        case .noVATAccount(let rate, _):
            return "no output VAT account for \(rate) % in the settings (`accounting: output_vat_accounts`)"
        case .unbalanced(_, let debit, let credit):
            return "does not balance: debit \(debit) ≠ credit \(credit)"
        case .noPendingVATAccount(let rate, _):
            return
                "no pending VAT account for \(rate) % in the settings (`accounting: pending_vat_accounts`: VAT on receipts)"
        }
    }
}

/// Builds the sales-journal entry of an issued invoice or credit note.
///
/// An invoice debits the customer TTC (collective account, the customer's
/// own account as auxiliary), credits each revenue account with the net
/// amounts HT of its lines, and each output VAT account with the VAT of its
/// rate. A credit note is the mirror. An account whose lines sum to a
/// negative amount (a discount larger than the rest) goes to the other side,
/// so no amount of an entry is negative. The entry balances to the cent
/// because the document's TTC is its lines' HT plus its VAT per rate.
public enum SalesEntry {
    public static func make(
        _ document: IssuedDocument, accounts: SalesAccounts, journal: String, journalLabel: String,
        number: Int
    ) throws(PostingError) -> JournalEntry {
        let credit = document.kind == .invoice
        let kindLabel = credit ? "Facture" : "Avoir"
        let label = "\(kindLabel) \(document.number) \(document.customerName)"
        var lines: [EntryLine] = []

        func post(
            _ amount: Money, on account: String, _ accountLabel: String, auxiliary: (String, String)? = nil,
            rate: VATRate? = nil, creditSide: Bool
        ) {
            guard !amount.isZero else { return }
            // A negative amount is posted, positive, on the other side.
            let side = amount.cents < 0 ? !creditSide : creditSide
            let value = amount.cents < 0 ? -amount : amount
            lines.append(
                EntryLine(
                    account: account, accountLabel: accountLabel, auxiliaryAccount: auxiliary?.0,
                    auxiliaryLabel: auxiliary?.1, label: label,
                    debit: side ? .zero : value, credit: side ? value : .zero, vatRate: rate))
        }

        post(
            document.totalTTC, on: accounts.customerCollective, accounts.customerCollectiveLabel,
            auxiliary: (document.customerAccount, document.customerName), creditSide: !credit)

        // Revenue per account and VAT rate, in the order they first appear on the document.
        struct Key: Hashable { var account: String; var rate: VATRate }
        var order: [Key] = []
        var byKey: [Key: (label: String, net: Money)] = [:]
        for line in document.lines {
            let target = line.revenueType.flatMap { accounts.revenue[$0] } ?? accounts.defaultRevenue
            let key = Key(account: target.account, rate: line.rate)
            if byKey[key] == nil { order.append(key); byKey[key] = (target.label, .zero) }
            byKey[key]?.net += line.net
        }
        for key in order {
            if let r = byKey[key] { post(r.net, on: key.account, r.label, rate: key.rate, creditSide: credit) }
        }
        let pending = Dictionary(
            Self.pendingVAT(document, accounts: accounts).map { ($0.rate, $0.vat) }, uniquingKeysWith: { a, _ in a })
        for v in document.vat.sorted(by: { $0.rate > $1.rate }) where !v.vat.isZero {
            guard let account = accounts.outputVAT[v.rate] else {
                throw .noVATAccount(rate: v.rate.oneDecimal, document: document.number)
            }
            let onReceipt = pending[v.rate] ?? .zero
            let rateText = String(v.rate.oneDecimal.map { $0 == "." ? "," : $0 })
            post(v.vat - onReceipt, on: account, "TVA collectée \(rateText) %", rate: v.rate, creditSide: credit)
            if !onReceipt.isZero {
                guard let pendingAccount = accounts.pendingVAT[v.rate] else {
                    throw .noPendingVATAccount(rate: v.rate.oneDecimal, document: document.number)
                }
                post(
                    onReceipt, on: pendingAccount, "TVA collectée en attente \(rateText) %", rate: v.rate,
                    creditSide: credit)
            }
        }
        let entry = JournalEntry(
            journal: journal, journalLabel: journalLabel, number: number, date: document.issueDate,
            pieceReference: document.number, pieceDate: document.issueDate,
            validationDate: document.issueDate, lines: lines)
        guard entry.isBalanced else {
            throw .unbalanced(document: document.number, debit: entry.totalDebit, credit: entry.totalCredit)
        }
        return entry
    }

    /// The VAT of each rate due on receipt (services, when `accounts.pendingVAT` is set; positive for a
    /// credit note too): what invoicing puts on the pending account, and a credit note takes off it.
    public static func pendingVAT(_ document: IssuedDocument, accounts: SalesAccounts) -> [(rate: VATRate, vat: Money)]
    {
        guard !accounts.pendingVAT.isEmpty else { return [] }
        var services: [VATRate: Money] = [:], base: [VATRate: Money] = [:]
        for line in document.lines {
            base[line.rate, default: .zero] += line.net
            // A line typed in by hand (no revenue type) is a service, as on the document (BT-23).
            if !(line.revenueType.map { accounts.goodsRevenueTypes.contains($0) } ?? false) {
                services[line.rate, default: .zero] += line.net
            }
        }
        return document.vat.sorted(by: { $0.rate > $1.rate }).compactMap { v in
            let part = VATOnReceipts.pendingPart(
                vat: v.vat, base: base[v.rate] ?? v.base, servicesNet: services[v.rate] ?? .zero)
            return part.isZero ? nil : (v.rate, part)
        }
    }
}
