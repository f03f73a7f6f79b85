import Foundation
import HummingbirdTesting
@testable import Ledger
import Testing
@testable import WebApp

/// Clôture: the checks of a month in French, closing through the engine (refused while checks fail unless a
/// reason is given, final once done), and only for users who see every client.
@Suite(.serialized) struct ClosingScreenTests {
    static func closed(_ f: Fixture) throws -> [[String: String?]] {
        try f.ledger.engine.read { db in
            try db.fetchAll(sql: "SELECT month, closed_by, forced_reason FROM closed_month").map { row in
                [
                    "month": try row["month"] as String?, "closed_by": try row["closed_by"] as String?,
                    "forced_reason": try row["forced_reason"] as String?
                ]
            }
        }
    }

    @Test func aControllerReadsTheChecksAndAnAccountantClosesWithAReason() async throws {
        let f = try Fixture()
        let controller = try f.user("controle", rights: [(.closing, .read)])
        let accountant = try f.user("compta", rights: [(.closing, .write)])
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/cloture", as: controller)
            #expect(
                page.status == .ok && page.text.contains("Clôture de octobre 2026"), "the last month that has ended")
            #expect(page.text.contains("id=\"menu-closing\""))
            #expect(page.text.contains("Aucune proforma en attente pour le mois") && page.text.contains("échoué"))
            #expect(page.text.contains("Validez-les ou écartez-les"), "what to do, in French")
            #expect(!page.text.contains("id=\"form-cloture\""), "no form for a reader")

            let form = try await send(client, .get, "/cloture?mois=2026-10", as: accountant)
            #expect(form.text.contains("id=\"form-cloture\"") && form.text.contains("id=\"cloture-motif\""))
            // Checks fail: without a reason nothing is closed.
            let refused = try await send(client, .post, "/cloture", as: accountant, form: [("mois", "2026-10")])
            #expect(
                refused.status == .seeOther
                    && refused.header("Location") == "/cloture?mois=2026-10&fait=cloture-refusee")
            #expect(try Self.closed(f).isEmpty)
            let forced = try await send(
                client, .post, "/cloture", as: accountant, form: [("mois", "2026-10"), ("motif", "audit de test")])
            #expect(forced.header("Location") == "/cloture?mois=2026-10&fait=cloture")
            let rows = try Self.closed(f)
            #expect(
                rows.count == 1 && rows.first?["closed_by"] == "compta"
                    && rows.first?["forced_reason"] == "audit de test")
            let after = try await send(client, .get, "/cloture?mois=2026-10&fait=cloture", as: accountant)
            #expect(after.text.contains("Mois clôturé.") && after.text.contains("au 31/10/2026 : clôturé."))
            #expect(!after.text.contains("id=\"form-cloture\""), "a closed month is final")
            let again = try await send(
                client, .post, "/cloture", as: accountant, form: [("mois", "2026-10"), ("motif", "encore")])
            // A closed month is a conflict, said in French, without the engine's English.
            #expect(
                again.status == .conflict
                    && again.text.contains(
                        "Le mois d&#39;octobre 2026 est déjà clôturé (un mois clôturé ne se rouvre jamais)."),
                "\(again.status) \(again.text)")
            #expect(!again.text.contains("already closed"))
            #expect(
                try await send(client, .get, "/cloture?mois=2026-W42", as: accountant).status == .unprocessableContent)
        }
    }

    @Test func whatBlocksTheClosingIsDoneWithTheScreensButtonsNotCommandLines() async throws {
        let f = try Fixture()
        let controller = try f.user("controle-actions", rights: [(.closing, .read)])
        let accountant = try f.user("compta-actions", rights: [(.closing, .write)])
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/cloture?mois=2026-10", as: accountant)
            #expect(!page.text.contains("ardoise "), "no command line on the closing screen")
            #expect(page.text.contains("id=\"action-proformas\" ") || page.text.contains("id=\"action-proformas\">"))
            #expect(
                page.text.contains("Self-service") || page.text.contains("Frais et redevances"), "activities in French")
            #expect(page.text.contains(" € HT"))
            #expect(
                !(try await send(client, .get, "/cloture?mois=2026-10", as: controller)).text.contains(
                    "id=\"actions-cloture\""),
                "a reader gets no button")
            // Acknowledging needs a reason; with one, what is acknowledged is counted back.
            let bare = try await send(
                client, .post, "/cloture/actions", as: accountant,
                form: [("mois", "2026-10"), ("action", "reconnaitre")])
            #expect(bare.status == .unprocessableContent)
            let entries = try await send(
                client, .post, "/cloture/actions", as: accountant, form: [("mois", "2026-10"), ("action", "ecritures")])
            #expect(entries.header("Location") == "/cloture?mois=2026-10&fait=ecritures&n=0")
            let notice = try await send(client, .get, "/cloture?mois=2026-10&fait=ecritures&n=0", as: accountant)
            #expect(notice.text.contains("0 écriture(s) passée(s)."))
            let reader = try await send(
                client, .post, "/cloture/actions", as: controller, form: [("mois", "2026-10"), ("action", "ecritures")])
            #expect(reader.status == .forbidden)
        }
    }

    /// October billed on 2 November: October's closing counts the documents dated in October (none), as the sales
    /// journal does, and says where October's service went; November's counts them. Its details are French from facts.
    @Test func theMonthsTotalsSayWhichDocumentsTheyCountAndWhereTheMonthsServiceWent() async throws {
        let f = try Fixture()
        let controller = try f.user("controle-totaux", rights: [(.closing, .read)])
        let issuedInNovember = try f.ledger.invoices(status: .issued).filter {
            $0.issueDate.description.hasPrefix("2026-11")
        }
        let octoberService = issuedInNovember.filter { $0.documentPeriod.end.description.hasPrefix("2026-10") }
        #expect(!octoberService.isEmpty)
        let ht = octoberService.reduce(Int64(0)) { $0 + ($1.type == .creditNote ? -$1.totalHt : $1.totalHt) }
        try await f.app.application().test(.router) { client in
            let october = try await send(client, .get, "/cloture?mois=2026-10", as: controller)
            let text = october.text.replacingOccurrences(of: "&#39;", with: "'")
            #expect(
                text.contains(
                    "Documents émis en octobre 2026 (datés dans le mois, comme au journal des ventes : ce que la clôture arrête) : 0,00 € HT"
                ), "\(text)")
            #expect(
                text.contains(
                    "Les prestations d'octobre 2026 sont aussi facturées par \(octoberService.count) document"),
                "\(text)")
            #expect(
                text.contains("en novembre 2026, pour \(euros(ht)) HT")
                    && text.contains("dans la clôture de novembre 2026."), "\(text)")
            // The failed checks' details are worded from their facts: amounts as the pages write them, no English.
            for english in ["TTC, guest", "covers", "known to no settings", "proforma 1 of", "pending", "failed"] {
                #expect(!text.contains(english), "« \(english) » on the closing screen")
            }
        }
    }

    @Test func aUserScopedToSomeClientsHasNoClosing() async throws {
        let f = try Fixture()
        let scoped = try f.user("suivi", rights: [(.closing, .write), (.dashboard, .read)], clients: [f.clientIn])
        try await f.app.application().test(.router) { client in
            #expect(!(try await send(client, .get, "/", as: scoped)).text.contains("id=\"menu-closing\""))
            let page = try await send(client, .get, "/cloture", as: scoped)
            #expect(page.status == .forbidden && page.text.contains("toute la société"))
            let post = try await send(
                client, .post, "/cloture", as: scoped, form: [("mois", "2026-10"), ("motif", "x")])
            #expect(post.status == .forbidden)
        }
        #expect(try Self.closed(f).isEmpty)
    }
}
