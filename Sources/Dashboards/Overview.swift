import BillingModel
import Foundation
import Ledger
import Synchronization

/// Everything the dashboard page shows for a period and a selection, from one
/// call of the ledger's sums over the daily aggregate (`dailyRevenueSums`) and
/// one query over the event orders for "invoiced or not": the same figures as
/// `byDay`, `total`, `invoicing` and `sitesAndClients`, which read it four times.
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
        // The sums of the selection, and the sites and clients of its whole scope (the choosers list them): one
        // pass over the scope's rows on SQLite, sums and lists made by the server on PostgreSQL.
        let (sums, days, split) = try ledger.readRevenue { reader in
            let sums = try reader.dailyRevenueSums(period: period, filter: Self.filter(selection), listing: true)
            var (days, split) = try Self.accumulate(sums.sums, period: period)
            try Self.addEvents(to: &split, period: period, selection: selection, reader)
            return (sums, days, split)
        }
        var total = RevenueFigures()
        for d in days { total.add(d.figures) }
        return Overview(
            period: period, selection: selection, days: days, total: total, invoicing: split,
            sites: sums.sites, clients: sums.clients)
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
