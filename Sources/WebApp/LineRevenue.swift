import BillingModel
import Foundation
import Ledger

/// The revenue behind a document's lines, as the document page shows it: per
/// line a `<details id="revenu-ligne-N">` with the site-days, the register
/// file and version each was read from, and the counts (no script).
extension WebApp {
    /// The template context of `revenue` for the line at `position`.
    func revenueContext(_ revenue: LineRevenue?, client: String) -> [String: Any] {
        guard let revenue else { return ["summary": "Rien n'indique le revenu de cette ligne.", "hasDays": false] }
        switch revenue.basis {
        case .order(let id, let revision):
            return [
                "summary":
                    "Commande d'événement \(id)\(revision.map { ", révision \($0)" } ?? "") : prix de la commande, sans revenu de caisse.",
                "hasDays": false
            ]
        case .fixedFee(let period):
            return [
                "summary":
                    "Frais fixe du contrat pour \(period.frenchName) : aucun revenu de caisse derrière cette ligne.",
                "hasDays": false
            ]
        case .credit:
            return [
                "summary":
                    "Ligne d'avoir : elle crédite une ligne d'un document émis (voir l'explication), sans revenu de caisse propre.",
                "hasDays": false
            ]
        case .typedIn:
            return ["summary": "Ligne saisie à la main : aucun revenu de caisse derrière elle.", "hasDays": false]
        case .unknown:
            return ["summary": "Rien n'indique le revenu de cette ligne.", "hasDays": false]
        case .registers(let selection):
            let period = selection.period, cafeteria = selection.cafeteria
            var scope = "client \(client), " + (selection.site.map { "site \($0)" } ?? "tous ses sites")
            if let category = selection.category {
                scope += category == DinerCategory.guests ? ", invités" : ", catégorie \(category)"
            } else if !selection.guests {
                scope += ", invités exclus"
            }
            if cafeteria { scope += ", tickets de cafétéria" }
            if let rate = selection.rate { scope += ", lignes à la TVA de \(rate.french) %" }
            scope +=
                ", \(period.start == period.end ? "le \(period.start.french)" : "du \(period.start.french) au \(period.end.french)")"
            guard !revenue.days.isEmpty else {
                return ["summary": "Revenus des caisses (\(scope)) : aucun ticket.", "hasDays": false]
            }
            let siteDays = revenue.days.count
            let covers = cafeteria ? "" : ", " + French.count(revenue.covers, "couvert", "couverts")
            let days: [[String: Any]] = revenue.days.map { d in
                [
                    "day": d.day.french, "site": d.site, "file": d.fileName,
                    "version": d.currentVersion.map { "\(d.fileVersion) (corrigé depuis : \($0))" }
                        ?? (d.recorded ? String(d.fileVersion) : "\(d.fileVersion) (actuelle)"),
                    "tickets": French.count(d.tickets), "covers": cafeteria ? "—" : French.count(d.covers),
                    "ttc": euros(d.amountTTC.cents), "share": euros(d.employerShare.cents)
                ]
            }
            var context: [String: Any] = [
                "summary": "Revenus des caisses (\(scope)) : \(French.count(siteDays, "jour-site", "jours-site")), "
                    + "\(French.count(revenue.tickets, "ticket", "tickets"))\(covers), \(euros(revenue.amountTTC.cents)) TTC",
                "hasDays": true, "days": days,
                "total": [
                    "tickets": French.count(revenue.tickets), "covers": cafeteria ? "—" : French.count(revenue.covers),
                    "ttc": euros(revenue.amountTTC.cents), "share": euros(revenue.employerShare.cents)
                ]
            ]
            var notes: [String] = []
            if revenue.days.contains(where: { !$0.recorded }) {
                notes.append(
                    "« actuelle » : jour-site que le document n'a pas enregistré à sa génération (fenêtre d'un frais), lu dans sa version actuelle."
                )
            }
            if revenue.days.contains(where: { $0.currentVersion != nil }) {
                notes.append(
                    "« corrigé depuis » : un fichier corrigé a remplacé la version lue à la génération du document ; "
                        + "les chiffres sont ceux de la version lue.")
            }
            if !notes.isEmpty { context["note"] = notes.joined(separator: " ") }
            return context
        }
    }
}
