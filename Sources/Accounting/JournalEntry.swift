import BillingModel

/// One line of a journal entry: an account debited or credited. Exactly one
/// of `debit` and `credit` is non-zero, and neither is negative.
public struct EntryLine: Hashable, Sendable {
    /// The general-ledger account (`706100`, `445712`, the collective `411000`).
    public var account: String
    public var accountLabel: String
    /// The customer's own account under the collective one (`411ACME`), on customer lines.
    public var auxiliaryAccount: String?
    public var auxiliaryLabel: String?
    public var label: String
    public var debit: Money
    public var credit: Money
    /// The VAT rate of a revenue or VAT line, so an entry can be checked per rate (not a FEC column).
    public var vatRate: VATRate?

    public init(
        account: String, accountLabel: String, auxiliaryAccount: String? = nil, auxiliaryLabel: String? = nil,
        label: String, debit: Money = .zero, credit: Money = .zero, vatRate: VATRate? = nil
    ) {
        self.vatRate = vatRate
        self.account = account
        self.accountLabel = accountLabel
        self.auxiliaryAccount = auxiliaryAccount
        self.auxiliaryLabel = auxiliaryLabel
        self.label = label
        self.debit = debit
        self.credit = credit
    }
}

/// A journal entry: the accounting record of one issued document, numbered
/// continuously in its journal, dated the document's issue date.
public struct JournalEntry: Hashable, Sendable {
    /// `VT`, the sales journal, unless the settings say otherwise.
    public var journal: String
    public var journalLabel: String
    /// The entry's number in its journal, from 1, without gaps.
    public var number: Int
    public var date: Day
    /// The document the entry records (its number) and its date.
    public var pieceReference: String
    public var pieceDate: Day
    /// When the entry was validated (made final): the day the document was issued.
    public var validationDate: Day
    public var lines: [EntryLine]

    public init(
        journal: String, journalLabel: String, number: Int, date: Day, pieceReference: String, pieceDate: Day,
        validationDate: Day, lines: [EntryLine]
    ) {
        self.journal = journal
        self.journalLabel = journalLabel
        self.number = number
        self.date = date
        self.pieceReference = pieceReference
        self.pieceDate = pieceDate
        self.validationDate = validationDate
        self.lines = lines
    }

    public var totalDebit: Money { lines.map(\.debit).sum() }
    public var totalCredit: Money { lines.map(\.credit).sum() }
    public var isBalanced: Bool { totalDebit == totalCredit }
}
