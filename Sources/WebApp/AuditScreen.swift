import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Journal d'audit.
extension WebApp {
    /// The audit log; a user scoped to some clients sees only their documents' entries, the latest 500 of them
    /// (the scope is a parameter of the ledger's query, applied before its limit).
    func auditPage(_ call: Call) throws -> Response {
        let user = try call.user
        let scope = user.isAdmin ? nil : user.access.clients
        let visible = try ledger.latestAudit(limit: 500, clients: scope)
        let context: [String: Any] = [
            "heading": "Journal d'audit", "summary": "\(visible.count) dernières actions",
            "sections": [
                [
                    "tableId": "audit", "selectable": false,
                    "headers": ["Quand", "Qui", "Action", "Document", "Détail"],
                    "rows": visible.map { r in
                        [
                            "cells": [
                                cell(French.timestamp(r.entry.at)), cell(r.entry.actor),
                                cell(French.auditAction(r.entry.action)),
                                cell(r.number ?? r.entry.invoiceId.map { "#\($0)" } ?? ""),
                                cell(
                                    French.auditDetails(
                                        r.entry.action, details: r.entry.details, parameters: r.entry.parameters))
                            ],
                            "selectable": false
                        ] as [String: Any]
                    }
                ]
            ]
        ]
        return html(
            page(
                title: "Journal d'audit", content: render("table", context), identity: user, csrf: call.csrf,
                current: .audit))
    }
}
