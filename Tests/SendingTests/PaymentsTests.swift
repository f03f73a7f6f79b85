import Accounting
import BillingModel
import Demo
import Foundation
import GRDB
import Logging
@testable import Ledger
import Settings
import Testing
import TestSupport
import Workspace

/// A billed month whose proformas are all validated, so every client has issued invoices.
struct IssuedMonth {
    let m: BilledMonth
    var ledger: LedgerDatabase { m.ledger }
    var workspace: Installation { m.workspace }

    init(smtpPort: Int? = nil) throws {
        m = try BilledMonth(smtpPort: smtpPort)
        let ids = try m.ledger.invoices(status: .proforma).compactMap(\.id)
        _ = try m.engine.validate(ids: ids, on: BilledMonth.issueDay, now: BilledMonth.t0)
    }

    var names: [String: String] {
        var out: [String: String] = [:]
        for c in workspace.settings.clients {
            out[c.code] = c.legalName
            for p in c.payers { out[p.code] = p.legalName }
        }
        return out
    }

    func write(_ text: String, _ name: String) throws -> String {
        let url = m.folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    func statement(_ credits: [BankCredit], name: String = "releve.xml") throws -> String {
        try write(
            Camt053Writer.xml(
                messageID: "STMT1", created: Day(iso: "2026-11-20") ?? BilledMonth.issueDay,
                account: workspace.settings.seller.iban, opening: Money(cents: 1_000_00), credits: credits), name)
    }

    func importFiles(_ files: [String], today: String = "2026-11-20") throws -> [PaymentImport] {
        try workspace.importPayments(files: files, actor: "test", today: Day(iso: today) ?? BilledMonth.issueDay)
            .map { try $0.result.get() }
    }

    /// The open balance of the ledger, summed in SQL apart from the Swift code.
    func openBalanceInSQL(asOf day: Day) throws -> Int64 {
        try ledger.engine.read { db in
            try db.fetchValue(
                Int64.self,
                sql: """
                    SELECT COALESCE(SUM(\(db.sql(sqlite: "MAX", postgres: "GREATEST"))(0, i.total_ttc
                      - COALESCE((SELECT SUM(c.total_ttc) FROM invoice c WHERE c.credited_invoice_id = i.id AND c.status = 'issued' AND c.issue_date <= ?1), 0)
                      - COALESCE((SELECT SUM(a.amount) FROM payment_allocation a WHERE a.invoice_id = i.id AND a.removed_at IS NULL AND a.allocated_on <= ?1), 0))), 0)
                    FROM invoice i WHERE i.status = 'issued' AND i.type = 'invoice' AND i.issue_date <= ?1
                    """, arguments: [day.description]) ?? -1
        }
    }
}

@Suite struct PaymentMatcherTests {
    static let day = Day(iso: "2026-11-30") ?? Day(ordinal: 0)
    static func invoice(_ id: Int64, _ number: String, _ customer: String, _ cents: Int64) -> OpenInvoice {
        OpenInvoice(
            id: id, number: number, client: customer, payer: nil, issueDate: day, dueDate: day,
            totalTTC: Money(cents: cents),
            credited: .zero, paid: .zero)
    }
    static let open = [
        invoice(1, "FA-2026-000011", "ACME", 100_00), invoice(2, "FA-2026-000012", "ACME", 50_00),
        invoice(3, "FA-2026-000013", "BETA", 70_00), invoice(4, "FA-2026-000014", "BETA", 30_00)
    ]
    static let customers = [
        PaymentMatcher.normalizedName("Acme Industries SA"): "ACME", PaymentMatcher.normalizedName("Beta SAS"): "BETA"
    ]

    func credit(_ cents: Int64, _ remittance: String, _ debtor: String? = nil) -> BankCredit {
        BankCredit(
            reference: "R", bookingDate: Self.day, amount: Money(cents: cents), debtorName: debtor, debtorIBAN: nil,
            remittance: remittance)
    }

    @Test func numbersAreTakenInTheOrderWrittenEvenSplitBySpaces() {
        let m = PaymentMatcher.match(
            credit(120_00, "Factures FA-2026-000012, FA-2026-000011"), open: Self.open, customers: Self.customers)
        #expect(m.allocations.map(\.number) == ["FA-2026-000012", "FA-2026-000011"])
        #expect(m.allocations.map(\.amount) == [Money(cents: 50_00), Money(cents: 70_00)])
        #expect(m.allocations.last?.stillDue == Money(cents: 30_00))
        let spaced = PaymentMatcher.match(
            credit(70_00, "VIR FA-2026- 000013"), open: Self.open, customers: Self.customers)
        #expect(spaced.allocations.map(\.number) == ["FA-2026-000013"] && spaced.customer == "BETA")
    }

    @Test func withoutNumberTheDebtorAndTheExactAmountDecide() {
        #expect(
            PaymentMatcher.match(credit(30_00, "merci", "Beta S.A.S."), open: Self.open, customers: Self.customers)
                .allocations.map(\.number) == ["FA-2026-000014"])
        let both = PaymentMatcher.match(
            credit(100_00, "octobre", "BETA SAS"), open: Self.open, customers: Self.customers)
        #expect(
            both.allocations.map(\.number) == ["FA-2026-000013", "FA-2026-000014"] && both.rule == "customer and total")
        let odd = PaymentMatcher.match(credit(99_00, "octobre", "BETA SAS"), open: Self.open, customers: Self.customers)
        #expect(odd.allocations.isEmpty && odd.customer == "BETA" && odd.rule == "unmatched")
        #expect(
            PaymentMatcher.match(credit(30_00, "merci", "Someone"), open: Self.open, customers: Self.customers).customer
                == nil)
    }

    @Test func aNameWrittenWithoutItsLegalFormIsTheSameDebtor() {
        #expect(
            PaymentMatcher.normalizedName("Kairos Logistique SARL")
                == PaymentMatcher.normalizedName("KAIROS-LOGISTIQUE"))
        #expect(
            PaymentMatcher.normalizedName("Kairos Logistique S.A.R.L.")
                == PaymentMatcher.normalizedName("kairos logistique"))
        let m = PaymentMatcher.match(
            credit(50_00, "virement", "ACME INDUSTRIES"), open: Self.open, customers: Self.customers)
        #expect(m.allocations.map(\.number) == ["FA-2026-000012"] && m.rule == "customer and amount")
        // Two customers one name once normalized: nobody is recognised by it.
        #expect(
            PaymentMatcher.match(credit(50_00, "virement", "ACME"), open: Self.open, customers: ["acme": ""])
                .allocations.isEmpty)
    }

    @Test func aNumberWrittenLooselyNamesItsInvoiceWhenTheAmountIsExactlyWhatItOwes() {
        // The issue's case: the dash after the letters missing and one zero dropped, for exactly the invoice's TTC.
        let loose = PaymentMatcher.match(
            credit(70_00, "REGLT FACT FA2026-00013"), open: Self.open, customers: Self.customers)
        #expect(loose.allocations.map(\.number) == ["FA-2026-000013"], "\(loose)")
        #expect(loose.rule == "approximate invoice number (`FA2026-00013` read as FA-2026-000013)")
        #expect(
            PaymentMatcher.match(credit(70_00, "paiement FA 2026 13"), open: Self.open, customers: Self.customers)
                .allocations.map(\.number) == ["FA-2026-000013"])
        // Not the amount it owes: a person decides.
        #expect(
            PaymentMatcher.match(credit(69_00, "REGLT FACT FA2026-00013"), open: Self.open, customers: Self.customers)
                .allocations.isEmpty)
        // Two loosely written numbers: ambiguous, left to a person.
        #expect(
            PaymentMatcher.match(credit(70_00, "FA2026-13 FA2026-14"), open: Self.open, customers: Self.customers)
                .allocations.isEmpty)
        #expect(PaymentMatcher.numberKey("FA-2026-000061") == PaymentMatcher.numberKey("fa2026/61"))
        #expect(PaymentMatcher.numberKey("merci") == nil)
    }
}

@Suite(.serialized) struct PaymentImportTests {
    @Test func aStatementSettlesExactPartialGroupedAndListsUnmatchedAndDuplicates() throws {
        let t = try IssuedMonth()
        let open = try t.ledger.openInvoices()
        let credits = Camt053Writer.demoCredits(
            invoices: open, names: t.names, bookedOn: Day(iso: "2026-11-20") ?? BilledMonth.issueDay)
        let file = try t.statement(credits)
        let r = try #require(try t.importFiles([file]).first)
        let new = r.payments.filter { $0.status == "new" }
        #expect(r.payments.filter { $0.status == "duplicate" }.count == 1, "the entry delivered twice is imported once")
        #expect(new.contains { $0.rule == "invoice number" && $0.unallocated == .zero })
        #expect(new.contains { $0.rule == "customer and total" && $0.allocations.count == 2 })
        #expect(new.contains { $0.allocations.isEmpty && $0.debtor == "SCI DES TILLEULS" })
        let after = try t.ledger.openInvoices(includePaid: true)
        let first = try #require(open.min { $0.number < $1.number })
        #expect(after.first { $0.id == first.id }?.state(on: Day(iso: "2026-11-20") ?? first.dueDate) == .paid)
        #expect(after.contains { $0.state(on: Day(iso: "2026-11-02") ?? first.dueDate) == .partlyPaid })

        // One bank entry per new payment, numbered 1, 2, … in the bank journal, balanced.
        let bank = try t.ledger.entries().map(\.entry).filter { $0.journal == "BQ" }
        #expect(bank.map(\.number) == Array(1...new.count))
        #expect(bank.allSatisfy { $0.isBalanced && $0.lines.first?.account == "512000" })
        #expect(
            bank.contains { $0.lines.last?.account == "471000" }, "the unmatched credit waits on the suspense account")

        // Importing the same statement again changes nothing.
        let again = try #require(try t.importFiles([file]).first)
        #expect(again.payments.allSatisfy { $0.status == "duplicate" })
        #expect(try t.ledger.entries().filter { $0.entry.journal == "BQ" }.count == new.count)
    }

    @Test func aMalformedEntryIsNamedAndNothingOfTheFileIsImported() throws {
        let t = try IssuedMonth()
        let open = try t.ledger.openInvoices()
        let credits = Camt053Writer.demoCredits(
            invoices: open, names: t.names, bookedOn: Day(iso: "2026-11-20") ?? BilledMonth.issueDay)
        let xml = Camt053Writer.xml(
            messageID: "BAD", created: Day(iso: "2026-11-20") ?? BilledMonth.issueDay, account: "FR76",
            opening: .zero, credits: credits)
        // The third entry's amount is broken.
        var parts = xml.components(separatedBy: "<Ntry>")
        parts[3] = parts[3].replacingOccurrences(of: "<Amt Ccy=\"EUR\">", with: "<Amt Ccy=\"EUR\">12x")
        let file = try t.write(parts.joined(separator: "<Ntry>"), "bad.xml")
        let result = try #require(
            try t.workspace.importPayments(
                files: [file], actor: "test",
                today: BilledMonth.issueDay
            ).first?.result)
        guard case .failure(let error) = result else { Issue.record("a malformed file was imported"); return }
        #expect("\(error)".contains("entry 3 (DEMO20261120000003)"), "\(error)")
        #expect(try t.ledger.payments().isEmpty)
        // Not XML at all: the line is named.
        let broken = try t.write("<Document><BkToCstmrStmt><Ntry></BkToCstmrStmt>", "broken.xml")
        let r2 = try #require(
            try t.workspace.importPayments(files: [broken], actor: "test", today: BilledMonth.issueDay).first)
        guard case .failure(let e2) = r2.result else { Issue.record("malformed XML was imported"); return }
        #expect("\(e2)".contains("line 1"))
    }

    @Test func theCSVOfReceivedPaymentsIsReadAndMatchedLikeAStatement() throws {
        let t = try IssuedMonth()
        let inv = try #require(try t.ledger.openInvoices().first)
        let half = Money(cents: inv.balance.cents / 2)
        let csv = """
            reference;date;amount;debtor;iban;remittance
            VIR-1;20/11/2026;\(FEC.amount(half));"Société X; filiale";;Facture \(inv.number)
            VIR-2;2026-11-21;\(half);;;Solde \(inv.number)
            """
        let file = try t.write(csv, "paiements.csv")
        let r = try #require(try t.importFiles([file]).first)
        #expect(r.payments.map(\.status) == ["new", "new"])
        #expect(r.payments.first?.debtor == "Société X; filiale")
        let rest = inv.balance.cents - 2 * half.cents
        #expect(try t.ledger.openInvoices(includePaid: true).first { $0.id == inv.id }?.balance == Money(cents: rest))
        #expect(r.text.contains("(partial: \(Money(cents: inv.balance.cents - half.cents)) still due)"), "\(r.text)")
        // An overpayment: the invoice is settled, the rest stays on the payment, listed.
        let other = try #require(try t.ledger.openInvoices().first { $0.id != inv.id })
        let over = try t.write(
            "reference;date;amount;debtor;iban;remittance\nVIR-9;2026-11-22;\(Money(cents: other.balance.cents + 10_00));;;\(other.number)\n",
            "over.csv")
        let o = try #require(try t.importFiles([over]).first)
        #expect(o.payments.first?.unallocated == Money(cents: 10_00))
        #expect(o.text.contains("overpaid 10.00 left on the payment"))
        #expect(try t.ledger.payments().contains { $0.reference == "VIR-9" && $0.unallocated == Money(cents: 10_00) })
        let bad = try t.write("reference;date;amount;debtor;iban;remittance\nVIR-3;2026-13-01;10.00;;;\n", "bad.csv")
        let e = try t.workspace.importPayments(files: [bad], actor: "test", today: BilledMonth.issueDay).first?.result
        guard case .failure(let error)? = e else { Issue.record("a bad date was imported"); return }
        #expect("\(error)".contains("line 2 (VIR-3): invalid date"))
    }

    @Test func aPersonMatchesAndUnmatchesAPaymentInTheAuditLogAndTheFECLettersPaidInvoices() throws {
        let t = try IssuedMonth()
        let open = try t.ledger.openInvoices()
        let inv = try #require(open.first)
        let file = try t.statement([
            BankCredit(
                reference: "R1", bookingDate: Day(iso: "2026-11-20") ?? inv.dueDate, amount: inv.balance,
                debtorName: "Nobody known", debtorIBAN: nil, remittance: "merci")
        ])
        _ = try t.importFiles([file])
        let payment = try #require(try t.ledger.payments().first)
        #expect(payment.allocations.isEmpty)
        let today = Day(iso: "2026-11-21") ?? inv.dueDate
        let allocs = try t.workspace.matchPayment(id: payment.id, invoices: [inv.number], actor: "alice", today: today)
        #expect(allocs.map(\.amount) == [inv.balance])
        #expect(try t.ledger.auditLog().contains { $0.action == "payment match" && $0.actor == "alice" })
        // The transfer from the suspense account to the customer, then the lettering in the FEC.
        let bank = try t.ledger.entries().map(\.entry).filter { $0.journal == "BQ" }
        #expect(bank.count == 2 && bank.allSatisfy(\.isBalanced))
        let fec = try t.workspace.exportEntries(period: Period(start: BilledMonth.issueDay, end: today), format: .fec)
            .text
        let lettered = fec.split(separator: "\r\n").filter {
            $0.split(separator: "\t", omittingEmptySubsequences: false)[13] == "\(LedgerDatabase.letteringCode(inv.id))"
        }
        #expect(lettered.count == 2, "the invoice's customer line and the transfer's customer line")
        #expect(lettered.allSatisfy { $0.split(separator: "\t", omittingEmptySubsequences: false)[14] == "20261121" })

        #expect(try t.workspace.unmatchPayment(id: payment.id, invoices: [], actor: "bob") == 1)
        #expect(try t.ledger.openInvoices().first { $0.id == inv.id }?.balance == inv.balance)
        #expect(try t.ledger.auditLog().contains { $0.action == "payment unmatch" && $0.actor == "bob" })
    }

    @Test func paymentEntriesDoNotBreakTheClosingOfTheirMonth() throws {
        let t = try IssuedMonth()
        let credits = Camt053Writer.demoCredits(
            invoices: try t.ledger.openInvoices(), names: t.names,
            bookedOn: Day(iso: "2026-11-20") ?? BilledMonth.issueDay)
        _ = try t.importFiles([try t.statement(credits)])
        #expect(try t.ledger.entries().contains { $0.entry.journal == "BQ" })
        let november = try #require(Period(parsing: "2026-11"))
        let report = try t.m.engine.closingReport(
            month: november, today: Day(iso: "2026-12-02") ?? BilledMonth.issueDay)
        let entries = try #require(report.checks.first { $0.name == "entries balanced and equal to the documents" })
        #expect(entries.passed, "\(entries.details)")
    }

    @Test func receivablesAgeTheOpenInvoicesAndEqualThemInSQL() throws {
        let t = try IssuedMonth()
        let credits = Camt053Writer.demoCredits(
            invoices: try t.ledger.openInvoices(), names: t.names,
            bookedOn: Day(iso: "2026-11-20") ?? BilledMonth.issueDay)
        _ = try t.importFiles([try t.statement(credits)])
        // A credit note in full makes its invoice paid: nothing left to receive or remind.
        let inv = try #require(try t.ledger.openInvoices().last)
        _ = try t.m.engine.credit(
            invoice: inv.number, reason: "geste commercial", on: Day(iso: "2026-11-25") ?? inv.dueDate)
        #expect(try t.ledger.openInvoices(includePaid: true).first { $0.id == inv.id }?.state(on: inv.dueDate) == .paid)
        #expect(
            try t.workspace.dueReminders(on: Day(ordinal: inv.dueDate.ordinal + 7)).allSatisfy { $0.0.id != inv.id })
        for asOf in ["2026-11-20", "2026-12-31", "2027-01-31", "2027-03-15"] {
            let day = try #require(Day(iso: asOf))
            let r = try t.workspace.receivables(asOf: day)
            #expect(r.total.cents == (try t.openBalanceInSQL(asOf: day)), "as of \(asOf)")
            #expect(r.totals.count == 5)
            #expect(r.json.contains("\"as_of\":\"\(asOf)\"") || r.json.contains("\"as_of\": \"\(asOf)\""))
        }
        #expect(Receivables.bucket(due: inv.dueDate, asOf: inv.dueDate) == 0)
        #expect(Receivables.bucket(due: inv.dueDate, asOf: Day(ordinal: inv.dueDate.ordinal + 30)) == 1)
        #expect(Receivables.bucket(due: inv.dueDate, asOf: Day(ordinal: inv.dueDate.ordinal + 31)) == 2)
        #expect(Receivables.bucket(due: inv.dueDate, asOf: Day(ordinal: inv.dueDate.ordinal + 91)) == 4)
    }

    @Test func theDemoStatementIsValidAgainstTheISO20022Schema() throws {
        guard Tools.pythonHas("lxml") else {
            #expect(!Tools.inCI, "lxml is missing")
            return
        }
        let t = try IssuedMonth()
        let credits = Camt053Writer.demoCredits(
            invoices: try t.ledger.openInvoices(), names: t.names,
            bookedOn: Day(iso: "2026-11-20") ?? BilledMonth.issueDay)
        let file = try t.statement(credits)
        let xsd = Repository.root.appendingPathComponent("Tests/SendingTests/Resources/camt.053.001.02.xsd").path
        let script =
            "import sys; from lxml import etree; s = etree.XMLSchema(etree.parse(sys.argv[1])); d = etree.parse(sys.argv[2]); "
            + "ok = s.validate(d); print('valid' if ok else s.error_log); sys.exit(0 if ok else 1)"
        let r = try Tools.run(Tools.python, ["-c", script, xsd, file])
        #expect(r.status == 0, "\(r.output)")
    }
}

@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 with aiosmtpd (pip install aiosmtpd)"))
struct ReminderTests {
    @Test func theDailyRunsRemindEachStepOnceAcrossMonthEndsAndStopWhenPaidOrPaused() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let t = try IssuedMonth(smtpPort: server.port)
        let smtp = t.m.smtp(port: server.port)
        let open = try t.ledger.openInvoices()
        let paid = try #require(open.first)
        let paused = try #require(open.first { $0.customer != paid.customer })
        try t.ledger.pauseReminders(target: paused.number, reason: "litige en cours", actor: "alice")
        var sentKeys: [String] = []
        var day = try #require(Day(iso: "2026-11-02"))
        let last = try #require(Day(iso: "2027-03-31"))
        while day <= last {
            if day == Day(iso: "2026-12-10") {
                // Paid in full: no reminder after this day.
                let file = try t.statement(
                    [
                        BankCredit(
                            reference: "PAY-\(paid.number)", bookingDate: day, amount: paid.balance,
                            debtorName: nil, debtorIBAN: nil, remittance: paid.number)
                    ], name: "paid.xml")
                _ = try t.importFiles([file], today: day.description)
            }
            let queued = try t.workspace.queueReminders(on: day, at: BilledMonth.t0)
            _ = try t.workspace.sendNotices(smtp: smtp, now: Date(timeIntervalSinceNow: 0))
            sentKeys += queued.map(\.key)
            // Running the same day again queues nothing.
            #expect(try t.workspace.queueReminders(on: day, at: BilledMonth.t0).isEmpty)
            day = Day(ordinal: day.ordinal + 1)
        }
        #expect(Set(sentKeys).count == sentKeys.count, "each step once")
        #expect(!sentKeys.contains { $0.hasPrefix(paused.number + "/") }, "a paused invoice is not reminded")
        #expect(
            !sentKeys.contains {
                $0.hasPrefix(paid.number + "/+") && paid.dueDate.ordinal + 45 > Day(iso: "2026-12-10")?.ordinal ?? 0
                    && $0.hasSuffix("+45")
            })
        let notices = try t.ledger.notices()
        #expect(notices.allSatisfy { $0.status == .sent || $0.status == .cancelled })
        #expect(server.receivedCount == notices.filter { $0.status == .sent }.count)
        // Another invoice of the month got its courtesy notice and the three reminders, across month ends.
        let other = try #require(
            open.first { $0.id != paid.id && $0.id != paused.id && $0.customer != paused.customer })
        #expect(
            Set(notices.filter { $0.invoiceId == other.id }.map(\.key)) == [
                "\(other.number)/-5", "\(other.number)/+7", "\(other.number)/+21", "\(other.number)/+45"
            ])
        // A reminder: French legal mentions, the amount due, the invoice attached.
        var found = false
        for n in 1...server.receivedCount {
            let r = try server.received(n)
            guard (r["subject"] as? String)?.contains("Relance n° 1 : facture n° \(other.number)") == true else {
                continue
            }
            found = true
            let body = r["body"] as? String ?? ""
            #expect(body.contains("\(other.balance.french) € TTC"))
            #expect(body.contains("indemnité forfaitaire pour frais de recouvrement de 40,00 €"))
            #expect(body.contains("pénalités de retard au taux annuel de"))
            let attachments = r["attachments"] as? [[String: Any]] ?? []
            #expect(attachments.first?["filename"] as? String == "\(other.number).pdf")
        }
        #expect(found)
    }

    @Test func penaltiesAreCountedByTheDayOnTheAmountDue() {
        // 1,000.00 at 12.37 % a year, 30 days late: 1000 × 0.1237 × 30 / 365 = 10.167… → 10.17.
        #expect(
            ReminderTexts.penalties(
                balance: Money(cents: 1_000_00), rate: Percentage(tenThousandths: 123_700), daysLate: 30)
                == Money(cents: 10_17))
        #expect(
            ReminderTexts.penalties(
                balance: Money(cents: 1_000_00), rate: Percentage(tenThousandths: 123_700), daysLate: 0) == .zero)
    }

    @Test func theFinanceTeamHearsOfAContractEndingOncePerThreshold() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let t = try IssuedMonth(smtpPort: server.port)
        let rules = t.m.folder.appendingPathComponent("rules/c0001.ard")
        let text = try String(contentsOf: rules, encoding: .utf8)
        try text.replacingOccurrences(of: "valid from 2025-01-01\n", with: "valid from 2025-01-01 until 2026-12-31\n")
            .write(to: rules, atomically: true, encoding: .utf8)
        var settings = t.workspace.settings
        settings.reminders.financeEmail = "finance@serenest.example"
        // A workspace reads its contracts when opened: the changed contract is read by a workspace opened after the change.
        let ws = try Installation.open(configPath: t.workspace.config.file).with(settings: settings)
        var keys: [String: [String]] = [:]
        var day = try #require(Day(iso: "2026-10-20"))
        while day <= Day(iso: "2027-01-10") ?? day {
            let queued = try ws.queueContractEndNotices(on: day, at: BilledMonth.t0)
            if !queued.isEmpty { keys[day.description] = queued }
            _ = try ws.sendNotices(smtp: t.m.smtp(port: server.port))
            day = Day(ordinal: day.ordinal + 1)
        }
        #expect(
            keys == [
                "2026-11-01": ["contract/C0001/contract/2026-12-31/60"],
                "2026-12-01": ["contract/C0001/contract/2026-12-31/30"],
                "2026-12-24": ["contract/C0001/contract/2026-12-31/7"]
            ])
        #expect(server.receivedCount == 3)
        let first = try server.received(1)
        #expect(first["rcpt_tos"] as? [String] == ["finance@serenest.example"])
        #expect((first["subject"] as? String)?.hasPrefix("Fin de contrat : ") == true)
        let report = try ws.contractsEnding(today: Day(iso: "2026-11-20") ?? day, within: 60)
        #expect(report.ending.map(\.client) == ["C0001"])
        #expect(report.uncovered.isEmpty, "every client billed in October has a contract for December")
    }

    @Test func theDailyRunSendsTheRemindersDueThatDayOnceAndSaysSo() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let folder = Repository.temporaryDirectory("ardoise-run-remind")
        _ = try DemoWorkspace.write(to: folder, sites: 2, clients: 8, month: "2026-10", seed: 1)
        try TestEngine.follow(workspace: folder)
        let settings = folder.appendingPathComponent("settings.yaml")
        try
            (try String(contentsOf: settings, encoding: .utf8)
            + "\nsmtp:\n  host: 127.0.0.1\n  port: \(server.port)\n  starttls: false\n  from: factures@serenest.example\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let ws = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        _ = try ws.initLedger(actor: "test")
        let run = ScheduledRun(workspace: ws, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = try run.run(on: BilledMonth.issueDay)
        let invoices = server.receivedCount
        let ledger = try ws.openLedger()
        // Invoices due on receipt (1 November) get their first reminder a week later, by the run of that day.
        let dueOnReceipt = try ledger.openInvoices().filter { $0.dueDate == BilledMonth.issueDay }
        #expect(!dueOnReceipt.isEmpty)
        let day = Day(ordinal: BilledMonth.issueDay.ordinal + 7)
        let week = try run.run(on: day)
        #expect(Set(week.remindersQueued) == Set(dueOnReceipt.map { "\($0.number)/+7" }))
        #expect(week.notices?.sent == dueOnReceipt.count)
        #expect(server.receivedCount == invoices + dueOnReceipt.count)
        let again = try run.run(on: day)
        #expect(again.remindersQueued.isEmpty && again.notices?.sent == 0)
        #expect(server.receivedCount == invoices + dueOnReceipt.count)
    }

    @Test func aReminderBlockedForWantOfAnAddressLeavesOnceTheSettingsHaveOne() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let t = try IssuedMonth(smtpPort: server.port)
        let inv = try #require(try t.ledger.openInvoices().first { $0.payer == nil })
        let s = t.workspace.settings
        let without = MasterData(
            seller: s.seller, numberSeries: s.numberSeries, revenueTypes: s.revenueTypes, sites: s.sites,
            clients: s.clients.map { c in
                var c = c
                if c.code == inv.client { c.emails = [] }
                return c
            }, indexSeries: s.indexSeries, smtp: s.smtp)
        let day = Day(ordinal: inv.dueDate.ordinal + 7)
        _ = try t.workspace.with(settings: without).queueReminders(on: day)
        let blocked = try #require(try t.ledger.notices().first { $0.invoiceId == inv.id })
        #expect(blocked.status == .failed && blocked.lastError?.hasPrefix("blocked") == true)
        let retried = try t.workspace.retryNotices(ids: nil, actor: "alice")
        #expect(retried.contains(try #require(blocked.id)))
        _ = try t.workspace.sendNotices(smtp: t.m.smtp(port: server.port))
        let sent = try #require(try t.ledger.notices().first { $0.id == blocked.id })
        #expect(sent.status == .sent && sent.recipientList == t.workspace.settings.client(inv.client)?.emails)
        #expect(throws: (any Error).self) { try t.workspace.retryNotices(ids: [try #require(sent.id)], actor: "alice") }
        #expect(try t.ledger.auditLog().contains { $0.action == "notice retry" && $0.actor == "alice" })
    }

    @Test func aReminderQueuedThenPaidBeforeItLeavesIsCancelledNotSent() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let t = try IssuedMonth(smtpPort: server.port)
        let inv = try #require(try t.ledger.openInvoices().first)
        let day = Day(ordinal: inv.dueDate.ordinal + 7)
        let queued = try t.workspace.queueReminders(on: day)
        #expect(queued.contains { $0.key == "\(inv.number)/+7" })
        let file = try t.statement([
            BankCredit(
                reference: "LATE", bookingDate: day, amount: inv.balance, debtorName: nil, debtorIBAN: nil,
                remittance: inv.number)
        ])
        _ = try t.importFiles([file], today: day.description)
        let r = try t.workspace.sendNotices(smtp: t.m.smtp(port: server.port))
        #expect(r.cancelled >= 1)
        let notice = try #require(try t.ledger.notices().first { $0.key == "\(inv.number)/+7" })
        #expect(notice.status == .cancelled && notice.lastError == "paid or credited")
        #expect(server.receivedCount == r.sent)
    }

    @Test func aClientBilledLastMonthWithoutAContractForNextMonthIsListed() throws {
        let t = try IssuedMonth()
        let rules = t.m.folder.appendingPathComponent("rules/c0001.ard")
        let text = try String(contentsOf: rules, encoding: .utf8)
        try text.replacingOccurrences(of: "valid from 2025-01-01\n", with: "valid from 2025-01-01 until 2026-11-30\n")
            .write(to: rules, atomically: true, encoding: .utf8)
        let reopened = try Installation.open(configPath: t.workspace.config.file)
        let report = try reopened.contractsEnding(today: Day(iso: "2026-11-20") ?? BilledMonth.issueDay, within: 60)
        #expect(report.uncovered == ["C0001"])
        #expect(report.ending.contains { $0.client == "C0001" && $0.what == "contract" && $0.daysLeft == 10 })
        #expect(report.text.contains("C0001\tbilled last month, no contract valid on 2026-12-01"))
    }
}
