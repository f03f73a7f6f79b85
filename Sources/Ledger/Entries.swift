import Accounting
import BillingModel
import Foundation
import GRDB

/// What posting an issued document needs from the settings: the accounts,
/// the journal, and each billed customer's own account and name.
public struct SalesPosting: Sendable {
    public var accounts: SalesAccounts
    public var journal: String
    public var journalLabel: String
    /// Client or payer code → its receivable account and legal name.
    public var customers: [String: Customer]
    /// The journal of VAT on receipts' moves from the pending to the output VAT accounts (`OD`).
    public var vatJournal: (code: String, label: String) = ("OD", "Opérations diverses")

    public struct Customer: Sendable {
        public var account: String
        public var name: String
        public init(account: String, name: String) {
            self.account = account
            self.name = name
        }
    }

    public init(accounts: SalesAccounts, journal: String, journalLabel: String, customers: [String: Customer]) {
        self.accounts = accounts
        self.journal = journal
        self.journalLabel = journalLabel
        self.customers = customers
    }
}

/// An entry as stored, with its lines.
public struct StoredEntry: Sendable, Hashable {
    public var id: Int64
    public var invoiceID: Int64?
    public var entry: JournalEntry
}

extension Schema {
    /// "v8 journal entries": the sales journal. Each issued document is
    /// posted in the transaction that numbers it (the trigger refuses issuing
    /// a document without its entry), entries are numbered continuously per
    /// journal, append-only, never dated in a closed month, and no line
    /// carries a negative amount or both sides.
    static func registerJournalEntries(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8 journal entries") { db in
            try db.execute(
                sql: """
                    CREATE TABLE journal (
                      code TEXT PRIMARY KEY CHECK (code <> ''),
                      label TEXT NOT NULL,
                      last_number INTEGER NOT NULL DEFAULT 0 CHECK (last_number >= 0)
                    );
                    CREATE TABLE journal_entry (
                      id INTEGER PRIMARY KEY,
                      journal TEXT NOT NULL REFERENCES journal(code),
                      number INTEGER NOT NULL CHECK (number >= 1),
                      entry_date TEXT NOT NULL,
                      piece_ref TEXT NOT NULL CHECK (piece_ref <> ''),
                      piece_date TEXT NOT NULL,
                      validation_date TEXT NOT NULL,
                      invoice_id INTEGER UNIQUE REFERENCES invoice(id),
                      created_at TEXT NOT NULL,
                      UNIQUE (journal, number)
                    );
                    CREATE INDEX journal_entry_date ON journal_entry(entry_date);
                    CREATE TABLE journal_entry_line (
                      entry_id INTEGER NOT NULL REFERENCES journal_entry(id),
                      position INTEGER NOT NULL CHECK (position >= 1),
                      account TEXT NOT NULL CHECK (account <> ''),
                      account_label TEXT NOT NULL,
                      auxiliary_account TEXT,
                      auxiliary_label TEXT,
                      label TEXT NOT NULL CHECK (label <> ''),
                      debit INTEGER NOT NULL CHECK (debit >= 0),
                      credit INTEGER NOT NULL CHECK (credit >= 0),
                      vat_rate INTEGER,
                      CHECK ((debit = 0) <> (credit = 0)),
                      PRIMARY KEY (entry_id, position)
                    ) WITHOUT ROWID;

                    CREATE TRIGGER journal_no_gap BEFORE UPDATE OF last_number ON journal
                      WHEN NEW.last_number <> OLD.last_number + 1
                      BEGIN SELECT RAISE(ABORT, 'a journal''s numbers only move forward by one'); END;
                    CREATE TRIGGER journal_entry_number BEFORE INSERT ON journal_entry
                      WHEN NEW.number <> (SELECT last_number FROM journal WHERE code = NEW.journal)
                      BEGIN SELECT RAISE(ABORT, 'an entry takes its journal''s next number'); END;
                    CREATE TRIGGER journal_entry_closed_month BEFORE INSERT ON journal_entry
                      WHEN EXISTS (SELECT 1 FROM closed_month WHERE month = substr(NEW.entry_date, 1, 7))
                      BEGIN SELECT RAISE(ABORT, 'the month of the entry date is closed: nothing is posted in it'); END;
                    CREATE TRIGGER journal_entry_append_only_update BEFORE UPDATE ON journal_entry
                      BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: post a reversing entry'); END;
                    CREATE TRIGGER journal_entry_append_only_delete BEFORE DELETE ON journal_entry
                      BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: post a reversing entry'); END;
                    CREATE TRIGGER journal_entry_line_frozen_insert BEFORE INSERT ON journal_entry_line
                      WHEN EXISTS (SELECT 1 FROM journal_entry_line WHERE entry_id = NEW.entry_id)
                       AND (SELECT MAX(position) FROM journal_entry_line WHERE entry_id = NEW.entry_id) <> NEW.position - 1
                      BEGIN SELECT RAISE(ABORT, 'entry lines are written in order, once'); END;
                    CREATE TRIGGER journal_entry_line_append_only_update BEFORE UPDATE ON journal_entry_line
                      BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: post a reversing entry'); END;
                    CREATE TRIGGER journal_entry_line_append_only_delete BEFORE DELETE ON journal_entry_line
                      BEGIN SELECT RAISE(ABORT, 'journal entries are append-only: post a reversing entry'); END;

                    -- A document is issued with its entry, in one transaction.
                    CREATE TRIGGER invoice_issued_with_entry BEFORE UPDATE OF status ON invoice
                      WHEN NEW.status = 'issued' AND NOT EXISTS (SELECT 1 FROM journal_entry WHERE invoice_id = NEW.id)
                      BEGIN SELECT RAISE(ABORT, 'a document is issued with its journal entry'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// Posts the sales entry of document `invoice`, numbered `number`, issued on `day`:
    /// called inside the issuing transaction, before the status changes.
    func postSalesEntry(
        _ invoice: Invoice, number: String, on day: Day, posting: SalesPosting, now: String, db: any SQLSession
    ) throws {
        guard let id = invoice.id else {
            throw LedgerError.internalInconsistency("a document without id cannot be posted")
        }
        let customerCode = invoice.billedCustomer
        // A proforma being issued is named by its id: the number it would have had is never given.
        let name = invoice.status == .issued ? number : "proforma \(id) of \(invoice.client)"
        guard let customer = posting.customers[customerCode] else {
            throw InvoiceError.noReceivableAccount(
                document: invoice.status == .issued ? number : nil, proforma: id, client: invoice.client,
                customer: customerCode)
        }
        var posting = posting
        // A credit note takes VAT off the pending accounts only when its invoice put some there (VAT on receipts
        // began after it was issued otherwise), so that nothing pending ever goes below zero.
        if invoice.type == .creditNote,
            !(try invoice.creditedInvoiceId.map { try putVATPending(db, invoiceID: $0) } ?? false)
        {
            posting.accounts.pendingVAT = [:]
        }
        let lines = try db.fetchRecords(
            InvoiceLine.self, sql: "SELECT * FROM invoice_line WHERE invoice_id = ? ORDER BY position", arguments: [id])
        let vat = try db.fetchRecords(
            InvoiceVAT.self, sql: "SELECT * FROM invoice_vat WHERE invoice_id = ? ORDER BY rate", arguments: [id])
        let document = IssuedDocument(
            kind: invoice.type, number: number, issueDate: day,
            customerAccount: customer.account, customerName: customer.name,
            lines: lines.map { (revenueType: $0.revenueType, rate: $0.rate, net: $0.netAmount) },
            vat: vat.map {
                (rate: VATRate(tenThousandths: $0.rate), base: Money(cents: $0.base), vat: Money(cents: $0.vat))
            },
            totalTTC: Money(cents: invoice.totalTtc))
        let next = try nextNumber(db, journal: posting.journal, label: posting.journalLabel)
        let entry: JournalEntry
        do {
            entry = try SalesEntry.make(
                document, accounts: posting.accounts, journal: posting.journal,
                journalLabel: posting.journalLabel, number: next)
        } catch {
            switch error {
            case .noVATAccount(let rate, _):
                throw InvoiceError.cannotPost(document: name, problem: .noVATAccount(rate: rate))
            case .unbalanced(_, let debit, let credit):
                throw InvoiceError.cannotPost(document: name, problem: .unbalanced(debit: debit, credit: credit))
            case .noPendingVATAccount(let rate, _):
                throw InvoiceError.cannotPost(document: name, problem: .noPendingVATAccount(rate: rate))
            }
        }
        try insert(entry, invoiceID: id, now: now, db: db)
        try recordPendingVAT(db, documentID: id, document: document, accounts: posting.accounts)
    }

    /// Writes a journal entry, its lines and its link in the entries' chain; its id.
    @discardableResult
    func insert(_ entry: JournalEntry, invoiceID: Int64?, now: String, db: any SQLSession) throws -> Int64 {
        guard
            let entryID = try db.fetchValue(
                Int64.self,
                sql: """
                    INSERT INTO journal_entry (journal, number, entry_date, piece_ref, piece_date, validation_date, invoice_id, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                    """,
                arguments: [
                    entry.journal, entry.number, entry.date.description, entry.pieceReference,
                    entry.pieceDate.description,
                    entry.validationDate.description, invoiceID, now
                ])
        else {
            throw LedgerError.internalInconsistency("a journal entry was stored without an id")
        }
        let lines = entry.lines.enumerated().map { i, l in
            LedgerGuards.StoredEntryLine(
                position: Int64(i + 1), account: l.account, accountLabel: l.accountLabel,
                auxiliaryAccount: l.auxiliaryAccount, auxiliaryLabel: l.auxiliaryLabel, label: l.label,
                debit: l.debit.cents, credit: l.credit.cents, vatRate: l.vatRate?.tenThousandths)
        }
        // The lines in one statement on PostgreSQL, and there the chain's link hashed from the values just written
        // (the text `LedgerGuards.entryContent` reads back): three round trips fewer an entry. PostgreSQL stores a
        // text as given or refuses it (a NUL character); SQLite stores a text up to its first NUL, so there the
        // link is hashed from what was stored, read back, as `verify` will read it.
        try db.insertRows(
            into: "journal_entry_line",
            columns: [
                "entry_id", "position", "account", "account_label", "auxiliary_account", "auxiliary_label", "label",
                "debit", "credit", "vat_rate"
            ],
            lines.map { l in
                let values: [any SQLArgument] = [
                    entryID, l.position, l.account, l.accountLabel, l.auxiliaryAccount, l.auxiliaryLabel, l.label,
                    l.debit, l.credit, l.vatRate
                ]
                return values.map(\.sqlValue)
            })
        let content: String?
        if db.kind == .postgres {
            content = LedgerGuards.entryContent(
                id: entryID, journal: entry.journal, number: Int64(entry.number), date: entry.date.description,
                piece: entry.pieceReference, pieceDate: entry.pieceDate.description,
                validationDate: entry.validationDate.description, invoice: invoiceID, createdAt: now, lines: lines)
        } else {
            content = try LedgerGuards.entryContent(db, id: entryID)
        }
        guard let content else {
            throw LedgerError.internalInconsistency("journal entry \(entryID) was not found once written")
        }
        try LedgerGuards.link("entries", rowID: entryID, content: content, db: db)
        return entryID
    }

    /// Posts the entries of issued documents that have none (a ledger whose
    /// documents were issued before entries existed), in number order within
    /// each series, dated their issue date; returns how many. Idempotent.
    /// Reads the documents after its bound ("v18 catch-up bounds"): those before were looked at, and any
    /// issued since has its entry.
    public func postMissingEntries(posting: SalesPosting, actor: String, at date: Date = Date()) throws -> Int {
        try engine.durableWrite { db in
            let through = try catchUpBound("entries", db: db).invoice
            let missing = try db.fetchRecords(
                Invoice.self,
                sql: """
                    SELECT * FROM invoice WHERE id > ? AND status = 'issued'
                      AND NOT EXISTS (SELECT 1 FROM journal_entry WHERE invoice_id = invoice.id)
                    ORDER BY issue_date, issued_at, id
                    """, arguments: [through])
            let now = LedgerDatabase.timestamp(date)
            for invoice in missing {
                guard let number = invoice.number else {
                    throw LedgerError.internalInconsistency("issued document \(invoice.id ?? 0) has no number")
                }
                try postSalesEntry(
                    invoice, number: number, on: invoice.issueDate, posting: posting, now: now, db: db)
            }
            if !missing.isEmpty {
                try appendAudit(
                    db, at: now, actor: actor, action: "post-missing-entries", invoiceID: nil,
                    AuditParameters(["documents": .of(missing.count)]))
            }
            try advanceCatchUpBound("entries", db: db)
            return missing.count
        }
    }

    /// The entries dated within `period` (all journals), in journal and number order.
    public func entries(in period: Period? = nil) throws -> [StoredEntry] {
        try engine.read { db in
            var sql = "SELECT e.*, j.label AS journal_label FROM journal_entry e JOIN journal j ON j.code = e.journal"
            var arguments: [any SQLArgument] = []
            if let period {
                sql += " WHERE e.entry_date BETWEEN ? AND ?"
                arguments = [period.start.description, period.end.description]
            }
            sql += " ORDER BY e.journal, e.number"
            let rows = try db.fetchAll(sql: sql, arguments: arguments)
            var linesByEntry: [Int64: [EntryLine]] = [:]
            let lineRows = try db.fetchAll(
                sql: """
                    SELECT l.* FROM journal_entry_line l JOIN journal_entry e ON e.id = l.entry_id
                    \(period == nil ? "" : "WHERE e.entry_date BETWEEN ? AND ?") ORDER BY l.entry_id, l.position
                    """, arguments: arguments)
            for r in lineRows {
                let rate: Int64? = try r["vat_rate"]
                try linesByEntry[r["entry_id"], default: []].append(
                    EntryLine(
                        account: r["account"], accountLabel: r["account_label"],
                        auxiliaryAccount: r["auxiliary_account"],
                        auxiliaryLabel: r["auxiliary_label"], label: r["label"], debit: Money(cents: r["debit"]),
                        credit: Money(cents: r["credit"]), vatRate: rate.map { VATRate(tenThousandths: $0) }))
            }
            return try rows.map { r -> StoredEntry in
                let id: Int64 = try r["id"]
                let name = "journal entry \(try r["journal"] as String) \(try r["number"] as Int64)"
                let date = try StoredValue.day(try r["entry_date"], "entry date", of: name)
                let piece = try StoredValue.day(try r["piece_date"], "piece date", of: name)
                let valid = try StoredValue.day(try r["validation_date"], "validation date", of: name)
                return try StoredEntry(
                    id: id, invoiceID: r["invoice_id"],
                    entry: JournalEntry(
                        journal: r["journal"], journalLabel: r["journal_label"], number: r["number"], date: date,
                        pieceReference: r["piece_ref"], pieceDate: piece, validationDate: valid,
                        lines: linesByEntry[id] ?? []))
            }
        }
    }
}
