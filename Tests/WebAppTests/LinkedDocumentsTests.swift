import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// A document's page names its client and payer, its terms and purchase order, and links the documents it is
/// tied to: an invoice its credit notes and what is left to credit, a credit note its invoice, a line the
/// contract line that priced it.
@Suite(.serialized) struct LinkedDocumentsTests {
    @Test func anInvoiceAndItsCreditNoteLinkEachOtherWithWhatIsLeftToCredit() async throws {
        let f = try Fixture()
        let user = try f.user("compta-liens", rights: [(.invoices, .write), (.proformas, .read), (.clients, .read)])
        let invoice = try #require(try f.ledger.invoice(id: f.issued)?.invoice)
        let name = try #require(f.app.workspace.settings.client(f.clientIn)?.legalName)
        try await f.app.application().test(.router) { client in
            let before = try await send(client, .get, "/factures/\(f.issued)", as: user)
            #expect(
                before.text.contains("\(f.clientIn) — \(name)")
                    || before.text.contains("\(f.clientIn) — \(name.replacingOccurrences(of: "'", with: "&#39;"))"))
            #expect(before.text.contains("id=\"doc-conditions\""))
            #expect(
                before.text.contains("aucun ; reste à créditer \(Money(cents: invoice.totalTtc).french) € TTC"),
                "\(before.text)")
            // The line's contract line is a link to that line of the client's contract, which the client page anchors.
            let term = try #require(try f.ledger.invoice(id: f.issued)?.lines.first { $0.termLine != nil }?.termLine)
            #expect(before.text.contains("href=\"/clients/\(f.clientIn)#contrat-ligne-\(term)\""))
            let contract = try await send(client, .get, "/clients/\(f.clientIn)", as: user)
            #expect(contract.text.contains("id=\"contrat-ligne-\(term)\""))

            let credit = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: user,
                form: [("confirme", "1"), ("ligne", "1"), ("montant-1", "1,00"), ("motif", "geste")])
            #expect(credit.status == .seeOther)
            let note = try #require(try f.ledger.invoices(status: .issued).first { $0.creditedInvoiceId == f.issued })
            let after = try await send(client, .get, "/factures/\(f.issued)", as: user)
            #expect(
                after.text.contains("<a href=\"/factures/\(note.id ?? 0)\">\(note.number ?? "")</a>"), "\(after.text)")
            #expect(
                after.text.contains("reste à créditer \(Money(cents: invoice.totalTtc - note.totalTtc).french) € TTC"))
            let back = try await send(client, .get, "/factures/\(note.id ?? 0)", as: user)
            #expect(back.text.contains("<a href=\"/factures/\(f.issued)\">\(invoice.number ?? "")</a>"), "\(back.text)")
            #expect(!back.text.contains("id=\"doc-conditions\""), "a credit note has no payment terms")
        }
    }
}
