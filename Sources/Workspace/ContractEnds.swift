import BillingModel
import ContractLanguage
import Foundation
import Ledger

/// `ardoise report contracts --ending-within 60d`.
public struct ContractEndReport: Sendable {
    public struct Ending: Sendable, Hashable {
        public var client: String
        /// `contract` or `term line 12 (Frais de gestion)`.
        public var what: String
        public var end: Day
        public var file: String
        public var daysLeft: Int
        /// `contract/ACME/contract/2026-12-31`: the notice key before its threshold.
        public var key: String
    }

    public var today: Day
    public var within: Int
    public var ending: [Ending]
    /// Clients billed last month with no contract valid on the first day of next month.
    public var uncovered: [String]
    public var nextMonth: Day

    public var text: String {
        var out = ""
        for e in ending { out += "\(e.client)\t\(e.what)\tends \(e.end) (in \(e.daysLeft) days)\t\(e.file)\n" }
        for c in uncovered { out += "\(c)\tbilled last month, no contract valid on \(nextMonth)\n" }
        return out
            + "\(ending.count) ending within \(within) days of \(today), \(uncovered.count) clients without a contract for next month\n"
    }
}

extension Installation {
    /// Thresholds (days before the end) of the contract-end notices, one notice per contract and threshold.
    public static let contractEndThresholds = [60, 30, 7]

    public func contractsEnding(today: Day, within days: Int) throws -> ContractEndReport {
        let ledger = try self.ledger
        let contracts = rules(today: today).contracts
        var ending: [ContractEndReport.Ending] = []
        let last = Day(ordinal: today.ordinal + days)
        for (client, c) in contracts.sorted(by: { $0.key < $1.key }) {
            if let until = c.validUntil, until >= today, until <= last {
                ending.append(
                    .init(
                        client: client, what: "contract", end: until, file: c.file,
                        daysLeft: until.ordinal - today.ordinal,
                        key: "contract/\(client)/contract/\(until)"))
            }
            for t in c.terms {
                guard let until = t.validUntil, until >= today, until <= last, until != c.validUntil else { continue }
                ending.append(
                    .init(
                        client: client, what: "term line \(t.line) (\(t.label))", end: until, file: c.file,
                        daysLeft: until.ordinal - today.ordinal, key: "contract/\(client)/line\(t.line)/\(until)"))
            }
        }
        // Clients billed last month (an issued contract invoice whose period ends in it) with no contract for next month.
        let thisMonth = Period.month(of: today)
        let lastMonth = Period.month(of: Day(ordinal: thisMonth.start.ordinal - 1))
        let nextMonth = Day(ordinal: thisMonth.end.ordinal + 1)
        let billed = Set(
            try ledger.invoices(status: .issued, period: lastMonth).filter { $0.origin == .contract }.map(\.client))
        let uncovered = billed.filter { contracts[$0].map { !$0.validity.contains(nextMonth) } ?? true }.sorted()
        return ContractEndReport(
            today: today, within: days, ending: ending.sorted { ($0.end, $0.client) < ($1.end, $1.client) },
            uncovered: uncovered, nextMonth: nextMonth)
    }

    /// Queues a notice to the finance address for each contract (or term)
    /// that reached a threshold (60, 30, 7 days before its end): once per
    /// contract and threshold; a missed day sends only the tightest threshold reached.
    @discardableResult
    public func queueContractEndNotices(on day: Day, at date: Date = Date()) throws -> [String] {
        let ledger = try self.ledger
        guard let finance = settings.reminders.financeEmail else { return [] }
        let report = try contractsEnding(today: day, within: Self.contractEndThresholds.max() ?? 60)
        let domain = settings.smtp?.fromAddress.split(separator: "@").last.map(String.init) ?? "ardoise.invalid"
        var out: [String] = []
        for e in report.ending {
            guard let threshold = Self.contractEndThresholds.sorted().first(where: { e.daysLeft <= $0 }) else {
                continue
            }
            let key = "\(e.key)/\(threshold)"
            let name = settings.client(e.client)?.legalName ?? e.client
            let subject =
                "Fin de contrat : \(name) (\(e.client)), \(e.what == "contract" ? "contrat" : e.what) le \(e.end.french)"
            let body = """
                Bonjour,

                Le \(e.what == "contract" ? "contrat" : "terme (\(e.what))") du client \(name) (\(e.client)) prend fin le \(e.end.french), dans \(e.daysLeft) jours (fichier \(e.file)).

                Sans nouveau contrat ou avenant, ce client ne sera plus facturé après cette date.

                -- Ardoise

                """
            let id = key.replacingOccurrences(of: "/", with: ".")
            let notice = Notice(
                kind: .contractEnd, key: key, invoiceId: nil, customer: e.client, dueOn: day,
                messageId: "<\(id).\(settings.seller.siren)@\(domain)>", recipients: [finance], subject: subject,
                body: body,
                createdAt: LedgerDatabase.timestamp(date))
            if try ledger.queueNotice(notice) { out.append(key) }
        }
        return out
    }
}
