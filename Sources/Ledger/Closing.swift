import BillingModel
import Foundation
import GRDB

/// An item of `report unbilled` that finance staff looked at and accepted as
/// not billed (a guest meal the contract does not bill, a test ticket…), so
/// that it does not hold the month's closing.
public struct UnbilledAcknowledgement: Sendable, Hashable {
    public var month: String
    /// The item's identity: client, site, category and reason.
    public var itemKey: String
    public var amountTTC: Money
    public var reason: String
    public var actor: String
    public var at: String
}

extension Schema {
    /// "v9 closing": acknowledged unbilled items, and a closed month that
    /// stays closed (no reopening: its row is never changed nor deleted).
    static func registerClosing(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9 closing") { db in
            try db.execute(
                sql: """
                    ALTER TABLE closed_month ADD COLUMN forced_reason TEXT;
                    CREATE TRIGGER closed_month_final_update BEFORE UPDATE ON closed_month
                      BEGIN SELECT RAISE(ABORT, 'a closed month is never reopened'); END;
                    CREATE TRIGGER closed_month_final_delete BEFORE DELETE ON closed_month
                      BEGIN SELECT RAISE(ABORT, 'a closed month is never reopened'); END;
                    CREATE TABLE unbilled_acknowledgement (
                      month TEXT NOT NULL CHECK (length(month) = 7),
                      item_key TEXT NOT NULL CHECK (item_key <> ''),
                      amount_ttc INTEGER NOT NULL,
                      reason TEXT NOT NULL CHECK (reason <> ''),
                      actor TEXT NOT NULL CHECK (actor <> ''),
                      at TEXT NOT NULL,
                      PRIMARY KEY (month, item_key, amount_ttc)
                    ) WITHOUT ROWID;
                    CREATE TRIGGER unbilled_acknowledgement_append_only_update BEFORE UPDATE ON unbilled_acknowledgement
                      BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
                    CREATE TRIGGER unbilled_acknowledgement_append_only_delete BEFORE DELETE ON unbilled_acknowledgement
                      BEGIN SELECT RAISE(ABORT, 'acknowledgements are append-only'); END;
                    """)
        }
    }
}

/// A break in a series' numbering, as the closing finds it (`description`: the CLI's English).
public enum NumberingBreak: Sendable, Equatable, CustomStringConvertible {
    /// The series gave `given` numbers but holds `issued` issued documents.
    case countDiffers(series: String, issued: Int, given: Int)
    /// `number` stands where number `expected` was due.
    case outOfSequence(series: String, number: String, expected: Int)
    /// `number` is dated before the number before it.
    case datedBefore(series: String, number: String, date: String, previous: String, previousDate: String)

    public var description: String {
        switch self {
        case .countDiffers(let series, let issued, let given):
            "series \(series): \(issued) issued documents for \(given) numbers given"
        case .outOfSequence(let series, let number, let expected):
            "series \(series): \(number) where number \(expected) was expected"
        case .datedBefore(let series, let number, let date, let previous, let previousDate):
            "series \(series): \(number) dated \(date), before \(previous) dated \(previousDate)"
        }
    }
}

/// An entry of the month that does not record its document as it should (`description`: the CLI's English).
public enum EntryBreak: Sendable, Equatable, CustomStringConvertible {
    case noEntry(number: String)
    case unbalanced(number: String, by: Money)
    case customerDiffers(number: String, customer: Money, document: Money)
    /// Entries of the month that record no issued document.
    case orphans(count: Int)

    public var description: String {
        switch self {
        case .noEntry(let number): "\(number) has no journal entry"
        case .unbalanced(let number, let by): "the entry of \(number) does not balance (\(by))"
        case .customerDiffers(let number, let customer, let document):
            "the entry of \(number) debits the customer \(customer), the document is \(document) TTC"
        case .orphans(let n): "\(n) entries of the month record no issued document"
        }
    }
}

/// What the closing checks read from the ledger for one month.
public struct MonthFacts: Sendable {
    public var month: Period
    /// Proformas billing days of the month, or dated in it, still waiting.
    public var waitingProformas: [(id: Int64, client: String, period: String)]
    /// Orders delivered in the month that no issued document bills.
    public var ordersNotInvoiced: [(orderID: String, client: String, delivered: Day)]
    /// Per series: numbers out of sequence or dated before an earlier number.
    public var numberingBreaks: [NumberingBreak]
    /// Issued documents dated in the month without their entry, entries that do not balance or differ from their document.
    public var entryBreaks: [EntryBreak]
    /// E-mails of documents issued in the month still pending or failed.
    public var mailsNotSent: [(number: String, status: String)]
    /// The month's documents per series: count, first and last number.
    public var series: [(series: String, count: Int, first: String, last: String)]
    public var acknowledgements: [UnbilledAcknowledgement]
}

extension LedgerDatabase {
    public static func monthCode(_ period: Period) -> String { Month(period.start).description }

    /// Records that unbilled items of a month were looked at and accepted.
    public func acknowledge(
        _ items: [(key: String, amountTTC: Money)], month: Period, reason: String, actor: String,
        at date: Date = Date()
    ) throws -> Int {
        try engine.write { db in
            let now = LedgerDatabase.timestamp(date)
            var added = 0
            for item in items {
                try db.execute(
                    sql: """
                        INSERT INTO unbilled_acknowledgement (month, item_key, amount_ttc, reason, actor, at)
                        VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                        """,
                    arguments: [LedgerDatabase.monthCode(month), item.key, item.amountTTC.cents, reason, actor, now])
                added += db.changesCount
            }
            try appendAudit(
                db, at: now, actor: actor, action: "acknowledge-unbilled", invoiceID: nil,
                AuditParameters([
                    "month": .text(LedgerDatabase.monthCode(month)), "items": .of(added), "reason": .text(reason)
                ]))
            return added
        }
    }

    /// The facts the closing of `month` is checked against.
    public func monthFacts(_ month: Period) throws -> MonthFacts {
        try engine.read { db in
            let start = month.start.description, end = month.end.description
            let waiting = try db.fetchAll(
                sql: """
                    SELECT id, client, period_start, period_end FROM invoice WHERE status = 'proforma'
                      AND ((period_start <= ? AND period_end >= ?) OR issue_date BETWEEN ? AND ?)
                    ORDER BY id
                    """, arguments: [end, start, start, end]
            ).map {
                try (
                    id: $0["id"] as Int64, client: $0["client"] as String,
                    period: "\($0["period_start"] as String)..\($0["period_end"] as String)"
                )
            }
            let orders = try db.fetchAll(
                sql: """
                    SELECT o.order_id, r.client, r.delivered_day FROM event_order o
                    JOIN event_order_revision r ON r.order_id = o.order_id AND r.revision = o.current_revision
                    WHERE r.status = 'delivered' AND r.delivered_day BETWEEN ? AND ?
                      AND NOT EXISTS (SELECT 1 FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                                      WHERE l.order_id = o.order_id AND i.status = 'issued')
                    ORDER BY r.delivered_day, o.order_id
                    """, arguments: [month.start.ordinal, month.end.ordinal]
            ).map {
                try (
                    orderID: $0["order_id"] as String, client: $0["client"] as String,
                    delivered: Day(ordinal: $0["delivered_day"])
                )
            }

            let numberingBreaks = try self.numberingBreaks(db, from: month.start)
            // Entries: one per document issued in the month, balanced, its customer line the document's TTC.
            var entryBreaks: [EntryBreak] = []
            let documents = try db.fetchAll(
                sql: """
                    SELECT i.id, i.number, i.type, i.total_ttc, e.id AS entry_id,
                           (SELECT COALESCE(SUM(debit - credit), 0) FROM journal_entry_line WHERE entry_id = e.id) AS balance,
                           (SELECT COALESCE(SUM(debit - credit), 0) FROM journal_entry_line WHERE entry_id = e.id AND auxiliary_account IS NOT NULL) AS customer
                    FROM invoice i LEFT JOIN journal_entry e ON e.invoice_id = i.id
                    WHERE i.status = 'issued' AND i.issue_date BETWEEN ? AND ? ORDER BY i.number
                    """, arguments: [start, end])
            for d in documents {
                let number: String = try d["number"]
                guard try (d["entry_id"] as Int64?) != nil else {
                    entryBreaks.append(.noEntry(number: number)); continue
                }
                let balance: Int64 = try d["balance"], customer: Int64 = try d["customer"],
                    ttc: Int64 = try d["total_ttc"]
                if balance != 0 { entryBreaks.append(.unbalanced(number: number, by: Money(cents: balance))) }
                let expected = try (d["type"] as String) == "credit_note" ? -ttc : ttc
                if customer != expected {
                    entryBreaks.append(
                        .customerDiffers(
                            number: number, customer: Money(cents: customer), document: Money(cents: expected)))
                }
            }
            let orphans =
                try db.fetchValue(
                    Int.self,
                    sql: Self.orphanEntries, arguments: [start, end]) ?? 0
            if orphans > 0 { entryBreaks.append(.orphans(count: orphans)) }

            let mails = try db.fetchAll(
                sql: """
                    SELECT i.number, o.status FROM outbox o JOIN invoice i ON i.id = o.invoice_id
                    WHERE i.issue_date BETWEEN ? AND ? AND o.status IN ('pending', 'failed') ORDER BY i.number
                    """, arguments: [start, end]
            ).map { try (number: $0["number"] as String, status: $0["status"] as String) }

            let series = try db.fetchAll(
                sql: """
                    SELECT series, COUNT(*) AS n, MIN(number) AS first, MAX(number) AS last FROM invoice
                    WHERE status = 'issued' AND issue_date BETWEEN ? AND ? GROUP BY series ORDER BY series
                    """, arguments: [start, end]
            ).map {
                try (
                    series: $0["series"] as String, count: $0["n"] as Int, first: $0["first"] as String,
                    last: $0["last"] as String
                )
            }
            let acks = try db.fetchAll(
                sql: "SELECT * FROM unbilled_acknowledgement WHERE month = ? ORDER BY at, item_key",
                arguments: [LedgerDatabase.monthCode(month)]
            ).map {
                try UnbilledAcknowledgement(
                    month: $0["month"], itemKey: $0["item_key"], amountTTC: Money(cents: $0["amount_ttc"]),
                    reason: $0["reason"], actor: $0["actor"], at: $0["at"])
            }
            return MonthFacts(
                month: month, waitingProformas: waiting, ordersNotInvoiced: orders, numberingBreaks: numberingBreaks,
                entryBreaks: entryBreaks, mailsNotSent: mails, series: series, acknowledgements: acks)
        }
    }

    /// The numbering breaks the closing of a month starting on `start` finds, per series: the documents dated
    /// from that month on, in number order, each numbered right after the one before and never dated before it,
    /// following the last document dated before the month (the day it was dated on is read again: its first
    /// document's number says how many came before); and the series' counter against that count. Only those
    /// are read (the index of issued documents by series and date): a break before them was the earlier
    /// closings' to find, and `verify` reads every document of every series.
    func numberingBreaks(_ db: any SQLSession, from start: Day) throws -> [NumberingBreak] {
        var breaks: [NumberingBreak] = []
        for code in try db.fetchColumn(String.self, sql: "SELECT code FROM number_series ORDER BY code") {
            let previousDay = try db.fetchValue(
                String.self, sql: Self.numberingPreviousDay, arguments: [code, start.description])
            let rows = try db.fetchAll(
                sql: Self.numberingFrom, arguments: [code, previousDay ?? start.description])
            let last =
                try db.fetchValue(
                    Int.self, sql: "SELECT last_number FROM number_series WHERE code = ?", arguments: [code]) ?? 0
            func digits(_ number: String) -> Int {
                Int(String(number.reversed().prefix { $0.isNumber }.reversed())) ?? -1
            }
            // How many documents came before those read: the first one's number less one (none before the month: 0).
            let before = try previousDay == nil ? 0 : rows.first.map { max(digits(try $0[0]) - 1, 0) } ?? 0
            if before + rows.count != last {
                breaks.append(.countDiffers(series: code, issued: before + rows.count, given: last))
            }
            var previous: (number: String, date: String)?
            for (i, r) in rows.enumerated() {
                let number: String = try r[0], date: String = try r[1]
                if digits(number) != before + i + 1 {
                    breaks.append(.outOfSequence(series: code, number: number, expected: before + i + 1))
                }
                if let p = previous, date < p.date {
                    breaks.append(
                        .datedBefore(series: code, number: number, date: date, previous: p.number, previousDate: p.date)
                    )
                }
                previous = (number, date)
            }
        }
        return breaks
    }

    /// The day of the last issued document of series `?1` dated before `?2`.
    static let numberingPreviousDay = """
        SELECT MAX(issue_date) FROM invoice WHERE series = ? AND status = 'issued' AND issue_date < ?
        """
    /// The issued documents of series `?1` dated from `?2` on, in number order.
    /// The month's entries that record no issued document, no payment and no move of VAT on receipts. Each
    /// payment column is asked on its own, through its index ("v20 payment entry indexes"): one `OR` over both
    /// read every payment ever recorded for each entry of the month, and a closing cost more with each month
    /// behind it.
    static let orphanEntries = """
        SELECT COUNT(*) FROM journal_entry e WHERE e.entry_date BETWEEN ? AND ?
          AND (e.invoice_id IS NULL OR NOT EXISTS (SELECT 1 FROM invoice i WHERE i.id = e.invoice_id AND i.status = 'issued'))
          -- A payment's bank entry (or its transfer from the suspense account) records a payment, not a document.
          AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.entry_id = e.id)
          AND NOT EXISTS (SELECT 1 FROM payment p WHERE p.transfer_entry_id = e.id)
          -- Nor does a move of VAT on receipts at a payment: it records the payment's VAT.
          AND NOT EXISTS (SELECT 1 FROM vat_receipt_move m WHERE m.entry_id = e.id)
        """

    static let numberingFrom = """
        SELECT number, issue_date FROM invoice WHERE series = ? AND status = 'issued' AND issue_date >= ? ORDER BY number
        """

    /// Closes `month` for good: nothing can be issued, dated or posted in it
    /// afterwards. `forcedReason` records a closing despite failed checks.
    /// `numbers` (per series, the first and last numbers issued in the month) and the totals are kept in the audit log.
    public func close(
        month: Period, by actor: String, forcedReason: String?, numbers: [(first: String, last: String, count: Int)],
        totalHT: Money, totalVAT: Money, at date: Date = Date()
    ) throws {
        try engine.durableWrite { db in
            let now = LedgerDatabase.timestamp(date)
            try db.execute(
                sql: "INSERT INTO closed_month (month, closed_at, closed_by, forced_reason) VALUES (?, ?, ?, ?)",
                arguments: [LedgerDatabase.monthCode(month), now, actor, forcedReason])
            try appendAudit(
                db, at: now, actor: actor, action: forcedReason == nil ? "close" : "close-forced", invoiceID: nil,
                AuditParameters([
                    "month": .text(LedgerDatabase.monthCode(month)), "reason": .of(forcedReason),
                    "first": .list(numbers.map(\.first)),
                    "last": .list(numbers.map(\.last)), "counts": .list(numbers.map { "\($0.count)" }),
                    "ht": .of(totalHT), "vat": .of(totalVAT)
                ]))
        }
    }

    /// Per revenue type and VAT rate, the net HT of the documents issued in
    /// `month` (credit notes negative), and per account the entries' debit and credit.
    public func monthTotals(_ month: Period) throws -> (
        lines: [(revenueType: String?, rate: Int64, net: Int64)],
        vat: [(rate: Int64, base: Int64, vat: Int64)],
        accounts: [(account: String, label: String, debit: Int64, credit: Int64)]
    ) {
        try engine.read { db in
            let start = month.start.description, end = month.end.description
            let lines = try db.fetchAll(
                sql: """
                    SELECT l.revenue_type, l.vat_rate, SUM(CASE i.type WHEN 'credit_note' THEN -l.net ELSE l.net END) AS net
                    FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                    WHERE i.status = 'issued' AND i.issue_date BETWEEN ? AND ?
                    GROUP BY l.revenue_type, l.vat_rate ORDER BY l.revenue_type, l.vat_rate
                    """, arguments: [start, end]
            ).map {
                try (revenueType: $0["revenue_type"] as String?, rate: $0["vat_rate"] as Int64, net: $0["net"] as Int64)
            }
            let vat = try db.fetchAll(
                sql: """
                    SELECT v.rate, SUM(CASE i.type WHEN 'credit_note' THEN -v.base ELSE v.base END) AS base,
                           SUM(CASE i.type WHEN 'credit_note' THEN -v.vat ELSE v.vat END) AS vat
                    FROM invoice_vat v JOIN invoice i ON i.id = v.invoice_id
                    WHERE i.status = 'issued' AND i.issue_date BETWEEN ? AND ? GROUP BY v.rate ORDER BY v.rate DESC
                    """, arguments: [start, end]
            ).map { try (rate: $0["rate"] as Int64, base: $0["base"] as Int64, vat: $0["vat"] as Int64) }
            let accounts = try db.fetchAll(
                sql: """
                    SELECT l.account, MIN(l.account_label) AS label, SUM(l.debit) AS debit, SUM(l.credit) AS credit
                    FROM journal_entry_line l JOIN journal_entry e ON e.id = l.entry_id
                    WHERE e.entry_date BETWEEN ? AND ? GROUP BY l.account ORDER BY l.account
                    """, arguments: [start, end]
            ).map {
                try (
                    account: $0["account"] as String, label: $0["label"] as String, debit: $0["debit"] as Int64,
                    credit: $0["credit"] as Int64
                )
            }
            return (lines, vat, accounts)
        }
    }
}
