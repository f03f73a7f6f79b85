import BillingEngine
import BillingModel
import Foundation
import Hummingbird

/// Clôture: the closing report of a month (the six checks, each with what to do, and the month's totals)
/// and, with the write right, closing it through the engine as `ardoise close` does. A closing covers
/// the whole company: the route table keeps it to users who see every client.
extension WebApp {
    /// The checks' French names and what to do, by the engine's (English) check name.
    static let closingChecks: [String: (title: String, remedy: String)] = [
        "no proforma waiting for the month": (
            "Aucune proforma en attente pour le mois",
            "Validez-les ou écartez-les (Proformas à contrôler)."),
        "every revenue line of the month billed or acknowledged": (
            "Tout le revenu du mois facturé ou reconnu",
            "Facturez-le, ou reconnaissez-le avec un motif (`ardoise unbilled acknowledge`) ; corrigez les revenus tardifs (`ardoise bill --corrections`)."),
        "every event order delivered in the month invoiced": (
            "Toute commande d'événement livrée dans le mois facturée",
            "Facturez-les (`ardoise bill --events`) ou reconnaissez-les dans les revenus non facturés."),
        "numbering gapless and chronological": (
            "Numérotation continue et chronologique",
            "Une rupture de numérotation ne se répare pas : signalez-la au commissaire aux comptes et lancez `ardoise verify`."),
        "entries balanced and equal to the documents": (
            "Écritures équilibrées et égales aux documents",
            "Passez les écritures manquantes (`ardoise entries post`) ; une écriture différente de son document se signale au commissaire aux comptes."),
        "every e-mail of the month sent": (
            "Tous les courriels du mois envoyés",
            "Envoyez-les (`ardoise outbox send`, `ardoise outbox retry --all` une fois l'adresse corrigée)."),
    ]

    func closingMonth(_ text: String?) throws -> Period {
        guard let p = try period(text) else { return lastEndedMonth }
        guard Period.month(of: p.start) == p else { throw UserInputError("Une clôture porte sur un mois : écrivez 2026-10.") }
        return p
    }

    func closingPage(_ call: Call) throws -> Response {
        let user = try call.user
        let month = try closingMonth(call.query("mois"))
        let report: ClosingReport
        do {
            report = try engine(for: user).closingReport(month: month, today: today)
        } catch let error as ClosingError {
            throw UserInputError("Refusé : \(error.description)")
        }
        let checks: [[String: Any]] = report.checks.map { c in
            let french = Self.closingChecks[c.name]
            let details = c.details.prefix(20).map(French.closingDetail).joined(separator: " ; ") + (c.details.count > 20 ? " ; … (\(c.details.count) en tout)" : "")
            return ["cells": [cell(french?.title ?? c.name), cell(c.passed ? "réussi" : "échoué"), cell(details),
                              cell(c.passed ? "" : french?.remedy ?? c.remedy)], "selectable": false]
        }
        let activities: [[String: Any]] = report.activities.map { a in
            ["cells": [cell(a.activity), cell(euros(a.net.cents), num: true)], "selectable": false]
        }
        let series: [[String: Any]] = report.series.map { s in
            ["cells": [cell(s.series), cell(String(s.count), num: true), cell(s.first), cell(s.last)], "selectable": false]
        }
        let state = report.closed ? "clôturé" + (report.forcedReason.map { " (forcé : \($0))" } ?? "")
            : report.passed ? "ouvert ; tous les contrôles sont réussis" : "ouvert ; \(report.checks.filter { !$0.passed }.count) contrôle(s) échoué(s)"
        var context: [String: Any] = [
            "heading": "Clôture de \(month.name)", "hasFilters": true,
            "filters": [filter("mois", "Mois", value: month.name, hint: "2026-10")],
            "summary": "\(month.start) → \(month.end) : \(state). Total HT \(euros(report.totalHT.cents)), TVA \(euros(report.totalVAT.cents)).",
            "sections": [
                ["caption": "Contrôles", "tableId": "controles", "selectable": false,
                 "headers": ["Contrôle", "Résultat", "Détail", "À faire"], "rows": checks],
                ["caption": "Chiffre d'affaires HT par activité", "tableId": "activites", "selectable": false,
                 "headers": ["Activité", "HT"], "rows": activities],
                ["caption": "Documents émis par série", "tableId": "series", "selectable": false,
                 "headers": ["Série", "Documents", "Premier", "Dernier"], "rows": series],
            ],
        ]
        if user.can(.closing, .write) && !report.closed {
            // Closing despite failed checks needs a reason, as `ardoise close --force --reason` does.
            context["closingForm"] = ["csrf": call.csrf, "month": month.name, "passed": report.passed]
        }
        return html(page(title: "Clôture", content: render("table", context) + render("closing", context), identity: user,
                         csrf: call.csrf, current: .closing, notice: notice(call)))
    }

    func closeMonth(_ call: Call) throws -> Response {
        let user = try call.user
        let month = try closingMonth(call.form.trimmed("mois"))
        let reason = call.form.trimmed("motif")
        let report: ClosingReport
        do {
            report = try engine(for: user).close(month: month, today: today, forceReason: reason, dryRun: false)
        } catch let error as ClosingError {
            throw UserInputError("Refusé : \(error.description)")
        }
        return redirect("/cloture?mois=\(month.name)&fait=\(report.closed ? "cloture" : "cloture-refusee")")
    }

    static let closingTemplate = """
    {{#closingForm}}<form method="post" action="/cloture" id="form-cloture" class="card">
    <input type="hidden" name="csrf" value="{{csrf}}"><input type="hidden" name="mois" value="{{month}}">
    <p>La clôture est définitive : plus rien ne pourra être émis, daté ni comptabilisé dans ce mois.</p>
    {{^passed}}<label>Motif pour clôturer malgré les contrôles échoués <input name="motif" id="cloture-motif" size="60"></label>{{/passed}}
    <button type="submit" id="cloturer">Clôturer {{month}}</button></form>{{/closingForm}}
    """
}
