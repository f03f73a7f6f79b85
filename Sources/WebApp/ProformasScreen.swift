import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Proformas: the list of documents waiting, one proforma, editing a line, discarding and validating.
extension WebApp {
    // MARK: proformas

    /// The proformas waiting, a page of 100 at a time. The page's content is kept until the ledger changes, per
    /// query, scope and right (rendering a page of 100 rows costs several milliseconds); the CSRF token is put in each time.
    func proformaList(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        let canWrite = user.can(.proformas, .write)
        let key = CachedPart.list(
            path: "/proformas", query: call.request.uri.query ?? "", scope: scope, canWrite: canWrite)
        let content = try kept(key, csrf: call.csrf) { try proformaListContent(call, scope: scope, canWrite: canWrite) }
        return html(
            page(
                title: "Proformas à contrôler", content: content, identity: user, csrf: call.csrf, current: .proformas,
                notice: notice(call)))
    }

    func proformaListContent(_ call: Call, scope: Set<String>?, canWrite: Bool) throws -> String {
        let p = try period(call.query("periode"))
        let statusText = call.query("statut") ?? "proforma"
        // "tous": the proformas and the discarded ones (issued documents are listed under Factures).
        let statuses: [InvoiceStatus] =
            statusText == "tous" ? [.proforma, .discarded] : statusText == "ecartee" ? [.discarded] : [.proforma]
        let site = call.query("site"), client = call.query("client"), automatic = call.query("automatique")
        // A page of the list at a time, read in SQL with every filter and the user's scope: a month can leave
        // over a thousand proformas waiting; the count and totals (an SQL aggregate) cover every page.
        let pageSize = 100
        let wanted = DocumentFilter(
            statuses: statuses, client: client, scope: scope, site: site,
            automatic: automatic.map { $0 == "oui" }, period: p)
        let result = try ledger.documentPage(wanted, page: Int(call.query("page") ?? "1") ?? 1, pageSize: pageSize)
        let shown = result.documents
        // "Tout cocher" reloads the page with every box of the page checked (no script in the app).
        let checkAll = call.query("tout") == "1"
        let rows: [[String: Any]] = shown.map { i in
            var row: [String: Any] = [
                "cells": [
                    cell("#\(i.id ?? 0)", link: "/proformas/\(i.id ?? 0)"), cell(named(i.client)), cell(i.site ?? ""),
                    cell(frenchSpan(i.period)),
                    cell(i.type == .invoice ? "facture" : "avoir"), cell(originName(i.origin)),
                    cell(i.automatic ? "oui" : "non"),
                    cell(statusName(i.status)), cell(euros(i.totalHt), num: true), cell(euros(i.totalTtc), num: true)
                ], "selectable": canWrite, "checked": checkAll
            ]
            if canWrite && i.status == .proforma { row["pick"] = String(i.id ?? 0) }
            return row
        }
        var context: [String: Any] = [
            "heading": "Proformas à contrôler", "hasFilters": true,
            "filters": [
                filter("periode", "Période", value: call.query("periode"), hint: "2026-10"),
                filter("client", "Client", value: client), filter("site", "Site", value: site),
                filter(
                    "statut", "Statut", value: statusText,
                    choices: [("proforma", "à contrôler"), ("ecartee", "écartées"), ("tous", "toutes")]),
                filter(
                    "automatique", "Automatique", value: automatic ?? "",
                    choices: [("", "toutes"), ("oui", "oui"), ("non", "non")])
            ],
            "summary": "\(result.count) documents · total HT \(euros(result.totalHt)) · TTC \(euros(result.totalTtc))",
            "sections": [
                [
                    "tableId": "proformas", "selectable": canWrite,
                    "headers": ["N°", "Client", "Site", "Période", "Type", "Origine", "Auto.", "Statut", "HT", "TTC"],
                    "rows": rows
                ]
            ]
        ]
        if let pager = pager(
            result, path: "/proformas",
            filters: [
                ("periode", call.query("periode")), ("client", client), ("site", site),
                ("statut", call.query("statut")), ("automatique", automatic)
            ])
        {
            context["pager"] = pager
        }
        if canWrite {
            // The list's own filters and page only: nothing else of the query (a notice) is echoed into the links.
            var query = URLComponents()
            query.path = "/proformas"
            query.queryItems = ["periode", "client", "site", "statut", "automatique", "page"].compactMap { name in
                call.query(name).map { URLQueryItem(name: name, value: $0) }
            }
            let unchecked = query.string ?? "/proformas"
            query.queryItems = (query.queryItems ?? []) + [URLQueryItem(name: "tout", value: "1")]
            context["selection"] = [
                "action": "/proformas/valider", "formId": "form-valider-selection", "csrf": Self.csrfMark,
                "button": "Valider la sélection", "buttonId": "valider-selection", "hidden": [[String: String]](),
                "checkAll": query.string ?? "/proformas?tout=1", "uncheckAll": unchecked
            ]
        }
        return render("table", context)
    }

    func proformaPage(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard s.invoice.status != .issued else { throw WebError.notFound }
        let editable = user.can(.proformas, .write) && s.invoice.status == .proforma
        let audit = try auditContext(s.invoice.id)
        let context: [String: Any] = [
            "heading": "Proforma #\(s.invoice.id ?? 0) — \(named(s.invoice.client))",
            "facts": try facts(s.invoice, user: user),
            "lines": lineContext(s, editable: editable, csrf: call.csrf, revenue: try ledger.revenueBehind(s)),
            "totals": totals(s.invoice),
            "proformaActions": editable ? ["id": s.invoice.id ?? 0, "csrf": call.csrf] as [String: Any] : false,
            "audit": audit, "hasAudit": !audit.isEmpty
        ]
        return html(
            page(
                title: "Proforma", content: render("document", context), identity: user, csrf: call.csrf,
                current: .proformas,
                notice: notice(call)))
    }

    /// Edits one line, as `ardoise edit ID --set N "…" --reason R` does.
    func editLine(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard let id = s.invoice.id else { throw WebError.notFound }
        try requireProforma(s)
        guard let reason = call.form.trimmed("motif") else {
            throw UserInputError("Indiquez le motif de la modification.")
        }
        guard let position = call.form["position"].flatMap(Int.init),
            let index = s.lines.firstIndex(where: { $0.position == position })
        else {
            throw UserInputError("Cette proforma n'a pas de ligne \(call.form["position"] ?? "")")
        }
        let fields = ["libelle", "quantite", "prix", "tva"].map {
            (call.form[$0] ?? "").trimmingCharacters(in: .whitespaces)
        }
        if fields.contains(where: { $0.contains("|") }) {
            throw UserInputError("Le caractère « | » n'est pas permis dans une ligne.")
        }
        // Quantity, price and rate as typed in French (`1 234,56`, `5,5`); the label as typed.
        let numbers = try fields.dropFirst().map { typed in
            guard let n = TypedNumber.canonical(typed) else {
                throw UserInputError("« \(typed) » : écrivez le nombre comme 1 234,56")
            }
            return n
        }
        let text = ([fields[0]] + numbers).joined(separator: "|")
        // The bounds of a typed line, said in French before the line is read further.
        let name = "proforma \(id)"
        if !numbers[0].isEmpty, numbers[0].allSatisfy(\.isNumber), (Int(numbers[0]) ?? .max) > AmountLimits.maxQuantity
        {
            throw AmountRefusal(document: name, reason: .quantityAboveLimit(line: position, quantity: numbers[0]))
        }
        let priceText = numbers[1]
        if priceText.range(of: #"^[-+]?[0-9]+(\.[0-9]{1,4})?$"#, options: .regularExpression) != nil,
            Price(priceText).map({ $0.tenThousandths.magnitude > AmountLimits.maxUnitPrice.tenThousandths.magnitude })
                ?? true
        {
            throw AmountRefusal(document: name, reason: .unitPriceAboveLimit(line: position, price: priceText))
        }
        var lines = s.lines.map(NewInvoiceLine.init)
        lines[index] = try LineText.apply(text, to: lines[index], editedBy: user.login, reason: reason)
        try Engine.checkEdited(lines, of: s, limits: workspace.settings.limits)
        try ledger.replaceLines(id: id, lines: lines, reason: reason, actor: user.login)
        return redirect("/proformas/\(id)?fait=ligne")
    }

    func requireProforma(_ s: StoredInvoice) throws {
        guard s.invoice.status == .proforma else {
            throw UserInputError(
                "Ce document est \(statusName(s.invoice.status)) : il ne change plus (faites un avoir).")
        }
    }

    func discard(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard let id = s.invoice.id else { throw WebError.notFound }
        try requireProforma(s)
        guard let reason = call.form.trimmed("motif") else {
            throw UserInputError("Indiquez pourquoi la proforma est écartée.")
        }
        try ledger.discard(id: id, reason: reason, actor: user.login)
        return redirect("/proformas?fait=ecartee")
    }

    /// Validates the chosen proformas through the engine, as `ardoise validate ID…` does.
    func validateSelection(_ call: Call) throws -> Response {
        let user = try call.user
        let ids = call.form.all("id")
        guard !ids.isEmpty else { throw UserInputError("Cochez au moins une proforma à valider.") }
        // Every id is checked first: one outside the scope refuses the whole selection.
        let docs = try ids.map { try document($0, for: user) }
        for d in docs { try requireProforma(d) }
        // First the numbers and dates validation will give, and a person confirms: a number once given is never taken back.
        guard call.form["confirme"] == "1" else {
            let preview = try engine(for: user).previewValidation(ids: docs.compactMap(\.invoice.id), on: today)
            let rows: [[String: Any]] = preview.map { p in
                [
                    "cells": [
                        cell("#\(p.id)", link: "/proformas/\(p.id)"), cell(named(p.client)),
                        cell(p.kind == .invoice ? "facture" : "avoir"),
                        cell(p.number), cell(p.issueDate.french), cell(p.dueDate?.french ?? "—"),
                        cell(p.totalTTC.french + " €", num: true)
                    ],
                    "selectable": false
                ]
            }
            let total = preview.map(\.totalTTC).sum()
            let context: [String: Any] = [
                "heading": preview.count == 1 ? "Valider la proforma" : "Valider \(preview.count) proformas",
                "summary":
                    "\(preview.count == 1 ? "Émise" : "Émises") le \(today.french), pour \(total.french) € TTC en tout. Les numéros sont ceux que chaque série donnera "
                    + "si personne ne valide entre-temps ; un numéro donné ne se reprend pas (une erreur se corrige par un avoir).",
                "sections": [
                    [
                        "tableId": "confirmation", "selectable": false,
                        "headers": ["Proforma", "Client", "Type", "Numéro", "Émise le", "Échéance", "TTC"], "rows": rows
                    ]
                ],
                "selection": [
                    "action": "/proformas/valider", "formId": "form-confirmer", "csrf": call.csrf,
                    "button": "Confirmer la validation", "buttonId": "confirmer",
                    "hidden":
                        [["name": "confirme", "value": "1"]]
                        + docs.map { ["name": "id", "value": String($0.invoice.id ?? 0)] }
                ]
            ]
            return html(
                page(
                    title: "Validation", content: render("table", context), identity: user, csrf: call.csrf,
                    current: .proformas))
        }
        let numbers = try engine(for: user).validate(ids: docs.compactMap(\.invoice.id), on: today)
        return redirect(numbers.count == 1 ? "/proformas?fait=validee" : "/proformas?fait=validees")
    }
}
