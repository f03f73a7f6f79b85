import BillingModel

/// What every term's evaluator is compiled with: the contract, where its figures are, and when and where the term applies.
struct TermScope {
    let contract: Contract
    let layout: TableLayout
    /// The days the term is valid.
    let valid: Period
    /// The day its prices start from (index revisions count from it).
    let termStart: Day
    /// The values of its price index, when its prices are revised.
    let index: [String: Percentage]?
    /// One filter per site billed apart, or one for all the term's sites.
    let sites: [SiteFilter]
    /// One filter for all the term's sites.
    let allSites: SiteFilter
    let perSite: Bool
}

/// One function per contract term: each returns the term's evaluator, built once per contract.
extension Compiler {
    /// Employer subsidy per cover, priced per diner category.
    static func subsidyPerCover(
        _ term: Term, vat: VATRate, categories: [(category: String, price: PriceSchedule?)], scope: TermScope
    ) -> Evaluator {
        let valid = scope.valid
        let termStart = scope.termStart
        let sites = scope.sites
        let layout = scope.layout
        // Labels and columns are fixed by the contract: made once here, not per evaluation.
        let priced = categories.compactMap { c in
            c.price.map {
                PricedCategory(
                    category: c.category, schedule: $0, column: layout.column(of: c.category),
                    label: "\(term.label) catégorie \(c.category)")
            }
        }
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            for site in sites {
                for c in priced {
                    let segs = try pieces(
                        c.schedule, revision: nil, termStart: termStart, within: within, index: nil, termLine: term.line
                    )
                    for i in 0..<segs.count {
                        let (p, price, _) = segs[i]
                        let covers = s.table.sum(c.column, in: p, site: site)
                        guard covers > 0 else { continue }
                        let label = segs.count > 1 ? c.label + suffix(p, of: segs.count) : c.label
                        let category = c.category
                        if c.schedule.includesVAT {
                            let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                                try price.times(covers, excludingVATAt: vat)
                            }
                            s.append(
                                term, label: label + " (\(covers) couverts à \(price) TTC)", quantity: 1,
                                unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice },
                                net: net, vat: vat,
                                site: site.name, period: p,
                                facts: .subsidyPerCover(
                                    covers: covers, category: category, price: price, includesVAT: true, vat: vat,
                                    net: net),
                                category: category)
                        } else {
                            let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                                try price.times(covers)
                            }
                            s.append(
                                term, label: label, quantity: covers, unit: price, net: net, vat: vat, site: site.name,
                                period: p,
                                facts: .subsidyPerCover(
                                    covers: covers, category: category, price: price, includesVAT: false, vat: vat,
                                    net: net),
                                category: category)
                        }
                    }
                }
            }
        }
    }

    /// Employer subsidy of each tray up to a cap per category.
    static func subsidyCappedByTray(
        _ term: Term, vat: VATRate, caps: [(category: String, cap: Money)], scope: TermScope
    ) -> Evaluator {
        let valid = scope.valid
        let sites = scope.sites
        let layout = scope.layout
        let columns = caps.map {
            CappedCategory(
                category: $0.category, cap: $0.cap, column: layout.column(of: $0.category),
                label: "\(term.label) catégorie \($0.category)")
        }
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let lo = within.start.ordinal, hi = within.end.ordinal
            let days = s.revenue.days
            for site in sites {
                for c in columns {
                    var capped = Money.zero
                    var covers = 0
                    for i in days.indices where s.table.matches(i, lo: lo, hi: hi, site: site) {
                        capped = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                            try capped.adding(days[i].cappedTTC[c.category] ?? .zero)
                        }
                        covers += s.table[i, c.column]
                    }
                    guard !capped.isZero else { continue }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                        try capped.excludingVAT(at: vat)
                    }
                    let (category, cap) = (c.category, c.cap)
                    s.append(
                        term, label: c.label, quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice }, net: net,
                        vat: vat,
                        site: site.name, period: within,
                        facts: .subsidyCappedByTray(
                            covers: covers, category: category, cap: cap, capped: capped, vat: vat, net: net),
                        category: category)
                }
            }
        }
    }

    /// Employer subsidy as the registers recorded it, per VAT rate.
    static func subsidyAsRecorded(_ term: Term, scope: TermScope) -> Evaluator {
        let valid = scope.valid
        let sites = scope.sites
        let contract = scope.contract
        let hasGuestTerm = contract.terms.contains {
            if case .guestMeals = $0.rule { return true } else { return false }
        }
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let lo = within.start.ordinal, hi = within.end.ordinal
            let days = s.revenue.days
            for site in sites {
                var byRate = RateTotals()
                // A payer's line shows the tickets behind it: counted per site, category, rate and share of a ticket.
                var tickets: [ShareGroupKey: Int] = [:]
                for i in days.indices where s.table.matches(i, lo: lo, hi: hi, site: site) {
                    for (category, rates) in days[i].employerShare
                    where !(hasGuestTerm && category == DinerCategory.guests) {
                        for (r, m) in rates {
                            try Compiler.checked(term.line) { () throws(MoneyOverflow) in try byRate.add(r, m) }
                        }
                        guard term.payer != nil else { continue }
                        for c in days[i].shareCounts[category] ?? [] {
                            tickets[
                                ShareGroupKey(site: days[i].site, category: category, rate: c.rate, share: c.share),
                                default: 0] += c.tickets
                        }
                    }
                }
                for (r, ttc) in byRate.sorted() {
                    guard !ttc.isZero else { continue }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try ttc.excludingVAT(at: r)
                    }
                    s.append(
                        term, label: byRate.count > 1 ? "\(term.label) (TVA \(r.french) %)" : term.label, quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice }, net: net,
                        vat: r, site: site.name, period: within,
                        facts: .subsidyAsRecorded(ttc: ttc, vat: r, net: net, guestsBilledApart: hasGuestTerm),
                        rate: r, guests: !hasGuestTerm, tickets: ShareGroupKey.groups(tickets, rate: r, net: net))
                }
            }
        }
    }

    /// Guest meals billed to the company, per VAT rate.
    static func guestMeals(_ term: Term, scope: TermScope) -> Evaluator {
        let valid = scope.valid
        let sites = scope.sites
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let lo = within.start.ordinal, hi = within.end.ordinal
            let days = s.revenue.days
            for site in sites {
                var byRate = RateTotals()
                var tickets = 0
                for i in days.indices where s.table.matches(i, lo: lo, hi: hi, site: site) {
                    tickets += s.table[i, CoverTable.guests]
                    for (r, m) in days[i].guestTTC {
                        try Compiler.checked(term.line) { () throws(MoneyOverflow) in try byRate.add(r, m) }
                    }
                }
                for (r, ttc) in byRate.sorted() {
                    guard !ttc.isZero else { continue }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try ttc.excludingVAT(at: r)
                    }
                    s.append(
                        term, label: byRate.count > 1 ? "\(term.label) (TVA \(r.french) %)" : term.label, quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice }, net: net,
                        vat: r, site: site.name, period: within,
                        facts: .guestMeals(tickets: tickets, ttc: ttc, vat: r, net: net),
                        category: DinerCategory.guests, rate: r)
                }
            }
        }
    }

    /// Admission fee per cover, the client paying its share.
    static func admissionFee(_ term: Term, schedule: PriceSchedule, vat: VATRate, share: Percentage, scope: TermScope)
        -> Evaluator
    {
        let valid = scope.valid
        let termStart = scope.termStart
        let index = scope.index
        let sites = scope.sites
        let revision = term.revision
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let segs = try pieces(
                schedule, revision: revision, termStart: termStart, within: within, index: index, termLine: term.line)
            for site in sites {
                for i in 0..<segs.count {
                    let (p, price, why) = segs[i]
                    let covers = s.table.sum(CoverTable.total, in: p, site: site)
                    guard covers > 0 else { continue }
                    let unit =
                        try share == .full
                        ? price : Compiler.checked(term.line) { () throws(MoneyOverflow) in try price.percent(share) }
                    // Facts for the explanation only: built when it is.
                    var clientShare: LineFacts.ClientShare? {
                        share == .full ? nil : LineFacts.ClientShare(percent: share, fullPrice: price)
                    }
                    let label = segs.count > 1 ? term.label + suffix(p, of: segs.count) : term.label
                    if schedule.includesVAT {
                        let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                            try unit.times(covers, excludingVATAt: vat)
                        }
                        s.append(
                            term, label: label + " (\(covers) couverts à \(unit) TTC)", quantity: 1,
                            unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice },
                            net: net, vat: vat,
                            site: site.name, period: p,
                            facts: .admissionFee(
                                covers: covers, unit: unit, includesVAT: true, vat: vat, net: net, share: clientShare,
                                revision: why))
                    } else {
                        let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try unit.times(covers) }
                        s.append(
                            term, label: label, quantity: covers, unit: unit, net: net, vat: vat, site: site.name,
                            period: p,
                            facts: .admissionFee(
                                covers: covers, unit: unit, includesVAT: false, vat: vat, net: net, share: clientShare,
                                revision: why))
                    }
                }
            }
        }
    }

    /// A percentage of badge holders' cafeteria tickets.
    static func cafeteriaParticipation(_ term: Term, pct: Percentage, scope: TermScope) -> Evaluator {
        let valid = scope.valid
        let sites = scope.sites
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let lo = within.start.ordinal, hi = within.end.ordinal
            let days = s.revenue.days
            for site in sites {
                var byRate = RateTotals()
                for i in days.indices where s.table.matches(i, lo: lo, hi: hi, site: site) {
                    for (r, m) in days[i].cafeteriaTTC {
                        try Compiler.checked(term.line) { () throws(MoneyOverflow) in try byRate.add(r, m) }
                    }
                }
                for (r, ttc) in byRate.sorted() {
                    guard !ttc.isZero else { continue }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                        try ttc.percent(pct, excludingVATAt: r)
                    }
                    s.append(
                        term, label: "\(term.label) (TVA \(r.french) %)", quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice }, net: net,
                        vat: r,
                        site: site.name, period: within,
                        facts: .cafeteriaParticipation(percent: pct, ttc: ttc, vat: r, net: net),
                        rate: r, guests: false)
                }
            }
        }
    }

    /// A fixed fee per period, in advance or in arrears, prorated on partial periods.
    static func flatFee(
        _ term: Term, schedule: PriceSchedule, per: FeePeriodicity, vat: VATRate, timing: FeeTiming, scope: TermScope
    ) -> Evaluator {
        let valid = scope.valid
        let termStart = scope.termStart
        let index = scope.index
        let revision = term.revision
        return { (s: inout EvaluationState) throws(EvaluationError) in
            for f in feePeriods(per, timing: timing, billedIn: s.period) {
                guard let within = f.intersection(valid) else { continue }
                let segs = try pieces(
                    schedule, revision: revision, termStart: termStart, within: within, index: index,
                    termLine: term.line)
                for i in 0..<segs.count {
                    let (p, price, why) = segs[i]
                    let full = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try price.times(1) }
                    let net =
                        try p.dayCount == f.dayCount
                        ? full
                        : Compiler.checked(term.line) { () throws(MoneyOverflow) in
                            try full.prorated(p.dayCount, over: f.dayCount)
                        }
                    var prorata: LineFacts.Prorata? {
                        p.dayCount == f.dayCount ? nil : LineFacts.Prorata(days: p.dayCount, of: f.dayCount)
                    }
                    let label =
                        "\(term.label) \(feePeriodName(f))\(p == f ? "" : " (du \(p.start.french) au \(p.end.french))")"
                    s.append(
                        term, label: label, quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try net.asPrice }, net: net,
                        vat: vat, site: nil, period: p,
                        facts: .flatFee(
                            full: full, per: per == .month ? .month : .quarter,
                            timing: timing == .inArrears ? .inArrears : .inAdvance,
                            prorata: prorata, net: net, revision: why), fee: true)
                }
            }
        }
    }

    /// A fee per cover with a floor per period.
    static func floorFee(
        _ term: Term, floor: Money, perCover: Price, per: FeePeriodicity, vat: VATRate, scope: TermScope
    ) -> Evaluator {
        let valid = scope.valid
        let allSites = scope.allSites
        return { (s: inout EvaluationState) throws(EvaluationError) in
            for f in feePeriods(per, timing: .inArrears, billedIn: s.period) {
                guard let within = f.intersection(valid) else { continue }
                let covers = s.table.sum(CoverTable.total, in: within, site: allSites)
                let variable = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try perCover.times(covers)
                }
                let minimum =
                    try within == f
                    ? floor
                    : Compiler.checked(term.line) { () throws(MoneyOverflow) in
                        try floor.prorated(within.dayCount, over: f.dayCount)
                    }
                var prorata: LineFacts.Prorata? {
                    within == f ? nil : LineFacts.Prorata(days: within.dayCount, of: f.dayCount)
                }
                let label = "\(term.label) \(feePeriodName(f))"
                if variable >= minimum {
                    s.append(
                        term, label: label, quantity: covers, unit: perCover, net: variable, vat: vat, site: nil,
                        period: within,
                        facts: .floorFee(
                            floor: minimum, prorata: prorata, perCover: perCover, covers: covers, variable: variable,
                            billed: variable),
                        fee: true)
                } else {
                    s.append(
                        term, label: label, quantity: 1,
                        unit: try Compiler.checked(term.line) { () throws(MoneyOverflow) in try minimum.asPrice },
                        net: minimum, vat: vat, site: nil, period: within,
                        facts: .floorFee(
                            floor: minimum, prorata: prorata, perCover: perCover, covers: covers, variable: variable,
                            billed: minimum),
                        fee: true)
                }
            }
        }
    }

    /// A fee per cover in bands: graduated or by volume.
    static func tieredFee(
        _ term: Term, mode: TierMode, bands: [Band], per: FeePeriodicity, vat: VATRate, scope: TermScope
    ) -> Evaluator {
        let valid = scope.valid
        let allSites = scope.allSites
        return { (s: inout EvaluationState) throws(EvaluationError) in
            for f in feePeriods(per, timing: .inArrears, billedIn: s.period) {
                guard let within = f.intersection(valid) else { continue }
                let covers = s.table.sum(CoverTable.total, in: within, site: allSites)
                guard covers > 0 else { continue }
                let name = "\(term.label) \(feePeriodName(f))"
                switch mode {
                case .graduated:
                    var lower = 0
                    for b in bands {
                        let upper = b.upTo ?? Int.max
                        let inBand = max(0, min(covers, upper) - lower)
                        if inBand > 0 {
                            let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                                try b.price.times(inBand)
                            }
                            let band = LineFacts.Band(from: lower, upTo: b.upTo)
                            s.append(
                                term, label: "\(name), tranche \(band.graduatedName)", quantity: inBand, unit: b.price,
                                net: net, vat: vat,
                                site: nil, period: within,
                                facts: .graduatedFee(
                                    covers: covers, inBand: inBand, band: band, price: b.price, net: net), fee: true)
                        }
                        lower = upper
                        if covers <= upper { break }
                    }
                case .volume:
                    var reached = bands[bands.count - 1]
                    var lower = 0
                    for b in bands {
                        if let u = b.upTo, covers <= u { reached = b; break }
                        lower = b.upTo ?? lower
                    }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in
                        try reached.price.times(covers)
                    }
                    let band = LineFacts.Band(from: lower, upTo: reached.upTo)
                    s.append(
                        term, label: "\(name), tranche \(band.volumeName)", quantity: covers, unit: reached.price,
                        net: net, vat: vat,
                        site: nil, period: within,
                        facts: .volumeFee(covers: covers, band: band, price: reached.price, net: net), fee: true)
                }
            }
        }
    }

    /// Covers missing under a daily threshold, per open day and site.
    static func minimumGuarantee(_ term: Term, threshold: Int, schedule: PriceSchedule, vat: VATRate, scope: TermScope)
        -> Evaluator
    {
        let valid = scope.valid
        let termStart = scope.termStart
        let index = scope.index
        let layout = scope.layout
        let revision = term.revision
        let guaranteed = layout.sites.indices.filter { term.sites?.contains(layout.sites[$0]) ?? true }
            .map { GuaranteedSite(name: layout.sites[$0], slot: layout.siteSlots[$0]) }
        return { (s: inout EvaluationState) throws(EvaluationError) in
            guard let within = s.period.intersection(valid) else { return }
            let segs = try pieces(
                schedule, revision: revision, termStart: termStart, within: within, index: index, termLine: term.line)
            let t = s.table
            for site in guaranteed {
                for i in 0..<segs.count {
                    let (p, price, why) = segs[i]
                    let lo = p.start.ordinal, hi = p.end.ordinal
                    var missing = 0
                    var openDays = 0
                    var shortDays = 0
                    var o = 0
                    while o < t.rows.count {
                        let day = t.rows[o + CoverTable.ordinal]
                        if t.rows[o + CoverTable.site] == site.slot, t.rows[o + CoverTable.open] != 0, day >= lo,
                            day <= hi
                        {
                            openDays += 1
                            let short = max(0, threshold - t.rows[o + CoverTable.total])
                            if short > 0 { shortDays += 1; missing += short }
                        }
                        o += t.width
                    }
                    guard missing > 0 else { continue }
                    let net = try Compiler.checked(term.line) { () throws(MoneyOverflow) in try price.times(missing) }
                    s.append(
                        term, label: "\(term.label) \(site.name)\(suffix(p, of: segs.count))", quantity: missing,
                        unit: price, net: net,
                        vat: vat, site: site.name, period: p,
                        facts: .minimumGuarantee(
                            shortDays: shortDays, openDays: openDays, threshold: threshold, site: site.name,
                            missing: missing,
                            price: price, net: net, revision: why))
                }
            }
        }
    }

    /// Event orders grouped monthly (orders invoiced one by one are billed on their delivery day by the engine).
    static func groupedEvents(_ term: Term, events: EventTerms, scope: TermScope) -> Evaluator {
        let valid = scope.valid
        let perSite = scope.perSite
        return { (s: inout EvaluationState) throws(EvaluationError) in
            // Orders invoiced one by one are billed on their delivery day by the engine;
            // grouped orders are billed with the period in which their month ends.
            guard events.grouping == .monthly else { return }
            for month in feePeriods(.month, timing: .inArrears, billedIn: s.period) {
                for o in s.revenue.orders
                where month.contains(o.deliveredOn) && valid.contains(o.deliveredOn) && !o.cancelled {
                    s.lines += try priceOrder(o, term: term, events: events, perSite: perSite)
                }
            }
        }
    }
}

/// The tickets of a subsidy as recorded, for a payer's line: a site, a category, a VAT rate and the share of a ticket.
struct ShareGroupKey: Hashable {
    var site: String
    var category: String
    var rate: VATRate
    var share: Money

    /// The groups of the line at `rate`, by site, category and share (largest first), when they add up to its `net`
    /// (revenue given without its tickets, as a contract's examples give it, has none).
    static func groups(_ counts: [ShareGroupKey: Int], rate: VATRate, net: Money) -> [TicketGroup] {
        let groups = counts.filter { $0.key.rate == rate && $0.value != 0 }
            .sorted {
                ($0.key.site, $0.key.category, -$0.key.share.cents) < (
                    $1.key.site, $1.key.category, -$1.key.share.cents
                )
            }
            .map {
                TicketGroup(
                    site: $0.key.site, category: $0.key.category, tickets: $0.value, unit: $0.key.share,
                    includesVAT: true)
            }
        return groups.addUp(to: net, at: rate) ? groups : []
    }
}
