import BillingModel
import Foundation
import Hummingbird
import Ledger

/// Paiements reçus: the bank credits imported (`ardoise payments import`), each with the invoices it settled and what
/// is left unmatched, unmatched ones first to look at. Payments are the company's bank account, not a client's: the
/// route table keeps the screen to users who see every client, as the home page's line on them.
extension WebApp {
    func paymentsPage(_ call: Call) throws -> Response {
        let user = try call.user
        let onlyOpen = call.query("non-rapproches") == "1"
        let all = try ledger.payments()
        let unmatched = all.filter { $0.unallocated.cents > 0 }
        // Unmatched first (a person must act on them), then the latest received first.
        let shown = (onlyOpen ? unmatched : all).sorted {
            ($0.unallocated.cents > 0 ? 0 : 1, -$0.bookingDate.ordinal, -$0.id) < (
                $1.unallocated.cents > 0 ? 0 : 1, -$1.bookingDate.ordinal, -$1.id
            )
        }
        let pageSize = 100
        let pageCount = max(1, (shown.count + pageSize - 1) / pageSize)
        let shownPage = min(max(Int(call.query("page") ?? "1") ?? 1, 1), pageCount)
        let rows: [[String: Any]] = shown.dropFirst((shownPage - 1) * pageSize).prefix(pageSize).map { p in
            let settled = p.allocations.map { "\($0.number) (\($0.amount.french) €)" }.joined(separator: ", ")
            var cells = [
                cell(p.bookingDate.french), cell(p.reference), cell(p.debtorName ?? "—"),
                cell(p.customer.map(named) ?? "—"),
                cell(p.remittance.isEmpty ? "—" : p.remittance), cell(euros(p.amount.cents), num: true)
            ]
            if let first = p.allocations.first, p.allocations.count == 1 {
                cells.append(cell(settled, link: "/factures/\(first.invoiceID)"))
            } else {
                cells.append(cell(settled.isEmpty ? "aucune" : settled))
            }
            cells.append(cell(p.unallocated.cents > 0 ? euros(p.unallocated.cents) : "—", num: true))
            return ["cells": cells, "selectable": false]
        }
        let open = unmatched.map(\.unallocated.cents).reduce(0, +)
        let received = all.map(\.amount.cents).reduce(0, +)
        var context: [String: Any] = [
            "heading": "Paiements reçus", "hasFilters": true,
            "filters": [
                filter(
                    "non-rapproches", "Afficher", value: onlyOpen ? "1" : "",
                    choices: [("", "tous les paiements"), ("1", "les non rapprochés seulement")])
            ],
            "summary":
                "\(all.count) paiement\(all.count > 1 ? "s" : "") reçu\(all.count > 1 ? "s" : "") (\(euros(received))) ; "
                + (unmatched.isEmpty
                    ? "tous rapprochés de leurs factures."
                    : "\(unmatched.count) non rapproché\(unmatched.count > 1 ? "s" : "") (\(euros(open))) : les factures qu'ils paient restent dues "
                        + "jusqu'au rapprochement."),
            "sections": [
                [
                    "tableId": "paiements", "selectable": false,
                    "headers": [
                        "Reçu le", "Référence", "Donneur d'ordre", "Client ou payeur", "Libellé du virement", "Montant",
                        "Factures réglées", "Non rapproché"
                    ],
                    "rows": rows
                ]
            ]
        ]
        if pageCount > 1 {
            var pager: [String: Any] = [
                "label": "page \(shownPage) sur \(pageCount) (\(rows.count) sur \(shown.count))"
            ]
            let kept = onlyOpen ? "non-rapproches=1&" : ""
            if shownPage > 1 { pager["previous"] = "/paiements?\(kept)page=\(shownPage - 1)" }
            if shownPage < pageCount { pager["next"] = "/paiements?\(kept)page=\(shownPage + 1)" }
            context["pager"] = pager
        }
        return html(
            page(
                title: "Paiements reçus", content: render("table", context), identity: user, csrf: call.csrf,
                current: .invoices))
    }
}
