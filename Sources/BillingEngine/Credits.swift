import BillingModel
import ContractLanguage
import Foundation
import Ledger

/// A line of an issued invoice to credit, in full or for an amount HT.
public struct CreditSelection: Sendable, Equatable {
    /// The line's position on the invoice (1-based, as `invoices show` prints it).
    public var line: Int
    /// The amount HT to credit; nil credits what remains of the line.
    public var amount: Money?
    public init(line: Int, amount: Money? = nil) {
        self.line = line
        self.amount = amount
    }
}

/// A document typed in by finance staff.
public struct ManualDocument: Sendable {
    public var type: DocumentKind
    public var client: String
    public var payer: String?
    public var period: Period
    public var poNumber: String?
    /// For a credit note: the number of the invoice it credits.
    public var credits: String?
    public var lines: [(label: String, quantity: Int, unitPrice: Price, vat: VATRate)]
    public init(
        type: DocumentKind, client: String, payer: String? = nil, period: Period, poNumber: String? = nil,
        credits: String? = nil,
        lines: [(label: String, quantity: Int, unitPrice: Price, vat: VATRate)]
    ) {
        self.type = type
        self.client = client
        self.payer = payer
        self.period = period
        self.poNumber = poNumber
        self.credits = credits
        self.lines = lines
    }
}

extension Engine {
    /// Makes a credit note for an issued invoice: in full, or for chosen lines
    /// (each in full or for an amount HT). It references the invoice's number
    /// and date, bills the same customer, and never credits more than what
    /// remains of a line after earlier credit notes. Issued on `day` unless
    /// `issue` is false (then it waits as a proforma for review).
    public func credit(
        invoice number: String, selections: [CreditSelection] = [], reason: String, on day: Day,
        issue: Bool = true, now: Date = Date()
    ) throws -> (id: Int64, number: String?) {
        // Nothing is dated in a closed month, nor before the last document of the series: refused before anything is written.
        try refuseClosedMonth(day, what: .creditNote)
        if issue, let last = try ledger.lastIssued(series: series(for: .creditNote)), last.day > day {
            throw InvoiceError.datedBeforeLast(
                kind: .creditNote, id: nil, client: nil, day: day, series: nil, last: last.number,
                lastDate: "\(last.day)")
        }
        guard let stored = try ledger.invoice(idOrNumber: number) else { throw InvoiceError.noInvoice(number) }
        let invoice = stored.invoice
        guard invoice.status == .issued, let invoiceNumber = invoice.number else {
            throw InvoiceError.creditOfNotIssued(number: number, status: invoice.status)
        }
        guard invoice.type == .invoice else { throw InvoiceError.creditOfCreditNote(number: invoiceNumber) }
        guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw InvoiceError.reasonRequired }
        // A credit note of this invoice an interrupted `credit` left waiting (killed between making it and
        // issuing it): a rerun with the same reason issues it instead of making a second one (see below).
        guard let invoiceID = invoice.id else {
            throw LedgerError.internalInconsistency("an issued invoice without an id")
        }
        let issuedOn = invoice.issueDate
        let earlier = try ledger.creditNotes(of: invoiceID)
        let leftWaiting =
            !issue
            ? []
            : earlier.filter { note in
                note.invoice.status == .proforma && note.invoice.origin == .credit && !note.lines.isEmpty
                    && note.lines.allSatisfy { l in
                        stored.lines.contains {
                            creditFacts(line: $0.position, of: invoiceNumber, issued: issuedOn, reason: reason)
                                == l.facts
                        }
                    }
            }
        let counted = earlier.filter { note in !leftWaiting.contains { $0.invoice.id == note.invoice.id } }
        // What earlier credit notes of this invoice already credited, by line.
        var credited = LineTally()
        for note in counted {
            for l in note.lines { credited.add(creditKey(NewInvoiceLine(l)), sign: 1) }
        }
        let chosen = selections.isEmpty ? stored.lines.map { CreditSelection(line: $0.position) } : selections
        // An amount typed past the settings' limit per line is refused before anything is read further (exit 2).
        for sel in chosen {
            if let amount = sel.amount, amount > settings.limits.maxLineHT {
                throw AmountRefusal(
                    document: "the credit note for \(invoiceNumber)",
                    reason: .lineAboveLimit(line: sel.line, net: amount, limit: settings.limits.maxLineHT))
            }
        }
        var lines: [NewInvoiceLine] = []
        for sel in chosen {
            guard let l = stored.lines.first(where: { $0.position == sel.line }) else {
                throw InvoiceError.noLine(document: invoiceNumber, line: sel.line, lines: stored.lines.count)
            }
            let original = NewInvoiceLine(l)
            let already =
                credited.net(of: creditKey(original))
                + lines.filter { creditKey($0) == creditKey(original) }.map(\.net).sum()
            let left = original.net - already
            guard original.net > .zero else {
                throw InvoiceError.lineNotPositive(line: sel.line, number: invoiceNumber)
            }
            var c = original.explained(
                by: creditFacts(line: sel.line, of: invoiceNumber, issued: issuedOn, reason: reason))
            c.basis = LineBasis(.credit)
            if let amount = sel.amount {
                guard amount > .zero else { throw InvoiceError.creditAmountNotPositive(line: sel.line) }
                guard amount <= left else {
                    throw InvoiceError.lineCreditTooMuch(
                        line: sel.line, number: invoiceNumber, left: left, of: original.net, asked: amount)
                }
                if amount != original.net {
                    c.label = "\(original.label) (avoir partiel)"
                    c.quantity = 1
                    c.unitPrice = try amount.asPrice
                    c.grossUnitPrice = nil
                }
                c.net = amount
            } else {
                guard already == .zero else {
                    guard left > .zero else {
                        throw InvoiceError.lineCreditedInFull(line: sel.line, number: invoiceNumber)
                    }
                    c.label = "\(original.label) (solde)"
                    c.quantity = 1
                    c.unitPrice = try left.asPrice
                    c.grossUnitPrice = nil
                    c.net = left
                    lines.append(c)
                    continue
                }
            }
            lines.append(c)
        }
        // Whatever the lines, never more than the invoice: every live credit note pointing at it counts
        // (event changes and late-revenue corrections included).
        let creditedBefore = counted.map { Money(cents: $0.invoice.totalHt) }.sum()
        let asked = lines.map(\.net).sum()
        guard creditedBefore + asked <= Money(cents: invoice.totalHt) else {
            throw InvoiceError.creditTooMuch(
                number: invoiceNumber, total: Money(cents: invoice.totalHt), credited: creditedBefore, waiting: nil,
                asked: asked)
        }
        func same(_ a: [NewInvoiceLine], _ b: [NewInvoiceLine]) -> Bool {
            a.map { [$0.label, "\($0.quantity)", "\($0.unitPrice)", "\($0.net)", "\($0.vat)"] }
                == b.map { [$0.label, "\($0.quantity)", "\($0.unitPrice)", "\($0.net)", "\($0.vat)"] }
        }
        if let waiting = leftWaiting.first(where: { same($0.lines.map(NewInvoiceLine.init), lines) }),
            let id = waiting.invoice.id
        {
            return (id, try validate(ids: [id], on: day, now: now).first)
        }
        // Not the same credit: the waiting ones count again, as any live credit note does.
        let waitingHT = leftWaiting.map { Money(cents: $0.invoice.totalHt) }.sum()
        guard creditedBefore + waitingHT + asked <= Money(cents: invoice.totalHt) else {
            throw InvoiceError.creditTooMuch(
                number: invoiceNumber, total: Money(cents: invoice.totalHt), credited: creditedBefore + waitingHT,
                waiting: waitingHT, asked: asked)
        }
        let new = NewInvoice(
            type: .creditNote, series: series(for: .creditNote), client: invoice.client, payer: invoice.payer,
            site: invoice.site, period: invoice.period, issueDate: day, dueDate: day,
            paymentTerms: invoice.paymentTerms, poNumber: invoice.poNumber, orderId: invoice.orderId,
            orderRevision: invoice.orderRevision, creditedInvoiceId: invoice.id, origin: .credit, lines: lines)
        guard let id = try ledger.createProforma(new, actor: actor, at: now) else {
            throw LedgerError.internalInconsistency("the credit note was not stored")
        }
        try ledger.audit(
            actor: actor, action: "credit", invoiceID: id,
            AuditParameters(["credited": .text(invoiceNumber), "reason": .text(reason)]), at: now)
        guard issue else { return (id, nil) }
        return (id, try validate(ids: [id], on: day, now: now).first)
    }

    /// The facts of a credit note's line (a rerun recognises its own waiting note by them).
    func creditFacts(line: Int, of number: String, issued: Day, reason: String) -> LineFacts {
        LineFacts(.credit(line: line, number: number, issued: issued, reason: reason))
    }

    /// The key under which a credit note line counts against the invoice line it credits.
    private func creditKey(_ l: NewInvoiceLine) -> NewInvoiceLine {
        var k = l
        for suffix in [" (avoir partiel)", " (solde)"] where k.label.hasSuffix(suffix) {
            k.label.removeLast(suffix.count)
        }
        k.unitPrice = Price(tenThousandths: 0)
        k.grossUnitPrice = nil
        k.quantity = 0
        return k
    }

    /// Creates a document typed in by finance staff, as a proforma to validate.
    public func createManual(_ doc: ManualDocument, reason: String, on day: Day, now: Date = Date()) throws -> Int64 {
        try refuseClosedMonth(day, what: nil)
        guard let client = settings.clients.first(where: { $0.code == doc.client }) else {
            throw InvoiceError.unknownClient(doc.client)
        }
        if let payer = doc.payer, !client.payers.contains(where: { $0.code == payer }) {
            throw InvoiceError.notAPayer(payer: payer, client: doc.client)
        }
        guard !doc.lines.isEmpty else { throw InvoiceError.noLines }
        for l in doc.lines where !VATRate.frenchRates.contains(l.vat) {
            throw InvoiceError.notFrenchRate(label: l.label, rate: l.vat)
        }
        var credited: Invoice?
        if doc.type == .creditNote {
            guard let ref = doc.credits else { throw InvoiceError.creditNamesNoInvoice }
            guard let inv = try ledger.invoice(idOrNumber: ref)?.invoice, inv.status == .issued, inv.type == .invoice
            else {
                throw InvoiceError.notAnIssuedInvoice(ref)
            }
            guard inv.client == doc.client else {
                throw InvoiceError.invoiceOfAnotherClient(number: ref, client: inv.client, expected: doc.client)
            }
            credited = inv
        }
        // Bounded, checked against the settings' limits and the sign rules before anything is written.
        let lines = try typedLines(
            doc.lines, kind: doc.type,
            document: "the manual \(doc.type == .creditNote ? "credit note" : "invoice") for \(doc.client)",
            service: doc.period, facts: .typedIn(reason: reason))
        let terms = contracts[doc.client]?.contract.paymentTerms(for: doc.payer ?? credited?.payer) ?? .onReceipt
        let new = NewInvoice(
            type: doc.type, series: series(for: doc.type), client: doc.client, payer: doc.payer ?? credited?.payer,
            period: doc.period, issueDate: day, dueDate: terms.dueDate(issuedOn: day), paymentTerms: terms,
            poNumber: doc.poNumber ?? credited?.poNumber, creditedInvoiceId: credited?.id, origin: .manual, lines: lines
        )
        guard let id = try ledger.createProforma(new, actor: actor, at: now) else {
            throw LedgerError.internalInconsistency("the document was not stored")
        }
        try ledger.audit(
            actor: actor, action: "manual", invoiceID: id, AuditParameters(["reason": .text(reason)]), at: now)
        return id
    }
}

extension LineTally {
    func net(of line: NewInvoiceLine) -> Money {
        entries[Key(label: line.label, unitPrice: line.unitPrice.tenThousandths, vat: line.vat.tenThousandths)]?.net
            ?? .zero
    }
}

extension Engine {
    /// A document dated `day` in a closed month is refused before anything is written.
    func refuseClosedMonth(_ day: Day, what: DocumentKind?) throws {
        let month = Month(day).description
        if try ledger.isClosed(month: month) {
            throw InvoiceError.monthClosed(month: month, day: day, what: what ?? .invoice)
        }
    }
}
