import BillingModel
import Foundation
import Ledger

/// Imports PiElectronique register files (`PIE_<SITE>_<YYYYMMDD>.csv`) into
/// the ledger, as `examples/formats/pielectronique.md` describes: one file, one
/// transaction; rejected rows go to quarantine; a corrected re-delivery
/// replaces an unbilled site-day or is stored beside a billed one (conflict).
///
/// A replaced version's rows stay in the ledger as history: `site_day` points
/// at the current version, and every query reads through it.
public struct RegisterImporter: Sendable {
    public static let header = [
        "ticket", "site", "caisse", "date", "heure", "badge", "client", "categorie",
        "activite", "article", "libelle", "quantite", "pu_ttc", "taux_tva", "montant_ttc",
        "part_patronale"
    ]

    public let ledger: LedgerDatabase
    /// Client codes the settings know; nil checks none.
    public var knownClients: Set<String>?
    /// Called after each record with its line number, inside the transaction:
    /// a test throws from it to interrupt an import.
    public var interruption: (@Sendable (Int) throws -> Void)?

    public init(ledger: LedgerDatabase, knownClients: Set<String>? = nil) {
        self.ledger = ledger
        self.knownClients = knownClients
    }

    /// Site and business day of a register file name, or nil.
    public static func parseName(_ name: String) -> (site: String, day: Day)? {
        guard name.hasPrefix("PIE_"), name.hasSuffix(".csv") else { return nil }
        let core = name.dropFirst(4).dropLast(4)
        guard let underscore = core.lastIndex(of: "_") else { return nil }
        let site = core[..<underscore]
        let date = Array(core[core.index(after: underscore)...].utf8)
        guard !site.isEmpty, site.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }), date.count == 8,
            date.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        func n(_ r: Range<Int>) -> Int { date[r].reduce(0) { $0 * 10 + Int($1 - 48) } }
        guard let day = Day(year: n(0..<4), month: n(4..<6), day: n(6..<8)) else { return nil }
        return (String(site), day)
    }

    /// Imports one register file.
    public func importFile(at url: URL) -> ImportResult {
        let path = url.path
        let name = url.lastPathComponent
        guard let (site, day) = RegisterImporter.parseName(name) else {
            return .refused(path, "`\(name)` is not a register file name `PIE_<SITE>_<YYYYMMDD>.csv`")
        }
        do {
            var reader = try ChunkReader(url: url)
            defer { reader.close() }
            var work = Work(path: path, site: site, day: day)
            try ledger.importTransaction { transaction in
                try work.run(transaction, reader: &reader, url: url, name: name, importer: self)
            }
            return work.result
        } catch let refusal as Refusal {
            return .refused(path, refusal)
        } catch let same as Unchanged {
            return (try? unchanged(path, previous: same.previous)) ?? ImportResult(file: path, status: .unchanged)
        } catch {
            return .refused(path, "import failed, nothing written: \(error)")
        }
    }

    /// Files larger than this are read inside their import's transaction (streamed, memory flat whatever
    /// their size); smaller ones may be parsed ahead, in memory, while the file before them is written.
    static let parseAheadLimit: Int64 = 8 << 20

    /// Reads, checks and converts a register file, writing nothing: `write(_:)` stores it later in one
    /// transaction. `Importer` parses the next file on another core while the ledger writes this one. An
    /// identical re-delivery of the current version is found here by its hash (read, not parsed).
    func parse(at url: URL) -> ParsedRegisterFile {
        let path = url.path
        let name = url.lastPathComponent
        guard let (site, day) = RegisterImporter.parseName(name) else {
            return ParsedRegisterFile(
                url: url,
                content: .refused(Refusal(reason: "`\(name)` is not a register file name `PIE_<SITE>_<YYYYMMDD>.csv`")))
        }
        do {
            let reader = try ChunkReader(url: url)
            defer { reader.close() }
            if let previous = try ledger.latestImportedVersion(name: name), previous.size == reader.fileSize,
                try ChunkReader.hash(url: url).sha256 == previous.sha256
            {
                return ParsedRegisterFile(url: url, content: .sameAs(previous))
            }
            if reader.fileSize > RegisterImporter.parseAheadLimit {
                return ParsedRegisterFile(url: url, content: .inTransaction)
            }
            var work = Work(path: path, site: site, day: day)
            var scanner = CSVScanner(reader: reader)
            var sink = MemorySink()
            var aggregate = DailyRevenueAccumulator()
            var unknown = Set<String>()
            let rows = try work.scan(
                &scanner, known: knownClients, aggregate: &aggregate, unknown: &unknown, into: &sink)
            let parsed = ParsedRegisterRows(
                sink: sink, result: work.result, rows: rows, aggregate: aggregate, unknown: unknown,
                sha256: scanner.digest(), size: scanner.size)
            return ParsedRegisterFile(url: url, content: .parsed(parsed))
        } catch let refusal as Refusal {
            return ParsedRegisterFile(url: url, content: .refused(refusal))
        } catch {
            // Read again in the transaction, where a failure is reported as `importFile` reports it.
            return ParsedRegisterFile(url: url, content: .inTransaction)
        }
    }

    /// Stores a file `parse(at:)` read, in one transaction: the same outcome as `importFile(at:)` on that file.
    func write(_ parsed: ParsedRegisterFile) -> ImportResult {
        let url = parsed.url, path = url.path, name = url.lastPathComponent
        switch parsed.content {
        case .refused(let refusal):
            return .refused(path, refusal)
        case .inTransaction:
            return importFile(at: url)
        case .sameAs(let previous):
            // Still the current version (nothing imported the name since): nothing to write.
            guard (try? ledger.latestImportedVersion(name: name)) == previous else { return importFile(at: url) }
            return (try? unchanged(path, previous: previous.id)) ?? ImportResult(file: path, status: .unchanged)
        case .parsed(let rows):
            guard let (site, day) = RegisterImporter.parseName(name) else { return importFile(at: url) }
            do {
                var work = Work(path: path, site: site, day: day)
                try ledger.importTransaction { transaction in
                    try work.write(transaction, parsed: rows, name: name, interruption: interruption)
                }
                return work.result
            } catch let refusal as Refusal {
                return .refused(path, refusal)
            } catch let same as Unchanged {
                return (try? unchanged(path, previous: same.previous)) ?? ImportResult(file: path, status: .unchanged)
            } catch {
                return .refused(path, "import failed, nothing written: \(error)")
            }
        }
    }

    /// The result of an identical re-delivery: what the stored version holds.
    func unchanged(_ path: String, previous id: Int64) throws -> ImportResult {
        let stored = try ledger.storedFileIssues(id: id)
        let file = stored.file
        let rejected = stored.rejected.map { LineIssue(line: $0.line, reason: $0.reason) }
        let warnings = stored.warnings.map { LineIssue(line: $0.line, reason: $0.reason) }
        var result = ImportResult(
            file: path, status: .unchanged, rows: file?.rowCount ?? 0, rejected: rejected,
            warnings: warnings, message: "same content as version \(file?.version ?? 0)",
            fileID: id)
        result.rejectedCount = max(rejected.count, file?.rejectedCount ?? 0)
        result.warningCount = max(warnings.count, file?.warningCount ?? 0)
        return result
    }
}

/// One register import in progress.
private struct Work {
    let path: String
    let site: String
    let day: Day
    var result: ImportResult

    init(path: String, site: String, day: Day) {
        self.path = path
        self.site = site
        self.day = day
        result = ImportResult(file: path, status: .imported)
    }

    mutating func run(
        _ transaction: ImportTransaction, reader: inout ChunkReader, url: URL, name: String,
        importer: RegisterImporter
    ) throws {
        // Same name again: an identical content is `unchanged`, before any write.
        let previous = try transaction.latestVersion(name: name)
        if let previous, previous.size == reader.fileSize, try ChunkReader.hash(url: url).sha256 == previous.sha256 {
            throw Unchanged(previous: previous.id)
        }
        let version = (previous?.version ?? 0) + 1
        let importedAt = LedgerDatabase.timestamp()
        let fileID = try transaction.insertRegisterFile(
            name: name, version: version, importedAt: importedAt, site: site, day: day)

        var scanner = CSVScanner(reader: reader)
        var sink = TransactionSink(
            writer: try transaction.ticketLineWriter(), transaction: transaction, fileID: fileID,
            interruption: importer.interruption)
        var aggregate = DailyRevenueAccumulator()
        var unknown = Set<String>()
        let rows = try scan(
            &scanner, known: importer.knownClients, aggregate: &aggregate, unknown: &unknown, into: &sink)
        let sha = scanner.digest()
        if let previous, previous.sha256 == sha { throw Unchanged(previous: previous.id) }
        try finish(
            transaction, fileID: fileID, version: version, importedAt: importedAt, sha: sha, size: scanner.size,
            rows: rows,
            aggregate: aggregate, unknown: unknown)
    }

    /// Writes a file parsed ahead (`ParsedRegisterRows`) in the import's transaction: the same rows, quarantine,
    /// warnings and site-day as `run` writes when it reads the file there.
    mutating func write(
        _ transaction: ImportTransaction, parsed: ParsedRegisterRows, name: String,
        interruption: (@Sendable (Int) throws -> Void)?
    ) throws {
        let previous = try transaction.latestVersion(name: name)
        if let previous, previous.sha256 == parsed.sha256 { throw Unchanged(previous: previous.id) }
        let version = (previous?.version ?? 0) + 1
        let importedAt = LedgerDatabase.timestamp()
        let fileID = try transaction.insertRegisterFile(
            name: name, version: version, importedAt: importedAt, site: site, day: day)
        result = parsed.result
        let writer = try transaction.ticketLineWriter()
        try parsed.sink.bytes.withUnsafeBufferPointer { buffer in
            if let interruption {
                for f in parsed.sink.rows {
                    try writer.insert(fileID: fileID, f, bytes: buffer)
                    try interruption(Int(f.line))
                }
            } else {
                try writer.insert(fileID: fileID, rows: parsed.sink.rows, bytes: buffer)
            }
        }
        for r in parsed.sink.rejections {
            try transaction.reject(fileID: fileID, line: r.line, raw: r.raw, reason: r.reason)
            try interruption?(r.line)
        }
        for w in parsed.sink.warnings {
            try transaction.warn(fileID: fileID, line: w.line, reason: w.reason)
            try interruption?(w.line)
        }
        try finish(
            transaction, fileID: fileID, version: version, importedAt: importedAt, sha: parsed.sha256,
            size: parsed.size,
            rows: parsed.rows, aggregate: parsed.aggregate, unknown: parsed.unknown)
    }

    /// Reads the header and every row of the file, checks and converts each row, counts rejections and
    /// warnings in `result` and hands the kept rows and the kept issues to `sink`; returns the rows kept.
    mutating func scan<Sink: RegisterRowSink>(
        _ scanner: inout CSVScanner, known: Set<String>?,
        aggregate: inout DailyRevenueAccumulator, unknown: inout Set<String>,
        into sink: inout Sink
    ) throws -> Int {
        guard try scanner.next() else { throw Refusal(reason: "the file is empty: no header line") }
        try checkHeader(scanner)

        let siteBytes = Array(site.utf8)
        var lastClient: [UInt8] = []
        var rows = 0
        var reasons: [String] = []
        var f = TicketLineFields()

        while try scanner.next() {
            let line = scanner.recordLine
            reasons.removeAll(keepingCapacity: true)
            var warning: String?
            var clientCode: Range<Int>?
            let fields = scanner.fields
            try scanner.scratch.withUnsafeBufferPointer { buffer in
                guard let p = buffer.baseAddress else { return }
                let raw = scanner.raw
                let rawValid = raw.withUnsafeBufferPointer { r in
                    r.baseAddress.map { Bytes.isValidUTF8($0, 0..<r.count) } ?? true
                }
                if scanner.unterminatedQuote {
                    reasons.append("a quoted field is not closed before the end of the file")
                } else if !rawValid {
                    reasons.append("the row is not valid UTF-8")
                } else if fields.count != 16 {
                    reasons.append("expected 16 fields, found \(fields.count)")
                } else {
                    validate(
                        p, fields, siteBytes: siteBytes, line: line, into: &f, reasons: &reasons, warning: &warning)
                    if reasons.isEmpty, !f.client.isEmpty { clientCode = f.client }
                }
                if reasons.isEmpty {
                    try sink.row(f, bytes: buffer)
                    aggregate.add(f, bytes: buffer)
                    rows += 1
                    if let range = clientCode, let known {
                        let same = lastClient.count == range.count && lastClient.elementsEqual(buffer[range])
                        if !same {
                            lastClient = Array(buffer[range])
                            let code = Bytes.string(p, range)
                            // As many as rejections are kept: memory stays flat whatever a file names.
                            if !known.contains(code), unknown.count < ImportBounds.keptRejections {
                                unknown.insert(code)
                            }
                        }
                    }
                }
            }
            // Only the first rejections and warnings are kept (result and quarantine), the rest counted:
            // memory and output stay flat whatever a file holds.
            if !reasons.isEmpty {
                let issue = LineIssue(line: line, reason: reasons.joined(separator: "; "))
                if result.countRejection(issue) {
                    try sink.reject(line: line, raw: Data(scanner.raw), reason: issue.reason)
                }
            } else if let warning {
                if result.countWarning(LineIssue(line: line, reason: warning)) {
                    try sink.warn(line: line, reason: warning)
                }
            }
            try sink.recorded(line: line)
        }
        return rows
    }

    /// What follows the rows in the import's transaction: the refusal of a file whose every row was rejected,
    /// the site-day's current version (a conflict with a billed one records late revenue), the daily aggregate
    /// and the file's hash and counts.
    mutating func finish(
        _ transaction: ImportTransaction, fileID: Int64, version: Int, importedAt: String, sha: String, size: Int64,
        rows: Int, aggregate: DailyRevenueAccumulator, unknown: Set<String>
    ) throws {
        // A file whose rows were all rejected must not become the site-day's version (an empty day).
        if let refusal = result.everyRowRejected(rows: rows) { throw refusal }

        // Which version of the site-day is current, and whether it was billed.
        var status = FileStatus.imported
        let siteDay = try transaction.siteDay(site: site, day: day)
        if let siteDay {
            let current = siteDay.current
            if let billed = siteDay.billed {
                status = .conflict
                try transaction.recordLateRevenue(
                    LateRevenue(
                        site: site, day: day.ordinal, billedFileId: billed, fileId: fileID,
                        recordedAt: importedAt,
                        reason: "corrected re-delivery of a billed site-day (version \(version))"))
                result.billedFileIDs = [billed]
                result.message =
                    "\(site) on \(day) is already on a validated invoice (file #\(billed)): "
                    + "version \(version) is kept beside it and the difference recorded as late revenue"
            } else {
                status = .replaced
                result.message = "version \(version) replaces file #\(current)"
            }
        }
        try transaction.makeCurrent(fileID: fileID, site: site, day: day, existing: siteDay != nil)
        // The dashboards' daily aggregate follows the current version, in this transaction.
        try transaction.writeDailyRevenue(aggregate, site: site, day: day)
        try transaction.finishRegisterFile(
            id: fileID, sha256: sha, size: size, status: status, rows: rows,
            rejected: result.rejectedCount, warnings: result.warningCount, message: result.message)

        result.status = ImportStatus(rawValue: status.rawValue) ?? .imported
        result.rows = rows
        result.fileID = fileID
        result.unknownClients = unknown.sorted()
    }

    private func checkHeader(_ scanner: CSVScanner) throws {
        let names: [String] = scanner.scratch.withUnsafeBufferPointer { b in
            guard let p = b.baseAddress else { return [] }
            return scanner.fields.map { Bytes.string(p, $0) }
        }
        if names != RegisterImporter.header {
            throw Refusal(
                reason: "line \(scanner.recordLine): the header is not the PiElectronique header "
                    + "`\(RegisterImporter.header.joined(separator: ";"))`; found `\(names.joined(separator: ";"))`")
        }
    }

    /// Checks and converts one row of 16 fields; appends each fault to `reasons`.
    private func validate(
        _ p: UnsafePointer<UInt8>, _ fields: [Range<Int>], siteBytes: [UInt8], line: Int,
        into f: inout TicketLineFields, reasons: inout [String], warning: inout String?
    ) {
        func text(_ i: Int) -> String { Bytes.string(p, fields[i]) }
        f.line = Int64(line)
        // Control characters first: nothing else of such a row is read (a NUL would cut a code in the ledger).
        for (i, field) in fields.enumerated() {
            if let c = ControlCharacters.first(p, field, allowingLineBreaks: i == 10),
                let scalar = Unicode.Scalar(c)
            {
                reasons.append(
                    "`\(RegisterImporter.header[i])` holds the control character \(ControlCharacters.name(scalar))")
            }
        }
        if !reasons.isEmpty { return }
        f.ticket = fields[0]
        if fields[0].isEmpty { reasons.append("empty `ticket`") }
        f.site = fields[1]
        if !Bytes.equal(p, fields[1], siteBytes) {
            reasons.append("`site` is `\(text(1))`, the file is for `\(site)`")
        }
        if let v = Bytes.integer(p, fields[2]) {
            f.register = v
        } else {
            reasons.append("unreadable `caisse` `\(text(2))`")
        }
        let d = fields[3]
        if d.count == 10, p[d.lowerBound + 2] == 47, p[d.lowerBound + 5] == 47,
            let dd = Bytes.two(p, d.lowerBound), let mm = Bytes.two(p, d.lowerBound + 3),
            let y1 = Bytes.two(p, d.lowerBound + 6), let y2 = Bytes.two(p, d.lowerBound + 8),
            let parsed = Day(year: y1 * 100 + y2, month: mm, day: dd)
        {
            f.day = Int64(parsed.ordinal)
            if parsed != day { reasons.append("`date` is `\(text(3))`, the file is for \(day.french)") }
        } else {
            reasons.append("unreadable `date` `\(text(3))`, expected DD/MM/YYYY")
        }
        if let t = Bytes.time(p, fields[4]) { f.time = t } else { reasons.append("unreadable `heure` `\(text(4))`") }
        f.badge = fields[5]
        f.client = fields[6]
        f.category = fields[7]
        if fields[6].isEmpty != fields[7].isEmpty {
            reasons.append("`client` and `categorie` must both be given or both empty")
        }
        f.activity = fields[8]
        if !(Bytes.equal(p, fields[8], Work.selfBytes) || Bytes.equal(p, fields[8], Work.cafetBytes)
            || Bytes.equal(p, fields[8], Work.brassBytes))
        {
            reasons.append("unknown `activite` `\(text(8))`, expected SELF, CAFET or BRASS")
        }
        f.article = fields[9]
        if fields[9].isEmpty { reasons.append("empty `article`") }
        f.label = fields[10]
        let quantity = Bytes.integer(p, fields[11])
        if quantity == nil { reasons.append("unreadable `quantite` `\(text(11))`") }
        let unit = Bytes.decimal(p, fields[12], scale: 2, separator: Bytes.comma)
        if unit == nil { reasons.append("unreadable `pu_ttc` `\(text(12))`") }
        if let rate = Bytes.decimal(p, fields[13], scale: 4, separator: Bytes.comma), rate >= 0, rate < 1_000_000 {
            f.vatRate = rate
        } else {
            reasons.append("unreadable `taux_tva` `\(text(13))`")
        }
        let amount = Bytes.decimal(p, fields[14], scale: 2, separator: Bytes.comma)
        if amount == nil { reasons.append("unreadable `montant_ttc` `\(text(14))`") }
        if let share = Bytes.decimal(p, fields[15], scale: 2, separator: Bytes.comma) {
            f.employerShare = share
        } else {
            f.employerShare = 0
            reasons.append("unreadable `part_patronale` `\(text(15))`")
        }
        guard let quantity, let unit, let amount else { return }
        // The format's bounds (examples/formats/pielectronique.md): no row can make billing overflow.
        let boundsBefore = reasons.count
        if quantity.magnitude > UInt64(ImportBounds.maximumRegisterQuantity) {
            reasons.append("`quantite` \(text(11)) is out of bounds: at most 999999 in absolute value")
        }
        for (i, value) in [(12, unit), (14, amount), (15, f.employerShare)]
        where value.magnitude > UInt64(ImportBounds.maximumRegisterAmount) {
            reasons.append(
                "`\(RegisterImporter.header[i])` \(text(i)) is out of bounds: at most 9999999,99 in absolute value")
        }
        if reasons.count > boundsBefore { return }
        f.quantity = quantity
        f.unitPrice = unit
        f.amount = amount
        let (product, overflow) = quantity.multipliedReportingOverflow(by: unit)
        if overflow {
            reasons.append("`quantite` × `pu_ttc` is out of range")
            return
        }
        let difference = amount - product
        if difference == 1 || difference == -1 {
            warning =
                "`montant_ttc` \(text(14)) differs by one cent from quantite × pu_ttc = "
                + "\(Money(cents: product).french); kept as written"
        } else if difference != 0 {
            reasons.append("`montant_ttc` \(text(14)) is not quantite × pu_ttc = \(Money(cents: product).french)")
        }
    }

    static let selfBytes = Array("SELF".utf8), cafetBytes = Array("CAFET".utf8), brassBytes = Array("BRASS".utf8)
}

/// A register file read ahead of its transaction (`RegisterImporter.parse(at:)`).
struct ParsedRegisterFile: Sendable {
    enum Content: Sendable {
        /// Refused before any write (name, unreadable file, header, a record too long, changed while read).
        case refused(Refusal)
        /// The same bytes as the current version of its name.
        case sameAs(StoredFileVersion)
        /// Too large to hold in memory, or not readable ahead: read in the transaction.
        case inTransaction
        case parsed(ParsedRegisterRows)
    }
    var url: URL
    var content: Content
}

/// A register file's rows and findings, checked and converted, waiting for their transaction.
struct ParsedRegisterRows: Sendable {
    var sink: MemorySink
    var result: ImportResult
    var rows: Int
    var aggregate: DailyRevenueAccumulator
    var unknown: Set<String>
    var sha256: String
    var size: Int64
}

/// Where a register file's scanned rows go.
protocol RegisterRowSink {
    mutating func row(_ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws
    mutating func reject(line: Int, raw: Data, reason: String) throws
    mutating func warn(line: Int, reason: String) throws
    /// After each record, kept or not.
    func recorded(line: Int) throws
}

/// Straight into the import's transaction.
private struct TransactionSink: RegisterRowSink {
    let writer: TicketLineWriter
    let transaction: ImportTransaction
    let fileID: Int64
    let interruption: (@Sendable (Int) throws -> Void)?

    func row(_ f: TicketLineFields, bytes: UnsafeBufferPointer<UInt8>) throws {
        try writer.insert(fileID: fileID, f, bytes: bytes)
    }
    func reject(line: Int, raw: Data, reason: String) throws {
        try transaction.reject(fileID: fileID, line: line, raw: raw, reason: reason)
    }
    func warn(line: Int, reason: String) throws { try transaction.warn(fileID: fileID, line: line, reason: reason) }
    func recorded(line: Int) throws { try interruption?(line) }
}

/// Into memory, for a transaction later: each kept row's text fields copied into one buffer, its ranges moved there.
struct MemorySink: RegisterRowSink, Sendable {
    var bytes: [UInt8] = []
    var rows: [TicketLineFields] = []
    var rejections: [(line: Int, raw: Data, reason: String)] = []
    var warnings: [(line: Int, reason: String)] = []

    mutating func row(_ f: TicketLineFields, bytes buffer: UnsafeBufferPointer<UInt8>) {
        // The scanner lays a record's fields out in order: ticket first, label the last text field.
        var low = f.ticket.lowerBound, high = f.label.upperBound
        func cover(_ r: Range<Int>) {
            if r.lowerBound < low { low = r.lowerBound }
            if r.upperBound > high { high = r.upperBound }
        }
        cover(f.site); cover(f.badge); cover(f.client); cover(f.category); cover(f.activity); cover(f.article)
        let offset = bytes.count - low
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: buffer[low..<high]))
        func moved(_ r: Range<Int>) -> Range<Int> { (r.lowerBound + offset)..<(r.upperBound + offset) }
        var g = f
        g.ticket = moved(f.ticket); g.site = moved(f.site); g.badge = moved(f.badge); g.client = moved(f.client)
        g.category = moved(f.category); g.activity = moved(f.activity); g.article = moved(f.article);
        g.label = moved(f.label)
        rows.append(g)
    }
    mutating func reject(line: Int, raw: Data, reason: String) { rejections.append((line, raw, reason)) }
    mutating func warn(line: Int, reason: String) { warnings.append((line, reason)) }
    func recorded(line: Int) {}
}
