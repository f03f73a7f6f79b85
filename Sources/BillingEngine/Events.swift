import BillingModel
import ContractLanguage
import Foundation
import Ledger

extension Engine {
    /// Bills event orders on `day` with no human step (T19): each order
    /// delivered up to that day and not yet invoiced gets its invoice (when
    /// its contract bills order by order, or when it is grouped monthly and
    /// its month was billed without it), and each order changed
    /// or cancelled after it was invoiced gets what its contract says: a
    /// credit note and a new invoice, or one document for the difference.
    ///
    /// Each revision of an order is settled once: by the documents issued for
    /// it, or, when it bills nothing new (a new purchase-order number, the
    /// same lines), recorded as checked. A revision is compared with the one
    /// last settled: when its lines are the same, nothing is priced again, so
    /// a later contract edit never re-bills an order. Proformas left for an
    /// older revision (a refused automatic validation) are discarded when a
    /// newer one arrives. Every document is issued at once; running it twice
    /// changes nothing.
    public func billEvents(on day: Day, now: Date = Date()) throws -> BillingReport {
        var report = BillingReport(period: Period(start: day, end: day), issueDate: day)
        var drafts: [NewInvoice] = []
        // Orders of clients with no events term are never billed here (the unbilled report shows them): not read.
        let billable = Set(
            contracts.filter { $0.value.contract.terms.contains { if case .events = $0.rule { true } else { false } } }
                .keys)
        for snapshot in try ledger.ordersToBill(upTo: day, clients: billable) {
            let state: OrderState
            do {
                guard let s = try orderState(snapshot) else { continue }  // no events term: in the unbilled report
                state = s
            } catch let error as EvaluationError {
                // An order whose amounts do not fit is that client's failure: the other orders are billed.
                report.failures.append(
                    BillingFailure(client: snapshot.revision.client, message: "not billed: \(error)"))
                continue
            }
            let order = state.order
            let decision = decide(state, day: day)
            // What an older revision left waiting is stale now.
            let keys = Set(decision.drafts.compactMap(\.generationKey))
            for doc in try ledger.documents(orderID: order.id)
            where doc.invoice.status == .proforma && doc.invoice.origin == .events
                && (doc.invoice.orderRevision ?? 0) <= order.revision
                && !keys.contains(doc.invoice.generationKey ?? "")
            {
                guard let id = doc.invoice.id else { continue }
                try ledger.discard(id: id, supersededBy: order.id, revision: order.revision, actor: actor, at: now)
            }
            if let settlement = decision.settledWithoutDocument {
                try ledger.markOrderChecked(
                    orderID: order.id, revision: order.revision, settlement, actor: actor, at: now)
            }
            if let note = decision.note { report.notes.append(note) }
            drafts += decision.drafts
        }
        try store(drafts, into: &report, now: now)
        return report
    }

    /// What billing an order's current revision takes: documents, or nothing
    /// (settled with a reason), or waiting (neither).
    struct OrderDecision {
        var drafts: [NewInvoice] = []
        var settledWithoutDocument: OrderSettlement?
        var note: String?
    }

    func decide(_ state: OrderState, day: Day) -> OrderDecision {
        let (order, contract, events, issued, billed, ordered) = (
            state.order, state.contract, state.events, state.issued, state.billed, state.ordered
        )
        let current = state.priced
        if issued.isEmpty {
            if order.cancelled {
                // A proforma of the month that still carries it cannot be issued any more (`LedgerDatabase.issue` refuses it).
                return OrderDecision(
                    settledWithoutDocument: .cancelledBeforeInvoiced,
                    note: state.inContractProforma
                        ? "\(contract.client): order \(order.id) cancelled while a proforma of its month carries it: generate that period again"
                        : nil)
            }
            guard !current.isEmpty else { return OrderDecision() }
            switch events.grouping {
            case .perOrder:
                return OrderDecision(drafts: [
                    eventDocument(
                        .invoice, order: order, contract: contract, lines: current, day: day,
                        key: "event|\(order.id)", credited: nil)
                ])
            case .monthly:
                // Grouped orders go with their month's invoice. One that no proforma of the month carries is
                // invoiced on its own once the month was billed without it: when the month's invoice was
                // issued before it arrived, or when the month is no longer due (the scheduler bills the due
                // period in this same run, after the events).
                guard let home = state.home, !state.inContractProforma, home.end < day else { return OrderDecision() }
                if state.carrier == nil && Engine.duePeriod(of: contract, on: day) == home { return OrderDecision() }
                let after =
                    state.carrier.map {
                        "arrived after \($0.number ?? "the invoice") of \($0.periodStart)..\($0.periodEnd) was issued"
                    }
                    ?? "was not billed with \(home.name)"
                return OrderDecision(
                    drafts: [
                        eventDocument(
                            .invoice, order: order, contract: contract, lines: current, day: day,
                            key: "event|\(order.id)", credited: nil)
                    ],
                    note:
                        "\(contract.client): order \(order.id) delivered \(order.deliveredOn) \(after): invoiced on its own"
                )
            }
        }
        if state.unchangedSinceSettled {
            return OrderDecision(settledWithoutDocument: .sameLines(asRevision: state.settledRevision))
        }
        if billed.sameAmounts(as: ordered) {
            return OrderDecision(settledWithoutDocument: .sameAmounts)
        }
        // The invoice a credit note refers to: the one standing (credit and reissue), else the order's original
        // invoice, which a difference only ever adjusts.
        let lastInvoice =
            events.changes == .creditAndReissue
            ? issued.last(where: { $0.invoice.type == .invoice })?.invoice
            : issued.first(where: { $0.invoice.type == .invoice })?.invoice
        let revision = "\(order.id)|r\(order.revision)"
        var out = OrderDecision()
        if events.changes == .creditAndReissue || order.cancelled {
            let outstanding = billed.lines
            if !outstanding.isEmpty {
                out.drafts.append(
                    eventDocument(
                        .creditNote, order: order, contract: contract,
                        lines: outstanding.map { creditLine($0, order: order) },
                        day: day, key: "event-credit|\(revision)", credited: lastInvoice))
            }
            if !current.isEmpty {
                out.drafts.append(
                    eventDocument(
                        .invoice, order: order, contract: contract, lines: current, day: day,
                        key: "event|\(revision)", credited: nil))
            }
        } else {
            let delta = LineTally.difference(from: billed, to: ordered) { b, a in
                .orderDifference(order: order.id, revision: order.revision, billed: b?.tally, now: a?.tally)
            }
            let type: DocumentKind = delta.map(\.net).sum() >= .zero ? .invoice : .creditNote
            out.drafts.append(
                eventDocument(
                    type, order: order, contract: contract, lines: type == .invoice ? delta : delta.map(\.negated),
                    day: day, key: "event-difference|\(revision)", credited: type == .creditNote ? lastInvoice : nil))
        }
        return out
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
        /// The latest revision settled (billed, or checked to bill nothing new); 0 when none.
        var settledRevision: Int
        /// Whether the current revision has the same billable content (site, day, status, lines) as the settled one.
        var unchangedSinceSettled: Bool
        /// For an order grouped monthly: the billing period that carries its month.
        var home: Period?
        /// For an order grouped monthly and not billed: the issued invoice of `home` its lines would have gone to, if any.
        var carrier: Invoice?
        /// Whether a live proforma of the contract's periodic billing carries the order.
        var inContractProforma: Bool
    }

    /// Nil when no contract with an events term covers the order's delivery day.
    func orderState(_ snapshot: EventOrderSnapshot) throws -> OrderState? {
        guard let order = ContractLanguage.EventOrder(snapshot), let compiled = contracts[snapshot.revision.client],
            let (_, events) = compiled.contract.eventsTerm(on: order.deliveredOn)
        else { return nil }
        let issued = try ledger.issuedLines(orderID: order.id)
        var billed = LineTally()
        for b in issued { billed.add(NewInvoiceLine(b.line), sign: Int(b.sign)) }
        let priced = try order.cancelled ? [] : compiled.priceOrder(order).map(NewInvoiceLine.init)
        let settled = try ledger.settledRevision(orderID: order.id)
        let unchanged =
            try settled > 0 && settled < order.revision
            && ledger.sameBillableContent(orderID: order.id, settled, order.revision)
        var home: Period?, carrier: Invoice?, inProforma = false
        if events.grouping == .monthly {
            let c = compiled.contract
            let p = c.cadence.period(containing: order.deliveredOn.lastOfMonth)
            home = p
            if issued.isEmpty {
                inProforma = try ledger.orderInContractProforma(orderID: order.id)
                let payer = c.eventsTerm(on: order.deliveredOn)?.0.payer
                carrier = try ledger.liveDocument(
                    generationKey: Engine.contractKey(
                        client: c.client, period: p, payer: payer, site: c.perSite ? order.site : nil, fees: false)
                )
                .flatMap { $0.status == .issued ? $0 : nil }
            }
        }
        return OrderState(
            order: order, contract: compiled.contract, events: events, issued: issued, billed: billed,
            priced: priced, ordered: LineTally(priced), settledRevision: settled, unchangedSinceSettled: unchanged,
            home: home, carrier: carrier, inContractProforma: inProforma)
    }

    func creditLine(_ l: NewInvoiceLine, order: ContractLanguage.EventOrder) -> NewInvoiceLine {
        l.explained(
            by: .orderCredit(
                order: order.id, cancelled: order.cancelled, revision: order.revision, quantity: l.quantity,
                unit: l.unitPrice, net: l.net))
    }

    func eventDocument(
        _ type: DocumentKind, order: ContractLanguage.EventOrder, contract c: Contract, lines: [NewInvoiceLine],
        day: Day,
        key: String, credited: Invoice?
    ) -> NewInvoice {
        let payer = c.eventsTerm(on: order.deliveredOn)?.0.payer
        // Every line settles this revision of the order, credits included.
        let lines = lines.map { l -> NewInvoiceLine in
            var l = l
            l.orderId = order.id
            l.orderRevision = order.revision
            return l
        }
        return NewInvoice(
            type: type, series: series(for: type), client: c.client, payer: payer, site: order.site,
            period: Period(start: order.deliveredOn, end: order.deliveredOn), issueDate: day,
            dueDate: c.paymentTerms(for: payer).dueDate(issuedOn: day),
            paymentTerms: c.paymentTerms(for: payer),
            poNumber: credited?.poNumber ?? order.poNumber, orderId: order.id, orderRevision: order.revision,
            creditedInvoiceId: credited?.id, origin: .events, generationKey: key, automatic: true, lines: lines)
    }
}
