import BillingModel
import DemoMonthSupport
import Foundation
@testable import Ledger
import Testing
import TestSupport

/// `verify` asks of every issued document whether Ardoise validated it (its `validate` row in the audit log):
/// through the index "v21 audit by document", not by reading the whole audit log once per document (issue 23:
/// a year's `verify` spent most of its time there), and it still names a document issued without validation.
@Suite(.serialized) struct VerifyLooksUpEachDocumentsValidation {
    @Test func eachDocumentsValidationIsFoundThroughTheIndexAndOneIssuedWithoutItIsStillNamed() throws {
        let month = try DemoMonth("verify-audit-index", sites: 2, clients: 8, seed: 11)
        _ = try month.bill(validateAll: true)
        for (sql, arguments) in [
            (LedgerDatabase.issuedOutsideValidation, [] as [any SQLArgument]),
            (LedgerDatabase.documentsWithRevenue, [Int64(1)] as [any SQLArgument])
        ] {
            if let plan = try ClosingChecksReadTheirMonth.plan(month.ledger, sql, arguments) {
                #expect(plan.contains("USING COVERING INDEX audit_log_document (invoice_id=? AND action=?"), "\(plan)")
                #expect(!plan.contains("SCAN a"), "\(plan)")
            }
        }
        let before = try month.ledger.verifyIssuedDocuments()
        #expect(!before.breaks.contains { $0.kind == "issued outside Ardoise" }, "\(before.breaks)")

        // The `validate` row of one document gone (its triggers dropped first): that document, and it alone.
        let first = try #require(try month.ledger.invoices(status: .issued).first)
        let id = try #require(first.id), number = try #require(first.number)
        try ClosingChecksReadTheirMonth.tamper(
            month.ledger, table: "audit_log",
            ["DELETE FROM audit_log WHERE invoice_id = \(id) AND action = 'validate'"])
        let after = try month.ledger.verifyIssuedDocuments()
        let outside = after.breaks.filter { $0.kind == "issued outside Ardoise" }
        #expect(outside.map(\.number) == [number], "\(after.breaks)")
    }
}
