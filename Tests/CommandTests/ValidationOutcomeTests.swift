import Foundation
@testable import Ledger
import Testing
import TestSupport

/// `validate ID…` stops at the first proforma it cannot validate; what it issued before stays issued and is
/// reported, and the exit code says so: 0 all done, 1 done in part (a person must look), 2 nothing done.
@Suite struct ValidationOutcomeTests {
    @Test func aFailureAfterAnIssueExits1AndReportsBoth() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let proformas = try ws.ledger().invoices(status: .proforma).compactMap(\.id)
        try #require(proformas.count >= 3)
        let (first, second, third) = (proformas[0], proformas[1], proformas[2])
        #expect(try ws.run("validate", "\(first)", "--date", "2026-11-02").status == 0)

        // The already issued one first: nothing done, exit 2.
        let nothing = try ws.run("validate", "\(first)", "\(second)", "--date", "2026-11-02")
        #expect(nothing.status == 2, "\(nothing)")
        #expect(!nothing.stdout.contains("issued "), "\(nothing)")

        // One issued, then the failure: exit 1, the number on stdout, the refusal and what was not tried on stderr.
        let part = try ws.run("validate", "\(second)", "\(first)", "\(third)", "--date", "2026-11-02")
        #expect(part.status == 1, "\(part)")
        #expect(part.stdout.contains("issued FA-2026-") && part.stdout.contains("1 validated"), "\(part)")
        #expect(
            part.stderr.contains("proforma \(first) not validated") && part.stderr.contains("not tried: \(third)"),
            "\(part)")
        let statuses = try ws.ledger().invoices().filter { [first, second, third].contains($0.id ?? -1) }
        #expect(statuses.filter { $0.status == .issued }.count == 2)
        #expect(statuses.first { $0.id == third }?.status == .proforma)
    }

    /// A stored value that does not read back as its type is an error, never a default: payment terms
    /// written outside Ardoise are not taken as "on receipt" (which would print a wrong due date).
    @Test func malformedStoredPaymentTermsRefuseTheValidationInsteadOfADefault() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let id = try #require(try ws.ledger().invoices(status: .proforma).compactMap(\.id).first)
        try ws.ledger().engine.write { s in
            try s.execute(sql: "UPDATE invoice SET payment_terms = 'whenever' WHERE id = ?", arguments: [id])
        }
        let issuedBefore = try ws.ledger().invoices(status: .issued).count
        let refused = try ws.run("validate", "\(id)", "--date", "2026-11-02")
        #expect(refused.status == 2, "\(refused)")
        #expect(refused.stderr.contains("`whenever` as its payment terms, which does not read back"), "\(refused)")
        // Nothing issued; the proforma itself no longer reads as a document until its terms are mended.
        #expect(try ws.ledger().invoices(status: .issued).count == issuedBefore, "nothing issued")
        #expect(throws: InvoiceError.self) { try ws.ledger().invoice(id: id) }
    }
}
