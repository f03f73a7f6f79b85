import BillingModel
import Foundation
import HummingbirdTesting
@testable import Ledger
import Testing
import WebApp

/// With a pending change of contracts (`serve --rules-pending DIR`), the clients screen says which clients it
/// touches and what it would bill differently, computed by the engine without writing anything.
@Suite(.serialized) struct PendingContractChangeTests {
    /// A copy of the fixture's rules folder, with `edit` applied to C0004's contract.
    static func pendingRules(_ f: Fixture, _ edit: (String) -> String) throws -> String {
        let current = URL(fileURLWithPath: f.app.workspace.config.rulesDirectory)
        let pending = current.deletingLastPathComponent().appendingPathComponent("rules-pending")
        try? FileManager.default.removeItem(at: pending)
        try FileManager.default.copyItem(at: current, to: pending)
        let file = pending.appendingPathComponent("c0004.ard")
        try edit(try String(contentsOf: file, encoding: .utf8)).write(to: file, atomically: true, encoding: .utf8)
        return pending.path
    }

    static func app(_ f: Fixture, pending: String?) throws -> WebApp {
        try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(pendingRules: pending))
    }

    static func count(_ f: Fixture) throws -> Int {
        try f.ledger.engine.read { db in try db.fetchValue(Int64.self, sql: "SELECT count(*) FROM invoice") }.map {
            Int($0)
        } ?? -1
    }

    @Test func theClientScreenShowsTheImpactOfARaisedSubsidy() async throws {
        let f = try Fixture()
        let pending = try Self.pendingRules(f) {
            $0.replacingOccurrences(of: "category B: 3.30 TTC", with: "category B: 3.50 TTC")
        }
        let app = try Self.app(f, pending: pending)
        let admin = try f.user("admin", admin: true)
        // The B covers of C0004's October proforma, from its own explanation: "N covers of category B × 3.30 TTC / …".
        let proforma = try #require(
            try f.ledger.invoices(status: .proforma, client: "C0004").first { $0.origin == .contract })
        let line = try #require(
            try f.ledger.invoice(id: proforma.id ?? 0)?.lines.first { $0.explanation.contains("category B") })
        let covers = try #require(Int64(line.explanation.prefix { $0 != " " }))
        // Each side rounds covers × price TTC / 1.10 to the cent, half up: cents × 10 / 11.
        func net(_ priceCents: Int64) -> Int64 { (2 * covers * priceCents * 10 + 11) / 22 }
        let expected = Money(cents: net(350) - net(330))
        let before = try Self.count(f)
        try await app.application().test(.router) { client in
            let list = try await send(client, .get, "/clients", as: admin)
            #expect(
                list.text.contains("Modification en attente")
                    && list.text.contains("1 touchés par la modification en attente"))
            let page = try await send(client, .get, "/clients/C0004", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("id=\"modification\""))
            #expect(page.text.contains("Sur 2026-10 :"), "the last month that has ended by default")
            #expect(page.text.contains("écart +\(expected.french) € HT"), "impact \(expected.french)")
            #expect(page.text.contains("id=\"impact\"") && page.text.contains("catégorie B"))
            #expect(page.text.contains("category B: 3.50 TTC"), "the pending contract is shown")
            let unchanged = try await send(client, .get, "/clients/C0003", as: admin)
            #expect(unchanged.text.contains("Aucune modification en attente pour ce client"))
            #expect(!unchanged.text.contains("id=\"impact\""))
            let september = try await send(client, .get, "/clients/C0004?periode=2026-09", as: admin)
            #expect(
                september.text.contains("Sur 2026-09")
                    || september.text.contains("facture exactement la même chose sur 2026-09"))
        }
        #expect(try Self.count(f) == before, "the impact is computed without writing a document")
    }

    @Test func aPendingContractWithErrorsShowsItsDiagnostics() async throws {
        let f = try Fixture()
        let pending = try Self.pendingRules(f) {
            $0.replacingOccurrences(of: "category B: 3.30 TTC", with: "category B: trois euros")
        }
        let admin = try f.user("admin", admin: true)
        try await Self.app(f, pending: pending).application().test(.router) { client in
            let page = try await send(client, .get, "/clients/C0004", as: admin)
            #expect(page.status == .ok)
            #expect(page.text.contains("a des erreurs"))
            #expect(page.text.contains("id=\"modification-erreurs\"") && page.text.contains("rules-pending/c0004.ard:"))
        }
    }

    @Test func withoutAPendingFolderTheScreenIsAsBefore() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/clients/C0004", as: admin)
            #expect(page.status == .ok && !page.text.contains("id=\"modification\""))
            // The contract is found by the client it names (the demo's files are called `c0004.ard`).
            #expect(page.text.contains("Contrat valide") && !page.text.contains("Aucun fichier de contrat"))
            #expect(page.text.contains("<pre id=\"contrat\"># C0004") || page.text.contains("client C0004"))
            #expect(!(try await send(client, .get, "/clients", as: admin)).text.contains("Modification en attente"))
        }
    }
}
