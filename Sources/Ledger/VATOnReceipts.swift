import Accounting
import BillingModel
import Foundation
import GRDB

/// Why VAT on receipts moved between an invoice's pending and output VAT accounts.
public enum VATMoveCause: String, Sendable {
    /// A payment was allocated to the invoice: its VAT share becomes due.
    case allocation
    /// An allocation was removed (`payments unmatch`): its share goes back to pending.
    case removal
    /// A credit note reduced what the invoice owes (after payments, some collected VAT goes back).
    case creditNote = "credit-note"
    /// `entries post` found an invoice whose moves lag its payments (a ledger paid before the moves existed).
    case catchUp = "catch-up"
}

/// One pending VAT account's balance against what the invoices' state says it should be.
public struct PendingVATBalance: Sendable, Hashable {
    public var account: String
    /// Credit less debit of the account's entry lines dated up to the day.
    public var balance: Money
    /// The VAT of the unpaid part of the issued service invoices put on it.
    public var expected: Money
}

extension Schema {
    /// "v17 vat on receipts": the VAT each issued document put on (an invoice)
    /// or took off (a credit note) a pending account, and every move of it to
    /// the output VAT account with its journal entry. Both append-only; what
    /// was moved for an invoice and rate stays between nothing and what it put pending.
    static func registerVATOnReceipts(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v17 vat on receipts") { db in
            try db.execute(
                sql: """
                    CREATE TABLE vat_pending (
                      document_id INTEGER NOT NULL REFERENCES invoice(id),
                      rate INTEGER NOT NULL CHECK (rate > 0),
                      pending_account TEXT NOT NULL CHECK (pending_account <> ''),
                      output_account TEXT NOT NULL CHECK (output_account <> '' AND output_account <> pending_account),
                      amount INTEGER NOT NULL CHECK (amount > 0),
                      PRIMARY KEY (document_id, rate)
                    ) WITHOUT ROWID;
                    CREATE TABLE vat_receipt_move (
                      id INTEGER PRIMARY KEY,
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      rate INTEGER NOT NULL,
                      amount INTEGER NOT NULL CHECK (amount <> 0),
                      cause TEXT NOT NULL CHECK (cause IN ('allocation', 'removal', 'credit-note', 'catch-up')),
                      allocation_id INTEGER REFERENCES payment_allocation(id),
                      credit_note_id INTEGER REFERENCES invoice(id),
                      entry_id INTEGER NOT NULL REFERENCES journal_entry(id),
                      created_at TEXT NOT NULL
                    );
                    CREATE INDEX vat_receipt_move_invoice ON vat_receipt_move(invoice_id, rate);
                    CREATE INDEX vat_receipt_move_entry ON vat_receipt_move(entry_id);
                    CREATE TRIGGER vat_pending_append_only_update BEFORE UPDATE ON vat_pending
                      BEGIN SELECT RAISE(ABORT, 'pending VAT is recorded once, with its document'); END;
                    CREATE TRIGGER vat_pending_append_only_delete BEFORE DELETE ON vat_pending
                      BEGIN SELECT RAISE(ABORT, 'pending VAT is recorded once, with its document'); END;
                    CREATE TRIGGER vat_pending_with_entry BEFORE INSERT ON vat_pending
                      WHEN NOT EXISTS (SELECT 1 FROM journal_entry WHERE invoice_id = NEW.document_id)
                      BEGIN SELECT RAISE(ABORT, 'pending VAT is recorded with its document''s journal entry'); END;
                    CREATE TRIGGER vat_receipt_move_append_only_update BEFORE UPDATE ON vat_receipt_move
                      BEGIN SELECT RAISE(ABORT, 'VAT moves are append-only: a removal moves back'); END;
                    CREATE TRIGGER vat_receipt_move_append_only_delete BEFORE DELETE ON vat_receipt_move
                      BEGIN SELECT RAISE(ABORT, 'VAT moves are append-only: a removal moves back'); END;
                    CREATE TRIGGER vat_receipt_move_bounded BEFORE INSERT ON vat_receipt_move
                      WHEN COALESCE((SELECT SUM(amount) FROM vat_receipt_move WHERE invoice_id = NEW.invoice_id AND rate = NEW.rate), 0)
                           + NEW.amount NOT BETWEEN 0
                           AND COALESCE((SELECT amount FROM vat_pending WHERE document_id = NEW.invoice_id AND rate = NEW.rate), 0)
                      BEGIN SELECT RAISE(ABORT, 'an invoice''s VAT moved to collected stays between nothing and what it put pending'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// What VAT on receipts knows of one invoice: per rate what it put pending, what its credit notes took
    /// off, the accounts and what was moved; its TTC, its credit notes' TTC and what its payments allocated.
    struct VATReceiptState {
        struct Rate {
            var rate: Int64
            var pending: Int64
            var credited: Int64 = 0
            var pendingAccount: String
            var outputAccount: String
            var moved: Int64 = 0
        }
        var invoiceID: Int64
        var number: String
        var ttc: Int64
        var creditedTTC: Int64 = 0
        var paid: Int64 = 0
        var rates: [Rate]

        /// What should have been moved to collected per rate now: the pending VAT (less credit notes')
        /// in proportion of what was paid of what is owed; all once paid in full.
        func target(_ r: Rate) -> Int64 {
            VATOnReceipts.collected(
                pending: Money(cents: max(0, r.pending - r.credited)), paid: Money(cents: paid),
                due: Money(cents: ttc - creditedTTC)
            ).cents
        }
    }

    /// Records what document `id`'s sales entry put on (or, a credit note, took off) the pending VAT accounts.
    /// A credit note of an invoice that put nothing pending (issued before VAT on receipts) takes nothing off.
    func recordPendingVAT(_ db: any SQLSession, documentID id: Int64, document: IssuedDocument, accounts: SalesAccounts)
        throws
    {
        for p in SalesEntry.pendingVAT(document, accounts: accounts) {
            guard let pending = accounts.pendingVAT[p.rate], let output = accounts.outputVAT[p.rate] else { continue }
            try db.execute(
                sql: """
                    INSERT INTO vat_pending (document_id, rate, pending_account, output_account, amount) VALUES (?, ?, ?, ?, ?)
                    """, arguments: [id, p.rate.tenThousandths, pending, output, p.vat.cents])
        }
    }

    /// Whether issued invoice `id` put VAT on a pending account (so its credit notes take theirs off it).
    func putVATPending(_ db: any SQLSession, invoiceID id: Int64) throws -> Bool {
        try db.fetchValue(
            Bool.self, sql: "SELECT EXISTS (SELECT 1 FROM vat_pending WHERE document_id = ?)", arguments: [id]) ?? false
    }

    /// The VAT on receipts state of the invoices given (nil: every invoice with pending VAT), as of `day`
    /// (nil: everything recorded): credit notes issued, allocations made and not removed by then.
    func vatReceiptStates(_ db: any SQLSession, invoiceIDs: [Int64]?, asOf day: Day? = nil) throws -> [VATReceiptState]
    {
        let d = day?.description ?? "9999-12-31"
        var only = ""
        var arguments: [any SQLArgument] = [d]
        if let invoiceIDs {
            only = " AND i.id IN (\(db.integersOfJSONArgument))"
            arguments += [LedgerDatabase.jsonArray(invoiceIDs)]
        }
        let rows = try db.fetchAll(
            sql: """
                SELECT i.id, i.number, i.total_ttc, v.rate, v.pending_account, v.output_account, v.amount
                FROM vat_pending v JOIN invoice i ON i.id = v.document_id
                WHERE i.type = 'invoice' AND i.status = 'issued' AND i.issue_date <= ?\(only)
                ORDER BY i.id, v.rate DESC
                """, arguments: arguments)
        var states: [Int64: VATReceiptState] = [:]
        var order: [Int64] = []
        for r in rows {
            let id: Int64 = try r["id"]
            if states[id] == nil {
                order.append(id)
                states[id] = try VATReceiptState(invoiceID: id, number: r["number"], ttc: r["total_ttc"], rates: [])
            }
            try states[id]?.rates.append(
                .init(
                    rate: r["rate"], pending: r["amount"], pendingAccount: r["pending_account"],
                    outputAccount: r["output_account"]))
        }
        guard !order.isEmpty else { return [] }
        let ids = LedgerDatabase.jsonArray(order)
        // Credit notes' TTC, credit notes' pending VAT per rate, live allocations and (without `day`) the VAT moved
        // already, in one query: each allocation of a bank statement reads them, a round trip apiece on PostgreSQL.
        let list = db.integersOfJSONArgument
        var parts = [
            """
            SELECT 1 AS kind, c.credited_invoice_id AS invoice, NULL AS rate, SUM(c.total_ttc) AS amount FROM invoice c
            WHERE c.type = 'credit_note' AND c.status = 'issued' AND c.issue_date <= ?
              AND c.credited_invoice_id IN (\(list)) GROUP BY c.credited_invoice_id
            """,
            """
            SELECT 2, c.credited_invoice_id, v.rate, SUM(v.amount) FROM invoice c JOIN vat_pending v ON v.document_id = c.id
            WHERE c.type = 'credit_note' AND c.status = 'issued' AND c.issue_date <= ?
              AND c.credited_invoice_id IN (\(list)) GROUP BY c.credited_invoice_id, v.rate
            """,
            // Allocations live on the day: made by then, and not removed by then (a removal's UTC day, as it is stamped).
            """
            SELECT 3, invoice_id, NULL, SUM(amount) FROM payment_allocation
            WHERE invoice_id IN (\(list)) AND allocated_on <= ?
              AND (removed_at IS NULL OR substr(removed_at, 1, 10) > ?)
            GROUP BY invoice_id
            """
        ]
        var unionArguments: [any SQLArgument] = [d, ids, d, ids, ids, d, d]
        if day == nil {
            parts.append(
                """
                SELECT 4, invoice_id, rate, SUM(amount) FROM vat_receipt_move
                WHERE invoice_id IN (\(list)) GROUP BY invoice_id, rate
                """)
            unionArguments.append(ids)
        }
        for r in try db.fetchAll(sql: parts.joined(separator: " UNION ALL "), arguments: unionArguments) {
            let kind: Int64 = try r[0], id: Int64 = try r[1], rate: Int64? = try r[2], amount: Int64 = try r[3]
            switch kind {
            case 1: states[id]?.creditedTTC = amount
            case 3: states[id]?.paid = amount
            default:
                guard let rate, let i = states[id]?.rates.firstIndex(where: { $0.rate == rate }) else { continue }
                if kind == 2 { states[id]?.rates[i].credited = amount } else { states[id]?.rates[i].moved = amount }
            }
        }
        return order.compactMap { states[$0] }
    }

    /// Moves VAT on receipts of `invoiceIDs` so that what was moved to the output VAT accounts is what their
    /// payments say (`VATReceiptState.target`): an allocation moves its share from pending to collected, a
    /// removal moves it back, a credit note after payments gives back the collected VAT it cancels. One
    /// entry per invoice in the VAT journal, dated `day` (or `today` when `day`'s month is closed), its
    /// rows in `vat_receipt_move`. Idempotent: what is moved already is not moved again. Returns the entries posted.
    @discardableResult
    func settleVATOnReceipts(
        _ db: any SQLSession, invoiceIDs: [Int64]?, cause: VATMoveCause, allocationID: Int64? = nil,
        creditNoteID: Int64? = nil, on day: Day, today: Day, journal: (code: String, label: String),
        now: String, closedMonths: Set<String>? = nil
    ) throws -> Int {
        var posted = 0
        for state in try vatReceiptStates(db, invoiceIDs: invoiceIDs) {
            let moves = state.rates.compactMap { r -> (rate: VATReceiptState.Rate, amount: Int64)? in
                let delta = state.target(r) - r.moved
                return delta == 0 ? nil : (r, delta)
            }
            guard !moves.isEmpty else { continue }
            let closed = try LedgerDatabase.isClosed(Month(day), db: db, known: closedMonths)
            let date = closed ? today : day
            let label = String(
                (cause == .removal
                    ? "Annulation TVA sur encaissement \(state.number)" : "TVA sur encaissement \(state.number)")
                    .prefix(100))
            var lines: [EntryLine] = []
            for m in moves {
                let rate = VATRate(tenThousandths: m.rate.rate), amount = Money(cents: abs(m.amount))
                let rateText = String(rate.oneDecimal.map { $0 == "." ? "," : $0 })
                let pendingLine = EntryLine(
                    account: m.rate.pendingAccount, accountLabel: "TVA collectée en attente \(rateText) %",
                    label: label, vatRate: rate)
                let outputLine = EntryLine(
                    account: m.rate.outputAccount, accountLabel: "TVA collectée \(rateText) %", label: label,
                    vatRate: rate)
                var from = pendingLine, to = outputLine
                if m.amount < 0 { (from, to) = (outputLine, pendingLine) }
                from.debit = amount
                to.credit = amount
                lines += [from, to]
            }
            let number = try nextNumber(db, journal: journal.code, label: journal.label)
            let entry = JournalEntry(
                journal: journal.code, journalLabel: journal.label, number: number, date: date,
                pieceReference: state.number, pieceDate: day, validationDate: date, lines: lines)
            let entryID = try insert(entry, invoiceID: nil, now: now, db: db)
            for m in moves {
                try db.execute(
                    sql: """
                        INSERT INTO vat_receipt_move (invoice_id, rate, amount, cause, allocation_id, credit_note_id, entry_id, created_at)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        """,
                    arguments: [
                        state.invoiceID, m.rate.rate, m.amount, cause.rawValue, allocationID, creditNoteID, entryID, now
                    ])
            }
            posted += 1
        }
        return posted
    }

    /// Per pending VAT account, its balance in the entries dated up to `day` against the VAT of the unpaid
    /// part of the issued service invoices as of `day`: the closing check of VAT on receipts.
    public func pendingVATBalances(asOf day: Day) throws -> [PendingVATBalance] {
        try engine.read { db in
            var expected: [String: Int64] = [:]
            for state in try vatReceiptStates(db, invoiceIDs: nil, asOf: day) {
                for r in state.rates {
                    expected[r.pendingAccount, default: 0] += max(0, r.pending - r.credited) - state.target(r)
                }
            }
            let accounts = try db.fetchColumn(
                String.self, sql: "SELECT DISTINCT pending_account FROM vat_pending ORDER BY 1")
            var out: [PendingVATBalance] = []
            for account in accounts {
                let balance =
                    try db.fetchValue(
                        Int64.self,
                        sql: """
                            SELECT COALESCE(SUM(l.credit - l.debit), 0) FROM journal_entry_line l JOIN journal_entry e ON e.id = l.entry_id
                            WHERE l.account = ? AND e.entry_date <= ?
                            """, arguments: [account, day.description]) ?? 0
                out.append(
                    PendingVATBalance(
                        account: account, balance: Money(cents: balance), expected: Money(cents: expected[account] ?? 0)
                    ))
            }
            return out
        }
    }

    /// Posts the VAT on receipts' moves that lag the payments (allocations recorded by a ledger before the
    /// moves existed, or by a path that did not post them), dated `today`; idempotent. Returns the entries posted.
    public func postMissingVATMoves(
        journal: (code: String, label: String), today: Day, actor: String, at date: Date = Date()
    ) throws -> Int {
        try engine.durableWrite { db in
            let now = LedgerDatabase.timestamp(date)
            // Only invoices whose payments or credit notes changed since the last catch-up can lag ("v18 catch-up bounds").
            let bound = try catchUpBound("vat on receipts", db: db)
            let changed = try db.fetchColumn(
                Int64.self,
                sql: """
                    SELECT document_id FROM vat_pending WHERE document_id > ?
                    UNION SELECT invoice_id FROM payment_allocation WHERE id > ?
                    UNION SELECT invoice_id FROM payment_allocation WHERE removed_at IS NOT NULL
                    UNION SELECT credited_invoice_id FROM invoice WHERE id > ? AND credited_invoice_id IS NOT NULL
                    """, arguments: [bound.invoice, bound.allocation, bound.invoice])
            let n =
                changed.isEmpty
                ? 0
                : try settleVATOnReceipts(
                    db, invoiceIDs: changed, cause: .catchUp, on: today, today: today,
                    journal: journal, now: now)
            try advanceCatchUpBound("vat on receipts", db: db)
            if n > 0 {
                try appendAudit(
                    db, at: now, actor: actor, action: "post-missing-entries", invoiceID: nil,
                    AuditParameters(["vat_moves": .of(n)]))
            }
            return n
        }
    }
}
