import BillingEngine
import BillingModel
import Foundation
import GRDB
import Ledger
import Logging
import Testing
import TestSupport
import Workspace

/// A workspace over a copy of the repository's rules (edited by `edit`), a
/// fresh SQLite ledger (created as `ardoise init` does) and an empty inbox.
struct Scratch {
    let workspace: Installation
    let dir: URL
    var inbox: URL { dir.appendingPathComponent("inbox") }

    /// `editSettings` changes a copy of the example settings' text (e.g. a client's revenue types).
    init(editRules edit: (URL) throws -> Void = { _ in }, editSettings: ((String) -> String)? = nil) throws {
        dir = Repository.temporaryDirectory("life")
        let rules = dir.appendingPathComponent("rules")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("rules"), to: rules)
        try edit(rules)
        var settings = Repository.root.appendingPathComponent("examples/settings.yaml")
        if let editSettings {
            let copy = dir.appendingPathComponent("settings.yaml")
            try editSettings(try String(contentsOf: settings, encoding: .utf8)).write(
                to: copy, atomically: true, encoding: .utf8)
            settings = copy
        }
        try """
        settings: [\(settings.path)]
        rules: \(rules.path)
        database: \(try TestEngine.newLedgerAddress(in: dir))
        inbox: \(dir.path)/inbox
        """.write(to: dir.appendingPathComponent("ardoise.yaml"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: dir.appendingPathComponent("inbox"), withIntermediateDirectories: true)
        workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        _ = try workspace.initLedger(actor: "test")
    }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: inbox.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// An engine of the contracts as they are now: the workspace opened again, as a new command would
    /// (a workspace reads its contracts once, when opened).
    func engine(_ ledger: LedgerDatabase, _ day: Day) throws -> Engine {
        try Installation.open(configPath: workspace.config.file).engine(today: day, actor: "test")
    }

    /// One waiting manual invoice of 100.00 HT (20 % VAT) for October for each of `clients`, made on 2 November.
    func manualInvoices(_ engine: Engine, clients: [String]) throws -> [Int64] {
        try clients.map { client in
            try engine.createManual(
                ManualDocument(
                    type: .invoice, client: client, period: Period(parsing: "2026-10")!,
                    lines: [("Prestation", 1, Price(tenThousandths: 1_000_000), VATRate(tenThousandths: 200_000))]),
                reason: "test", on: day("2026-11-02"))
        }
    }

    /// The ledger with one file written to the inbox and imported, and an engine of `today`.
    func imported(_ name: String, _ text: String, engineOn today: Day) throws -> (LedgerDatabase, Engine) {
        let ledger = try workspace.openLedger(creating: true)
        try write(name, text)
        _ = try workspace.importFiles([])
        return (ledger, try engine(ledger, today))
    }
}

/// One order of Helios (C0013) as the ordering system sends it.
func heliosOrder(revision: Int, status: String = "delivered", po: String = "PO-1", cocktails: Int = 40) -> String {
    """
    {"order_id":"EVT-T-1","revision":\(revision),"client":"C0013","site":"LD01","po_number":"\(po)","event_date":"2026-10-14",\
    "status":"\(status)","delivered_at":"2026-10-14T11:30:00+02:00","lines":[\
    {"article":"COCKTAIL-12","label":"Cocktail déjeunatoire 12 pièces","quantity":\(cocktails),"unit_price_ht":"18.50","vat_rate":"10.0"},\
    {"article":"CHAMP-75","label":"Champagne brut 75 cl","quantity":6,"unit_price_ht":"32.00","vat_rate":"20.0"},\
    {"article":"LIVR","label":"Livraison et mise en place","quantity":1,"unit_price_ht":"45.00","vat_rate":"20.0"}]}

    """
}

@Suite struct EventBillingTests {
    @Test func anOrderIsInvoicedOnDeliveryThenCreditedAndReissuedWhenChanged() throws {
        let s = try Scratch()
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))

        // Not delivered yet on the 13th: nothing.
        #expect(try engine.billEvents(on: day("2026-10-13")).created.isEmpty)
        // Until the run bills it, the delivered order shows in the unbilled report.
        let pending = try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-10-14")).items
            .filter { $0.reason.contains("EVT-T-1") }
        #expect(pending.map(\.amountTTC) == [Money(cents: 104_348)])
        let first = try engine.billEvents(on: day("2026-10-14"))
        #expect(
            try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-10-14")).items.filter {
                $0.reason.contains("EVT-T-1")
            }.isEmpty)
        #expect(first.issued.count == 1)
        let invoice = try #require(try ledger.invoice(number: first.issued[0]))
        #expect(invoice.invoice.totalHt == 92_815 && invoice.invoice.totalTtc == 104_348)  // the contract's example
        #expect(
            invoice.invoice.poNumber == "PO-1" && invoice.invoice.orderId == "EVT-T-1"
                && invoice.invoice.issueDate == Day(iso: "2026-10-14"))
        #expect(invoice.invoice.origin == .events && invoice.invoice.status == .issued)
        // Twice: nothing more.
        #expect(try engine.billEvents(on: day("2026-10-14")).created.isEmpty)

        // A new purchase-order number alone bills nothing; the invoice keeps the old one.
        try s.write("EVT_20261015.jsonl", heliosOrder(revision: 2, po: "PO-2"))
        _ = try s.workspace.importFiles([])
        #expect(try engine.billEvents(on: day("2026-10-15")).created.isEmpty)

        // 50 cocktails instead of 40: a credit note of the old invoice and a new invoice.
        try s.write("EVT_20261016.jsonl", heliosOrder(revision: 3, po: "PO-2", cocktails: 50))
        _ = try s.workspace.importFiles([])
        let change = try engine.billEvents(on: day("2026-10-16"))
        #expect(change.issued.count == 2)
        let credit = try #require(try ledger.invoice(number: change.issued[0]))
        let reissued = try #require(try ledger.invoice(number: change.issued[1]))
        #expect(credit.invoice.type == .creditNote && credit.invoice.creditedInvoiceId == invoice.invoice.id)
        #expect(credit.invoice.totalTtc == 104_348 && credit.invoice.poNumber == "PO-1")
        // 50 × 17.5750 = 878.75; 6 × 30.40 = 182.40; 42.75 → 1,103.90 HT; VAT 87.88 + 45.03.
        #expect(
            reissued.invoice.type == .invoice && reissued.invoice.totalHt == 110_390
                && reissued.invoice.totalTtc == 123_681)
        #expect(reissued.invoice.issueDate == Day(iso: "2026-10-16") && reissued.invoice.poNumber == "PO-2")
        #expect(try engine.billEvents(on: day("2026-10-16")).created.isEmpty)

        // Cancelled after delivery: credited in full.
        try s.write("EVT_20261017.jsonl", heliosOrder(revision: 4, status: "cancelled", po: "PO-2", cocktails: 50))
        _ = try s.workspace.importFiles([])
        let cancel = try engine.billEvents(on: day("2026-10-17"))
        #expect(cancel.issued.count == 1)
        let last = try #require(try ledger.invoice(number: cancel.issued[0]))
        #expect(
            last.invoice.type == .creditNote && last.invoice.totalTtc == 123_681
                && last.invoice.creditedInvoiceId == reissued.invoice.id)
        // What the order owes now: nothing.
        let net = try ledger.issuedLines(orderID: "EVT-T-1").map { $0.sign * $0.line.net }.reduce(0, +)
        #expect(net == 0)
        #expect(try engine.billEvents(on: day("2026-10-18")).created.isEmpty)
    }

    @Test func anAutomaticValidationRefusedLeavesTheProformaAndSaysWhy() throws {
        let s = try Scratch()
        let ledger = try s.workspace.openLedger(creating: true)
        try s.write("EVT_20261014.jsonl", heliosOrder(revision: 1))
        _ = try s.workspace.importFiles([])
        try ledger.closeMonth("2026-10", by: "controller")
        let r = try s.engine(ledger, day("2026-10-14")).billEvents(on: day("2026-10-14"))
        #expect(r.issued.isEmpty && r.created.count == 1)
        #expect(r.failures.map(\.client) == ["C0013"] && r.failures[0].message.contains("closed"))
        #expect(try ledger.invoices(status: .proforma).count == 1)
    }

    @Test func inDifferenceModeOneDocumentHoldsTheDeltas() throws {
        let s = try Scratch { rules in
            let f = rules.appendingPathComponent("c0013-helios.ard")
            let text = try String(contentsOf: f, encoding: .utf8)
            try text.replacingOccurrences(of: "changes by credit note and new invoice", with: "changes by difference")
                .write(to: f, atomically: true, encoding: .utf8)
        }
        let (ledger, engine) = try s.imported(
            "EVT_20261014.jsonl", heliosOrder(revision: 1), engineOn: day("2026-10-14"))
        let first = try engine.billEvents(on: day("2026-10-14"))
        #expect(first.issued.count == 1)

        // 30 cocktails instead of 40: one credit note of 10 × 17.5750 = 175.75 HT (positive amounts).
        try s.write("EVT_20261016.jsonl", heliosOrder(revision: 2, cocktails: 30))
        _ = try s.workspace.importFiles([])
        let change = try engine.billEvents(on: day("2026-10-16"))
        #expect(change.issued.count == 1)
        let credit = try #require(try ledger.invoice(number: change.issued[0]))
        #expect(credit.invoice.type == .creditNote)
        #expect(credit.lines.map(\.quantity) == [10] && credit.lines.map(\.net) == [17_575])
        #expect(credit.invoice.totalTtc == 19_333)
        // Old invoice + difference = new order, exactly, in net amounts.
        let net = try ledger.issuedLines(orderID: "EVT-T-1").map { $0.sign * $0.line.net }.reduce(0, +)
        #expect(net == 75_240)  // 30 × 17.575 + 6 × 30.40 + 42.75

        // Back to 45: a supplementary invoice of 15 cocktails.
        try s.write("EVT_20261017.jsonl", heliosOrder(revision: 3, cocktails: 45))
        _ = try s.workspace.importFiles([])
        let up = try engine.billEvents(on: day("2026-10-17"))
        let supplement = try #require(try ledger.invoice(number: up.issued[0]))
        #expect(
            supplement.invoice.type == .invoice && supplement.lines.map(\.quantity) == [15]
                && supplement.invoice.totalHt == 26_363)
    }
}

@Suite struct CreditNoteTests {
    /// ACME's October invoice, issued (23,910.00 TTC).
    func issuedAcme() throws -> (Scratch, LedgerDatabase, Engine, StoredInvoice) {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(
                day: "2026-10-05", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10)))
        try s.write(
            "PIE_LD01_20261006.csv",
            EndToEndTests.registerFile(
                day: "2026-10-06", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10)))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        let r = try engine.generate(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-02"), only: ["ACME"])
        let numbers = try engine.validate(ids: r.created, on: day("2026-11-02"))
        return (s, ledger, engine, try #require(try ledger.invoice(number: numbers[0])))
    }

    @Test func aFullCreditNoteMirrorsTheInvoiceAndCannotBeRepeated() throws {
        let (_, ledger, engine, invoice) = try issuedAcme()
        let (id, number) = try engine.credit(
            invoice: invoice.invoice.number!, reason: "wrong client", on: day("2026-11-05"))
        let credit = try #require(try ledger.invoice(id: id))
        #expect(number == "AV-2026-000001" || number?.hasPrefix("AV") == true)
        #expect(credit.invoice.type == .creditNote && credit.invoice.status == .issued)
        #expect(credit.invoice.totalTtc == 2_391_000 && credit.invoice.creditedInvoiceId == invoice.invoice.id)
        #expect(credit.lines.map(\.net) == invoice.lines.map(\.net))
        #expect(try ledger.auditLog(invoiceID: id).map(\.action).contains("credit"))
        #expect(throws: InvoiceError.self) {
            try engine.credit(invoice: invoice.invoice.number!, reason: "again", on: day("2026-11-05"))
        }
    }

    @Test func aLineIsCreditedForAnAmountThenTheRestButNeverMore() throws {
        let (_, ledger, engine, invoice) = try issuedAcme()
        let number = invoice.invoice.number!
        let (id, _) = try engine.credit(
            invoice: number, selections: [CreditSelection(line: 1, amount: Money("100.00"))], reason: "gesture",
            on: day("2026-11-05"))
        let partial = try #require(try ledger.invoice(id: id))
        #expect(partial.lines.count == 1 && partial.lines[0].net == 10_000 && partial.invoice.totalTtc == 11_000)
        #expect(partial.lines[0].label.hasSuffix("(avoir partiel)"))
        #expect(throws: InvoiceError.self) {
            try engine.credit(
                invoice: number, selections: [CreditSelection(line: 1, amount: Money("8300.01"))], reason: "too much",
                on: day("2026-11-05"))
        }
        let (rest, _) = try engine.credit(
            invoice: number, selections: [CreditSelection(line: 1)], reason: "the rest", on: day("2026-11-06"))
        #expect(try ledger.invoice(id: rest)?.lines.map(\.net) == [830_000])
        #expect(throws: InvoiceError.self) {
            try engine.credit(
                invoice: number, selections: [CreditSelection(line: 1)], reason: "nothing left", on: day("2026-11-06"))
        }
        #expect(throws: InvoiceError.self) {
            try engine.credit(
                invoice: number, selections: [CreditSelection(line: 9)], reason: "no such line", on: day("2026-11-06"))
        }
    }

    @Test func manualDocumentsWaitAsProformasAndACreditNoteNamesItsInvoice() throws {
        let (_, ledger, engine, invoice) = try issuedAcme()
        let oct = Period(parsing: "2026-10")!
        let id = try engine.createManual(
            ManualDocument(
                type: .invoice, client: "ACME", period: oct, poNumber: "PO-9",
                lines: [("Prestation exceptionnelle", 2, Price("150.00")!, VATRate(whole: 20))]),
            reason: "extra service", on: day("2026-11-05"))
        let doc = try #require(try ledger.invoice(id: id))
        #expect(doc.invoice.status == .proforma && doc.invoice.origin == .manual && doc.invoice.totalTtc == 36_000)
        #expect(throws: InvoiceError.self) {
            try engine.createManual(
                ManualDocument(
                    type: .creditNote, client: "ACME", period: oct,
                    lines: [("Geste", 1, Price("10.00")!, VATRate(whole: 20))]), reason: "r", on: day("2026-11-05"))
        }
        #expect(throws: InvoiceError.self) {
            try engine.createManual(
                ManualDocument(
                    type: .invoice, client: "ACME", period: oct,
                    lines: [("Taux inconnu", 1, Price("10.00")!, VATRate(whole: 19))]), reason: "r",
                on: day("2026-11-05"))
        }
        let cn = try engine.createManual(
            ManualDocument(
                type: .creditNote, client: "ACME", period: oct, credits: invoice.invoice.number,
                lines: [("Geste commercial", 1, Price("10.00")!, VATRate(whole: 20))]),
            reason: "gesture", on: day("2026-11-05"))
        #expect(try ledger.invoice(id: cn)?.invoice.creditedInvoiceId == invoice.invoice.id)
    }
}

@Suite struct LateRevenueTests {
    @Test func aCorrectedFileAfterIssuingBecomesACorrectionInTheOpenPeriod() throws {
        let (s, ledger, engine, invoice) = try CreditNoteTests().issuedAcme()
        // One more category-A cover on the 5th, delivered after the invoice was issued.
        try s.write(
            "PIE_LD01_20261005.csv",
            EndToEndTests.registerFile(
                day: "2026-10-05", a: 1001, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10)))
        #expect(try s.workspace.importFiles([]).map(\.status.rawValue).contains("conflict"))
        let late = try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-20"))
        #expect(late.lateRevenue.map(\.client) == ["ACME"])
        // The issued invoice is untouched; billing October again does not bill it silently.
        #expect(
            try engine.generate(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-20"), only: ["ACME"])
                .created.isEmpty)
        #expect(try ledger.invoice(id: invoice.invoice.id!)?.invoice.totalTtc == 2_391_000)

        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.created.count == 1)
        let correction = try #require(try ledger.invoice(id: r.created[0]))
        #expect(correction.invoice.origin == .correction && correction.invoice.type == .invoice)
        #expect(
            correction.invoice.periodStart == Day(iso: "2026-10-01")
                && correction.invoice.issueDate == Day(iso: "2026-11-20"))
        // +4.20 subsidy A, +2.35 admission fee, +0.45 management fee (3,521 × 0.45 = 1,584.45).
        #expect(correction.invoice.totalHt == 700 && correction.invoice.totalTtc == 775)
        #expect(
            correction.lines.map { "\($0.label): \($0.quantity) × \($0.price) = \($0.netAmount)" } == [
                "Régularisation octobre 2026 : Subvention employeur catégorie A: 1 × 4.20 = 4.20",
                "Régularisation octobre 2026 : Droit d'admission: 1 × 2.35 = 2.35",
                "Régularisation octobre 2026 : Frais de gestion octobre 2026: 1 × 0.45 = 0.45"
            ])
        #expect(correction.lines.allSatisfy { $0.label.hasPrefix("Régularisation") })
        // ACME is validated by an accountant: a proforma; running again changes nothing.
        #expect(correction.invoice.status == .proforma)
        let again = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(again.created.isEmpty && again.unchanged == 1)
        try engine.validate(ids: [correction.invoice.id!], on: day("2026-11-20"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
        #expect(try engine.correctLateRevenue(issueDate: day("2026-11-21")).created.isEmpty)
    }

    /// The register file of 7 October was missing when October was invoiced and arrives on 20 November:
    /// its revenue is late revenue like a corrected file's, never dropped.
    @Test func aMissingFileDeliveredAfterIssuingBecomesACorrection() throws {
        let (s, ledger, engine, invoice) = try CreditNoteTests().issuedAcme()
        try s.write(
            "PIE_LD01_20261007.csv", EndToEndTests.registerFile(day: "2026-10-07", a: 10, b: 0, c: 0, guests: []))
        _ = try s.workspace.importFiles([])
        let late = try ledger.periodsWithLateRevenue()
        #expect(
            late.map(\.client) == ["ACME"] && late.first?.siteDays == [SiteDayKey(site: "LD01", day: day("2026-10-07"))]
        )
        #expect(
            try engine.unbilled(period: Period(parsing: "2026-10")!, issueDate: day("2026-11-20")).lateRevenue.map(
                \.client) == ["ACME"])

        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        let id = try #require(r.created.first)
        let correction = try #require(try ledger.invoice(id: id))
        // 10 covers of category A: 10 × 4.20 subsidy + 10 × 2.35 admission fee + 10 × 0.45 management fee.
        #expect(correction.invoice.type == .invoice && correction.invoice.totalHt == 7_000)
        #expect(correction.lines.map(\.quantity) == [10, 10, 10])
        try engine.validate(ids: [correction.invoice.id!], on: day("2026-11-20"))
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
        #expect(try engine.correctLateRevenue(issueDate: day("2026-11-21")).created.isEmpty)
        #expect(try ledger.invoice(id: invoice.invoice.id!)?.invoice.totalTtc == 2_391_000)
    }

    @Test func aCorrectionThatChangesNoAmountIsSettledWithoutADocument() throws {
        let (s, ledger, engine, _) = try CreditNoteTests().issuedAcme()
        // Same covers, one more zero ticket line in the file: a new version, the same amounts.
        var text = EndToEndTests.registerFile(
            day: "2026-10-06", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10))
        text += "LD01-1-20261006-999999;LD01;1;06/10/2026;13:00:00;0001;ACME;C;SELF;EAU;Eau;1;0,00;10,0;0,00;0,00\r\n"
        try s.write("PIE_LD01_20261006.csv", text)
        #expect(try s.workspace.importFiles([]).map(\.status.rawValue).contains("conflict"))
        #expect(try ledger.periodsWithLateRevenue().count == 1)
        let r = try engine.correctLateRevenue(issueDate: day("2026-11-20"))
        #expect(r.created.isEmpty && r.notes.count == 1)
        #expect(try ledger.periodsWithLateRevenue().isEmpty)
    }
}

@Suite struct ScheduledRunTests {
    @Test func theDuePeriodIsTheLastOneEndedAndADiscardedProformaIsNotRegenerated() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 0, c: 0, guests: []))
        let ledger = try s.workspace.openLedger(creating: true)
        _ = try s.workspace.importFiles([])
        let engine = try s.engine(ledger, day("2026-11-02"))
        // On the 2nd (the 1st was missed), ACME's October is due.
        let due = try engine.generateDue(on: day("2026-11-02"))
        let acme = try ledger.invoices(client: "ACME")
        #expect(
            acme.count == 1 && acme[0].periodStart == Day(iso: "2026-10-01")
                && acme[0].periodEnd == Day(iso: "2026-10-31"))
        #expect(due.failures.isEmpty)
        // The next day, the waiting proforma is the same one (same id): its dates are provisional until validation.
        let nextDay = try engine.generateDue(on: day("2026-11-03"))
        #expect(nextDay.created.isEmpty && nextDay.unchanged == 1)
        #expect(try ledger.invoices(client: "ACME").map(\.id) == acme.map(\.id))
        try ledger.discard(id: acme[0].id!, reason: "billed by hand this month", actor: "accountant")
        let next = try engine.generateDue(on: day("2026-11-04"))
        #expect(try ledger.invoices(client: "ACME").isEmpty)
        #expect(next.notes.contains { $0.contains("discarded") })
    }

    @Test func runningTwiceChangesNothingAndTwoRunsCannotBillAtOnce() throws {
        let s = try Scratch()
        try s.write(
            "PIE_LD01_20261005.csv", EndToEndTests.registerFile(day: "2026-10-05", a: 10, b: 5, c: 0, guests: []))
        try s.write("EVT_20261014.jsonl", heliosOrder(revision: 1))
        let lines = LockedLines()
        let logger = Logger(label: "test") { label in JSONLogHandler(label: label, write: { lines.append($0) }) }
        var run = ScheduledRun(workspace: s.workspace, logger: logger, actor: "scheduler")
        run.holdsMissingDays = false  // one register file of the month: the other days are not the point here
        let first = try run.run(on: day("2026-11-01"))
        #expect(first.exitCode == 0 && first.filesImported == 2)
        #expect(first.events?.issued.count == 1 && first.due?.created.isEmpty == false)
        let ledger = try s.workspace.openLedger(creating: true)
        let countAfterFirst = try ledger.invoices(includeDiscarded: true).count
        let auditAfterFirst = try ledger.auditLog().count

        let second = try run.run(on: day("2026-11-01"))
        #expect(second.documentsCreated == 0 && second.filesImported == 0 && second.filesUnchanged == 2)
        #expect(try ledger.invoices(includeDiscarded: true).count == countAfterFirst)
        #expect(try ledger.auditLog().count == auditAfterFirst)

        // Every log line is one JSON object.
        #expect(lines.all.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) is [String: Any] })
        #expect(lines.all.contains { $0.contains("\"message\":\"run finished\"") })

        // While another run holds the lock (the database's on PostgreSQL, a file beside SQLite's), a run does nothing.
        let lock: AnyObject =
            TestEngine.postgres
            ? try #require(try DatabaseRunLock(address: s.workspace.config.databasePath))
            : try #require(try RunLock(path: run.lockPath))
        #expect(throws: WorkspaceError.self) { try run.run(on: day("2026-11-02")) }
        withExtendedLifetime(lock) {}
    }
}

final class LockedLines: @unchecked Sendable {
    private var lines: [String] = []
    private let lock = NSLock()
    func append(_ s: String) { lock.withLock { lines.append(s) } }
    var all: [String] { lock.withLock { lines } }
}
