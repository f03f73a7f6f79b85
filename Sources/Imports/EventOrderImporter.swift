import BillingModel
import Foundation
import Ledger

/// Imports event orders (`EVT_<YYYYMMDD>[_<n>].jsonl`, one JSON order per
/// line) as `examples/formats/event-orders.md` describes. Every revision is kept; the
/// highest is the order's truth; the same revision again changes nothing.
/// Prices are exact whether sent as strings or JSON numbers.
public struct EventOrderImporter: Sendable {
    public let ledger: LedgerDatabase
    /// Client codes the settings know; nil checks none.
    public var knownClients: Set<String>?
    /// The time zone of delivery days (`delivered_at` is billed on its local date).
    public var timeZone: TimeZone
    /// Called after each line inside the transaction (tests interrupt with it).
    public var interruption: (@Sendable (Int) throws -> Void)?
    /// The VAT rates a line may carry, in ten-thousandths of a percent: the
    /// rates the settings can bill and post (the workspace passes them);
    /// by default the French rates.
    public var vatRates: Set<Int64>

    public init(
        ledger: LedgerDatabase, knownClients: Set<String>? = nil,
        timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt,
        vatRates: Set<Int64>? = nil
    ) {
        self.ledger = ledger
        self.knownClients = knownClients
        self.timeZone = timeZone
        self.vatRates = vatRates ?? Set(VATRate.frenchRates.map(\.tenThousandths))
    }

    /// Whether `name` is an event-order file name.
    public static func isEventFileName(_ name: String) -> Bool {
        guard name.hasPrefix("EVT_"), name.hasSuffix(".jsonl") else { return false }
        let core = Array(name.dropFirst(4).dropLast(6).utf8)
        guard core.count >= 8, core[0..<8].allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return false }
        let ymd = core[0..<8].map { Int($0 - 48) }
        guard
            Day(
                year: ymd[0] * 1000 + ymd[1] * 100 + ymd[2] * 10 + ymd[3], month: ymd[4] * 10 + ymd[5],
                day: ymd[6] * 10 + ymd[7]) != nil
        else { return false }
        if core.count == 8 { return true }
        return core.count > 9 && core[8] == UInt8(ascii: "_") && core[9...].allSatisfy { $0 >= 48 && $0 <= 57 }
    }

    /// Imports one event-order file.
    public func importFile(at url: URL) -> ImportResult {
        let path = url.path
        let name = url.lastPathComponent
        guard Self.isEventFileName(name) else {
            return .refused(path, "`\(name)` is not an event-order file name `EVT_<YYYYMMDD>[_<n>].jsonl`")
        }
        do {
            let previous = try ledger.latestImportedVersion(name: name)
            if let previous, try ChunkReader.hash(url: url).sha256 == previous.sha256 {
                return try RegisterImporter(ledger: ledger).unchanged(path, previous: previous.id)
            }
            var reader = try ChunkReader(url: url)
            defer { reader.close() }
            var result = ImportResult(file: path, status: .imported)
            try ledger.importTransaction { transaction in
                try run(transaction, reader: &reader, name: name, previous: previous, result: &result)
            }
            return result
        } catch let refusal as Refusal {
            return .refused(path, refusal)
        } catch {
            return .refused(path, "import failed, nothing written: \(error)")
        }
    }

    private func run(
        _ transaction: ImportTransaction, reader: inout ChunkReader, name: String,
        previous: StoredFileVersion?,
        result: inout ImportResult
    ) throws {
        var file = ImportedFile(
            name: name, kind: .events, version: (previous?.version ?? 0) + 1,
            sha256: String(repeating: "0", count: 64), size: 0, importedAt: LedgerDatabase.timestamp(),
            status: previous == nil ? .imported : .replaced, site: nil, day: nil,
            rowCount: 0, rejectedCount: 0, warningCount: 0, message: nil)
        try transaction.insert(&file)
        guard let fileID = file.id else { throw Refusal(reason: "no file id") }
        var unknown = Set<String>()
        var rows = 0
        var lineNumber = 0
        var conflicts = 0
        var lines = LineSplitter(reader: reader)
        while let raw = try lines.next() {
            lineNumber += 1
            var bytes = raw
            if lineNumber == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
            if bytes.last == Bytes.cr { bytes.removeLast() }
            if bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { continue }
            switch parseOrder(bytes) {
            case .failure(let reason):
                // The first rejections are kept (result and quarantine), the rest counted: memory stays flat.
                let issue = LineIssue(line: lineNumber, reason: reason.message)
                if result.countRejection(issue) {
                    try transaction.reject(fileID: fileID, line: lineNumber, raw: Data(raw), reason: issue.reason)
                }
            case .success(let order):
                rows += 1
                if let known = knownClients, !known.contains(order.revision.client),
                    unknown.count < ImportBounds.keptRejections
                {
                    unknown.insert(order.revision.client)
                }
                switch try store(transaction, order, fileID: fileID, line: lineNumber, raw: bytes) {
                case .stored(nil), .same: break
                case .stored(let warning?):
                    if result.countWarning(LineIssue(line: lineNumber, reason: warning)) {
                        try transaction.warn(fileID: fileID, line: lineNumber, reason: warning)
                    }
                case .conflict(let message):
                    if result.conflicts.count < ImportBounds.keptRejections {
                        result.conflicts.append(LineIssue(line: lineNumber, reason: message))
                    }
                    conflicts += 1
                }
            }
            try interruption?(lineNumber)
        }
        reader = lines.reader
        // A file whose every order was rejected is a failure, not an empty delivery.
        if let refusal = result.everyRowRejected(rows: rows) { throw refusal }
        let sha = reader.digest()
        file.sha256 = sha
        file.size = reader.size
        file.rowCount = rows
        file.rejectedCount = result.rejectedCount
        file.warningCount = result.warningCount
        result.status = previous == nil ? .imported : .replaced
        if conflicts > 0 {
            result.status = .conflict
            file.status = .conflict
            result.message =
                "\(conflicts) order revision\(conflicts == 1 ? "" : "s") delivered again with other content: "
                + "kept beside the stored one\(conflicts == 1 ? "" : "s"), a person must decide (see `ardoise lint --explain E1205`)"
            file.message = result.message
        }
        try transaction.update(file)
        result.rows = rows
        result.fileID = fileID
        result.unknownClients = unknown.sorted()
    }

    enum Stored {
        /// Stored, with a warning for a revision older than the current one.
        case stored(String?)
        /// The same revision with the same content: nothing to do.
        case same
        /// The same revision with other content: kept beside it, the message says what.
        case conflict(String)
    }

    /// Stores one revision through the ledger and words what it did.
    private func store(_ transaction: ImportTransaction, _ order: ParsedOrder, fileID: Int64, line: Int, raw: [UInt8])
        throws -> Stored
    {
        let r = order.revision
        switch try transaction.storeEventOrder(r, lines: order.lines, fileID: fileID, line: line, raw: raw) {
        case .same:
            return .same
        case .conflict(let storedFile, let storedLine, let current):
            return .conflict(
                "order `\(r.orderId)` revision \(r.revision) differs from the one imported from `\(storedFile)` "
                    + "line \(storedLine): both kept, "
                    + (current == r.revision
                        ? "the order is held from billing until a later revision supersedes them"
                        : "revision \(current) already supersedes them"))
        case .stored(let older?):
            return .stored(
                "revision \(r.revision) of order `\(r.orderId)` is older than stored revision "
                    + "\(older): kept as history")
        case .stored(nil):
            return .stored(nil)
        }
    }

    struct ParsedOrder {
        var revision: EventOrderRevision
        var lines: [EventOrderLine]
    }

    struct Reason: Error { var message: String }

    /// Reads one line of an event-order file without a ledger (fuzzing, checks):
    /// nil for a valid order, else every fault of the line, as an import reports it.
    public static func faults(
        ofLine bytes: [UInt8], timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt,
        vatRates: Set<Int64>? = nil
    ) -> String? {
        let rates = vatRates ?? Set(VATRate.frenchRates.map(\.tenThousandths))
        if case .failure(let reason) = parseOrder(bytes, timeZone: timeZone, vatRates: rates) { return reason.message }
        return nil
    }

    func parseOrder(_ bytes: [UInt8]) -> Result<ParsedOrder, Reason> {
        Self.parseOrder(bytes, timeZone: timeZone, vatRates: vatRates)
    }

    /// Checks every field of one order; all faults are reported together.
    static func parseOrder(_ bytes: [UInt8], timeZone: TimeZone, vatRates: Set<Int64>) -> Result<ParsedOrder, Reason> {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            return .failure(Reason(message: "the line is not valid UTF-8"))
        }
        let json: JSONValue
        do { json = try JSONParser.parse(bytes) } catch let e as JSONError {
            return .failure(Reason(message: "invalid JSON at column \(e.column): \(e.message)"))
        } catch { return .failure(Reason(message: "invalid JSON")) }
        guard case .object = json else { return .failure(Reason(message: "an order must be a JSON object")) }
        var faults: [String] = []

        func string(_ v: JSONValue?, _ key: String, required: Bool) -> String? {
            switch v {
            case .none:
                if required { faults.append("missing `\(key)`") }
                return nil
            case .some(.string(let s)):
                if s.isEmpty { faults.append("empty `\(key)`") }
                // A `\u0000` escape would cut the text in the ledger: control characters are refused.
                if let fault = ControlCharacters.fault(key, s) {
                    faults.append(fault)
                    return nil
                }
                return s
            case .some(.null):
                faults.append("`\(key)` is null; optional fields are absent when unknown")
                return nil
            default:
                faults.append("`\(key)` must be a string")
                return nil
            }
        }
        func integer(_ v: JSONValue?, _ key: String) -> Int? {
            switch v {
            case .none: faults.append("missing `\(key)`"); return nil
            case .some(.number(let text)):
                guard let n = JSONNumber.scaled(text, scale: 0), n >= 1, n <= Int64(Int32.max) else {
                    faults.append("`\(key)` \(text) must be a whole number of at least 1")
                    return nil
                }
                return Int(n)
            default: faults.append("`\(key)` must be a number"); return nil
            }
        }
        func decimal(_ v: JSONValue?, _ key: String) -> Int64? {
            let value: Int64?
            let text: String
            switch v {
            case .none: faults.append("missing `\(key)`"); return nil
            case .some(.string(let s)):
                if let fault = ControlCharacters.fault(key, s) { faults.append(fault); return nil }
                text = s; value = DecimalText.parse(Substring(s), scale: 4)
            case .some(.number(let s)): text = s; value = JSONNumber.scaled(s, scale: 4)
            default: faults.append("`\(key)` must be a decimal string or a number"); return nil
            }
            guard let value, value >= 0 else {
                faults.append("`\(key)` `\(text)` is not a decimal of at most 4 decimals")
                return nil
            }
            return value
        }

        let orderID = string(json["order_id"], "order_id", required: true)
        let revision = integer(json["revision"], "revision")
        let client = string(json["client"], "client", required: true)
        let site = string(json["site"], "site", required: true)
        let po = string(json["po_number"], "po_number", required: false)
        let eventDateText = string(json["event_date"], "event_date", required: true)
        let eventDate = eventDateText.flatMap { Day(iso: $0) }
        if let t = eventDateText, eventDate == nil { faults.append("`event_date` `\(t)` is not a date YYYY-MM-DD") }
        let status = string(json["status"], "status", required: true)
        if let s = status, !["confirmed", "delivered", "cancelled"].contains(s) {
            faults.append("`status` `\(s)` is not confirmed, delivered or cancelled")
        }
        let deliveredAt = string(json["delivered_at"], "delivered_at", required: false)
        var deliveredDay: Int?
        if let d = deliveredAt {
            if let day = Self.localDay(ofInstant: d, in: timeZone) {
                deliveredDay = day.ordinal
            } else {
                faults.append("`delivered_at` `\(d)` is not an ISO 8601 instant with an offset")
            }
        } else if status == "delivered" {
            faults.append("a delivered order needs `delivered_at`")
        }
        let orderedBy = string(json["ordered_by"], "ordered_by", required: false)
        let costCenter = string(json["cost_center"], "cost_center", required: false)
        var lines: [EventOrderLine] = []
        switch json["lines"] {
        case .some(.array(let items)) where !items.isEmpty:
            if items.count > ImportBounds.maximumOrderLines {
                faults.append("an order has at most \(ImportBounds.maximumOrderLines) lines, found \(items.count)")
            }
            for (n, item) in items.enumerated() {
                let before = faults.count
                guard case .object = item else { faults.append("`lines[\(n)]` must be an object"); continue }
                let article = string(item["article"], "lines[\(n)].article", required: true)
                let label = string(item["label"], "lines[\(n)].label", required: true)
                let quantity = integer(item["quantity"], "lines[\(n)].quantity")
                let price = decimal(item["unit_price_ht"], "lines[\(n)].unit_price_ht")
                let rate = decimal(item["vat_rate"], "lines[\(n)].vat_rate")
                // The format's bounds (examples/formats/event-orders.md): no order can make billing overflow.
                if let quantity, quantity > Int(ImportBounds.maximumOrderQuantity) {
                    faults.append(
                        "`lines[\(n)].quantity` \(quantity) is out of bounds: at most \(ImportBounds.maximumOrderQuantity)"
                    )
                }
                if let price, price > ImportBounds.maximumOrderUnitPrice {
                    faults.append(
                        "`lines[\(n)].unit_price_ht` \(Price(tenThousandths: price)) is out of bounds: at most 9999999.9999"
                    )
                }
                // Only the rates the settings bill and post: any other would be refused at validation, too late.
                if let rate, !vatRates.contains(rate) {
                    let allowed = vatRates.sorted().map { VATRate(tenThousandths: $0).description }.joined(
                        separator: ", ")
                    faults.append(
                        "`lines[\(n)].vat_rate` \(VATRate(tenThousandths: rate)) is not a VAT rate of the settings (\(allowed))"
                    )
                }
                if faults.count == before, let article, let label, let quantity, let price, let rate {
                    lines.append(
                        EventOrderLine(
                            revisionId: 0, lineNo: n + 1, article: article, label: label,
                            quantity: quantity, unitPrice: price, vatRate: rate))
                }
            }
        case .some(.array): faults.append("an order needs at least one line")
        case .none: faults.append("missing `lines`")
        default: faults.append("`lines` must be an array")
        }
        guard faults.isEmpty, let orderID, let revision, let client, let site, let eventDate, let status else {
            return .failure(Reason(message: faults.isEmpty ? "invalid order" : faults.joined(separator: "; ")))
        }
        let r = EventOrderRevision(
            orderId: orderID, revision: revision, fileId: 0, line: 0, client: client, site: site,
            poNumber: po, eventDate: eventDate.ordinal, status: status,
            deliveredAt: deliveredAt, deliveredDay: deliveredDay, orderedBy: orderedBy,
            costCenter: costCenter)
        return .success(ParsedOrder(revision: r, lines: lines))
    }

    /// The local day in `zone` of `2026-10-14T11:30:00+02:00` (or `...Z`,
    /// fractional seconds allowed); nil when the text is not such an instant.
    public static func localDay(ofInstant text: String, in zone: TimeZone) -> Day? {
        let b = Array(text.utf8)
        guard b.count >= 20, b[10] == UInt8(ascii: "T"), b[13] == 58, b[16] == 58,
            let day = Day(iso: String(decoding: b[0..<10], as: UTF8.self))
        else { return nil }
        func two(_ i: Int) -> Int? {
            guard b[i] >= 48, b[i] <= 57, b[i + 1] >= 48, b[i + 1] <= 57 else { return nil }
            return Int(b[i] - 48) * 10 + Int(b[i + 1] - 48)
        }
        guard let h = two(11), let m = two(14), let s = two(17), h < 24, m < 60, s < 61 else { return nil }
        var i = 19
        if b[i] == UInt8(ascii: ".") {
            i += 1
            let start = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        if b[i] == UInt8(ascii: "Z") {
            guard i + 1 == b.count else { return nil }
        } else {
            guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-"), i + 6 == b.count, b[i + 3] == 58,
                let oh = two(i + 1), let om = two(i + 4), oh < 24, om < 60
            else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
        }
        let utc = day.ordinal * 86400 + h * 3600 + m * 60 + s - offset
        let local = utc + zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utc)))
        return Day(ordinal: local >= 0 ? local / 86400 : (local - 86399) / 86400)
    }
}

/// Splits a chunked file into lines (without their LF).
struct LineSplitter {
    var reader: ChunkReader
    private var pos = 0
    private var started = false

    init(reader: ChunkReader) { self.reader = reader }

    mutating func next() throws -> [UInt8]? {
        if !started {
            started = true
            _ = try reader.fill(keepingFrom: 0)
        }
        while true {
            var i = pos
            let end = reader.end
            let found: Int? = reader.buffer.withUnsafeBufferPointer { b in
                while i < end { if b[i] == Bytes.lf { return i }; i += 1 }
                return nil
            }
            if let lf = found {
                let line = Array(reader.buffer[pos..<lf])
                pos = lf + 1
                return line
            }
            if reader.atEOF {
                guard pos < reader.end else { return nil }
                let line = Array(reader.buffer[pos..<reader.end])
                pos = reader.end
                return line
            }
            // A line longer than a register record may be is not an order: the file is refused, memory stays bounded.
            if reader.end - pos > CSVScanner.maximumRecordLength {
                throw Refusal(reason: "a line is longer than 16 MiB: not an event-order file")
            }
            // `fill` moves the unread tail to the front of the window, even at end of file.
            _ = try reader.fill(keepingFrom: pos)
            pos = 0
        }
    }
}
