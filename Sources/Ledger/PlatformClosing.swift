import BillingModel

/// A document of a closing month that the accredited platform does not hold as a valid invoice.
public struct UndeliveredDocument: Sendable, Hashable {
    public var number: String
    /// `not queued` (issued before the platform was used), `pending`, `failed`, `rejected` or `refused`.
    public var state: String
    /// The platform's or the API's last word, when there is one.
    public var reason: String?
}

extension LedgerDatabase {
    /// The documents issued in `month` that did not reach the platform (no flow, still pending, failed) or that
    /// it rejected or the buyer refused, unless a credit note issued since cancels them in full: a month is not
    /// closed silently with invoices the tax administration never received.
    public func documentsNotOnPlatform(_ month: Period) throws -> [UndeliveredDocument] {
        try engine.read { db in
            let rows = try db.fetchAll(
                sql: """
                    SELECT i.number, f.status, f.ack_status, f.lifecycle_code, f.last_error, f.id AS flow,
                           i.total_ttc - COALESCE((SELECT SUM(c.total_ttc) FROM invoice c WHERE c.credited_invoice_id = i.id
                             AND c.type = 'credit_note' AND c.status = 'issued'), 0) AS uncancelled, i.type
                    FROM invoice i LEFT JOIN platform_flow f ON f.invoice_id = i.id AND f.kind = 'invoice'
                    WHERE i.status = 'issued' AND i.issue_date BETWEEN ? AND ?
                      AND (f.id IS NULL OR f.status <> 'submitted' OR f.ack_status = 'Error' OR f.lifecycle_code IN ('210', '213'))
                    ORDER BY i.number\(db.sql(sqlite: "", postgres: " COLLATE \"C\""))
                    """, arguments: [month.start.description, month.end.description])
            return try rows.compactMap { r -> UndeliveredDocument? in
                let number: String = try r["number"]
                guard let flow: Int64 = try r["flow"] else {
                    return UndeliveredDocument(number: number, state: "not queued")
                }
                let status: String = try r["status"]
                if status != "submitted" {
                    return UndeliveredDocument(number: number, state: status, reason: try r["last_error"])
                }
                // Rejected or refused, and cancelled by a credit note in full: the accountant did what was due.
                if try (r["type"] as String) == "invoice", try (r["uncancelled"] as Int64) <= 0 { return nil }
                let code: String? = try r["lifecycle_code"]
                let reason = try db.fetchValue(
                    String.self,
                    sql: """
                        SELECT detail FROM platform_event WHERE flow_row = ? AND kind IN ('lifecycle', 'acknowledgement') ORDER BY id DESC LIMIT 1
                        """, arguments: [flow])
                return UndeliveredDocument(
                    number: number, state: code == "210" ? "refused" : "rejected", reason: reason)
            }
        }
    }
}
