import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Tableau de bord: revenue by activity per day, week and cumulative, and its JSON form (`/api/v1/revenue`).
extension WebApp {
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
            let rows: [[String: Any]] = Activity.withDailyRevenue.map { a in
                [
                    "name": Charts.name(a), "amount": euros(total.amount(a)),
                    "covers": total.covers[a].map { "\($0)" } ?? "—",
                    "invoiced": euros(split.invoiced[a]), "notInvoiced": euros(split.notInvoiced[a]),
                    "anonymous": euros(split.anonymous[a])
                ]
            }
            let scopeText =
                client.map { "client \($0)" } ?? site.map { "site \($0)" }
                ?? (scope == .all ? "tous les clients" : "vos clients")
            let context: [String: Any] = [
                "period": shown.name,
                "sites": o.sites.map { ["code": $0, "selected": $0 == site] },
                "clients": o.clients.map { ["code": $0, "name": named($0), "selected": $0 == client] },
                "summary":
                    "\(shown.start) → \(shown.end), \(scopeText) : \(euros(total.total)), \(total.totalCovers) couverts ; "
                    + "facturé \(euros(split.invoicedTotal)), pas encore facturé \(euros(split.notInvoicedTotal))",
                "rows": rows,
                "daily": Charts.daily(o.days, title: "Chiffre d'affaires par jour et par activité"),
                "weekly": Charts.weekly(Dashboard.weeks(o.days), title: "Chiffre d'affaires par semaine ISO"),
                "cumulative": Charts.cumulative(o.days, title: "Chiffre d'affaires cumulé sur la période")
            ]
            return render("dashboard", context)
        }
        return html(
            page(title: "Tableau de bord", content: content, identity: user, csrf: call.csrf, current: .dashboard))
    }
}
