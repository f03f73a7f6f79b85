import Foundation

/// SQL attacks on a ledger's guarantees, run directly on the database as a person with
/// `sqlite3` or `psql` would: each is a few statements in one transaction, of which the
/// last is the attack and must be refused by the database itself (the ones before
/// it set the scene and must pass). The same list runs on SQLite and on PostgreSQL;
/// only `INSERT OR REPLACE` has its PostgreSQL counterpart (`ON CONFLICT DO UPDATE`).
///
/// The scene (`GuaranteeAttacks.scene`) is written with the ledger's own legitimate
/// path in SQL: a proforma issued with its series' next number and its sales entry,
/// its revenue recorded, its document stored, a payment allocated, September closed.
enum SQLDialect: Sendable { case sqlite, postgres }

struct GuaranteeAttack: Sendable {
    var name: String
    /// Why SQLite only detects this one (`ardoise verify`) instead of refusing it; nil when refused on both.
    var sqliteDetectsOnly: String? = nil
    var statements: @Sendable (SQLDialect) -> [String]
}

enum GuaranteeAttacks {
    static func hex(_ c: Character) -> String { String(repeating: c, count: 64) }
    static func blob(_ d: SQLDialect) -> String { d == .sqlite ? "X'25504446'" : "'\\x25504446'::bytea" }

    /// 2026-10-05 and 2026-10-06 as day numbers (any integers do: the schema does not read them as dates).
    static let day1 = 20366, day2 = 20367

    static func invoice(
        id: Int, status: String = "proforma", number: String = "NULL", series: String = "FA",
        issueDate: String = "2026-10-31",
        issuedAt: String = "NULL", origin: String = "contract"
    ) -> String {
        """
        INSERT INTO invoice (id, type, status, number, series, client, period_start, period_end, issue_date, due_date, payment_terms,
                             origin, total_ht, total_vat, total_ttc, created_at, issued_at, service_start, service_end)
        VALUES (\(id), 'invoice', '\(status)', \(number), '\(series)', 'ACME', '2026-10-01', '2026-10-31', '\(issueDate)', '2026-10-31',
                'on receipt', '\(origin)', 10000, 2000, 12000, '2026-11-01T00:00:00Z', \(issuedAt), '2026-10-01', '2026-10-31')
        """
    }

    /// A sales entry `id` numbered `number` in journal VT for `invoice` on `date`, balanced, after the journal moved by one.
    static func entry(id: Int, number: Int, invoice: String, date: String = "2026-10-31") -> [String] {
        [
            "UPDATE journal SET last_number = last_number + 1 WHERE code = 'VT'",
            """
            INSERT INTO journal_entry (id, journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at)
            VALUES (\(id), 'VT', \(number), '\(date)', 'PIECE-\(id)', '\(date)', '2026-11-01', \(invoice), '2026-11-01T00:00:00Z')
            """,
            """
            INSERT INTO journal_entry_line (entry_id, position, account, account_label, label, debit, credit)
            VALUES (\(id), 1, '411ACME', 'ACME', 'PIECE-\(id)', 12000, 0)
            """,
            """
            INSERT INTO journal_entry_line (entry_id, position, account, account_label, label, debit, credit, vat_rate)
            VALUES (\(id), 2, '706000', 'Prestations', 'PIECE-\(id)', 0, 10000, 200000)
            """,
            """
            INSERT INTO journal_entry_line (entry_id, position, account, account_label, label, debit, credit, vat_rate)
            VALUES (\(id), 3, '445711', 'TVA', 'PIECE-\(id)', 0, 2000, 200000)
            """
        ]
    }

    static func ticketLine(amount: Int) -> String {
        """
        (file_id, line, ticket, site, register, day, time, badge, client, category, activity, article, label, quantity, unit_price,
         vat_rate, amount, employer_share)
        VALUES (1, 2, 'T1', 'S1', 1, \(day1), 43200, 'B1', 'ACME', 'STD', 'SELF', 'A1', 'Plat', 1, 50000, 100000, \(amount), 200)
        """
    }

    static func scene(_ d: SQLDialect) -> [String] {
        [
            "INSERT INTO number_series (code, last_number) VALUES ('FA', 0)",
            "INSERT INTO number_series (code, last_number) VALUES ('FB', 0)",
            "INSERT INTO journal (code, label, last_number) VALUES ('VT', 'Ventes', 0)",
            """
            INSERT INTO imported_file (id, name, kind, version, sha256, size, imported_at, status, site, day, row_count, rejected_count,
                                       warning_count)
            VALUES (1, 'S1_20261005.csv', 'registers', 1, '\(hex("a"))', 100, '2026-10-06T00:00:00Z', 'imported', 'S1', \(day1), 1, 0, 0)
            """,
            "INSERT INTO ticket_line " + ticketLine(amount: 500),
            "INSERT INTO site_day (site, day, current_file_id) VALUES ('S1', \(day1), 1)",
            "INSERT INTO site_day (site, day, current_file_id) VALUES ('S1', \(day2), 1)",
            invoice(id: 1),
            invoice(id: 2, origin: "manual"),
            "INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate) VALUES (1, 1, 'Repas', 1, 1000000, 10000, 200000)",
            "INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate) VALUES (2, 1, 'Frais', 1, 1000000, 10000, 100000)",
            "INSERT INTO invoice_vat (invoice_id, rate, base, vat) VALUES (1, 200000, 10000, 2000)",
            "INSERT INTO invoice_vat (invoice_id, rate, base, vat) VALUES (2, 100000, 10000, 1000)",
            "INSERT INTO invoice_site_day (invoice_id, client, site, day, file_id) VALUES (1, 'ACME', 'S1', \(day1), 1)",
            "INSERT INTO invoice_site_day (invoice_id, client, site, day, file_id) VALUES (2, 'ACME', 'S1', \(day2), 1)",
            "INSERT INTO billed_unit (unit, invoice_id) VALUES ('day|ACME||||S1|\(day1)', 1)",
            // Validation: the series' next number, the sales entry, the document issued, its revenue, audit and stored files.
            "UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA'"
        ] + entry(id: 1, number: 1, invoice: "1") + [
            "UPDATE invoice SET status = 'issued', number = 'FA-000001', issued_at = '2026-11-01T00:00:00Z' WHERE id = 1",
            "UPDATE site_day SET billed_file_id = current_file_id WHERE site = 'S1' AND day = \(day1)",
            "INSERT INTO invoice_revenue (invoice_id, site, day, client, file_id, lines, hash) VALUES (1, 'S1', \(day1), 'ACME', 1, 1, '\(hex("b"))')",
            "INSERT INTO audit_log (id, at, actor, action, invoice_id, details) VALUES (100, '2026-11-01T00:00:00Z', 'test', 'validate', 1, '')",
            """
            INSERT INTO issued_document (invoice_id, series, sequence, pdf, pdf_sha256, xml, xml_sha256, content, previous_hash, hash,
                                         stored_at, at_issue)
            VALUES (1, 'FA', 1, \(blob(d)), '\(hex("c"))', \(blob(d)), '\(hex("d"))', 'content', '\(hex("0"))', '\(hex("e"))',
                    '2026-11-01T00:00:00Z', 1)
            """,
            "INSERT INTO payment (id, bank_ref, source_file, booking_date, amount, imported_at) VALUES (1, 'REF1', 'camt.xml', '2026-11-05', 12000, '2026-11-05T00:00:00Z')",
            """
            INSERT INTO payment_allocation (id, payment_id, invoice_id, amount, allocated_on, allocated_at, allocated_by)
            VALUES (1, 1, 1, 12000, '2026-11-05', '2026-11-05T00:00:00Z', 'test')
            """,
            "INSERT INTO closed_month (month, closed_at, closed_by) VALUES ('2026-09', '2026-10-05T00:00:00Z', 'test')"
        ]
    }

    /// Issuing proforma 2 the legitimate way, after the attacks: the guarantees leave the engine's own path open.
    static let legitimateIssue: [String] =
        ["UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FA'"]
        + entry(id: 2, number: 2, invoice: "2")
        + [
            "UPDATE invoice SET status = 'issued', number = 'FA-000002', issued_at = '2026-11-02T00:00:00Z' WHERE id = 2"
        ]

    static func attack(_ name: String, _ statements: String...) -> GuaranteeAttack {
        GuaranteeAttack(name: name) { _ in statements }
    }

    /// `INSERT OR REPLACE` on SQLite, the same row upserted on PostgreSQL.
    static func replace(_ name: String, table: String, values: String, conflict: String, update: String)
        -> GuaranteeAttack
    {
        GuaranteeAttack(name: name) { d in
            d == .sqlite
                ? ["INSERT OR REPLACE INTO \(table) \(values)"]
                : ["INSERT INTO \(table) \(values) ON CONFLICT (\(conflict)) DO UPDATE SET \(update)"]
        }
    }

    static let all: [GuaranteeAttack] = [
        // The gaps of issue 23.
        attack(
            "a proforma's lines moved onto an issued invoice",
            "UPDATE invoice_line SET invoice_id = 1, position = 2 WHERE invoice_id = 2"),
        attack(
            "a proforma's VAT moved onto an issued invoice",
            "UPDATE invoice_vat SET invoice_id = 1 WHERE invoice_id = 2"),
        attack(
            "a proforma's site-days moved onto an issued invoice",
            "UPDATE invoice_site_day SET invoice_id = 1 WHERE invoice_id = 2"),
        replace(
            "a number series recreated at 0", table: "number_series", values: "(code, last_number) VALUES ('FA', 0)",
            conflict: "code", update: "last_number = excluded.last_number"),
        attack(
            "an issued invoice inserted into a closed month",
            invoice(
                id: 9, status: "issued", number: "'FA-000002'", issueDate: "2026-09-15",
                issuedAt: "'2026-09-15T00:00:00Z'")),
        GuaranteeAttack(name: "a proforma issued by UPDATE with a number its series never gave") { _ in
            entry(id: 2, number: 2, invoice: "2")
                + [
                    "UPDATE invoice SET status = 'issued', number = 'FA-000777', issued_at = '2026-11-02T00:00:00Z' WHERE id = 2"
                ]
        },
        GuaranteeAttack(name: "a proforma issued by UPDATE into a closed month") { _ in
            [
                "UPDATE invoice SET series = 'FB', issue_date = '2026-09-30' WHERE id = 2",
                "UPDATE number_series SET last_number = last_number + 1 WHERE code = 'FB'"
            ]
                + entry(id: 2, number: 2, invoice: "2")
                + [
                    "UPDATE invoice SET status = 'issued', number = 'FB-000001', issued_at = '2026-11-02T00:00:00Z' WHERE id = 2"
                ]
        },
        attack("a ticket line of a billed file updated", "UPDATE ticket_line SET amount = 1 WHERE file_id = 1"),
        {
            var a = replace(
                "a ticket line of a billed file replaced", table: "ticket_line", values: ticketLine(amount: 1),
                conflict: "file_id, line", update: "amount = excluded.amount")
            a.sqliteDetectsOnly =
                "a per-row trigger on ticket_line would slow the import's hot path; verify finds it by the revenue hash"
            return a
        }(),
        // The guarantees of the earlier migrations, kept.
        attack("ticket lines deleted", "DELETE FROM ticket_line WHERE file_id = 1"),
        attack("an issued invoice changed", "UPDATE invoice SET total_ht = 1, total_ttc = 2001 WHERE id = 1"),
        attack("an issued invoice deleted", "DELETE FROM invoice WHERE id = 1"),
        replace(
            "an issued invoice replaced by a proforma", table: "invoice",
            values: String(invoice(id: 1).dropFirst("INSERT INTO invoice".count)),
            conflict: "id", update: "status = excluded.status, number = excluded.number"),
        attack(
            "a line added to an issued invoice",
            "INSERT INTO invoice_line (invoice_id, position, label, quantity, unit_price, net, vat_rate) VALUES (1, 2, 'Extra', 1, 1, 1, 200000)"
        ),
        attack("a line of an issued invoice changed", "UPDATE invoice_line SET net = 1 WHERE invoice_id = 1"),
        attack("a line of an issued invoice deleted", "DELETE FROM invoice_line WHERE invoice_id = 1"),
        attack("a number series moved back", "UPDATE number_series SET last_number = 0 WHERE code = 'FA'"),
        attack("a number skipped", "UPDATE number_series SET last_number = 3 WHERE code = 'FA'"),
        attack("a number series that gave numbers deleted", "DELETE FROM number_series WHERE code = 'FA'"),
        attack("an audit row changed", "UPDATE audit_log SET actor = 'someone else' WHERE id = 100"),
        attack("an audit row deleted", "DELETE FROM audit_log WHERE id = 100"),
        replace(
            "an audit row replaced", table: "audit_log",
            values:
                "(id, at, actor, action, invoice_id, details) VALUES (100, '2026-11-01T00:00:00Z', 'someone else', 'validate', 1, '')",
            conflict: "id", update: "actor = excluded.actor"),
        attack("a journal entry changed", "UPDATE journal_entry SET entry_date = '2026-10-01' WHERE id = 1"),
        attack(
            "a journal entry line changed",
            "UPDATE journal_entry_line SET debit = 1 WHERE entry_id = 1 AND position = 1"),
        attack("a journal entry deleted", "DELETE FROM journal_entry WHERE id = 1"),
        replace(
            "a journal entry replaced", table: "journal_entry",
            values: """
                (id, journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at)
                VALUES (1, 'VT', 1, '2026-10-01', 'OTHER', '2026-10-01', '2026-11-01', 1, '2026-11-01T00:00:00Z')
                """,
            conflict: "id", update: "piece_ref = excluded.piece_ref"),
        GuaranteeAttack(name: "an entry posted into a closed month") { _ in
            [
                "UPDATE journal SET last_number = last_number + 1 WHERE code = 'VT'",
                """
                INSERT INTO journal_entry (id, journal, number, entry_date, piece_ref, piece_date, validation_date, created_at)
                VALUES (2, 'VT', 2, '2026-09-10', 'OD-1', '2026-09-10', '2026-11-01', '2026-11-01T00:00:00Z')
                """
            ]
        },
        attack("a journal numbered with a gap", "UPDATE journal SET last_number = 5 WHERE code = 'VT'"),
        attack("a closed month reopened", "DELETE FROM closed_month WHERE month = '2026-09'"),
        replace(
            "a closed month replaced", table: "closed_month",
            values: "(month, closed_at, closed_by) VALUES ('2026-09', '2026-10-05T00:00:00Z', 'someone else')",
            conflict: "month", update: "closed_by = excluded.closed_by"),
        attack("a stored document changed", "UPDATE issued_document SET content = 'other' WHERE invoice_id = 1"),
        attack("a stored document deleted", "DELETE FROM issued_document WHERE invoice_id = 1"),
        GuaranteeAttack(name: "a stored document replaced") { d in
            let values = """
                (invoice_id, series, sequence, pdf, pdf_sha256, xml, xml_sha256, content, previous_hash, hash, stored_at, at_issue)
                VALUES (1, 'FA', 1, \(blob(d)), '\(hex("f"))', \(blob(d)), '\(hex("d"))', 'forged', '\(hex("0"))', '\(hex("9"))',
                        '2026-11-01T00:00:00Z', 1)
                """
            return d == .sqlite
                ? ["INSERT OR REPLACE INTO issued_document " + values]
                : [
                    "INSERT INTO issued_document " + values
                        + " ON CONFLICT (invoice_id) DO UPDATE SET content = excluded.content"
                ]
        },
        attack(
            "the revenue an issued invoice billed changed",
            "UPDATE invoice_revenue SET hash = '\(hex("1"))' WHERE invoice_id = 1"),
        replace(
            "a billed unit of an issued invoice taken by a proforma", table: "billed_unit",
            values: "(unit, invoice_id) VALUES ('day|ACME||||S1|\(day1)', 2)", conflict: "unit",
            update: "invoice_id = excluded.invoice_id"),
        attack("a payment deleted", "DELETE FROM payment WHERE id = 1"),
        replace(
            "a payment allocation replaced", table: "payment_allocation",
            values: """
                (id, payment_id, invoice_id, amount, allocated_on, allocated_at, allocated_by)
                VALUES (1, 1, 1, 1, '2026-11-05', '2026-11-05T00:00:00Z', 'someone else')
                """,
            conflict: "id", update: "amount = excluded.amount")
    ]
}

/// What one attack did: refused at the attacking statement (`refusedAt == statements - 1`), or not.
struct AttackOutcome: CustomStringConvertible {
    var name: String
    var statements: Int
    var refusedAt: Int?
    var message: String

    var refused: Bool { refusedAt == statements - 1 }
    var description: String {
        guard let at = refusedAt else { return "\(name): NOT refused" }
        return refused
            ? "\(name): refused (\(message))"
            : "\(name): statement \(at + 1) of \(statements) failed instead: \(message)"
    }
}
