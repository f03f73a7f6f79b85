import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Imports: the files imported and their rejected rows.
extension WebApp {
    /// Imported files are per site and day, not per client: every reader of imports sees them.
    func imports(_ call: Call) throws -> Response {
        let user = try call.user
        let files = try ledger.recentImportedFiles(limit: 300)
        let rejected = try ledger.recentRejectedRows(limit: 300)
        func fileRow(_ f: ImportedFile) -> [String: Any] {
            [
                "cells": [
                    cell(f.name), cell(f.kind == .events ? "commandes" : "caisses"), cell(String(f.version)),
                    cell(f.status == .imported ? "importé" : f.status == .replaced ? "remplacé" : "conflit"),
                    cell(French.timestamp(f.importedAt)),
                    cell(String(f.rowCount), num: true), cell(String(f.rejectedCount), num: true), cell(f.message ?? "")
                ],
                "selectable": false
            ]
        }
        let headers = ["Fichier", "Type", "Version", "Statut", "Importé le", "Lignes", "Rejets", "Message"]
        let context: [String: Any] = [
            "heading": "Imports", "summary": "\(files.count) fichiers récents",
            "sections": [
                [
                    "caption": "Fichiers importés", "tableId": "fichiers", "selectable": false, "headers": headers,
                    "rows": files.map(fileRow)
                ],
                [
                    "caption": "Conflits", "tableId": "conflits", "selectable": false, "headers": headers,
                    "rows": files.filter { $0.status == .conflict }.map(fileRow)
                ],
                [
                    "caption": "Lignes rejetées", "tableId": "rejets", "selectable": false,
                    "headers": ["Fichier", "Ligne", "Raison"],
                    "rows": rejected.map { r in
                        [
                            "cells": [cell(r.file), cell(String(r.line), num: true), cell(r.reason)],
                            "selectable": false
                        ] as [String: Any]
                    }
                ]
            ]
        ]
        return html(
            page(
                title: "Imports", content: render("table", context), identity: user, csrf: call.csrf, current: .imports)
        )
    }
}
