import BillingEngine
import BillingModel
import Foundation
import Hummingbird

/// Clôture: the closing report of a month (the six checks, each with what to do, and the month's totals)
/// and, with the write right, closing it through the engine as `ardoise close` does. A closing covers
/// the whole company: the route table keeps it to users who see every client.
extension WebApp {
    /// The checks' French names, what to do and the screen's action, by check.
    static func closingCheck(_ kind: ClosingCheck.Kind) -> (title: String, remedy: String, action: ClosingAction?) {
        switch kind {
        case .proformasWaiting: ("Aucune proforma en attente pour le mois", "Validez-les ou écartez-les.", .proformas)
        case .revenueBilled:
            (
                "Tout le revenu du mois facturé ou reconnu",
                "Facturez les revenus arrivés en retard, puis reconnaissez le reste avec un motif (il ne sera pas facturé).",
                .acknowledge
            )
        case .eventOrdersInvoiced:
            (
                "Toute commande d'événement livrée dans le mois facturée",
                "Facturez les commandes livrées, ou reconnaissez-les avec un motif.", .events
            )
        case .numbering:
            (
                "Numérotation continue et chronologique",
                "Une rupture de numérotation ne se répare pas : signalez-la au commissaire aux comptes.", nil
            )
        case .entries:
            (
                "Écritures équilibrées et égales aux documents",
                "Passez les écritures manquantes ; une écriture différente de son document se signale au commissaire aux comptes.",
                .entries
            )
        case .mails:
            (
                "Tous les courriels du mois envoyés",
                "Corrigez l'adresse du client dans les paramètres, puis relancez les courriels en échec.", .mail
            )
        case .vatOnReceipts:
            (
                "TVA sur les encaissements : la TVA en attente égale celle des factures impayées",
                "Passez les écritures manquantes (elles portent la TVA des règlements) ; un écart qui reste se signale au commissaire aux comptes.",
                .entries
            )
        case .platformDelivery:
            (
                "Tous les documents du mois remis à la plateforme agréée",
                "Les documents en attente partent au prochain passage quotidien ; corrigez la cause d'un échec puis relancez-le. "
                    + "Une facture rejetée ou refusée s'annule par un avoir et s'émet à nouveau corrigée (motifs sur la page de la facture).",
                nil
            )
        }
    }

    /// What the closing screen offers to do about a failed check, as buttons of the app.
    enum ClosingAction: String, CaseIterable {
        case proformas, lateRevenue = "revenus-tardifs", acknowledge = "reconnaitre", events = "evenements", entries =
            "ecritures",
            mail = "courriels"

        /// The buttons a failed check shows (the revenue check has two: bill late revenue, then acknowledge the rest).
        var buttons: [ClosingAction] { self == .acknowledge ? [.lateRevenue, .acknowledge] : [self] }

        var label: String {
            switch self {
            case .proformas: return "Voir les proformas du mois"
            case .lateRevenue: return "Facturer les revenus arrivés en retard"
            case .acknowledge: return "Reconnaître le non-facturé du mois"
            case .events: return "Facturer les commandes livrées"
            case .entries: return "Passer les écritures manquantes"
            case .mail: return "Relancer les courriels en échec"
            }
        }
    }

    /// The closing report's activities in French.
    static let activityNames: [String: String] = [
        "self-service": "Self-service", "cafeteria": "Cafétéria", "brasserie": "Brasserie", "events": "Événements",
        "fees": "Frais et redevances", "other (typed in by hand)": "Autres (saisis à la main)"
    ]

    func closingMonth(_ text: String?) throws -> Period {
        guard let p = try period(text) else { return lastEndedMonth }
        guard Period.month(of: p.start) == p else {
            throw UserInputError("Une clôture porte sur un mois : écrivez 2026-10.")
        }
        return p
    }

    /// The report evaluates every contract over the month: its content is kept until the ledger changes (any commit),
    /// per month, day and right, as the lists are.
    func closingPage(_ call: Call) throws -> Response {
        let user = try call.user
        let month = try closingMonth(call.query("mois"))
        let canWrite = user.can(.closing, .write)
        let content = try kept(.closingPage(month, today, canWrite: canWrite), csrf: call.csrf) {
            try closingContent(month: month, canWrite: canWrite, csrf: Self.csrfMark)
        }
        return html(
            page(
                title: "Clôture", content: content, identity: user, csrf: call.csrf, current: .closing,
                notice: closingNotice(call)))
    }

    func closingContent(month: Period, canWrite: Bool, csrf: String) throws -> String {
        let report: ClosingReport
        // Reads only: the actor is nobody's. A refusal (a month not ended) is worded in French where errors become pages.
        report = try engine(actor: "web").closingReport(month: month, today: today, evaluations: unbilledEvaluations)
        let checks: [[String: Any]] = report.checks.map { c in
            let french = Self.closingCheck(c.kind)
            let details =
                c.facts.prefix(20).map(French.closingDetail).joined(separator: " ; ")
                + (c.facts.count > 20 ? " ; … (\(c.facts.count) en tout)" : "")
            return [
                "cells": [
                    cell(french.title), cell(c.passed ? "réussi" : "échoué"), cell(details),
                    cell(c.passed ? "" : french.remedy)
                ], "selectable": false
            ]
        }
        let activities: [[String: Any]] = report.activities.map { a in
            [
                "cells": [
                    cell(Self.activityNames[a.activity] ?? a.activity), cell(euros(a.net.cents) + " HT", num: true)
                ], "selectable": false
            ]
        }
        // The failed checks' actions, as buttons of the app (with the write right, on a month not closed).
        let actions: [[String: Any]] =
            canWrite && !report.closed
            ? report.checks.filter { !$0.passed }.compactMap { Self.closingCheck($0.kind).action }.flatMap(\.buttons)
                .map { a in
                    [
                        "action": a.rawValue, "label": a.label, "csrf": csrf, "month": month.name,
                        "isLink": a == .proformas,
                        "href": "/proformas?periode=\(month.name)", "needsReason": a == .acknowledge
                    ]
                }
            : []
        let series: [[String: Any]] = report.series.map { s in
            [
                "cells": [cell(s.series), cell(String(s.count), num: true), cell(s.first), cell(s.last)],
                "selectable": false
            ]
        }
        // The month's service billed by documents dated in another month (October's, issued on 2 November): said
        // beside the totals, which follow the documents' dates, so that a month billed after its end does not read as 0.
        let elsewhere: [String] = try ledger.serviceIssuedInOtherMonths(month).map { m in
            let name = Period(parsing: m.issueMonth)?.frenchName ?? m.issueMonth
            return
                "Les prestations \(French.ofMonth(month.name)) sont aussi facturées par \(French.count(m.count, "document émis", "documents émis")) "
                + "en \(name), pour \(euros(m.totalHT.cents)) HT : \(m.count > 1 ? "ils entrent" : "il entre") dans la clôture \(French.ofMonth(m.issueMonth))."
        }
        let state =
            report.closed
            ? "clôturé" + (report.forcedReason.map { " (forcé : \($0))" } ?? "")
            : report.passed
                ? "ouvert ; tous les contrôles sont réussis"
                : "ouvert ; \(report.checks.filter { !$0.passed }.count) contrôle(s) échoué(s)"
        var context: [String: Any] = [
            "heading": "Clôture de \(month.frenchName)", "hasFilters": true,
            "filters": [filter("mois", "Mois", value: month.name, hint: "2026-10")],
            // The totals follow the documents' dates, as the sales journal and the FEC do: what the closing locks.
            "summary":
                "Du \(month.start.french) au \(month.end.french) : \(state). Documents émis en \(month.frenchName) "
                + "(datés dans le mois, comme au journal des ventes : ce que la clôture arrête) : \(euros(report.totalHT.cents)) HT, "
                + "TVA \(euros(report.totalVAT.cents)), \(euros(report.totalHT.cents + report.totalVAT.cents)) TTC."
                + elsewhere.map { " " + $0 }.joined(),
            "sections": [
                [
                    "caption": "Contrôles", "tableId": "controles", "selectable": false,
                    "headers": ["Contrôle", "Résultat", "Détail", "À faire"], "rows": checks
                ],
                [
                    "caption": "Chiffre d'affaires HT par activité des documents émis dans le mois",
                    "tableId": "activites", "selectable": false,
                    "headers": ["Activité", "HT"], "rows": activities
                ],
                [
                    "caption": "Documents émis par série", "tableId": "series", "selectable": false,
                    "headers": ["Série", "Documents", "Premier", "Dernier"], "rows": series
                ]
            ]
        ]
        context["actions"] = actions
        context["hasActions"] = !actions.isEmpty
        if canWrite && !report.closed {
            // Closing despite failed checks needs a reason, as `ardoise close --force --reason` does.
            context["closingForm"] = ["csrf": csrf, "month": month.name, "passed": report.passed]
        }
        return render("table", context) + render("closing", context)
    }

    func closeMonth(_ call: Call) throws -> Response {
        let user = try call.user
        let month = try closingMonth(call.form.trimmed("mois"))
        let reason = call.form.trimmed("motif")
        let report: ClosingReport
        report = try engine(for: user).close(month: month, today: today, forceReason: reason, dryRun: false)
        return redirect("/cloture?mois=\(month.name)&fait=\(report.closed ? "cloture" : "cloture-refusee")")
    }

    /// One of the closing screen's actions: bills, posts or requeues through the engine and the workspace, as the
    /// command the check used to name would (`bill --corrections`, `unbilled acknowledge --all`, `bill --events`,
    /// `entries post`, `outbox retry --all`), and comes back to the screen saying what it did.
    func closingAction(_ call: Call) throws -> Response {
        let user = try call.user
        let month = try closingMonth(call.form.trimmed("mois"))
        guard let action = call.form["action"].flatMap(ClosingAction.init(rawValue:)), action != .proformas else {
            throw UserInputError("Action inconnue.")
        }
        let engine = try engine(for: user)
        let count: Int
        switch action {
        case .lateRevenue:
            count = try engine.correctLateRevenue(issueDate: today).created.count
        case .acknowledge:
            guard let reason = call.form.trimmed("motif") else {
                throw UserInputError("Indiquez pourquoi ce revenu n'est pas facturé.")
            }
            count = try engine.acknowledgeUnbilled(month: month, client: nil, reason: reason, today: today)
        case .events:
            count = try engine.billEvents(on: today).created.count
        case .entries:
            count = try workspace.postMissingEntries(actor: user.login)
        case .mail:
            count = try workspace.requeueMail(ids: nil, actor: user.login).count
        case .proformas:
            count = 0
        }
        // What was done, as a code and a count: the page words it (nothing typed in a URL is echoed).
        return redirect("/cloture?mois=\(month.name)&fait=\(action.rawValue)&n=\(count)")
    }

    /// The notice after a closing action: what it did, counted.
    func closingNotice(_ call: Call) -> String? {
        guard let action = call.query("fait").flatMap(ClosingAction.init(rawValue:)) else { return notice(call) }
        let n = call.query("n").flatMap(Int.init) ?? 0
        switch action {
        case .lateRevenue: return "\(n) document(s) de régularisation créé(s)."
        case .acknowledge: return "\(n) élément(s) du non-facturé reconnu(s) avec votre motif."
        case .events: return "\(n) document(s) d'événements créé(s)."
        case .entries: return "\(n) écriture(s) passée(s)."
        case .mail: return "\(n) courriel(s) relancé(s) : ils partiront au prochain envoi."
        case .proformas: return nil
        }
    }

    static let closingTemplate = """
        {{#hasActions}}<h2>À faire</h2><div class="card" id="actions-cloture">{{#actions}}
        {{#isLink}}<p><a href="{{href}}" id="action-{{action}}">{{label}}</a></p>{{/isLink}}
        {{^isLink}}<form method="post" action="/cloture/actions" id="form-{{action}}"><input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="mois" value="{{month}}"><input type="hidden" name="action" value="{{action}}">
        {{#needsReason}}<label>Motif <input name="motif" id="motif-{{action}}" size="50" required></label> {{/needsReason}}<button type="submit" id="action-{{action}}">{{label}}</button></form>{{/isLink}}
        {{/actions}}</div>{{/hasActions}}
        {{#closingForm}}<form method="post" action="/cloture" id="form-cloture" class="card">
        <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="mois" value="{{month}}">
        <p>La clôture est définitive : plus rien ne pourra être émis, daté ni comptabilisé dans ce mois.</p>
        {{^passed}}<label>Motif pour clôturer malgré les contrôles échoués <input name="motif" id="cloture-motif" size="60"></label>{{/passed}}
        <button type="submit" id="cloturer">Clôturer {{month}}</button></form>{{/closingForm}}
        """
}
