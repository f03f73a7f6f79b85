import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Factures: issued documents (list, page, PDF and XML) and credit notes.
extension WebApp {
    // MARK: invoices and credit notes

    /// Issued documents, a page of 100 at a time, kept as the proforma list is.
    func invoiceList(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        // Payment states depend on the day (overdue after the due date): the day is part of the key.
        let key = CachedPart.list(
            path: "/factures", query: (call.request.uri.query ?? "") + "#\(today)", scope: scope, canWrite: false)
        let content = try kept(key, csrf: call.csrf) { try invoiceListContent(call, scope: scope) }
        return html(
            page(
                title: "Factures et avoirs", content: content, identity: user, csrf: call.csrf, current: .invoices,
                notice: notice(call)))
    }

    func invoiceListContent(_ call: Call, scope: Set<String>?) throws -> String {
        let p = try period(call.query("periode"))
        let client = call.query("client"), type = call.query("type")
        // A page at a time, as the proforma list: a month issues about two thousand documents.
        let kind = type.flatMap { DocumentKind(rawValue: $0) }
        // An unknown type lists nothing (no status), as before.
        let wanted = DocumentFilter(
            statuses: type != nil && kind == nil ? [] : [.issued], client: client,
            scope: scope, type: kind, period: p)
        let sort = call.query("tri") ?? ""
        let order = Self.invoiceOrders.first { $0.0 == sort }?.1 ?? .id
        let result = try ledger.documentPage(
            wanted, page: Int(call.query("page") ?? "1") ?? 1, pageSize: 100, order: order)
        let ids = result.documents.compactMap(\.id)
        let mails = try ledger.outboxStatuses(invoiceIDs: ids)
        // What each invoice of the page was paid (the ledger's allocations) and credited, as of today.
        let payments = try ledger.paymentStates(invoiceIDs: ids, asOf: today)
        let rows: [[String: Any]] = result.documents.map { i in
            [
                "cells": [
                    cell(i.number ?? "", link: "/factures/\(i.id ?? 0)"),
                    cell(i.type == .invoice ? "facture" : "avoir"), cell(named(i.client)),
                    cell(frenchSpan(i.period)), cell(i.issueDate.french),
                    cell(euros(i.totalHt), num: true), cell(euros(i.totalTtc), num: true),
                    cell(i.type == .invoice ? paymentState(payments[i.id ?? 0]) : "—"),
                    cell(mailStatus(mails[i.id ?? 0]))
                ], "selectable": false
            ]
        }
        var context: [String: Any] = [
            "heading": "Factures et avoirs", "hasFilters": true,
            "filters": [
                filter("periode", "Période", value: call.query("periode"), hint: "2026-10"),
                filter("client", "Client", value: client),
                filter(
                    "type", "Type", value: type ?? "",
                    choices: [("", "tous"), ("invoice", "factures"), ("credit_note", "avoirs")]),
                filter("tri", "Trier par", value: sort, choices: Self.invoiceOrders.map { ($0.0, $0.2) })
            ],
            "summary":
                "\(result.count) documents · total HT \(euros(result.totalHt)) · TTC \(euros(result.totalTtc)) (avoirs déduits)",
            "sections": [
                [
                    "tableId": "factures", "selectable": false,
                    "headers": ["Numéro", "Type", "Client", "Période", "Émise le", "HT", "TTC", "Paiement", "Courriel"],
                    "rows": rows
                ]
            ]
        ]
        if let pager = pager(
            result, path: "/factures",
            filters: [
                ("periode", call.query("periode")), ("client", client), ("type", type), ("tri", call.query("tri"))
            ])
        {
            context["pager"] = pager
        }
        return render("table", context)
    }

    /// The orders the invoice list offers: the query's value, the ledger's order, its French name.
    static let invoiceOrders: [(String, DocumentOrder, String)] = [
        ("", .id, "ordre d'émission"), ("numero", .numberAscending, "numéro croissant"),
        ("-numero", .numberDescending, "numéro décroissant"),
        ("date", .issueDateAscending, "date croissante"), ("-date", .issueDateDescending, "date décroissante")
    ]

    /// An invoice's payment state in French, credit notes deducted: what is left to pay is said when part was settled.
    func paymentState(_ o: OpenInvoice?) -> String {
        guard let o else { return "—" }
        let left = euros(o.balance.cents)
        switch o.state(on: today) {
        case .paid: return o.paid.cents == 0 ? "soldée par avoir" : "payée"
        case .partlyPaid: return "partiellement payée, reste \(left)"
        case .open: return "à payer"
        case .overdue: return o.paid.cents > 0 || o.credited.cents > 0 ? "en retard, reste \(left)" : "en retard"
        }
    }

    func mailStatus(_ status: String?) -> String {
        switch status {
        case "sent": return "envoyé"
        case "pending": return "en attente"
        case "failed": return "échec"
        default: return "—"
        }
    }

    func invoicePage(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard s.invoice.status == .issued, let id = s.invoice.id else { throw WebError.notFound }
        var f = try facts(s.invoice, user: user)
        f.insert(["key": "doc-numero", "label": "Numéro", "text": s.invoice.number ?? "", "links": []], at: 0)
        f.append([
            "key": "doc-courriel", "label": "Courriel",
            "text": mailStatus(try ledger.outboxMessage(invoiceID: id)?.status.rawValue),
            "links": []
        ])
        f += try platformFacts(invoiceID: id)
        let canCredit = user.can(.invoices, .write) && s.invoice.type == .invoice
        let audit = try auditContext(id)
        let context: [String: Any] = [
            "heading":
                "\(s.invoice.type == .invoice ? "Facture" : "Avoir") \(s.invoice.number ?? "") — \(named(s.invoice.client))",
            "facts": f,
            "downloads": ["pdf": "/factures/\(id)/pdf", "xml": "/factures/\(id)/xml"],
            "lines": lineContext(s, editable: false, csrf: call.csrf, revenue: try ledger.revenueBehind(s)),
            "totals": totals(s.invoice),
            "creditForm": canCredit ? ["action": "/factures/\(id)/avoir", "csrf": call.csrf] as [String: Any] : false,
            "proformaActions": false, "audit": audit, "hasAudit": !audit.isEmpty
        ]
        return html(
            page(
                title: "Facture", content: render("document", context), identity: user, csrf: call.csrf,
                current: .invoices,
                notice: notice(call)))
    }

    /// The PDF (Factur-X when issued) or the CII XML, exactly as `ardoise invoices pdf|xml`
    /// writes them: an issued document's bytes stored when it was issued, a proforma's PDF rendered now.
    func download(_ call: Call, xml: Bool) throws -> Response {
        let user = try call.user
        let stored = try document(try call.parameter("id"), for: user)
        // A proforma (or a discarded one) is the proformas screen's: its PDF needs that right, as its page does.
        if stored.invoice.status != .issued && !user.can(.proformas, .read) { throw WebError.notFound }
        if xml && stored.invoice.status != .issued {
            throw UserInputError("Une proforma n'a pas de facture électronique (XML).")
        }
        let bytes = try workspace.documentFile(stored, xml: xml, actor: user.login)
        let name = InvoiceDocuments.fileName(stored, extension: xml ? "xml" : "pdf")
        return Response(
            status: .ok,
            headers: [
                .contentType: xml ? "application/xml" : "application/pdf",
                .contentDisposition: "attachment; filename=\"\(name)\""
            ], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A credit note in full or for chosen lines and amounts, as `ardoise credit` makes it.
    func credit(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard s.invoice.status == .issued, let number = s.invoice.number else { throw WebError.notFound }
        guard let reason = call.form.trimmed("motif") else { throw UserInputError("Indiquez le motif de l'avoir.") }
        let selections: [CreditSelection] = try call.form.all("ligne").map { text in
            guard let line = Int(text) else { throw UserInputError("« \(text) » n'est pas un numéro de ligne") }
            guard let amountText = call.form.trimmed("montant-\(line)") else { return CreditSelection(line: line) }
            guard let amount = TypedNumber.canonical(amountText).flatMap({ Money($0) }) else {
                throw UserInputError("« \(amountText) » n'est pas un montant : écrivez 1 234,56")
            }
            return CreditSelection(line: line, amount: amount)
        }
        // First what will be credited, and a person confirms: a credit note is issued at once and never taken back.
        guard call.form["confirme"] == "1" else {
            let chosen = selections.isEmpty ? s.lines.map { CreditSelection(line: $0.position) } : selections
            var rows: [[String: Any]] = []
            var total = Money.zero
            for c in chosen {
                guard let l = s.lines.first(where: { $0.position == c.line }) else {
                    throw UserInputError("\(number) n'a pas de ligne \(c.line).")
                }
                let amount = c.amount ?? l.netAmount
                total += amount
                rows.append([
                    "cells": [
                        cell(String(l.position)), cell(l.label),
                        cell(c.amount == nil ? "la ligne entière" : "une partie"),
                        cell(amount.french + " €", num: true), cell(l.rate.french + " %", num: true)
                    ], "selectable": false
                ])
            }
            var hidden: [[String: String]] = [["name": "confirme", "value": "1"], ["name": "motif", "value": reason]]
            for c in selections {
                hidden.append(["name": "ligne", "value": String(c.line)])
                if let a = c.amount { hidden.append(["name": "montant-\(c.line)", "value": a.french]) }
            }
            let context: [String: Any] = [
                "heading": "Avoir sur \(number) — \(named(s.invoice.client))",
                "summary":
                    "\(selections.isEmpty ? "Toute la facture" : "\(chosen.count) ligne(s)") : \(total.french) € HT à créditer, "
                    + "émis aujourd'hui (\(today.french)) et envoyé au client. Motif : « \(reason) ».",
                "sections": [
                    [
                        "tableId": "confirmation", "selectable": false,
                        "headers": ["Ligne", "Libellé", "Crédité", "Montant HT", "TVA"], "rows": rows
                    ]
                ],
                "selection": [
                    "action": "/factures/\(s.invoice.id ?? 0)/avoir", "formId": "form-confirmer", "csrf": call.csrf,
                    "button": "Confirmer l'avoir", "buttonId": "confirmer", "hidden": hidden
                ]
            ]
            return html(
                page(
                    title: "Avoir", content: render("table", context), identity: user, csrf: call.csrf,
                    current: .invoices))
        }
        let (id, issued) = try engine(for: user).credit(
            invoice: number, selections: selections, reason: reason, on: today, issue: true)
        return redirect(issued == nil ? "/proformas/\(id)?fait=avoir" : "/factures/\(id)?fait=avoir")
    }
}
