import BillingModel
import Foundation
import GRDB
import Ledger
import Testing

/// A sender that dies while sending (killed, a power cut) may have delivered the message: it is never sent
/// again by a sender, but flagged for a person once its lease is over; `outbox retry` sends it deliberately.
@Suite struct DeadSenderTests {
    @Test func aMessageLeftClaimedByADeadSenderIsFlaggedNeverSentAgain() throws {
        let (_, ledger, _, _) = try CreditNoteTests().issuedAcme()
        let t0 = Date()
        let claimed = try #require(try ledger.claimDueMail(now: t0, lease: 600))
        // The sender dies here: no outcome is recorded. Within the lease nobody takes it.
        #expect(try ledger.claimDueMail(now: t0.addingTimeInterval(60), lease: 600)?.id != claimed.id)
        // After the lease it is not claimed again: it is failed, the reason says what to do.
        var later = t0.addingTimeInterval(601)
        while let other = try ledger.claimDueMail(now: later, lease: 600) {
            #expect(other.id != claimed.id, "a message its dead sender may have delivered was claimed again")
            try ledger.recordDelivery(outboxID: other.id ?? 0, outcome: .sent(response: "250"), at: later)
            later = later.addingTimeInterval(1)
        }
        let flagged = try #require(try ledger.outbox().first { $0.message.id == claimed.id })
        #expect(flagged.message.status == .failed)
        #expect(flagged.message.lastError?.hasPrefix("uncertain: the sender stopped while sending it") == true)
        let attempts = try ledger.outboxAttempts(outboxID: claimed.id ?? 0)
        #expect(attempts.map(\.outcome) == ["uncertain"])
        // A person retries it: due again, claimed once more, and sent.
        #expect(try ledger.retryMail(ids: [claimed.id ?? 0], now: later, actor: "ops") == [claimed.id ?? 0])
        let again = try #require(try ledger.claimDueMail(now: later.addingTimeInterval(1), lease: 600))
        #expect(again.id == claimed.id)
        try ledger.recordDelivery(
            outboxID: again.id ?? 0, outcome: .sent(response: "250"), at: later.addingTimeInterval(2))
        #expect(try ledger.outbox().first { $0.message.id == claimed.id }?.message.status == .sent)
    }
}

/// A `credit` interrupted between making its credit note and issuing it leaves the note waiting: run again with
/// the same reason, it issues that note, never a second one, and the invoice is credited once.
@Suite struct InterruptedCreditTests {
    @Test func aCreditRunAgainIssuesTheNoteItLeftWaiting() throws {
        let (_, ledger, engine, invoice) = try CreditNoteTests().issuedAcme()
        let number = try #require(invoice.invoice.number)
        let day = invoice.invoice.issueDate
        // What the killed process had done: the note made, not issued.
        let (waiting, none) = try engine.credit(invoice: number, reason: "geste", on: day, issue: false)
        #expect(none == nil)
        let (id, issued) = try engine.credit(invoice: number, reason: "geste", on: day)
        #expect(id == waiting && issued?.hasPrefix("AV-") == true)
        #expect(try ledger.creditNotes(of: invoice.invoice.id ?? 0).count == 1)
        // Another reason is another credit: refused, the invoice being credited in full already.
        #expect(throws: (any Error).self) { try engine.credit(invoice: number, reason: "encore", on: day) }
    }
}
