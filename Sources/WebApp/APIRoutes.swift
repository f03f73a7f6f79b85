import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// The JSON API (bearer token).
extension WebApp {
    // MARK: JSON API

    func apiDocuments(_ call: Call) throws -> Response {
        let user = try call.user
        let list = try ledger.invoices(
            status: .issued, client: call.query("client"), period: try period(call.query("period"))
        )
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
                "{"
                    + Activity.withDailyRevenue.map { a in
                        "\(jsonString(a.dailyRevenueCode ?? a.rawValue)):{\"amount\":\(money(f.amount(a))),\"covers\":\(f.covers[a] ?? 0),\"lines\":\(f.lines[a] ?? 0)}"
                    }.joined(separator: ",") + "}"
            }
            let invoicing =
                "{"
                + Activity.withDailyRevenue.map { a in
                    "\(jsonString(a.dailyRevenueCode ?? a.rawValue)):{\"invoiced\":\(money(split.invoiced[a])),\"not_invoiced\":\(money(split.notInvoiced[a])),"
                        + "\"anonymous\":\(money(split.anonymous[a]))}"
                }.joined(separator: ",") + "}"
            let dayList = o.days.map {
                "{\"day\":\(jsonString($0.day.description)),\"activities\":\(activities($0.figures))}"
            }
            return
                "{\"period\":{\"start\":\(jsonString(period.start.description)),\"end\":\(jsonString(period.end.description))},"
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
