import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// Amounts and rates are typed the way the app shows them (`1 234,56`, `5,5`), lists name clients and show
/// days as 01/10/2026, and forms are filled in French notation.
@Suite(.serialized) struct FrenchTypingTests {
    @Test func amountsAndRatesTypedInFrenchAreTakenAndAmbiguousOnesRefused() async throws {
        let f = try Fixture()
        let user = try f.user("saisie-fr", rights: [(.manual, .write), (.proformas, .write), (.invoices, .read)])
        try await f.app.application().test(.router) { client in
            let manual = try await send(
                client, .post, "/factures-manuelles", as: user,
                form: [
                    ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"), ("libelle-1", "Plateaux"),
                    ("quantite-1", "1 000"), ("prix-1", "12,34"), ("tva-1", "5,5"), ("motif", "saisie")
                ])
            #expect(manual.status == .seeOther, "\(manual.text)")
            let doc = try #require(
                try f.ledger.invoices(status: .proforma, client: f.clientIn).first { $0.origin == .manual })
            let stored = try #require(try f.ledger.invoice(id: doc.id ?? 0))
            #expect(stored.lines.first?.quantity == 1000 && stored.lines.first?.price == Price(tenThousandths: 123_400))
            #expect(stored.lines.first?.rate == VATRate(tenThousandths: 55_000))
            let ambiguous = try await send(
                client, .post, "/factures-manuelles", as: user,
                form: [
                    ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"), ("libelle-1", "X"),
                    ("quantite-1", "1"), ("prix-1", "1.234,56"), ("tva-1", "20"), ("motif", "saisie")
                ])
            #expect(ambiguous.status == .unprocessableContent && ambiguous.text.contains("écrivez 1 234,56"))

            // The edit form is filled in French and takes French back.
            let page = try await send(client, .get, "/proformas/\(doc.id ?? 0)", as: user)
            #expect(
                page.text.contains("value=\"12,34\"") && page.text.contains("value=\"1000\"")
                    && page.text.contains("value=\"5,5\""), "\(page.text)")
            let edit = try await send(
                client, .post, "/proformas/\(doc.id ?? 0)/lignes", as: user,
                form: [("position", "1"), ("quantite", "1 200"), ("prix", "20,5"), ("motif", "prix revu")])
            #expect(edit.status == .seeOther, "\(edit.text)")
            #expect(try f.ledger.invoice(id: doc.id ?? 0)?.lines.first?.price == Price(tenThousandths: 205_000))
            #expect(try f.ledger.invoice(id: doc.id ?? 0)?.lines.first?.quantity == 1200)

            // Lists name the client and show days in French.
            let list = try await send(client, .get, "/proformas", as: user)
            let name = try #require(f.app.workspace.settings.client(f.clientIn)?.legalName)
            #expect(list.text.contains("\(f.clientIn) — ") && list.text.contains(String(name.prefix(8))))
            #expect(list.text.contains("01/10/2026 → 31/10/2026"))
        }
    }
}
