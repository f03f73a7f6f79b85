import BillingEngine
import BillingModel
import Documents
import Foundation
@testable import Ledger
import Settings
import Testing
import TestSupport
import Workspace

/// What was issued stays as issued: files stored at validation, served and
/// sent as stored, chained, and checked by `verify` against raw tampering.
@Suite(.serialized) struct IssuedRecordTests {
    static func validatedMonth() throws -> BilledMonth {
        let m = try BilledMonth()
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        return m
    }

    /// Settings where the seller moved and changed bank.
    static func moved(_ s: MasterData) -> MasterData {
        var s = s
        s.seller.address.lines = ["99 avenue du Déménagement"]
        s.seller.iban = "FR76 3000 4000 0500 0012 3456 789"
        return s
    }

    @Test func documentsAreStoredAtValidationAndServedAndSentAsIssuedWhateverTheSettingsBecome() throws {
        let m = try Self.validatedMonth()
        let issued = try m.ledger.invoices(status: .issued)
        #expect(try count(m.ledger, "SELECT COUNT(*) FROM issued_document WHERE at_issue = 1") == issued.count)
        let invoice = try #require(issued.first)
        let invoiceID = try #require(invoice.id)
        let stored = try #require(try m.ledger.invoice(id: invoiceID))
        let pdf = try m.workspace.documentFile(stored, xml: false)
        let xml = try m.workspace.documentFile(stored, xml: true)
        let row = try #require(
            try m.ledger.engine.read { db in
                try db.fetchOne(
                    sql: "SELECT pdf_sha256, xml_sha256 FROM issued_document WHERE invoice_id = ?",
                    arguments: [invoice.id])
            })
        #expect(ContentHash.sha256(pdf) == (try row[0] as String))
        #expect(ContentHash.sha256(xml) == (try row[1] as String))

        // The seller moves and changes bank: a fresh render would say so, the issued document does not.
        let later = m.workspace.with(settings: Self.moved(m.workspace.settings))
        let fresh = try later.documents.render(later.document(stored), facturX: FacturX.withSystemProfile())
        #expect(fresh.xml.map { Array($0.utf8) } != xml)
        #expect(try later.documentFile(stored, xml: false) == pdf)
        #expect(try later.documentFile(stored, xml: true) == xml)
        let text = String(decoding: xml, as: UTF8.self)
        #expect(text.contains(m.workspace.settings.seller.iban.filter { $0 != " " }))
        #expect(!text.contains("FR7630004000050000123456789"))

        // `invoices export` writes the same bytes.
        let folder = Repository.temporaryDirectory("ardoise-stored-export")
        for i in issued {
            let files = try #require(try later.issuedFiles(i))
            try Data(files.pdf).write(to: folder.appendingPathComponent("\(i.number ?? "").pdf"))
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent("\(invoice.number ?? "").pdf")) == Data(pdf))

        // The e-mail attaches the stored PDF.
        let queued = try #require(try m.ledger.outboxMessage(invoiceID: invoiceID))
        let sender = OutboxSender(
            ledger: m.ledger, documents: later.documents, facturX: try FacturX.withSystemProfile(),
            smtp: m.smtp(port: 2525))
        let message = try sender.message(queued, stored)
        #expect(message.attachments.first?.bytes == pdf)
    }

    @Test func validationRendersEachDocumentOnceAheadOfItsTransactionAndStoresThoseBytes() throws {
        let m = try BilledMonth(settings: { $0 }, storing: false)
        let renderer = m.workspace.documents.renderer(facturX: try FacturX.withSystemProfile())
        let calls = Counter()
        let engine = Engine(
            ledger: m.ledger, settings: m.workspace.settings,
            contracts: m.workspace.rules(today: BilledMonth.issueDay).contracts,
            render: { stored, references in
                calls.increment()
                return try renderer(stored, references)
            })
        // The automatic contracts' invoices, issued by BilledMonth's engine without a renderer, are stored on the way.
        let before = try m.ledger.invoices(status: .issued).count
        let ids = try m.ledger.invoices(status: .proforma).compactMap(\.id)
        let numbers = try engine.validate(ids: ids, on: BilledMonth.issueDay, now: BilledMonth.t0)
        #expect(numbers.count == ids.count && ids.count > 1)
        #expect(calls.value == ids.count + before)
        // The bytes stored are those of the document as issued.
        for id in ids {
            let stored = try #require(try m.ledger.invoice(id: id))
            let fresh = try renderer(stored, try m.ledger.references(of: stored.invoice))
            #expect(try m.ledger.issuedFiles(invoiceID: id, render: renderer, actor: "test") == fresh)
        }
        #expect(try m.ledger.verifyIssuedDocuments().intact)
    }

    @Test func eachDocumentRecordsTheHashOfThePreviousOneOfItsSeries() throws {
        let m = try Self.validatedMonth()
        let rows = try m.ledger.engine.read { db in
            try db.fetchAll(
                sql:
                    "SELECT series, sequence, previous_hash, hash, content FROM issued_document ORDER BY series, sequence"
            )
        }
        #expect(rows.count >= 2)
        var previous: [String: String] = [:]
        for r in rows {
            let series: String = try r[0], content: String = try r[4]
            let previousHash: String = try r[2], hash: String = try r[3]
            #expect(previousHash == previous[series] ?? IssuedContent.genesis)
            #expect(ContentHash.sha256(content.utf8) == hash)
            #expect(content.contains("previous: \"\(previousHash)\""))
            previous[series] = hash
        }
        // The database refuses a row that does not follow its chain, and any change to a stored one.
        #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try db.execute(sql: "UPDATE issued_document SET pdf = ? WHERE sequence = 1", arguments: [Data([0])])
            }
        }
        #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try db.execute(sql: "DELETE FROM issued_document WHERE sequence = 1")
            }
        }
        // A row that skips a link: a copy of the last row of a series, as the next one, with a forged previous hash.
        let refused = #expect(throws: SQLEngineError.self) {
            try m.ledger.engine.transaction { db in
                try dropTrigger(db, "issued_document_frozen_delete", on: "issued_document")
                try db.execute(
                    sql: "CREATE TEMP TABLE forged AS SELECT * FROM issued_document ORDER BY sequence DESC LIMIT 1")
                try db.execute(sql: "DELETE FROM issued_document WHERE invoice_id = (SELECT invoice_id FROM forged)")
                try db.execute(
                    sql: """
                        INSERT INTO issued_document SELECT invoice_id, series, sequence, pdf, pdf_sha256, xml, xml_sha256, content,
                          '\(String(repeating: "1", count: 64))', hash, stored_at, at_issue FROM forged
                        """)
            }
        }
        #expect(
            refused?.message.contains("joins its chain right after the previous one") == true,
            "\(String(describing: refused))")
    }

    @Test func verifyFindsAnIntactLedgerThenNamesEachTamperingAndWhatDiffers() throws {
        let m = try Self.validatedMonth()
        #expect(try m.ledger.verifyIssuedDocuments().intact)
        let victim = try #require(try m.ledger.invoices(status: .issued).first)
        let number = try #require(victim.number)
        let victimID = try #require(victim.id)
        let label = try #require(try m.ledger.invoice(id: victimID)?.lines.first?.label)

        // Someone with the database file drops the trigger and rewrites a line.
        try m.ledger.engine.write { db in
            try dropTrigger(db, "invoice_line_frozen_update", on: "invoice_line")
            try dropTrigger(db, "invoice_line_frozen_target", on: "invoice_line")
            try db.execute(
                sql: "UPDATE invoice_line SET label = 'Remise exceptionnelle' WHERE invoice_id = ? AND position = 1",
                arguments: [victim.id])
        }
        let report = try m.ledger.verifyIssuedDocuments()
        #expect(!report.intact)
        let line = try #require(report.breaks.first { $0.number == number && $0.kind == "content" })
        #expect(line.detail.hasPrefix("line 1: issued [\(IssuedContent.quote(label))"), "\(line.detail)")
        #expect(line.detail.contains("now [\"Remise exceptionnelle\""), "\(line.detail)")

        // And the stored PDF's bytes.
        let other = try #require(try m.ledger.invoices(status: .issued).dropFirst().first)
        try m.ledger.engine.write { db in
            try dropTrigger(db, "issued_document_frozen_update", on: "issued_document")
            try db.execute(
                sql: "UPDATE issued_document SET pdf = ? WHERE invoice_id = ?",
                arguments: [Data("%PDF-forged".utf8), other.id])
        }
        let again = try m.ledger.verifyIssuedDocuments()
        #expect(again.breaks.contains { $0.number == other.number && $0.kind == "pdf" })
        let text = ChainReportFormat.text(again)
        #expect(text.contains("break\t\(number)\tcontent\tline 1: issued"))
        #expect(ChainReportFormat.json(again).contains("\"intact\":false"))

        // A document rewritten with its hash recomputed breaks the link from the next one.
        let third = try #require(
            try m.ledger.engine.read { db in
                try db.fetchOne(
                    sql: "SELECT invoice_id, series, sequence, content FROM issued_document WHERE sequence = 3 LIMIT 1")
            })
        let forged = (try third[3] as String).replacingOccurrences(of: "total_ttc: ", with: "total_ttc: 1")
        try m.ledger.engine.write { db in
            try db.execute(
                sql: "UPDATE issued_document SET content = ?, hash = ? WHERE invoice_id = ?",
                arguments: [forged, ContentHash.sha256(forged.utf8), try third[0] as Int64])
        }
        let third4 = try #require(
            try m.ledger.engine.read { db in
                try db.fetchValue(
                    String.self,
                    sql: """
                        SELECT v.number FROM issued_document d JOIN invoice v ON v.id = d.invoice_id WHERE d.series = ? AND d.sequence = 4
                        """, arguments: [try third[1] as String])
            })
        let last = try m.ledger.verifyIssuedDocuments()
        #expect(last.breaks.contains { $0.number == third4 && $0.kind == "chain" }, "\(last.breaks)")
    }

    @Test func documentsIssuedBeforeDocumentsWereStoredAreStoredInNumberOrderAtTheirFirstRender() throws {
        // An engine without a renderer issues as before this change: nothing stored.
        let m = try BilledMonth(settings: { $0 }, storing: false)
        #expect(m.engine.render == nil)
        _ = try m.engine.validate(
            ids: m.ledger.invoices(status: .proforma).compactMap(\.id), on: BilledMonth.issueDay, now: BilledMonth.t0)
        let first = try #require(try m.ledger.invoices(status: .issued).first)
        let issued = try m.ledger.invoices(status: .issued).filter { $0.series == first.series }
        #expect(try count(m.ledger, "SELECT COUNT(*) FROM issued_document") == 0)
        let report = try m.ledger.verifyIssuedDocuments()
        #expect(report.breaks.contains { $0.kind == "not stored" })

        // The third document of a series asked for first: the two before it are stored first, so the chain follows the numbers.
        let byNumber = issued.sorted { ($0.number ?? "") < ($1.number ?? "") }
        #expect(byNumber.count >= 3)
        let third = byNumber[2]
        _ = try #require(try m.workspace.issuedFiles(third))
        let sequences = try m.ledger.engine.read { db in
            try db.fetchAll(
                sql: """
                    SELECT v.number, d.sequence, d.at_issue FROM issued_document d JOIN invoice v ON v.id = d.invoice_id ORDER BY d.sequence
                    """
            ).map { "\(try $0[0] as String) \(try $0[1] as Int64) \(try $0[2] as Int64)" }
        }
        #expect(sequences == byNumber.prefix(3).enumerated().map { "\($0.element.number ?? "") \($0.offset + 1) 0" })
        #expect(try m.ledger.auditLog(invoiceID: third.id).contains { $0.action == "store" })

        // Serving every document (what `invoices export` does) completes the record; a new validation chains after it.
        for i in try m.ledger.invoices(status: .issued) { _ = try m.workspace.issuedFiles(i) }
        let after = try m.ledger.verifyIssuedDocuments()
        #expect(after.intact, "\(after.breaks)")
        #expect(after.series.map(\.storedAfterIssue).reduce(0, +) == (try m.ledger.invoices(status: .issued).count))
    }
}

func count(_ ledger: LedgerDatabase, _ sql: String) throws -> Int {
    try ledger.engine.read { db in try db.fetchValue(Int64.self, sql: sql) }.map { Int($0) } ?? -1
}

/// Drops trigger `name` of `table` in this transaction (what someone with the database's own client can do).
func dropTrigger(_ db: any SQLSession, _ name: String, on table: String) throws {
    try db.execute(sql: db.sql(sqlite: "DROP TRIGGER \(name)", postgres: "DROP TRIGGER \(name) ON \(table)"))
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}
