import BillingModel
import Dashboards
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp
import Workspace

/// The ids a list page links to, in order (`/proformas/12`, `/factures/34`).
func linkedIDs(_ html: String, _ prefix: String) -> [Int64] {
    html.components(separatedBy: "href=\"\(prefix)/").dropFirst().compactMap { Int64($0.prefix { $0.isNumber }) }
}

/// `1 234,56 €` as on the pages.
func euroText(_ cents: Int64) -> String { Money(cents: cents).french + " €" }

/// A list's totals as the pages print them: credit notes deducted.
func listTotals(_ docs: [Invoice]) -> (ht: Int64, ttc: Int64) {
    docs.reduce((Int64(0), Int64(0))) { t, d in
        d.type == .creditNote ? (t.0 - d.totalHt, t.1 - d.totalTtc) : (t.0 + d.totalHt, t.1 + d.totalTtc)
    }
}

/// Lists read a page in SQL: the count, the totals and the rows hold only the
/// clients of the user's scope and the filters; page 2 continues page 1.
/// And the dashboard's kept figures follow the writes of another process.
@Suite(.serialized) struct ListPagingTests {
    static func proforma(_ f: Fixture, client: String, site: String?, automatic: Bool, cents: Int64) throws {
        let day = try #require(Day(iso: "2026-10-31"))
        let line = NewInvoiceLine(
            label: "Prestation", quantity: 1, unitPrice: Price(tenThousandths: cents * 100), net: Money(cents: cents),
            vat: VATRate(whole: 20))
        _ = try f.ledger.createProforma(
            NewInvoice(
                type: .invoice, series: "FA", client: client, site: site,
                period: Period(start: day.firstOfMonth, end: day), issueDate: day, dueDate: day,
                paymentTerms: .onReceipt, origin: .manual, automatic: automatic, lines: [line]),
            actor: "test")
    }

    @Test func theProformaPagesAndTotalsHoldOnlyTheScopeAndTheFilters() async throws {
        let f = try Fixture()
        for n in 0..<150 {
            try Self.proforma(
                f, client: f.clientIn, site: n % 2 == 0 ? "SITE-PAIR" : nil, automatic: n % 3 == 0,
                cents: Int64(100 + n))
        }
        for n in 0..<60 {
            try Self.proforma(f, client: f.clientOut, site: "SITE-PAIR", automatic: true, cents: Int64(10_000 + n))
        }
        let scoped = try f.user("controle-c3", rights: [(.proformas, .read)], clients: [f.clientIn])
        // The reference: every waiting document, filtered in Swift as the user may see it.
        let waiting = try f.ledger.invoices(status: .proforma)
        let clientIn = f.clientIn
        @Sendable func expected(_ keep: (Invoice) -> Bool) -> [Invoice] {
            waiting.filter { $0.client == clientIn && keep($0) }
        }
        @Sendable func summary(_ docs: [Invoice]) -> String {
            "\(docs.count) documents · total HT \(euroText(listTotals(docs).ht)) · TTC \(euroText(listTotals(docs).ttc))"
        }
        // The page's documents are the ledger's records, read column by column.
        let everyOne = try f.ledger.documentPage(
            DocumentFilter(statuses: [.proforma, .discarded, .issued]), page: 1, pageSize: 10_000)
        #expect(everyOne.documents == (try f.ledger.invoices(includeDiscarded: true)) && everyOne.pageCount == 1)
        try await f.app.application().test(.router) { client in
            let all = expected { _ in true }
            #expect(all.count > 100 && all.count <= 200)
            let first = try await send(client, .get, "/proformas", as: scoped)
            let second = try await send(client, .get, "/proformas?page=2", as: scoped)
            #expect(first.status == .ok && second.status == .ok)
            #expect(linkedIDs(first.text, "/proformas") == all.prefix(100).compactMap(\.id))
            #expect(
                linkedIDs(second.text, "/proformas") == all.dropFirst(100).compactMap(\.id),
                "page 2 shows the next documents")
            #expect(
                first.text.contains(summary(all)) && second.text.contains(summary(all)),
                "totals over every page, in scope")
            #expect(first.text.contains("page 1 sur 2 (100 sur \(all.count))"))
            #expect(!first.text.contains(f.clientOut) && !second.text.contains(f.clientOut))
            // A page past the last shows the last.
            let beyond = try await send(client, .get, "/proformas?page=9", as: scoped)
            #expect(linkedIDs(beyond.text, "/proformas") == linkedIDs(second.text, "/proformas"))

            // Filters in SQL: site and automatic, still in scope (the other client's documents are all at that site, automatic).
            let filtered = expected { $0.site == "SITE-PAIR" && $0.automatic }
            #expect(!filtered.isEmpty)
            let page = try await send(client, .get, "/proformas?site=SITE-PAIR&automatique=oui", as: scoped)
            #expect(linkedIDs(page.text, "/proformas") == filtered.compactMap(\.id))
            #expect(page.text.contains(summary(filtered)))
            let manual = expected { $0.automatic == false }
            let notAutomatic = try await send(client, .get, "/proformas?automatique=non&page=2", as: scoped)
            #expect(linkedIDs(notAutomatic.text, "/proformas") == manual.dropFirst(100).compactMap(\.id))
            #expect(notAutomatic.text.contains(summary(manual)))
            // Asking for the other client by name shows nothing.
            let outside = try await send(client, .get, "/proformas?client=\(f.clientOut)", as: scoped)
            #expect(linkedIDs(outside.text, "/proformas").isEmpty && outside.text.contains("id=\"totaux\">0 documents"))
        }
    }

    @Test func theInvoiceListIsPagedWithTotalsOverEveryPageOfTheScope() async throws {
        let f = try Fixture()
        for n in 0..<110 {
            try Self.proforma(f, client: f.clientIn, site: nil, automatic: false, cents: Int64(500 + n))
        }
        for n in 0..<5 {
            try Self.proforma(f, client: f.clientOut, site: nil, automatic: false, cents: Int64(90_000 + n))
        }
        let engine = try f.app.workspace.engine(today: Fixture.today, actor: "test")
        _ = try engine.validate(ids: try f.ledger.invoices(status: .proforma).compactMap(\.id), on: Fixture.today)
        let scoped = try f.user("compta-c3", rights: [(.invoices, .read)], clients: [f.clientIn])
        let issued = try f.ledger.invoices(status: .issued)
        let mine = issued.filter { $0.client == f.clientIn }
        #expect(mine.count > 100 && issued.count > mine.count)
        let ht = listTotals(mine).ht
        let firstMail = try f.ledger.outboxMessage(invoiceID: try #require(mine.first?.id))
        try await f.app.application().test(.router) { client in
            let first = try await send(client, .get, "/factures", as: scoped)
            let second = try await send(client, .get, "/factures?page=2", as: scoped)
            #expect(first.status == .ok && second.status == .ok)
            #expect(linkedIDs(first.text, "/factures") == mine.prefix(100).compactMap(\.id))
            #expect(
                linkedIDs(second.text, "/factures") == mine.dropFirst(100).compactMap(\.id),
                "page 2 shows the next documents")
            #expect(
                first.text.contains(
                    "\(mine.count) documents · total HT \(euroText(ht)) · TTC \(euroText(listTotals(mine).ttc)) (avoirs déduits)"
                ))
            #expect(
                first.text.contains("page 1 sur 2 (100 sur \(mine.count))")
                    && first.text.contains("id=\"page-suivante\""))
            #expect(second.text.contains("id=\"page-precedente\"") && !second.text.contains("id=\"page-suivante\""))
            #expect(!first.text.contains(f.clientOut) && !second.text.contains(f.clientOut))
            // Each row's e-mail status, read for the page's documents only.
            if firstMail?.status == .pending { #expect(first.text.contains("en attente")) }
            // The type filter in SQL; an unknown type lists nothing.
            let invoices = try await send(
                client, .get, "/factures?type=invoice&client=\(f.clientIn)&page=2", as: scoped)
            #expect(
                linkedIDs(invoices.text, "/factures")
                    == mine.filter { $0.type == .invoice }.dropFirst(100).compactMap(\.id))
            #expect(invoices.text.contains("type=invoice&amp;page=1") || invoices.text.contains("type=invoice&page=1"))
            let unknown = try await send(client, .get, "/factures?type=devis", as: scoped)
            #expect(linkedIDs(unknown.text, "/factures").isEmpty && unknown.text.contains("id=\"totaux\">0 documents"))
        }
    }

    /// The dashboard and the lists keep their pages between requests; a validation by another process (its
    /// own connections to the ledger file, as `ardoise validate` or the scheduler's run) shows at the next request.
    @Test func keptPagesShowAValidationMadeByAnotherProcess() async throws {
        let f = try Fixture()
        let user = try f.user("direction", rights: [(.dashboard, .read), (.proformas, .write), (.invoices, .read)])
        let other2 = try f.user("controle", rights: [(.proformas, .write)])
        let october = try #require(Period(parsing: "2026-10"))
        @Sendable func summary(_ html: String) -> String {
            guard let r = html.range(of: "id=\"totaux\">") else { return "" }
            return String(html[r.upperBound...].prefix { $0 != "<" })
        }
        try await f.app.application().test(.router) { client in
            let before = summary(try await send(client, .get, "/tableau-de-bord?periode=2026-10", as: user).text)
            let apiBefore = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: user).text
            let again = summary(try await send(client, .get, "/tableau-de-bord?periode=2026-10", as: user).text)
            #expect(before.contains("facturé") && again == before)
            let waitingBefore = linkedIDs(try await send(client, .get, "/proformas", as: user).text, "/proformas")
            let issuedBefore = linkedIDs(try await send(client, .get, "/factures", as: user).text, "/factures")
            #expect(waitingBefore.contains(f.proforma) && !issuedBefore.contains(f.proforma))
            // The same kept page for another session carries that session's CSRF token, not the first one's.
            let secondPage = try await send(client, .get, "/proformas", as: other2).text
            #expect(
                secondPage.contains("value=\"\(other2.csrf)\"") && !secondPage.contains(user.csrf)
                    && !secondPage.contains("csrf-of-the-session"))
            // Another process: the workspace opened again, on its own connection to the ledger.
            let another = try Installation.open(configPath: f.configPath)
            let other = try another.ledger
            let engine = try another.engine(today: Fixture.today, actor: "scheduler")
            _ = try engine.validate(ids: [f.proforma] + f.spare, on: Fixture.today)
            let split = try Dashboard(ledger: other).invoicing(period: october, selection: .scope(.all))
            let after = summary(try await send(client, .get, "/tableau-de-bord?periode=2026-10", as: user).text)
            #expect(after != before)
            #expect(
                after.contains(
                    "facturé \(split.invoicedTotal.french) €, pas encore facturé \(split.notInvoicedTotal.french) €"),
                "\(after)")
            let apiAfter = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: user).text
            #expect(apiAfter != apiBefore)
            let waitingAfter = linkedIDs(try await send(client, .get, "/proformas", as: user).text, "/proformas")
            let issuedAfter = linkedIDs(try await send(client, .get, "/factures", as: user).text, "/factures")
            #expect(!waitingAfter.contains(f.proforma) && issuedAfter.contains(f.proforma))
            #expect(waitingAfter == (try f.ledger.invoices(status: .proforma)).prefix(100).compactMap(\.id))
        }
    }
}
