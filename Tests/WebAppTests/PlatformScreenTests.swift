import BillingModel
import DemoMonthSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp
import Workspace

/// The platform's view of each invoice, in French, on its page; a rejected invoice on the home page.
@Suite(.serialized) struct PlatformScreenTests {
    @Test func anInvoicePageShowsItsPlatformStatusAndHistoryAndTheHomePageTheRejected() async throws {
        let month = try DemoMonth("webapp-platform", sites: 2, clients: 6, seed: 11) { settings in
            let text =
                try String(contentsOf: settings, encoding: .utf8) + """

                    platform:
                      api_url: https://api.plateforme.example
                      token_url: https://auth.plateforme.example/token
                      client_id: serenest
                      client_secret_env: ARDOISE_PLATFORM_SECRET

                    """
            try text.write(to: settings, atomically: true, encoding: .utf8)
        }
        try month.bill(actor: "controller", validateAll: true)
        let ledger = month.ledger
        let flows = try ledger.platformFlows(kinds: [.invoice])
        let rejected = try #require(flows.first), deposited = try #require(flows.dropFirst().first)
        let at = Date()
        for f in [rejected, deposited] {
            try ledger.recordSubmission(
                flowRow: try #require(f.flow.id), outcome: .submitted(flowId: "flow-\(f.number)", response: "202"),
                sha256: nil, at: at)
        }
        try ledger.recordLifecycle(
            number: rejected.number, code: "213",
            detail:
                #"{"status":"Rejetée","reasons":[{"reasonCode":"InvalidSchema","reasonMessage":"SIREN de l'acheteur inconnu"}]}"#,
            remoteFlowId: "lc-1", statusAt: nil, at: at)
        try ledger.recordLifecycle(
            number: deposited.number, code: "200", detail: #"{"status":"Déposée","reasons":[]}"#,
            remoteFlowId: "lc-2", statusAt: nil, at: at)
        let app = try WebApp(
            workspace: month.workspace, options: Fixture.options(today: DemoMonth.issueDay))
        let u = try app.accounts.addUser(login: "compta", name: "Compta", password: nil, admin: true, actor: "test")
        let session = try app.accounts.openSession(userID: try #require(u.id), lifetime: 3600)
        let admin = TestUser(login: "compta", cookie: session.token, csrf: session.csrf, token: "")
        try await app.application().test(.router) { client in
            let page = try await send(client, .get, "/factures/\(rejected.flow.invoiceId)", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("Rejetée (213)"), "\(page.text)")
            #expect(page.text.contains("InvalidSchema : SIREN de l") && page.text.contains("transmise"), "\(page.text)")
            let ok = try await send(client, .get, "/factures/\(deposited.flow.invoiceId)", as: admin)
            #expect(ok.text.contains("Déposée (200)"))
            let home = try await send(client, .get, "/", as: admin)
            #expect(home.text.contains("id=\"a-faire-plateforme\""), "\(home.text)")
            #expect(
                home.text.contains("1 document rejeté ou refusé par la plateforme : \(rejected.number)."),
                "\(home.text)")
            #expect(home.text.contains("href=\"/factures/\(rejected.flow.invoiceId)\""))
        }
    }
}
