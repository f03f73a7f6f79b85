import BillingModel
import Foundation
import Ledger
import Synchronization

/// Everything the dashboard page shows for a period and a selection, read in
/// one pass over the daily aggregate (and one query over the event orders for
/// "invoiced or not"): the same figures as `byDay`, `total`, `invoicing` and
/// `sitesAndClients`, which read the aggregate four times.
public struct Overview: Sendable, Hashable {
    public var period: Period
    public var selection: Selection
    /// Every day of the period, in order.
    public var days: [DayFigures]
    public var total: RevenueFigures
    public var invoicing: InvoicingSplit
    /// The sites and clients of the selection's scope that have revenue in the period (for choosers), not narrowed to its site or client.
    public var sites: [String]
    public var clients: [String]
}

extension Dashboard {
    /// The whole page's figures in one read transaction.
    public func overview(period: Period, selection: Selection) throws -> Overview {
        // Rows of the whole scope: the choosers list its sites and clients; the
        // selection's site and client narrow the sums, compared here on the bytes.
        let dayCount = max(0, period.dayCount)
        let activities = Activity.allCases.count
        var covers = [Int](repeating: 0, count: dayCount * activities), lines = covers
        var amounts = [Int64](repeating: 0, count: dayCount * activities), shares = amounts
        // anonymous, invoiced, not invoiced × activity
        var sums = [[Int64]](repeating: [Int64](repeating: 0, count: activities), count: 3)
        var sites = Set<String>(), clients = Set<String>()
        let wantedSite = selection.site.map { Array($0.utf8) }
        let wantedClient = selection.client.map { Array($0.utf8) }
        // A client outside the scope shows nothing (as `filter` says with `AND 0`).
        let nothing = selection.client.map { !selection.scope.contains($0) } ?? false
        var split = InvoicingSplit()
        try ledger.readRevenue { reader in
            var lastSite: [UInt8] = [], lastClient: [UInt8] = []
            var haveSite = false, haveClient = false
            try reader.forEachDailyRevenue(period: period, filter: RevenueFilter(clients: selection.scope.clients)) {
                row in
                let site = row.site, client = row.client
                // Rows come in key order (day, site, client): a name is made only when it changes.
                if !haveSite || !site.elementsEqual(lastSite) {
                    lastSite = Array(site)
                    haveSite = true
                    sites.insert(String(decoding: site, as: UTF8.self))
                }
                if !haveClient || !client.elementsEqual(lastClient) {
                    lastClient = Array(client)
                    haveClient = true
                    if !client.isEmpty { clients.insert(String(decoding: client, as: UTF8.self)) }
                }
                if nothing { return }
                if let wantedSite, !site.elementsEqual(wantedSite) { return }
                if let wantedClient, !client.elementsEqual(wantedClient) { return }
                let d = row.day - period.start.ordinal
                let a = try Self.activity(row.activity)
                guard d >= 0, d < dayCount else { return }
                let i = d * activities + a.index
                covers[i] += row.covers
                lines[i] += row.lines
                let amount = row.amount
                amounts[i] += amount
                shares[i] += row.employerShare
                if a != .events {
                    let bucket = client.isEmpty ? 0 : (row.invoiced ? 1 : 2)
                    sums[bucket][a.index] += amount
                }
            }
            split = Self.registerSplit(sums)
            try Self.addEvents(to: &split, period: period, selection: selection, reader)
        }
        let days = Self.days(period, covers: covers, lines: lines, amounts: amounts, shares: shares)
        var total = RevenueFigures()
        for d in days { total.add(d.figures) }
        func ordered(_ names: Set<String>) -> [String] { names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) } }
        return Overview(
            period: period, selection: selection, days: days, total: total, invoicing: split,
            sites: ordered(sites), clients: ordered(clients))
    }
}

/// Results computed from the ledger, kept until the ledger changes: each
/// lookup reads the ledger's change number (`LedgerChanges`, which any commit
/// moves, from this process or another) and throws everything away when it
/// moved. A value is stored under the number read before it was computed, so
/// a commit during the computation only makes the next lookup compute again.
public final class LedgerCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var version: Int?
        var values: [Key: Value] = [:]
    }

    private let changes: LedgerChanges
    private let capacity: Int
    private let state = Mutex(State())

    /// `capacity`: beyond it the cache is emptied (periods and selections are typed by users: no unbounded growth).
    public init(ledger: LedgerDatabase, capacity: Int = 256) throws {
        self.changes = try ledger.changes()
        self.capacity = max(1, capacity)
    }

    /// The value of `key` as of the ledger now: the stored one if nothing changed since, else computed and stored.
    public func value(_ key: Key, compute: () throws -> Value) throws -> Value {
        let version = try changes.version()
        let cached: Value? = state.withLock { s in
            if s.version != version {
                s.version = version
                s.values.removeAll(keepingCapacity: true)
                return nil
            }
            return s.values[key]
        }
        if let cached { return cached }
        let value = try compute()
        state.withLock { s in
            guard s.version == version else { return }
            if s.values.count >= capacity { s.values.removeAll(keepingCapacity: true) }
            s.values[key] = value
        }
        return value
    }
}
