import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import GRDB
import Hummingbird
import Ledger
import Settings
import Workspace

/// A difference with its sign: `+12,50`, `−3,00`.
func signed(_ m: Money) -> String { m.cents > 0 ? "+" + m.french : m.cents < 0 ? "−" + (-m).french : m.french }

/// French amounts: `1 234,56 €`.
func euros(_ cents: Int64) -> String { Money(cents: cents).french + " €" }

func cell(_ text: String, link: String? = nil, num: Bool = false) -> [String: Any] {
    // `link` is always there (false without one): a key a cell lacks is looked for in every enclosing
    // context (row, table, page), which made most of the rendering time of a page of 100 rows.
    ["text": text, "num": num, "link": link ?? false]
}

func filter(_ name: String, _ label: String, value: String?, hint: String = "", choices: [(String, String)] = []) -> [String: Any] {
    var f: [String: Any] = ["name": name, "label": label, "value": value ?? "", "hint": hint, "hasChoices": !choices.isEmpty]
    f["choices"] = choices.map { ["value": $0.0, "text": $0.1, "selected": $0.0 == (value ?? "")] as [String: Any] }
    return f
}

extension WebApp {
    // MARK: sign in and out

    func loginPage(_ call: Call, failed: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let token = signInToken.make()
        var context: [String: Any] = ["csrf": token]
        if let failed { context["failed"] = failed }
        var response = html(page(title: "Connexion", content: render("login", context), identity: nil, csrf: ""), status: status)
        response.setCookie(Cookie(name: Self.loginCookie, value: token, path: "/connexion", secure: options.secureCookies,
                                  httpOnly: true, sameSite: .strict))
        return response
    }

    func login(_ call: Call) throws -> Response {
        // The login form carries the value of its own cookie (double submit), and that value is one this server made
        // (signed): a form posted from elsewhere has neither, and a cookie planted with any value equal to the field fails.
        guard let sent = call.form["csrf"], let cookie = call.request.cookies[Self.loginCookie]?.value, constantTimeEqual(sent, cookie),
              signInToken.isGenuine(sent) else {
            return try loginPage(call, failed: "Le formulaire a expiré : veuillez recommencer.", status: .forbidden)
        }
        let login = call.form.trimmed("login") ?? ""
        switch try accounts.login(login, password: call.form["password"] ?? "", address: call.address) {
        case .throttled:
            return try loginPage(call, failed: "Trop de tentatives pour cet identifiant : réessayez dans 15 minutes.", status: .tooManyRequests)
        case .throttledAddress:
            return try loginPage(call, failed: "Trop de tentatives depuis votre adresse : réessayez dans 15 minutes.", status: .tooManyRequests)
        case .refused:
            return try loginPage(call, failed: "Identifiant ou mot de passe incorrect.", status: .unauthorized)
        case .success(let identity):
            guard let id = identity.access.user.id else { throw WebError(.internalServerError, "utilisateur sans id") }
            let session = try accounts.openSession(userID: id, lifetime: options.sessionLifetime)
            try ledger.audit(actor: identity.login, action: "sign in", AuditParameters(["via": .text("web")]))
            var response = redirect("/")
            response.setCookie(sessionCookie(session.token, maxAge: Int(options.sessionLifetime)))
            return response
        }
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(name: Self.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: options.secureCookies, httpOnly: true, sameSite: .strict)
    }

    func logout(_ call: Call) throws -> Response {
        if let token = call.request.cookies[Self.sessionCookie]?.value {
            try ledger.deleteSession(tokenHash: Accounts.digest(token))
            sessionActivity.forget(token)
        }
        var response = redirect("/connexion")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }

    /// Revenue by activity per day, per ISO week and cumulative over a period, for the clients in the
    /// user's scope (or one site, or one client), invoiced or not: read from the daily aggregate in one
    /// pass, and the finished page part (figures and charts) kept per period and selection until the
    /// ledger changes (any commit, from this process or another).
    func dashboard(_ call: Call) throws -> Response {
        let user = try call.user
        let board = Dashboard(ledger: ledger)
        let scope = clientScope(of: user)
        var period = try self.period(call.query("periode")) ?? Period.month(of: today)
        if call.query("periode") == nil {
            let month = period
            let empty = try kept(.monthIsEmpty(month, scope), csrf: "") {
                try board.total(period: month, selection: .scope(scope)).total.isZero ? "empty" : ""
            }
            if !empty.isEmpty { period = lastEndedMonth }  // early in a month: the month just ended
        }
        let site = call.query("site").flatMap { $0.isEmpty ? nil : $0 }
        let client = call.query("client").flatMap { $0.isEmpty ? nil : $0 }
        let selection = Selection(scope: scope, site: site, client: client)
        let shown = period
        let content = try kept(.dashboard(shown, selection), csrf: call.csrf) {
            let o = try board.overview(period: shown, selection: selection)
            let total = o.total, split = o.invoicing
            func euros(_ m: Money?) -> String { "\((m ?? .zero).french) €" }
            let rows: [[String: Any]] = DailyRevenueActivity.allCases.map { a in
                ["name": Charts.name(a), "amount": euros(total.amount(a)), "covers": total.covers[a].map { "\($0)" } ?? "—",
                 "invoiced": euros(split.invoiced[a]), "notInvoiced": euros(split.notInvoiced[a]), "anonymous": euros(split.anonymous[a])]
            }
            let scopeText = client.map { "client \($0)" } ?? site.map { "site \($0)" } ?? (scope == .all ? "tous les clients" : "vos clients")
            let context: [String: Any] = [
                "period": shown.name,
                "sites": o.sites.map { ["code": $0, "selected": $0 == site] },
                "clients": o.clients.map { ["code": $0, "name": named($0), "selected": $0 == client] },
                "summary": "\(shown.start) → \(shown.end), \(scopeText) : \(euros(total.total)), \(total.totalCovers) couverts ; "
                    + "facturé \(euros(split.invoicedTotal)), pas encore facturé \(euros(split.notInvoicedTotal))",
                "rows": rows,
                "daily": Charts.daily(o.days, title: "Chiffre d'affaires par jour et par activité"),
                "weekly": Charts.weekly(Dashboard.weeks(o.days), title: "Chiffre d'affaires par semaine ISO"),
                "cumulative": Charts.cumulative(o.days, title: "Chiffre d'affaires cumulé sur la période"),
            ]
            return render("dashboard", context)
        }
        return html(page(title: "Tableau de bord", content: content, identity: user, csrf: call.csrf, current: .dashboard))
    }

    /// The confirmation after a write, from a fixed list: the URL never puts its own text on the page.
    static let notices = [
        "ligne": "Ligne modifiée.", "ecartee": "Proforma écartée.", "validee": "Proforma validée : facture émise.",
        "validees": "Proformas validées : factures émises.", "avoir": "Avoir créé.", "creee": "Proforma créée, à valider.",
        "utilisateur": "Utilisateur créé.", "droits": "Droits enregistrés.", "activation": "Utilisateur mis à jour.",
        "cloture": "Mois clôturé.", "cloture-refusee": "Clôture refusée : des contrôles ont échoué (voir ci-dessous) ; indiquez un motif pour clôturer malgré tout.",
    ]

    func notice(_ call: Call) -> String? { call.query("fait").flatMap { Self.notices[$0] } }

    // MARK: documents and scope

    /// A document the user may see, or 404 (never the document of a client outside the scope).
    func document(_ text: String, for user: Identity) throws -> StoredInvoice {
        guard let stored = try ledger.invoice(idOrNumber: text), user.sees(client: stored.invoice.client) else { throw WebError.notFound }
        return stored
    }

    /// The longest period a page, an export or the API reads (three years): the figures of a longer one would take
    /// the server's memory and time from every other user.
    static let longestPeriodDays = 3 * 366

    /// A period typed in a query or a form, at most three years long.
    func period(_ text: String?) throws -> Period? {
        guard let text else { return nil }
        guard let p = Period(parsing: text) else { throw UserInputError("« \(text) » n'est pas une période : écrivez 2026-10") }
        guard p.dayCount <= WebApp.longestPeriodDays else {
            throw UserInputError("La période « \(text) » couvre \(p.dayCount) jours : choisissez une période de trois ans au plus.")
        }
        return p
    }

    /// `01/10/2026 → 31/10/2026`: two stored ISO days as the pages show days.
    func frenchSpan(_ start: String, _ end: String) -> String {
        "\(Day(iso: start)?.french ?? start) → \(Day(iso: end)?.french ?? end)"
    }

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
        func day(_ iso: String) -> String { Day(iso: iso)?.french ?? iso }
        var f = [
            fact("doc-type", "Type", i.type == .invoice ? "Facture" : "Avoir"),
            fact("doc-statut", "Statut", statusName(i.status)),
            fact("doc-client", "Client", named(i.client)),
        ]
        if let payer = i.payer { f.append(fact("doc-payeur", "Payé par", named(payer))) }
        f.append(fact("doc-periode", "Période", "du \(day(i.documentStart)) au \(day(i.documentEnd))"))
        f.append(fact("doc-origine", "Origine", originName(i.origin) + (i.automatic ? " (automatique)" : "")))
        if let site = i.site { f.append(fact("doc-site", "Site", workspace.settings.site(site).map { "\(site) — \($0.name)" } ?? site)) }
        if let po = i.poNumber { f.append(fact("doc-commande", "Bon de commande", po)) }
        if i.type == .invoice { f.append(fact("doc-conditions", "Conditions de paiement", InvoiceDocuments.frenchTerms(i.paymentTerms))) }
        if i.status == .issued {
            // A credit note is not owed by the client: it is set against the invoice it credits, with no due date.
            f.append(fact("doc-emission", "Émise le", i.type == .creditNote ? day(i.issueDate) : "\(day(i.issueDate)), échéance \(day(i.dueDate))"))
        }
        if i.type == .creditNote, let credited = i.creditedInvoiceId, let number = try ledger.invoice(id: credited)?.invoice.number {
            f.append(fact("doc-credite", "Avoir sur", "à imputer sur cette facture", links: [("/factures/\(credited)", number)]))
        }
        if i.type == .invoice, i.status == .issued, let id = i.id {
            let credits = try ledger.creditNotes(of: id).map(\.invoice)
            let issued = credits.filter { $0.status == .issued }
            let left = i.totalTtc - issued.map(\.totalTtc).reduce(0, +)
            let links = credits.map { c in
                c.status == .issued ? ("/factures/\(c.id ?? 0)", c.number ?? "") : ("/proformas/\(c.id ?? 0)", "avoir en attente #\(c.id ?? 0)")
            }
            f.append(fact("doc-avoirs", "Avoirs", credits.isEmpty ? "aucun ; reste à créditer \(euros(left)) TTC"
                          : "reste à créditer \(euros(left)) TTC", links: links))
        }
        if i.status == .discarded, let id = i.id, let next = try ledger.replacement(ofDiscarded: id) {
            let link = next.status == .issued ? ("/factures/\(next.id ?? 0)", next.number ?? "") : ("/proformas/\(next.id ?? 0)", "proforma #\(next.id ?? 0)")
            f.append(fact("doc-remplacee", "Remplacée par", "", links: [link]))
        }
        return f
    }

    func statusName(_ s: InvoiceStatus) -> String {
        switch s { case .proforma: return "proforma"; case .issued: return "émise"; case .discarded: return "écartée" }
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

    /// The lines in French (explanations included), each with the revenue behind it (`revenue`, from `Ledger.revenueBehind`).
    func lineContext(_ s: StoredInvoice, editable: Bool, csrf: String, revenue: [LineRevenue] = []) -> [[String: Any]] {
        let behind = Dictionary(revenue.map { ($0.position, $0) }, uniquingKeysWith: { a, _ in a })
        return s.lines.map { l in
            [
                "position": l.position, "label": l.label, "quantity": French.count(l.quantity), "price": l.price.french + " €", "net": euros(l.net),
                "rate": l.rate.oneDecimal.replacingOccurrences(of: ".", with: ",") + " %", "termLine": l.termLine.map(String.init) ?? "",
                // The contract line that priced it, a link to that line of the client's contract.
                "termLink": l.termLine.map { "/clients/\(s.invoice.client)#contrat-ligne-\($0)" } ?? false,
                "explanation": French.explanation(l.explanation), "rawQuantity": l.quantity, "rawPrice": l.price.french,
                "rawRate": l.rate.french, "editable": editable, "csrf": csrf, "editAction": "/proformas/\(s.invoice.id ?? 0)/lignes",
                "revenue": revenueContext(behind[l.position], client: s.invoice.client),
            ] as [String: Any]
        }
    }

    /// A document's audit trail, actions in French.
    func auditContext(_ invoiceID: Int64?) throws -> [[String: Any]] {
        try ledger.auditLog(invoiceID: invoiceID).map {
            ["at": French.timestamp($0.at), "actor": $0.actor, "action": French.auditAction($0.action), "details": French.auditDetails($0.action, details: $0.details, parameters: $0.parameters)]
        }
    }

    func totals(_ i: Invoice) -> String {
        "Total HT \(euros(i.totalHt)) · TVA \(euros(i.totalVat)) · TTC \(euros(i.totalTtc))"
    }

    // MARK: proformas

    /// The proformas waiting, a page of 100 at a time. The page's content is kept until the ledger changes, per
    /// query, scope and right (rendering a page of 100 rows costs several milliseconds); the CSRF token is put in each time.
    func proformaList(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        let canWrite = user.can(.proformas, .write)
        let key = CachedPart.list(path: "/proformas", query: call.request.uri.query ?? "", scope: scope, canWrite: canWrite)
        let content = try kept(key, csrf: call.csrf) { try proformaListContent(call, scope: scope, canWrite: canWrite) }
        return html(page(title: "Proformas à contrôler", content: content, identity: user, csrf: call.csrf, current: .proformas,
                         notice: notice(call)))
    }

    func proformaListContent(_ call: Call, scope: Set<String>?, canWrite: Bool) throws -> String {
        let p = try period(call.query("periode"))
        let statusText = call.query("statut") ?? "proforma"
        // "tous": the proformas and the discarded ones (issued documents are listed under Factures).
        let statuses: [InvoiceStatus] = statusText == "tous" ? [.proforma, .discarded] : statusText == "ecartee" ? [.discarded] : [.proforma]
        let site = call.query("site"), client = call.query("client"), automatic = call.query("automatique")
        // A page of the list at a time, read in SQL with every filter and the user's scope: a month can leave
        // over a thousand proformas waiting; the count and totals (an SQL aggregate) cover every page.
        let pageSize = 100
        let wanted = DocumentFilter(statuses: statuses, client: client, scope: scope, site: site,
                                    automatic: automatic.map { $0 == "oui" }, period: p)
        let result = try ledger.documentPage(wanted, page: Int(call.query("page") ?? "1") ?? 1, pageSize: pageSize)
        let shown = result.documents
        // "Tout cocher" reloads the page with every box of the page checked (no script in the app).
        let checkAll = call.query("tout") == "1"
        let rows: [[String: Any]] = shown.map { i in
            var row: [String: Any] = ["cells": [
                cell("#\(i.id ?? 0)", link: "/proformas/\(i.id ?? 0)"), cell(named(i.client)), cell(i.site ?? ""), cell(frenchSpan(i.periodStart, i.periodEnd)),
                cell(i.type == .invoice ? "facture" : "avoir"), cell(originName(i.origin)), cell(i.automatic ? "oui" : "non"),
                cell(statusName(i.status)), cell(euros(i.totalHt), num: true), cell(euros(i.totalTtc), num: true),
            ], "selectable": canWrite, "checked": checkAll]
            if canWrite && i.status == .proforma { row["pick"] = String(i.id ?? 0) }
            return row
        }
        var context: [String: Any] = [
            "heading": "Proformas à contrôler", "hasFilters": true,
            "filters": [
                filter("periode", "Période", value: call.query("periode"), hint: "2026-10"),
                filter("client", "Client", value: client), filter("site", "Site", value: site),
                filter("statut", "Statut", value: statusText, choices: [("proforma", "à contrôler"), ("ecartee", "écartées"), ("tous", "toutes")]),
                filter("automatique", "Automatique", value: automatic ?? "", choices: [("", "toutes"), ("oui", "oui"), ("non", "non")]),
            ],
            "summary": "\(result.count) documents · total HT \(euros(result.totalHt)) · TTC \(euros(result.totalTtc))",
            "sections": [["tableId": "proformas", "selectable": canWrite,
                          "headers": ["N°", "Client", "Site", "Période", "Type", "Origine", "Auto.", "Statut", "HT", "TTC"], "rows": rows]],
        ]
        if let pager = pager(result, path: "/proformas", filters: [
            ("periode", call.query("periode")), ("client", client), ("site", site), ("statut", call.query("statut")), ("automatique", automatic),
        ]) { context["pager"] = pager }
        if canWrite {
            // The list's own filters and page only: nothing else of the query (a notice) is echoed into the links.
            var query = URLComponents()
            query.path = "/proformas"
            query.queryItems = ["periode", "client", "site", "statut", "automatique", "page"].compactMap { name in
                call.query(name).map { URLQueryItem(name: name, value: $0) }
            }
            let unchecked = query.string ?? "/proformas"
            query.queryItems = (query.queryItems ?? []) + [URLQueryItem(name: "tout", value: "1")]
            context["selection"] = ["action": "/proformas/valider", "formId": "form-valider-selection", "csrf": Self.csrfMark,
                                    "button": "Valider la sélection", "buttonId": "valider-selection", "hidden": [[String: String]](),
                                    "checkAll": query.string ?? "/proformas?tout=1", "uncheckAll": unchecked]
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
            "heading": "Proforma #\(s.invoice.id ?? 0) — \(named(s.invoice.client))", "facts": try facts(s.invoice, user: user),
            "lines": lineContext(s, editable: editable, csrf: call.csrf, revenue: try ledger.revenueBehind(s)), "totals": totals(s.invoice),
            "proformaActions": editable ? ["id": s.invoice.id ?? 0, "csrf": call.csrf] as [String: Any] : false,
            "audit": audit, "hasAudit": !audit.isEmpty,
        ]
        return html(page(title: "Proforma", content: render("document", context), identity: user, csrf: call.csrf, current: .proformas,
                         notice: notice(call)))
    }

    /// Edits one line, as `ardoise edit ID --set N "…" --reason R` does.
    func editLine(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard let id = s.invoice.id else { throw WebError.notFound }
        try requireProforma(s)
        guard let reason = call.form.trimmed("motif") else { throw UserInputError("Indiquez le motif de la modification.") }
        guard let position = call.form["position"].flatMap(Int.init), let index = s.lines.firstIndex(where: { $0.position == position }) else {
            throw UserInputError("Cette proforma n'a pas de ligne \(call.form["position"] ?? "")")
        }
        let fields = ["libelle", "quantite", "prix", "tva"].map { (call.form[$0] ?? "").trimmingCharacters(in: .whitespaces) }
        if fields.contains(where: { $0.contains("|") }) { throw UserInputError("Le caractère « | » n'est pas permis dans une ligne.") }
        // Quantity, price and rate as typed in French (`1 234,56`, `5,5`); the label as typed.
        let numbers = try fields.dropFirst().map { typed in
            guard let n = TypedNumber.canonical(typed) else { throw UserInputError("« \(typed) » : écrivez le nombre comme 1 234,56") }
            return n
        }
        let text = ([fields[0]] + numbers).joined(separator: "|")
        // The bounds of a typed line, said in French before the line is read further.
        let name = "proforma \(id)"
        if !numbers[0].isEmpty, numbers[0].allSatisfy(\.isNumber), (Int(numbers[0]) ?? .max) > AmountLimits.maxQuantity {
            throw AmountRefusal(document: name, reason: .quantityAboveLimit(line: position, quantity: numbers[0]))
        }
        let priceText = numbers[1]
        if priceText.range(of: #"^[-+]?[0-9]+(\.[0-9]{1,4})?$"#, options: .regularExpression) != nil,
           Price(priceText).map({ $0.tenThousandths.magnitude > AmountLimits.maxUnitPrice.tenThousandths.magnitude }) ?? true {
            throw AmountRefusal(document: name, reason: .unitPriceAboveLimit(line: position, price: priceText))
        }
        var lines = s.lines.map(NewInvoiceLine.init)
        lines[index] = try LineText.apply(text, to: lines[index], note: "edited by \(user.login): \(reason)")
        try BillingEngine.checkEdited(lines, of: s, limits: workspace.settings.limits)
        try ledger.replaceLines(id: id, lines: lines, reason: reason, actor: user.login)
        return redirect("/proformas/\(id)?fait=ligne")
    }

    func requireProforma(_ s: StoredInvoice) throws {
        guard s.invoice.status == .proforma else {
            throw UserInputError("Ce document est \(statusName(s.invoice.status)) : il ne change plus (faites un avoir).")
        }
    }

    func discard(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard let id = s.invoice.id else { throw WebError.notFound }
        try requireProforma(s)
        guard let reason = call.form.trimmed("motif") else { throw UserInputError("Indiquez pourquoi la proforma est écartée.") }
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
                ["cells": [cell("#\(p.id)", link: "/proformas/\(p.id)"), cell(named(p.client)), cell(p.kind == .invoice ? "facture" : "avoir"),
                           cell(p.number), cell(p.issueDate.french), cell(p.dueDate?.french ?? "—"), cell(p.totalTTC.french + " €", num: true)],
                 "selectable": false]
            }
            let total = preview.map(\.totalTTC).sum()
            let context: [String: Any] = [
                "heading": preview.count == 1 ? "Valider la proforma" : "Valider \(preview.count) proformas",
                "summary": "\(preview.count == 1 ? "Émise" : "Émises") le \(today.french), pour \(total.french) € TTC en tout. Les numéros sont ceux que chaque série donnera "
                    + "si personne ne valide entre-temps ; un numéro donné ne se reprend pas (une erreur se corrige par un avoir).",
                "sections": [["tableId": "confirmation", "selectable": false,
                              "headers": ["Proforma", "Client", "Type", "Numéro", "Émise le", "Échéance", "TTC"], "rows": rows]],
                "selection": ["action": "/proformas/valider", "formId": "form-confirmer", "csrf": call.csrf,
                              "button": "Confirmer la validation", "buttonId": "confirmer", "hidden":
                                [["name": "confirme", "value": "1"]] + docs.map { ["name": "id", "value": String($0.invoice.id ?? 0)] }],
            ]
            return html(page(title: "Validation", content: render("table", context), identity: user, csrf: call.csrf, current: .proformas))
        }
        let numbers = try engine(for: user).validate(ids: docs.compactMap(\.invoice.id), on: today)
        return redirect(numbers.count == 1 ? "/proformas?fait=validee" : "/proformas?fait=validees")
    }

    func engine(for user: Identity) throws -> BillingEngine {
        try workspace.engine(ledger: ledger, today: today, actor: user.login)
    }

    // MARK: invoices and credit notes

    /// Issued documents, a page of 100 at a time, kept as the proforma list is.
    func invoiceList(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        // Payment states depend on the day (overdue after the due date): the day is part of the key.
        let key = CachedPart.list(path: "/factures", query: (call.request.uri.query ?? "") + "#\(today)", scope: scope, canWrite: false)
        let content = try kept(key, csrf: call.csrf) { try invoiceListContent(call, scope: scope) }
        return html(page(title: "Factures et avoirs", content: content, identity: user, csrf: call.csrf, current: .invoices,
                         notice: notice(call)))
    }

    func invoiceListContent(_ call: Call, scope: Set<String>?) throws -> String {
        let p = try period(call.query("periode"))
        let client = call.query("client"), type = call.query("type")
        // A page at a time, as the proforma list: a month issues about two thousand documents.
        let kind = type.flatMap { DocumentKind(rawValue: $0) }
        // An unknown type lists nothing (no status), as before.
        let wanted = DocumentFilter(statuses: type != nil && kind == nil ? [] : [.issued], client: client,
                                    scope: scope, type: kind, period: p)
        let sort = call.query("tri") ?? ""
        let order = Self.invoiceOrders.first { $0.0 == sort }?.1 ?? .id
        let result = try ledger.documentPage(wanted, page: Int(call.query("page") ?? "1") ?? 1, pageSize: 100, order: order)
        let ids = result.documents.compactMap(\.id)
        let mails = try ledger.outboxStatuses(invoiceIDs: ids)
        // What each invoice of the page was paid (the ledger's allocations) and credited, as of today.
        let payments = try ledger.paymentStates(invoiceIDs: ids, asOf: today)
        let rows: [[String: Any]] = result.documents.map { i in
            ["cells": [
                cell(i.number ?? "", link: "/factures/\(i.id ?? 0)"), cell(i.type == .invoice ? "facture" : "avoir"), cell(named(i.client)),
                cell(frenchSpan(i.periodStart, i.periodEnd)), cell(Day(iso: i.issueDate)?.french ?? i.issueDate), cell(euros(i.totalHt), num: true), cell(euros(i.totalTtc), num: true),
                cell(i.type == .invoice ? paymentState(payments[i.id ?? 0]) : "—"), cell(mailStatus(mails[i.id ?? 0])),
            ], "selectable": false]
        }
        var context: [String: Any] = [
            "heading": "Factures et avoirs", "hasFilters": true,
            "filters": [
                filter("periode", "Période", value: call.query("periode"), hint: "2026-10"), filter("client", "Client", value: client),
                filter("type", "Type", value: type ?? "", choices: [("", "tous"), ("invoice", "factures"), ("credit_note", "avoirs")]),
                filter("tri", "Trier par", value: sort, choices: Self.invoiceOrders.map { ($0.0, $0.2) }),
            ],
            "summary": "\(result.count) documents · total HT \(euros(result.totalHt)) · TTC \(euros(result.totalTtc)) (avoirs déduits)",
            "sections": [["tableId": "factures", "selectable": false,
                          "headers": ["Numéro", "Type", "Client", "Période", "Émise le", "HT", "TTC", "Paiement", "Courriel"], "rows": rows]],
        ]
        if let pager = pager(result, path: "/factures", filters: [
            ("periode", call.query("periode")), ("client", client), ("type", type), ("tri", call.query("tri")),
        ]) {
            context["pager"] = pager
        }
        return render("table", context)
    }

    /// The orders the invoice list offers: the query's value, the ledger's order, its French name.
    static let invoiceOrders: [(String, DocumentOrder, String)] = [
        ("", .id, "ordre d'émission"), ("numero", .numberAscending, "numéro croissant"), ("-numero", .numberDescending, "numéro décroissant"),
        ("date", .issueDateAscending, "date croissante"), ("-date", .issueDateDescending, "date décroissante"),
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
        f.append(["key": "doc-courriel", "label": "Courriel", "text": mailStatus(try ledger.outboxMessage(invoiceID: id)?.status.rawValue),
                  "links": []])
        f += try platformFacts(invoiceID: id)
        let canCredit = user.can(.invoices, .write) && s.invoice.type == .invoice
        let audit = try auditContext(id)
        let context: [String: Any] = [
            "heading": "\(s.invoice.type == .invoice ? "Facture" : "Avoir") \(s.invoice.number ?? "") — \(named(s.invoice.client))", "facts": f,
            "downloads": ["pdf": "/factures/\(id)/pdf", "xml": "/factures/\(id)/xml"],
            "lines": lineContext(s, editable: false, csrf: call.csrf, revenue: try ledger.revenueBehind(s)), "totals": totals(s.invoice),
            "creditForm": canCredit ? ["action": "/factures/\(id)/avoir", "csrf": call.csrf] as [String: Any] : false,
            "proformaActions": false, "audit": audit, "hasAudit": !audit.isEmpty,
        ]
        return html(page(title: "Facture", content: render("document", context), identity: user, csrf: call.csrf, current: .invoices,
                         notice: notice(call)))
    }

    /// The PDF (Factur-X when issued) or the CII XML, exactly as `ardoise invoices pdf|xml`
    /// writes them: an issued document's bytes stored when it was issued, a proforma's PDF rendered now.
    func download(_ call: Call, xml: Bool) throws -> Response {
        let user = try call.user
        let stored = try document(try call.parameter("id"), for: user)
        // A proforma (or a discarded one) is the proformas screen's: its PDF needs that right, as its page does.
        if stored.invoice.status != .issued && !user.can(.proformas, .read) { throw WebError.notFound }
        if xml && stored.invoice.status != .issued { throw UserInputError("Une proforma n'a pas de facture électronique (XML).") }
        let bytes = try workspace.documentFile(stored, xml: xml, ledger: ledger, actor: user.login)
        let name = InvoiceDocuments.fileName(stored, extension: xml ? "xml" : "pdf")
        return Response(status: .ok, headers: [
            .contentType: xml ? "application/xml" : "application/pdf",
            .contentDisposition: "attachment; filename=\"\(name)\"",
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
                rows.append(["cells": [cell(String(l.position)), cell(l.label), cell(c.amount == nil ? "la ligne entière" : "une partie"),
                                       cell(amount.french + " €", num: true), cell(l.rate.french + " %", num: true)], "selectable": false])
            }
            var hidden: [[String: String]] = [["name": "confirme", "value": "1"], ["name": "motif", "value": reason]]
            for c in selections {
                hidden.append(["name": "ligne", "value": String(c.line)])
                if let a = c.amount { hidden.append(["name": "montant-\(c.line)", "value": a.french]) }
            }
            let context: [String: Any] = [
                "heading": "Avoir sur \(number) — \(named(s.invoice.client))",
                "summary": "\(selections.isEmpty ? "Toute la facture" : "\(chosen.count) ligne(s)") : \(total.french) € HT à créditer, "
                    + "émis aujourd'hui (\(today.french)) et envoyé au client. Motif : « \(reason) ».",
                "sections": [["tableId": "confirmation", "selectable": false,
                              "headers": ["Ligne", "Libellé", "Crédité", "Montant HT", "TVA"], "rows": rows]],
                "selection": ["action": "/factures/\(s.invoice.id ?? 0)/avoir", "formId": "form-confirmer", "csrf": call.csrf,
                              "button": "Confirmer l'avoir", "buttonId": "confirmer", "hidden": hidden],
            ]
            return html(page(title: "Avoir", content: render("table", context), identity: user, csrf: call.csrf, current: .invoices))
        }
        let (id, issued) = try engine(for: user).credit(invoice: number, selections: selections, reason: reason, on: today, issue: true)
        return redirect(issued == nil ? "/proformas/\(id)?fait=avoir" : "/factures/\(id)?fait=avoir")
    }

    // MARK: manual documents

    static let frenchVATRates = ["20", "10", "5.5", "2.1", "0"]

    func manualPage(_ call: Call) throws -> Response {
        let user = try call.user
        let clients = workspace.settings.clients.filter { user.sees(client: $0.code) }.map { ["code": $0.code, "name": $0.legalName] }
        let context: [String: Any] = [
            "canWrite": user.can(.manual, .write), "csrf": call.csrf, "clients": clients, "period": Period.month(of: today).name,
            "rows": (1...5).map { ["n": $0, "rates": Self.frenchVATRates.map { ["value": $0, "text": $0.replacingOccurrences(of: ".", with: ",")] }]
                as [String: Any] },
        ]
        return html(page(title: "Factures manuelles", content: render("manual", context), identity: user, csrf: call.csrf, current: .manual))
    }

    func createManual(_ call: Call) throws -> Response {
        let user = try call.user
        guard let client = call.form.trimmed("client"), user.sees(client: client) else { throw WebError.notFound }
        guard let reason = call.form.trimmed("motif") else { throw UserInputError("Indiquez le motif de la saisie.") }
        let kind: DocumentKind = call.form["type"] == "credit-note" ? .creditNote : .invoice
        let p = try period(call.form.trimmed("periode")) ?? Period.month(of: today)
        var lines: [(label: String, quantity: Int, unitPrice: Price, vat: VATRate)] = []
        for n in 1...20 {
            guard let label = call.form.trimmed("libelle-\(n)") else { continue }
            let q = call.form.trimmed("quantite-\(n)") ?? "1", priceTyped = call.form.trimmed("prix-\(n)") ?? ""
            let rateText = TypedNumber.canonical(call.form.trimmed("tva-\(n)") ?? "") ?? ""
            guard let quantity = TypedNumber.canonical(q).flatMap({ Int($0) }) else {
                throw UserInputError("Ligne \(n) : « \(q) » n'est pas une quantité entière")
            }
            guard let price = TypedNumber.canonical(priceTyped).flatMap({ Price($0) }) else {
                throw UserInputError("Ligne \(n) : « \(priceTyped) » n'est pas un prix : écrivez 1 234,56")
            }
            guard Self.frenchVATRates.contains(rateText), let rate = VATRate(rateText) else {
                throw UserInputError("Ligne \(n) : TVA « \(rateText) » : seuls les taux français (20, 10, 5,5, 2,1, 0 %) sont permis")
            }
            lines.append((label, quantity, price, rate))
        }
        guard !lines.isEmpty else { throw UserInputError("Saisissez au moins une ligne.") }
        let credits = call.form.trimmed("credite")
        if kind == .creditNote && credits == nil { throw UserInputError("Un avoir indique la facture qu'il crédite.") }
        if kind == .creditNote, let credits {
            // One answer whether the number does not exist, is another client's or one the user does not see:
            // the form must not tell which invoice numbers exist, nor whose they are.
            let credited = try ledger.invoice(idOrNumber: credits)?.invoice
            guard let credited, credited.status == .issued, credited.type == .invoice, credited.client == client else {
                throw UserInputError("« \(credits) » n'est pas une facture émise de \(client).")
            }
        }
        let id = try engine(for: user).createManual(
            ManualDocument(type: kind, client: client, period: p, poNumber: call.form.trimmed("commande"),
                           credits: kind == .creditNote ? credits : nil, lines: lines), reason: reason, on: today)
        return redirect("/proformas/\(id)?fait=creee")
    }

    // MARK: reports

    func unbilled(_ call: Call) throws -> Response {
        let user = try call.user
        var sections: [[String: Any]] = []
        var summary = "Choisissez une période."
        if let p = try period(call.query("periode")) {
            let (engine, _) = try workspace.billingEngine(ledger: ledger, today: today, actor: user.login)
            let report = try engine.unbilled(period: p, issueDate: today)
            let items = report.items.filter { user.sees(client: $0.client) }
            sections.append(["tableId": "non-factures", "selectable": false, "headers": ["Client", "Site", "Catégorie", "TTC", "Raison"],
                             "rows": items.map { i in ["cells": [cell(named(i.client)), cell(i.site), cell(i.category ?? "—"), cell(i.amountTTC.french + " €", num: true),
                                                                 cell(French.unbilledReason(i.reason))], "selectable": false] as [String: Any] }])
            let late = report.lateRevenue.filter { user.sees(client: $0.client) }
            sections.append(["caption": "Revenus tardifs", "tableId": "revenus-tardifs", "selectable": false,
                             "headers": ["Client", "Période", "Jours-site corrigés"],
                             "rows": late.map { ["cells": [cell($0.client), cell($0.period.name), cell(String($0.siteDays), num: true)],
                                                 "selectable": false] as [String: Any] }])
            summary = "\(items.count) éléments non facturés en \(p.name), \((try? items.map(\.amountTTC).checkedSum())?.french ?? "?") € TTC"
        }
        let context: [String: Any] = ["heading": "Revenus non facturés", "hasFilters": true,
                                      "filters": [filter("periode", "Période", value: call.query("periode"), hint: "2026-10")],
                                      "summary": summary, "sections": sections]
        return html(page(title: "Revenus non facturés", content: render("table", context), identity: user, csrf: call.csrf, current: .unbilled))
    }

    /// Imported files are per site and day, not per client: every reader of imports sees them.
    func imports(_ call: Call) throws -> Response {
        let user = try call.user
        let (files, rejected) = try ledger.pool.read { db in
            (try Row.fetchAll(db, sql: """
                SELECT id, name, kind, version, status, imported_at, site, row_count, rejected_count, warning_count, message
                FROM imported_file ORDER BY id DESC LIMIT 300
                """),
             try Row.fetchAll(db, sql: """
                SELECT f.name, r.line, r.reason FROM rejected_row r JOIN imported_file f ON f.id = r.file_id
                ORDER BY r.file_id DESC, r.line LIMIT 300
                """))
        }
        func fileRow(_ r: Row) -> [String: Any] {
            let status: String = r["status"]
            return ["cells": [cell(r["name"]), cell(r["kind"] == "events" ? "commandes" : "caisses"), cell(String(r["version"] as Int)),
                              cell(status == "imported" ? "importé" : status == "replaced" ? "remplacé" : "conflit"), cell(French.timestamp(r["imported_at"])),
                              cell(String(r["row_count"] as Int), num: true), cell(String(r["rejected_count"] as Int), num: true),
                              cell((r["message"] as String?) ?? "")], "selectable": false]
        }
        let headers = ["Fichier", "Type", "Version", "Statut", "Importé le", "Lignes", "Rejets", "Message"]
        let context: [String: Any] = [
            "heading": "Imports", "summary": "\(files.count) fichiers récents",
            "sections": [
                ["caption": "Fichiers importés", "tableId": "fichiers", "selectable": false, "headers": headers, "rows": files.map(fileRow)],
                ["caption": "Conflits", "tableId": "conflits", "selectable": false, "headers": headers,
                 "rows": files.filter { $0["status"] == "conflict" }.map(fileRow)],
                ["caption": "Lignes rejetées", "tableId": "rejets", "selectable": false, "headers": ["Fichier", "Ligne", "Raison"],
                 "rows": rejected.map { r in ["cells": [cell(r["name"]), cell(String(r["line"] as Int), num: true), cell(r["reason"])],
                                              "selectable": false] as [String: Any] }],
            ],
        ]
        return html(page(title: "Imports", content: render("table", context), identity: user, csrf: call.csrf, current: .imports))
    }

    func clientList(_ call: Call) throws -> Response {
        let user = try call.user
        let clients = workspace.settings.clients.filter { user.sees(client: $0.code) }
        // With a pending change of contracts, which clients it touches (a comparison of the files, nothing billed).
        let changed = options.pendingRules.map { workspace.clientsChanged(pending: $0, today: today) }
        let rows: [[String: Any]] = clients.map { c in
            var cells = [cell(c.code, link: "/clients/\(c.code)"), cell(c.legalName), cell(c.siren), cell(c.sites.joined(separator: ", ")),
                         cell(c.revenueTypes.joined(separator: ", "))]
            if let changed { cells.append(cell(changed.contains(c.code) ? "oui" : "—")) }
            return ["cells": cells, "selectable": false]
        }
        let touched = changed.map { set in clients.filter { set.contains($0.code) }.count }
        let context: [String: Any] = ["heading": "Clients et contrats",
                                      "summary": "\(clients.count) clients" + (touched.map { " · \($0) touchés par la modification en attente" } ?? ""),
                                      "sections": [["tableId": "clients", "selectable": false,
                                                    "headers": ["Code", "Raison sociale", "SIREN", "Sites", "Types de revenus"]
                                                        + (changed == nil ? [] : ["Modification en attente"]), "rows": rows]]]
        return html(page(title: "Clients et contrats", content: render("table", context), identity: user, csrf: call.csrf, current: .clients))
    }

    func clientPage(_ call: Call) throws -> Response {
        let user = try call.user
        let code = try call.parameter("code")
        guard user.sees(client: code), let c = workspace.settings.clients.first(where: { $0.code == code }) else { throw WebError.notFound }
        // Found by the client the file names, whatever the file is called.
        let checked = workspace.contractFile(of: code, today: today)
        let contract = checked.map { (path: $0.source.path, text: $0.source.text) }
        var lint = "Aucun fichier de contrat pour ce client."
        var diagnostics: Any = false
        if let contract {
            let report = Linter.run(paths: [contract.path], configPath: workspace.config.file, today: today)
            let errors = report.diagnostics.filter { $0.severity == .error }.count
            lint = errors == 0 ? "Contrat valide (\(report.diagnostics.count) remarque(s))." : "\(errors) erreur(s) : ce client n'est pas facturé."
            if !report.diagnostics.isEmpty { diagnostics = report.render(.text) }
        }
        let context: [String: Any] = [
            "heading": "\(c.code) — \(c.legalName)",
            "facts": [["label": "SIREN", "text": c.siren], ["label": "TVA", "text": c.vatNumber ?? "—"],
                      ["label": "Courriels", "text": c.emails.joined(separator: ", ")], ["label": "Compte client", "text": c.receivableAccount],
                      ["label": "Sites", "text": c.sites.joined(separator: ", ")], ["label": "Catégories", "text": c.dinerCategories.joined(separator: ", ")],
                      ["label": "Payeurs", "text": c.payers.map(\.code).joined(separator: ", ")]],
            "lint": lint, "diagnostics": diagnostics, "contractPath": contract.map { DisplayPath.of($0.path) } ?? "—",
            "contract": contract?.text ?? "",
            // Each line of the contract has an anchor, so a document's line links to the contract line that priced it.
            "contractLines": (contract?.text ?? "").split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
                ["n": $0.offset + 1, "text": String($0.element)] as [String: Any]
            },
            "pending": try pendingContext(client: code, current: checked, period: try period(call.query("periode"))),
        ]
        return html(page(title: c.code, content: render("client", context), identity: user, csrf: call.csrf, current: .clients))
    }

    /// The billing impact of the pending change of contracts on one client, over a period
    /// (by default the last month that has ended); false when no pending rules folder is served.
    func pendingContext(client: String, current: CheckedFile?, period chosen: Period?) throws -> Any {
        guard let directory = options.pendingRules else { return false }
        let period = chosen ?? lastEndedMonth
        // Every key is set: a missing one would be looked up in the page around it (the current contract).
        var context: [String: Any] = ["folder": DisplayPath.of(directory), "period": period.name, "pendingContract": false, "pendingDiagnostics": false,
                                      "impactTable": false]
        switch try workspace.pendingChange(ledger: ledger, pending: directory, client: client, current: current, period: period,
                                                today: today) {
        case .unchanged:
            context["summary"] = "Aucune modification en attente pour ce client : son contrat est le même dans les deux dossiers."
        case .errors(let file, let text, let diagnostics):
            context["summary"] = "Le contrat modifié (\(file)) a des erreurs : son impact se calculera quand elles seront corrigées."
            context["pendingDiagnostics"] = diagnostics
            context["pendingContract"] = text
        case .changed(let file, let text, let period, let diff):
            if let text { context["pendingContract"] = text }
            guard let diff else {
                context["summary"] = file == nil
                    ? "La modification retire le contrat de ce client ; sur \(period.name), elle ne change rien à sa facturation."
                    : "Le contrat modifié (\(file ?? "")) facture exactement la même chose sur \(period.name)."
                break
            }
            if let failure = diff.afterFailure ?? diff.beforeFailure {
                context["summary"] = "Impact non calculable sur \(period.name) : \(failure)"
                break
            }
            let impact = diff.after - diff.before
            context["summary"] = "Sur \(period.name) : facturé aujourd'hui \(diff.before.ht.french) € HT (\(diff.before.ttc.french) € TTC), "
                + "avec la modification \(diff.after.ht.french) € HT (\(diff.after.ttc.french) € TTC) : "
                + "écart \(signed(impact.ht)) € HT, \(signed(impact.ttc)) € TTC."
            let rows: [[String: Any]] = diff.documents.flatMap { d in
                d.lines.map { l in
                    ["cells": [cell("\(d.period.start) → \(d.period.end)" + (d.site.map { ", site \($0)" } ?? "")), cell(l.label),
                               cell(l.before.map { $0.net.french + " €" } ?? "—", num: true), cell(l.after.map { $0.net.french + " €" } ?? "—", num: true),
                               cell(signed(l.delta) + " €", num: true)],
                     "selectable": false] as [String: Any]
                }
            }
            context["impactTable"] = ["tableId": "impact", "selectable": false, "headers": ["Document", "Ligne", "Avant (HT)", "Après (HT)", "Écart (HT)"],
                                "rows": rows]
        }
        return context
    }

    /// The audit log; a user scoped to some clients sees only their documents' entries, the latest 500 of them
    /// (the scope is a parameter of the ledger's query, applied before its limit).
    func auditPage(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        let visible = try ledger.latestAudit(limit: 500, clients: scope)
        let context: [String: Any] = [
            "heading": "Journal d'audit", "summary": "\(visible.count) dernières actions",
            "sections": [["tableId": "audit", "selectable": false, "headers": ["Quand", "Qui", "Action", "Document", "Détail"],
                          "rows": visible.map { r in
                              ["cells": [cell(French.timestamp(r.entry.at)), cell(r.entry.actor), cell(French.auditAction(r.entry.action)),
                                         cell(r.number ?? r.entry.invoiceId.map { "#\($0)" } ?? ""),
                                         cell(French.auditDetails(r.entry.action, details: r.entry.details, parameters: r.entry.parameters))],
                               "selectable": false] as [String: Any]
                          }]],
        ]
        return html(page(title: "Journal d'audit", content: render("table", context), identity: user, csrf: call.csrf, current: .audit))
    }

    // MARK: users

    func usersPage(_ call: Call) throws -> Response {
        let user = try call.user
        let users: [[String: Any]] = try ledger.users().compactMap { u in
            guard let id = u.id, let a = try ledger.access(userID: id) else { return nil }
            let rights = u.admin ? "administrateur (tous les droits)"
                : Feature.allCases.compactMap { f in a.rights[f.rawValue].map { "\(f.title) : \($0 == "write" ? "écriture" : "lecture")" } }
                    .joined(separator: " ; ")
            return [
                "login": u.login, "name": u.displayName, "status": u.active ? "actif" : "désactivé", "rights": rights.isEmpty ? "aucun" : rights,
                "scope": a.clients.map { $0.sorted().joined(separator: ", ") } ?? "tous", "canWrite": user.can(.users, .write), "csrf": call.csrf,
                "toggle": u.active ? "0" : "1", "toggleLabel": u.active ? "Désactiver" : "Réactiver",
                "features": Feature.allCases.map { ["value": $0.rawValue, "text": $0.title] },
            ]
        }
        let context: [String: Any] = ["users": users, "canWrite": user.can(.users, .write), "csrf": call.csrf]
        return html(page(title: "Utilisateurs", content: render("users", context), identity: user, csrf: call.csrf, current: .users,
                         notice: notice(call)))
    }

    func createUser(_ call: Call) throws -> Response {
        let user = try call.user
        guard let login = call.form.trimmed("login"), let name = call.form.trimmed("nom") else {
            throw UserInputError("Indiquez l'identifiant et le nom.")
        }
        guard let password = call.form["password"], password.count >= 10 else {
            throw UserInputError("Le mot de passe doit faire au moins 10 caractères.")
        }
        let admin = call.form["admin"] == "1", policy = UserAdministration(actor: user)
        try policy.checkCreate(admin: admin)
        _ = try accounts.addUser(login: login, name: name, password: password, admin: admin, actor: user.login)
        if let clients = policy.clientsOfNewUser {
            try ledger.setScope(login: login, clients: clients, actor: user.login)
        }
        return redirect("/utilisateurs?fait=utilisateur")
    }

    func setRights(_ call: Call) throws -> Response {
        let user = try call.user
        let login = try call.parameter("login"), policy = UserAdministration(actor: user)
        try policy.checkManage(try target(login))
        if let f = call.form.trimmed("fonction") {
            guard let feature = Feature(rawValue: f), let level = AccessLevel(name: call.form["niveau"] ?? "") else {
                throw UserInputError("Fonction ou niveau inconnu.")
            }
            try policy.checkGrant(feature, level)
            try ledger.setRight(login: login, feature: feature.rawValue, level: level == .none ? nil : level.name, actor: user.login)
        }
        if let clients = call.form.trimmed("clients") {
            let codes = clients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let scope = clients == "*" ? nil : codes
            for code in codes where clients != "*" && workspace.settings.client(code) == nil {
                throw UserInputError("« \(code) » n'est pas un client des paramètres.")
            }
            try policy.checkScope(scope)
            try ledger.setScope(login: login, clients: scope, actor: user.login)
        }
        return redirect("/utilisateurs?fait=droits")
    }

    func setActivation(_ call: Call) throws -> Response {
        let user = try call.user
        let login = try call.parameter("login")
        if login == user.login && call.form["actif"] != "1" { throw UserInputError("Vous ne pouvez pas vous désactiver vous-même.") }
        try UserAdministration(actor: user).checkManage(try target(login))
        do {
            try ledger.setActive(login: login, active: call.form["actif"] == "1", actor: user.login)
        } catch UserError.lastAdministrator {
            throw UserInputError("C'est le dernier administrateur actif : il ne peut pas être désactivé.")
        }
        return redirect("/utilisateurs?fait=activation")
    }

    /// The user a users-screen form acts on, with their rights and clients.
    private func target(_ login: String) throws -> UserAccess {
        guard let u = try ledger.user(login: login), let id = u.id, let access = try ledger.access(userID: id) else {
            throw WebError.notFound
        }
        return access
    }

    // MARK: JSON API

    func apiDocuments(_ call: Call) throws -> Response {
        let user = try call.user
        let list = try ledger.invoices(status: .issued, client: call.query("client"), period: try period(call.query("period")))
            .filter { user.sees(client: $0.client) }
        let docs = try list.compactMap { try ledger.invoice(id: $0.id ?? 0) }.map(InvoiceJSON.encode)
        return json("[" + docs.joined(separator: ",\n") + "]\n")
    }

    func apiDocument(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard s.invoice.status == .issued else { throw WebError.notFound }
        return json(InvoiceJSON.encode(s) + "\n")
    }

    /// The dashboard's figures as JSON, for the CRM: `?period=2026-10[&site=S][&client=C]` (default the
    /// current month), over the
    /// clients in the token's scope; per activity and per day, amounts as decimal strings (cents exact).
    func apiRevenue(_ call: Call) throws -> Response {
        let user = try call.user
        let period = try period(call.query("period")) ?? Period.month(of: today)
        let board = Dashboard(ledger: ledger)
        let scope = clientScope(of: user)
        let selection = Selection(scope: scope, site: call.query("site"), client: call.query("client"))
        let body = try kept(.revenue(period, selection), csrf: "") {
            let o = try board.overview(period: period, selection: selection)
            let total = o.total, split = o.invoicing
            func money(_ m: Money?) -> String { jsonString((m ?? .zero).description) }
            func activities(_ f: RevenueFigures) -> String {
                "{" + DailyRevenueActivity.allCases.map { a in
                    "\(jsonString(a.rawValue)):{\"amount\":\(money(f.amount(a))),\"covers\":\(f.covers[a] ?? 0),\"lines\":\(f.lines[a] ?? 0)}"
                }.joined(separator: ",") + "}"
            }
            let invoicing = "{" + DailyRevenueActivity.allCases.map { a in
                "\(jsonString(a.rawValue)):{\"invoiced\":\(money(split.invoiced[a])),\"not_invoiced\":\(money(split.notInvoiced[a])),"
                    + "\"anonymous\":\(money(split.anonymous[a]))}"
            }.joined(separator: ",") + "}"
            let dayList = o.days.map { "{\"day\":\(jsonString($0.day.description)),\"activities\":\(activities($0.figures))}" }
            return "{\"period\":{\"start\":\(jsonString(period.start.description)),\"end\":\(jsonString(period.end.description))},"
                + "\"site\":\(selection.site.map(jsonString) ?? "null"),\"client\":\(selection.client.map(jsonString) ?? "null"),"
                + "\"total\":\(money(total.total)),\"activities\":\(activities(total)),\"invoicing\":\(invoicing),"
                + "\"days\":[\(dayList.joined(separator: ","))]}\n"
        }
        return json(body)
    }

    func apiValidate(_ call: Call) throws -> Response {
        let user = try call.user
        let s = try document(try call.parameter("id"), for: user)
        guard let id = s.invoice.id else { throw WebError.notFound }
        try requireProforma(s)
        let numbers = try engine(for: user).validate(ids: [id], on: today)
        return json("{\"id\":\(id),\"numbers\":[" + numbers.map(jsonString).joined(separator: ",") + "]}\n")
    }
}
