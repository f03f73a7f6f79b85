import BillingModel

/// A contract compiled into evaluators: one closure per term, built once,
/// that the engine calls with revenue aggregates (never the syntax tree, never
/// the raw rows).
public struct CompiledContract: Sendable {
    public let contract: Contract
    let evaluators: [@Sendable (inout EvaluationState) throws(EvaluationError) -> Void]
    let unbilledCheck: @Sendable (inout EvaluationState) throws(EvaluationError) -> Void
    /// Where the day figures the terms sum go.
    let layout: TableLayout
    /// Whether a term reads revenue days (all but fixed fees and events).
    let readsDays: Bool
    /// About how many lines an evaluation makes, to allocate them once.
    let expectedLines: Int

    /// Compiles `contract`; index values come from the settings at compile time.
    public init(_ contract: Contract, indexSeries: [String: [String: Percentage]]) {
        self.contract = contract
        let layout = TableLayout(contract)
        self.layout = layout
        evaluators = contract.terms.map {
            Compiler.compile($0, contract: contract, layout: layout, indexSeries: indexSeries)
        }
        unbilledCheck = Compiler.unbilled(contract)
        var reads = false, lines = 0
        let sites = contract.perSite ? max(1, contract.sites.count) : 1
        for t in contract.terms {
            switch t.rule {
            case .flatFee: lines += 1
            case .events: lines += 4
            case .subsidyPerCover(_, let cats): reads = true; lines += sites * cats.count
            case .subsidyCappedByTray(_, let caps): reads = true; lines += sites * caps.count
            case .tieredFee(_, let bands, _, _): reads = true; lines += bands.count
            case .minimumGuarantee: reads = true; lines += contract.sites.count
            case .floorFee: reads = true; lines += 1
            default: reads = true; lines += sites
            }
        }
        readsDays = reads
        expectedLines = lines
    }

    /// The days whose revenue `evaluate` needs: the period, and the fee periods billed in arrears in it.
    public func revenueWindow(for period: Period) -> Period {
        var w = period
        for t in contract.terms {
            let per: FeePeriodicity
            switch t.rule {
            case .floorFee(_, _, let p, _), .tieredFee(_, _, let p, _): per = p
            case .events(let e) where e.grouping == .monthly: per = .month
            default: continue
            }
            for f in Compiler.feePeriods(per, timing: .inArrears, billedIn: period) {
                w = Period(start: min(w.start, f.start), end: max(w.end, f.end))
            }
        }
        return w
    }

    /// Bills `period`, issued on `issueDate`, from `revenue`. With `explanations: false`
    /// the lines' `explanation` is left empty (same lines and amounts, faster).
    public func evaluate(
        period: Period, issueDate: Day, revenue: ClientRevenue,
        explanations: Bool = true
    ) throws(EvaluationError) -> Evaluation {
        var state = EvaluationState(
            period: period, issueDate: issueDate, revenue: revenue,
            table: readsDays ? CoverTable(revenue.days, layout: layout) : .empty)
        state.explain = explanations
        state.lines.reserveCapacity(expectedLines)
        if contract.validity.intersection(period) == nil {
            state.notes.append(
                "the period \(period.name) is outside the contract's validity (\(contract.validFrom)\(contract.validUntil.map { " to \($0)" } ?? " onwards")): its revenue bills nothing"
            )
        }
        for e in evaluators { try e(&state) }
        try unbilledCheck(&state)
        return Evaluation(lines: state.lines, unbilled: state.unbilled, notes: state.notes)
    }

    /// Prices one event order as the events term says (T19): discount on every
    /// line, delivery fee under the threshold.
    public func priceOrder(_ order: EventOrder) throws(EvaluationError) -> [BilledLine] {
        guard let (term, events) = contract.eventsTerm(on: order.deliveredOn) else { return [] }
        return try Compiler.priceOrder(order, term: term, events: events, perSite: contract.perSite)
    }
}

/// Mutable state threaded through the evaluators of one evaluation.
public struct EvaluationState: Sendable {
    let period: Period
    let issueDate: Day
    let revenue: ClientRevenue
    /// The integer figures of `revenue.days`, row by row, built once per evaluation.
    let table: CoverTable
    var lines: [BilledLine] = []
    var unbilled: [UnbilledRevenue] = []
    var notes: [String] = []
    /// Whether lines carry their explanation; building it costs more than the rest of an evaluation.
    var explain = true

    /// Appends a line of `term`; its facts (and the explanation worded from them) are only built when asked for.
    /// `category`, `rate` and `guests` say which of the revenue the line was computed from (`LineBasis`).
    mutating func append(
        _ term: Term, label: String, quantity: Int, unit: Price, net: Money, vat: VATRate, site: String?,
        period: Period, facts: @autoclosure () -> LineFacts.Computation, fee: Bool = false,
        category: String? = nil, rate: VATRate? = nil, guests: Bool = true, tickets: [TicketGroup] = []
    ) {
        var line = Compiler.line(
            term, label: label, quantity: quantity, unit: unit, net: net, vat: vat, site: site, period: period,
            facts: explain ? facts() : nil, fee: fee)
        line.basis = LineBasis(Compiler.basisKind(of: term.rule), category: category, rate: rate, guests: guests)
        line.tickets = tickets
        lines.append(line)
    }
}

enum Compiler {
    typealias Evaluator = @Sendable (inout EvaluationState) throws(EvaluationError) -> Void

    /// Money arithmetic of the term at `termLine`: an overflow is that term's error, never a trap.
    @inline(__always)
    static func checked<T>(_ termLine: Int, _ body: () throws(MoneyOverflow) -> T) throws(EvaluationError) -> T {
        do throws(MoneyOverflow) { return try body() } catch { throw .overflow(termLine: termLine, error) }
    }

    /// The days a term is in force, within the contract.
    static func validity(_ term: Term, _ contract: Contract) -> Period {
        let c = contract.validity
        let t = Period(start: term.validFrom ?? c.start, end: term.validUntil ?? c.end)
        return c.intersection(t) ?? Period(start: c.start, end: c.start.adding(days: -1))
    }

    /// Price in force on each sub-period of `within`: dated changes (T13) and yearly index revisions (T14).
    static func segments(
        _ schedule: PriceSchedule, revision: IndexRevision?, termStart: Day, within: Period,
        index: [String: Percentage]?, termLine: Int
    ) throws(EvaluationError) -> [(Period, Price, LineFacts.Revision?)] {
        var boundaries = [within.start]
        for c in schedule.changes where within.contains(c.from) && c.from != within.start { boundaries.append(c.from) }
        if let r = revision {
            for d in r.revisionDays(in: within) where d > termStart && d != within.start { boundaries.append(d) }
        }
        boundaries.sort()
        var out: [(Period, Price, LineFacts.Revision?)] = []
        for (i, b) in boundaries.enumerated() {
            let end = i + 1 < boundaries.count ? boundaries[i + 1].adding(days: -1) : within.end
            var base = schedule.initial
            for c in schedule.changes where c.from <= b { base = c.price }
            var price = base
            var why: LineFacts.Revision?
            if let r = revision {
                // the latest revision on or before b, strictly after the term's start
                var latest: Day?
                for y in stride(from: b.year, through: termStart.year, by: -1) {
                    if y < r.firstYear ?? Int.min { break }
                    if let d = Day(year: y, month: r.month, day: r.day), d <= b, d > termStart { latest = d; break }
                }
                if let latest {
                    let m = r.referenceMonth(for: latest)
                    let key = monthKey(year: m.year, month: m.month)
                    guard let value = index?[key] else {
                        throw .missingIndex(series: r.series, month: key, revision: latest, termLine: termLine)
                    }
                    price = r.revise(base, index: value)
                    why = LineFacts.Revision(
                        on: latest, series: r.series, referenceMonth: key, base: base, fixedPart: r.fixedPart,
                        indexedPart: r.indexedPart, index: value, baseIndex: r.baseIndex, price: price)
                }
            }
            out.append((Period(start: b, end: end), price, why))
        }
        return out
    }

    /// The price over all of `within` when no dated change falls inside it and
    /// there is no revision: the one segment `segments` would return, without building it.
    static func singlePrice(_ schedule: PriceSchedule, within: Period) -> Price? {
        var base = schedule.initial
        for c in schedule.changes {
            if within.contains(c.from) && c.from != within.start { return nil }
            if c.from <= within.start { base = c.price }
        }
        return base
    }

    /// `segments`, without an array in the common case of one price over the whole period.
    static func pieces(
        _ schedule: PriceSchedule, revision: IndexRevision?, termStart: Day, within: Period,
        index: [String: Percentage]?, termLine: Int
    ) throws(EvaluationError) -> Segments {
        if revision == nil, let price = singlePrice(schedule, within: within) {
            return Segments(single: (within, price, nil))
        }
        return Segments(
            list: try segments(
                schedule, revision: revision, termStart: termStart, within: within, index: index, termLine: termLine))
    }

    /// The sub-periods of a term and their prices (and why a price was revised).
    struct Segments {
        private var single: (Period, Price, LineFacts.Revision?)
        private var list: [(Period, Price, LineFacts.Revision?)]
        let count: Int
        init(single: (Period, Price, LineFacts.Revision?)) { self.single = single; list = []; count = 1 }
        init(list: [(Period, Price, LineFacts.Revision?)]) {
            self.list = list
            single = list.first ?? (Period(start: Day(ordinal: 0), end: Day(ordinal: -1)), .zero, nil)
            count = list.count
        }
        subscript(i: Int) -> (Period, Price, LineFacts.Revision?) { list.isEmpty ? single : list[i] }
    }

    static func suffix(_ p: Period, of segments: Int) -> String {
        segments > 1 ? " du \(p.start.french) au \(p.end.french)" : ""
    }

    static func feePeriodName(_ p: Period) -> String { p.frenchName }

    /// The fee periods billed with billing period `period`: in arrears those
    /// ending in it; in advance those starting the day after one of its days.
    static func feePeriods(_ per: FeePeriodicity, timing: FeeTiming, billedIn period: Period) -> [Period] {
        var out: [Period] = []
        let make: (Day) -> Period = per == .month ? { Period.month(of: $0) } : { Period.quarter(of: $0) }
        var f = make(timing == .inArrears ? period.start : period.start.adding(days: 1))
        while f.start <= period.end.adding(days: 1) {
            switch timing {
            case .inArrears: if period.contains(f.end) { out.append(f) }
            case .inAdvance: if period.contains(f.start.adding(days: -1)) { out.append(f) }
            }
            f = make(f.end.adding(days: 1))
        }
        return out
    }

    static func line(
        _ term: Term, label: String, quantity: Int, unit: Price, net: Money, vat: VATRate, site: String?,
        period: Period, facts computation: LineFacts.Computation?, fee: Bool = false
    ) -> BilledLine {
        let facts = computation.map { LineFacts($0, sites: term.sites) }
        return BilledLine(
            label: label, quantity: quantity, unitPrice: unit, net: net, vat: vat, revenueType: term.revenueType,
            payer: term.payer,
            site: site, isClientFee: fee, servicePeriod: period, termLine: term.line,
            explanation: facts?.english ?? "", orderID: nil, facts: facts, basis: LineBasis(basisKind(of: term.rule)))
    }

    /// The kind of line a term's rule makes (an events term: an order's line).
    static func basisKind(of rule: TermRule) -> LineBasis.Kind {
        switch rule {
        case .subsidyPerCover: .subsidyPerCover
        case .subsidyCappedByTray: .subsidyCappedByTray
        case .subsidyAsRecorded: .subsidyAsRecorded
        case .guestMeals: .guestMeals
        case .admissionFee: .admissionFee
        case .cafeteriaParticipation: .cafeteriaParticipation
        case .flatFee: .flatFee
        case .floorFee: .floorFee
        case .tieredFee: .tieredFee
        case .minimumGuarantee: .minimumGuarantee
        case .events: .eventOrder
        }
    }

    // MARK: terms

    // What the terms' evaluators capture, as structs: read in place, not copied
    // through the runtime's generic tuple witnesses.
    struct PricedCategory: Sendable { var category: String, schedule: PriceSchedule, column: Int, label: String }
    struct CappedCategory: Sendable { var category: String, cap: Money, column: Int, label: String }
    struct GuaranteedSite: Sendable { var name: String, slot: Int }

    static func compile(
        _ term: Term, contract: Contract, layout: TableLayout, indexSeries: [String: [String: Percentage]]
    ) -> Evaluator {
        let scope = TermScope(
            contract: contract, layout: layout, valid: validity(term, contract),
            termStart: term.validFrom ?? contract.validFrom,
            index: term.revision.flatMap { indexSeries[$0.series] },
            sites: layout.filters(perSite: contract.perSite, only: term.sites),
            allSites: layout.filters(perSite: false, only: term.sites)[0], perSite: contract.perSite)
        return switch term.rule {
        case .subsidyPerCover(let vat, let categories):
            subsidyPerCover(term, vat: vat, categories: categories, scope: scope)
        case .subsidyCappedByTray(let vat, let caps): subsidyCappedByTray(term, vat: vat, caps: caps, scope: scope)
        case .subsidyAsRecorded: subsidyAsRecorded(term, scope: scope)
        case .guestMeals: guestMeals(term, scope: scope)
        case .admissionFee(let schedule, let vat, let share):
            admissionFee(term, schedule: schedule, vat: vat, share: share, scope: scope)
        case .cafeteriaParticipation(let pct): cafeteriaParticipation(term, pct: pct, scope: scope)
        case .flatFee(let schedule, let per, let vat, let timing):
            flatFee(term, schedule: schedule, per: per, vat: vat, timing: timing, scope: scope)
        case .floorFee(let floor, let perCover, let per, let vat):
            floorFee(term, floor: floor, perCover: perCover, per: per, vat: vat, scope: scope)
        case .tieredFee(let mode, let bands, let per, let vat):
            tieredFee(term, mode: mode, bands: bands, per: per, vat: vat, scope: scope)
        case .minimumGuarantee(let threshold, let schedule, let vat):
            minimumGuarantee(term, threshold: threshold, schedule: schedule, vat: vat, scope: scope)
        case .events(let events): groupedEvents(term, events: events, scope: scope)
        }
    }

    static func priceOrder(_ order: EventOrder, term: Term, events: EventTerms, perSite: Bool) throws(EvaluationError)
        -> [BilledLine]
    {
        var out: [BilledLine] = []
        let day = Period(start: order.deliveredOn, end: order.deliveredOn)
        var orderHT = Money.zero
        for (position, l) in order.lines.enumerated() {
            let unit: Price, net: Money
            do throws(MoneyOverflow) {
                unit =
                    try events.discount.map { (d) throws(MoneyOverflow) in
                        try l.unitPrice.percent(Percentage(tenThousandths: 1_000_000 - d.tenThousandths))
                    } ?? l.unitPrice
                net = try unit.times(l.quantity)
                orderHT = try orderHT.adding(net)
            } catch {
                throw .orderOverflow(order: order.id, revision: order.revision, line: position + 1, error)
            }
            let discount = events.discount.map { LineFacts.Discount(percent: $0, gross: l.unitPrice) }
            var bl = line(
                term, label: l.label, quantity: l.quantity, unit: unit, net: net, vat: l.vat, site: order.site,
                period: day,
                facts: .orderLine(
                    order: order.id, revision: order.revision, quantity: l.quantity, unit: unit, discount: discount,
                    net: net))
            bl.orderID = order.id
            bl.orderRevision = order.revision
            if unit != l.unitPrice { bl.grossUnitPrice = l.unitPrice }
            bl.basis = LineBasis(.eventOrder)
            out.append(bl)
        }
        if let fee = events.deliveryFee, let vat = events.deliveryFeeVAT, let under = events.deliveryFeeUnder,
            orderHT < under
        {
            let feePrice: Price
            do throws(MoneyOverflow) { feePrice = try fee.asPrice } catch {
                throw .overflow(termLine: term.line, error)
            }
            var bl = line(
                term, label: "Frais de livraison", quantity: 1, unit: feePrice, net: fee, vat: vat, site: order.site,
                period: day,
                facts: .deliveryFee(order: order.id, orderHT: orderHT, under: under, fee: fee))
            bl.orderID = order.id
            bl.orderRevision = order.revision
            bl.basis = LineBasis(.deliveryFee)
            out.append(bl)
        }
        return out
    }

    // MARK: unbilled revenue

    /// Revenue of the client that no term bills: employer share of unpriced
    /// categories, guests without a guest term, orders without an events term,
    /// and all of it on days outside the contract's validity.
    static func unbilled(_ contract: Contract) -> @Sendable (inout EvaluationState) throws(EvaluationError) -> Void {
        struct Pricing: Sendable {
            var period: Period; var categories: Set<String>?; var guests: Bool
            /// The sites the term bills (`at sites`); nil: all.
            var sites: Set<String>?
            func covers(_ day: Day, at site: String) -> Bool { period.contains(day) && (sites?.contains(site) ?? true) }
        }
        var subsidies: [Pricing] = []
        var guests: [Pricing] = []
        var events: [Period] = []
        for t in contract.terms {
            let v = validity(t, contract)
            let sites = t.sites.map(Set.init)
            switch t.rule {
            case .subsidyPerCover(_, let cats):
                subsidies.append(Pricing(period: v, categories: Set(cats.map(\.category)), guests: false, sites: sites))
            case .subsidyCappedByTray(_, let caps):
                subsidies.append(Pricing(period: v, categories: Set(caps.map(\.category)), guests: false, sites: sites))
            case .subsidyAsRecorded: subsidies.append(Pricing(period: v, categories: nil, guests: true, sites: sites))
            case .guestMeals: guests.append(Pricing(period: v, categories: nil, guests: true, sites: sites))
            case .events: events.append(v)
            default: break
            }
        }
        let subsidyTerms = subsidies, guestTerms = guests, eventTerms = events
        let contractValidity = contract.validity
        return { (s: inout EvaluationState) throws(EvaluationError) in
            struct Key: Hashable { var site: String, category: String?, reason: UnbilledRevenue.Reason }
            var totals: [Key: UnbilledRevenue] = [:]
            func add(
                _ site: String, _ category: String?, _ reason: UnbilledRevenue.Reason,
                _ compute: () throws(MoneyOverflow) -> Money,
                _ day: Day
            ) throws(EvaluationError) {
                let amount: Money
                do throws(MoneyOverflow) { amount = try compute() } catch {
                    throw .revenueOverflow(site: site, day: day, error)
                }
                guard !amount.isZero else { return }
                let key = Key(site: site, category: category, reason: reason)
                if var u = totals[key] {
                    do throws(MoneyOverflow) { u.amountTTC = try u.amountTTC.adding(amount) } catch {
                        throw .revenueOverflow(site: site, day: day, error)
                    }
                    u.firstDay = min(u.firstDay, day)
                    u.lastDay = max(u.lastDay, day)
                    totals[key] = u
                } else {
                    totals[key] = UnbilledRevenue(
                        site: site, category: category, why: reason, amountTTC: amount, firstDay: day, lastDay: day)
                }
            }
            let lo = s.period.start.ordinal, hi = s.period.end.ordinal
            let days = s.revenue.days
            for i in days.indices {
                let day = days[i].day
                guard day.ordinal >= lo, day.ordinal <= hi, !days[i].employerShare.isEmpty else { continue }
                let inContract = contractValidity.contains(day)
                let site = days[i].site
                // Asked only of a day's guests: most days bill all their revenue.
                var guestBilled: Bool {
                    guestTerms.contains { $0.covers(day, at: site) }
                        || subsidyTerms.contains { $0.guests && $0.covers(day, at: site) }
                }
                for (category, rates) in days[i].employerShare {
                    // Summed only when reported: most days bill all their revenue.
                    let amount = { () throws(MoneyOverflow) in try rates.values.checkedSum() }
                    if !inContract {
                        try add(days[i].site, category, .outsideValidity, amount, day)
                    } else if category == DinerCategory.guests {
                        if !guestBilled {
                            try add(
                                days[i].site, category, .guestsWithoutTerm,
                                { () throws(MoneyOverflow) in try days[i].guestTTC.values.checkedSum() }, day)
                        }
                    } else if !subsidyTerms.contains(where: {
                        $0.covers(day, at: site) && ($0.categories?.contains(category) ?? true)
                    }) {
                        try add(days[i].site, category, .categoryNotPriced, amount, day)
                    }
                }
            }
            for o in s.revenue.orders where s.period.contains(o.deliveredOn) && !o.cancelled {
                guard !eventTerms.contains(where: { $0.contains(o.deliveredOn) }) else { continue }
                // Reported TTC like every unbilled amount: the order's lines net, then VAT per rate (the order's HT
                // was once added into the TTC column).
                var lines: [(Money, VATRate)] = []
                for (position, l) in o.lines.enumerated() {
                    do throws(MoneyOverflow) { lines.append((try l.unitPrice.times(l.quantity), l.vat)) } catch {
                        throw .orderOverflow(order: o.id, revision: o.revision, line: position + 1, error)
                    }
                }
                let orderLines = lines
                try add(
                    o.site, nil, .orderWithoutEventsTerm(order: o.id),
                    { () throws(MoneyOverflow) in
                        try InvoiceTotals(lines: orderLines).totalTTC
                    }, o.deliveredOn)
            }
            guard !totals.isEmpty else { return }
            s.unbilled += totals.values.sorted {
                ($0.site, $0.category ?? "", $0.reason) < ($1.site, $1.category ?? "", $1.reason)
            }
        }
    }
}
