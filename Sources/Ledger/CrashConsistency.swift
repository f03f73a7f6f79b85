import Foundation

/// What a process killed at any moment (or a power cut) must never leave in
/// the ledger, beyond what `verifyIssuedDocuments` checks: the fault
/// campaigns (`ardoise-dev bench faults`) run these after every kill.
public struct CrashConsistency: Sendable {
    /// Each break found, in words (empty: consistent).
    public var breaks: [String]
    /// What the ledger holds, per kind of row (counts and sums of money in
    /// cents): a command killed then run again must end with the same figures
    /// as the same command run once.
    public var fingerprint: [String: Int64]
}

extension LedgerDatabase {
    /// SQLite's own checks (`integrity_check`, `foreign_key_check`), no
    /// half-imported file, and no issued document without its lines, VAT
    /// rows, journal entry, stored document (its chain link) and outbox row.
    public func crashConsistency() throws -> CrashConsistency {
        try engine.read { db in
            var breaks: [String] = []
            // SQLite's own checks; PostgreSQL checks its pages and enforces foreign keys itself, always.
            if db.kind == .sqlite {
                let integrity = try db.fetchColumn(String.self, sql: "PRAGMA integrity_check")
                if integrity != ["ok"] { breaks += integrity.prefix(10).map { "integrity_check: \($0)" } }
                let foreign = try db.fetchAll(sql: "PRAGMA foreign_key_check")
                for r in foreign.prefix(10) {
                    let row: Int64? = try r[1], table: String? = try r[0], parent: String? = try r[2]
                    breaks.append(
                        "foreign_key_check: row \(row ?? -1) of \(table ?? "?") refers to a missing \(parent ?? "?")")
                }
            }
            // An import is one transaction: a file row is finished (hash, counts) or absent.
            for r in try db.fetchAll(
                sql: """
                    SELECT f.name, f.version, f.kind, f.sha256, f.row_count, f.rejected_count,
                           (SELECT COUNT(*) FROM ticket_line t WHERE t.file_id = f.id) AS lines,
                           (SELECT COUNT(*) FROM rejected_row r WHERE r.file_id = f.id) AS rejected
                    FROM imported_file f ORDER BY f.id
                    """)
            {
                let file: String = try r["name"], version: Int64 = try r["version"], kind: String = try r["kind"]
                let name = "\(file) (version \(version))"
                let rowCount: Int64 = try r["row_count"], lines: Int64 = try r["lines"]
                let rejectedCount: Int64 = try r["rejected_count"], rejected: Int64 = try r["rejected"]
                if try (r["sha256"] as String) == String(repeating: "0", count: 64) {
                    breaks.append("\(name) is half-imported: its hash was never written")
                }
                if kind == "registers", rowCount != lines {
                    breaks.append("\(name) is half-imported: \(rowCount) rows recorded, \(lines) ticket lines stored")
                }
                if rejectedCount != rejected {
                    breaks.append("\(name) is half-imported: \(rejectedCount) rejected rows recorded, \(rejected) kept")
                }
            }
            // Issuing is one transaction: the number comes with everything that goes with it.
            for r in try db.fetchAll(
                sql: """
                    SELECT i.number,
                           EXISTS (SELECT 1 FROM invoice_line l WHERE l.invoice_id = i.id) AS lines,
                           EXISTS (SELECT 1 FROM invoice_vat v WHERE v.invoice_id = i.id) AS vat,
                           EXISTS (SELECT 1 FROM journal_entry e WHERE e.invoice_id = i.id) AS entry,
                           EXISTS (SELECT 1 FROM issued_document d WHERE d.invoice_id = i.id) AS stored,
                           EXISTS (SELECT 1 FROM outbox o WHERE o.invoice_id = i.id) AS mail
                    FROM invoice i WHERE i.status = 'issued' ORDER BY i.id
                    """)
            {
                let missing = try ["lines", "vat", "entry", "stored", "mail"].filter { !(try r[$0] as Bool) }
                if !missing.isEmpty {
                    let words = [
                        "lines": "lines", "vat": "VAT rows", "entry": "journal entry",
                        "stored": "stored document (chain link)",
                        "mail": "outbox row"
                    ]
                    let number: String = try r["number"]
                    let what = missing.compactMap { words[$0] }.joined(separator: ", ")
                    breaks.append("\(number) is issued without its \(what)")
                }
            }
            // The open invoices' summary is kept by triggers in the transactions that change a balance.
            breaks += try openInvoiceMismatches(db).map { "\($0.number) \($0.detail)" }
            var fingerprint: [String: Int64] = [:]
            let figures = [
                "imported files": "SELECT COUNT(*) FROM imported_file",
                "ticket lines": "SELECT COUNT(*) FROM ticket_line",
                "rejected rows": "SELECT COUNT(*) FROM rejected_row",
                "event order revisions": "SELECT COUNT(*) FROM event_order_revision",
                "proformas": "SELECT COUNT(*) FROM invoice WHERE status = 'proforma'",
                "proformas TTC": "SELECT COALESCE(SUM(total_ttc), 0) FROM invoice WHERE status = 'proforma'",
                "issued documents": "SELECT COUNT(*) FROM invoice WHERE status = 'issued'",
                "issued TTC":
                    "SELECT COALESCE(SUM(CASE type WHEN 'credit_note' THEN -total_ttc ELSE total_ttc END), 0) FROM invoice WHERE status = 'issued'",
                "discarded": "SELECT COUNT(*) FROM invoice WHERE status = 'discarded'",
                "numbers given": "SELECT COALESCE(SUM(last_number), 0) FROM number_series",
                "journal entries": "SELECT COUNT(*) FROM journal_entry",
                "journal debit": "SELECT COALESCE(SUM(debit), 0) FROM journal_entry_line",
                "outbox rows": "SELECT COUNT(*) FROM outbox",
                // Sent, or held in doubt: a message whose sender died while sending it is never sent again by a
                // sender (it may have been delivered) but kept for a person; either way it left at most once.
                "outbox sent or held in doubt": """
                SELECT COUNT(*) FROM outbox WHERE status = 'sent' OR claimed_at IS NOT NULL OR last_error LIKE 'uncertain:%'
                """,
                "payments": "SELECT COUNT(*) FROM payment",
                "payments amount": "SELECT COALESCE(SUM(amount), 0) FROM payment",
                "allocations": "SELECT COUNT(*) FROM payment_allocation",
                "notices": "SELECT COUNT(*) FROM notice",
                "closed months": "SELECT COUNT(*) FROM closed_month",
                "late revenue": "SELECT COUNT(*) FROM late_revenue"
            ]
            for (name, sql) in figures { fingerprint[name] = try db.fetchValue(Int64.self, sql: sql) ?? 0 }
            return CrashConsistency(breaks: breaks, fingerprint: fingerprint)
        }
    }
}
