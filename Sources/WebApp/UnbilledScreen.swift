import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Non facturés: revenue no document carries.
extension WebApp {
    // MARK: reports

    func unbilled(_ call: Call) throws -> Response {
        let user = try call.user
        var sections: [[String: Any]] = []
        var summary = "Choisissez une période."
        if let p = try period(call.query("periode")) {
            let engine = try lenientEngine(actor: user.login)
            let report = try engine.unbilled(period: p, issueDate: today, evaluations: unbilledEvaluations)
            let items = report.items.filter { user.sees(client: $0.client) }
            sections.append([
                "tableId": "non-factures", "selectable": false,
                "headers": ["Client", "Site", "Catégorie", "TTC", "Raison"],
                "rows": items.map { i in
                    [
                        "cells": [
                            cell(named(i.client)), cell(i.site), cell(i.category ?? "—"),
                            cell(i.amountTTC.french + " €", num: true),
                            cell(French.unbilledReason(i.why))
                        ], "selectable": false
                    ] as [String: Any]
                }
            ])
            let late = report.lateRevenue.filter { user.sees(client: $0.client) }
            sections.append([
                "caption": "Revenus tardifs", "tableId": "revenus-tardifs", "selectable": false,
                "headers": ["Client", "Période", "Jours-site corrigés"],
                "rows": late.map {
                    [
                        "cells": [cell($0.client), cell($0.period.name), cell(String($0.siteDays), num: true)],
                        "selectable": false
                    ] as [String: Any]
                }
            ])
            summary =
                "\(items.count) éléments non facturés en \(p.name), \((try? items.map(\.amountTTC).checkedSum())?.french ?? "?") € TTC"
        }
        let context: [String: Any] = [
            "heading": "Revenus non facturés", "hasFilters": true,
            "filters": [filter("periode", "Période", value: call.query("periode"), hint: "2026-10")],
            "summary": summary, "sections": sections
        ]
        return html(
            page(
                title: "Revenus non facturés", content: render("table", context), identity: user, csrf: call.csrf,
                current: .unbilled))
    }
}
