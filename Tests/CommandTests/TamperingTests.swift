import Foundation
import Ledger
import Testing
import TestSupport

/// What `sqlite3` on the ledger file can do: refused by the database's triggers,
/// or, once a trigger is dropped, named by `ardoise verify` (exit 1).
@Suite(
    .sqliteOnly,
    .enabled(if: Tools.exists("sqlite3") || Tools.inCI, "needs the sqlite3 shell (apt-get install sqlite3)"))
struct TamperingIsRefusedOrSeenTests {
    /// October billed on 2 November (automatic contracts issued, the others proformas), verified intact.
    static func billed() throws -> ScratchWorkspace {
        let ws = try ScratchWorkspace()
        let bill = try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02")
        #expect(bill.status == 0, "\(bill)")
        let verify = try ws.run("verify")
        #expect(verify.status == 0, "\(verify)")
        #expect(verify.stdout.contains("audit log: ") && verify.stdout.contains("journal entries: "), "\(verify)")
        return ws
    }

    /// Runs SQL with the sqlite3 shell on the workspace's ledger.
    @discardableResult
    static func sql(_ ws: ScratchWorkspace, _ statements: String) throws -> (status: Int32, output: String) {
        try Tools.run("sqlite3", ["-bail", ws.dir.appendingPathComponent("ardoise.sqlite").path, statements])
    }

    static func expectBreak(
        _ ws: ScratchWorkspace, _ fragments: [String], sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let verify = try ws.run("verify")
        #expect(verify.status == 1, "\(verify)", sourceLocation: sourceLocation)
        for f in fragments {
            #expect(verify.stdout.contains(f), "`\(f)` not in: \(verify)", sourceLocation: sourceLocation)
        }
    }

    static let issuedInsert = """
        INSERT INTO invoice (type, status, number, series, client, period_start, period_end, issue_date, due_date, payment_terms, origin,
                             total_ht, total_vat, total_ttc, created_at, issued_at)
        VALUES ('invoice', 'issued', 'FA-2026-009999', 'FA', 'C0001', '2026-09-01', '2026-09-30', '2026-09-15', '2026-09-15', 'on receipt',
                'manual', 100000, 20000, 120000, '2026-09-15T10:00:00Z', '2026-09-15T10:00:00Z');
        """

    @Test func anIssuedInvoiceIsNeverInsertedIntoAClosedMonthAndOneSlippedInIsNamed() throws {
        let ws = try Self.billed()
        #expect(
            try Self.sql(
                ws,
                "INSERT INTO closed_month (month, closed_at, closed_by) VALUES ('2026-09', '2026-10-05T00:00:00Z', 'x');"
            ).status == 0)
        let refused = try Self.sql(ws, Self.issuedInsert)
        #expect(refused.status != 0 && refused.output.contains("created as a proforma"), "\(refused.output)")
        #expect(try ws.run("verify").status == 0)
        #expect(try Self.sql(ws, "DROP TRIGGER invoice_born_proforma;" + Self.issuedInsert).status == 0)
        try Self.expectBreak(ws, ["FA-2026-009999\tissued outside Ardoise"])
    }

    @Test func aNumberSeriesOrJournalIsNeverReplacedNorStartedAhead() throws {
        let ws = try Self.billed()
        for statement in [
            "INSERT OR REPLACE INTO number_series (code, last_number) VALUES ('FA', 500);",
            "REPLACE INTO number_series (code, last_number) VALUES ('FA', 0);",
            "INSERT INTO number_series (code, last_number) VALUES ('ZZ', 7);",
            "INSERT OR REPLACE INTO journal (code, label, last_number) SELECT code, label, 0 FROM journal LIMIT 1;"
        ] {
            let r = try Self.sql(ws, statement)
            #expect(r.status != 0 && r.output.contains("created once"), "\(statement): \(r.output)")
        }
        let validate = try ws.run("validate", "--all", "--date", "2026-11-02")
        #expect(validate.status == 0, "\(validate)")
        #expect(try ws.run("verify").status == 0, "numbers still follow without a gap")
    }

    @Test func aProformaIssuedBySQLIsABreakThatExportNeverRepairs() throws {
        let ws = try Self.billed()
        let proforma = try #require(
            try ws.ledger().invoices(status: .proforma).first(where: { $0.type == .invoice })?.id)
        let issued = try Self.sql(
            ws,
            """
            UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA';
            UPDATE journal SET last_number = last_number + 1 WHERE code = (SELECT journal FROM journal_entry LIMIT 1);
            INSERT INTO journal_entry (journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at)
              SELECT code, last_number, '2026-11-02', 'FORGED', '2026-11-02', '2026-11-02', \(proforma), '2026-11-02T09:00:00Z'
              FROM journal WHERE code = (SELECT journal FROM journal_entry LIMIT 1);
            UPDATE invoice SET status = 'issued', issue_date = '2026-11-02', due_date = '2026-12-02', issued_at = '2026-11-02T09:00:00Z',
              number = 'FA-2026-' || printf('%06d', (SELECT last_number FROM number_series WHERE code = 'FA')) WHERE id = \(proforma);
            """)
        #expect(issued.status == 0, "\(issued.output)")
        let number = try #require(try ws.ledger().invoice(id: proforma)?.invoice.number)
        try Self.expectBreak(ws, ["\(number)\tissued outside Ardoise", "not chained"])
        // The old advice ("`invoices export` stores them") no longer repairs it.
        let export = try ws.run("invoices", "export", "--directory", "out")
        #expect(export.status != 0 && export.stderr.contains("not issued by Ardoise"), "\(export)")
        try Self.expectBreak(ws, ["\(number)\tissued outside Ardoise"])
        #expect(
            try Self.sql(ws, "SELECT COUNT(*) FROM issued_document WHERE invoice_id = \(proforma);").output.hasPrefix(
                "0"))
    }

    @Test func deletedAuditRowsAreNamed() throws {
        let ws = try Self.billed()
        let refused = try Self.sql(
            ws, "DELETE FROM audit_log WHERE id = (SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 3);")
        #expect(refused.status != 0)
        let deleted = try Self.sql(
            ws,
            """
            DROP TRIGGER audit_log_append_only_delete;
            DELETE FROM audit_log WHERE id = (SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 3);
            """)
        #expect(deleted.status == 0, "\(deleted.output)")
        try Self.expectBreak(ws, ["break\taudit log row #", "\tdeleted\t"])
    }

    @Test func changedOrDeletedJournalEntriesAreNamed() throws {
        let ws = try Self.billed()
        #expect(try Self.sql(ws, "UPDATE journal_entry_line SET debit = debit * 10 WHERE debit > 0;").status != 0)
        let changed = try Self.sql(
            ws,
            """
            DROP TRIGGER journal_entry_line_append_only_update;
            UPDATE journal_entry_line SET debit = debit * 10 WHERE debit > 0 AND entry_id = (SELECT MIN(id) FROM journal_entry);
            """)
        #expect(changed.status == 0, "\(changed.output)")
        try Self.expectBreak(ws, ["break\tjournal entry #", "\tcontent\t"])
        let deleted = try Self.sql(
            ws,
            """
            DROP TRIGGER journal_entry_line_append_only_delete;
            DROP TRIGGER journal_entry_append_only_delete;
            DELETE FROM journal_entry_line WHERE entry_id = (SELECT MAX(id) FROM journal_entry);
            DELETE FROM journal_entry WHERE id = (SELECT MAX(id) FROM journal_entry);
            """)
        #expect(deleted.status == 0, "\(deleted.output)")
        try Self.expectBreak(ws, ["break\tjournal entry #", "\tdeleted\t"])
    }

    @Test func ticketLinesUnderBilledFilesMultipliedAreNamed() throws {
        let ws = try Self.billed()
        let times10 = """
            UPDATE ticket_line SET quantity = quantity * 10, amount = amount * 10, employer_share = employer_share * 10
            WHERE file_id IN (SELECT file_id FROM invoice_site_day);
            """
        #expect(try Self.sql(ws, times10).status != 0)
        #expect(try Self.sql(ws, "DROP TRIGGER ticket_line_append_only_update;" + times10).status == 0)
        try Self.expectBreak(ws, ["\trevenue\t", "the ticket lines billed changed since issue"])
    }

    @Test func deletedSiteDaysOfAnIssuedInvoiceAreNamed() throws {
        let ws = try Self.billed()
        let target =
            "(SELECT s.invoice_id FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id WHERE i.status = 'issued' LIMIT 1)"
        #expect(try Self.sql(ws, "DELETE FROM invoice_site_day WHERE invoice_id = \(target);").status != 0)
        #expect(
            try Self.sql(
                ws,
                "DROP TRIGGER invoice_site_day_frozen_delete; DELETE FROM invoice_site_day WHERE invoice_id = \(target);"
            ).status == 0)
        try Self.expectBreak(ws, ["\trevenue\t", "its site-day record is gone"])
    }
}
