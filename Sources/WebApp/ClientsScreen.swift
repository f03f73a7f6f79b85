import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Clients: the list, one client with its contract and a pending change.
extension WebApp {
    func clientList(_ call: Call) throws -> Response {
        let user = try call.user
        let clients = workspace.settings.clients.filter { user.sees(client: $0.code) }
        // With a pending change of contracts, which clients it touches (a comparison of the files, nothing billed).
        let changed = options.pendingRules.map { workspace.clientsChanged(pending: $0, today: today) }
        let rows: [[String: Any]] = clients.map { c in
            var cells = [
                cell(c.code, link: "/clients/\(c.code)"), cell(c.legalName), cell(c.siren),
                cell(c.sites.joined(separator: ", ")),
                cell(c.revenueTypes.joined(separator: ", "))
            ]
            if let changed { cells.append(cell(changed.contains(c.code) ? "oui" : "—")) }
            return ["cells": cells, "selectable": false]
        }
        let touched = changed.map { set in clients.filter { set.contains($0.code) }.count }
        let context: [String: Any] = [
            "heading": "Clients et contrats",
            "summary": "\(clients.count) clients"
                + (touched.map { " · \($0) touchés par la modification en attente" } ?? ""),
            "sections": [
                [
                    "tableId": "clients", "selectable": false,
                    "headers": ["Code", "Raison sociale", "SIREN", "Sites", "Types de revenus"]
                        + (changed == nil ? [] : ["Modification en attente"]), "rows": rows
                ]
            ]
        ]
        return html(
            page(
                title: "Clients et contrats", content: render("table", context), identity: user, csrf: call.csrf,
                current: .clients))
    }

    func clientPage(_ call: Call) throws -> Response {
        let user = try call.user
        let code = try call.parameter("code")
        guard user.sees(client: code), let c = workspace.settings.clients.first(where: { $0.code == code }) else {
            throw WebError.notFound
        }
        // Found by the client the file names, whatever the file is called.
        let checked = workspace.contractFile(of: code, today: today)
        let contract = checked.map { (path: $0.source.path, text: $0.source.text) }
        var lint = "Aucun fichier de contrat pour ce client."
        var diagnostics: Any = false
        if let contract {
            let report = Linter.run(paths: [contract.path], configPath: workspace.config.file, today: today)
            let errors = report.diagnostics.filter { $0.severity == .error }.count
            lint =
                errors == 0
                ? "Contrat valide (\(report.diagnostics.count) remarque(s))."
                : "\(errors) erreur(s) : ce client n'est pas facturé."
            if !report.diagnostics.isEmpty { diagnostics = report.render(.text) }
        }
        let context: [String: Any] = [
            "heading": "\(c.code) — \(c.legalName)",
            "facts": [
                ["label": "SIREN", "text": c.siren], ["label": "TVA", "text": c.vatNumber ?? "—"],
                ["label": "Courriels", "text": c.emails.joined(separator: ", ")],
                ["label": "Compte client", "text": c.receivableAccount],
                ["label": "Sites", "text": c.sites.joined(separator: ", ")],
                ["label": "Catégories", "text": c.dinerCategories.joined(separator: ", ")],
                ["label": "Payeurs", "text": c.payers.map(\.code).joined(separator: ", ")]
            ],
            "lint": lint, "diagnostics": diagnostics, "contractPath": contract.map { DisplayPath.of($0.path) } ?? "—",
            "contract": contract?.text ?? "",
            // Each line of the contract has an anchor, so a document's line links to the contract line that priced it.
            "contractLines": (contract?.text ?? "").split(separator: "\n", omittingEmptySubsequences: false)
                .enumerated().map {
                    ["n": $0.offset + 1, "text": String($0.element)] as [String: Any]
                },
            "pending": try pendingContext(client: code, current: checked, period: try period(call.query("periode")))
        ]
        return html(
            page(title: c.code, content: render("client", context), identity: user, csrf: call.csrf, current: .clients))
    }

    /// The billing impact of the pending change of contracts on one client, over a period
    /// (by default the last month that has ended); false when no pending rules folder is served.
    func pendingContext(client: String, current: CheckedFile?, period chosen: Period?) throws -> Any {
        guard let directory = options.pendingRules else { return false }
        let period = chosen ?? lastEndedMonth
        // Every key is set: a missing one would be looked up in the page around it (the current contract).
        var context: [String: Any] = [
            "folder": DisplayPath.of(directory), "period": period.name, "pendingContract": false,
            "pendingDiagnostics": false,
            "impactTable": false
        ]
        switch try workspace.pendingChange(
            pending: directory, client: client, current: current, period: period,
            today: today)
        {
        case .unchanged:
            context["summary"] =
                "Aucune modification en attente pour ce client : son contrat est le même dans les deux dossiers."
        case .errors(let file, let text, let diagnostics):
            context["summary"] =
                "Le contrat modifié (\(file)) a des erreurs : son impact se calculera quand elles seront corrigées."
            context["pendingDiagnostics"] = diagnostics
            context["pendingContract"] = text
        case .changed(let file, let text, let period, let diff):
            if let text { context["pendingContract"] = text }
            guard let diff else {
                context["summary"] =
                    file == nil
                    ? "La modification retire le contrat de ce client ; sur \(period.name), elle ne change rien à sa facturation."
                    : "Le contrat modifié (\(file ?? "")) facture exactement la même chose sur \(period.name)."
                break
            }
            if let failure = diff.afterFailure ?? diff.beforeFailure {
                context["summary"] = "Impact non calculable sur \(period.name) : \(failure)"
                break
            }
            let impact = diff.after - diff.before
            context["summary"] =
                "Sur \(period.name) : facturé aujourd'hui \(diff.before.ht.french) € HT (\(diff.before.ttc.french) € TTC), "
                + "avec la modification \(diff.after.ht.french) € HT (\(diff.after.ttc.french) € TTC) : "
                + "écart \(signed(impact.ht)) € HT, \(signed(impact.ttc)) € TTC."
            let rows: [[String: Any]] = diff.documents.flatMap { d in
                d.lines.map { l in
                    [
                        "cells": [
                            cell("\(d.period.start) → \(d.period.end)" + (d.site.map { ", site \($0)" } ?? "")),
                            cell(l.label),
                            cell(l.before.map { $0.net.french + " €" } ?? "—", num: true),
                            cell(l.after.map { $0.net.french + " €" } ?? "—", num: true),
                            cell(signed(l.delta) + " €", num: true)
                        ],
                        "selectable": false
                    ] as [String: Any]
                }
            }
            context["impactTable"] = [
                "tableId": "impact", "selectable": false,
                "headers": ["Document", "Ligne", "Avant (HT)", "Après (HT)", "Écart (HT)"],
                "rows": rows
            ]
        }
        return context
    }
}
