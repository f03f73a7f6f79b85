import Foundation
import GRDB
@testable import Ledger
import Testing
import TestSupport

/// The (client, payer, document site, fees apart, site, day) of live contract documents billed more than once: none, ever.
private func daysBilledTwice(_ ws: ScratchWorkspace) throws -> Int {
    try ws.ledger().engine.read { s in
        try s.fetchValue(
            Int64.self,
            sql: """
                SELECT COUNT(*) FROM (
                  SELECT 1 FROM invoice_site_day i JOIN invoice v ON v.id = i.invoice_id
                  WHERE v.origin = 'contract' AND v.type = 'invoice' AND v.status <> 'discarded'
                  GROUP BY v.client, COALESCE(v.payer, ''), COALESCE(v.site, ''), v.generation_key LIKE '%|fees', i.site, i.day
                  HAVING COUNT(*) > 1) AS twice
                """)
    }.map { Int($0) } ?? -1
}

/// A day of revenue, a fee period and an order revision are billed by one live document, whatever periods are asked for.
@Suite struct RevenueBilledOnceTests {
    @Test func aMonthAfterARangeBillsOnlyTheDaysLeft() throws {
        let ws = try ScratchWorkspace()
        let range = try ws.run("bill", "--period", "2026-10-01..2026-10-04", "--date", "2026-11-02")
        #expect(range.status == 0, "\(range)")
        let month = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(month.status == 0, "\(month)")
        #expect(month.stdout.contains("partly billed by"), "\(month)")
        #expect(month.stdout.contains("only 2026-10-05..2026-10-31 billed"), "\(month)")
        #expect(try daysBilledTwice(ws) == 0)
        // Asked again, nothing more.
        let again = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(again.status == 0 && again.stdout.contains(" 0 documents created"), "\(again)")
        #expect(try daysBilledTwice(ws) == 0)
    }

    @Test func aRangeInsideABilledMonthBillsNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let before = try ws.ledgerState()
        let range = try ws.run("bill", "--period", "2026-10-20..2026-10-25", "--date", "2026-11-02")
        #expect(range.status == 0, "\(range)")
        #expect(range.stdout.contains(" 0 documents created"), "\(range)")
        #expect(range.stdout.contains("already billed by FA-2026-"), "\(range)")
        #expect(try ws.ledgerState() == before)
        #expect(try daysBilledTwice(ws) == 0)
    }

    @Test func aRangeLongerThanTheCadenceIsRefusedUnlessForced() throws {
        let ws = try ScratchWorkspace()
        let r = try ws.run("bill", "--period", "2020-01-01..2026-10-31", "--date", "2026-11-02")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("is longer than the billing period of"), "\(r)")
        #expect(try ws.ledgerState() == ["audit entries: 1", "outbox: 0"])  // `init`'s row only
        // Forced, with a reason kept in the audit log: the days billed already are still not billed again.
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let forced = try ws.run(
            "bill", "--period", "2026-09-01..2026-10-31", "--date", "2026-11-02", "--force", "--reason", "rattrapage")
        #expect(forced.status == 0, "\(forced)")
        #expect(
            try ws.ledger().auditLog().contains {
                $0.action == "bill-range-forced" && $0.facts?.text("reason")?.contains("rattrapage") == true
            })
        #expect(try daysBilledTwice(ws) == 0)
    }

    @Test func aRangeReachingIntoAClosedMonthIsRefused() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--date", "2026-11-02").status == 0)
        let close = try ws.run("close", "2026-10", "--date", "2026-11-05", "--force", "--reason", "no mail in tests")
        #expect(close.status == 0, "\(close)")
        let before = try ws.ledgerState()
        let r = try ws.run("bill", "--period", "2026-10-01..2026-10-15", "--date", "2026-11-20")
        #expect(r.status == 2, "\(r)")
        #expect(r.stderr.contains("reaches into closed month 2026-10"), "\(r)")
        #expect(try ws.ledgerState() == before)
    }

    @Test func theDatabaseRefusesADayBilledTwiceAndADiscardFreesIt() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let ledger = try ws.ledger()
        let (unit, owner) = try #require(
            try ledger.engine.read { s in
                try s.fetchOne(
                    sql: """
                        SELECT b.unit, b.invoice_id FROM billed_unit b JOIN invoice v ON v.id = b.invoice_id
                        WHERE v.status = 'proforma' AND b.unit LIKE 'day|%' ORDER BY b.unit LIMIT 1
                        """
                ).map { (try $0.get(0) as String, try $0.get(1) as Int64) }
            })
        let other = try #require(
            try ledger.engine.read { s in
                try s.fetchValue(
                    Int64.self, sql: "SELECT id FROM invoice WHERE status = 'proforma' AND id <> ? LIMIT 1",
                    arguments: [owner])
            })
        // Whatever the writer: a second live document cannot bill the same day.
        #expect(throws: (any Error).self) {
            try ledger.engine.write { s in
                try s.execute(sql: "INSERT INTO billed_unit(unit, invoice_id) VALUES (?, ?)", arguments: [unit, other])
            }
        }
        // Discarded, the proforma frees its days; an issued document keeps them for good.
        #expect(try ws.run("discard", String(owner), "--reason", "test").status == 0)
        #expect(
            try ledger.engine.read { s in
                try s.fetchValue(
                    Int64.self, sql: "SELECT COUNT(*) FROM billed_unit WHERE invoice_id = ?", arguments: [owner])
            } == 0)
        let issued = try #require(try ledger.invoices(status: .issued).first?.id)
        #expect(throws: (any Error).self) {
            try ledger.engine.write { s in
                try s.execute(sql: "DELETE FROM billed_unit WHERE invoice_id = ?", arguments: [issued])
            }
        }
    }
}

/// A `--date` after today is refused by every command that issues, numbers or posts, unless forced with a reason.
@Suite struct FutureDateTests {
    @Test func everyIssuingCommandRefusesADayAfterToday() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let number = try #require(try ws.ledger().invoices(status: .issued).first?.number)
        let before = try ws.ledgerState()
        try "reference;date;amount;debtor;iban;remittance\nVIR-1;2026-12-01;10.00;X;;\(number)\n"
            .write(to: ws.dir.appendingPathComponent("pay.csv"), atomically: true, encoding: .utf8)
        for command in [
            ["run", "--date", "2026-12-08", "--no-send"],
            ["bill", "--period", "2026-11", "--date", "2026-12-08"],
            ["validate", "--all", "--date", "2026-12-08"],
            ["credit", number, "--reason", "geste", "--date", "2026-12-08"],
            ["manual", "--client", "C0001", "--line", "X|1|10.00|20", "--reason", "r", "--date", "2026-12-08"],
            ["close", "2026-11", "--date", "2026-12-08"],
            ["payments", "import", "pay.csv", "--date", "2026-12-08"]
        ] {
            let r = try Executable.run(command, in: ws.dir, environment: ["ARDOISE_TODAY": "2026-12-06"])
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains("`--date 2026-12-08` is after today (2026-12-06)"), "\(r)")
            #expect(try ws.ledgerState() == before, "\(command)")
        }
        // Today itself is fine; forced with a reason, a later day too, in the audit log.
        let forced = try ws.run(
            today: "2026-12-06", "validate", "--all", "--date", "2026-12-08", "--force", "--reason", "clôture anticipée"
        )
        #expect(forced.status == 0, "\(forced)")
        #expect(
            try ws.ledger().auditLog().contains {
                $0.action == "future-date" && $0.facts?.text("reason")?.contains("clôture anticipée") == true
            })
    }
}

/// Billing a period checks each site's expected open days against the register files received.
@Suite struct MissingRegisterFilesTests {
    @Test func aMonthWithoutRegisterFilesHoldsItsClients() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let r = try ws.run("bill", "--period", "2026-11", "--date", "2026-12-02")
        #expect(r.status == 1, "\(r)")
        #expect(r.stderr.contains("not billed: no register file for"), "\(r)")
        #expect(r.stderr.contains("LD01 2026-11-02"), "\(r)")
        // Only the week of 26 October (files of 26–30 October, 1 November a Sunday) is billed.
        #expect(try ws.ledger().invoices().filter { $0.periodEnd > day("2026-11-01") }.isEmpty, "\(r)")
        // The daily run holds them the same way.
        let run = try ws.run("run", "--date", "2026-12-02", "--no-send")
        #expect(run.status == 1 && run.stdout.contains("no register file for"), "\(run)")
        // Forced with a reason, billed.
        let forced = try ws.run(
            "bill", "--period", "2026-11", "--date", "2026-12-02", "--force", "--reason", "restaurant fermé")
        #expect(forced.status == 0, "\(forced)")
        #expect(!(try ws.ledger().invoices().filter { $0.periodEnd > day("2026-11-01") }.isEmpty))
    }

    @Test func aCalendarValueThatIsNoDayIsAnErrorAtItsLine() throws {
        let ws = try ScratchWorkspace()
        try ws.replace(
            "    open_days: [monday, tuesday, wednesday, thursday, friday]\n",
            with: "    open_days: [monday, tusday]\n    closed: [2026-11-11, soon]\n", in: "settings.yaml")
        let r = try ws.run("lint")
        #expect(r.status == 1, "\(r)")
        #expect(r.stdout.contains("`tusday` is not a day of the week"), "\(r)")
        #expect(r.stdout.contains("`soon` is not a day or a range of days"), "\(r)")
    }
}

/// Nothing is dated in a closed month, and a refusal leaves nothing behind.
@Suite struct ClosedMonthDocumentTests {
    @Test func manualAndCreditInAClosedMonthAreRefusedBeforeWriting() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--date", "2026-11-02").status == 0)
        #expect(
            try ws.run("close", "2026-11", "--date", "2026-12-01", "--force", "--reason", "no mail in tests").status
                == 0)
        let number = try #require(try ws.ledger().invoices(status: .issued).first?.number)
        let before = try ws.ledgerState()
        let manual = try ws.run(
            "manual", "--client", "C0001", "--line", "X|1|10.00|20", "--reason", "r", "--date", "2026-11-15")
        #expect(manual.status == 2, "\(manual)")
        #expect(manual.stderr.contains("2026-11 is closed"), "\(manual)")
        let credit = try ws.run("credit", number, "--reason", "geste", "--date", "2026-11-15")
        #expect(credit.status == 2, "\(credit)")
        #expect(credit.stderr.contains("2026-11 is closed"), "\(credit)")
        #expect(try ws.ledgerState() == before)
    }

    @Test func aCreditDatedBeforeTheLastCreditNoteLeavesNoProforma() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let numbers = try ws.ledger().invoices(status: .issued).compactMap(\.number)
        try #require(numbers.count >= 2)
        #expect(try ws.run("credit", numbers[0], "--reason", "geste", "--date", "2026-11-20").status == 0)
        let before = try ws.ledgerState()
        let refused = try ws.run("credit", numbers[1], "--reason", "geste", "--date", "2026-11-10")
        #expect(refused.status != 0, "\(refused)")
        #expect(refused.stderr.contains("cannot be issued on 2026-11-10"), "\(refused)")
        #expect(try ws.ledgerState() == before)
    }
}
