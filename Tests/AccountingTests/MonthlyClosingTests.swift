import Accounting
import BillingEngine
import BillingModel
import DemoMonthSupport
import Foundation
@testable import Ledger
import Logging
import Testing
import TestSupport
import Workspace

/// Closing a month: the checks, the refusal that says what to do, the lock.
@Suite(.serialized) struct MonthlyClosing {
    static let october = Period(parsing: "2026-10") ?? Period.month(of: day("2026-10-01"))
    static let november = Period(parsing: "2026-11") ?? Period.month(of: day("2026-11-01"))

    /// October billed and every proforma validated on 2 November; e-mails queued, not sent.
    static func billedMonth() throws -> (Installation, LedgerDatabase, Engine) {
        let month = try DemoMonth("closing", sites: 2, clients: 8, seed: 11)
        let engine = try month.bill(actor: "controller", validateAll: true)
        return (month.workspace, month.ledger, engine)
    }

    @Test func aMonthThatHasNotEndedCannotBeClosed() throws {
        let (_, _, engine) = try Self.billedMonth()
        #expect(throws: ClosingError.self) { try engine.closingReport(month: Self.november, today: day("2026-11-30")) }
    }

    @Test func aFailedCheckRefusesAndSaysWhatToDo() throws {
        let (_, ledger, engine) = try Self.billedMonth()
        let report = try engine.close(month: Self.november, today: day("2026-12-02"), forceReason: nil, dryRun: false)
        #expect(!report.closed)
        let mails = try #require(report.checks.first { $0.name.contains("e-mail") })
        #expect(!mails.passed)
        #expect(mails.details.count == (try ledger.invoices(status: .issued).count))
        #expect(mails.remedy.contains("ardoise outbox send"))
        #expect(report.text.contains("FAIL every e-mail of the month sent"))
        #expect(report.text.contains("not closed"))
        #expect(try !ledger.isClosed(month: "2026-11"))
        // The checks that hold are reported as such.
        #expect(report.checks.first { $0.name.contains("numbering") }?.passed == true)
        #expect(report.checks.first { $0.name.contains("entries") }?.passed == true)
    }

    @Test func theReportTotalsEqualTheDocuments() throws {
        let (_, ledger, engine) = try Self.billedMonth()
        let report = try engine.closingReport(month: Self.november, today: day("2026-12-02"))
        let issued = try ledger.invoices(status: .issued)
        let ht = issued.reduce(Int64(0)) { $0 + ($1.type == .creditNote ? -$1.totalHt : $1.totalHt) }
        let vat = issued.reduce(Int64(0)) { $0 + ($1.type == .creditNote ? -$1.totalVat : $1.totalVat) }
        #expect(report.totalHT.cents == ht)
        #expect(report.totalVAT.cents == vat)
        #expect(
            report.activities.map(\.activity).prefix(5) == ["self-service", "cafeteria", "brasserie", "events", "fees"])
        let debit = report.accounts.map(\.debit).sum(), credit = report.accounts.map(\.credit).sum()
        #expect(debit == credit)
        let customers = report.accounts.filter { $0.account.hasPrefix("411") }
        #expect(customers.map { $0.debit - $0.credit }.sum().cents == ht + vat)
        let numbers = issued.compactMap(\.number).filter { $0.hasPrefix("FA-") }.sorted()
        #expect(
            report.series.first { $0.series == "FA" }.map { [$0.first, $0.last] }
                == [numbers.first, numbers.last].compactMap { $0 })
        #expect(report.json.contains("\"total_ht\":\"\(Money(cents: ht))\""))
    }

    @Test func acknowledgedUnbilledRevenueNoLongerHoldsTheClosing() throws {
        let (_, ledger, engine) = try Self.billedMonth()
        let before = try engine.closingReport(month: Self.october, today: day("2026-11-02").adding(days: 1))
        let revenue = try #require(before.checks.first { $0.name.contains("revenue line") })
        #expect(!revenue.passed, "the demo month has revenue no term bills (guests of clients that do not bill them…)")
        let n = try engine.acknowledgeUnbilled(
            month: Self.october, client: nil, reason: "reviewed with the controller", today: day("2026-11-03"))
        #expect(n == revenue.details.count)
        let after = try engine.closingReport(month: Self.october, today: day("2026-11-03"))
        #expect(after.checks.first { $0.name.contains("revenue line") }?.passed == true)
        #expect(after.passed, "\(after.text)")
        let closed = try engine.close(month: Self.october, today: day("2026-11-03"), forceReason: nil, dryRun: false)
        #expect(closed.closed && closed.forcedReason == nil)
        #expect(try ledger.isClosed(month: "2026-10"))
        #expect(
            try ledger.auditLog().contains {
                $0.action == "acknowledge-unbilled"
                    && $0.facts?.text("reason")?.contains("reviewed with the controller") == true
            })
    }

    @Test func forcedClosingLocksTheMonthForGood() throws {
        let (workspace, ledger, engine) = try Self.billedMonth()
        let report = try engine.close(
            month: Self.november, today: day("2026-12-02"), forceReason: "e-mails sent by hand", dryRun: false)
        #expect(report.closed && report.forcedReason == "e-mails sent by hand")
        #expect(
            try ledger.auditLog().contains {
                $0.action == "close-forced" && $0.facts?.text("reason")?.contains("e-mails sent by hand") == true
            })
        // No reopening, no posting, no issuing in it.
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in try db.execute(sql: "DELETE FROM closed_month") }
        }
        #expect(throws: SQLEngineError.self) {
            try ledger.engine.transaction { db in try db.execute(sql: "UPDATE closed_month SET month = '2026-09'") }
        }
        #expect(throws: ClosingError.self) {
            try engine.close(month: Self.november, today: day("2026-12-03"), forceReason: "again", dryRun: false)
        }
        #expect(
            try engine.closingReport(month: Self.november, today: day("2026-12-03")).text.contains("2026-11 closed"))
        let line = NewInvoiceLine(
            label: "Geste", quantity: 1, unitPrice: Price("10.00") ?? Price(tenThousandths: 0),
            net: Money(cents: 1000), vat: VATRate(whole: 20))
        let client = try #require(workspace.settings.clients.first?.code)
        let id = try #require(
            try ledger.createProforma(
                NewInvoice(
                    type: .invoice, series: "FA", client: client, period: Self.november, issueDate: day("2026-11-20"),
                    dueDate: day("2026-11-20"), paymentTerms: .onReceipt, origin: .manual, lines: [line]),
                actor: "test"))
        #expect(throws: InvoiceError.self) { try engine.validate(ids: [id], on: day("2026-11-20")) }
        // The daily run of a day in the closed month bills nothing and says why.
        let run = ScheduledRun(workspace: workspace, logger: Logger(label: "test"), actor: "scheduler", sending: false)
        let dayReport = try run.run(on: day("2026-11-20"))
        #expect(dayReport.stepFailures.contains { $0.contains("2026-11 is closed") })
        #expect(dayReport.exitCode == 1)
        #expect(dayReport.documentsCreated == 0)
    }
}
