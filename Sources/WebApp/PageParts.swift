import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// What every screen shares: notices, the documents a user may see, periods, client names, document facts,
/// line tables, the audit of a document, totals and the engine acting for a user.
extension WebApp {
    /// The confirmation after a write, from a fixed list: the URL never puts its own text on the page.
    static let notices = [
        "ligne": "Ligne modifiée.", "ecartee": "Proforma écartée.", "validee": "Proforma validée : facture émise.",
        "validees": "Proformas validées : factures émises.", "avoir": "Avoir créé.",
        "creee": "Proforma créée, à valider.",
        "utilisateur": "Utilisateur créé.", "droits": "Droits enregistrés.", "activation": "Utilisateur mis à jour.",
        "cloture": "Mois clôturé.",
        "cloture-refusee":
            "Clôture refusée : des contrôles ont échoué (voir ci-dessous) ; indiquez un motif pour clôturer malgré tout."
    ]

    func notice(_ call: Call) -> String? { call.query("fait").flatMap { Self.notices[$0] } }

    // MARK: documents and scope

    /// A document the user may see, or 404 (never the document of a client outside the scope).
    func document(_ text: String, for user: Identity) throws -> StoredInvoice {
        guard let stored = try ledger.invoice(idOrNumber: text), user.sees(client: stored.invoice.client) else {
            throw WebError.notFound
        }
        return stored
    }

    /// The longest period a page, an export or the API reads (three years): the figures of a longer one would take
    /// the server's memory and time from every other user.
    static let longestPeriodDays = 3 * 366

    /// A period typed in a query or a form, at most three years long.
    func period(_ text: String?) throws -> Period? {
        guard let text else { return nil }
        guard let p = Period(parsing: text) else {
            throw UserInputError("« \(text) » n'est pas une période : écrivez 2026-10")
        }
        guard p.dayCount <= WebApp.longestPeriodDays else {
            throw UserInputError(
                "La période « \(text) » couvre \(p.dayCount) jours : choisissez une période de trois ans au plus.")
        }
        return p
    }

    /// `01/10/2026 → 31/10/2026`: a period as the pages show days.
    func frenchSpan(_ period: Period) -> String { "\(period.start.french) → \(period.end.french)" }

    /// `C0003 — Kairos Logistique SARL`: a client or payer code with its name from the settings.
    func named(_ code: String) -> String {
        if let c = workspace.settings.client(code) { return "\(code) — \(c.legalName)" }
        if let p = workspace.settings.payer(code)?.payer { return "\(code) — \(p.legalName)" }
        return code
    }

    /// A document's facts, in French, with the documents it is linked to: the invoice a credit note credits,
    /// an invoice's credit notes and what is left to credit, the document that replaced a discarded proforma.
    func facts(_ i: Invoice, user: Identity) throws -> [[String: Any]] {
        func fact(_ key: String, _ label: String, _ text: String, links: [(String, String)] = []) -> [String: Any] {
            ["key": key, "label": label, "text": text, "links": links.map { ["href": $0.0, "text": $0.1] }]
        }
        var f = [
            fact("doc-type", "Type", i.type == .invoice ? "Facture" : "Avoir"),
            fact("doc-statut", "Statut", statusName(i.status)),
            fact("doc-client", "Client", named(i.client))
        ]
        if let payer = i.payer { f.append(fact("doc-payeur", "Payé par", named(payer))) }
        f.append(
            fact("doc-periode", "Période", "du \(i.documentPeriod.start.french) au \(i.documentPeriod.end.french)"))
        f.append(fact("doc-origine", "Origine", originName(i.origin) + (i.automatic ? " (automatique)" : "")))
        if let site = i.site {
            f.append(fact("doc-site", "Site", workspace.settings.site(site).map { "\(site) — \($0.name)" } ?? site))
        }
        if let po = i.poNumber { f.append(fact("doc-commande", "Bon de commande", po)) }
        if i.type == .invoice {
            f.append(fact("doc-conditions", "Conditions de paiement", InvoiceDocuments.frenchTerms(i.paymentTerms)))
        }
        if i.status == .issued {
            // A credit note is not owed by the client: it is set against the invoice it credits, with no due date.
            f.append(
                fact(
                    "doc-emission", "Émise le",
                    i.type == .creditNote ? i.issueDate.french : "\(i.issueDate.french), échéance \(i.dueDate.french)"))
        }
        if i.type == .creditNote, let credited = i.creditedInvoiceId,
            let number = try ledger.invoice(id: credited)?.invoice.number
        {
            f.append(
                fact(
                    "doc-credite", "Avoir sur", "à imputer sur cette facture",
                    links: [("/factures/\(credited)", number)]))
        }
        if i.type == .invoice, i.status == .issued, let id = i.id {
            let credits = try ledger.creditNotes(of: id).map(\.invoice)
            let issued = credits.filter { $0.status == .issued }
            let left = i.totalTtc - issued.map(\.totalTtc).reduce(0, +)
            let links = credits.map { c in
                c.status == .issued
                    ? ("/factures/\(c.id ?? 0)", c.number ?? "")
                    : ("/proformas/\(c.id ?? 0)", "avoir en attente #\(c.id ?? 0)")
            }
            f.append(
                fact(
                    "doc-avoirs", "Avoirs",
                    credits.isEmpty
                        ? "aucun ; reste à créditer \(euros(left)) TTC"
                        : "reste à créditer \(euros(left)) TTC", links: links))
        }
        if i.status == .discarded, let id = i.id, let next = try ledger.replacement(ofDiscarded: id) {
            let link =
                next.status == .issued
                ? ("/factures/\(next.id ?? 0)", next.number ?? "")
                : ("/proformas/\(next.id ?? 0)", "proforma #\(next.id ?? 0)")
            f.append(fact("doc-remplacee", "Remplacée par", "", links: [link]))
        }
        return f
    }

    func statusName(_ s: InvoiceStatus) -> String {
        switch s {
        case .proforma: return "proforma";
        case .issued: return "émise";
        case .discarded: return "écartée"
        }
    }

    func originName(_ o: InvoiceOrigin) -> String {
        switch o {
        case .contract: return "contrat"
        case .events: return "événement"
        case .correction: return "correction"
        case .manual: return "saisie manuelle"
        case .credit: return "avoir"
        }
    }

    /// The lines in French (explanations included), each with the revenue behind it (`revenue`, from `LedgerDatabase.revenueBehind`).
    func lineContext(_ s: StoredInvoice, editable: Bool, csrf: String, revenue: [LineRevenue] = []) -> [[String: Any]] {
        let behind = Dictionary(revenue.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        return s.lines.map { l in
            [
                "position": l.position, "label": l.label, "quantity": French.count(l.quantity),
                "price": l.price.french + " €", "net": euros(l.net),
                "rate": l.rate.oneDecimal.replacingOccurrences(of: ".", with: ",") + " %",
                "termLine": l.termLine.map(String.init) ?? "",
                // The contract line that priced it, a link to that line of the client's contract.
                "termLink": l.termLine.map { "/clients/\(s.invoice.client)#contrat-ligne-\($0)" } ?? false,
                "explanation": French.explanation(l), "rawQuantity": l.quantity, "rawPrice": l.price.french,
                "rawRate": l.rate.french, "editable": editable, "csrf": csrf,
                "editAction": "/proformas/\(s.invoice.id ?? 0)/lignes",
                "revenue": revenueContext(behind[l.position], client: s.invoice.client)
            ] as [String: Any]
        }
    }

    /// A document's audit trail, actions in French.
    func auditContext(_ invoiceID: Int64?) throws -> [[String: Any]] {
        try ledger.auditLog(invoiceID: invoiceID).map {
            [
                "at": French.timestamp($0.at), "actor": $0.actor, "action": French.auditAction($0.action),
                "details": French.auditDetails($0.action, details: $0.details, parameters: $0.parameters)
            ]
        }
    }

    func totals(_ i: Invoice) -> String {
        "Total HT \(euros(i.totalHt)) · TVA \(euros(i.totalVat)) · TTC \(euros(i.totalTtc))"
    }
    func engine(for user: Identity) throws -> Engine {
        try engine(actor: user.login)
    }
}
