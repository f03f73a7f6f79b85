@testable import BillingEngine
import BillingModel
import Foundation
@testable import Ledger
import Testing
import TestSupport
import Workspace

/// `ardoise diff`: the same month billed with two rule sets over one real
/// SQLite ledger, compared to the cent; nothing written.
@Suite struct RulesDiffTests {
    let october = Period(start: Day(year: 2026, month: 10, day: 1)!, end: Day(year: 2026, month: 10, day: 31)!)
    let issued = Day(year: 2026, month: 11, day: 2)!

    /// A workspace whose rules are a copy of the repository's (the "after"
    /// side, free to edit), with ACME's worked example imported; and a second
    /// copy of the rules as the "before" side.
    func workspace(editAfter: (URL) throws -> Void = { _ in }, editBefore: (URL) throws -> Void = { _ in })
        throws -> (Installation, LedgerDatabase, before: String)
    {
        let dir = Repository.temporaryDirectory("rules-diff")
        let fm = FileManager.default
        let after = dir.appendingPathComponent("rules"), before = dir.appendingPathComponent("base/rules")
        try fm.createDirectory(at: dir.appendingPathComponent("base"), withIntermediateDirectories: true)
        try fm.copyItem(at: Repository.root.appendingPathComponent("rules"), to: after)
        try fm.copyItem(at: Repository.root.appendingPathComponent("rules"), to: before)
        try editAfter(after)
        try editBefore(before)
        try """
        settings: [\(Repository.root.path)/examples/settings.yaml]
        rules: \(after.path)
        database: \(try TestEngine.newLedgerAddress(in: dir))
        inbox: \(dir.path)/inbox
        """.write(to: dir.appendingPathComponent("ardoise.yaml"), atomically: true, encoding: .utf8)
        let inbox = dir.appendingPathComponent("inbox")
        try fm.createDirectory(at: inbox, withIntermediateDirectories: true)
        for day in ["05", "06"] {
            try EndToEndTests.registerFile(
                day: "2026-10-\(day)", a: 1000, b: 500, c: 250, guests: Array(repeating: "13,00", count: 10)
            )
            .write(to: inbox.appendingPathComponent("PIE_LD01_202610\(day).csv"), atomically: true, encoding: .utf8)
        }
        let ws = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let ledger = try ws.openLedger(creating: true)
        #expect(try ws.importFiles([]).allSatisfy { $0.status == .imported })
        return (ws, ledger, before.path)
    }

    static func replace(_ old: String, with new: String, in file: URL) throws {
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(old))
        try text.replacingOccurrences(of: old, with: new).write(to: file, atomically: true, encoding: .utf8)
    }

    func invoiceCount(_ ledger: LedgerDatabase) throws -> Int {
        try ledger.engine.read { db in try db.fetchValue(Int.self, sql: "SELECT COUNT(*) FROM invoice") } ?? -1
    }

    @Test func aPriceChangeShowsTheLineDeltaAndTheTotalImpactToTheCent() throws {
        let (ws, ledger, before) = try workspace(editAfter: { rules in
            try Self.replace(
                "category A: 4.20 HT", with: "category A: 4.35 HT", in: rules.appendingPathComponent("acme.ard"))
        })
        let report = try ws.rulesDiff(
            before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
        let diff = report.diff
        #expect(diff.clients.map(\.client) == ["ACME"])
        let acme = try #require(diff.clients.first)
        #expect(acme.contract == .both && acme.beforeFailure == nil && acme.afterFailure == nil)
        #expect(acme.documents.count == 1)
        let document = try #require(acme.documents.first)
        #expect(document.change == .changed)
        // Only the subsidy of category A moves: 2,000 × 4.20 = 8,400.00 → 2,000 × 4.35 = 8,700.00.
        #expect(document.lines.count == 1)
        let line = try #require(document.lines.first)
        #expect(line.change == .changed)
        #expect(line.label == "Subvention employeur catégorie A")
        #expect(line.before?.quantity == 2000 && line.after?.quantity == 2000)
        #expect(line.before?.unitPrice == Price("4.20") && line.after?.unitPrice == Price("4.35"))
        #expect(line.before?.net == Money(cents: 840_000) && line.after?.net == Money(cents: 870_000))
        #expect(line.delta == Money(cents: 30_000))
        // VAT 10% on 20,308.36 is 2,030.84 (was 2,000.84 on 20,008.36): TTC 23,910.00 → 24,240.00.
        #expect(acme.before == RulesDiff.Amounts(ht: Money(cents: 2_159_236), ttc: Money(cents: 2_391_000)))
        #expect(acme.after == RulesDiff.Amounts(ht: Money(cents: 2_189_236), ttc: Money(cents: 2_424_000)))
        #expect(acme.impact == RulesDiff.Amounts(ht: Money(cents: 30_000), ttc: Money(cents: 33_000)))
        #expect(diff.impact == RulesDiff.Amounts(ht: Money(cents: 30_000), ttc: Money(cents: 33_000)))
        #expect(diff.unchangedClients == 4)

        let text = report.render(.text)
        #expect(
            text.contains(
                "Subvention employeur catégorie A: 2,000 × 4.20 = 8,400.00 HT → 2,000 × 4.35 = 8,700.00 HT (+300.00)"))
        #expect(
            text.contains("total 21,592.36 HT, 23,910.00 TTC → 21,892.36 HT, 24,240.00 TTC (+300.00 HT, +330.00 TTC)"))
        #expect(text.contains("total impact: +300.00 HT, +330.00 TTC"))
        let json = report.render(.json)
        #expect(json.contains(#""impact":{"ht":"300.00","ttc":"330.00"}"#))
        #expect(json.contains(#""before":{"ht":"21592.36","ttc":"23910.00"}"#))
        let github = report.render(.github)
        // The notice points at the subsidy term of the contract file.
        let file = try #require(acme.afterFile)
        let termLine =
            try #require(
                try String(contentsOfFile: file, encoding: .utf8).split(
                    separator: "\n", omittingEmptySubsequences: false
                )
                .firstIndex { $0.contains("subsidy per cover") }) + 1
        #expect(
            github.contains(
                "::notice file=\(file),line=\(termLine),title=ACME 2026-10%3A Subvention employeur catégorie A::"))
        #expect(github.contains("| ACME | `\(acme.afterFile ?? "?")` | 21,592.36 | 21,892.36 | +300.00 | +330.00 |"))
        // Nothing was written.
        #expect(try invoiceCount(ledger) == 0)
    }

    @Test func identicalRulesChangeNothing() throws {
        let (ws, ledger, before) = try workspace()
        let report = try ws.rulesDiff(
            before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
        #expect(!report.diff.hasChanges)
        #expect(report.diff.unchangedClients == 5)
        #expect(report.diff.impact == .zero)
        #expect(report.diff.before.ttc.cents >= 2_391_000)
        #expect(report.render(.text).contains("no invoice changes: 5 clients compared"))
        #expect(try invoiceCount(ledger) == 0)
    }

    @Test func aContractAddedBillsEveryLineAsNew() throws {
        let (ws, ledger, before) = try workspace(editBefore: { rules in
            try FileManager.default.removeItem(at: rules.appendingPathComponent("acme.ard"))
        })
        let report = try ws.rulesDiff(
            before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
        #expect(report.diff.clients.map(\.client) == ["ACME"])
        let acme = try #require(report.diff.clients.first)
        #expect(acme.contract == .added && acme.beforeFile == nil)
        #expect(acme.documents.map(\.change) == [.added])
        #expect(acme.documents.first?.lines.map(\.change) == Array(repeating: .added, count: 5))
        #expect(acme.documents.first?.lines.map(\.delta.cents) == [840_000, 310_000, 23_636, 827_200, 158_400])
        #expect(report.diff.impact == RulesDiff.Amounts(ht: Money(cents: 2_159_236), ttc: Money(cents: 2_391_000)))
        #expect(report.render(.text).contains("ACME: new contract ("))
    }

    @Test func aContractTakenOutWithItsClientIsShownRemovedWithoutAmounts() throws {
        // The old rules hold a contract for a client the current settings no longer know.
        let (ws, ledger, before) = try workspace(editBefore: { rules in
            let text = try String(contentsOf: rules.appendingPathComponent("acme.ard"), encoding: .utf8)
            try text.replacingOccurrences(of: "client ACME", with: "client GONE")
                .write(to: rules.appendingPathComponent("gone.ard"), atomically: true, encoding: .utf8)
        })
        let report = try ws.rulesDiff(
            before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
        let gone = try #require(report.diff.clients.first { $0.client == "GONE" })
        #expect(gone.contract == .removed)
        #expect(gone.beforeFailure?.contains("no longer in the settings") == true)
        #expect(gone.impact == nil)
        #expect(report.diff.incomparable == ["GONE"])
        #expect(report.diff.clients.count == 1)
    }

    @Test func oldRulesWithErrorsStopTheDiff() throws {
        let (ws, ledger, before) = try workspace(editBefore: { rules in
            try Self.replace(
                "category B: 3.10 HT", with: "category Z: 3.10 HT", in: rules.appendingPathComponent("acme.ard"))
        })
        do {
            _ = try ws.rulesDiff(
                before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
            Issue.record("the diff ran over old rules with errors")
        } catch let error as WorkspaceError {
            #expect(error.message.contains("the rules before the change"))
            #expect(error.diagnostics.map(\.code).contains("E0203"))
        }
    }

    @Test func newRulesWithErrorsStopTheDiff() throws {
        let (ws, ledger, before) = try workspace(editAfter: { rules in
            try Self.replace("payment 45 days", with: "payment 90 days", in: rules.appendingPathComponent("acme.ard"))
        })
        #expect(throws: WorkspaceError.self) {
            try ws.rulesDiff(before: before, period: october, explicitRange: false, issueDate: issued, today: issued)
        }
    }
}

/// The matching of lines and documents, on drafts made by hand.
@Suite struct RulesDiffMatchingTests {
    let period = Period(start: Day(year: 2026, month: 10, day: 1)!, end: Day(year: 2026, month: 10, day: 31)!)

    func invoice(_ lines: [NewInvoiceLine], key: String = "k", due: Day? = nil) -> NewInvoice {
        NewInvoice(
            type: .invoice, series: "FA", client: "X", period: period, issueDate: period.end,
            dueDate: due ?? period.end,
            paymentTerms: .onReceipt, origin: .contract, generationKey: key, lines: lines)
    }

    func line(_ label: String, _ quantity: Int, _ price: String, vat: Int = 10, type: String? = nil) -> NewInvoiceLine {
        let p = Price(price) ?? .zero
        return NewInvoiceLine(
            label: label, quantity: quantity, unitPrice: p, net: (try? p.times(quantity)) ?? .zero,
            vat: VATRate(whole: vat), revenueType: type)
    }

    @Test func linesPairByLabelThenRateThenRevenueType() {
        let before = BillingDrafts(drafts: [
            invoice([
                line("A", 10, "4.20"), line("Fee", 1, "100.00", vat: 20, type: "FRAIS"),
                line("Old", 5, "1.00"), line("Guests", 1, "50.00", type: "INVIT")
            ])
        ])
        let after = BillingDrafts(drafts: [
            invoice([
                line("A", 10, "4.20"), line("Fee", 1, "100.00", vat: 10, type: "FRAIS"),
                line("Invités", 1, "55.00", type: "INVIT"), line("New", 2, "3.00")
            ])
        ])
        let diff = RulesDiff(
            before: before, after: after, beforeContracts: ["X": "x.ard"], afterContracts: ["X": "x.ard"])
        let lines = diff.clients.first?.documents.first?.lines ?? []
        // A is equal and left out; the fee changed rate; the guests line was renamed and repriced; Old went, New came.
        #expect(lines.map(\.change) == [.changed, .removed, .changed, .added])
        #expect(lines.map(\.label) == ["Fee", "Old", "Invités", "New"])
        #expect(lines.map(\.delta.cents) == [0, -500, 500, 600])
        // Before: 97.00 at 10% (VAT 9.70) and 100.00 at 20% (VAT 20.00), 226.70 TTC;
        // after: 203.00 at 10% (VAT 20.30), 223.30 TTC.
        #expect(diff.impact.ht.cents == 600)
        #expect(diff.impact.ttc.cents == -340)
        #expect(
            RulesDiffReport.describe(lines[0]).contains(
                "1 × 100.00 = 100.00 HT at 20% VAT → 1 × 100.00 = 100.00 HT at 10% VAT (+0.00)"))
    }

    @Test func aDocumentThatOnlyMovesItsDueDateIsListedWithoutImpact() {
        let later = Day(year: 2026, month: 12, day: 15)!
        let before = BillingDrafts(drafts: [invoice([line("A", 10, "4.20")])])
        let after = BillingDrafts(drafts: [
            invoice([line("A", 10, "4.20")], due: later), invoice([line("B", 1, "9.99")], key: "other")
        ])
        let diff = RulesDiff(
            before: before, after: after, beforeContracts: ["X": "x.ard"], afterContracts: ["X": "x.ard"])
        let documents = diff.clients.first?.documents ?? []
        #expect(documents.map(\.change) == [.changed, .added])
        #expect(documents.first?.lines.isEmpty == true && documents.first?.dueAfter == later)
        #expect(diff.impact.ht.cents == 999)
    }
}
