import BillingModel

/// Everything a French B2B invoice or credit note shows, ready to render.
///
/// A plain value, independent of settings and of the ledger: the billing
/// engine maps an issued invoice to it, and the PDF, the CII XML and the
/// Factur-X PDF are all made from it alone, so they always agree.
public struct InvoiceDocument: Sendable, Equatable {
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
        /// Legal form, share capital and trade-register city: "SAS au capital de 150 000 €, RCS Nanterre 812 457 638".
        public var legalForm: String?
        public var shareCapital: Money?
        public var rcsCity: String?

        public init(
            legalName: String, siren: String, vatNumber: String, address: Address, iban: String, bic: String,
            electronicAddress: String? = nil, legalForm: String? = nil, shareCapital: Money? = nil,
            rcsCity: String? = nil
        ) {
            self.legalName = legalName
            self.siren = siren
            self.vatNumber = vatNumber
            self.address = address
            self.iban = iban
            self.bic = bic
            self.electronicAddress = electronicAddress
            self.legalForm = legalForm
            self.shareCapital = shareCapital
            self.rcsCity = rcsCity
        }

        /// What a company must print of its registration (Code de commerce R123-237): its legal form with its share
        /// capital, and "RCS <city>" with its SIREN, e.g. "SAS au capital de 150 000 €, RCS Nanterre 812 457 638";
        /// the seller's additional legal information (BT-33). Nil when the settings give none.
        public var legalMention: String? {
            guard let legalForm, let shareCapital, let rcsCity else { return nil }
            let capital =
                shareCapital.cents % 100 == 0 ? frenchInteger(Int(shareCapital.cents / 100)) : shareCapital.french
            return "\(legalForm) au capital de \(capital) €, RCS \(rcsCity) \(Self.spaced(siren))"
        }

        /// `812 457 638`: a SIREN as registries print it.
        static func spaced(_ siren: String) -> String {
            guard siren.count == 9 else { return siren }
            let c = Array(siren)
            return "\(String(c[0..<3])) \(String(c[3..<6])) \(String(c[6..<9]))"
        }
    }

    /// Where the service was delivered (BG-13): the client it was for and the site's address.
    public struct DeliveryParty: Sendable, Hashable {
        /// The client served (BT-70), e.g. when a works council pays for it.
        public var name: String
        /// The site, as printed ("Restaurant LD01 - Tour Alto").
        public var place: String?
        public var address: Address?
        public init(name: String, place: String? = nil, address: Address? = nil) {
            self.name = name
            self.place = place
            self.address = address
        }
    }

    /// Whether a line sells goods or services (the revenue type's `nature` in the settings).
    public enum Nature: String, Sendable, Hashable {
        case goods, services
    }

    /// The document's operation category (BT-23, French framework codes): goods, services or both.
    public enum OperationCategory: String, Sendable, Hashable {
        case goods = "B1"
        case services = "S1"
        case mixed = "M1"

        public var code: String { rawValue }
        /// The nature of the operation as printed.
        public var french: String {
            switch self {
            case .goods: "Livraison de biens"
            case .services: "Prestations de services"
            case .mixed: "Livraison de biens et prestations de services"
            }
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

        public init(
            legalName: String, siren: String, vatNumber: String? = nil, address: Address, emails: [String],
            electronicAddress: String? = nil
        ) {
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
        /// Goods or services: the document's operation category follows from its lines.
        public var nature: Nature = .services
        /// The price before a discount (BT-148); the discount per unit (BT-147) is this less `unitPrice`.
        public var grossPrice: Price?
        /// The buyer's purchase order this line belongs to (BT-132).
        public var purchaseOrder: String?
        /// The tickets the line counts, when a payer pays it (`TicketGroup`: site, category, tickets × amount each),
        /// adding up to the line: printed under it and sent as its note (BT-127).
        public var tickets: [TicketGroup] = []

        /// A line whose net is `round(quantity × unitPrice, 2)`, or an error when it does not fit.
        public init(label: String, quantity: Int, unitPrice: Price, vatRate: VATRate, servicePeriod: Period? = nil)
            throws(MoneyOverflow)
        {
            self.init(
                label: label, quantity: quantity, unitPrice: unitPrice, net: try unitPrice.times(quantity),
                vatRate: vatRate, servicePeriod: servicePeriod)
        }

        /// A line with a net computed elsewhere (e.g. converted from a TTC price).
        public init(
            label: String, quantity: Int, unitPrice: Price, net: Money, vatRate: VATRate,
            servicePeriod: Period? = nil
        ) {
            self.label = label
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.net = net
            self.vatRate = vatRate
            self.servicePeriod = servicePeriod
        }

        /// How the line was counted, one sentence per group of tickets then the total, in French:
        /// "Catégorie A, site LD01 : 120 tickets × 4,35 € TTC = 522,00 € TTC", …,
        /// "Total : 646,00 € TTC, soit 587,27 € HT à 10 % de TVA". Empty without tickets.
        public var ticketLines: [String] {
            guard !tickets.isEmpty, let total = try? tickets.total else { return [] }
            func tax(_ g: Bool) -> String { g ? "TTC" : "HT" }
            var out = tickets.map { g in
                let amount = (try? g.amount).map { "\($0.french) € \(tax(g.includesVAT))" } ?? "?"
                return
                    "Catégorie \(g.category), site \(g.site) : \(DecimalText.format(Int64(g.tickets), scale: 0, minimumFraction: 0, groupSeparator: "\u{202F}")) "
                    + "ticket\(g.tickets > 1 ? "s" : "") × \(g.unit.french) € \(tax(g.includesVAT)) = \(amount)"
            }
            if tickets.allSatisfy(\.includesVAT) {
                out.append("Total : \(total.french) € TTC, soit \(net.french) € HT à \(vatRate.french) % de TVA")
            } else if tickets.count > 1 {
                out.append("Total : \(total.french) € HT")
            }
            return out
        }

        /// The line's note (BT-127): "Décompte : " and `ticketLines` joined; nil without tickets.
        public var ticketNote: String? {
            let lines = ticketLines
            return lines.isEmpty ? nil : "Décompte : " + lines.joined(separator: " ; ") + "."
        }

        /// The discount per unit (BT-147), when the line has a gross price above its net price.
        public var discount: Price? {
            guard let gross = grossPrice, gross.tenThousandths > unitPrice.tenThousandths else { return nil }
            return Price(tenThousandths: gross.tenThousandths - unitPrice.tenThousandths)
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

    public var kind: DocumentKind
    /// At most 35 characters of `A-Z a-z 0-9 + - _ /`.
    public var number: String
    public var issueDate: Day
    public var dueDate: Day
    /// Payment terms as printed, e.g. "45 jours date de facture".
    public var paymentTerms: String
    /// The document's service period (BG-14): the one the ledger stored with it, the hull of its lines' periods.
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
    /// Where the service was delivered, and for whom (BG-13): the client and its site.
    public var delivery: DeliveryParty?
    /// Printed under the buyer when a payer pays for a client: "Pour le compte de …".
    public var billedFor: String?
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

    public init(
        kind: DocumentKind, number: String, issueDate: Day, dueDate: Day, paymentTerms: String, period: Period,
        purchaseOrder: String? = nil, seller: Seller, buyer: Buyer, lines: [Line],
        latePaymentPenaltyRate: Percentage, recoveryIndemnity: Money = Money(cents: 4000),
        earlyPaymentDiscount: String = "Pas d'escompte pour paiement anticipé", vatOnDebits: Bool,
        creditedInvoice: CreditedInvoice? = nil, orderedBy: String? = nil, costCenter: String? = nil,
        notes: [String] = []
    ) {
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
        // Zero when the lines do not add up in cents: the workspace checks them before (`Installation.document`).
        self.totals = (try? InvoiceTotals(lines: lines.map { (net: $0.net, vat: $0.vatRate) })) ?? .zero
        self.latePaymentPenaltyRate = latePaymentPenaltyRate
        self.recoveryIndemnity = recoveryIndemnity
        self.earlyPaymentDiscount = earlyPaymentDiscount
        self.vatOnDebits = vatOnDebits
        self.creditedInvoice = creditedInvoice
        self.orderedBy = orderedBy
        self.costCenter = costCenter
        self.notes = notes
    }
}

extension InvoiceDocument {
    /// The mention of the late-payment penalty, as printed and as the PMD note (UNTDID 4451 PMD: payment detail,
    /// the penalties; BR-FR-05 wants it).
    public var penaltyMention: String {
        "En cas de retard de paiement, pénalités au taux annuel de \(latePaymentPenaltyRate.french) %."
    }
    /// The 40 EUR indemnity, as printed and as the PMT note (UNTDID 4451 PMT: payment term, the fixed recovery
    /// indemnity of Code de commerce L441-10).
    public var indemnityMention: String {
        "Indemnité forfaitaire pour frais de recouvrement en cas de retard de paiement : \(recoveryIndemnity.french) €."
    }
    /// Goods, services or both, from the lines (BT-23).
    public var operationCategory: OperationCategory {
        let natures = Set(lines.map(\.nature))
        if natures == [.goods] { return .goods }
        return natures.contains(.goods) ? .mixed : .services
    }
    /// The nature of the operation as printed.
    public var operationNature: String { operationCategory.french }
    /// The VAT regime mention, for services only (VAT on goods is due on delivery, whatever the option).
    public var vatRegimeMention: String? {
        let regime = vatOnDebits ? "acquittée sur les débits" : "acquittée sur les encaissements"
        switch operationCategory {
        case .services: return "TVA \(regime)."
        case .mixed: return "TVA des prestations de services \(regime)."
        case .goods: return nil
        }
    }
    /// "Nature de l'opération : …" and the VAT regime when it applies.
    public var operationMention: String {
        "\(operationNature).\(vatRegimeMention.map { " \($0)" } ?? "")"
    }
    /// The day the service was completed (BT-72): the last day delivered by the issue date, never after it. An
    /// invoice issued on 1 November for October and November's fee in advance was delivered up to 31 October; one
    /// billing only in advance has delivered nothing yet, and says its issue date.
    public var deliveryDate: Day {
        let ends = lines.map { ($0.servicePeriod ?? period).end }.filter { $0 <= issueDate }
        return ends.max() ?? min(period.end, issueDate)
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
        let against =
            creditedInvoice.map { "de la facture n° \($0.number) du \($0.issueDate.french)" }
            ?? "de la facture créditée"
        return
            "Aucun paiement n'est dû par le client : le montant de cet avoir vient en déduction \(against), ou lui est remboursé si elle est déjà réglée"
    }
    /// The due date a payer must meet; nil for a credit note, which nobody pays.
    public var paymentDueDate: Day? { kind == .invoice ? dueDate : nil }
    /// The purchase order the whole document answers (BT-13): the document's own, or the one all its lines share.
    public var documentPurchaseOrder: String? {
        if let purchaseOrder { return purchaseOrder }
        let pos = Set(lines.map(\.purchaseOrder))
        return pos.count == 1 ? pos.first ?? nil : nil
    }
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
