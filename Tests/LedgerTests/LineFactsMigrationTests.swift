import BillingModel
import Foundation
import GRDB
import Testing
import TestSupport
@testable import Ledger

/// "v18 line facts" fills the facts of the lines an existing ledger holds, once, from the explanations the engine
/// wrote up to it: each explanation read gives facts whose English is that explanation again; what does not read
/// keeps no facts (its stored English stays) and is listed in the audit log.
@Suite struct LineFactsMigrationTests {
    /// Every form the engine wrote before the migration.
    static let written = [
        "120 covers of category A × 4.50 HT = 540.00",
        "1500 covers of category B × 4.20 TTC / (1 + 10%) = 5727.27 HT",
        "300 covers of category A, each min(4.20 TTC, tray TTC), sum 1186.40 TTC / (1 + 10%) = 1078.55 HT",
        "employer share recorded by the registers 8400.00 TTC / (1 + 10%) = 7636.36 HT, guests billed apart",
        "employer share recorded by the registers 8400.00 TTC / (1 + 5.5%) = 7962.09 HT",
        "20 guest tickets, 260.00 TTC / (1 + 10%) = 236.36 HT",
        "3520 covers (guests included) × 2.35 HT = 8272.00",
        "3520 covers × 1.41 TTC / (1 + 10%) = 4512.00 HT, client pays 60%: 2.35 × 60% = 1.41",
        "3520 covers (guests included) × 2.42 HT = 8518.40 (revised on 2026-09-01: 2.35 × (0.15 + 0.85 × 121.7 / 118.2) = 2.42)",
        "20% of badge holders' cafeteria tickets 1055.00 TTC / (1 + 5.5%) = 200.00 HT",
        "1200.00 HT per month in arrears = 1200.00",
        "3000.00 HT per quarter in advance, prorated 45/92 days = 1467.39",
        "1200.00 HT per month in arrears = 1230.12 (revised on 2026-01-01: 1200.00 × (0.15 + 0.85 × 121.7 / 118.2) = 1230.12)",
        "max(1500.00, 0.45 × 3520 covers = 1584.00) = 1584.00",
        "max(750.00 (floor prorated 15/31 days), 0.45 × 900 covers = 405.00) = 750.00",
        "graduated: 3520 covers, 1520 in the band de 2001 à 4000 couverts × 0.45 = 684.00",
        "graduated: 4520 covers, 520 in the band au-delà de 4000 couverts × 0.40 = 208.00",
        "volume: 3520 covers reach the band jusqu'à 4000 couverts, all at 0.45 = 1584.00",
        "4 of 22 open days under 250 covers at LD01: 130 missing covers × 1.50 = 195.00",
        "order EVT-2026-17 revision 2: 40 × 12.50 = 500.00",
        "order EVT-2026-17 revision 2: 40 × 11.25, discount 10%: 12.50 → 11.25 = 450.00",
        "order EVT-2026-17 totals 180.00 HT after discount, under 250.00: delivery fee 35.00",
        "order EVT-2026-17 cancelled (revision 3): credits 40 × 12.50 = 500.00 billed before",
        "order EVT-2026-17 changed (revision 3): credits 40 × 12.50 = 500.00 billed before",
        "order EVT-2026-17 revision 3: billed 40 for 500.00, now 45 for 562.50",
        "order EVT-2026-17 revision 3: billed nothing, now 1 for 35.00",
        "credits line 2 of FA-2026-000123 of 2026-11-02: geste commercial: 1.50",
        "typed in: cocktail du 3.10",
        "added by marie: oubli",
        "120 covers of category A × 4.50 HT = 540.00 (only at site LD01)",
        "120 covers (guests included) × 2.35 HT = 282.00 (only at sites LD01, LD02)",
        "120 covers of category A × 4.50 HT = 540.00; edited by marie: recompté 2.5; edited by paul: prix",
        "edited by marie: ligne ajoutée"
    ]

    @Test func everyFormTheEngineWroteReadsBackToFactsWordedTheSame() throws {
        for e in Self.written {
            let facts = try #require(LineFactsMigration.read(e, invoicePeriod: nil, vat: VATRate(whole: 10)), "\(e)")
            #expect(facts.english == e)
        }
        let october = try #require(Period(parsing: "2026-10"))
        let late =
            "late revenue for octobre 2026, priced by the contract as it stands: billed 1500 for 6300.00 on the revenue as invoiced, "
            + "nothing on the revenue now"
        #expect(LineFactsMigration.read(late, invoicePeriod: october, vat: .zero)?.english == late)
        // The period a late-revenue line names is its document's: another period does not read.
        #expect(LineFactsMigration.read(late, invoicePeriod: Period(parsing: "2026-09"), vat: .zero) == nil)
        #expect(LineFactsMigration.read("a sentence nobody wrote", invoicePeriod: october, vat: .zero) == nil)
        // The figures are typed: a revision's reference, an HT line's rate (the line's own).
        let revised = LineFactsMigration.read(Self.written[8], invoicePeriod: nil, vat: VATRate(whole: 10))
        guard case .admissionFee(3520, _, false, VATRate(whole: 10), _, nil, let revision?)? = revised?.computation
        else {
            Issue.record("\(String(describing: revised))")
            return
        }
        #expect(
            revision.on == Day(iso: "2026-09-01") && revision.index == Percentage("121.7")
                && revision.price == Price("2.42"))
    }

    @Test(.sqliteOnly) func anExistingLedgerGetsEachLinesFactsAndTheLinesItCouldNotReadListed() throws {
        let dir = Repository.temporaryDirectory("ledger-v17")
        let path = dir.appendingPathComponent("ardoise.sqlite").path
        let queue = try DatabaseQueue(path: path)
        try Schema.migrator.migrate(queue, upTo: "v17 history bounds")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO number_series (code, last_number) VALUES ('FA', 0);
                    INSERT INTO invoice (id, type, status, series, client, period_start, period_end, issue_date, due_date,
                                         payment_terms, origin, total_ht, total_vat, total_ttc, created_at, service_start, service_end)
                    VALUES (1, 'invoice', 'proforma', 'FA', 'ACME', '2026-10-01', '2026-10-31', '2026-11-02', '2026-11-02', 'on receipt',
                            'contract', 500, 50, 550, 'then', '2026-10-01', '2026-10-31');
                    """)
            let lines = [
                "12 covers of category A × 4.20 HT = 50.40", "a sentence nobody wrote",
                "1500.00 HT per month in arrears = 1500.00; edited by marie: recompté"
            ]
            for (i, e) in lines.enumerated() {
                try db.execute(
                    sql: """
                        INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate, site, service_start, service_end, explanation)
                        VALUES (1, ?, 'Ligne', 1, 10000, 100, 100000, 'LD01', '2026-10-01', '2026-10-31', ?)
                        """, arguments: [i + 1, e])
            }
            let entryTrigger = try #require(
                try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE name = 'invoice_issued_with_entry'"))
            try db.execute(
                sql: """
                    DROP TRIGGER invoice_issued_with_entry;
                    UPDATE number_series SET last_number = 1 WHERE code = 'FA';
                    UPDATE invoice SET status = 'issued', number = 'FA-2026-000001', issued_at = 'then' WHERE id = 1;
                    """)
            try db.execute(sql: entryTrigger)
        }
        try queue.close()

        let ledger = try LedgerDatabase(path: path)
        let doc = try #require(try ledger.invoice(id: 1))
        #expect(
            doc.lines.map(\.facts) == [
                LineFacts(
                    .subsidyPerCover(
                        covers: 12, category: "A", price: Price("4.20") ?? .zero, includesVAT: false,
                        vat: VATRate(whole: 10),
                        net: Money("50.40") ?? .zero)),
                nil,
                LineFacts(
                    .flatFee(
                        full: Money("1500.00") ?? .zero, per: .month, timing: .inArrears, prorata: nil,
                        net: Money("1500.00") ?? .zero,
                        revision: nil), edits: [LineFacts.Edit(by: "marie", reason: "recompté")])
            ])
        #expect(doc.lines.map(\.englishExplanation) == doc.lines.map(\.explanation))
        let note = try #require(try ledger.auditLog().last)
        #expect(
            note.action == "line-facts" && note.facts?.integer("filled") == 2
                && note.facts?.list("unknown") == ["FA-2026-000001 line 2"])
        let breaks = try ledger.engine.read { db in try ledger.verifyRecords(db).breaks }.filter {
            $0.series == "audit log"
        }
        #expect(breaks.isEmpty, "\(breaks)")
        // The lines of an issued document are frozen again.
        #expect(throws: (any Error).self) {
            try ledger.pool.write { db in
                try db.execute(sql: "UPDATE invoice_line SET facts = NULL WHERE invoice_id = 1 AND position = 1")
            }
        }
    }
}
