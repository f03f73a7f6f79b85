// Tools these tests need (CI installs them with .ci/setup; outside CI a test
// skips without them): libxlsxwriter-dev, libreoffice-calc-nogui (`soffice`),
// openpyxl in .venv (.ci/requirements.txt).
import BillingModel
@testable import ControlExports
import DemoMonthSupport
import Foundation
import GRDB
@testable import Ledger
@testable import Spreadsheets
import Testing
import TestSupport
import Workspace

/// A generated month (2 sites, 12 clients) imported, its events billed day by
/// day, its restaurants billed and every proforma validated, on a real SQLite
/// ledger: what `ardoise-dev demo run` does, small. Built once for the suite.
final class BilledMonth: Sendable {
    let workspace: Installation
    let ledger: LedgerDatabase
    let folder: URL
    static let october = Period(parsing: "2026-10") ?? Period(start: Day(ordinal: 0), end: Day(ordinal: 0))
    static let issueDay = october.end.adding(days: 1)

    static let shared: Result<BilledMonth, any Error> = Result { try BilledMonth() }

    init() throws {
        let month = try DemoMonth("ardoise-exports", sites: 2, clients: 12, seed: 1)
        (folder, workspace, ledger) = (month.folder, month.workspace, month.ledger)
        // Event orders billed on the day they are delivered, as the daily run does, then the month.
        let engine = try month.engine()
        var d = Self.october.start
        while d <= Self.october.end {
            _ = try engine.billEvents(on: d)
            d = d.adding(days: 1)
        }
        try month.bill(validateAll: true)
    }

    var exports: ControlExports { ControlExports(ledger: ledger, settings: workspace.settings) }

    func path(_ name: String) -> String { folder.appendingPathComponent("\(UUID().uuidString)-\(name)").path }

    /// The issued restaurant documents of October (contract and corrections, ending in October), signed, per client.
    func invoicedByClient() throws -> [String: (ht: Int64, vat: Int64, ttc: Int64)] {
        try ledger.engine.read { db in
            var out: [String: (ht: Int64, vat: Int64, ttc: Int64)] = [:]
            for r in try db.fetchAll(
                sql: """
                    SELECT client, SUM(CASE type WHEN 'credit_note' THEN -total_ht ELSE total_ht END),
                           SUM(CASE type WHEN 'credit_note' THEN -total_vat ELSE total_vat END),
                           SUM(CASE type WHEN 'credit_note' THEN -total_ttc ELSE total_ttc END)
                    FROM invoice WHERE status = 'issued' AND origin IN ('contract', 'correction')
                      AND period_end BETWEEN '2026-10-01' AND '2026-10-31'
                    GROUP BY client
                    """)
            { out[try r[0]] = try (r[1], r[2], r[3]) }
            return out
        }
    }
}

/// A workbook as openpyxl reads it (`Resources/read_xlsx.py`).
struct ReadSheet: Decodable {
    var name: String
    var freeze: String?
    var filter: String?
    var widths: [String: Double]
    var rows: [[ReadCell?]]

    var header: [String] { rows.first?.map { $0?.text ?? "" } ?? [] }
    var body: ArraySlice<[ReadCell?]> { rows.dropFirst() }
    func column(_ title: String) throws -> Int {
        try #require(header.firstIndex(of: title), "no column \(title) in \(name)")
    }
}

struct ReadCell: Decodable {
    var type: String
    var text: String?
    var number: Double?
    var format: String
    var fill: String?

    init(from decoder: any Decoder) throws {
        var c = try decoder.unkeyedContainer()
        type = try c.decode(String.self)
        if type == "n" { number = try c.decode(Double.self) } else { text = try c.decode(String.self) }
        format = try c.decode(String.self)
        fill = try c.decodeIfPresent(String.self)
    }

    /// The cents of an amount cell (the double XLSX stores, back to the integer it came from).
    var cents: Int64? { number.map { Int64(($0 * 100).rounded()) } }
}

enum Readers {
    static let script = Repository.root.appendingPathComponent("Tests/ControlExportsTests/Resources/read_xlsx.py").path
    static let openpyxl = Tools.pythonHas("openpyxl")
    static let soffice = Tools.exists("soffice")

    static func openpyxl(_ path: String) throws -> [ReadSheet] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [Tools.python, script, path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "openpyxl: \(String(decoding: errors, as: UTF8.self))")
        return try JSONDecoder().decode([ReadSheet].self, from: data)
    }

    /// Every sheet as CSV through LibreOffice headless (values, not as shown): sheet name → rows of fields.
    static func libreOffice(_ path: String) throws -> [String: [[String]]] {
        let folder = Repository.temporaryDirectory("ardoise-soffice")
        let result = try Tools.run(
            "soffice",
            [
                "--headless", "-env:UserInstallation=file://\(folder.path)/profile",
                "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
                "--outdir", folder.path, path
            ])
        #expect(result.status == 0, "soffice: \(result.output)")
        let stem = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        var sheets: [String: [[String]]] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: folder.path)
        where file.hasSuffix(".csv") && file.hasPrefix(stem + "-") {
            let name = String(file.dropFirst(stem.count + 1).dropLast(4))
            let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
            sheets[name] = text.split(whereSeparator: \.isNewline).map(csvFields)
        }
        return sheets
    }

    /// `3838.9` → 383890: a CSV field of a plain decimal, in cents.
    static func cents(_ field: String) -> Int64? {
        guard let d = Decimal(string: field, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
        return NSDecimalNumber(decimal: d * 100).int64Value
    }

    static func csvFields(_ line: Substring) -> [String] {
        var fields: [String] = [], field = "", quoted = false
        var chars = line.makeIterator()
        while let c = chars.next() {
            if quoted {
                if c == "\"" { quoted = false } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                fields.append(field)
                field = ""
            } else {
                field.append(c)
            }
        }
        fields.append(field)
        return fields
    }
}

@Suite(.serialized) struct ControlExportsTests {
    func month() throws -> BilledMonth { try BilledMonth.shared.get() }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func restaurantsWorkbookHasTypedCellsAndTotalsEqualToTheInvoices() throws {
        let m = try month()
        let path = m.path("restaurants.xlsx")
        let summary = try m.exports.restaurants(period: BilledMonth.october, to: path)
        let sheets = try Readers.openpyxl(path)
        #expect(sheets.map(\.name) == ["Totaux par client", "Lignes de facture", "Tickets"])
        for s in sheets {
            #expect(s.freeze == "A2", "header row of \(s.name) frozen")
            #expect(s.filter?.hasPrefix("A1:") == true, "autofilter on \(s.name)")
            #expect(!s.widths.isEmpty, "column widths of \(s.name)")
        }
        #expect(summary.sheets.map(\.rows) == sheets.map { $0.rows.count - 1 })

        // Tickets: every billed ticket line, typed; amounts back to the ledger's cents.
        let tickets = try #require(sheets.last)
        let (count, amount, share) = try m.ledger.engine.read { db -> (Int, Int64, Int64) in
            let r = try #require(
                try db.fetchOne(
                    sql: """
                        SELECT COUNT(*), SUM(t.amount), SUM(t.employer_share) FROM ticket_line t
                        WHERE EXISTS (SELECT 1 FROM invoice_site_day s JOIN invoice i ON i.id = s.invoice_id
                                      WHERE s.file_id = t.file_id AND s.client = t.client AND i.status = 'issued' AND i.origin = 'contract'
                                        AND i.period_end BETWEEN '2026-10-01' AND '2026-10-31')
                        """))
            return try (r[0], r[1], r[2])
        }
        #expect(count > 10_000)
        #expect(tickets.body.count == count)
        let day = try tickets.column("Jour"), quantity = try tickets.column("Quantité"),
            amountColumn = try tickets.column("Montant TTC")
        let shareColumn = try tickets.column("Part patronale TTC"), invoice = try tickets.column("Facture")
        let lineLabel = try tickets.column("Libellé de la ligne de facture"), category = try tickets.column("Catégorie")
        let activity = try tickets.column("Activité")
        #expect(tickets.body.allSatisfy { $0[day]?.type == "d" && $0[day]?.format == "dd/mm/yyyy" })
        #expect(tickets.body.allSatisfy { $0[quantity]?.type == "n" && $0[amountColumn]?.type == "n" })
        #expect(tickets.body.allSatisfy { $0[amountColumn]?.format == "#,##0.00" })
        #expect(tickets.body.compactMap { $0[amountColumn]?.cents }.reduce(0, +) == amount)
        #expect(tickets.body.compactMap { $0[shareColumn]?.cents }.reduce(0, +) == share)
        let days = Set(tickets.body.compactMap { $0[day]?.text })
        #expect(days.allSatisfy { $0 >= "2026-09-28" && $0 <= "2026-10-31" })
        let numbers = try m.ledger.engine.read { db in
            try Set(db.fetchColumn(String.self, sql: "SELECT number FROM invoice WHERE status = 'issued'"))
        }
        #expect(tickets.body.allSatisfy { $0[invoice]?.text.map(numbers.contains) == true })
        // A self-service line of category A is linked to the subsidy line of category A.
        let subsidised = tickets.body.filter { $0[activity]?.text == "SELF" && $0[category]?.text == "A" }
        #expect(!subsidised.isEmpty)
        #expect(
            subsidised.allSatisfy { row in
                row[lineLabel]?.text.map { $0.contains("catégorie A") || !$0.contains("catégorie") } ?? true
            })
        #expect(subsidised.filter { $0[lineLabel]?.text?.contains("catégorie A") == true }.count > subsidised.count / 2)

        // Totals per client equal the issued invoices, to the cent.
        let totals = sheets[0]
        let expected = try m.invoicedByClient()
        let client = try totals.column("Client"), ht = try totals.column("Facturé HT"),
            vat = try totals.column("TVA facturée")
        let ttc = try totals.column("Facturé TTC")
        let clientRows = totals.body.filter { $0[client]?.text != "Total" }
        #expect(clientRows.count == expected.count)
        for row in clientRows {
            let code = try #require(row[client]?.text)
            let e = try #require(expected[code])
            #expect(row[ht]?.cents == e.ht && row[vat]?.cents == e.vat && row[ttc]?.cents == e.ttc, "totals of \(code)")
        }
        let total = try #require(totals.body.last)
        #expect(total[client]?.text == "Total")
        #expect(total[ttc]?.cents == expected.values.map(\.ttc).reduce(0, +))
        #expect(total[try totals.column("Lignes de caisse")]?.number == Double(count))

        // Invoice lines add up to their invoice's total HT.
        let lines = sheets[1]
        let number = try lines.column("Facture"), net = try lines.column("Montant HT")
        var byInvoice: [String: Int64] = [:]
        for row in lines.body { byInvoice[row[number]?.text ?? "", default: 0] += row[net]?.cents ?? 0 }
        let stored = try m.ledger.engine.read { db in
            try Dictionary(
                uniqueKeysWithValues: db.fetchAll(
                    sql: """
                        SELECT number, CASE type WHEN 'credit_note' THEN -total_ht ELSE total_ht END FROM invoice
                        WHERE status = 'issued' AND origin IN ('contract', 'correction') AND period_end BETWEEN '2026-10-01' AND '2026-10-31'
                        """
                ).map { try ($0[0] as String, $0[1] as Int64) })
        }
        #expect(byInvoice == stored)
    }

    @Test(.enabled(if: Readers.soffice || Tools.inCI, "LibreOffice missing: run .ci/setup"))
    func restaurantsWorkbookOpensInLibreOfficeWithTheSameTotals() throws {
        let m = try month()
        let path = m.path("restaurants.xlsx")
        _ = try m.exports.restaurants(period: BilledMonth.october, to: path)
        let sheets = try Readers.libreOffice(path)
        #expect(Set(sheets.keys) == ["Totaux par client", "Lignes de facture", "Tickets"])
        let totals = try #require(sheets["Totaux par client"])
        #expect(
            totals.first == [
                "Client", "Documents", "Lignes de caisse", "Montant des tickets TTC", "Part patronale TTC",
                "Facturé HT", "TVA facturée", "Facturé TTC"
            ])
        let expected = try m.invoicedByClient()
        for row in totals.dropFirst() where row.first != "Total" {
            let e = try #require(expected[row[0]])
            // Values, not as shown: a plain decimal of the cents.
            #expect(Readers.cents(row[5]) == e.ht && Readers.cents(row[7]) == e.ttc, "totals of \(row[0]): \(row)")
        }
        let tickets = try #require(sheets["Tickets"])
        #expect(tickets.count - 1 > 10_000)
        // Days are dates LibreOffice shows in the French form the cells ask for.
        #expect(
            tickets.dropFirst().allSatisfy {
                $0[2].range(of: #"^\d{2}/\d{2}/2026$"#, options: .regularExpression) != nil
            })
    }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func eventsWorkbookHighlightsDifferencesBetweenOrderedAndInvoiced() throws {
        let m = try month()
        let path = m.path("events.xlsx")
        _ = try m.exports.events(period: BilledMonth.october, to: path)
        let sheets = try Readers.openpyxl(path)
        #expect(sheets.map(\.name) == ["Commandes", "Lignes de commande", "Documents"])
        let orders = sheets[0]
        let order = try orders.column("Commande"), current = try orders.column("Actuelle"),
            all = try orders.column("Facturé HT (tous documents)")
        let difference = try orders.column("Écart HT"), ordered = try orders.column("Commandé HT")
        let (first, last) = (BilledMonth.october.start.ordinal, BilledMonth.october.end.ordinal)
        let revisions = try m.ledger.engine.read { db in
            try db.fetchValue(
                Int.self,
                sql: """
                    SELECT COUNT(*) FROM event_order_revision WHERE order_id IN (
                      SELECT order_id FROM event_order_revision WHERE event_date BETWEEN \(first) AND \(last) OR delivered_day BETWEEN \(first) AND \(last)
                      UNION SELECT l.order_id FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id
                      WHERE i.status = 'issued' AND i.issue_date BETWEEN '2026-10-01' AND '2026-10-31')
                    """) ?? 0
        }
        #expect(revisions > 100)
        #expect(orders.body.count == revisions)
        let invoiced = try m.ledger.engine.read { db in
            try Dictionary(
                uniqueKeysWithValues: db.fetchAll(
                    sql: """
                        SELECT l.order_id, SUM(CASE i.type WHEN 'credit_note' THEN -l.net ELSE l.net END) FROM invoice_line l
                        JOIN invoice i ON i.id = l.invoice_id WHERE i.status = 'issued' AND l.order_id IS NOT NULL GROUP BY l.order_id
                        """
                ).map { try ($0[0] as String, $0[1] as Int64) })
        }
        var highlighted = 0
        for row in orders.body where row[current]?.text == "oui" {
            let id = try #require(row[order]?.text)
            #expect(row[all]?.cents == invoiced[id] ?? 0, "invoiced HT of \(id)")
            let d = try #require(row[difference]?.cents)
            #expect(row[ordered]?.type == "n")
            #expect((row[difference]?.fill != nil) == (d != 0), "highlight of \(id)")
            if d != 0 { highlighted += 1 }
        }
        #expect(highlighted > 0)
        #expect(
            orders.body.filter { $0[current]?.text == "non" }.allSatisfy {
                $0.count <= difference || $0[difference] == nil
            })
        let documents = sheets[2]
        let net = try documents.column("Montant HT"), issue = try documents.column("Date d'émission")
        #expect(documents.body.allSatisfy { $0[issue]?.type == "d" && $0[net]?.type == "n" })
        #expect(documents.body.compactMap { $0[net]?.cents }.reduce(0, +) == invoiced.values.reduce(0, +))
    }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func unbilledWorkbookIsTheReportOfThePeriod() throws {
        let m = try month()
        let report = try m.workspace.engine(today: BilledMonth.issueDay)
            .unbilled(period: BilledMonth.october, issueDate: BilledMonth.issueDay)
        let path = m.path("unbilled.xlsx")
        _ = try ControlExports.unbilled(report, to: path)
        let sheets = try Readers.openpyxl(path)
        #expect(sheets.map(\.name) == ["Non facturé", "Revenus tardifs"])
        let items = sheets[0]
        #expect(items.body.count == report.items.count + 1)
        let amount = try items.column("Montant TTC"), reason = try items.column("Raison")
        for (row, item) in zip(items.body, report.items) {
            #expect(row[amount]?.cents == item.amountTTC.cents && row[reason]?.text == item.reason)
        }
        #expect(items.body.last?[amount]?.cents == report.totalTTC.cents)
    }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func closingWorkbookIsTheClosingReport() throws {
        let m = try month()
        let engine = try m.workspace.engine(today: BilledMonth.issueDay.adding(days: 1))
        let report = try engine.closingReport(month: BilledMonth.october, today: BilledMonth.issueDay.adding(days: 1))
        let path = m.path("closing.xlsx")
        _ = try ControlExports.closing(report, to: path)
        let sheets = try Readers.openpyxl(path)
        #expect(sheets.map(\.name) == ["Contrôles", "Documents", "Activités", "TVA", "Comptes"])
        #expect(sheets.allSatisfy { $0.freeze == "A2" })
        let checks = sheets[0]
        let named = checks.body.compactMap { $0[0]?.text }
        for c in report.checks { #expect(named.contains(c.name)) }
        let failed = checks.body.filter { $0[1]?.text == "ÉCHEC" }
        #expect(failed.count == report.checks.filter { !$0.passed }.count)
        #expect(failed.allSatisfy { $0[1]?.fill != nil })
        // Totals are numbers equal to the report's, to the cent.
        let activities = sheets[2]
        #expect(activities.body.last?[1]?.cents == report.totalHT.cents)
        #expect(activities.body.dropLast().compactMap { $0[1]?.cents }.reduce(0, +) == report.totalHT.cents)
        #expect(sheets[3].body.last?[2]?.cents == report.totalVAT.cents)
        let accounts = sheets[4]
        #expect(accounts.body.last?[2]?.cents == accounts.body.last?[3]?.cents)
        #expect(sheets[1].body.map { $0[0]?.text } == report.series.map(\.series))
    }

    @Test(.enabled(if: Readers.openpyxl || Tools.inCI, "openpyxl missing: run .ci/setup"))
    func aSheetPastTheRowLimitContinuesOnNumberedSheetsWithTheSameHeader() throws {
        let path = Repository.temporaryDirectory("ardoise-xlsx").appendingPathComponent("long.xlsx").path
        let workbook = try Workbook(path: path, constantMemory: true)
        workbook.rowLimit = 3  // the header and two rows per sheet
        let sheet = try workbook.addSheet("Rows", columns: [Column("N"), Column("Day")])
        let other = try workbook.addSheet("Other", columns: [Column("X")])
        for n in 1...5 { try sheet.append([.integer(n), .date(Day(ordinal: 20_727 + n))]) }
        try other.append([.text("x")])
        try workbook.close()
        #expect(sheet.rowCount == 5 && sheet.parts == 3)
        let sheets = try Readers.openpyxl(path)
        #expect(sheets.map(\.name) == ["Rows", "Other", "Rows (2)", "Rows (3)"])
        let parts = sheets.filter { $0.name.hasPrefix("Rows") }
        #expect(parts.allSatisfy { $0.header == ["N", "Day"] && $0.freeze == "A2" })
        #expect(parts.flatMap { $0.body.compactMap { $0[0]?.number } } == [1, 2, 3, 4, 5])
        #expect(parts.map(\.filter) == ["A1:B3", "A1:B3", "A1:B2"])
    }

    @Test func aWorkbookThatCannotBeWrittenIsAnErrorNamingTheFile() throws {
        let path = "/nonexistent-\(UUID().uuidString)/out.xlsx"
        let workbook = try Workbook(path: path)
        let sheet = try workbook.addSheet("Sheet", columns: [Column("A")])
        try sheet.append([.integer(1)])
        let error = try #require(throws: SpreadsheetError.self) { try workbook.close() }
        #expect(error.file == path && error.description.hasPrefix(path + ": "))
    }

    @Test func badSheetNamesAndRowsWiderThanTheHeaderAreRefused() throws {
        let path = Repository.temporaryDirectory("ardoise-xlsx").appendingPathComponent("bad.xlsx").path
        let workbook = try Workbook(path: path)
        #expect(throws: SpreadsheetError.self) { try workbook.addSheet("a/b", columns: [Column("A")]) }
        let sheet = try workbook.addSheet("Good", columns: [Column("A")])
        #expect(throws: SpreadsheetError.self) { try workbook.addSheet("good", columns: [Column("A")]) }
        #expect(throws: SpreadsheetError.self) { try sheet.append([.integer(1), .integer(2)]) }
    }

    @Test func aWorkbookDroppedWithoutClosingWritesNothing() throws {
        let path = Repository.temporaryDirectory("ardoise-xlsx").appendingPathComponent("dropped.xlsx").path
        do {
            let workbook = try Workbook(path: path, constantMemory: true)
            try workbook.addSheet("S", columns: [Column("A")]).append([.text("x")])
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func amountsAreTheirCentsOverAHundredAndDatesExcelSerials() throws {
        #expect(Cell.amount(cents: 123_456).number == 1234.56)
        #expect(Cell.amount(cents: -5).number == -0.05)
        #expect(Cell.decimal(55_000, scale: 4, places: 1).number == 5.5)
        // 2026-10-01 is Excel day 46296; 1970-01-01 is 25569.
        #expect(Cell.date(try #require(Day(iso: "2026-10-01"))).number == 46_296)
        #expect(Cell.date(Day(ordinal: 0)).number == 25_569)
    }

    @Test func aSubsidyLineNamesItsCategory() {
        #expect(ControlExports.category(inLabel: "Subvention employeur catégorie A") == "A")
        #expect(ControlExports.category(inLabel: "Subvention employeur catégorie STA (37 couverts)") == "STA")
        #expect(ControlExports.category(inLabel: "Subvention employeur catégorie A du 01/10 au 14/10") == "A")
        #expect(ControlExports.category(inLabel: "Repas invités (TVA 10 %)") == nil)
    }
}
