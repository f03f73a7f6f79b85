import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// What cannot be taken back is confirmed first: validation says the numbers and dates it will give, a credit
/// note what it will credit; long lists check every box at once and have their action at the top too.
@Suite(.serialized) struct ConfirmationTests {
    @Test func validationSaysTheNumberAndDatesBeforeGivingThem() async throws {
        let f = try Fixture()
        let user = try f.user("compta-confirme", rights: [(.proformas, .write), (.invoices, .write)])
        let last = try f.ledger.lastNumber(series: "FA")
        let expected = String(format: "FA-2026-%06d", last + 1)
        try await f.app.application().test(.router) { client in
            let ask = try await send(client, .post, "/proformas/valider", as: user, form: [("id", String(f.proforma))])
            #expect(ask.status == .ok)
            #expect(ask.text.contains(expected) && ask.text.contains(Fixture.today.french), "\(ask.text)")
            #expect(ask.text.contains("name=\"confirme\" value=\"1\"") && ask.text.contains("id=\"confirmer\""))
            #expect(
                try f.ledger.invoice(id: f.proforma)?.invoice.status == .proforma,
                "nothing issued before the confirmation")
            let done = try await send(
                client, .post, "/proformas/valider", as: user, form: [("id", String(f.proforma)), ("confirme", "1")])
            #expect(done.status == .seeOther)
            #expect(try f.ledger.invoice(id: f.proforma)?.invoice.number == expected)

            let before = try f.ledger.invoices(status: .issued).count
            let credit = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: user,
                form: [("ligne", "1"), ("montant-1", "1,50"), ("motif", "geste")])
            #expect(
                credit.status == .ok && credit.text.contains("1,50 € HT à créditer")
                    && credit.text.contains("Motif : « geste »"),
                "\(credit.text)")
            #expect(try f.ledger.invoices(status: .issued).count == before, "nothing credited before the confirmation")
            #expect(credit.text.contains("name=\"montant-1\" value=\"1,50\""))
        }
    }

    @Test func aLongListChecksEveryBoxAndHasItsActionAtTheTop() async throws {
        let f = try Fixture()
        let user = try f.user("compta-tout", rights: [(.proformas, .write)])
        try await f.app.application().test(.router) { client in
            let list = try await send(client, .get, "/proformas?client=\(f.clientIn)", as: user)
            #expect(list.text.contains("id=\"tout-cocher\"") && list.text.contains("id=\"valider-selection-haut\""))
            #expect(!list.text.contains(" checked>"))
            let all = try await send(client, .get, "/proformas?client=\(f.clientIn)&tout=1", as: user)
            let boxes = all.text.components(separatedBy: "type=\"checkbox\" name=\"id\"").count - 1
            let checked = all.text.components(separatedBy: " checked>").count - 1
            #expect(boxes > 0 && checked == boxes, "\(checked) of \(boxes)")
        }
    }
}
