import BillingModel
import Crypto
import Foundation
import GRDB
import GRDBSQLite

/// "v15 ledger guards": what `sqlite3` on the file could still do unseen.
///
/// Triggers close the gaps left by earlier migrations: a document is born a
/// proforma (an INSERT never issues one, in a closed month or elsewhere); a
/// number series or a journal is created once, at 0 (`INSERT OR REPLACE`
/// deletes the old row without firing DELETE triggers unless
/// `recursive_triggers` is on, so the BEFORE INSERT trigger, which still sees
/// the old row, refuses it); ticket lines are append-only; the site-days and
/// the revenue an issued document billed never change.
///
/// Chains make the rest visible to `ardoise verify` even after `DROP
/// TRIGGER`: each audit-log row and each journal entry gets a link in
/// `record_chain`, written in the same transaction, whose hash covers the
/// row (an entry with its lines) and the previous link's hash; each issued
/// document keeps a hash of the ticket lines it billed per site-day
/// (`invoice_revenue`). Rows older than the migration are not chained:
/// `record_chain_start` says where each chain starts.
enum LedgerGuards {
    static let genesis = String(repeating: "0", count: 64)

    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v15 ledger guards") { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER invoice_born_proforma BEFORE INSERT ON invoice
                      WHEN NEW.status <> 'proforma' OR NEW.number IS NOT NULL
                      BEGIN SELECT RAISE(ABORT, 'a document is created as a proforma: only validation issues it, with its number, entry and chain link'); END;
                    CREATE TRIGGER number_series_created_once BEFORE INSERT ON number_series
                      WHEN NEW.last_number <> 0 OR EXISTS (SELECT 1 FROM number_series WHERE code = NEW.code)
                      BEGIN SELECT RAISE(ABORT, 'a number series is created once, at 0: its numbers only move forward by one'); END;
                    CREATE TRIGGER number_series_no_delete BEFORE DELETE ON number_series
                      WHEN OLD.last_number > 0
                      BEGIN SELECT RAISE(ABORT, 'a number series that gave numbers is never deleted'); END;
                    CREATE TRIGGER journal_created_once BEFORE INSERT ON journal
                      WHEN NEW.last_number <> 0 OR EXISTS (SELECT 1 FROM journal WHERE code = NEW.code)
                      BEGIN SELECT RAISE(ABORT, 'a journal is created once, at 0: its numbers only move forward by one'); END;
                    CREATE TRIGGER journal_no_delete BEFORE DELETE ON journal
                      WHEN OLD.last_number > 0
                      BEGIN SELECT RAISE(ABORT, 'a journal that numbered entries is never deleted'); END;
                    CREATE TRIGGER ticket_line_append_only_update BEFORE UPDATE ON ticket_line
                      BEGIN SELECT RAISE(ABORT, 'ticket lines are kept as imported: a corrected file is imported again'); END;
                    CREATE TRIGGER ticket_line_append_only_delete BEFORE DELETE ON ticket_line
                      BEGIN SELECT RAISE(ABORT, 'ticket lines are kept as imported: a corrected file is imported again'); END;
                    CREATE TRIGGER invoice_site_day_frozen_insert BEFORE INSERT ON invoice_site_day
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'the site-days of an issued invoice never change'); END;
                    CREATE TRIGGER invoice_site_day_frozen_update BEFORE UPDATE ON invoice_site_day
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'the site-days of an issued invoice never change'); END;
                    CREATE TRIGGER invoice_site_day_frozen_delete BEFORE DELETE ON invoice_site_day
                      WHEN (SELECT status FROM invoice WHERE id = OLD.invoice_id) <> 'proforma'
                      BEGIN SELECT RAISE(ABORT, 'the site-days of an issued invoice never change'); END;

                    CREATE TABLE record_chain_start (
                      chain TEXT PRIMARY KEY CHECK (chain = 'audit' OR chain = 'entries'),
                      first_row_id INTEGER NOT NULL CHECK (first_row_id >= 1),
                      started_at TEXT NOT NULL
                    );
                    INSERT INTO record_chain_start (chain, first_row_id, started_at)
                      SELECT 'audit', COALESCE(MAX(id), 0) + 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM audit_log;
                    INSERT INTO record_chain_start (chain, first_row_id, started_at)
                      SELECT 'entries', COALESCE(MAX(id), 0) + 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now') FROM journal_entry;
                    CREATE TRIGGER record_chain_start_frozen_update BEFORE UPDATE ON record_chain_start
                      BEGIN SELECT RAISE(ABORT, 'where a chain starts never changes'); END;
                    CREATE TRIGGER record_chain_start_frozen_delete BEFORE DELETE ON record_chain_start
                      BEGIN SELECT RAISE(ABORT, 'where a chain starts never changes'); END;
                    CREATE TRIGGER record_chain_start_once BEFORE INSERT ON record_chain_start
                      BEGIN SELECT RAISE(ABORT, 'where a chain starts never changes'); END;

                    CREATE TABLE record_chain (
                      chain TEXT NOT NULL CHECK (chain = 'audit' OR chain = 'entries'),
                      sequence INTEGER NOT NULL CHECK (sequence >= 1),
                      row_id INTEGER NOT NULL,
                      previous_hash TEXT NOT NULL CHECK (length(previous_hash) = 64),
                      hash TEXT NOT NULL CHECK (length(hash) = 64),
                      PRIMARY KEY (chain, sequence),
                      UNIQUE (chain, row_id)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER record_chain_linked BEFORE INSERT ON record_chain
                      WHEN NEW.sequence <> COALESCE((SELECT MAX(sequence) FROM record_chain WHERE chain = NEW.chain), 0) + 1
                        OR NEW.previous_hash IS NOT COALESCE((SELECT hash FROM record_chain WHERE chain = NEW.chain AND sequence = NEW.sequence - 1),
                                                             '0000000000000000000000000000000000000000000000000000000000000000')
                      BEGIN SELECT RAISE(ABORT, 'a record joins its chain right after the previous one, with its hash'); END;
                    CREATE TRIGGER record_chain_frozen_update BEFORE UPDATE ON record_chain
                      BEGIN SELECT RAISE(ABORT, 'a chain link never changes'); END;
                    CREATE TRIGGER record_chain_frozen_delete BEFORE DELETE ON record_chain
                      BEGIN SELECT RAISE(ABORT, 'a chain link is never deleted'); END;

                    CREATE TABLE invoice_revenue (
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      site TEXT NOT NULL,
                      day INTEGER NOT NULL,
                      client TEXT NOT NULL,
                      file_id INTEGER NOT NULL REFERENCES imported_file(id),
                      lines INTEGER NOT NULL CHECK (lines >= 0),
                      hash TEXT NOT NULL CHECK (length(hash) = 64),
                      PRIMARY KEY (invoice_id, site, day)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER invoice_revenue_of_issued BEFORE INSERT ON invoice_revenue
                      WHEN (SELECT status FROM invoice WHERE id = NEW.invoice_id) IS NOT 'issued'
                        OR EXISTS (SELECT 1 FROM invoice_revenue WHERE invoice_id = NEW.invoice_id AND site = NEW.site AND day = NEW.day)
                      BEGIN SELECT RAISE(ABORT, 'the revenue of a document is recorded once, when it is issued'); END;
                    CREATE TRIGGER invoice_revenue_frozen_update BEFORE UPDATE ON invoice_revenue
                      BEGIN SELECT RAISE(ABORT, 'the revenue an issued invoice billed never changes'); END;
                    CREATE TRIGGER invoice_revenue_frozen_delete BEFORE DELETE ON invoice_revenue
                      BEGIN SELECT RAISE(ABORT, 'the revenue an issued invoice billed never changes'); END;
                    """)
        }
    }

    // MARK: - Canonical contents

    /// The text an audit row's link hashes (with the previous hash appended).
    static func auditContent(_ db: any SQLSession, id: Int64) throws -> String? {
        guard
            let r = try db.fetchOne(
                sql: "SELECT at, actor, action, invoice_id, details, parameters FROM audit_log WHERE id = ?",
                arguments: [id])
        else { return nil }
        return try auditContent(id: id, r, from: 0)
    }

    /// The same text from a row holding `at, actor, action, invoice_id, details, parameters` from column `c`.
    static func auditContent(id: Int64, _ r: SQLRow, from c: Int) throws -> String {
        let invoice: Int64? = try r[c + 3]
        // A row with parameters ("v16 audit parameters") is chained with them; older rows as they were.
        if let parameters = try r[c + 5] as String? {
            return try [
                "format: \"ardoise-audit/2\"",
                "id: \(id)",
                "at: \(IssuedContent.quote(r[c]))",
                "actor: \(IssuedContent.quote(r[c + 1]))",
                "action: \(IssuedContent.quote(r[c + 2]))",
                "invoice: \(invoice.map(String.init) ?? "null")",
                "details: \(IssuedContent.quote(r[c + 4]))",
                "parameters: \(IssuedContent.quote(parameters))"
            ].joined(separator: "\n") + "\n"
        }
        return try [
            "format: \"ardoise-audit/1\"",
            "id: \(id)",
            "at: \(IssuedContent.quote(r[c]))",
            "actor: \(IssuedContent.quote(r[c + 1]))",
            "action: \(IssuedContent.quote(r[c + 2]))",
            "invoice: \(invoice.map(String.init) ?? "null")",
            "details: \(IssuedContent.quote(r[c + 4]))"
        ].joined(separator: "\n") + "\n"
    }

    /// The text a journal entry's link hashes: the entry and its lines, as stored.
    static func entryContent(_ db: any SQLSession, id: Int64) throws -> String? {
        guard
            let e = try db.fetchOne(
                sql: """
                    SELECT journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at FROM journal_entry WHERE id = ?
                    """, arguments: [id])
        else { return nil }
        var lines: [StoredEntryLine] = []
        for l in try db.fetchAll(
            sql: """
                SELECT position, account, account_label, auxiliary_account, auxiliary_label, label, debit, credit, vat_rate
                FROM journal_entry_line WHERE entry_id = ? ORDER BY position
                """, arguments: [id])
        {
            lines.append(
                try StoredEntryLine(
                    position: l[0], account: l[1], accountLabel: l[2], auxiliaryAccount: l[3], auxiliaryLabel: l[4],
                    label: l[5], debit: l[6], credit: l[7], vatRate: l[8]))
        }
        return try entryContent(
            id: id, journal: e[0], number: e[1], date: e[2], piece: e[3], pieceDate: e[4], validationDate: e[5],
            invoice: e[6], createdAt: e[7], lines: lines)
    }

    /// A journal entry line's stored columns.
    struct StoredEntryLine {
        var position: Int64, account: String, accountLabel: String, auxiliaryAccount: String?,
            auxiliaryLabel: String?, label: String, debit: Int64, credit: Int64, vatRate: Int64?
    }

    /// The text a journal entry's link hashes, from its columns: the entry just written is hashed from the values
    /// it was written with (the same text `entryContent(_:id:)` reads back, without two more queries).
    static func entryContent(
        id: Int64, journal: String, number: Int64, date: String, piece: String, pieceDate: String,
        validationDate: String, invoice: Int64?, createdAt: String, lines: [StoredEntryLine]
    ) -> String {
        var out = [
            "format: \"ardoise-entry/1\"",
            "id: \(id)",
            "journal: \(IssuedContent.quote(journal))",
            "number: \(number)",
            "date: \(IssuedContent.quote(date))",
            "piece: \(IssuedContent.quote(piece))",
            "piece_date: \(IssuedContent.quote(pieceDate))",
            "validation_date: \(IssuedContent.quote(validationDate))",
            "invoice: \(invoice.map(String.init) ?? "null")",
            "created_at: \(IssuedContent.quote(createdAt))"
        ]
        func str(_ v: String?) -> String { v.map(IssuedContent.quote) ?? "null" }
        for l in lines {
            out.append(
                "line \(l.position): [\(IssuedContent.quote(l.account)),\(IssuedContent.quote(l.accountLabel)),"
                    + "\(str(l.auxiliaryAccount)),\(str(l.auxiliaryLabel)),"
                    + "\(IssuedContent.quote(l.label)),\(l.debit),\(l.credit),\(l.vatRate.map(String.init) ?? "null")]")
        }
        return out.joined(separator: "\n") + "\n"
    }

    static func linkHash(content: String, previous: String) -> String {
        ContentHash.sha256((content + "previous: \(IssuedContent.quote(previous))\n").utf8)
    }

    /// Appends the link of row `rowID` to `chain`, in the caller's transaction.
    static func link(_ chain: String, rowID: Int64, content: String, db: any SQLSession) throws {
        let last = try db.fetchOne(
            sql: """
                SELECT sequence, hash FROM record_chain WHERE chain = ? ORDER BY sequence DESC LIMIT 1
                """, arguments: [chain])
        let sequence: Int64 = (try last?[0] as Int64? ?? 0) + 1
        let previous: String = try last?[1] ?? genesis
        try db.execute(
            sql: "INSERT INTO record_chain (chain, sequence, row_id, previous_hash, hash) VALUES (?, ?, ?, ?, ?)",
            arguments: [chain, sequence, rowID, previous, linkHash(content: content, previous: previous)])
    }

    // MARK: - Revenue billed

    /// The hash of the ticket lines of `client` at `site` on `day` in register file `fileID`, and how many:
    /// the SHA-256 of `ardoise-revenue/1` and one JSON array per line, in line order. SQLite writes
    /// the text (json_array, group_concat): a month's invoice hashes its thousands of lines in one statement.
    static func revenueHash(_ db: any SQLSession, fileID: Int64, site: String, day: Int64, client: String) throws -> (
        lines: Int, hash: String
    ) {
        let row = try db.fetchOne(
            sql: db.sql(
                sqlite: """
                    SELECT COUNT(*), COALESCE(group_concat(j, char(10)), '') FROM (
                      SELECT json_array(line, ticket, register, time, badge, category, activity, article, label, quantity, unit_price, vat_rate,
                                        amount, employer_share) AS j
                      FROM ticket_line WHERE file_id = ? AND site = ? AND day = ? AND client = ? ORDER BY line)
                    """,
                postgres: """
                    SELECT COUNT(*), \(postgresRevenueHash("COALESCE(string_agg(\(postgresLineJSON), chr(10) ORDER BY line), '')"))
                    FROM ticket_line WHERE file_id = ? AND site = ? AND day = ? AND client = ?
                    """), arguments: [fileID, site, day, client])
        let count: Int = try row?[0] ?? 0
        // PostgreSQL gives the hash (`postgresRevenueHash`), SQLite the text hashed here.
        if db.kind == .postgres, let hash: String = try row?[1] { return (count, hash) }
        let text: String = try row?[1] ?? ""
        return (count, ContentHash.sha256(("ardoise-revenue/1\n" + text + "\n").utf8))
    }

    /// SQLite's `json_array(line, ticket, …, employer_share)` text written by PostgreSQL, character for character
    /// (no spaces, `null`, strings escaped by `to_json`), so a ledger's revenue hashes are the same on both engines.
    static let postgresLineJSON: String = {
        func text(_ c: String) -> String { "COALESCE(to_json(\(c))::text, 'null')" }
        let parts = [
            "line::text", text("ticket"), "register::text", "time::text", text("badge"), text("category"),
            text("activity"),
            text("article"), text("label"), "quantity::text", "unit_price::text", "vat_rate::text", "amount::text",
            "employer_share::text"
        ]
        return "'[' || " + parts.joined(separator: " || ',' || ") + " || ']'"
    }()

    /// The bytes of a text column of the current row (valid until the next step).
    static func columnBytes(_ s: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(s, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, column)))
    }

    /// A recorded revenue row of `invoice_revenue`: document, site and day.
    struct RevenueKey: Hashable, Sendable {
        var invoice: Int64
        var site: String
        var day: Int64
    }

    /// The ticket lines a recorded revenue row hashes: a client's at a site on a day.
    struct RevenueWanted: Hashable, Sendable {
        var site: String
        var day: Int64
        var client: String
    }

    /// The `invoice_revenue` rows naming one register file: what hashing its lines once checks.
    struct RevenueFile: Sendable {
        var file: Int64
        var records: [(key: RevenueKey, wanted: RevenueWanted, hash: String)]
    }

    /// Each register file named by `invoice_revenue`, with its rows, in file order (one streaming read).
    static func forEachRevenueFile(_ db: any SQLSession, _ body: (RevenueFile) throws -> Void) throws {
        var current: RevenueFile?
        try db.forEach(sql: "SELECT file_id, invoice_id, site, day, client, hash FROM invoice_revenue ORDER BY file_id")
        { r in
            let id: Int64 = try r[0]
            if id != current?.file {
                if let done = current { try body(done) }
                current = RevenueFile(file: id, records: [])
            }
            let site: String = try r[2], day: Int64 = try r[3]
            try current?.records.append(
                (
                    RevenueKey(invoice: r[1], site: site, day: day), RevenueWanted(site: site, day: day, client: r[4]),
                    r[5]
                ))
        }
        if let done = current { try body(done) }
    }

    /// Hashes register files' lines on one connection, as `revenueHash` does (the same text), every client's
    /// lines of a file side by side in one pass over the file: the records whose hash differs, with their count now.
    final class RevenueFileHasher {
        let db: any SQLSession

        init(_ db: any SQLSession) throws { self.db = db }

        func check(_ f: RevenueFile, into changed: inout [RevenueKey: Int]) throws {
            guard !f.records.isEmpty else { return }
            let now = try RevenueFileHashes.hashEveryClient(of: f.file, db)
            for record in f.records {
                let hashed = now[record.wanted] ?? (lines: 0, hash: RevenueFileHashes.noLines)
                if hashed.hash != record.hash { changed[record.key] = hashed.lines }
            }
        }
    }

    /// The rows of `invoice_revenue` whose ticket lines no longer hash as recorded (`revenueHash`), with their
    /// count now. One pass: the records in file order, and each register file's lines read once, every
    /// client's hash of it computed side by side (the same text `revenueHash` hashes).
    static func changedRevenue(_ db: any SQLSession) throws -> [RevenueKey: Int] {
        var changed: [RevenueKey: Int] = [:]
        let hasher = try RevenueFileHasher(db)
        try forEachRevenueFile(db) { try hasher.check($0, into: &changed) }
        return changed
    }

    /// Records the revenue document `invoiceID` billed, per site-day, as it is issued.
    /// `hashed`: hashes computed before the transaction (`LedgerDatabase.revenueHashes`), used for the site-days whose
    /// file they name (a file version's lines never change, so its hash is the one computed here); any other
    /// site-day is hashed here.
    static func recordRevenue(invoiceID: Int64, hashed: [RevenueHash] = [], db: any SQLSession) throws {
        let ready = Dictionary(hashed.map { ($0.key, ($0.lines, $0.hash)) }, uniquingKeysWith: { a, _ in a })
        var rows: [[SQLValue]] = []
        if db.kind == .postgres {
            // Every site-day of the document hashed by one query, and the rows written by one INSERT: a query and
            // an INSERT a site-day (a month's invoice has hundreds) were most of a validation's round trips.
            let keys = try db.fetchAll(
                sql: "SELECT site, day, client, file_id FROM invoice_site_day WHERE invoice_id = ?",
                arguments: [invoiceID]
            ).map { s in
                try RevenueHash.Key(site: s[0], day: s[1], client: s[2], file: s[3])
            }
            let missing = keys.contains { ready[$0] == nil } ? try revenueHashes(db, invoiceID: invoiceID) : []
            let computed = Dictionary(missing.map { ($0.key, ($0.lines, $0.hash)) }, uniquingKeysWith: { a, _ in a })
            for k in keys {
                guard let r = ready[k] ?? computed[k] else {
                    throw LedgerError.internalInconsistency("the revenue of \(k.site) on day \(k.day) was not hashed")
                }
                rows.append([
                    .text(k.site), .integer(k.day), .text(k.client), .integer(k.file), .integer(Int64(r.0)), .text(r.1)
                ])
            }
        } else {
            let siteDays = try db.fetchAll(
                sql: "SELECT site, day, client, file_id FROM invoice_site_day WHERE invoice_id = ?",
                arguments: [invoiceID])
            for s in siteDays {
                let site: String = try s[0], day: Int64 = try s[1], client: String = try s[2], file: Int64 = try s[3]
                let r =
                    try ready[RevenueHash.Key(site: site, day: day, client: client, file: file)]
                    ?? revenueHash(db, fileID: file, site: site, day: day, client: client)
                rows.append([
                    .text(site), .integer(day), .text(client), .integer(file), .integer(Int64(r.0)), .text(r.1)
                ])
            }
        }
        try db.insertRows(
            into: "invoice_revenue", columns: ["invoice_id", "site", "day", "client", "file_id", "lines", "hash"],
            rows.map { [.integer(invoiceID)] + $0 })
    }

    /// The revenue hash of every site-day of document `invoiceID` (its `invoice_site_day` rows) in one query on
    /// PostgreSQL: each site-day's ticket lines of the client in its file, as `revenueHash` hashes them one by one.
    static func revenueHashes(_ db: any SQLSession, invoiceID: Int64) throws -> [RevenueHash] {
        try db.fetchAll(
            sql: """
                SELECT s.site, s.day, s.client, s.file_id, r.n, \(postgresRevenueHash("r.text")) FROM invoice_site_day s
                CROSS JOIN LATERAL (
                  SELECT COUNT(*) AS n, COALESCE(string_agg(\(postgresLineJSON), chr(10) ORDER BY line), '') AS text
                  FROM ticket_line WHERE file_id = s.file_id AND site = s.site AND day = s.day AND client = s.client) r
                WHERE s.invoice_id = ?
                """, arguments: [invoiceID]
        ).map { r in
            try RevenueHash(key: .init(site: r[0], day: r[1], client: r[2], file: r[3]), lines: r[4], hash: r[5])
        }
    }

    /// `revenueHash`'s SHA-256 (hex) of the lines' text `lines` (an SQL expression), computed by PostgreSQL itself:
    /// only the hash crosses the network, not the lines (a year's `verify` read twelve million of them).
    static func postgresRevenueHash(_ lines: String) -> String {
        "encode(sha256(convert_to('ardoise-revenue/1' || chr(10) || \(lines) || chr(10), 'UTF8')), 'hex')"
    }
}

extension LedgerDatabase {
    /// Whether `invoiceID` was issued by Ardoise's validation: its `validate` row is in the audit log.
    /// A document without it was issued by other means (SQL on the file) and is never stored late.
    func issuedByValidation(_ invoiceID: Int64, db: any SQLSession) throws -> Bool {
        try db.fetchValue(
            Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM audit_log WHERE invoice_id = ? AND action = 'validate')",
            arguments: [invoiceID]) ?? false
    }

    /// The breaks of the audit-log and journal chains, of the revenue issued
    /// documents billed, and documents issued outside validation.
    func verifyRecords(_ db: any SQLSession) throws -> (breaks: [ChainReport.Break], chains: [ChainReport.Series]) {
        let records = try verifyRecordChains(db)
        return (records.breaks + (try verifyRevenue(db, changed: try LedgerGuards.changedRevenue(db))), records.chains)
    }

    /// The issued documents without a `validate` row in the audit log, in number order: each document's row
    /// found through the index "v21 audit by document" (read whole for each document before it, a year's
    /// `verify` read the audit log 24,000 times).
    static let issuedOutsideValidation = """
        SELECT v.series, v.number FROM invoice v WHERE v.status = 'issued'
          AND NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.invoice_id = v.id AND a.action = 'validate')
        ORDER BY v.series, length(v.number), v.number
        """

    /// The issued documents whose revenue `verifyRevenue` checks: those with recorded revenue, and those validated
    /// since the chains started (`?`: the audit chain's first row), the latter through "v21 audit by document".
    static let documentsWithRevenue = """
        SELECT v.id, v.series, v.number FROM invoice v WHERE v.status = 'issued'
          AND (EXISTS (SELECT 1 FROM invoice_revenue r WHERE r.invoice_id = v.id)
               OR EXISTS (SELECT 1 FROM audit_log a WHERE a.invoice_id = v.id AND a.action = 'validate' AND a.id >= ?))
        ORDER BY v.id
        """

    /// The breaks of the audit-log and journal chains, and documents issued outside validation.
    func verifyRecordChains(_ db: any SQLSession) throws -> (breaks: [ChainReport.Break], chains: [ChainReport.Series])
    {
        var breaks: [ChainReport.Break] = []
        var chains: [ChainReport.Series] = []
        let starts = Dictionary(
            try db.fetchAll(sql: "SELECT chain, first_row_id FROM record_chain_start").map {
                try ($0[0] as String, $0[1] as Int64)
            },
            uniquingKeysWith: { a, _ in a })
        // Each link with its row read in the same step (a join in chain order), not one query per link: the
        // audit log holds a few rows per document issued.
        let audit = """
            SELECT c.sequence, c.row_id, c.previous_hash, c.hash, a.at, a.actor, a.action, a.invoice_id, a.details, a.parameters, a.id
            FROM record_chain c LEFT JOIN audit_log a ON a.id = c.row_id WHERE c.chain = ? ORDER BY c.sequence
            """
        let entries = """
            SELECT c.sequence, c.row_id, c.previous_hash, c.hash FROM record_chain c WHERE c.chain = ? ORDER BY c.sequence
            """
        for (chain, table, name, links) in [
            ("audit", "audit_log", "audit log", audit), ("entries", "journal_entry", "journal entries", entries)
        ] {
            func broken(_ what: String, _ kind: String, _ detail: String) {
                breaks.append(.init(series: name, number: what, kind: kind, detail: detail))
            }
            guard let start = starts[chain] else {
                broken(name, "chain", "the chain's start is not recorded (`record_chain_start`): it was deleted")
                continue
            }
            var summary = ChainReport.Series(
                series: name, documents: 0, notStored: 0, storedAfterIssue: 0, lastHash: LedgerGuards.genesis)
            var expected = (sequence: Int64(1), previous: LedgerGuards.genesis)
            try db.forEach(sql: links, arguments: [chain]) { l in
                let sequence: Int64 = try l[0], rowID: Int64 = try l[1], previous: String = try l[2],
                    hash: String = try l[3]
                let label = "\(chain == "audit" ? "audit log row" : "journal entry") #\(rowID)"
                summary.documents += 1
                if sequence != expected.sequence {
                    broken(
                        label, "sequence",
                        "link \(sequence) of the chain, expected \(expected.sequence): \(sequence - expected.sequence) links before it were deleted"
                    )
                }
                if previous != expected.previous {
                    broken(
                        label, "chain", "records previous hash \(previous), the link before it has \(expected.previous)"
                    )
                }
                let text: String?
                if chain == "audit" {
                    text = try (l[10] as Int64?) == nil ? nil : LedgerGuards.auditContent(id: rowID, l, from: 4)
                } else {
                    text = try LedgerGuards.entryContent(db, id: rowID)
                }
                if let text {
                    if LedgerGuards.linkHash(content: text, previous: previous) != hash {
                        broken(
                            label, "content",
                            "the \(chain == "audit" ? "audit row" : "entry or its lines") changed since it was written")
                    }
                } else {
                    broken(label, "deleted", "chained when written, no longer in `\(table)`")
                }
                expected = (sequence + 1, hash)
                summary.lastHash = hash
            }
            for r in try db.fetchAll(
                sql: """
                    SELECT t.id FROM \(table) t WHERE t.id >= ? AND NOT EXISTS (SELECT 1 FROM record_chain c WHERE c.chain = ? AND c.row_id = t.id)
                    ORDER BY t.id
                    """, arguments: [start, chain])
            {
                let id: Int64 = try r[0]
                broken(
                    "\(chain == "audit" ? "audit log row" : "journal entry") #\(id)", "not chained",
                    "written after the chain started (row \(start)) without its link: not written by Ardoise")
            }
            chains.append(summary)
        }

        // Documents issued by other means than validation: no `validate` row in the audit log.
        for r in try db.fetchAll(sql: Self.issuedOutsideValidation) {
            try breaks.append(
                .init(
                    series: r[0], number: r[1], kind: "issued outside Ardoise",
                    detail:
                        "issued without validation (no `validate` in the audit log): never stored nor chained by Ardoise"
                ))
        }

        return (breaks, chains)
    }

    /// The breaks of the revenue each document issued since the chains started billed, per site-day, given
    /// `changed` (`LedgerGuards.changedRevenue`: the recorded revenue whose ticket lines hash differently now).
    func verifyRevenue(_ db: any SQLSession, changed: [LedgerGuards.RevenueKey: Int]) throws -> [ChainReport.Break] {
        var breaks: [ChainReport.Break] = []
        let starts = Dictionary(
            try db.fetchAll(sql: "SELECT chain, first_row_id FROM record_chain_start").map {
                try ($0[0] as String, $0[1] as Int64)
            },
            uniquingKeysWith: { a, _ in a })
        let auditStart = starts["audit"] ?? Int64.max
        let issued = try db.fetchAll(sql: Self.documentsWithRevenue, arguments: [auditStart])
        for d in issued {
            let id: Int64 = try d[0], series: String = try d[1], number: String = try d[2]
            func broken(_ detail: String) {
                breaks.append(.init(series: series, number: number, kind: "revenue", detail: detail))
            }
            struct SiteDay: Hashable, Comparable {
                var site: String
                var day: Int64
                static func < (a: SiteDay, b: SiteDay) -> Bool { (a.site, a.day) < (b.site, b.day) }
                var text: String { "site \(site) on \(Day(ordinal: Int(day)))" }
            }
            var recorded: [SiteDay: (client: String, file: Int64, lines: Int64, hash: String)] = [:]
            for r in try db.fetchAll(
                sql: "SELECT site, day, client, file_id, lines, hash FROM invoice_revenue WHERE invoice_id = ?",
                arguments: [id])
            {
                let client: String = try r[2], file: Int64 = try r[3], lines: Int64 = try r[4], hash: String = try r[5]
                try recorded[SiteDay(site: r[0], day: r[1])] = (client, file, lines, hash)
            }
            var billed = Set<SiteDay>()
            for s in try db.fetchAll(
                sql: "SELECT site, day FROM invoice_site_day WHERE invoice_id = ?", arguments: [id])
            {
                try billed.insert(SiteDay(site: s[0], day: s[1]))
            }
            for (key, r) in recorded.sorted(by: { $0.key < $1.key }) {
                if !billed.contains(key) { broken("\(key.text): billed when issued, its site-day record is gone") }
                if let now = changed[LedgerGuards.RevenueKey(invoice: id, site: key.site, day: key.day)] {
                    broken(
                        "\(key.text): the ticket lines billed changed since issue (\(r.lines) lines then, \(now) now, or their content)"
                    )
                }
            }
            for key in billed.subtracting(recorded.keys).sorted() {
                broken("\(key.text): billed, but its revenue was not recorded at issue")
            }
        }
        return breaks
    }
}

/// The hash of a client's ticket lines at a site on a day in one register file (`invoice_revenue`), computed
/// ahead of the issuing transaction.
public struct RevenueHash: Sendable, Hashable {
    struct Key: Hashable {
        var site: String
        var day: Int64
        var client: String
        var file: Int64
    }
    let key: Key
    let lines: Int
    let hash: String
}
