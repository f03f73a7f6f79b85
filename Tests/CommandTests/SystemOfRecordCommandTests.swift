import Foundation
@testable import Ledger
import Testing
import TestSupport

/// The accountants' commands end to end: entries, the FEC, unbilled acknowledgements, closing.
@Suite struct SystemOfRecordCommandTests {
    @Test func entriesExportWritesTheFECAndTheCSV() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let fec = try ws.run("entries", "export", "--period", "2026-11")
        #expect(fec.status == 0, "\(fec)")
        #expect(fec.stdout.hasPrefix("28 entries, "), "\(fec)")
        #expect(fec.stdout.contains("812457638FEC20261130.txt"))
        let path = String(fec.stdout.split(separator: ": ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // ISO 8859-15, as article A47 A-1 allows: one byte per accented letter, not UTF-8's two.
        let data = try Data(
            contentsOf: URL(fileURLWithPath: path.hasPrefix("/") ? path : ws.dir.appendingPathComponent(path).path))
        let text = try #require(String(data: data, encoding: .isoLatin1))
        #expect(text.hasPrefix("JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum"))
        #expect(text.contains("é"), "the month's labels have accented letters")
        #expect(!data.contains(0xC3) || String(data: data, encoding: .utf8) == nil, "not UTF-8")
        let csv = try ws.run("entries", "export", "--period", "2026-11", "--format", "csv", "--output", "-")
        #expect(csv.status == 0)
        #expect(csv.stdout.hasPrefix("journal;date;piece;account;auxiliary;label;debit;credit;entry\r\n"))
        // Nothing to post: every document was posted when issued.
        let post = try ws.run("entries", "post")
        #expect(post.status == 0 && post.stdout == "0 documents posted to the sales journal\n")
    }

    @Test func closingRefusesThenClosesOnceEverythingIsAccountedFor() throws {
        let ws = try ScratchWorkspace()
        // Not ended yet: nothing done, exit 2.
        let early = try ws.run("close", "2026-10", "--date", "2026-10-31")
        #expect(early.status == 2 && early.stderr.contains("has not ended"), "\(early)")
        // October's revenue is not billed: refused, with what to do.
        let refused = try ws.run("close", "2026-10", "--date", "2026-11-05")
        #expect(refused.status == 1, "\(refused)")
        #expect(refused.stdout.contains("FAIL every revenue line of the month billed or acknowledged"))
        #expect(refused.stdout.contains("to do: bill it, or acknowledge it"))
        #expect(try ws.ledger().isClosed(month: "2026-10") == false)
        let json = try ws.run("close", "2026-10", "--date", "2026-11-05", "--dry-run", "--format", "json")
        #expect(json.status == 1 && json.stdout.hasPrefix("{\"month\":\"2026-10\",\"passed\":false,\"closed\":false"))
        // Forced, with its reason in the audit log.
        let forced = try ws.run("close", "2026-10", "--date", "2026-11-05", "--force", "--reason", "bilan provisoire")
        #expect(forced.status == 0, "\(forced)")
        #expect(forced.stdout.contains("2026-10 closed despite failed checks: bilan provisoire"))
        #expect(
            try ws.ledger().auditLog().contains {
                $0.action == "close-forced" && $0.facts?.text("reason")?.contains("bilan provisoire") == true
            })
        let again = try ws.run("close", "2026-10", "--date", "2026-11-06", "--force", "--reason", "again")
        #expect(again.status == 2 && again.stderr.contains("already closed"), "\(again)")
    }

    @Test func acknowledgingUnbilledItems() throws {
        let ws = try ScratchWorkspace()
        let unknown = try ws.run(
            "unbilled", "acknowledge", "--period", "2026-10", "--client", "C9999", "--reason", "r", "--date",
            "2026-11-05")
        #expect(unknown.status == 2 && unknown.stderr.contains("unknown client `C9999`"))
        let ack = try ws.run(
            "unbilled", "acknowledge", "--period", "2026-10", "--client", "C0001", "--reason", "revu", "--date",
            "2026-11-05")
        #expect(ack.status == 0, "\(ack)")
        #expect(
            ack.stdout.hasSuffix("unbilled items of 2026-10 acknowledged\n")
                || ack.stdout.hasSuffix("unbilled item of 2026-10 acknowledged\n"))
        #expect(try ws.ledger().auditLog().contains { $0.action == "acknowledge-unbilled" })
    }
}

/// The issued record and the control exports, end to end.
@Suite struct IssuedRecordAndExportCommandTests {
    @Test func verifyReportsAnIntactChainThenABreak() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let intact = try ws.run("verify")
        #expect(intact.status == 0, "\(intact)")
        let json = try ws.run("verify", "--format", "json")
        #expect(json.status == 0 && json.stdout.hasPrefix("{"))
        // Tampering with an issued line (the frozen-row triggers dropped, as an attacker with the file would).
        let ledger = try ws.ledger()
        try ledger.engine.write { db in
            for trigger in ["invoice_line_frozen_update", "invoice_line_frozen_target"] {
                try db.execute(
                    sql: db.sql(sqlite: "DROP TRIGGER \(trigger)", postgres: "DROP TRIGGER \(trigger) ON invoice_line"))
            }
            try db.execute(
                sql: """
                    UPDATE invoice_line SET label = label || ' (modifié)'
                    WHERE invoice_id = (SELECT MIN(id) FROM invoice WHERE status = 'issued') AND position = 1
                    """)
        }
        let broken = try ws.run("verify")
        #expect(broken.status == 1, "\(broken)")
        #expect(broken.stdout.contains("FA-2026-"), "\(broken)")
    }

    @Test func exportsWriteTheirWorkbooksAndSayWhere() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        for kind in ["restaurants", "events", "unbilled"] {
            let r = try ws.run("export", kind, "--period", "2026-10", "--date", "2026-11-03")
            #expect(r.status == 0, "\(r)")
            #expect(r.stdout.hasPrefix("wrote ") && r.stdout.contains("\(kind)-2026-10.xlsx"), "\(r)")
            #expect(
                FileManager.default.fileExists(
                    atPath: ws.dir.appendingPathComponent("documents/\(kind)-2026-10.xlsx").path)
                    || r.stdout.contains("/\(kind)-2026-10.xlsx"))
        }
        let closing = try ws.run(
            "export", "closing", "--period", "2026-10", "--date", "2026-11-03", "--output", "c.xlsx")
        #expect(
            closing.status == 0 && FileManager.default.fileExists(atPath: ws.dir.appendingPathComponent("c.xlsx").path),
            "\(closing)")
        let week = try ws.run("export", "closing", "--period", "2026-W42", "--date", "2026-11-03")
        #expect(week.status == 2 && week.stderr.contains("a closing report is of a month"), "\(week)")
        let unwritable = try ws.run("export", "events", "--period", "2026-10", "--output", "/proc/nope/events.xlsx")
        #expect(unwritable.status == 2 && unwritable.stderr.contains("/proc/nope/events.xlsx"), "\(unwritable)")
    }
}

/// `invoices show` and `invoices list` speak of the document's own period, the one its PDF and XML say.
@Suite struct DocumentPeriodCommandTests {
    @Test func showAndListUseTheDocumentsStoredPeriod() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        #expect(try ws.run("validate", "--all", "--period", "2026-10", "--date", "2026-11-02").status == 0)
        let ledger = try ws.ledger()
        let issued = try ledger.invoices(status: .issued)
        for i in issued {
            let shown = try ws.run("invoices", "show", String(i.id ?? 0), "--format", "json")
            let json = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
            #expect(
                json["period_start"] as? String == i.serviceStart?.description
                    && json["period_end"] as? String == i.serviceEnd?.description,
                "\(json)")
            #expect(json["billing_period_start"] as? String == i.periodStart.description)
        }
        // A document whose days reach past its billing run (a fee in advance) is listed in the months it covers.
        let advance = try #require(
            issued.first { $0.documentPeriod.end > $0.periodEnd }, "the month bills a fee in advance")
        let month = String(advance.documentPeriod.end.description.prefix(7))
        let listed = try ws.run("invoices", "list", "--period", month)
        #expect(listed.status == 0 && listed.stdout.contains("\(advance.number ?? "?")\t"), "\(listed)")
        #expect(listed.stdout.contains("\(advance.documentPeriod.start)..\(advance.documentPeriod.end)"), "\(listed)")
    }
}
