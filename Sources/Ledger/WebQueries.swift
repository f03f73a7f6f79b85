import BillingModel

/// A row the quarantine kept: the file it came from, its line and why it was rejected.
public struct QuarantinedRow: Sendable, Hashable {
    public var file: String
    public var line: Int
    public var reason: String
}

/// The web screens' reads, named (the web app speaks no SQL): each takes what it reads for as parameters, a
/// client scope among them where the rows belong to clients, applied before any limit.
extension LedgerDatabase {
    /// The latest imported file versions, newest first (files are per site and day, not per client: no scope).
    public func recentImportedFiles(limit: Int) throws -> [ImportedFile] {
        try engine.read { db in
            try db.fetchRecords(
                ImportedFile.self, sql: "SELECT * FROM imported_file ORDER BY id DESC LIMIT ?",
                arguments: [max(0, limit)])
        }
    }

    /// The latest rejected rows, newest file first, in line order within a file.
    public func recentRejectedRows(limit: Int) throws -> [QuarantinedRow] {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT f.name, r.line, r.reason FROM rejected_row r JOIN imported_file f ON f.id = r.file_id
                    ORDER BY r.file_id DESC, r.line LIMIT ?
                    """, arguments: [max(0, limit)]
            ).map { try QuarantinedRow(file: $0["name"], line: $0["line"], reason: $0["reason"]) }
        }
    }

    /// The documents whose service ends in `month` but that are dated in another month, per month of issue (`2026-11`):
    /// how many and their net HT (credit notes negative). A month's closing covers the documents dated in it (the
    /// sales journal's month); these belong to the closing of the month they are dated in.
    public func serviceIssuedInOtherMonths(_ month: Period) throws -> [(issueMonth: String, count: Int, totalHT: Money)]
    {
        try engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT substr(issue_date, 1, 7) AS issue_month, COUNT(*) AS n,
                           SUM(CASE type WHEN 'credit_note' THEN -total_ht ELSE total_ht END) AS ht
                    FROM invoice WHERE status = 'issued' AND service_end BETWEEN ?1 AND ?2 AND issue_date NOT BETWEEN ?1 AND ?2
                    GROUP BY issue_month ORDER BY issue_month
                    """, arguments: [month.start.description, month.end.description]
            ).map {
                try (issueMonth: $0["issue_month"], count: $0["n"], totalHT: Money(cents: $0["ht"]))
            }
        }
    }

    /// What `periodsWithLateRevenue` reads, as counts that only grow: the issued documents (a document is issued once
    /// and never changes), the late revenue checked (only ever added), the imported files (a site-day's current file
    /// only moves to a newly imported one) and the site-days. Equal counts, same answer: a key for keeping it.
    public func lateRevenueVersion() throws -> [Int64] {
        try engine.read { db in
            let row = try db.fetchOne(
                sql: """
                    SELECT (SELECT COUNT(*) FROM invoice WHERE status = 'issued'), (SELECT COUNT(*) FROM late_revenue_checked),
                           (SELECT COALESCE(MAX(id), 0) FROM imported_file), (SELECT COUNT(*) FROM site_day)
                    """)
            return try (0..<4).map { try row?[$0] ?? -1 }
        }
    }
}
