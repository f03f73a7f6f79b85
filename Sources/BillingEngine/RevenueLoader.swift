import BillingModel
import ContractLanguage
import Foundation
import Ledger

/// Turns the ledger's aggregates into the daily revenue compiled contracts
/// are evaluated on, for every client at once (one pass over the period).
struct RevenueLoader {
    let ledger: LedgerDatabase

    struct Loaded {
        var byClient: [String: ClientRevenue]
        /// Ledger rows of clients no settings know: reported as unbilled.
        var unknownClients: [String: (covers: Int, employerShare: Money, guests: Money, sites: Set<String>)]
    }

    func load(window: Period, contracts: [String: Contract], knownClients: Set<String>) throws -> Loaded {
        let scanned = try scanInParallel(
            files: ledger.currentFiles(period: window), caps: RevenueLoader.caps(contracts))
        return assemble(
            scanned, open: try ledger.siteDaysWithTickets(period: window),
            orders: try ledger.deliveredOrders(period: window, onlyForPeriodicBilling: true),
            contracts: contracts, knownClients: knownClients)
    }

    /// `LedgerDatabase.periodRevenue(files:)` on every core: the site-days in (day, site) order cut into one run per
    /// core, each read by its own connection, the results put end to end in that order, which is the order of
    /// one scan of all the files (its days sorted by day and site). A file version's ticket lines never change,
    /// so the parts read the same lines whatever commits in between.
    func scanInParallel(files: [SiteDayKey: Int64], caps: [ClientCategory: Money], parts wanted: Int? = nil) throws
        -> PeriodRevenue
    {
        let ordered = files.sorted { ($0.key.day, $0.key.site) < ($1.key.day, $1.key.site) }
        let parts = max(
            1, min(wanted ?? min(ProcessInfo.processInfo.activeProcessorCount, ordered.count / 64), ordered.count))
        if parts == 1 { return try ledger.periodRevenue(files: files, caps: caps) }
        let size = (ordered.count + parts - 1) / parts
        let chunks = (0..<parts).map { k in
            Dictionary(
                uniqueKeysWithValues: ordered[min(k * size, ordered.count)..<min((k + 1) * size, ordered.count)].map {
                    ($0.key, $0.value)
                })
        }
        let results = WorkerSlots<Result<PeriodRevenue, any Error>>(count: parts)
        let ledger = self.ledger
        DispatchQueue.concurrentPerform(iterations: parts) { k in
            results.set(k, Result { try ledger.periodRevenue(files: chunks[k], caps: caps) })
        }
        func part(_ k: Int) throws -> PeriodRevenue {
            guard let part = try results.get(k)?.get() else {
                throw LedgerError.internalInconsistency("a revenue scan ended without a result")
            }
            return part
        }
        var all = try part(0)
        for k in 1..<parts {
            let next = try part(k)
            all.days += next.days
            all.trays += next.trays
        }
        return all
    }

    /// Every client's revenue over the register file named for each site-day (`files`, as `LedgerDatabase.currentFiles`
    /// reads them) and over `orders`: what `load(window:…)` gives when they are the current ones. The inputs are
    /// named, so what was read is known (the closing's evaluations are kept per input, `UnbilledEvaluations`).
    func load(
        files: [SiteDayKey: Int64], orders: [EventOrderSnapshot], contracts: [String: Contract],
        knownClients: Set<String>
    ) throws -> Loaded {
        let scanned = try ledger.periodRevenue(files: files, caps: RevenueLoader.caps(contracts))
        return assemble(
            scanned, open: try ledger.siteDaysWithTickets(files: files), orders: orders, contracts: contracts,
            knownClients: knownClients)
    }

    /// One client's revenue over the register file named for each site-day of
    /// the window (for instance the versions it was invoiced on): the same
    /// figures `load` gives that client when `files` are the current ones.
    /// Orders are read as they stand now.
    func load(client: String, contract: Contract, window: Period, files: [SiteDayKey: Int64]) throws -> ClientRevenue {
        let scanned = try ledger.periodRevenue(
            files: files, client: client, caps: RevenueLoader.caps([client: contract]))
        let orders = try ledger.deliveredOrders(period: window, onlyForPeriodicBilling: true).filter {
            $0.revision.client == client
        }
        return assemble(
            scanned, open: try ledger.siteDaysWithTickets(files: files), orders: orders,
            contracts: [client: contract], knownClients: [client]
        ).byClient[client] ?? ClientRevenue()
    }

    /// Tray caps (T4): Σ min(cap, ticket TTC), per day, read in the same pass as the revenue.
    static func caps(_ contracts: [String: Contract]) -> [ClientCategory: Money] {
        var caps: [ClientCategory: Money] = [:]
        for (client, c) in contracts {
            for (category, cap) in c.trayCaps { caps[ClientCategory(client: client, category: category)] = cap }
        }
        return caps
    }

    /// The revenue of the scanned days, the site-days open (T11) and the orders, by client.
    private func assemble(
        _ scanned: PeriodRevenue, open: [SiteDayKey], orders: [EventOrderSnapshot],
        contracts: [String: Contract], knownClients: Set<String>
    ) -> Loaded {
        let rows = scanned.days
        var days: [String: [String: ContractLanguage.RevenueDay]] = [:]  // client → "site|day" → day
        var unknown: [String: (covers: Int, employerShare: Money, guests: Money, sites: Set<String>)] = [:]
        for r in rows {
            guard knownClients.contains(r.client) else {
                var u = unknown[r.client] ?? (0, .zero, .zero, [])
                u.covers += r.covers
                u.employerShare += r.employerShare.values.reduce(.zero, +)
                u.guests += r.guestAmount.values.reduce(.zero, +)
                u.sites.insert(r.site)
                unknown[r.client] = u
                continue
            }
            let key = "\(r.site)|\(r.day.ordinal)"
            var d = days[r.client]?[key] ?? ContractLanguage.RevenueDay(site: r.site, day: r.day)
            if r.category == DinerCategory.guests {
                d.guestCovers += r.covers
                for (rate, m) in r.guestAmount { d.guestTTC[rate, default: .zero] += m }
            } else if r.covers > 0 {
                d.covers[r.category, default: 0] += r.covers
            }
            if !r.employerShare.isEmpty {
                for (rate, m) in r.employerShare {
                    d.employerShare[r.category, default: [:]][rate, default: .zero] += m
                }
            }
            if !r.shareCounts.isEmpty { d.shareCounts[r.category, default: []] += r.shareCounts }
            // Cafeteria participation (T7) is a share of the badge holders' tickets: guests' are not priced by it.
            if r.category != DinerCategory.guests {
                for (rate, m) in r.cafeteriaAmount { d.cafeteriaTTC[rate, default: .zero] += m }
            }
            days[r.client, default: [:]][key] = d
        }
        for t in scanned.trays {
            let key = "\(t.site)|\(t.day.ordinal)"
            days[t.client]?[key]?.cappedTTC[t.category] = t.total
        }
        // Days the site was open, for the daily guarantee (T11): a client with no cover that day still has a day.
        var openBySite: [String: [Day]] = [:]
        for k in open { openBySite[k.site, default: []].append(k.day) }
        for (client, c) in contracts where c.hasDailyGuarantee {
            for site in c.sites {
                for day in openBySite[site] ?? [] {
                    let key = "\(site)|\(day.ordinal)"
                    if days[client]?[key] == nil {
                        days[client, default: [:]][key] = ContractLanguage.RevenueDay(site: site, day: day)
                    }
                }
            }
        }
        var byClient: [String: ClientRevenue] = [:]
        for (client, map) in days {
            byClient[client] = ClientRevenue(days: map.values.sorted { ($0.day, $0.site) < ($1.day, $1.site) })
        }
        // Orders delivered in the window, as they stand now, that no other document bills.
        for snapshot in orders {
            guard let order = ContractLanguage.EventOrder(snapshot) else { continue }
            byClient[snapshot.revision.client, default: ClientRevenue()].orders.append(order)
        }
        return Loaded(byClient: byClient, unknownClients: unknown)
    }
}

extension ContractLanguage.EventOrder {
    /// The order as contracts price it, from its stored current revision.
    init?(_ s: EventOrderSnapshot) {
        guard let day = s.revision.deliveredDay else { return nil }
        self.init(
            id: s.revision.orderId, revision: s.revision.revision, site: s.revision.site,
            deliveredOn: Day(ordinal: day),
            poNumber: s.revision.poNumber, cancelled: s.revision.status == "cancelled",
            lines: s.lines.map {
                .init(
                    article: $0.article, label: $0.label, quantity: $0.quantity,
                    unitPrice: Price(tenThousandths: $0.unitPrice), vat: VATRate(tenThousandths: $0.vatRate))
            })
    }
}
