import BillingModel
import Documents
import Foundation
import Ledger
import Settings

/// Maps stored documents and the settings to `InvoiceDocument`, the value the
/// PDF, the CII XML and the Factur-X are made from. Documents knows neither
/// the settings nor the ledger; this is the one place that joins them.
public struct InvoiceDocuments: Sendable {
    public let settings: MasterData

    public init(settings: MasterData) {
        self.settings = settings
    }

    /// The printable document of `stored`. An issued document is an invoice or
    /// a credit note; a proforma is marked as one and numbered `PROFORMA-<id>`.
    /// Throws (a user error) when the settings lack the billed customer, a
    /// credit note names no issued invoice, or the lines do not add up to the
    /// stored totals (the PDF must say exactly what the ledger says).
    public func document(_ stored: StoredInvoice, references: DocumentReferences) throws(InvoiceError)
        -> InvoiceDocument
    {
        let i = stored.invoice
        guard i.status != .discarded else { throw InvoiceError.discardedHasNoDocument(id: i.id ?? 0) }
        let (issue, due) = (i.issueDate, i.dueDate)
        // The period the document bills (BG-14, BT-73/BT-74, and the PDF's "Période"): the one the ledger stored
        // with the document, the days its lines bill, which the JSON, the screens and the exports show too.
        let period = i.documentPeriod
        let proforma = i.status == .proforma
        let number = i.number ?? "PROFORMA-\(i.id ?? 0)"
        var credited: InvoiceDocument.CreditedInvoice?
        if i.type == .creditNote {
            guard let c = references.credited, let n = c.number, c.status == .issued else {
                throw InvoiceError.documentFile(document: number, problem: .creditNamesNoIssuedInvoice)
            }
            credited = .init(number: n, issueDate: c.issueDate)
        }
        // Each line's purchase order (BT-132): its event order's, else the document's own order's.
        let orderPOs = Dictionary(
            references.lineOrders.map { ($0.orderId, $0.poNumber) }, uniquingKeysWith: { a, _ in a })
        let documentOrderPO = i.poNumber ?? references.order?.poNumber
        let lines = stored.lines.map { l in
            var line = InvoiceDocument.Line(
                label: l.label, quantity: l.quantity, unitPrice: l.price, net: l.netAmount, vatRate: l.rate,
                servicePeriod: servicePeriod(l, within: period))
            line.nature = l.revenueType.flatMap { settings.revenueType($0)?.nature } == .goods ? .goods : .services
            line.grossPrice = l.grossPrice
            line.purchaseOrder =
                l.orderId.flatMap { orderPOs[$0] ?? nil }
                ?? (l.orderId == nil || l.orderId == i.orderId ? documentOrderPO : nil)
            // The tickets the engine stored with a payer's line, shown when they add up to it (they always do as stored).
            if let tickets = references.lineTickets[l.position], tickets.addUp(to: l.netAmount, at: l.rate) {
                line.tickets = tickets
            }
            return line
        }
        var notes: [String] = []
        if let code = i.site { notes.append("Site : \(settings.site(code).map { "\($0.name) (\(code))" } ?? code).") }
        if let order = i.orderId {
            notes.append("Commande n° \(order)\(i.orderRevision.map { ", révision \($0)" } ?? "").")
        }
        // Events grouped on a monthly invoice: each order with the buyer's references, so it can be matched.
        for o in references.lineOrders {
            var parts = ["Commande n° \(o.orderId) du \((o.deliveryDay ?? o.eventDay).french)"]
            if let po = o.poNumber { parts.append("bon de commande \(po)") }
            if let who = o.orderedBy { parts.append("commandée par \(who)") }
            if let cc = o.costCenter { parts.append("centre de coût \(cc)") }
            notes.append(parts.joined(separator: ", ") + ".")
        }
        do { _ = try InvoiceTotals(lines: lines.map { (net: $0.net, vat: $0.vatRate) }) } catch {
            throw InvoiceError.documentFile(document: number, problem: .linesDoNotAddUp(error))
        }
        let s = settings.seller
        var doc = InvoiceDocument(
            kind: i.type, number: number, issueDate: issue, dueDate: due,
            paymentTerms: Self.frenchTerms(i.paymentTerms), period: period,
            // BT-13 is one per document: its order's, else the one all its lines share (`documentPurchaseOrder`).
            purchaseOrder: documentOrderPO,
            seller: .init(
                legalName: s.legalName, siren: s.siren, vatNumber: s.vatNumber, address: s.address,
                iban: s.iban, bic: s.bic, legalForm: s.legalForm, shareCapital: s.shareCapital, rcsCity: s.rcsCity),
            buyer: try buyer(of: i), lines: lines,
            latePaymentPenaltyRate: s.latePaymentPenaltyRate, recoveryIndemnity: s.recoveryIndemnity,
            earlyPaymentDiscount: s.earlyPaymentDiscount, vatOnDebits: s.vatOnDebits, creditedInvoice: credited,
            orderedBy: references.order?.orderedBy, costCenter: references.order?.costCenter, notes: notes)
        doc.isProforma = proforma
        let sites = Self.sites(of: stored, tickets: references.lineTickets)
        doc.delivery = delivery(of: stored, tickets: references.lineTickets)
        if i.payer != nil {
            // A payer (a works council) pays for a client: the document names whom and where (every site its lines
            // or their tickets name).
            let client = settings.client(i.client)
            let named = sites.map { code in settings.site(code).map { "\($0.name) (\(code))" } ?? code }
            let place =
                named.isEmpty
                ? "" : named.count == 1 ? ", site \(named[0])" : ", sites \(named.joined(separator: ", "))"
            doc.billedFor = "Pour le compte de \(client?.legalName ?? i.client) (client \(i.client))\(place)"
        }
        let t = doc.totals
        guard t.totalHT.cents == i.totalHt, t.totalVAT.cents == i.totalVat, t.totalTTC.cents == i.totalTtc else {
            throw InvoiceError.documentFile(
                document: number, problem: .totalsDiffer(lines: t.totalTTC, ledger: Money(cents: i.totalTtc)))
        }
        return doc
    }

    /// Where the service happened and for whom (BG-13): the client, at the document's site or the one site all its
    /// lines name (or, when no line names one, the one site of the tickets they count), with the site's address from
    /// the settings. Nil when the lines are at several sites.
    func delivery(of stored: StoredInvoice, tickets: [Int: [TicketGroup]] = [:]) -> InvoiceDocument.DeliveryParty? {
        let i = stored.invoice
        let ticketSites = Set(tickets.values.flatMap { $0.map(\.site) })
        let fromTickets = stored.lines.allSatisfy { $0.site == nil } && ticketSites.count == 1 ? ticketSites.first : nil
        guard let client = settings.client(i.client), let code = i.site ?? Self.oneSite(of: stored.lines) ?? fromTickets
        else { return nil }
        let site = settings.site(code)
        return .init(name: client.legalName, place: site.map { "\($0.name) (\(code))" } ?? code, address: site?.address)
    }

    /// Every site a document is for: its own, else those its lines and the tickets they count name, sorted.
    static func sites(of stored: StoredInvoice, tickets: [Int: [TicketGroup]]) -> [String] {
        if let site = stored.invoice.site { return [site] }
        return Set(stored.lines.compactMap(\.site) + tickets.values.flatMap { $0.map(\.site) }).sorted()
    }

    /// The site every line names, when there is exactly one.
    static func oneSite(of lines: [InvoiceLine]) -> String? {
        let sites = Set(lines.map(\.site))
        return sites.count == 1 ? sites.first ?? nil : nil
    }

    /// A document as its errors name it: its number, or its id before it has one.
    func name(_ i: Invoice) -> String { i.number ?? "document \(i.id ?? 0)" }

    /// The billed customer: the payer when the document is billed to one, else the client.
    func buyer(of i: Invoice) throws(InvoiceError) -> InvoiceDocument.Buyer {
        if let code = i.payer {
            guard let p = settings.payer(code)?.payer else {
                throw InvoiceError.documentFile(document: name(i), problem: .payerNotInSettings(code))
            }
            return .init(
                legalName: p.legalName, siren: p.siren, vatNumber: p.vatNumber, address: p.address, emails: p.emails)
        }
        guard let c = settings.client(i.client) else {
            throw InvoiceError.documentFile(document: name(i), problem: .clientNotInSettings(i.client))
        }
        return .init(
            legalName: c.legalName, siren: c.siren, vatNumber: c.vatNumber, address: c.address, emails: c.emails)
    }

    func servicePeriod(_ l: InvoiceLine, within period: Period) -> Period? {
        guard let p = l.servicePeriod else { return nil }
        return p == period ? nil : p
    }

    /// The stored payment terms (`30 days, then end of month`) in the invoice's French.
    public static func frenchTerms(_ terms: PaymentTerms) -> String {
        switch terms {
        case .days, .daysThenEndOfMonth: return "Paiement à \(terms.french)"
        case .onReceipt, .endOfMonthThenDays: return "Paiement \(terms.french)"
        }
    }

    /// `FA-2026-000001.pdf`, `PROFORMA-12.pdf`: the file name of a document.
    public static func fileName(_ stored: StoredInvoice, extension ext: String) -> String {
        "\(stored.invoice.number ?? "PROFORMA-\(stored.invoice.id ?? 0)").\(ext)"
    }
}

/// A rendered document: the Factur-X PDF and its XML for an issued one, a plain PDF for a proforma.
public struct RenderedDocument: Sendable {
    public var document: InvoiceDocument
    public var pdf: [UInt8]
    /// The CII XML embedded in the PDF; nil for a proforma.
    public var xml: String?
}

extension InvoiceDocuments {
    /// Renders `document`: Factur-X when it is an invoice or a credit note, a plain PDF marked PROFORMA otherwise.
    public func render(_ document: InvoiceDocument, facturX: FacturX) throws(InvoiceError) -> RenderedDocument {
        do {
            if document.isProforma {
                return RenderedDocument(document: document, pdf: try facturX.renderer.render(document), xml: nil)
            }
            let out = try facturX.render(document)
            return RenderedDocument(document: document, pdf: out.pdf, xml: out.xml)
        } catch {
            throw InvoiceError.documentFile(document: document.number, problem: .cannotRender("\(error)"))
        }
    }
}

extension InvoiceDocuments {
    /// Renders an issued document's Factur-X PDF and CII XML for the ledger to store (at validation, or at the first
    /// render of a document issued before documents were stored).
    public func renderer(facturX: FacturX) -> DocumentRenderer {
        { stored, references in
            let rendered = try self.render(self.document(stored, references: references), facturX: facturX)
            guard let xml = rendered.xml else {
                throw InvoiceError.documentFile(document: rendered.document.number, problem: .noEInvoice)
            }
            return IssuedFiles(pdf: rendered.pdf, xml: Array(xml.utf8))
        }
    }
}

extension Installation {
    /// The files of an issued document exactly as stored when it was issued
    /// (a document issued before documents were stored is rendered, stored and
    /// chained now, once); nil for a proforma.
    public func issuedFiles(_ invoice: Invoice, actor: String = "ardoise") throws -> IssuedFiles? {
        let ledger = try self.ledger
        guard invoice.status == .issued, let id = invoice.id else { return nil }
        return try ledger.issuedFiles(
            invoiceID: id, render: documents.renderer(facturX: Installation.facturX()), actor: actor)
    }

    /// The bytes `invoices pdf|xml` write: an issued document's stored PDF or
    /// XML; a proforma's PDF rendered now (it has no XML).
    public func documentFile(_ stored: StoredInvoice, xml: Bool, actor: String = "ardoise") throws -> [UInt8] {
        if let files = try issuedFiles(stored.invoice, actor: actor) { return xml ? files.xml : files.pdf }
        if xml && stored.invoice.status == .proforma {
            let id = stored.invoice.id ?? 0
            throw InvoiceError.proformaHasNoEInvoice(id: id)
        }
        return try documents.render(document(stored), facturX: Installation.facturX()).pdf
    }

    /// The same workspace with other settings (tools and tests that change a value), on the same ledger.
    public func with(settings: MasterData) -> Installation {
        Installation(
            config: config, settings: settings, settingsSources: settingsSources, contractFiles: contractFiles,
            snapshot: snapshot, opened: opened)
    }

    /// The mapping of stored documents to printable ones, with these settings.
    public var documents: InvoiceDocuments { InvoiceDocuments(settings: settings) }

    /// The printable document of `stored`, its references read from `ledger`.
    public func document(_ stored: StoredInvoice) throws -> InvoiceDocument {
        let ledger = try self.ledger
        return try documents.document(stored, references: ledger.references(of: stored.invoice))
    }

    /// The Factur-X maker (needs the sRGB profile of `icc-profiles-free`).
    public static func facturX() throws(WorkspaceError) -> FacturX {
        do { return try FacturX.withSystemProfile() } catch { throw WorkspaceError("\(error)") }
    }
}
