import Accounting
import BillingModel
import Foundation
import GRDB

/// A bank reference already known with another amount: the file is refused.
public struct PaymentConflict: Error, CustomStringConvertible, Sendable {
    public var reference: String
    /// Where the credit is in its file (`entry 3 at line 41`, `line 2`).
    public var origin: String
    public var amount: Money
    public var other: Money
    public var `where`: String
    public var description: String {
        "\(origin) (\(reference)): \(amount) conflicts with \(other) for the same bank reference in \(`where`); "
            + "nothing of the file imported: a person must check the statement with the bank"
    }
}

/// What the bank entries of payments need from the settings.
public struct BankPosting: Sendable {
    public var bankAccount: String
    public var journal: String
    public var journalLabel: String
    public var customerAccount: String
    public var suspenseAccount: String
    /// Customer code → its auxiliary account and legal name.
    public var customers: [String: SalesPosting.Customer]
    /// The journal of VAT on receipts' moves at each allocation (`OD`).
    public var vatJournal: (code: String, label: String) = ("OD", "Opérations diverses")
    public init(
        bankAccount: String, journal: String, journalLabel: String, customerAccount: String, suspenseAccount: String,
        customers: [String: SalesPosting.Customer]
    ) {
        self.bankAccount = bankAccount
        self.journal = journal
        self.journalLabel = journalLabel
        self.customerAccount = customerAccount
        self.suspenseAccount = suspenseAccount
        self.customers = customers
    }
}

/// One credit of an import, as settled.
public struct ImportedPayment: Sendable, Hashable {
    public var id: Int64?
    public var reference: String
    public var amount: Money
    public var debtor: String
    /// `new` or `duplicate` (already imported: nothing changed).
    public var status: String
    public var rule: String
    public var customer: String?
    public var allocations: [PaymentAllocation]
    public var unallocated: Money { Money(cents: amount.cents - allocations.map(\.amount.cents).reduce(0, +)) }
}

/// A payment as stored, with its live allocations.
public struct StoredPayment: Sendable, Hashable {
    public var id: Int64
    public var reference: String
    public var bookingDate: Day
    public var amount: Money
    public var debtorName: String?
    public var remittance: String
    public var customer: String?
    public var allocations: [PaymentAllocation]
    public var unallocated: Money { Money(cents: amount.cents - allocations.map(\.amount.cents).reduce(0, +)) }
}

extension Schema {
    /// "v12 payments": credits received, their allocation to invoices (never
    /// deleted: an unmatch marks the row removed), the bank entry of each.
    static func registerPayments(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12 payments") { db in
            try db.execute(
                sql: """
                    CREATE TABLE payment (
                      id INTEGER PRIMARY KEY,
                      bank_ref TEXT NOT NULL UNIQUE CHECK (bank_ref <> ''),
                      source_file TEXT NOT NULL,
                      booking_date TEXT NOT NULL,
                      amount INTEGER NOT NULL CHECK (amount > 0),
                      debtor_name TEXT,
                      debtor_iban TEXT,
                      remittance TEXT NOT NULL DEFAULT '',
                      customer TEXT,
                      entry_id INTEGER REFERENCES journal_entry(id),
                      -- The suspense account's transfer to the customer, when matched by a person.
                      transfer_entry_id INTEGER REFERENCES journal_entry(id),
                      imported_at TEXT NOT NULL
                    );
                    CREATE TABLE payment_allocation (
                      id INTEGER PRIMARY KEY,
                      payment_id INTEGER NOT NULL REFERENCES payment(id),
                      invoice_id INTEGER NOT NULL REFERENCES invoice(id),
                      amount INTEGER NOT NULL CHECK (amount > 0),
                      allocated_on TEXT NOT NULL,
                      allocated_at TEXT NOT NULL,
                      allocated_by TEXT NOT NULL,
                      removed_at TEXT,
                      removed_by TEXT
                    );
                    CREATE INDEX payment_allocation_invoice ON payment_allocation(invoice_id);
                    CREATE INDEX payment_allocation_payment ON payment_allocation(payment_id);
                    CREATE TRIGGER payment_no_delete BEFORE DELETE ON payment
                      BEGIN SELECT RAISE(ABORT, 'payments are kept: unmatch them'); END;
                    CREATE TRIGGER payment_allocation_no_delete BEFORE DELETE ON payment_allocation
                      BEGIN SELECT RAISE(ABORT, 'allocations are kept: an unmatch marks them removed'); END;
                    CREATE TRIGGER payment_allocation_only_removed BEFORE UPDATE ON payment_allocation
                      WHEN OLD.removed_at IS NOT NULL OR NEW.amount <> OLD.amount OR NEW.invoice_id <> OLD.invoice_id
                        OR NEW.payment_id <> OLD.payment_id
                      BEGIN SELECT RAISE(ABORT, 'an allocation is only ever marked removed, once'); END;
                    CREATE TRIGGER payment_allocation_issued_invoice BEFORE INSERT ON payment_allocation
                      WHEN (SELECT status <> 'issued' OR type <> 'invoice' FROM invoice WHERE id = NEW.invoice_id)
                      BEGIN SELECT RAISE(ABORT, 'payments are allocated to issued invoices only'); END;
                    """)
        }
    }
}

extension LedgerDatabase {
    /// Issued invoices with their credit notes and payments as of `day` (nil: all), in due-date order.
    public func openInvoices(asOf day: Day? = nil, includePaid: Bool = false) throws -> [OpenInvoice] {
        try engine.read { db in try openInvoices(db, asOf: day, includePaid: includePaid) }
    }

    /// What each of `invoiceIDs` (issued invoices; others are left out) was credited and paid as of `day`
    /// (nil: all), paid ones included: a list page's payment states, read for that page only.
    public func paymentStates(invoiceIDs: [Int64], asOf day: Day? = nil) throws -> [Int64: OpenInvoice] {
        guard !invoiceIDs.isEmpty else { return [:] }
        return try engine.read { db in
            Dictionary(
                try openInvoices(db, asOf: day, includePaid: true, ids: invoiceIDs).map { ($0.id, $0) },
                uniquingKeysWith: { a, _ in a })
        }
    }

    func openInvoices(_ db: any SQLSession, asOf day: Day?, includePaid: Bool, ids: [Int64]? = nil) throws
        -> [OpenInvoice]
    {
        let d = day?.description ?? "9999-12-31"
        // In the statement's order: the credited and paid sums as of `d`, the candidates' two dates, the issue date.
        var arguments: [any SQLArgument] = [d, d]
        var only = ""
        var from = "invoice i"
        if let ids {
            only = " AND i.id IN (\(db.integersOfJSONArgument))"
        } else if !includePaid {
            // Open as of `day`: open now ("v23 open invoices"), or settled since by a payment or a credit note dated
            // after it. Not every invoice ever issued, nearly all of them paid.
            from = """
                (SELECT invoice_id AS id FROM open_invoice
                 UNION SELECT invoice_id FROM payment_allocation WHERE allocated_on > ?
                 UNION SELECT credited_invoice_id FROM invoice WHERE type = 'credit_note' AND status = 'issued'
                   AND issue_date > ? AND credited_invoice_id IS NOT NULL) k JOIN invoice i ON i.id = k.id
                """
            arguments += [d, d]
        }
        arguments.append(d)
        if let ids { arguments.append(LedgerDatabase.jsonArray(ids)) }
        let rows = try db.fetchAll(
            sql: """
                SELECT i.id, i.number, i.client, i.payer, i.issue_date, i.due_date, i.total_ttc,
                  COALESCE((SELECT SUM(c.total_ttc) FROM invoice c WHERE c.credited_invoice_id = i.id AND c.status = 'issued'
                              AND c.type = 'credit_note' AND c.issue_date <= ?), 0) AS credited,
                  COALESCE((SELECT SUM(a.amount) FROM payment_allocation a JOIN payment p ON p.id = a.payment_id
                              WHERE a.invoice_id = i.id AND a.allocated_on <= ? AND a.removed_at IS NULL), 0) AS paid
                FROM \(from) WHERE i.status = 'issued' AND i.type = 'invoice' AND i.issue_date <= ?\(only)
                ORDER BY i.due_date, i.id
                """, arguments: arguments)
        return try rows.compactMap { r -> OpenInvoice? in
            let name: String = try r["number"]
            let issue = try StoredValue.day(try r["issue_date"], "issue date", of: name),
                due = try StoredValue.day(try r["due_date"], "due date", of: name)
            let o = OpenInvoice(
                id: try r["id"], number: name, client: try r["client"], payer: try r["payer"], issueDate: issue,
                dueDate: due, totalTTC: Money(cents: try r["total_ttc"]), credited: Money(cents: try r["credited"]),
                paid: Money(cents: try r["paid"]))
            return includePaid || o.balance.cents > 0 ? o : nil
        }
    }

    /// Imports the credits of one file in one transaction: a credit whose
    /// reference is already in the ledger is a duplicate (nothing changes);
    /// each new one is matched, allocated and posted to the bank journal.
    public func importPayments(
        _ credits: [BankCredit], file: String, customers: [String: String], posting: BankPosting,
        actor: String, today: Day, at date: Date = Date()
    ) throws -> [ImportedPayment] {
        try engine.durableWrite { db in
            let now = LedgerDatabase.timestamp(date)
            var open = try openInvoices(db, asOf: nil, includePaid: false)
            let positions = PaymentMatcher.positions(open), keys = PaymentMatcher.numberKeys(open)
            var out: [ImportedPayment] = []
            var seen: [String: (origin: String, amount: Money)] = [:]
            // The references of the file already in the ledger, in one query (one a credit was a round trip each).
            // The closed months, read once for the entries' dates (they do not change inside this transaction).
            let closedMonths = Set(try db.fetchColumn(String.self, sql: "SELECT month FROM closed_month"))
            var storedByReference: [String: (amount: Int64, source: String?)] = [:]
            try db.forEach(
                sql:
                    "SELECT bank_ref, amount, source_file FROM payment WHERE bank_ref IN (\(db.stringsOfJSONArgument))",
                arguments: [LedgerDatabase.jsonArray(Array(Set(credits.map(\.reference))).sorted())]
            ) { r in storedByReference[try r[0]] = (try r[1], try r[2]) }
            for (n, credit) in credits.enumerated() {
                let debtor = credit.debtorName ?? "?"
                // The same reference is the same payment: again with the same amount it is a duplicate;
                // with another amount it is a conflict, and the whole file is refused (nothing is lost silently).
                if let first = seen[credit.reference], first.amount != credit.amount {
                    throw PaymentConflict(
                        reference: credit.reference, origin: credit.origin ?? "credit \(n + 1)", amount: credit.amount,
                        other: first.amount, where: "\(first.origin) of the same file")
                }
                let stored = storedByReference[credit.reference]
                if let stored, Money(cents: stored.amount) != credit.amount {
                    throw PaymentConflict(
                        reference: credit.reference, origin: credit.origin ?? "credit \(n + 1)", amount: credit.amount,
                        other: Money(cents: stored.amount),
                        where: "the ledger (imported from \(stored.source ?? "?"))")
                }
                let known = stored != nil
                if seen[credit.reference] != nil || known {
                    out.append(
                        ImportedPayment(
                            id: nil, reference: credit.reference, amount: credit.amount, debtor: debtor,
                            status: "duplicate", rule: "", customer: nil, allocations: []))
                    continue
                }
                seen[credit.reference] = (credit.origin ?? "credit \(n + 1)", credit.amount)
                let m = PaymentMatcher.match(
                    credit, open: open, customers: customers, positions: positions, numberKeys: keys)
                guard
                    let paymentID = try db.fetchValue(
                        Int64.self,
                        sql: """
                            INSERT INTO payment (bank_ref, source_file, booking_date, amount, debtor_name, debtor_iban, remittance, customer, imported_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id
                            """,
                        arguments: [
                            credit.reference, file, credit.bookingDate.description, credit.amount.cents,
                            credit.debtorName, credit.debtorIBAN, credit.remittance, m.customer, now
                        ])
                else { throw LedgerError.internalInconsistency("a payment was stored without an id") }
                for a in m.allocations {
                    let allocationID = try insertAllocation(
                        db, paymentID: paymentID, a, on: credit.bookingDate, now: now, actor: actor)
                    try settleVATOnReceipts(
                        db, invoiceIDs: [a.invoiceID], cause: .allocation, allocationID: allocationID,
                        on: credit.bookingDate, today: today, journal: posting.vatJournal, now: now,
                        closedMonths: closedMonths)
                    if let i = positions[a.number.uppercased()] {
                        open[i].paid = Money(cents: open[i].paid.cents + a.amount.cents)
                    }
                }
                let entryID = try postBankEntry(
                    db, paymentID: paymentID, credit: credit, customer: m.customer, posting: posting,
                    today: today, now: now, closedMonths: closedMonths)
                try db.execute(sql: "UPDATE payment SET entry_id = ? WHERE id = ?", arguments: [entryID, paymentID])
                out.append(
                    ImportedPayment(
                        id: paymentID, reference: credit.reference, amount: credit.amount, debtor: debtor,
                        status: "new", rule: m.rule, customer: m.customer, allocations: m.allocations))
            }
            let new = out.filter { $0.status == "new" }
            try appendAudit(
                db, at: now, actor: actor, action: "payments import", invoiceID: nil,
                AuditParameters(["file": .text(file), "new": .of(new.count), "already": .of(out.count - new.count)]))
            return out
        }
    }

    /// Stores one allocation; its id.
    func insertAllocation(
        _ db: any SQLSession, paymentID: Int64, _ a: PaymentAllocation, on day: Day, now: String, actor: String
    ) throws -> Int64 {
        guard
            let id = try db.fetchValue(
                Int64.self,
                sql: """
                    INSERT INTO payment_allocation (payment_id, invoice_id, amount, allocated_on, allocated_at, allocated_by)
                    VALUES (?, ?, ?, ?, ?, ?) RETURNING id
                    """, arguments: [paymentID, a.invoiceID, a.amount.cents, day.description, now, actor])
        else { throw LedgerError.internalInconsistency("an allocation was stored without an id") }
        return id
    }

    /// The entry of a payment: the bank debited, the customer (or the
    /// suspense account when it is not known) credited. Dated the booking
    /// day, or `today` when that month is closed.
    func postBankEntry(
        _ db: any SQLSession, paymentID: Int64, credit: BankCredit, customer: String?, posting: BankPosting,
        today: Day, now: String, closedMonths: Set<String>? = nil
    ) throws -> Int64 {
        let closed = try LedgerDatabase.isClosed(Month(credit.bookingDate), db: db, known: closedMonths)
        let date = closed ? today : credit.bookingDate
        let label = String("Règlement \(credit.debtorName ?? credit.reference)".prefix(100))
        let customerLine: EntryLine
        if let customer, let c = posting.customers[customer] {
            customerLine = EntryLine(
                account: posting.customerAccount, accountLabel: "Clients", auxiliaryAccount: c.account,
                auxiliaryLabel: c.name, label: label, credit: credit.amount)
        } else {
            customerLine = EntryLine(
                account: posting.suspenseAccount, accountLabel: "Compte d'attente", label: label, credit: credit.amount)
        }
        let number = try nextNumber(db, journal: posting.journal, label: posting.journalLabel)
        let entry = JournalEntry(
            journal: posting.journal, journalLabel: posting.journalLabel, number: number, date: date,
            pieceReference: String(credit.reference.prefix(35)), pieceDate: credit.bookingDate, validationDate: date,
            lines: [
                EntryLine(account: posting.bankAccount, accountLabel: "Banque", label: label, debit: credit.amount),
                customerLine
            ])
        return try insert(entry, invoiceID: nil, now: now, db: db)
    }

    /// Whether `month` is closed: from `known` (the closed months read once by the caller's transaction), or read.
    static func isClosed(_ month: Month, db: any SQLSession, known: Set<String>?) throws -> Bool {
        if let known { return known.contains(month.description) }
        return try db.fetchValue(
            Bool.self, sql: "SELECT 1 FROM closed_month WHERE month = ?", arguments: [month.description]) ?? false
    }

    /// Takes the next number of `journal` (made at 0 with `label` the first time, as "v15 ledger guards" wants it):
    /// one statement when the journal exists, where there were three.
    func nextNumber(_ db: any SQLSession, journal: String, label: String) throws -> Int {
        let move = "UPDATE journal SET last_number = last_number + 1 WHERE code = ? RETURNING last_number"
        if let number = try db.fetchValue(Int.self, sql: move, arguments: [journal]) { return number }
        try db.execute(sql: "INSERT INTO journal (code, label) VALUES (?, ?)", arguments: [journal, label])
        return try db.fetchValue(Int.self, sql: move, arguments: [journal]) ?? 0
    }

    /// Every payment (or one), with its live allocations.
    public func payments(id: Int64? = nil) throws -> [StoredPayment] {
        try engine.read { db in try payments(db, id: id) }
    }

    func payments(_ db: any SQLSession, id: Int64?) throws -> [StoredPayment] {
        let rows = try db.fetchAll(
            sql: "SELECT * FROM payment \(id == nil ? "" : "WHERE id = ?") ORDER BY booking_date, id",
            arguments: id.map { [$0] } ?? [])
        let allocs = try db.fetchAll(
            sql: """
                SELECT a.payment_id, a.invoice_id, a.amount, i.number FROM payment_allocation a JOIN invoice i ON i.id = a.invoice_id
                WHERE a.removed_at IS NULL \(id == nil ? "" : "AND a.payment_id = ?") ORDER BY a.id
                """, arguments: id.map { [$0] } ?? [])
        var byPayment: [Int64: [PaymentAllocation]] = [:]
        for a in allocs {
            byPayment[try a["payment_id"], default: []].append(
                PaymentAllocation(
                    invoiceID: try a["invoice_id"], number: try a["number"], amount: Money(cents: try a["amount"])))
        }
        return try rows.map { r in
            let id: Int64 = try r["id"]
            let day = try StoredValue.day(try r["booking_date"], "booking date", of: "payment \(id)")
            return StoredPayment(
                id: id, reference: try r["bank_ref"], bookingDate: day, amount: Money(cents: try r["amount"]),
                debtorName: try r["debtor_name"], remittance: try r["remittance"], customer: try r["customer"],
                allocations: byPayment[id] ?? [])
        }
    }

    /// A person settles a payment: allocates what is left of it to the
    /// invoices named, in order, each up to what it still owes. A payment
    /// posted to the suspense account gets a transfer entry to the customer.
    public func matchPayment(
        id: Int64, invoiceIDs: [Int64], posting: BankPosting, actor: String, today: Day,
        at date: Date = Date()
    ) throws -> [PaymentAllocation] {
        try engine.durableWrite { db in
            let now = LedgerDatabase.timestamp(date)
            guard let payment = try payments(db, id: id).first else { throw InvoiceError.noPayment(id) }
            let open = try openInvoices(db, asOf: nil, includePaid: true)
            var remaining = payment.unallocated.cents
            guard remaining > 0 else { throw InvoiceError.paymentFullyAllocated(id) }
            var out: [PaymentAllocation] = []
            var customers: Set<String> = []
            for iid in invoiceIDs {
                guard let inv = open.first(where: { $0.id == iid }) else {
                    throw InvoiceError.notAnIssuedInvoice("\(iid)")
                }
                guard inv.balance.cents > 0 else { throw InvoiceError.owesNothing(number: inv.number) }
                guard remaining > 0 else { break }
                let take = min(remaining, inv.balance.cents)
                let a = PaymentAllocation(
                    invoiceID: iid, number: inv.number, amount: Money(cents: take),
                    stillDue: Money(cents: inv.balance.cents - take))
                let allocationID = try insertAllocation(db, paymentID: id, a, on: today, now: now, actor: actor)
                try settleVATOnReceipts(
                    db, invoiceIDs: [iid], cause: .allocation, allocationID: allocationID, on: today,
                    today: today, journal: posting.vatJournal, now: now)
                remaining -= take
                out.append(a)
                customers.insert(inv.customer)
            }
            if payment.customer == nil, customers.count == 1, let customer = customers.first,
                let c = posting.customers[customer]
            {
                try db.execute(sql: "UPDATE payment SET customer = ? WHERE id = ?", arguments: [customer, id])
                let number = try nextNumber(db, journal: posting.journal, label: posting.journalLabel)
                let label = String("Affectation \(payment.reference) \(c.name)".prefix(100))
                let entry = JournalEntry(
                    journal: posting.journal, journalLabel: posting.journalLabel, number: number, date: today,
                    pieceReference: String(payment.reference.prefix(35)), pieceDate: payment.bookingDate,
                    validationDate: today,
                    lines: [
                        EntryLine(
                            account: posting.suspenseAccount, accountLabel: "Compte d'attente", label: label,
                            debit: payment.amount),
                        EntryLine(
                            account: posting.customerAccount, accountLabel: "Clients", auxiliaryAccount: c.account,
                            auxiliaryLabel: c.name, label: label, credit: payment.amount)
                    ])
                let transfer = try insert(entry, invoiceID: nil, now: now, db: db)
                try db.execute(sql: "UPDATE payment SET transfer_entry_id = ? WHERE id = ?", arguments: [transfer, id])
            }
            try appendAudit(
                db, at: now, actor: actor, action: "payment match", invoiceID: out.first?.invoiceID,
                AuditParameters([
                    "payment": .integer(id), "reference": .text(payment.reference), "amount": .of(payment.amount),
                    "documents": .list(out.map(\.number)), "amounts": .list(out.map { "\($0.amount.cents)" })
                ]))
            return out
        }
    }

    /// Removes a payment's allocations (to the invoices named, or all), kept as removed rows; in the audit log.
    /// The VAT on receipts their payments moved goes back to pending, dated `today` (default: the UTC day of `date`).
    public func unmatchPayment(
        id: Int64, invoiceIDs: [Int64]?, actor: String, posting: BankPosting? = nil, today: Day? = nil,
        at date: Date = Date()
    ) throws -> Int {
        try engine.durableWrite { db in
            let now = LedgerDatabase.timestamp(date)
            guard try db.fetchValue(Bool.self, sql: "SELECT 1 FROM payment WHERE id = ?", arguments: [id]) ?? false
            else {
                throw InvoiceError.noPayment(id)
            }
            var which = "payment_id = ? AND removed_at IS NULL"
            var whichArgs: [any SQLArgument] = [id]
            if let invoiceIDs, !invoiceIDs.isEmpty {
                which += " AND invoice_id IN (\(invoiceIDs.map { _ in "?" }.joined(separator: ",")))"
                whichArgs += invoiceIDs.map { $0 as any SQLArgument }
            }
            let touched = try db.fetchColumn(
                Int64.self,
                sql: "SELECT DISTINCT invoice_id FROM payment_allocation WHERE \(which) ORDER BY invoice_id",
                arguments: whichArgs)
            let n = try db.execute(
                sql: "UPDATE payment_allocation SET removed_at = ?, removed_by = ? WHERE \(which)",
                arguments: [now, actor] + whichArgs)
            try returnVATOnReceipts(db, invoiceIDs: touched, posting: posting, today: today, now: now)
            try appendAudit(
                db, at: now, actor: actor, action: "payment unmatch", invoiceID: invoiceIDs?.first,
                AuditParameters(["payment": .integer(id), "removed": .of(n)]))
            return n
        }
    }

    /// Moves back to pending the VAT on receipts of the invoices whose allocations were just removed.
    func returnVATOnReceipts(
        _ db: any SQLSession, invoiceIDs: [Int64], posting: BankPosting?, today: Day?, now: String
    ) throws {
        guard !invoiceIDs.isEmpty else { return }
        let day = today ?? Day(iso: String(now.prefix(10))) ?? Day(ordinal: 0)
        try settleVATOnReceipts(
            db, invoiceIDs: invoiceIDs, cause: .removal, on: day, today: day,
            journal: posting?.vatJournal ?? ("OD", "Opérations diverses"), now: now)
    }

    /// The lettering of entry lines for the FEC. Invoices and the payments
    /// allocated to them form groups (an invoice paid by two payments, a
    /// payment for two invoices: one group); a group is lettered when it is
    /// settled exactly: every invoice owes nothing and was not over-credited,
    /// every payment is allocated in full. Then the customer lines of its
    /// invoices' sales entries, of their credit notes' entries and of its
    /// payments' entries (the transfer from the suspense account when there
    /// is one) share one code (`AA`, `AB`, … from the group's first invoice
    /// id), and so balance; `DateLet` is the day of the last allocation.
    /// Key: entry id. With `period`, the sales entries are those dated in it only (a month's FEC letters its own
    /// lines; the groups are still made from the whole ledger's allocations).
    public func lettering(entriesIn period: Period? = nil) throws -> [Int64: (code: String, date: Day)] {
        let invoices = Dictionary(
            uniqueKeysWithValues: try openInvoices(asOf: nil, includePaid: true).map { ($0.id, $0) })
        return try engine.read { db in
            let allocations = try db.fetchAll(
                sql: """
                    SELECT a.payment_id, a.invoice_id, a.allocated_on, p.amount,
                           COALESCE(p.transfer_entry_id, p.entry_id) AS entry_id
                    FROM payment_allocation a JOIN payment p ON p.id = a.payment_id WHERE a.removed_at IS NULL
                    """)
            // Union-find over invoices (id) and payments (-id - 1).
            var parent: [Int64: Int64] = [:]
            func find(_ x: Int64) -> Int64 {
                var r = x
                while let p = parent[r], p != r { r = p }
                parent[x] = r
                return r
            }
            func union(_ a: Int64, _ b: Int64) {
                let (ra, rb) = (find(a), find(b))
                if ra != rb { parent[max(ra, rb)] = min(ra, rb) }
            }
            var allocatedPerPayment: [Int64: Int64] = [:]
            var paymentAmount: [Int64: Int64] = [:]
            var paymentEntry: [Int64: Int64] = [:]
            for r in allocations {
                let pid: Int64 = try r["payment_id"], iid: Int64 = try r["invoice_id"]
                parent[iid] = parent[iid] ?? iid
                parent[-pid - 1] = parent[-pid - 1] ?? (-pid - 1)
                union(iid, -pid - 1)
                paymentAmount[pid] = try r["amount"] as Int64
                paymentEntry[pid] = try r["entry_id"] as Int64?
            }
            let allocatedRows = try db.fetchAll(
                sql: """
                    SELECT payment_id, SUM(amount) AS allocated, MAX(allocated_on) AS last FROM payment_allocation
                    WHERE removed_at IS NULL GROUP BY payment_id
                    """)
            var lastDay: [Int64: String] = [:]
            for r in allocatedRows {
                let pid: Int64 = try r["payment_id"]
                allocatedPerPayment[pid] = try r["allocated"] as Int64
                lastDay[pid] = try r["last"] as String
            }
            var groups: [Int64: [Int64]] = [:]
            for node in parent.keys { groups[find(node), default: []].append(node) }
            // The sales entries of every document that has one, by the invoice they belong to (its own, or the one
            // an issued credit note credits), read at once: one query per invoice was one round trip per settled
            // invoice of the whole history, which made a month's FEC grow with the ledger on PostgreSQL.
            var entriesOfInvoice: [Int64: [Int64]] = [:]
            var inPeriod: [any SQLArgument] = []
            if let period { inPeriod = [period.start.description, period.end.description] }
            try db.forEach(
                sql: """
                    SELECT e.id, i.id AS invoice_id, i.credited_invoice_id,
                           CASE WHEN i.status = 'issued' AND i.type = 'credit_note' THEN 1 ELSE 0 END AS issued_credit
                    FROM journal_entry e JOIN invoice i ON i.id = e.invoice_id
                    \(period == nil ? "" : "WHERE e.entry_date BETWEEN ? AND ?")
                    """, arguments: inPeriod
            ) { r in
                let entry: Int64 = try r[0], invoice: Int64 = try r[1], credited: Int64? = try r[2]
                entriesOfInvoice[invoice, default: []].append(entry)
                if let credited, (try r[3] as Int64) == 1, credited != invoice {
                    entriesOfInvoice[credited, default: []].append(entry)
                }
            }
            var out: [Int64: (code: String, date: Day)] = [:]
            for (_, members) in groups {
                let invoiceIDs = members.filter { $0 >= 0 }.sorted()
                let paymentIDs = members.filter { $0 < 0 }.map { -$0 - 1 }
                let settled =
                    invoiceIDs.allSatisfy { id in
                        guard let inv = invoices[id] else { return false }
                        return inv.totalTTC.cents == inv.credited.cents + inv.paid.cents
                    } && paymentIDs.allSatisfy { allocatedPerPayment[$0] == paymentAmount[$0] }
                guard settled, let first = invoiceIDs.first, let last = paymentIDs.compactMap({ lastDay[$0] }).max()
                else { continue }
                let day = try StoredValue.day(
                    last, "allocation day", of: "the allocations of payment \(paymentIDs.min() ?? 0)")
                let code = Self.letteringCode(first)
                for id in invoiceIDs {
                    for e in entriesOfInvoice[id] ?? [] { out[e] = (code, day) }
                }
                for p in paymentIDs { if let e = paymentEntry[p] { out[e] = (code, day) } }
            }
            return out
        }
    }

    /// `AA`, `AB`, … `ZZ`, `AAA`: a code from a number.
    public static func letteringCode(_ n: Int64) -> String {
        var v = n
        var letters: [Character] = []
        repeat {
            letters.insert(Character(UnicodeScalar(UInt8(65 + Int(v % 26)))), at: 0)
            v /= 26
        } while v > 0
        while letters.count < 2 { letters.insert("A", at: 0) }
        return String(letters)
    }
}
