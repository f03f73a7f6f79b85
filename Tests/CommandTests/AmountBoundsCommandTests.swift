import Foundation
@testable import Ledger
import Testing
import TestSupport

/// No absurd amount is typed in or issued: quantities and unit prices are
/// bounded where they are typed, documents by the settings' `limits:`, an
/// invoice is never negative; a refusal says which option and bound, exits 2
/// and writes nothing. A proforma past the limits waits for a person.
@Suite struct AbsurdAmountsAreRefused {
    func expectRefused(_ r: Execution, naming words: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(r.status == 2, "\(r)", sourceLocation: sourceLocation)
        for w in words { #expect(r.stderr.contains(w), "`\(w)` not said: \(r)", sourceLocation: sourceLocation) }
    }

    func appendSettings(_ ws: ScratchWorkspace, _ text: String) throws {
        let url = ws.dir.appendingPathComponent("settings.yaml")
        let settings = try String(contentsOf: url, encoding: .utf8)
        try (settings + (settings.hasSuffix("\n") ? "" : "\n") + text).write(to: url, atomically: true, encoding: .utf8)
    }

    @Test func manualLinesPastTheBoundsWriteNothing() throws {
        let ws = try ScratchWorkspace()
        let before = try ws.ledgerState()
        // The lines: each trapped (Credits.swift:143) or issued an absurd invoice.
        let typed: [(String, [String])] = [
            ("X|9223372036854775807|1.00|20", ["--line", "beyond the bound of 999,999"]),
            ("X|2147483647|99999999.9999|20", ["--line", "beyond the bound of 999,999"]),
            ("X|1000000000|1000000000.00|20", ["--line", "beyond the bound of 999,999"]),
            ("X|1|-99999999999.99|20", ["--line", "beyond the bound of 9,999,999.9999"]),
            ("X|1|99999999999999999999.99|20", ["--line", "beyond the bound of 9,999,999.9999"])
        ]
        for (line, words) in typed {
            expectRefused(try ws.run("manual", "--client", "C0001", "--line", line, "--reason", "r"), naming: words)
        }
        // Within the typed bounds, past the settings' limits or negative.
        let documents: [([String], [String])] = [
            (["X|999999|9999999.9999|20"], ["line 1", "beyond the limit of 500,000.00 HT per line", "max_line_ht"]),
            (
                ["X|1|400000.00|20", "Y|1|400000.00|20", "Z|1|100000.00|20"],
                ["1,080,000.00 TTC is beyond the limit of 1,000,000.00 TTC", "max_document_ttc"]
            ),
            (["X|1|-100.00|20"], ["an invoice's total cannot be negative (-120.00 TTC): make a credit note"])
        ]
        for (lines, words) in documents {
            expectRefused(
                try ws.run(["manual", "--client", "C0001"] + lines.flatMap { ["--line", $0] } + ["--reason", "r"]),
                naming: words)
        }
        #expect(try ws.ledgerState() == before)
        // A discount line on an invoice that stays positive is fine.
        let fine = try ws.run(
            "manual", "--client", "C0001", "--line", "Prestation|2|150.00|20", "--line", "Remise|1|-50.00|20",
            "--reason", "r")
        #expect(fine.status == 0, "\(fine)")
    }

    @Test func editsPastTheBoundsWriteNothing() throws {
        let ws = try ScratchWorkspace()
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(bill.status == 0, "\(bill)")
        let id = try #require(try ws.ledger().invoices(status: .proforma).first?.id)
        let before = try ws.ledgerState()
        let cases: [([String], [String])] = [
            (["--set", "1", "X|9223372036854775807||"], ["--set 1", "beyond the bound of 999,999"]),
            (["--add", "Y|2147483647|99999999.9999|20"], ["--add", "beyond the bound of 999,999"]),
            (["--set", "1", "||99999999999.99|"], ["--set 1", "beyond the bound of 9,999,999.9999"]),
            (["--set", "1", "|1|9999999.00|"], ["proforma \(id)", "line 1", "max_line_ht"]),
            (["--add", "Remise|1|-400000.00|20"], ["proforma \(id)", "an invoice's total cannot be negative"])
        ]
        for (options, words) in cases {
            expectRefused(try ws.run(["edit", "\(id)", "--reason", "r"] + options), naming: words)
        }
        #expect(try ws.ledgerState() == before)
    }

    @Test func aCreditAmountPastTheLimitWritesNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let number = try #require(try ws.ledger().invoices(status: .issued).first?.number)
        let before = try ws.ledgerState()
        expectRefused(
            try ws.run(
                "credit", number, "--reason", "r", "--line", "1", "--amount", "600000.00", "--date", "2026-11-03"),
            naming: [
                "the credit note for \(number), line 1", "600,000.00 HT is beyond the limit of 500,000.00 HT per line"
            ])
        expectRefused(
            try ws.run("credit", number, "--reason", "r", "--line", "1", "--amount", "99999999999999999999.99"),
            naming: ["--amount"])
        #expect(try ws.ledgerState() == before)
    }

    @Test func aProformaPastTheLimitsIsValidatedOnlyWithAReason() throws {
        let ws = try ScratchWorkspace()
        let manual = try ws.run("manual", "--client", "C0001", "--line", "Prestation|1|900.00|20", "--reason", "r")
        #expect(manual.status == 0, "\(manual)")
        let id = try #require(
            try ws.ledger().invoices(status: .proforma).first { $0.client == "C0001" && $0.origin == .manual }?.id)
        try appendSettings(ws, "limits:\n  max_document_ttc: 1,000.00\n")
        let before = try ws.ledgerState()
        let refused = try ws.run("validate", "\(id)")
        expectRefused(
            refused,
            naming: [
                "invoice proforma \(id) of C0001", "1,080.00 TTC is beyond the limit of 1,000.00 TTC",
                "--force --reason"
            ])
        #expect(!refused.stderr.contains("FA-") && !refused.stdout.contains("FA-"), "\(refused)")
        expectRefused(try ws.run("validate", "\(id)", "--force"), naming: ["--reason"])
        #expect(try ws.ledgerState() == before)
        let forced = try ws.run("validate", "\(id)", "--force", "--reason", "agreed with the client")
        #expect(forced.status == 0, "\(forced)")
        let ledger = try ws.ledger()
        #expect(try ledger.invoice(id: id)?.invoice.status == .issued)
        #expect(
            try ledger.auditLog(invoiceID: id).contains {
                $0.action == "validate-past-limits"
                    && $0.facts?.text("reason")?.contains("agreed with the client") == true
            })
    }

    @Test func theEngineNeverValidatesAutomaticallyPastTheLimits() throws {
        let ws = try ScratchWorkspace()
        try appendSettings(ws, "limits:\n  max_document_ttc: 1.00\n")
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(bill.status == 1, "\(bill)")
        #expect(bill.stdout.contains(" 0 validated automatically"), "\(bill)")
        #expect(
            bill.stderr.contains("not validated automatically") && bill.stderr.contains("max_document_ttc"), "\(bill)")
        #expect(try ws.ledger().invoices(status: .issued).isEmpty)
        #expect(try !ws.ledger().invoices(status: .proforma).isEmpty)
    }

    /// A proforma with a VAT rate the settings do not have (an event order at
    /// 7 % that an older ledger imported): validation names the proforma and
    /// its line, never a number it did not give.
    @Test func aRateTheSettingsDoNotHaveIsRefusedNamingTheProforma() throws {
        let ws = try ScratchWorkspace()
        let manual = try ws.run("manual", "--client", "C0001", "--line", "Prestation|1|100.00|20", "--reason", "r")
        #expect(manual.status == 0, "\(manual)")
        let ledger = try ws.ledger()
        let id = try #require(try ledger.invoices(status: .proforma).first { $0.origin == .manual }?.id)
        try ledger.engine.write { s in
            try s.execute(sql: "UPDATE invoice_line SET vat_rate = 70000 WHERE invoice_id = \(id)")
            try s.execute(sql: "UPDATE invoice_vat SET rate = 70000 WHERE invoice_id = \(id)")
        }
        let before = try ws.ledgerState()
        let r = try ws.run("validate", "\(id)")
        expectRefused(
            r,
            naming: [
                "invoice proforma \(id) of C0001, line 1 \"Prestation\": VAT rate 7 % is not a rate of the settings"
            ])
        #expect(!r.stderr.contains("FA-"), "\(r)")
        #expect(try ws.ledgerState() == before)
    }
}
