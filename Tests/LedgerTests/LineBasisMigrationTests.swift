import BillingModel
import Foundation
import GRDB
import Testing
import TestSupport
@testable import Ledger

/// "v16 line basis" fills the typed basis of the lines an existing ledger holds, once, from what they
/// hold today; what it cannot tell is left unknown and listed in the audit log. "v16 audit parameters"
/// leaves the entries written before as they were: the chain still verifies.
@Suite(.sqliteOnly) struct LineBasisMigrationTests {
    @Test func anExistingLedgerGetsEachLinesBasisAndTheLinesItCouldNotTellListed() throws {
        let dir = Repository.temporaryDirectory("ledger-v15")
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v15 mail claims")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO number_series (code, last_number) VALUES ('FA', 0);
                    INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                         payment_terms, origin, total_ht, total_vat, total_ttc, created_at)
                    VALUES (1, 'invoice', 'proforma', 'FA', 'ACME', '2026-10-01', '2026-10-31', '2026-11-02', '2026-11-02', 'on receipt',
                            'contract', 500, 50, 550, 'then');
                    """)
            let lines: [(String, String, String?, Int64)] = [
                ("Subvention catégorie A", "12 covers of category A × 4.20 HT = 50.40", "LD01", 100_000),
                ("Repas des invités", "3 guest tickets, 39.00 TTC / (1 + 10%) = 35.45 HT", "LD01", 100_000),
                ("Frais de gestion octobre 2026", "1500.00 HT per month in arrears = 1500.00", nil, 200_000),
                ("Prestation", "a sentence nobody wrote", "LD01", 100_000),
                ("Ajout", "added by marie: oubli", nil, 200_000)
            ]
            for (i, l) in lines.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, site, service_start, service_end, explanation)
                        VALUES (1, ?, ?, 1, 10000, 100, ?, ?, '2026-10-01', '2026-10-31', ?)
                        """, arguments: [i + 1, l.0, l.3, l.2, l.1])
            }
            // Issued as the ledger's history has it (its journal entry is not what this test is about).
            let entryTrigger = try #require(
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'invoice_issued_with_entry'"))
            try db.execute(
                sql: """
                    DROP TRIGGER invoice_issued_with_entry;
                    UPDATE number_series SET last_number = 1 WHERE code = 'FA';
                    UPDATE invoice SET status = 'issued', number = 'FA-2026-000001', issued_at = 'then' WHERE id = 1;
                    """)
            try db.execute(sql: entryTrigger)
            try LedgerDatabase.appendAuditBeforeV16(db)
        }
        try queue.close()

        let ledger = try LedgerDatabase(path: path)
        let doc = try #require(try ledger.invoice(id: 1))
        #expect(
            doc.lines.map(\.basis) == [
                LineBasis(.subsidyPerCover, category: "A"),
                LineBasis(.guestMeals, category: "INV", rate: VATRate(whole: 10)),
                LineBasis(.flatFee), nil, LineBasis(.typedIn)
            ])
        let behind = try ledger.revenueBehind(doc).map(\.basis)
        let october = try #require(Period(parsing: "2026-10"))
        #expect(
            behind == [
                .registers(RegisterSelection(site: "LD01", period: october, category: "A")),
                .registers(RegisterSelection(site: "LD01", period: october, category: "INV", rate: VATRate(whole: 10))),
                .fixedFee(period: october), .unknown, .typedIn
            ])
        // What it could not tell, in the audit log; the entry written before keeps its words, and the chain holds.
        let log = try ledger.auditLog()
        #expect(
            log.first?.details == "issued as FA-2026-000001 on 2026-11-02, due 2026-11-02"
                && log.first?.parameters == nil)
        let note = try #require(log.last { $0.action == "line-basis" })
        #expect(
            note.action == "line-basis" && note.facts?.integer("filled") == 4
                && note.facts?.list("unknown") == ["FA-2026-000001 line 4"])
        let breaks = try ledger.pool.read { db in try ledger.verifyRecords(GRDBSession(db: db)).breaks }.filter {
            $0.series == "audit log"
        }
        #expect(breaks.isEmpty, "\(breaks)")
        // The lines of an issued document are frozen again.
        #expect(throws: (any Error).self) {
            try ledger.pool.write { db in
                try db.execute(
                    sql: "UPDATE invoice_line SET basis_kind = 'typed_in' WHERE invoice_id = 1 AND position = 4")
            }
        }
    }
}

extension LedgerDatabase {
    /// An audit entry as written before "v16 audit parameters": a sentence, chained.
    static func appendAuditBeforeV16(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO audit_log (at, actor, action, invoice_id, details)
                VALUES ('2026-11-02T08:00:00Z', 'ardoise', 'validate', 1, 'issued as FA-2026-000001 on 2026-11-02, due 2026-11-02')
                """)
        let id = db.lastInsertedRowID
        // The content as "ardoise-audit/1" hashed it (the `parameters` column does not exist yet).
        let content =
            [
                "format: \"ardoise-audit/1\"", "id: \(id)", "at: \(IssuedContent.quote("2026-11-02T08:00:00Z"))",
                "actor: \(IssuedContent.quote("ardoise"))", "action: \(IssuedContent.quote("validate"))", "invoice: 1",
                "details: \(IssuedContent.quote("issued as FA-2026-000001 on 2026-11-02, due 2026-11-02"))"
            ].joined(separator: "\n") + "\n"
        try LedgerGuards.link("audit", rowID: id, content: content, db: GRDBSession(db: db))
    }
}
