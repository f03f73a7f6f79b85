import BillingEngine
import BillingModel
import Hummingbird
import Ledger

/// Accueil: the day's work of the person signed in, each item a link to the screen where it is done —
/// proformas waiting (count and total), documents whose e-mail failed, payments no invoice matched, and the
/// closing of the last month (open, what blocks it, or closed). Only what the person may see: their
/// clients, and the whole company's items (payments, closing) only to people who see every client.
extension WebApp {
    /// One item of the day's work.
    struct WorkItem {
        var id: String
        var text: String
        var href: String
        /// Nothing to do: shown quieter.
        var done: Bool
    }

    func home(_ call: Call) throws -> Response {
        let user = try call.user
        let items = try work(of: user)
        let links: [[String: Any]] = Feature.allCases.compactMap { f in
            guard user.can(f, .read), let href = f.home else { return nil }
            if f == .closing && !seesEveryClient(user) { return nil }
            return ["href": href, "label": f.title]
        }
        let body = render(
            "home",
            [
                "heading": "Bonjour \(user.access.user.displayName)",
                "items": items.map { ["id": $0.id, "text": $0.text, "href": $0.href, "done": $0.done] },
                "hasItems": !items.isEmpty,
                "noRight": links.isEmpty,
                "links": links
            ])
        return html(page(title: "Accueil", content: body, identity: user, csrf: call.csrf))
    }

    /// What a failed closing check says on the home page: what blocks the closing (the check's title says what it wants).
    static func closingBlocker(_ kind: ClosingCheck.Kind) -> String {
        switch kind {
        case .proformasWaiting: "des proformas du mois attendent"
        case .revenueBilled: "du revenu du mois n'est ni facturé ni reconnu"
        case .eventOrdersInvoiced: "des commandes d'événements livrées ne sont pas facturées"
        case .numbering: "la numérotation a une rupture"
        case .entries: "des écritures manquent ou diffèrent des documents"
        case .mails: "des courriels du mois ne sont pas partis"
        case .vatOnReceipts: "la TVA en attente ne correspond pas aux factures impayées"
        case .platformDelivery: "des documents du mois ne sont pas remis à la plateforme agréée"
        }
    }

    func work(of user: Identity) throws -> [WorkItem] {
        var items: [WorkItem] = []
        let scope = seesEveryClient(user) ? nil : user.access.clients ?? []
        if user.can(.proformas, .read) {
            let waiting = try ledger.documentPage(
                DocumentFilter(statuses: [.proforma], scope: scope), page: 1, pageSize: 1)
            items.append(
                WorkItem(
                    id: "a-faire-proformas",
                    text: waiting.count == 0
                        ? "Aucune proforma à contrôler."
                        : "\(waiting.count) proforma\(waiting.count > 1 ? "s" : "") à contrôler, \(euros(waiting.totalTtc)) TTC.",
                    href: "/proformas", done: waiting.count == 0))
        }
        if user.can(.invoices, .read) {
            let failed = try ledger.outbox(status: .failed).filter { user.sees(client: $0.client) }
            items.append(
                WorkItem(
                    id: "a-faire-envois",
                    text: failed.isEmpty
                        ? "Tous les documents émis sont envoyés ou en cours d'envoi."
                        : "\(failed.count) document\(failed.count > 1 ? "s" : "") émis dont l'envoi a échoué : \(failed.prefix(5).map(\.number).joined(separator: ", "))\(failed.count > 5 ? "…" : "").",
                    href: failed.count == 1 ? "/factures/\(failed[0].message.invoiceId)" : "/factures",
                    done: failed.isEmpty))
        }
        if user.can(.invoices, .read) && workspace.settings.transmission.usesPlatform {
            // Rejected or refused by the platform, or a submission it refused: the accountant credits and issues again.
            let rejected = try ledger.platformFlows(kinds: [.invoice]).filter {
                $0.flow.needsPerson && user.sees(client: $0.client)
            }
            if !rejected.isEmpty {
                items.append(
                    WorkItem(
                        id: "a-faire-plateforme",
                        text:
                            "\(rejected.count) document\(rejected.count > 1 ? "s" : "") rejeté\(rejected.count > 1 ? "s" : "") ou refusé\(rejected.count > 1 ? "s" : "") par la plateforme : "
                            + rejected.prefix(5).map(\.number).joined(separator: ", ") + (rejected.count > 5 ? "…" : "")
                            + ".",
                        href: rejected.count == 1 ? "/factures/\(rejected[0].flow.invoiceId)" : "/factures", done: false
                    ))
            }
        }
        if seesEveryClient(user) && user.can(.invoices, .read) {
            // Every payment is read to find them: kept until the ledger changes, as the other page parts.
            let text = try kept(.unmatchedPayments, csrf: "") {
                let open = try ledger.payments().filter { $0.unallocated.cents > 0 }
                let amount = open.map(\.unallocated.cents).reduce(0, +)
                return open.isEmpty
                    ? ""
                    : "\(open.count) paiement\(open.count > 1 ? "s" : "") reçu\(open.count > 1 ? "s" : "") non rapproché\(open.count > 1 ? "s" : "") (\(euros(amount))) : les factures qu'ils paient restent dues."
            }
            items.append(
                WorkItem(
                    id: "a-faire-paiements",
                    text: text.isEmpty ? "Tous les paiements reçus sont rapprochés de leurs factures." : text,
                    href: text.isEmpty ? "/paiements" : "/paiements?non-rapproches=1", done: text.isEmpty))
        }
        if seesEveryClient(user) && user.can(.closing, .read) {
            let month = lastEndedMonth
            let name = month.frenchName.prefix(1).uppercased() + month.frenchName.dropFirst()
            let state = try kept(.closingState(month, today), csrf: "") {
                let report = try engine(for: user).closingReport(
                    month: month, today: today, evaluations: unbilledEvaluations)
                let failing = report.checks.filter { !$0.passed }
                return report.closed
                    ? "closed|\(name) est clôturé."
                    : failing.isEmpty
                        ? "open|\(name) peut être clôturé : tous les contrôles sont réussis."
                        : "open|\(name) n'est pas clôturé : \(failing.map { Self.closingBlocker($0.kind) }.joined(separator: " ; "))."
            }
            items.append(
                WorkItem(
                    id: "a-faire-cloture", text: String(state.drop { $0 != "|" }.dropFirst()),
                    href: "/cloture?mois=\(month.name)", done: state.hasPrefix("closed|")))
        }
        return items
    }
}
