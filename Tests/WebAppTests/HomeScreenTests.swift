import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// The home page says what to do next, for the clients and rights of the person signed in.
@Suite(.serialized) struct HomeScreenTests {
    @Test func theHomePageListsTheDaysWorkWithLinks() async throws {
        let f = try Fixture()
        let admin = try f.user("chef", admin: true)
        let scoped = try f.user(
            "suivi-accueil", rights: [(.proformas, .read), (.invoices, .read), (.closing, .read)], clients: [f.clientIn]
        )
        let waitingAll = try f.ledger.documentPage(DocumentFilter(statuses: [.proforma]), page: 1, pageSize: 1)
        let waitingIn = try f.ledger.documentPage(
            DocumentFilter(statuses: [.proforma], scope: [f.clientIn]), page: 1, pageSize: 1)
        try await f.app.application().test(.router) { client in
            let home = try await send(client, .get, "/", as: admin)
            #expect(home.status == .ok)
            #expect(
                home.text.contains(
                    "\(waitingAll.count) proformas à contrôler, \(Money(cents: waitingAll.totalTtc).french) €"),
                "\(home.text)")
            #expect(home.text.contains("<li id=\"a-faire-proformas\"><a href=\"/proformas\">"))
            // October, billed on 2 November with proformas still waiting, is not closed, and the page says why.
            #expect(
                home.text.contains(
                    "<a href=\"/cloture?mois=2026-10\">Octobre 2026 n&#39;est pas clôturé : des proformas du mois attendent"
                )
                    || home.text.contains(
                        "<a href=\"/cloture?mois=2026-10\">Octobre 2026 n'est pas clôturé : des proformas du mois attendent"
                    ),
                "\(home.text)")
            #expect(home.text.contains("id=\"a-faire-paiements\""))

            // A person who follows one client: that client's proformas only, and no whole-company item.
            let mine = try await send(client, .get, "/", as: scoped)
            #expect(
                mine.text.contains(
                    "\(waitingIn.count) proforma\(waitingIn.count > 1 ? "s" : "") à contrôler, \(Money(cents: waitingIn.totalTtc).french) €"
                ),
                "\(mine.text)")
            #expect(waitingIn.count < waitingAll.count)
            #expect(!mine.text.contains("a-faire-cloture") && !mine.text.contains("a-faire-paiements"))
        }
    }
}
