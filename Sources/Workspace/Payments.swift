import BillingEngine
import BillingModel
import Diagnostics
import Foundation
import Imports
import Ledger
import Settings

/// One file of `ardoise payments import`.
public struct PaymentImport: Sendable {
    public var file: String
    public var payments: [ImportedPayment]

    public var text: String {
        var out = ""
        for p in payments {
            let what: String
            if p.status == "duplicate" {
                what = "already imported"
            } else if p.allocations.isEmpty {
                what = "unmatched\(p.customer.map { " (customer \($0))" } ?? "")"
            } else {
                what =
                    p.allocations.map {
                        "\($0.number) \($0.amount)"
                            + ($0.stillDue.cents > 0 ? " (partial: \($0.stillDue) still due)" : "")
                    }
                    .joined(separator: ", ") + " [\(p.rule)]"
                    + (p.unallocated.cents > 0 ? ", overpaid \(p.unallocated) left on the payment" : "")
            }
            out +=
                "\(p.status == "duplicate" ? "duplicate" : "payment \(p.id ?? 0)")\t\(p.reference)\t\(p.amount)\t\(p.debtor)\t\(what)\n"
        }
        let new = payments.filter { $0.status == "new" }
        let unmatched = new.filter { $0.allocations.isEmpty }
        out +=
            "\(file): \(new.count) new (\(new.count - unmatched.count) matched, \(unmatched.count) unmatched), "
            + "\(payments.count - new.count) already imported\n"
        return out
    }
}

/// The aged balance (`ardoise receivables`).
public struct Receivables: Sendable {
    public static let buckets = ["not yet due", "1-30", "31-60", "61-90", "over 90"]
    public struct Row: Sendable {
        public var client: String
        public var payer: String?
        public var amounts: [Money]
        public var total: Money { amounts.sum() }
    }

    public var asOf: Day
    public var rows: [Row]
    public var invoices: [OpenInvoice]
    public var totals: [Money] { (0..<Self.buckets.count).map { i in rows.map { $0.amounts[i] }.sum() } }
    public var total: Money { totals.sum() }

    /// 0 not yet due, 1 1–30 days late, 2 31–60, 3 61–90, 4 over 90.
    public static func bucket(due: Day, asOf: Day) -> Int {
        let late = asOf.ordinal - due.ordinal
        switch late {
        case ...0: return 0
        case 1...30: return 1
        case 31...60: return 2
        case 61...90: return 3
        default: return 4
        }
    }

    public init(asOf: Day, invoices: [OpenInvoice]) {
        self.asOf = asOf
        self.invoices = invoices
        var byKey: [String: Row] = [:]
        for inv in invoices where inv.balance.cents > 0 {
            let key = inv.client + "\u{1}" + (inv.payer ?? "")
            var row =
                byKey[key]
                ?? Row(
                    client: inv.client, payer: inv.payer, amounts: Array(repeating: .zero, count: Self.buckets.count))
            row.amounts[Self.bucket(due: inv.dueDate, asOf: asOf)] += inv.balance
            byKey[key] = row
        }
        rows = byKey.values.sorted { ($0.client, $0.payer ?? "") < ($1.client, $1.payer ?? "") }
    }

    public var text: String {
        var out = "receivables as of \(asOf)\n"
        out += (["client", "payer"] + Self.buckets + ["total"]).joined(separator: "\t") + "\n"
        for r in rows {
            out +=
                ([r.client, r.payer ?? "-"] + r.amounts.map(\.grouped) + [r.total.grouped]).joined(separator: "\t")
                + "\n"
        }
        out += (["total", ""] + totals.map(\.grouped) + [total.grouped]).joined(separator: "\t") + "\n"
        return out
    }

    public var json: String {
        func amounts(_ a: [Money]) -> String {
            JSON.object(zip(Self.buckets, a).map { ($0.0, JSON.string($0.1.description)) })
        }
        let rowsJSON = rows.map { r in
            JSON.object([
                ("client", JSON.string(r.client)), ("payer", r.payer.map(JSON.string) ?? "null"),
                ("buckets", amounts(r.amounts)), ("total", JSON.string(r.total.description))
            ])
        }
        let invoicesJSON = invoices.filter { $0.balance.cents > 0 }.map { i in
            JSON.object([
                ("number", JSON.string(i.number)), ("client", JSON.string(i.client)),
                ("payer", i.payer.map(JSON.string) ?? "null"),
                ("due_date", JSON.string(i.dueDate.description)), ("total_ttc", JSON.string(i.totalTTC.description)),
                ("credited", JSON.string(i.credited.description)), ("paid", JSON.string(i.paid.description)),
                ("balance", JSON.string(i.balance.description)), ("state", JSON.string(i.state(on: asOf).rawValue))
            ])
        }
        return JSON.object([
            ("as_of", JSON.string(asOf.description)), ("rows", JSON.array(rowsJSON)),
            ("totals", amounts(totals)), ("total", JSON.string(total.description)),
            ("invoices", JSON.array(invoicesJSON))
        ]) + "\n"
    }
}

extension MasterData {
    /// The bank journal and accounts of payments.
    public var bankPosting: BankPosting {
        var posting = BankPosting(
            bankAccount: accounting.bankAccount, journal: accounting.bankJournalCode,
            journalLabel: accounting.bankJournalLabel, customerAccount: accounting.customerAccount,
            suspenseAccount: accounting.suspenseAccount, customers: salesPosting.customers)
        posting.vatJournal = (accounting.vatJournalCode, accounting.vatJournalLabel)
        return posting
    }

    /// Normalized legal name → customer code (clients and payers): how a debtor is recognised. A name two
    /// customers share once normalized (`Kairos SAS`, `Kairos SARL`) maps to "" and recognises nobody.
    public var customersByName: [String: String] {
        var out: [String: String] = [:]
        func add(_ name: String, _ code: String) {
            let key = PaymentMatcher.normalizedName(name)
            if let known = out[key], known != code { out[key] = "" } else { out[key] = code }
        }
        for c in clients {
            add(c.legalName, c.code)
            for p in c.payers { add(p.legalName, p.code) }
        }
        return out
    }
}

extension Installation {
    /// Imports bank statements, each file in one transaction; a file that
    /// cannot be read is refused whole (StatementError) and the next files are still read.
    public func importPayments(files: [String], actor: String, today: Day, at date: Date = Date())
        throws(WorkspaceError)
        -> [(file: String, result: Result<PaymentImport, Error>)]
    {
        let ledger = try self.ledger
        return files.map { file in
            do {
                let credits = try BankStatements.read(file: file)
                let imported = try ledger.importPayments(
                    credits, file: (file as NSString).lastPathComponent, customers: settings.customersByName,
                    posting: settings.bankPosting, actor: actor, today: today, at: date)
                return (file, .success(PaymentImport(file: file, payments: imported)))
            } catch {
                return (file, .failure(error))
            }
        }
    }

    public func matchPayment(id: Int64, invoices: [String], actor: String, today: Day) throws -> [PaymentAllocation] {
        let ledger = try self.ledger
        let ids = try invoices.map { text -> Int64 in
            guard let i = try ledger.invoice(idOrNumber: text)?.invoice.id else { throw InvoiceError.noInvoice(text) }
            return i
        }
        return try ledger.matchPayment(
            id: id, invoiceIDs: ids, posting: settings.bankPosting, actor: actor, today: today)
    }

    /// `today`: the day the VAT on receipts of the removed allocations goes back to pending (default: today in UTC).
    public func unmatchPayment(id: Int64, invoices: [String], actor: String, today: Day? = nil) throws -> Int {
        let ledger = try self.ledger
        let ids = try invoices.map { text -> Int64 in
            guard let i = try ledger.invoice(idOrNumber: text)?.invoice.id else { throw InvoiceError.noInvoice(text) }
            return i
        }
        return try ledger.unmatchPayment(
            id: id, invoiceIDs: ids.isEmpty ? nil : ids, actor: actor, posting: settings.bankPosting,
            today: today)
    }

    public func receivables(asOf: Day) throws -> Receivables {
        let ledger = try self.ledger
        return Receivables(asOf: asOf, invoices: try ledger.openInvoices(asOf: asOf))
    }
}
