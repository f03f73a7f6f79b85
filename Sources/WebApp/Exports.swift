import BillingModel
import ControlExports
import Dashboards
import Foundation
import Hummingbird
import Workspace

/// The files finance staff check a month with, downloaded from the screens: the control workbooks of
/// `ardoise export` over the user's clients only, and the accounting entries (FEC, CSV), which cover
/// the whole company and so are offered to users who see every client.
extension WebApp {
    /// One file of the exports screen.
    enum ExportFile: String, CaseIterable {
        case restaurants, evenements = "evenements", nonFactures = "non-factures", fec, ecritures

        var title: String {
            switch self {
            case .restaurants: return "Restaurants (XLSX)"
            case .evenements: return "Événements (XLSX)"
            case .nonFactures: return "Revenus non facturés (XLSX)"
            case .fec: return "FEC (fichier des écritures comptables)"
            case .ecritures: return "Écritures (CSV pour le logiciel comptable)"
            }
        }

        var detail: String {
            switch self {
            case .restaurants:
                return
                    "Chaque ligne de caisse facturée à côté de la ligne de facture qui l'a facturée ; totaux par client."
            case .evenements:
                return
                    "Chaque commande d'événement, toutes révisions, à côté des documents qui l'ont facturée ; écarts surlignés."
            case .nonFactures: return "Le revenu qu'aucune facture ne porte, avec la raison ; revenus tardifs."
            case .fec: return "Les écritures de la période au format légal (article A47 A-1 du LPF)."
            case .ecritures: return "Les mêmes écritures, une ligne par mouvement, pour l'import comptable."
            }
        }

        /// The entries are the company's books: not cut by client.
        var wholeCompany: Bool { self == .fec || self == .ecritures }
    }

    /// Whether the user sees every client (an administrator, or a user without a client scope).
    func seesEveryClient(_ user: Identity) -> Bool { user.isAdmin || user.access.clients == nil }

    /// The clients whose figures the user sees on the dashboard and the revenue API: all for an
    /// administrator (whatever scope is stored for them), as everywhere else.
    func clientScope(of user: Identity) -> ClientScope {
        seesEveryClient(user) ? .all : .clients(user.access.clients ?? [])
    }

    /// The last month that has ended, the default period of the exports.
    var lastEndedMonth: Period { Period.month(of: Period.month(of: today).start.adding(days: -1)) }

    func exportsPage(_ call: Call) throws -> Response {
        let user = try call.user
        let period = try self.period(call.query("periode")) ?? lastEndedMonth
        let whole = seesEveryClient(user)
        let rows: [[String: Any]] = ExportFile.allCases.map { file in
            let link = "/exports/\(file.rawValue)?periode=\(period.name)"
            let download =
                file.wholeCompany && !whole
                ? cell("réservé aux utilisateurs qui voient tous les clients")
                : cell("Télécharger", link: link)
            return ["cells": [cell(file.title), cell(file.detail), download], "selectable": false]
        }
        let scope = whole ? "tous les clients" : "vos \(user.access.clients?.count ?? 0) clients uniquement"
        let context: [String: Any] = [
            "heading": "Exports", "hasFilters": true,
            "filters": [filter("periode", "Période", value: period.name, hint: "2026-10")],
            "summary": "Période \(period.name) (\(period.start) → \(period.end)) : \(scope).",
            "sections": [
                ["tableId": "exports", "selectable": false, "headers": ["Fichier", "Contenu", ""], "rows": rows]
            ]
        ]
        return html(
            page(
                title: "Exports", content: render("table", context), identity: user, csrf: call.csrf, current: .exports)
        )
    }

    /// The file itself, written for this request and sent as an attachment.
    /// `file` nil: the workbook named by the path's `:kind`. The entries have routes of their own, marked
    /// `wholeCompany` in the route table, which keeps them from users who see some clients only.
    func exportFile(_ call: Call, _ fixed: ExportFile? = nil) throws -> Response {
        let user = try call.user
        guard let file = try fixed ?? ExportFile(rawValue: try call.parameter("kind")),
            fixed != nil || !file.wholeCompany
        else {
            throw WebError.notFound
        }
        let period = try self.period(call.query("periode")) ?? lastEndedMonth
        let clients: Set<String>? = seesEveryClient(user) ? nil : (user.access.clients ?? [])
        switch file {
        case .fec, .ecritures:
            let export = try workspace.exportEntries(period: period, format: file == .fec ? .fec : .csv)
            return attachment(export.bytes, name: export.fileName, type: export.mediaType)
        case .restaurants, .evenements, .nonFactures:
            let exports = ControlExports(ledger: ledger, settings: workspace.settings)
            let name = "\(file.rawValue)-\(period.name).xlsx"
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
                "ardoise-export-\(Accounts.randomToken().prefix(16))")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let path = folder.appendingPathComponent(name).path
            switch file {
            case .restaurants: _ = try exports.restaurants(period: period, clients: clients, to: path)
            case .evenements: _ = try exports.events(period: period, clients: clients, to: path)
            default:
                // As `report unbilled`: a client whose contract has errors shows its revenue as unbilled.
                let engine = try lenientEngine(actor: user.login)
                var report = try engine.unbilled(period: period, issueDate: today, evaluations: unbilledEvaluations)
                if let clients {
                    report.keepItems { clients.contains($0.client) }
                    report.lateRevenue = report.lateRevenue.filter { clients.contains($0.client) }
                    report.failures = report.failures.filter { clients.contains($0.client) }
                }
                report.reword { French.unbilledReason($0.why) }
                _ = try ControlExports.unbilled(report, to: path)
            }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            return attachment(
                bytes, name: name, type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
    }

    func attachment(_ bytes: [UInt8], name: String, type: String) -> Response {
        Response(
            status: .ok, headers: [.contentType: type, .contentDisposition: "attachment; filename=\"\(name)\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
