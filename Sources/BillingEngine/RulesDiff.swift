import BillingModel
import ContractLanguage
import Ledger

/// What a change of contracts would change in the money billed: the drafts of
/// two rule sets over the same revenue, compared client by client, document
/// by document and line by line. Nothing is written; the comparison is pure.
public struct RulesDiff: Sendable {
    /// HT and TTC of a set of documents (credit notes count negative).
    public struct Amounts: Sendable, Equatable {
        public var ht: Money
        public var ttc: Money
        public init(ht: Money = .zero, ttc: Money = .zero) { self.ht = ht; self.ttc = ttc }
        public static let zero = Amounts()
        public static func + (a: Amounts, b: Amounts) -> Amounts { Amounts(ht: a.ht + b.ht, ttc: a.ttc + b.ttc) }
        public static func - (a: Amounts, b: Amounts) -> Amounts { Amounts(ht: a.ht - b.ht, ttc: a.ttc - b.ttc) }
        public var isZero: Bool { ht.isZero && ttc.isZero }
    }

    public enum Change: String, Sendable {
        case added, removed, changed
    }

    /// One invoice line that differs: present on one side only, or on both with other figures.
    public struct LineChange: Sendable {
        public var change: Change
        public var before: NewInvoiceLine?
        public var after: NewInvoiceLine?
        /// The label a reader knows the line by (the new one when renamed).
        public var label: String { after?.label ?? before?.label ?? "" }
        /// After minus before, HT.
        public var delta: Money { (after?.net ?? .zero) - (before?.net ?? .zero) }
    }

    /// One document that differs.
    public struct DocumentChange: Sendable {
        public var change: Change
        public var kind: DocumentKind
        public var payer: String?
        public var site: String?
        public var period: Period
        public var before: Amounts?
        public var after: Amounts?
        public var dueBefore: Day?
        public var dueAfter: Day?
        public var lines: [LineChange]
    }

    /// Whether the client has a contract on each side.
    public enum ContractPresence: String, Sendable {
        /// In both rule sets.
        case both
        /// Only in the new rules: a new contract.
        case added
        /// Only in the old rules: a contract taken out.
        case removed
    }

    /// One client whose billing changes, or could not be compared.
    public struct ClientDiff: Sendable {
        public var client: String
        public var contract: ContractPresence
        /// The contract file on each side, when there is one.
        public var beforeFile: String?
        public var afterFile: String?
        public var before: Amounts
        public var after: Amounts
        /// Why a side could not be evaluated (a missing index value, …): its amounts are then unknown.
        public var beforeFailure: String?
        public var afterFailure: String?
        public var documents: [DocumentChange]

        /// After minus before, when both sides were evaluated.
        public var impact: Amounts? { beforeFailure == nil && afterFailure == nil ? after - before : nil }
    }

    /// The clients whose billing changes or fails on either side, by code.
    public var clients: [ClientDiff]
    /// Clients compared and found identical.
    public var unchangedClients: Int
    /// Sums over the clients evaluated on both sides (changed or not).
    public var before: Amounts
    public var after: Amounts
    public var impact: Amounts { after - before }
    /// Clients left out of the totals because a side failed.
    public var incomparable: [String] { clients.filter { $0.impact == nil }.map(\.client) }
    public var hasChanges: Bool { !clients.isEmpty }

    /// Compares the drafts of the old rules with those of the new ones.
    /// `beforeContracts` and `afterContracts` name each side's contract file by client:
    /// a client in one map only has had its contract added or removed.
    public init(
        before: BillingDrafts, after: BillingDrafts, beforeContracts: [String: String], afterContracts: [String: String]
    ) {
        let beforeDocs = Dictionary(grouping: before.drafts, by: \.client)
        let afterDocs = Dictionary(grouping: after.drafts, by: \.client)
        let beforeFailures = Dictionary(
            before.failures.map { ($0.client, $0.message) }, uniquingKeysWith: { a, b in a + "; " + b })
        let afterFailures = Dictionary(
            after.failures.map { ($0.client, $0.message) }, uniquingKeysWith: { a, b in a + "; " + b })
        let codes = Set(beforeContracts.keys).union(afterContracts.keys).union(beforeDocs.keys).union(afterDocs.keys)
            .union(beforeFailures.keys).union(afterFailures.keys)
        var clients: [ClientDiff] = []
        var unchanged = 0
        var totalBefore = Amounts.zero, totalAfter = Amounts.zero
        for code in codes.sorted() {
            let old = beforeDocs[code] ?? [], new = afterDocs[code] ?? []
            let presence: ContractPresence =
                beforeContracts[code] == nil ? .added : afterContracts[code] == nil ? .removed : .both
            var diff = ClientDiff(
                client: code, contract: presence, beforeFile: beforeContracts[code], afterFile: afterContracts[code],
                before: RulesDiff.amounts(of: old), after: RulesDiff.amounts(of: new),
                beforeFailure: beforeFailures[code], afterFailure: afterFailures[code],
                documents: RulesDiff.documents(before: old, after: new))
            if diff.impact != nil {
                totalBefore = totalBefore + diff.before
                totalAfter = totalAfter + diff.after
            }
            if diff.documents.isEmpty, diff.beforeFailure == nil, diff.afterFailure == nil, presence == .both {
                unchanged += 1
                continue
            }
            // A contract added or removed that bills nothing either way still shows: the reviewer should see it.
            diff.documents.sort {
                ($0.period.start, $0.payer ?? "", $0.site ?? "") < ($1.period.start, $1.payer ?? "", $1.site ?? "")
            }
            clients.append(diff)
        }
        self.clients = clients
        self.unchangedClients = unchanged
        self.before = totalBefore
        self.after = totalAfter
    }

    /// Previews the same period with both engines (same ledger, same issue date) and compares them.
    public static func compare(
        before: Engine, after: Engine, period: Period, explicitRange: Bool = false,
        issueDate: Day, only: Set<String>? = nil
    ) throws -> RulesDiff {
        let old = try before.preview(period: period, explicitRange: explicitRange, issueDate: issueDate, only: only)
        let new = try after.preview(period: period, explicitRange: explicitRange, issueDate: issueDate, only: only)
        func files(_ e: Engine) -> [String: String] {
            var out: [String: String] = [:]
            for (client, c) in e.contracts where only?.contains(client) ?? true { out[client] = c.contract.file }
            return out
        }
        return RulesDiff(before: old, after: new, beforeContracts: files(before), afterContracts: files(after))
    }

    // MARK: matching

    static func totals(_ d: NewInvoice) -> Amounts {
        // Drafts come from `draft`, which keeps out those whose totals do not fit.
        let t = (try? InvoiceTotals(lines: d.lines.map { (net: $0.net, vat: $0.vat) })) ?? .zero
        let sign: Int64 = d.type == .creditNote ? -1 : 1
        return Amounts(ht: Money(cents: sign * t.totalHT.cents), ttc: Money(cents: sign * t.totalTTC.cents))
    }

    static func amounts(of docs: [NewInvoice]) -> Amounts { docs.map(totals).reduce(.zero, +) }

    /// What makes a document the same one on both sides: its kind, payer, site,
    /// period and whether it holds the fees (the generation key says all that).
    static func identity(_ d: NewInvoice) -> String {
        "\(d.type.rawValue)|"
            + (d.generationKey ?? "\(d.client)|\(d.period)|\(d.payer ?? "")|\(d.site ?? "")|\(d.orderId ?? "")")
    }

    static func documents(before: [NewInvoice], after: [NewInvoice]) -> [DocumentChange] {
        var remaining = Dictionary(grouping: before, by: identity)
        var out: [DocumentChange] = []
        for new in after {
            let id = identity(new)
            if var candidates = remaining[id], !candidates.isEmpty {
                let old = candidates.removeFirst()
                remaining[id] = candidates
                let lines = RulesDiff.lines(before: old.lines, after: new.lines)
                if !lines.isEmpty || old.dueDate != new.dueDate {
                    out.append(
                        DocumentChange(
                            change: .changed, kind: new.type, payer: new.payer, site: new.site, period: new.period,
                            before: totals(old), after: totals(new), dueBefore: old.dueDate, dueAfter: new.dueDate,
                            lines: lines))
                }
            } else {
                out.append(
                    DocumentChange(
                        change: .added, kind: new.type, payer: new.payer, site: new.site, period: new.period,
                        before: nil, after: totals(new), dueBefore: nil, dueAfter: new.dueDate,
                        lines: new.lines.map { LineChange(change: .added, before: nil, after: $0) }))
            }
        }
        for old in before where remaining[identity(old)]?.isEmpty == false {
            let id = identity(old)
            remaining[id]?.removeFirst()
            out.append(
                DocumentChange(
                    change: .removed, kind: old.type, payer: old.payer, site: old.site, period: old.period,
                    before: totals(old), after: nil, dueBefore: old.dueDate, dueAfter: nil,
                    lines: old.lines.map { LineChange(change: .removed, before: $0, after: nil) }))
        }
        return out
    }

    /// Pairs the lines of one document, most specific key first: the same
    /// label, revenue type, site, service period, VAT rate and order; then the
    /// same label whatever the period or rate (a price or rate change); then
    /// the same revenue type, site and service period (a renamed line).
    /// Lines paired and equal in money and wording are left out.
    static func lines(before: [NewInvoiceLine], after: [NewInvoiceLine]) -> [LineChange] {
        let keys: [(NewInvoiceLine) -> String?] = [
            {
                "\($0.label)|\($0.revenueType ?? "")|\($0.site ?? "")|\($0.service.map(\.description) ?? "")|\($0.vat)|\($0.orderId ?? "")"
            },
            { "\($0.label)|\($0.revenueType ?? "")|\($0.site ?? "")|\($0.orderId ?? "")" },
            // Without a revenue type, two unrelated lines would look alike: only labels pair them.
            { l in
                l.revenueType.map { "\($0)|\(l.site ?? "")|\(l.service.map(\.description) ?? "")|\(l.orderId ?? "")" }
            }
        ]
        var partnerOfAfter = [Int?](repeating: nil, count: after.count)
        var paired = [Bool](repeating: false, count: before.count)
        for key in keys {
            var free: [String: [Int]] = [:]
            for (i, l) in before.enumerated() where !paired[i] {
                if let k = key(l) { free[k, default: []].append(i) }
            }
            for (j, l) in after.enumerated() where partnerOfAfter[j] == nil {
                guard let k = key(l), var list = free[k], !list.isEmpty else { continue }
                let i = list.removeFirst()
                free[k] = list
                partnerOfAfter[j] = i
                paired[i] = true
            }
        }
        // In the new document's order, each removed line where it stood in the old one.
        var out: [LineChange] = []
        var nextBefore = 0
        func flushRemoved(upTo limit: Int) {
            while nextBefore < limit {
                if !paired[nextBefore] {
                    out.append(LineChange(change: .removed, before: before[nextBefore], after: nil))
                }
                nextBefore += 1
            }
        }
        for (j, l) in after.enumerated() {
            guard let i = partnerOfAfter[j] else {
                out.append(LineChange(change: .added, before: nil, after: l))
                continue
            }
            flushRemoved(upTo: i)
            let old = before[i]
            if old.label != l.label || old.quantity != l.quantity || old.unitPrice != l.unitPrice || old.net != l.net
                || old.vat != l.vat
                || old.service != l.service
            {
                out.append(LineChange(change: .changed, before: old, after: l))
            }
        }
        flushRemoved(upTo: before.count)
        return out
    }
}

extension BillingFailure {
    /// A client left unevaluated for a reason found outside the engine (the diff's retired clients).
    public init(client: String, reason: String) {
        self.init(client: client, message: reason)
    }
}
