import BillingModel
import Documents
import Testing
import TestSupport

/// The example documents every test renders and validates.
enum Examples {
    static func price(_ text: String) -> Price { Price(text) ?? .zero }
    /// A line whose net is round(quantity × unit price, 2) (small figures: it fits).
    static func line(label: String, quantity: Int, unitPrice: Price, vatRate: VATRate, servicePeriod: Period? = nil)
        -> InvoiceDocument.Line
    {
        InvoiceDocument.Line(
            label: label, quantity: quantity, unitPrice: unitPrice, net: (try? unitPrice.times(quantity)) ?? .zero,
            vatRate: vatRate, servicePeriod: servicePeriod)
    }
    static let ten = Percentage(whole: 10)
    static let twenty = Percentage(whole: 20)
    static let october = Period(start: day("2026-10-01"), end: day("2026-10-31"))

    static let seller = InvoiceDocument.Seller(
        legalName: "Serenest Restauration SAS", siren: "812345676", vatNumber: "FR19812345676",
        address: .init(lines: ["Immeuble Le Trident", "14 rue de l'Arrivée"], postcode: "75015", city: "Paris"),
        iban: "FR76 3000 6000 0112 3456 7890 189", bic: "AGRIFRPP")

    static let acmeBuyer = InvoiceDocument.Buyer(
        legalName: "ACME Énergies SA", siren: "552189367", vatNumber: "FR76552189367",
        address: .init(lines: ["Tour Horizon", "52 quai de Dion-Bouton"], postcode: "92800", city: "Puteaux"),
        emails: ["comptabilite.fournisseurs@acme-energies.example", "services.generaux@acme-energies.example"])

    static let acmeLines: [InvoiceDocument.Line] = [
        line(label: "Subvention employeur catégorie A", quantity: 2000, unitPrice: price("4.20"), vatRate: ten),
        line(label: "Subvention employeur catégorie B", quantity: 1000, unitPrice: price("3.10"), vatRate: ten),
        line(label: "Repas invités", quantity: 1, unitPrice: price("236.36"), vatRate: ten),
        line(label: "Droit d'admission", quantity: 3520, unitPrice: price("2.35"), vatRate: ten),
        line(label: "Frais de gestion octobre 2026", quantity: 3520, unitPrice: price("0.45"), vatRate: twenty)
    ]

    /// The ACME worked example: 23 910,00 TTC.
    static let acmeInvoice = InvoiceDocument(
        kind: .invoice, number: "FA-2026-000142", issueDate: day("2026-11-02"), dueDate: day("2026-12-31"),
        paymentTerms: "Paiement à 45 jours fin de mois par virement", period: october,
        seller: seller, buyer: acmeBuyer, lines: acmeLines,
        latePaymentPenaltyRate: Percentage(whole: 12), vatOnDebits: false,
        notes: ["Restaurant inter-entreprises Tour Horizon (site PUT01)."])

    /// A credit note for the guest meals and part of the admission fees.
    static let acmeCreditNote = InvoiceDocument(
        kind: .creditNote, number: "AV-2026-000007", issueDate: day("2026-11-20"), dueDate: day("2026-11-20"),
        paymentTerms: "Avoir imputable sur la prochaine facture", period: october,
        seller: seller, buyer: acmeBuyer,
        lines: [
            line(label: "Repas invités (annulation)", quantity: 1, unitPrice: price("236.36"), vatRate: ten),
            line(label: "Droit d'admission : badges en double", quantity: 40, unitPrice: price("2.35"), vatRate: ten)
        ],
        latePaymentPenaltyRate: Percentage(whole: 12), vatOnDebits: false,
        creditedInvoice: .init(number: "FA-2026-000142", issueDate: day("2026-11-02")))

    /// 120 lines: pages of lines, totals on the last page only.
    static let longInvoice: InvoiceDocument = {
        var lines: [InvoiceDocument.Line] = []
        for i in 1...120 {
            let d = day("2026-10-01").adding(days: (i - 1) % 31)
            lines.append(
                line(
                    label: "Plateau repas livré, commande n° \(1000 + i) — salle « Étoile »",
                    quantity: 5 + i % 17, unitPrice: price("18.4\(i % 10)"),
                    vatRate: i % 5 == 0 ? twenty : ten,
                    servicePeriod: Period(start: d, end: d)))
        }
        return InvoiceDocument(
            kind: .invoice, number: "FA-2026-000143", issueDate: day("2026-11-02"), dueDate: day("2026-12-17"),
            paymentTerms: "45 jours date de facture", period: october,
            seller: seller, buyer: acmeBuyer, lines: lines,
            latePaymentPenaltyRate: Percentage(whole: 12), vatOnDebits: true)
    }()

    /// An event delivered on one day, with the buyer's purchase order.
    static let eventInvoice = InvoiceDocument(
        kind: .invoice, number: "FE-2026-000031", issueDate: day("2026-10-16"), dueDate: day("2026-11-30"),
        paymentTerms: "45 jours date de facture", period: Period(start: day("2026-10-15"), end: day("2026-10-15")),
        purchaseOrder: "PO-4500123987",
        seller: seller,
        buyer: .init(
            legalName: "Banque Lumière & Associés", siren: "443061858", vatNumber: nil,
            address: .init(lines: ["8 avenue de l'Opéra"], postcode: "75001", city: "Paris"),
            emails: ["factures@lumiere.example"]),
        lines: [
            line(
                label: "Petit-déjeuner d'accueil (café, thé, viennoiseries)", quantity: 45, unitPrice: price("8.90"),
                vatRate: ten),
            line(
                label: "Cocktail déjeunatoire, 12 pièces par personne", quantity: 45, unitPrice: price("32.5000"),
                vatRate: ten),
            line(label: "Champagne brut, coupe", quantity: 30, unitPrice: price("9.1667"), vatRate: twenty),
            line(label: "Livraison et mise en place", quantity: 1, unitPrice: price("150.00"), vatRate: twenty)
        ],
        latePaymentPenaltyRate: Percentage(whole: 12), vatOnDebits: true,
        orderedBy: "Mme Hélène Dupré-Lefèvre", costCenter: "CC-DIR-COM-07")

    static let all: [(name: String, document: InvoiceDocument)] = [
        ("acme-invoice", acmeInvoice), ("acme-credit-note", acmeCreditNote),
        ("long-invoice", longInvoice), ("event-invoice", eventInvoice)
    ]

    static func document(_ name: String) -> InvoiceDocument? { all.first { $0.name == name }?.document }
}
