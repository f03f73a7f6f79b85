import BillingModel
import ContractLanguage
import Foundation
import Ledger

extension BillingEngine {
    /// Bills event orders on `day` with no human step (T19): each order
    /// delivered up to that day and not yet invoiced gets its invoice (when
    /// its contract bills order by order), and each order changed or
    /// cancelled after it was invoiced gets what its contract says: a credit
    /// note and a new invoice, or one document for the difference. A change
    /// of purchase-order number alone bills nothing. Every document is issued
    /// at once; running it twice changes nothing.
    public func billEvents(on day: Day, now: Date = Date()) throws -> BillingReport {
        var report = BillingReport(period: Period(start: day, end: day), issueDate: day)
        var drafts: [NewInvoice] = []
        for snapshot in try ledger.ordersToBill(upTo: day) {
            guard let state = try orderState(snapshot) else { continue }   // no events term: in the unbilled report
            let (order, contract, events, issued, billed, ordered) = (state.order, state.contract, state.events, state.issued, state.billed, state.ordered)
            let current = state.priced
            if issued.isEmpty {
                if order.cancelled {
                    for doc in try ledger.documents(orderID: order.id) where doc.invoice.status == .proforma {
                        try ledger.discard(id: doc.invoice.id!, reason: "order \(order.id) cancelled before it was issued", actor: actor, at: now)
                    }
                    continue
                }
                guard events.grouping == .perOrder, !current.isEmpty else { continue }   // grouped orders: with the month
                drafts.append(eventDocument(.invoice, order: order, contract: contract, lines: current, day: day,
                                            key: "event|\(order.id)", credited: nil))
                continue
            }
            if billed.sameAmounts(as: ordered) { continue }   // e.g. a new purchase-order number: nothing to bill
            // The invoice a credit note refers to: the one standing (credit and reissue), else the order's original
            // invoice, which a difference only ever adjusts.
            let lastInvoice = events.changes == .creditAndReissue
                ? issued.last(where: { $0.invoice.type == .invoice })?.invoice
                : issued.first(where: { $0.invoice.type == .invoice })?.invoice
            let revision = "\(order.id)|r\(order.revision)"
            if events.changes == .creditAndReissue || order.cancelled {
                let outstanding = billed.lines
                if !outstanding.isEmpty {
                    drafts.append(eventDocument(.creditNote, order: order, contract: contract,
                                                lines: outstanding.map { creditLine($0, order: order, revisionText: "revision \(order.revision)") },
                                                day: day, key: "event-credit|\(revision)", credited: lastInvoice))
                }
                if !current.isEmpty {
                    drafts.append(eventDocument(.invoice, order: order, contract: contract, lines: current, day: day,
                                                key: "event|\(revision)", credited: nil))
                }
            } else {
                let delta = LineTally.difference(from: billed, to: ordered) { b, a in
                    "order \(order.id) revision \(order.revision): billed \(b.map { "\($0.quantity) for \($0.net)" } ?? "nothing"), now \(a.map { "\($0.quantity) for \($0.net)" } ?? "nothing")"
                }
                let sum = delta.map(\.net).sum()
                if sum >= .zero {
                    drafts.append(eventDocument(.invoice, order: order, contract: contract, lines: delta, day: day,
                                                key: "event-difference|\(revision)", credited: nil))
                } else {
                    drafts.append(eventDocument(.creditNote, order: order, contract: contract, lines: delta.map(\.negated), day: day,
                                                key: "event-difference|\(revision)", credited: lastInvoice))
                }
            }
        }
        try store(drafts, into: &report, now: now)
        return report
    }

    /// An order as its contract prices it now, beside what issued documents billed for it.
    struct OrderState {
        var order: ContractLanguage.EventOrder
        var contract: Contract
        var events: EventTerms
        var issued: [BilledOrderLine]
        /// Issued invoices minus credit notes, line by line.
        var billed: LineTally
        /// The order's current revision as the contract prices it, line by line (nothing when cancelled).
        var priced: [NewInvoiceLine]
        /// The same, added up like `billed`.
        var ordered: LineTally
    }

    /// Nil when no contract with an events term covers the order's delivery day.
    func orderState(_ snapshot: EventOrderSnapshot) throws -> OrderState? {
        guard let order = ContractLanguage.EventOrder(snapshot), let compiled = contracts[snapshot.revision.client],
              let (_, events) = compiled.contract.eventsTerm(on: order.deliveredOn) else { return nil }
        let issued = try ledger.issuedLines(orderID: order.id)
        var billed = LineTally()
        for b in issued { billed.add(NewInvoiceLine(b.line), sign: Int(b.sign)) }
        let priced = order.cancelled ? [] : compiled.priceOrder(order).map(NewInvoiceLine.init)
        return OrderState(order: order, contract: compiled.contract, events: events, issued: issued, billed: billed,
                          priced: priced, ordered: LineTally(priced))
    }

    func creditLine(_ l: NewInvoiceLine, order: ContractLanguage.EventOrder, revisionText: String) -> NewInvoiceLine {
        var c = l
        c.explanation = "order \(order.id) \(order.cancelled ? "cancelled" : "changed") (\(revisionText)): credits \(l.quantity) × \(l.unitPrice) = \(l.net) billed before"
        return c
    }

    func eventDocument(_ type: DocumentKind, order: ContractLanguage.EventOrder, contract c: Contract, lines: [NewInvoiceLine], day: Day,
                       key: String, credited: Invoice?) -> NewInvoice {
        let payer = c.eventsTerm(on: order.deliveredOn)?.0.payer
        return NewInvoice(type: type, series: series(for: type), client: c.client, payer: payer, site: order.site,
                          period: Period(start: order.deliveredOn, end: order.deliveredOn), issueDate: day,
                          dueDate: c.payment.dueDate(issuedOn: day), paymentTerms: c.payment.description,
                          poNumber: credited?.poNumber ?? order.poNumber, orderId: order.id, orderRevision: order.revision,
                          creditedInvoiceId: credited?.id, origin: .events, generationKey: key, automatic: true, lines: lines)
    }
}
