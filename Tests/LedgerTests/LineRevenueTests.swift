import BillingModel
import Foundation
import Imports
@testable import Ledger
import Testing
import TestSupport

/// `revenueBehind`: the register revenue each line of a document was computed
/// from, read from the file version the document recorded.
@Suite struct LineRevenueTests {
    let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))
    static let header =
        "ticket;site;caisse;date;heure;badge;client;categorie;activite;article;libelle;quantite;pu_ttc;taux_tva;montant_ttc;part_patronale"

    static func row(
        _ t: String, _ client: String, _ category: String, _ activity: String, _ amount: String, _ share: String,
        rate: String = "10,0"
    ) -> String {
        "LD01-1-20261005-\(t);LD01;1;05/10/2026;12:00:00;0001;\(client);\(category);\(activity);PLAT;Plat;1;\(amount);\(rate);\(amount);\(share)"
    }

    /// ACME: category A, tickets 1 (a meal and a cafeteria line) and 2 (a meal and a refund), both covers;
    /// category B, ticket 3 refunded to zero and ticket 4 cafeteria only, no cover; a guest ticket 5; BETA's tickets apart.
    static let rows = [
        header,
        row("000001", "ACME", "A", "SELF", "7,00", "4,20"),
        row("000002", "ACME", "A", "SELF", "6,00", "4,20"),
        row("000001", "ACME", "A", "CAFET", "2,00", "0,00", rate: "5,5"),
        row("000003", "ACME", "B", "SELF", "5,00", "3,10"),
        row("000003", "ACME", "B", "SELF", "-5,00", "-3,10"),
        row("000004", "ACME", "B", "CAFET", "1,50", "0,00"),
        row("000005", "ACME", "INV", "BRASS", "13,00", "0,00"),
        row("000005", "BETA", "A", "BRASS", "3,00", "1,00"),
        row("000006", "BETA", "A", "SELF", "2,00", "1,00"),
        row("000002", "ACME", "A", "SELF", "-1,00", "0,00")
    ]

    func deliver(_ rows: [String], to ledger: LedgerDatabase, as status: ImportStatus = .imported) throws {
        let dir = Repository.temporaryDirectory("line-revenue")
        try (rows.joined(separator: "\r\n") + "\r\n").write(
            to: dir.appendingPathComponent("PIE_LD01_20261005.csv"), atomically: true, encoding: .utf8)
        let results = Importer(ledger: ledger, knownClients: ["ACME", "BETA"]).importPaths([dir])
        #expect(results.map(\.status) == [status], "\(results)")
    }

    func line(
        _ label: String, _ explanation: String, _ basis: LineBasis?, site: String? = "LD01", order: String? = nil,
        vat: VATRate = VATRate(whole: 10)
    ) -> NewInvoiceLine {
        NewInvoiceLine(
            label: label, quantity: 1, unitPrice: Price(Money(cents: 100)), net: Money(cents: 100), vat: vat,
            site: site, service: october, termLine: 9, explanation: explanation, orderId: order,
            orderRevision: order == nil ? nil : 2,
            basis: basis)
    }

    /// A live document bills an order revision alone (`billed_unit`): two proformas at once name two orders.
    func proforma(_ ledger: LedgerDatabase, key: String, recorded: Bool, order: String = "EVT-2026-1") throws
        -> StoredInvoice
    {
        let lines = [
            // The words are anything: what the line was computed from is in its basis.
            line(
                "Subvention catégorie A", "(reworded) 2 covers; edited by marie: arrondi",
                LineBasis(.subsidyPerCover, category: "A")),
            line(
                "Repas des invités", "(reworded) guests",
                LineBasis(.guestMeals, category: "INV", rate: VATRate(whole: 10))),
            line("Droit d'admission", "(reworded) 3 covers", LineBasis(.admissionFee), site: nil),
            line(
                "Participation cafétéria (TVA 5,5 %)", "(reworded) 20%",
                LineBasis(.cafeteriaParticipation, rate: VATRate(tenThousandths: 55_000), guests: false),
                vat: VATRate(tenThousandths: 55_000)),
            line(
                "Participation cafétéria (TVA 10 %)", "(reworded) 20%",
                LineBasis(.cafeteriaParticipation, rate: VATRate(whole: 10), guests: false)),
            line("Frais de gestion octobre 2026", "(reworded) fee", LineBasis(.flatFee), site: nil),
            line("Plateaux", "(reworded) order", LineBasis(.eventOrder), order: order)
        ]
        let day = try #require(Day(iso: "2026-10-05"))
        let new = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: october, issueDate: october.end, dueDate: october.end,
            paymentTerms: .onReceipt, origin: .contract, generationKey: key, lines: lines,
            siteDays: recorded ? [SiteDayKey(site: "LD01", day: day)] : [])
        let id = try #require(try ledger.createProforma(new, actor: "test"))
        return try #require(try ledger.invoice(id: id))
    }

    /// The client's figures of one category (nil: all) in a file, straight from SQL.
    func sql(_ ledger: LedgerDatabase, file: Int64, category: String?) throws -> (
        tickets: Int, amount: Int64, share: Int64
    ) {
        try ledger.engine.read { db in
            let r = try #require(
                try db.fetchOne(
                    sql: """
                        SELECT COUNT(DISTINCT ticket || '|' || category), COALESCE(SUM(amount), 0), COALESCE(SUM(employer_share), 0) FROM ticket_line
                        WHERE file_id = ? AND client = 'ACME' AND (CAST(? AS TEXT) IS NULL OR category = ?)
                        """, arguments: [file, category, category]))
            return (try r[0], try r[1], try r[2])
        }
    }

    @Test func eachLineShowsTheRegisterRevenueItWasComputedFrom() throws {
        let (ledger, _) = try freshLedger()
        try deliver(Self.rows, to: ledger)
        let file = try #require(
            try ledger.engine.read { db in try db.fetchValue(Int64.self, sql: "SELECT id FROM imported_file") })
        let doc = try proforma(ledger, key: "a", recorded: true)
        let behind = try ledger.revenueBehind(doc)
        #expect(behind.map(\.position) == [1, 2, 3, 4, 5, 6, 7])

        let subsidy = behind[0]
        #expect(subsidy.basis == .registers(RegisterSelection(site: "LD01", period: october, category: "A")))
        #expect(subsidy.days.map(\.fileName) == ["PIE_LD01_20261005.csv"])
        #expect(subsidy.days.map(\.fileVersion) == [1])
        #expect(subsidy.days.map(\.recorded) == [true])
        #expect(subsidy.days.map(\.day.description) == ["2026-10-05"])
        let a = try sql(ledger, file: file, category: "A")
        #expect(subsidy.tickets == a.tickets && subsidy.tickets == 2)
        #expect(subsidy.covers == 2)
        #expect(subsidy.amountTTC.cents == a.amount && a.amount == 1400)
        #expect(subsidy.employerShare.cents == a.share && a.share == 840)

        let guests = behind[1]
        #expect(
            guests.basis
                == .registers(
                    RegisterSelection(site: "LD01", period: october, category: "INV", rate: VATRate(whole: 10))))
        #expect(guests.tickets == 1 && guests.covers == 1 && guests.amountTTC == Money(cents: 1300))

        // No site on the line: every site of the document; every category, guests included.
        let admission = behind[2]
        let all = try sql(ledger, file: file, category: nil)
        #expect(admission.tickets == all.tickets && admission.tickets == 5)
        #expect(admission.covers == 3)
        #expect(admission.amountTTC.cents == all.amount && all.amount == 2850)

        // Cafeteria lines per VAT rate: ticket 1's cafeteria line at 5.5%, ticket 4 at 10%.
        let cafeteria = behind[3]
        #expect(
            cafeteria.basis
                == .registers(
                    RegisterSelection(
                        site: "LD01", period: october, guests: false, cafeteria: true,
                        rate: VATRate(tenThousandths: 55_000))))
        #expect(cafeteria.tickets == 1 && cafeteria.covers == 0 && cafeteria.amountTTC == Money(cents: 200))
        #expect(behind[4].tickets == 1 && behind[4].amountTTC == Money(cents: 150))
        let cafet = try ledger.engine.read { db in
            try db.fetchAll(
                sql:
                    "SELECT vat_rate, SUM(amount) FROM ticket_line WHERE client = 'ACME' AND activity = 'CAFET' GROUP BY vat_rate ORDER BY vat_rate"
            )
            .map { [try $0[0], try $0[1]] as [Int64] }
        }
        #expect(cafet == [[55_000, 200], [100_000, 150]])

        #expect(behind[5].basis == .fixedFee(period: october) && behind[5].days.isEmpty)
        #expect(behind[6].basis == .order(id: "EVT-2026-1", revision: 2) && behind[6].days.isEmpty)
    }

    @Test func aProformaShowsTheVersionItRecordedAndADocumentWithoutRecordTheCurrentOne() throws {
        let (ledger, _) = try freshLedger()
        try deliver(Self.rows, to: ledger)
        let recorded = try proforma(ledger, key: "recorded", recorded: true)
        // A corrected delivery of the day: one more cover of category A.
        try deliver(Self.rows + [Self.row("000007", "ACME", "A", "SELF", "8,00", "4,20")], to: ledger, as: .replaced)
        let versions = try ledger.engine.read { db in
            try db.fetchColumn(Int.self, sql: "SELECT version FROM imported_file ORDER BY id")
        }
        #expect(versions == [1, 2])

        let before = try ledger.revenueBehind(recorded)[0]
        #expect(before.days.map(\.fileVersion) == [1] && before.days.map(\.recorded) == [true])
        #expect(before.days.map(\.currentVersion) == [2])
        #expect(before.covers == 2 && before.amountTTC == Money(cents: 1400))

        let unrecorded = try proforma(ledger, key: "unrecorded", recorded: false, order: "EVT-2026-2")
        let now = try ledger.revenueBehind(unrecorded)[0]
        #expect(now.days.map(\.fileVersion) == [2] && now.days.map(\.recorded) == [false])
        #expect(now.days.map(\.currentVersion) == [nil])
        #expect(now.covers == 3 && now.amountTTC == Money(cents: 2200))
    }

    @Test func typedInAndCreditLinesHaveNoRegisterRevenue() throws {
        let (ledger, _) = try freshLedger()
        try deliver(Self.rows, to: ledger)
        var typed = line("Prestation", "typed in: accord du 3 octobre", LineBasis(.typedIn))
        typed.site = nil
        let new = NewInvoice(
            type: .invoice, series: "FA", client: "ACME", period: october, issueDate: october.end, dueDate: october.end,
            paymentTerms: .onReceipt, origin: .manual, lines: [typed])
        let id = try #require(try ledger.createProforma(new, actor: "test"))
        let doc = try #require(try ledger.invoice(id: id))
        #expect(try ledger.revenueBehind(doc).map(\.basis) == [.typedIn])
        var creditLine = doc.lines[0]
        creditLine.basisKind = .credit
        #expect(RevenueBasis(creditLine, of: doc.invoice) == .credit)
        // A line stored before "v16 line basis" that the migration could not tell: nothing is guessed.
        creditLine.basisKind = nil
        #expect(RevenueBasis(creditLine, of: doc.invoice) == .unknown)
    }
}
