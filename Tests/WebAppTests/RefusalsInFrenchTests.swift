import BillingEngine
import BillingModel
import Foundation
import HummingbirdTesting
import Ledger
import Testing
import TestSupport
@testable import WebApp

/// The engine's refusals reach the accountant in French, worded from their facts (no English, no command
/// line), with the status they deserve: 409 for a conflict with a document's state, 422 for what was typed.
@Suite struct RefusalsInFrenchTests {
    static let day = Day(iso: "2026-11-02") ?? Day(ordinal: 0)

    /// One of each refusal the ledger and the engine type.
    static let every: [InvoiceError] = [
        .noInvoice("FA-9"), .noLine(document: "FA-2026-000001", line: 9, lines: 3),
        .notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .validate),
        .notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .discard),
        .notProforma(id: 4, status: .discarded, number: nil, action: .edit),
        .monthClosed(month: "2026-10", day: nil, what: nil), .monthClosed(month: "2026-10", day: day, what: .creditNote),
        .revenueCorrected(proforma: 3, siteDays: 2),
        .orderChanged(order: "EVT-1", proforma: 3, priced: 1, now: 2, origin: .contract, client: "C0001", period: "2026-10-01..2026-10-31"),
        .datedBeforeLast(kind: .invoice, id: 3, client: "C0001", day: day, series: "FA", last: "FA-2026-000009", lastDate: "2026-11-05"),
        .datedBeforeLast(kind: .creditNote, id: nil, client: nil, day: day, series: nil, last: "AV-2026-000001", lastDate: "2026-11-05"),
        .proformasPending(count: 3, month: "2026-11"), .creditOfNotIssued(number: "FA-1", status: .proforma),
        .creditOfCreditNote(number: "AV-1"), .lineCreditedInFull(line: 1, number: "FA-1"),
        .lineCreditTooMuch(line: 1, number: "FA-1", left: Money(cents: 100), of: Money(cents: 1000), asked: Money(cents: 200)),
        .creditTooMuch(number: "FA-1", total: Money(cents: 1000), credited: Money(cents: 900), waiting: Money(cents: 100), asked: Money(cents: 200)),
        .reasonRequired, .lineNotPositive(line: 2, number: "FA-1"), .creditAmountNotPositive(line: 2), .unknownClient("C9"),
        .notAPayer(payer: "P1", client: "C1"), .noLines, .notFrenchRate(label: "Plat", rate: VATRate(whole: 7)), .creditNamesNoInvoice,
        .notAnIssuedInvoice("FA-3"), .invoiceOfAnotherClient(number: "FA-3", client: "C1", expected: "C2"),
        .doesNotAddUp(kind: .invoice, client: "C1", period: "2026-10", overflow: MoneyOverflow("1 × 2")), .lastLine,
        .noNumberSeries("ZZ"), .lineText(text: "Plat|x|1|10", problem: .quantityNotWhole("x")),
        .noReceivableAccount(document: nil, proforma: 3, client: "C1", customer: "C1"), .discardedHasNoDocument(id: 3),
        .proformaHasNoEInvoice(id: 3), .noPayment(4), .paymentFullyAllocated(4), .owesNothing(number: "FA-1"),
    ]

    @Test func everyTypedRefusalHasItsFrenchWithoutACommandLine() {
        for e in Self.every {
            let french = French.refusal(e)
            #expect(french != e.description, "\(e): no French")
            #expect(!french.contains("ardoise ") && !french.contains("--") && !french.contains("`"), "\(french)")
        }
        #expect(French.refusal(.notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .edit))
                == "Ce document est émis sous le numéro FA-2026-000004 : un document émis ne change jamais ; faites un avoir (document 4).")
        #expect(French.refusal(.monthClosed(month: "2026-10", day: nil, what: nil)) == "Le mois d'octobre 2026 est clôturé : rien ne peut y être émis.")
        #expect(French.status(.lineCreditedInFull(line: 1, number: "FA-1")) == .conflict)
        #expect(French.status(.reasonRequired) == .unprocessableContent)
        #expect(French.status(.noInvoice("x")) == .notFound)
    }

    @Test func aCreditTheEngineRefusesIsAFrenchPageWithItsStatus() async throws {
        let f = try Fixture()
        let accountant = try f.user("compta-avoir", rights: [(.invoices, .write)])
        let issued = try #require(try f.ledger.invoice(id: f.issued))
        let number = try #require(issued.invoice.number)
        let line = try #require(issued.lines.first)
        try await f.app.application().test(.router) { client in
            // Typed: a line the invoice does not have.
            let noLine = try await send(client, .post, "/factures/\(f.issued)/avoir", as: accountant,
                                        form: [("confirme", "1"), ("motif", "geste"), ("ligne", "99")])
            #expect(noLine.status == .unprocessableContent, "\(noLine.status)")
            #expect(noLine.text.contains("\(number) n&#39;a pas de ligne 99 (lignes 1 à \(issued.lines.count))."), "\(noLine.text)")
            // A conflict: more than what is left of the line.
            let tooMuch = Money(cents: line.net + 100)
            let over = try await send(client, .post, "/factures/\(f.issued)/avoir", as: accountant,
                                      form: [("confirme", "1"), ("motif", "geste"), ("ligne", "\(line.position)"), ("montant-\(line.position)", tooMuch.description)])
            #expect(over.status == .conflict, "\(over.status)")
            #expect(over.text.contains("La ligne \(line.position) de \(number) n&#39;a plus que"), "\(over.text)")
            #expect(!over.text.contains("left to credit") && !over.text.contains("ardoise "))
            // The menu and the sign-out stay on the error page.
            #expect(over.text.contains("/deconnexion"))
        }
    }
}
