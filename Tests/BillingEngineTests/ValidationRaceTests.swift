import BillingEngine
import BillingModel
import Foundation
import Ledger
import Testing
import TestSupport
import Workspace

/// `validate --all` takes the list of waiting proformas, then validates them one by one: another validator
/// (a second `validate --all`, the web app, the daily run) may take some of them first.
@Suite struct ValidateAllAgainstAnotherValidatorTests {
    @Test func whatAnotherValidatorTookIsSkippedAndTheRestIsValidated() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        let engine = try s.engine(ledger, day("2026-11-02"))
        let ids = try s.manualInvoices(engine, clients: ["ACME", "C0013", "C0014"])
        // The list is taken; meanwhile another validator issues the first and someone discards the second.
        let other = try s.engine(ledger, day("2026-11-02"))
        let taken = try other.validate(ids: [ids[0]], on: day("2026-11-02"))
        try ledger.discard(id: ids[1], reason: "doublon", actor: "bob")

        let round = try engine.validateAll(ids: ids, on: day("2026-11-02"))
        #expect(round.issued.count == 1 && round.refused.isEmpty, "\(round)")
        #expect(
            round.skipped == [
                "\(ids[0]) (issued as \(taken[0]) by someone else)", "\(ids[1]) (discarded by someone else)"
            ])
        #expect(try ledger.invoice(id: ids[2])?.invoice.status == .issued)
    }
}
