import BillingEngine
import BillingModel
import ContractLanguage
import Diagnostics
import Foundation
import Imports
import Ledger
import Settings

extension Workspace {
    /// Opens (creating and migrating) the configured ledger.
    public func openLedger() throws(WorkspaceError) -> Ledger {
        do {
            let folder = (config.databasePath as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            return try Ledger(path: config.databasePath)
        } catch {
            throw WorkspaceError("the database `\(config.databasePath)` cannot be opened: \(error)")
        }
    }

    /// Imports files or folders (default: the inbox), each file all or nothing.
    public func importFiles(_ paths: [String], into ledger: Ledger) -> [ImportResult] {
        let targets = paths.isEmpty ? [config.inboxDirectory] : paths
        let importer = Importer(ledger: ledger, knownClients: Set(settings.clients.map(\.code)))
        return importer.importPaths(targets.map { URL(fileURLWithPath: $0) })
    }

    /// The billing engine over the ledger with the contracts of the rules
    /// folder; refuses to run when a contract has errors.
    public func engine(ledger: Ledger, today: Day, actor: String = "ardoise") throws(WorkspaceError) -> BillingEngine {
        let rules = self.rules(today: today)
        if rules.diagnostics.hasErrors {
            throw WorkspaceError("the contracts have errors: run `ardoise lint`", diagnostics: rules.diagnostics, sources: rules.sources)
        }
        return BillingEngine(ledger: ledger, settings: settings, contracts: rules.contracts, actor: actor,
                             render: documents.renderer(facturX: try Workspace.facturX()))
    }
}

/// Invoices as JSON for `ardoise invoices … --format json`: amounts as decimal strings.
public enum InvoiceJSON {
    public static func encode(_ s: StoredInvoice) -> String {
        let i = s.invoice
        func money(_ cents: Int64) -> String { JSON.string(Money(cents: cents).description) }
        func opt(_ v: String?) -> String { v.map(JSON.string) ?? "null" }
        let lines = s.lines.map { l in
            JSON.object([("label", JSON.string(l.label)), ("quantity", String(l.quantity)),
                         ("unit_price", JSON.string(l.price.description)), ("net_amount", money(l.net)),
                         ("vat_rate", JSON.string(l.rate.oneDecimal))])
        }
        let vat = s.vat.map { v in
            JSON.object([("rate", JSON.string(VATRate(tenThousandths: v.rate).oneDecimal)), ("base", money(v.base)), ("vat", money(v.vat))])
        }
        return JSON.object([
            ("id", String(i.id ?? 0)), ("number", opt(i.number)), ("type", JSON.string(i.type.rawValue)),
            ("status", JSON.string(i.status.rawValue)), ("client", JSON.string(i.client)), ("payer", opt(i.payer)),
            ("site", opt(i.site)), ("period_start", JSON.string(i.periodStart)), ("period_end", JSON.string(i.periodEnd)),
            ("issue_date", JSON.string(i.issueDate)), ("due_date", JSON.string(i.dueDate)),
            ("lines", JSON.array(lines)), ("vat_breakdown", JSON.array(vat)),
            ("total_ht", money(i.totalHt)), ("total_vat", money(i.totalVat)), ("total_ttc", money(i.totalTtc)),
        ])
    }
}
