import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// A proforma kept across daily runs, credits within their invoice, claimed messages, orders priced on their day
/// (each failed once, before its fix).
@Suite struct ProformaAndCreditLifeTests {
    @Test func theNextDailyRunKeepsAnEditedProforma() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 0, c: 0, guests: []))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        _ = try s.engine(ledger, day("2026-11-02")).generateDue(on: day("2026-11-02"))
        let acme = try #require(try ledger.invoices(client: "ACME").first)
        var lines = try #require(try ledger.invoice(id: acme.id!)).lines.map(NewInvoiceLine.init)
        lines.append(
            NewInvoiceLine(
                label: "Prestation ajoutée", quantity: 1, unitPrice: Price("100.00")!, net: Money("100.00")!,
                vat: VATRate(whole: 20)))
        try ledger.replaceLines(id: acme.id!, lines: lines, reason: "agreed with the client", actor: "accountant")
        _ = try s.engine(ledger, day("2026-11-03")).generateDue(on: day("2026-11-03"))
        #expect(try ledger.invoice(id: acme.id!)?.invoice.status == .proforma)
        #expect(try ledger.invoices(client: "ACME").count == 1)
    }

    @Test func aCreditAfterACorrectionCreditNoteNeverExceedsTheInvoice() throws {
        let (s, ledger, engine, invoice) = try CreditNoteTests().issuedAcme()
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(
                day: "2026-10-05", a: 990, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10)))
        _ = try s.workspace.importFiles([])
        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        let correction = try #require(try ledger.invoice(id: r.created[0]))
        #expect(correction.invoice.type == .creditNote && correction.invoice.creditedInvoiceId == invoice.invoice.id)
        try engine.validate(ids: [correction.invoice.id!], on: day("2026-11-20"))
        #expect(throws: InvoiceError.self) {
            try engine.credit(invoice: invoice.invoice.number!, reason: "wrong client", on: day("2026-11-21"))
        }
    }

    @Test func aDifferenceCreditNoteReferencesTheOrdersInvoiceAndCreditsStayWithinIt() throws {
        let s = try Scratch { rules in
            let f = rules.appendingPathComponent("c0013-helios.ard")
            try String(contentsOf: f, encoding: .utf8).replacingOccurrences(
                of: "changes by credit note and new invoice", with: "changes by difference"
            )
            .write(to: f, atomically: true, encoding: .utf8)
        }
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))
        let first = try engine.billEvents(on: day("2026-10-14"))
        try s.write("EVT_20261015.jsonl", heliosOrder(revision: 2, cocktails: 42))
        _ = try s.workspace.importFiles([])
        _ = try engine.billEvents(on: day("2026-10-15"))
        try s.write("EVT_20261016.jsonl", heliosOrder(revision: 3, cocktails: 20))
        _ = try s.workspace.importFiles([])
        let down = try engine.billEvents(on: day("2026-10-16"))
        let original = try #require(try ledger.invoice(number: first.issued[0]))
        let credit = try #require(try ledger.invoice(number: down.issued[0]))
        #expect(credit.invoice.creditedInvoiceId == original.invoice.id)
        // Crediting the original in full credits only what the difference left on it.
        let (id, _) = try engine.credit(invoice: original.invoice.number!, reason: "dispute", on: day("2026-10-17"))
        let rest = try #require(try ledger.invoice(id: id))
        #expect(credit.invoice.totalHt + rest.invoice.totalHt == original.invoice.totalHt)
        #expect(throws: InvoiceError.self) {
            try engine.credit(invoice: original.invoice.number!, reason: "again", on: day("2026-10-17"))
        }
    }

    @Test func retryingEverythingLeavesAClaimedMessageToItsSender() throws {
        let (_, ledger, _, _) = try CreditNoteTests().issuedAcme()
        let now = Date()
        _ = try #require(try ledger.claimDueMail(now: now, lease: 600))
        _ = try ledger.retryMail(ids: nil, now: now.addingTimeInterval(1), actor: "ops")
        #expect(try ledger.claimDueMail(now: now.addingTimeInterval(2), lease: 600) == nil)
    }
}

@Suite struct DatedEventsTermTests {
    @Test func anOrderIsPricedByTheEventsTermInForceOnItsDeliveryDay() throws {
        let s = try Scratch { rules in
            let f = rules.appendingPathComponent("c0013-helios.ard")
            let text = try String(contentsOf: f, encoding: .utf8)
            let old = """
                  events at order prices, one invoice per order
                    discount 5% on event lines
                    delivery fee 35.00 HT at 20% VAT on orders under 300.00 HT
                    changes by credit note and new invoice

                """
            let new = """
                  events at order prices, one invoice per order
                    discount 5% on event lines
                    delivery fee 35.00 HT at 20% VAT on orders under 300.00 HT
                    changes by credit note and new invoice
                    applies from 2026-01-01 until 2026-10-31
                  events at order prices, one invoice per order
                    changes by credit note and new invoice
                    applies from 2026-11-01

                """
            #expect(text.contains(old))
            try text.replacingOccurrences(of: old, with: new).write(to: f, atomically: true, encoding: .utf8)
        }
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261014.jsonl", heliosOrder(revision: 1))
        try s.write(
            "EVT_20261105.jsonl",
            heliosOrder(revision: 1).replacingOccurrences(of: "EVT-T-1", with: "EVT-T-2")
                .replacingOccurrences(of: "2026-10-14", with: "2026-11-05"))
        _ = try s.workspace.importFiles([])
        let r = try s.engine(ledger, day("2026-11-05")).billEvents(on: day("2026-11-05"))
        let byOrder = Dictionary(
            uniqueKeysWithValues: try r.issued.map { n in
                let i = try #require(try ledger.invoice(number: n)).invoice
                return (i.orderId ?? "", i.totalHt)
            })
        #expect(byOrder == ["EVT-T-1": 92_815, "EVT-T-2": 97_700])  // 5% off in October, list prices from November
    }
}
