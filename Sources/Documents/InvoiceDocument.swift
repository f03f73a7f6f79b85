import BillingModel

/// Everything a French B2B invoice or credit note shows, ready to render.
///
/// A plain value, independent of settings and of the ledger: the billing
/// engine maps an issued invoice to it, and the PDF, the CII XML and the
/// Factur-X PDF are all made from it alone, so they always agree.
public struct InvoiceDocument: Sendable, Equatable {
    /// The document type and its UNTDID 1001 code (BT-3).
    public enum Kind: String, Sendable, Hashable {
        /// Commercial invoice, code 380.
        case invoice = "380"
        /// Credit note, code 381; amounts stay positive.
        case creditNote = "381"

        public var typeCode: String { rawValue }
        /// The title printed on the PDF.
        public var frenchTitle: String { self == .invoice ? "Facture" : "Avoir" }
    }

    /// A postal address as printed and as sent in the e-invoice.
    public struct Address: Sendable, Hashable {
        /// Street lines, first to last.
        public var lines: [String]
        public var postcode: String
        public var city: String
        /// ISO 3166-1 alpha-2, `FR`.
        public var countryCode: String

        public init(lines: [String], postcode: String, city: String, countryCode: String = "FR") {
            self.lines = lines
            self.postcode = postcode
            self.city = city
            self.countryCode = countryCode
        }
    }

    /// The company issuing the document.
    public struct Seller: Sendable, Hashable {
        public var legalName: String
        /// 9 digits.
        public var siren: String
        /// Intra-community VAT number, `FR...`.
        public var vatNumber: String
        public var address: Address
        public var iban: String
        public var bic: String
        /// Where the buyer's platform can reach the seller (BT-34); defaults to the SIREN.
        public var electronicAddress: String?

        public init(legalName: String, siren: String, vatNumber: String, address: Address, iban: String, bic: String,
                    electronicAddress: String? = nil) {
            self.legalName = legalName
            self.siren = siren
            self.vatNumber = vatNumber
            self.address = address
            self.iban = iban
            self.bic = bic
            self.electronicAddress = electronicAddress
        }
    }

    /// The company billed (the client or its payer).
    public struct Buyer: Sendable, Hashable {
        public var legalName: String
        /// 9 digits; mandatory for B2B since the e-invoicing reform.
        public var siren: String
        public var vatNumber: String?
        public var address: Address
        /// Billing contacts the document is sent to.
        public var emails: [String]
        /// Where the buyer receives e-invoices (BT-49); defaults to the SIREN.
        public var electronicAddress: String?

        public init(legalName: String, siren: String, vatNumber: String? = nil, address: Address, emails: [String],
                    electronicAddress: String? = nil) {
            self.legalName = legalName
            self.siren = siren
            self.vatNumber = vatNumber
            self.address = address
            self.emails = emails
            self.electronicAddress = electronicAddress
        }
    }

    /// One invoice line (BG-25).
    public struct Line: Sendable, Hashable {
        public var label: String
        public var quantity: Int
        /// Unit price excluding VAT, up to 4 decimals.
        public var unitPrice: Price
        /// The line's net amount HT, rounded to the cent.
        public var net: Money
        public var vatRate: VATRate
        /// The days this line bills, when they differ from the document's period.
        public var servicePeriod: Period?

        /// A line whose net is `round(quantity × unitPrice, 2)`, or an error when it does not fit.
        public init(label: String, quantity: Int, unitPrice: Price, vatRate: VATRate, servicePeriod: Period? = nil) throws(MoneyOverflow) {
            self.init(label: label, quantity: quantity, unitPrice: unitPrice, net: try unitPrice.times(quantity),
                      vatRate: vatRate, servicePeriod: servicePeriod)
        }

        /// A line with a net computed elsewhere (e.g. converted from a TTC price).
        public init(label: String, quantity: Int, unitPrice: Price, net: Money, vatRate: VATRate,
                    servicePeriod: Period? = nil) {
            self.label = label
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.net = net
            self.vatRate = vatRate
            self.servicePeriod = servicePeriod
        }
    }

    /// The invoice a credit note cancels in whole or in part (BT-25, BT-26).
    public struct CreditedInvoice: Sendable, Hashable {
        public var number: String
        public var issueDate: Day
        public init(number: String, issueDate: Day) {
            self.number = number
            self.issueDate = issueDate
        }
    }

    public var kind: Kind
    /// At most 35 characters of `A-Z a-z 0-9 + - _ /`.
    public var number: String
    public var issueDate: Day
    public var dueDate: Day
    /// Payment terms as printed, e.g. "45 jours date de facture".
    public var paymentTerms: String
    /// The billing period (BG-14).
    public var period: Period
    /// The buyer's purchase-order number (BT-13), when there is one.
    public var purchaseOrder: String?
    public var seller: Seller
    public var buyer: Buyer
    public var lines: [Line]
    /// The VAT breakdown and totals, computed once from the lines (EN 16931 rounding).
    public var totals: InvoiceTotals
    /// Annual late-payment penalty rate, in percent.
    public var latePaymentPenaltyRate: Percentage
    /// The fixed indemnity for recovery costs (40.00 by law).
    public var recoveryIndemnity: Money
    /// Early-payment discount terms as printed ("Pas d'escompte pour paiement anticipé").
    public var earlyPaymentDiscount: String
    /// The nature of the operation, printed as is.
    public var operationNature: String
    /// Whether VAT is paid on debits ("TVA acquittée sur les débits").
    public var vatOnDebits: Bool
    /// For a credit note: the invoice it credits.
    public var creditedInvoice: CreditedInvoice?
    /// Events: who ordered, and the buyer's cost center.
    public var orderedBy: String?
    public var costCenter: String?
    /// Free notes printed under the lines and sent as general notes.
    public var notes: [String]
    /// A proforma: a draft shown to be checked, not an invoice. Printed
    /// "PROFORMA" with a mention saying so; it has no Factur-X (the renderer
    /// refuses it), since an e-invoice is a legal invoice.
    public var isProforma = false

    public init(kind: Kind, number: String, issueDate: Day, dueDate: Day, paymentTerms: String, period: Period,
                purchaseOrder: String? = nil, seller: Seller, buyer: Buyer, lines: [Line],
                latePaymentPenaltyRate: Percentage, recoveryIndemnity: Money = Money(cents: 4000),
                earlyPaymentDiscount: String = "Pas d'escompte pour paiement anticipé",
                operationNature: String = "Prestations de services", vatOnDebits: Bool,
                creditedInvoice: CreditedInvoice? = nil, orderedBy: String? = nil, costCenter: String? = nil,
                notes: [String] = []) {
        self.kind = kind
        self.number = number
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.paymentTerms = paymentTerms
        self.period = period
        self.purchaseOrder = purchaseOrder
        self.seller = seller
        self.buyer = buyer
        self.lines = lines
        // Zero when the lines do not add up in cents: the workspace checks them before (`Workspace.document`).
        self.totals = (try? InvoiceTotals(lines: lines.map { (net: $0.net, vat: $0.vatRate) })) ?? .zero
        self.latePaymentPenaltyRate = latePaymentPenaltyRate
        self.recoveryIndemnity = recoveryIndemnity
        self.earlyPaymentDiscount = earlyPaymentDiscount
        self.operationNature = operationNature
        self.vatOnDebits = vatOnDebits
        self.creditedInvoice = creditedInvoice
        self.orderedBy = orderedBy
        self.costCenter = costCenter
        self.notes = notes
    }
}

extension InvoiceDocument {
    /// The mention of the late-payment penalty, as printed and as the PMT note.
    public var penaltyMention: String {
        "En cas de retard de paiement, pénalités au taux annuel de \(latePaymentPenaltyRate.french) %."
    }
    /// The 40 EUR indemnity, as printed and as the PMD note.
    public var indemnityMention: String {
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : \(recoveryIndemnity.french) €."
    }
    /// The VAT regime mention.
    public var vatRegimeMention: String {
        vatOnDebits ? "TVA acquittée sur les débits." : "TVA acquittée sur les encaissements."
    }
    /// Printed on a proforma, so nobody pays or books it as an invoice.
    public static let proformaMention = "Proforma : document provisoire, ne constitue pas une facture. Ne pas payer."
    /// The reference to the credited invoice, for a credit note.
    public var creditedInvoiceMention: String? {
        creditedInvoice.map { "Avoir sur la facture n° \($0.number) du \($0.issueDate.french)." }
    }
    /// How the document is settled, as printed and as the payment terms (BT-20):
    /// an invoice's payment terms; for a credit note, that the client owes
    /// nothing and what the amount is set against. A credit note has no due
    /// date: its amount (BT-115) is positive, so EN 16931's BR-CO-25 wants a
    /// due date or payment terms, and the terms are this sentence.
    public var settlementTerms: String {
        guard kind == .creditNote else { return paymentTerms }
        let against = creditedInvoice.map { "de la facture n° \($0.number) du \($0.issueDate.french)" } ?? "de la facture créditée"
        return "Aucun paiement n'est dû par le client : le montant de cet avoir vient en déduction \(against), ou lui est remboursé si elle est déjà réglée"
    }
    /// The due date a payer must meet; nil for a credit note, which nobody pays.
    public var paymentDueDate: Day? { kind == .invoice ? dueDate : nil }
}

extension InvoiceDocument {
    /// What would make this document unlawful or its e-invoice rejected, in
    /// plain words; empty when it can be issued. The renderers refuse a
    /// document with problems rather than produce an invalid e-invoice.
    public var problems: [String] {
        var out: [String] = []
        let allowed = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+-_/")
        if number.isEmpty || number.count > 35 || !number.allSatisfy(allowed.contains) {
            out.append("number `\(number)` must be 1 to 35 characters of A-Z a-z 0-9 + - _ /")
        }
        for (who, siren) in [("seller", seller.siren), ("buyer", buyer.siren)]
        where siren.count != 9 || !siren.allSatisfy(\.isASCII) || !siren.allSatisfy(\.isNumber) {
            out.append("\(who) SIREN `\(siren)` must be 9 digits")
        }
        if lines.isEmpty { out.append("a document needs at least one line") }
        if dueDate < issueDate { out.append("due date \(dueDate) is before the issue date \(issueDate)") }
        if period.isEmpty { out.append("period \(period) ends before it starts") }
        switch (kind, creditedInvoice) {
        case (.creditNote, nil): out.append("a credit note must name the invoice it credits")
        case (.invoice, .some): out.append("only a credit note references a credited invoice")
        default: break
        }
        return out
    }
}
