import Foundation
import GRDB
import Synchronization

/// The files of an issued document, rendered once: the Factur-X PDF and its CII XML.
public struct IssuedFiles: Sendable, Hashable {
    public var pdf: [UInt8]
    public var xml: [UInt8]
    public init(pdf: [UInt8], xml: [UInt8]) {
        self.pdf = pdf
        self.xml = xml
    }
}

/// Renders an issued document's files (the ledger knows neither the settings
/// nor the renderers: the workspace gives this when it validates or serves).
public typealias DocumentRenderer = @Sendable (StoredInvoice, DocumentReferences) throws -> IssuedFiles

/// One stored document as `verify` and the commands read it.
public struct IssuedDocumentRecord: Sendable, Hashable {
    public var invoiceID: Int64
    public var series: String
    public var sequence: Int64
    public var files: IssuedFiles
    public var pdfSHA256: String
    public var xmlSHA256: String
    public var content: String
    public var previousHash: String
    public var hash: String
    public var storedAt: String
    /// False for a document issued before documents were stored, stored at its first render.
    public var atIssue: Bool
}

/// The canonical serialisation of an issued document's frozen content, the
/// text its chain hash is the SHA-256 of. One field per line, `name: value`,
/// values in JSON (strings escaped, integers in cents or ten-thousandths),
/// in this fixed order; a line per invoice line and per VAT rate. Being
/// line-based, two serialisations compare field by field, so `verify` says
/// what differs, not only that something does.
public enum IssuedContent {
    public static let format = "ardoise-issued-document/1"
    public static let genesis = String(repeating: "0", count: 64)

    public static func serialise(
        _ s: StoredInvoice, sequence: Int64, creditedNumber: String?, pdfSHA256: String,
        xmlSHA256: String, previousHash: String
    ) -> String {
        let i = s.invoice
        func str(_ v: String?) -> String { v.map(quote) ?? "null" }
        var out: [String] = [
            "format: \(quote(format))",
            "series: \(quote(i.series))",
            "sequence: \(sequence)",
            "number: \(str(i.number))",
            "type: \(quote(i.type.rawValue))",
            "issue_date: \(quote(i.issueDate.description))",
            "due_date: \(quote(i.dueDate.description))",
            "client: \(quote(i.client))",
            "payer: \(str(i.payer))",
            "site: \(str(i.site))",
            "period: \(quote("\(i.periodStart)..\(i.periodEnd)"))",
            "payment_terms: \(quote(i.paymentTerms.description))",
            "po_number: \(str(i.poNumber))",
            "order: \(str(i.orderId.map { o in i.orderRevision.map { "\(o) revision \($0)" } ?? o }))",
            "credited: \(str(creditedNumber))"
        ]
        for l in s.lines {
            let service = l.serviceStart.flatMap { a in l.serviceEnd.map { quote("\(a)..\($0)") } } ?? "null"
            out.append(
                "line \(l.position): [\(quote(l.label)),\(l.quantity),\(l.unitPrice),\(l.net),\(l.vatRate),\(service)]")
        }
        for v in s.vat { out.append("vat \(v.rate): [\(v.base),\(v.vat)]") }
        out += [
            "total_ht: \(i.totalHt)",
            "total_vat: \(i.totalVat)",
            "total_ttc: \(i.totalTtc)",
            "pdf_sha256: \(quote(pdfSHA256))",
            "xml_sha256: \(quote(xmlSHA256))",
            "previous: \(quote(previousHash))"
        ]
        return out.joined(separator: "\n") + "\n"
    }

    /// The fields that differ between two serialisations: `line 2: issued […], now […]`.
    public static func differences(issued: String, now: String) -> [String] {
        // Almost always: `verify` compares every issued document.
        if issued == now { return [] }
        func fields(_ text: String) -> [(String, String)] {
            text.split(separator: "\n").map { line in
                guard let r = line.range(of: ": ") else { return (String(line), "") }
                return (String(line[..<r.lowerBound]), String(line[r.upperBound...]))
            }
        }
        let a = fields(issued), b = fields(now)
        let av = Dictionary(a, uniquingKeysWith: { x, _ in x }), bv = Dictionary(b, uniquingKeysWith: { x, _ in x })
        var out: [String] = []
        var seen = Set<String>()
        for (k, _) in a + b where seen.insert(k).inserted {
            switch (av[k], bv[k]) {
            case let (x?, y?) where x != y: out.append("\(k): issued \(x), now \(y)")
            case let (x?, nil): out.append("\(k): issued \(x), now absent")
            case let (nil, y?): out.append("\(k): absent when issued, now \(y)")
            default: break
            }
        }
        return out
    }

    /// JSON string escaping, part of the format (kept here so the format never follows another module's changes).
    public static func quote(_ s: String) -> String {
        // Almost every value escapes nothing: copied whole (`verify` quotes every field of every document and
        // audit row; one scalar at a time was a twentieth of its time).
        if !s.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + s + "\""
        }
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let hex = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension LedgerDatabase {
    /// Stores the files of the issued documents of `series` not stored yet, in
    /// number order, each chained to the one before, until `invoiceID` is
    /// stored. At validation that is the one document just issued; in a
    /// ledger holding documents issued before documents were stored, the
    /// earlier ones of the series are stored first (`atIssue` false, an audit
    /// entry each), so the chain follows the numbers.
    func storeIssuedDocuments(
        series: String, upTo invoiceID: Int64, atIssue: Bool, render: DocumentRenderer, actor: String,
        now: String, db: any SQLSession
    ) throws {
        // At issue, when every earlier number of the series is stored (stored sequences are 1…k without gap),
        // the one just issued is the only one pending: no scan of the series.
        let stored =
            try db.fetchValue(
                Int64.self, sql: "SELECT MAX(sequence) FROM issued_document WHERE series = ?",
                arguments: [series]) ?? 0
        let given =
            try db.fetchValue(
                Int64.self, sql: "SELECT last_number FROM number_series WHERE code = ?",
                arguments: [series]) ?? 0
        let pending =
            atIssue && stored == given - 1
            ? [invoiceID]
            : try db.fetchColumn(
                Int64.self,
                sql: """
                    SELECT v.id FROM invoice v WHERE v.series = ? AND v.status = 'issued'
                      AND NOT EXISTS (SELECT 1 FROM issued_document d WHERE d.invoice_id = v.id)
                    ORDER BY length(v.number), v.number
                    """, arguments: [series])
        guard pending.contains(invoiceID) else { return }
        var last: (sequence: Int64, hash: String) =
            try db.fetchOne(
                sql: """
                    SELECT sequence, hash FROM issued_document WHERE series = ? ORDER BY sequence DESC LIMIT 1
                    """, arguments: [series]
            ).map { try (sequence: $0[0] as Int64, hash: $0[1] as String) } ?? (
                sequence: 0, hash: IssuedContent.genesis
            )
        for id in pending {
            guard let invoice = try db.fetchRecord(Invoice.self, id: id) else { continue }
            // Stored late only when Ardoise issued it (its `validate` is in the audit log): a document
            // issued by SQL on the file is a break for `verify`, never repaired by storing it.
            if !(atIssue && id == invoiceID), try !issuedByValidation(id, db: db) {
                throw InvoiceError.notIssuedByArdoise(document: invoice.number ?? "document \(id)", series: series)
            }
            let stored = try withLines(invoice, db)
            let references = try references(of: invoice, db: db)
            let files = try render(stored, references)
            let pdfHash = ContentHash.sha256(files.pdf), xmlHash = ContentHash.sha256(files.xml)
            let sequence = last.sequence + 1
            let content = IssuedContent.serialise(
                stored, sequence: sequence, creditedNumber: references.credited?.number,
                pdfSHA256: pdfHash, xmlSHA256: xmlHash, previousHash: last.hash)
            let hash = ContentHash.sha256(content.utf8)
            let late = !(atIssue && id == invoiceID)
            try db.execute(
                sql: """
                    INSERT INTO issued_document(invoice_id, series, sequence, pdf, pdf_sha256, xml, xml_sha256, content, previous_hash,
                                                hash, stored_at, at_issue)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    id, series, sequence, Data(files.pdf), pdfHash, Data(files.xml), xmlHash, content, last.hash,
                    hash, now, late ? 0 : 1
                ])
            if late {
                try appendAudit(
                    db, at: now, actor: actor, action: "store", invoiceID: id,
                    AuditParameters(["cause": .text("stored-late")]))
            }
            last = (sequence, hash)
            if id == invoiceID { break }
        }
    }

    /// The stored files of an issued document; when it has none (issued before
    /// documents were stored), they are rendered by `render`, stored and
    /// chained now, with the earlier ones of its series. Nil for a proforma.
    public func issuedFiles(invoiceID: Int64, render: DocumentRenderer, actor: String, at date: Date = Date()) throws
        -> IssuedFiles?
    {
        if let found = try engine.read({ db in try storedFiles(invoiceID: invoiceID, db: db) }) { return found }
        return try engine.write { db in
            guard let invoice = try db.fetchRecord(Invoice.self, id: invoiceID), invoice.status == .issued else {
                return nil
            }
            try storeIssuedDocuments(
                series: invoice.series, upTo: invoiceID, atIssue: false, render: render, actor: actor,
                now: LedgerDatabase.timestamp(date), db: db)
            return try storedFiles(invoiceID: invoiceID, db: db)
        }
    }

    /// The last number a series gave (0 when it gave none).
    public func lastNumber(series: String) throws -> Int64 {
        try engine.read { db in
            try db.fetchValue(
                Int64.self, sql: "SELECT last_number FROM number_series WHERE code = ?", arguments: [series]) ?? 0
        }
    }

    func storedFiles(invoiceID: Int64, db: any SQLSession) throws -> IssuedFiles? {
        try db.fetchOne(sql: "SELECT pdf, xml FROM issued_document WHERE invoice_id = ?", arguments: [invoiceID])
            .map { try IssuedFiles(pdf: $0[0], xml: $0[1]) }
    }
}

/// What `ardoise verify` found: per series, the chain; and every break.
public struct ChainReport: Sendable {
    public struct Series: Sendable, Hashable {
        public var series: String
        public var documents: Int
        /// Issued documents of the series with no stored files yet (issued before documents were stored).
        public var notStored: Int
        /// Stored at their first render, after issue (issued before documents were stored).
        public var storedAfterIssue: Int
        /// The hash of the series' last stored document: noted elsewhere, it shows a chain was not rewritten from its end.
        public var lastHash: String
    }

    public struct Break: Sendable, Hashable {
        public var series: String
        /// The document's number (or the series' name for a break of the series itself).
        public var number: String
        /// `content`, `hash`, `chain`, `pdf`, `xml`, `sequence`, `chronology`, `not stored`, `numbering`.
        public var kind: String
        public var detail: String
    }

    public var series: [Series] = []
    /// The audit log's and the journal entries' chains (`documents`: their links; rows before "v15 ledger guards" are not chained).
    public var chains: [Series] = []
    public var breaks: [Break] = []
    public var intact: Bool { breaks.isEmpty }
}

extension LedgerDatabase {
    /// Re-checks every series' chain of issued documents: each stored
    /// document's content serialised again from the ledger's rows, its hash,
    /// its link to the previous one, its files' hashes, the sequence with no
    /// gap, dates that never go back; every issued document stored; the
    /// number series' counter matching the documents. Reads one document at a time.
    ///
    /// On SQLite, on both cores: the revenue check (every billed ticket line hashed again) reads its records
    /// on a second connection and hashes the register files it meets, while this one checks the documents
    /// and the chains, then hashes files too until none is left. Each connection reads in its own
    /// transaction: both name the last audit row and the count of issued documents they see (every issue
    /// writes both), and when another process issued in between, the revenue is checked again here alone, so
    /// the report is always of one state of the ledger.
    public func verifyIssuedDocuments() throws -> ChainReport {
        if let postgres = engine as? PostgresEngine { return try verifyOnPostgres(postgres) }
        let work = RevenueWork()
        let done = DispatchGroup()
        done.enter()
        DispatchQueue(label: "ardoise.verify.revenue").async { [engine] in
            defer { done.leave() }
            do {
                try engine.read { db in
                    work.setFingerprint(try LedgerDatabase.verifyFingerprint(db))
                    let hasher = try LedgerGuards.RevenueFileHasher(db)
                    var changed: [LedgerGuards.RevenueKey: Int] = [:]
                    try LedgerGuards.forEachRevenueFile(db) { file in
                        guard work.offer(file) else { throw CancellationError() }
                        while let next = work.take(waiting: false) { try hasher.check(next, into: &changed) }
                    }
                    work.finish(changed)
                }
            } catch {
                work.fail()
            }
        }
        return try engine.read { db in
            defer {
                work.cancel()
                done.wait()
            }
            let fingerprint = try LedgerDatabase.verifyFingerprint(db)
            var report = try verifySeries(db)
            let records = try verifyRecordChains(db)
            // This connection's turn to hash: the files the other one has read and not hashed yet.
            let hasher = try LedgerGuards.RevenueFileHasher(db)
            var changed: [LedgerGuards.RevenueKey: Int] = [:]
            while let file = work.take(waiting: true) { try hasher.check(file, into: &changed) }
            done.wait()
            if let theirs = work.result(fingerprint: fingerprint) {
                changed.merge(theirs) { a, _ in a }
            } else {
                changed = try LedgerGuards.changedRevenue(db)
            }
            report.breaks += records.breaks + (try verifyRevenue(db, changed: changed))
            report.chains = records.chains
            report.breaks += try storedButNotIssued(db)
            report.breaks += try openInvoiceMismatches(db)
            return report
        }
    }

    /// `verify` on PostgreSQL: the documents and the chains on the ledger's connection while a second connection
    /// checks the revenue billed, both in one snapshot (REPEATABLE READ, the first's exported to the second), so
    /// the report is of one state of the ledger however many processes write meanwhile.
    func verifyOnPostgres(_ postgres: PostgresEngine) throws -> ChainReport {
        let other = try PostgresEngine(postgres.location)
        return try postgres.snapshotRead { db in
            guard let snapshot = try db.fetchValue(String.self, sql: "SELECT pg_export_snapshot()") else {
                throw LedgerError.internalInconsistency("PostgreSQL exported no snapshot")
            }
            let revenue = RevenueCheck()
            let done = DispatchGroup()
            done.enter()
            DispatchQueue(label: "ardoise.verify.revenue").async {
                defer { done.leave() }
                revenue.set(
                    Result { try other.snapshotRead(importing: snapshot) { try LedgerGuards.changedRevenue($0) } })
            }
            // The exported snapshot lives as long as this transaction: the other connection is waited for first.
            defer { done.wait() }
            var report = try verifySeries(db)
            let records = try verifyRecordChains(db)
            let stored = try storedButNotIssued(db), open = try openInvoiceMismatches(db)
            done.wait()
            report.breaks += records.breaks + (try verifyRevenue(db, changed: try revenue.get())) + stored + open
            report.chains = records.chains
            return report
        }
    }

    /// What two read transactions compare to know they read the same issued documents.
    static func verifyFingerprint(_ db: any SQLSession) throws -> [Int64] {
        guard
            let r = try db.fetchOne(
                sql: """
                    SELECT (SELECT COALESCE(MAX(id), 0) FROM audit_log), (SELECT COUNT(*) FROM invoice WHERE status = 'issued'),
                           (SELECT COUNT(*) FROM invoice_revenue)
                    """)
        else { return [] }
        return [try r[0], try r[1], try r[2]]
    }

    /// Each series' chain of stored documents (the first part of `verifyIssuedDocuments`).
    func verifySeries(_ db: any SQLSession) throws -> ChainReport {
        var report = ChainReport()
        let seriesCodes = try db.fetchColumn(
            String.self,
            sql: """
                SELECT code FROM number_series WHERE code IN (SELECT series FROM invoice WHERE status = 'issued') ORDER BY code
                """)
        for code in seriesCodes {
            var summary = ChainReport.Series(
                series: code, documents: 0, notStored: 0, storedAfterIssue: 0, lastHash: IssuedContent.genesis)
            func broken(_ number: String, _ kind: String, _ detail: String) {
                report.breaks.append(.init(series: code, number: number, kind: kind, detail: detail))
            }
            var expected = (sequence: Int64(1), previous: IssuedContent.genesis)
            var lastDate = ""
            // The numbers in order first (small rows: only they are sorted), then each document's row by its
            // key, one at a time: a year of stored files is read once and never goes through SQLite's sorter.
            let order = try db.fetchAll(
                sql: """
                    SELECT id, number, issue_date FROM invoice WHERE series = ? AND status = 'issued' ORDER BY length(number), number
                    """, arguments: [code])
            let document = """
                SELECT sequence, pdf_sha256, xml_sha256, content, previous_hash, hash, at_issue
                FROM issued_document WHERE invoice_id = ?
                """
            let files = try StoredFileHasher(db)
            for o in order {
                let id: Int64 = try o[0], number: String = try o[1], issueDate: String = try o[2]
                summary.documents += 1
                if issueDate < lastDate {
                    broken(number, "chronology", "dated \(issueDate), before the document before it (\(lastDate))")
                }
                lastDate = issueDate
                guard let r = try db.fetchOne(sql: document, arguments: [id]), let stored = try files.hashes(of: id)
                else {
                    summary.notStored += 1
                    continue
                }
                let sequence: Int64 = try r[0], pdfHash: String = try r[1], xmlHash: String = try r[2]
                let content: String = try r[3], previous: String = try r[4], hash: String = try r[5]
                let actualPDF = stored.pdf, actualXML = stored.xml
                if try !(r[6] as Bool) { summary.storedAfterIssue += 1 }
                if sequence != expected.sequence {
                    broken(
                        number, "sequence",
                        "stored as document \(sequence) of the series, expected \(expected.sequence)")
                }
                if previous != expected.previous {
                    broken(
                        number, "chain",
                        "records previous hash \(previous), the document before it has \(expected.previous)")
                }
                if ContentHash.sha256(content.utf8) != hash {
                    broken(number, "hash", "its hash \(hash) is not the SHA-256 of its stored content")
                }
                if actualPDF != pdfHash {
                    broken(number, "pdf", "the stored PDF's SHA-256 is \(actualPDF), recorded \(pdfHash)")
                }
                if actualXML != xmlHash {
                    broken(number, "xml", "the stored XML's SHA-256 is \(actualXML), recorded \(xmlHash)")
                }
                if let invoice = try db.fetchRecord(Invoice.self, id: id) {
                    let stored = try withLines(invoice, db, decodingFacts: false)
                    let credited = try invoice.creditedInvoiceId.flatMap {
                        try db.fetchValue(
                            String.self, sql: "SELECT number FROM invoice WHERE id = ?", arguments: [$0])
                    }
                    let now = IssuedContent.serialise(
                        stored, sequence: sequence, creditedNumber: credited, pdfSHA256: actualPDF,
                        xmlSHA256: actualXML, previousHash: previous)
                    for difference in IssuedContent.differences(issued: content, now: now) {
                        broken(number, "content", difference)
                    }
                }
                expected = (sequence + 1, hash)
                summary.lastHash = hash
            }
            if summary.notStored > 0 {
                broken(
                    code, "not stored",
                    "\(summary.notStored) issued documents have no stored files (issued before documents were stored): "
                        + "`ardoise invoices export` stores them")
            }
            let counter =
                try db.fetchValue(
                    Int64.self, sql: "SELECT last_number FROM number_series WHERE code = ?", arguments: [code]) ?? 0
            if counter != Int64(summary.documents) {
                broken(
                    code, "numbering",
                    "the series has given \(counter) numbers but \(summary.documents) issued documents are in the ledger"
                )
            }
            report.series.append(summary)
        }
        return report
    }

    /// A stored document whose invoice is no longer issued (rows rewritten under the triggers).
    func storedButNotIssued(_ db: any SQLSession) throws -> [ChainReport.Break] {
        var breaks: [ChainReport.Break] = []
        for r in try db.fetchAll(
            sql: """
                SELECT d.series, COALESCE(v.number, '#' || d.invoice_id) FROM issued_document d LEFT JOIN invoice v ON v.id = d.invoice_id
                WHERE v.id IS NULL OR v.status <> 'issued' OR v.series <> d.series
                """)
        {
            try breaks.append(
                .init(
                    series: r[0], number: r[1], kind: "content",
                    detail:
                        "stored as issued, but the ledger no longer holds it as an issued document of its series"))
        }
        return breaks
    }
}

/// The register files the revenue check has left to hash, shared by `verify`'s two connections: one reads
/// the records and offers each file, either hashes it.
final class RevenueWork: Sendable {
    private struct State {
        var files: [LedgerGuards.RevenueFile] = []
        var head = 0
        var finished = false
        var failed = false
        var cancelled = false
        var fingerprint: [Int64]?
        var changed: [LedgerGuards.RevenueKey: Int] = [:]
    }
    private let state = Mutex(State())
    private let ready = NSCondition()

    func setFingerprint(_ f: [Int64]) { state.withLock { $0.fingerprint = f } }

    /// Adds a file to hash; false once the other side gave up (an error there).
    func offer(_ file: LedgerGuards.RevenueFile) -> Bool {
        let open = state.withLock { s -> Bool in
            guard !s.cancelled else { return false }
            if s.head > 64 {
                s.files.removeFirst(s.head)
                s.head = 0
            }
            s.files.append(file)
            return true
        }
        ready.lock()
        ready.signal()
        ready.unlock()
        return open
    }

    /// The next file to hash; with `waiting`, waits for one until the reading side finished (nil then).
    func take(waiting: Bool) -> LedgerGuards.RevenueFile? {
        ready.lock()
        defer { ready.unlock() }
        while true {
            let (file, over) = state.withLock { s -> (LedgerGuards.RevenueFile?, Bool) in
                if s.head < s.files.count {
                    s.head += 1
                    return (s.files[s.head - 1], false)
                }
                return (nil, s.finished || s.failed || s.cancelled)
            }
            if let file { return file }
            if over || !waiting { return nil }
            ready.wait()
        }
    }

    func finish(_ changed: [LedgerGuards.RevenueKey: Int]) {
        state.withLock {
            $0.finished = true
            $0.changed = changed
        }
        wake()
    }

    func fail() {
        state.withLock { $0.failed = true }
        wake()
    }

    func cancel() {
        state.withLock { $0.cancelled = true }
        wake()
    }

    private func wake() {
        ready.lock()
        ready.broadcast()
        ready.unlock()
    }

    /// What the reading side found, when it finished and read what `fingerprint` names; nil otherwise.
    func result(fingerprint: [Int64]) -> [LedgerGuards.RevenueKey: Int]? {
        state.withLock { s in s.finished && !s.failed && s.fingerprint == fingerprint ? s.changed : nil }
    }
}

/// The revenue check's outcome, from the thread that ran it.
final class RevenueCheck: @unchecked Sendable {
    private let lock = NSLock()
    // Never set reads as a failure, not as revenue found intact.
    private var result: Result<[LedgerGuards.RevenueKey: Int], any Error> = .failure(
        LedgerError.internalInconsistency("the revenue check did not finish"))
    func set(_ r: Result<[LedgerGuards.RevenueKey: Int], any Error>) { lock.withLock { result = r } }
    func get() throws -> [LedgerGuards.RevenueKey: Int] { try lock.withLock { result }.get() }
}
