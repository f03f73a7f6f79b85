import Foundation
import Ledger
import Testing
import TestSupport

/// Getting paid from the command line: statements imported, payments matched
/// by hand, receivables, reminders paused, contracts ending.
@Suite struct PaymentCommandTests {
    @Test func paymentsReceivablesRemindersAndContractsAsAPersonTypesThem() throws {
        let ws = try ScratchWorkspace()
        expectRuns(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02"))
        expectRuns(try ws.run("validate", "--all", "--date", "2026-11-02"))
        let ledger = try ws.ledger()
        let open = try ledger.openInvoices()
        let first = try #require(open.first)
        let second = try #require(open.dropFirst().first)
        let csv = """
            reference;date;amount;debtor;iban;remittance
            B1;2026-11-20;\(first.balance);;;Facture \(first.number)
            B2;2026-11-20;12.34;Inconnu SA;;virement
            """
        try csv.write(to: ws.dir.appendingPathComponent("paiements.csv"), atomically: true, encoding: .utf8)
        let imported = try ws.run("payments", "import", "paiements.csv", "--date", "2026-11-20")
        expectRuns(imported, 1)  // one credit is unmatched: a person must look
        #expect(imported.stdout.contains("\(first.number) \(first.balance) [invoice number]"), "\(imported)")
        #expect(imported.stdout.contains("2 new (1 matched, 1 unmatched), 0 already imported"))
        let again = try ws.run("payments", "import", "paiements.csv", "--date", "2026-11-20")
        expectRuns(again)
        #expect(again.stdout.contains("0 new (0 matched, 0 unmatched), 2 already imported"))
        let list = try ws.run("payments", "list", "--unallocated")
        expectRuns(list)
        let unmatchedID = try #require(list.stdout.split(separator: "\t").first.map(String.init))
        let match = try ws.run(
            "payments", "match", unmatchedID, second.number, "--date", "2026-11-21", "--actor", "alice")
        expectRuns(match)
        #expect(match.stdout == "payment \(unmatchedID)\t\(second.number)\t12.34\n")
        expectRuns(try ws.run("payments", "unmatch", unmatchedID, second.number))
        expectRuns(try ws.run("payments", "match", "999", second.number), 2)  // refused: nothing done

        let receivables = try ws.run("receivables", "--as-of", "2027-01-15")
        expectRuns(receivables)
        #expect(
            receivables.stdout.hasPrefix(
                "receivables as of 2027-01-15\nclient\tpayer\tnot yet due\t1-30\t31-60\t61-90\tover 90\ttotal\n"))
        let json = try ws.run("receivables", "--as-of", "2027-01-15", "--format", "json")
        expectRuns(json)
        #expect(json.stdout.contains("\"as_of\""))
        #expect(!json.stdout.contains("\"number\":\"\(first.number)\""), "a paid invoice is not a receivable")
        expectRuns(try ws.run("receivables", "--as-of", "2027-13-01"), 2)
        let states = try ws.run("receivables", "--as-of", "2026-11-21", "--invoices")
        expectRuns(states)
        #expect(!states.stdout.contains("\(first.number)\t"), "a paid invoice is not listed")
        #expect(states.stdout.contains("\(second.number)\t"))

        expectRuns(try ws.run("reminders", "pause", second.number, "--reason", "litige"))
        expectRuns(try ws.run("reminders", "pause", second.number, "--reason", "again"), 2)
        expectRuns(try ws.run("reminders", "pause", "NOBODY", "--reason", "x"), 2)
        let planned = try ws.run("reminders", "list", "--date", "2026-11-20", "--until", "2027-01-31")
        expectRuns(planned)
        #expect(planned.stdout.contains("planned\t"))
        #expect(!planned.stdout.contains("\(second.number)/"), "a paused invoice has nothing planned")
        #expect(!planned.stdout.contains("\(first.number)/"), "a paid invoice has nothing planned")
        expectRuns(try ws.run("reminders", "resume", second.number))
        expectRuns(try ws.run("reminders", "resume", second.number), 2)
        #expect(
            try ledger.auditLog().contains {
                $0.action == "reminders pause"
                    && $0.facts == AuditParameters(["target": .text(second.number), "reason": .text("litige")])
            })

        let send = try ws.run("reminders", "send")
        expectRuns(send, 2)  // no `smtp` in the settings: nothing can be sent
        #expect(send.stderr.contains("no `smtp` section"))
        let run = try ws.run("run", "--date", "2026-12-20", "--no-send")
        #expect(run.stdout.contains("reminders queued: "), "\(run)")
        // Counted per step, not one key per reminder.
        #expect(!run.stdout.contains("/+") && run.stdout.contains("days late"), "\(run)")
        let contracts = try ws.run("report", "contracts", "--ending-within", "60d", "--date", "2026-11-20")
        #expect(contracts.stdout.contains("ending within 60 days of 2026-11-20"), "\(contracts)")
        expectRuns(try ws.run("report", "contracts", "--ending-within", "soon"), 2)
        expectRuns(try ws.run("payments", "import", "nope.csv"), 2)
    }
}
