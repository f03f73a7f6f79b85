import BillingModel
import ContractLanguage
import Ledger

extension Engine {
    /// What evaluating each planned (client, period) would read now, as one digest each ("v18 billing
    /// inputs"), keyed by `LedgerDatabase.billingInputsKey`: the client's contract file with the settings
    /// (`sourceDigests`), the register file version of every site-day of the contract's revenue window (a
    /// version's tickets never change; any client's tickets may be at any site) and each order of the client
    /// delivered in the window, its current revision, whether an import conflict holds it and whether a
    /// document other than the contract's bills it. Reads the site-days and orders of the plan's window
    /// once (two small queries), never the tickets. Clients without a source digest are left out.
    func inputDigests(_ plan: [(CompiledContract, Period)]) throws -> [String: BillingInputs] {
        let planned = plan.filter { sourceDigests[$0.0.contract.client] != nil }
        guard let window = window(planned) else { return [:] }
        let files = try ledger.currentFiles(period: window).map {
            (day: $0.key.day.ordinal, site: $0.key.site, file: $0.value)
        }
        .sorted { ($0.day, $0.site) < ($1.day, $1.site) }
        let orders = Dictionary(grouping: try ledger.orderInputs(period: window), by: \.client)
        var byWindow: [Period: String] = [:]
        var out: [String: BillingInputs] = [:]
        for (compiled, period) in planned {
            let client = compiled.contract.client
            guard let source = sourceDigests[client] else { continue }
            let w = compiled.revenueWindow(for: period)
            let filesDigest: String
            if let kept = byWindow[w] {
                filesDigest = kept
            } else {
                var text = ""
                for f in files where f.day >= w.start.ordinal && f.day <= w.end.ordinal {
                    text += "\(f.site)\t\(f.day)\t\(f.file)\n"
                }
                filesDigest = ContentHash.sha256(text.utf8)
                byWindow[w] = filesDigest
            }
            var text =
                "ardoise billing inputs 1\n\(client)\n\(period.start)..\(period.end)\n\(w.start)..\(w.end)\n\(source)\n\(filesDigest)\n"
            for o in orders[client] ?? [] where w.contains(o.deliveredDay) {
                text += "order\t\(o.orderID)\t\(o.revisionID)\t\(o.held)\t\(o.billedElsewhere)\n"
            }
            out[LedgerDatabase.billingInputsKey(client: client, period: period)] = BillingInputs(
                client: client, period: period,
                digest: ContentHash.sha256(text.utf8))
        }
        return out
    }

    /// The inputs to record with what an evaluation stored: those of the planned periods whose client did not fail.
    func recordable(_ plan: [(CompiledContract, Period)], _ inputs: [String: BillingInputs], _ billing: BillingDrafts)
        -> [BillingInputs]
    {
        let failed = Set(billing.failures.map(\.client))
        return plan.compactMap { c, p in
            failed.contains(c.contract.client)
                ? nil : inputs[LedgerDatabase.billingInputsKey(client: c.contract.client, period: p)]
        }
    }
}
