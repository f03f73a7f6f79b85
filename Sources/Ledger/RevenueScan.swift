import BillingModel
import Diagnostics
import Foundation
import GRDB
import GRDBSQLite
import PostgresNIO

/// A client's capped tray total at a site on a day for one category (T4).
public struct CappedTrayDay: Hashable, Sendable {
    public var client: String
    public var site: String
    public var day: Day
    public var category: String
    public var total: Money
}

/// What the billing engine reads of a period's tickets: the revenue days and
/// the capped tray totals by day.
public struct PeriodRevenue: Sendable {
    public var days: [RevenueDay]
    public var trays: [CappedTrayDay]
}

extension LedgerDatabase {
    /// `revenueDays` and `cappedTrayTotalsByDay` in one pass over the ticket
    /// lines, in the table's key order: no sort, no temporary table.
    ///
    /// The SQL forms group by ticket, which makes SQLite sort the million lines
    /// of a month (1.3 s for the revenue days, 0.2 s more for the trays, where
    /// a plain `GROUP BY client, category` takes 0.5 s). Here each line is read
    /// once through the C API and tickets are summed as they come; a ticket is
    /// a (site-day file, ticket, client, category), its lines need not be
    /// contiguous. Results are the same as the SQL forms (tests compare them).
    public func periodRevenue(
        period: Period, caps: [ClientCategory: Money] = [:],
        version: SiteDayVersion = .current
    ) throws -> PeriodRevenue {
        try engine.read { s in
            var siteDays: [Int64: (site: String, day: Day)] = [:]
            try s.forEach(
                sql: """
                    SELECT \(version.column), site, day FROM site_day
                    WHERE day BETWEEN ? AND ? AND \(version.column) IS NOT NULL
                    """, arguments: [period.start.ordinal, period.end.ordinal]
            ) { row in
                siteDays[try row[0]] = try (row[1], Day(ordinal: row[2]))
            }
            return try scanRevenue(
                s, files: "SELECT \(version.column) FROM site_day WHERE day BETWEEN ? AND ?",
                arguments: [period.start.ordinal, period.end.ordinal], client: nil, siteDays: siteDays, caps: caps)
        }
    }

    /// `periodRevenue` over the register file named for each site-day (for
    /// instance the versions a client was invoiced on), for one client or all.
    /// Site-days left out of `files` are not read.
    public func periodRevenue(
        files: [SiteDayKey: Int64], client: String? = nil,
        caps: [ClientCategory: Money] = [:]
    ) throws -> PeriodRevenue {
        var siteDays: [Int64: (site: String, day: Day)] = [:]
        for (key, file) in files { siteDays[file] = (key.site, key.day) }
        // The files travel as one JSON argument: no limit on bound variables.
        return try engine.read { s in
            try scanRevenue(
                s, files: s.integersOfJSONArgument, arguments: [LedgerDatabase.jsonArray(files.values)],
                client: client, siteDays: siteDays, caps: caps)
        }
    }

    /// The single pass of `periodRevenue` over the ticket lines of the files
    /// `files` (a subquery) selects; `siteDays` names each file's site and day. On SQLite each line is stepped
    /// through the C API.
    private func scanRevenue(
        _ db: Database, files: String, arguments: [SQLValue], client: String?,
        siteDays: [Int64: (site: String, day: Day)], caps: [ClientCategory: Money]
    ) throws -> PeriodRevenue {
        let statement = try db.makeStatement(
            sql: """
                SELECT file_id, ticket, client, category, activity, vat_rate, amount, employer_share FROM ticket_line
                WHERE file_id IN (\(files)) AND \(client == nil ? "client IS NOT NULL" : "client = ?")
                ORDER BY file_id, line
                """)
        try statement.setArguments(
            StatementArguments((client.map { arguments + [.text($0)] } ?? arguments).map(\.databaseValue)))
        var scan = Scan(caps: caps)
        try SQLiteSteps.forEachRow(statement, of: db) { s in
            guard scan.enter(sqlite3_column_int64(s, 0), siteDays: siteDays) else { return true }
            scan.add(
                ticket: Scan.bytes(s, 1), client: Scan.bytes(s, 2), category: Scan.bytes(s, 3),
                activity: Scan.bytes(s, 4),
                rate: sqlite3_column_int64(s, 5), amount: sqlite3_column_int64(s, 6), share: sqlite3_column_int64(s, 7))
            return true
        }
        scan.endFile()
        return scan.result()
    }

    /// `scanRevenue` through the seam (PostgreSQL): the same single pass, the rows fetched by a cursor in batches
    /// (`forEachStreamed`), so a month's lines are never all in memory.
    private func scanRevenue(
        _ s: any SQLSession, files: String, arguments: [any SQLArgument], client: String?,
        siteDays: [Int64: (site: String, day: Day)], caps: [ClientCategory: Money]
    ) throws -> PeriodRevenue {
        if let sqlite = s as? GRDBSession {
            return try scanRevenue(
                sqlite.db, files: files, arguments: arguments.map(\.sqlValue), client: client, siteDays: siteDays,
                caps: caps)
        }
        if let pg = s as? PostgresSession {
            let state = PostgresScan(scan: Scan(caps: caps), siteDays: siteDays)
            // Each file's lines by the primary key's index, one file after the other (a nested loop: no sort).
            // `file_id IN (…) ORDER BY file_id, line` was a merge join that read the whole history's index from its
            // start to reach the month's files. A file's lines come together (what the pass needs), in line order.
            try pg.scanRows(
                """
                SELECT k.f, t.ticket, t.client, t.category, t.activity, t.vat_rate, t.amount, t.employer_share
                FROM (SELECT DISTINCT f FROM (\(files)) AS s(f) WHERE f IS NOT NULL) k
                CROSS JOIN LATERAL (
                  SELECT ticket, client, category, activity, vat_rate, amount, employer_share FROM ticket_line
                  WHERE file_id = k.f AND \(client == nil ? "client IS NOT NULL" : "client = ?") ORDER BY line OFFSET 0) t
                ORDER BY k.f
                """, (client.map { arguments + [$0] } ?? arguments).map(\.sqlValue)
            ) { row in try state.take(row) }
            state.scan.endFile()
            return state.scan.result()
        }
        var scan = Scan(caps: caps)
        try s.forEachStreamed(
            sql: """
                SELECT file_id, ticket, client, category, activity, vat_rate, amount, employer_share FROM ticket_line
                WHERE file_id IN (\(files)) AND \(client == nil ? "client IS NOT NULL" : "client = ?")
                ORDER BY file_id, line
                """, arguments: (client.map { arguments + [$0] } ?? arguments).map(\.sqlValue)
        ) { row in
            guard scan.enter(try row[0], siteDays: siteDays) else { return }
            var ticket: String = try row[1], client: String = try row[2], category: String? = try row[3],
                activity: String = try row[4]
            var categoryText = category ?? ""
            let rate: Int64 = try row[5], amount: Int64 = try row[6], share: Int64 = try row[7]
            ticket.withUTF8 { t in
                client.withUTF8 { c in
                    categoryText.withUTF8 { k in
                        activity.withUTF8 { a in
                            scan.add(
                                ticket: t, client: c, category: k, activity: a, rate: rate, amount: amount, share: share
                            )
                        }
                    }
                }
            }
        }
        scan.endFile()
        return scan.result()
    }

    /// Ids as a JSON array, for `json_each(?)`.
    static func jsonArray(_ ids: some Sequence<Int64>) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    /// Strings as one JSON array, for `json_each(?)`: a set of any size travels as one argument.
    public static func jsonArray(_ strings: [String]) -> String { JSON.array(strings.map(JSON.string)) }
}

/// `scanRevenue` on PostgreSQL: each row read where the driver received it, its texts' bytes read in place (no
/// `String` a value, as SQLite's pass reads them through the C API). Used by one thread at a
/// time: the driver's event loop while the caller waits, then the caller.
private final class PostgresScan: @unchecked Sendable {
    var scan: Scan
    let siteDays: [Int64: (site: String, day: Day)]

    init(scan: Scan, siteDays: [Int64: (site: String, day: Day)]) {
        self.scan = scan
        self.siteDays = siteDays
    }

    /// A text cell's bytes where the driver holds them (no copy); empty for NULL.
    static func withBytes<R>(_ cell: PostgresCell, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        guard let bytes = cell.bytes else { return body(UnsafeBufferPointer(start: nil, count: 0)) }
        return bytes.withUnsafeReadableBytes { raw in
            body(UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count))
        }
    }

    /// An integer cell: a BIGINT's eight bytes read at once, another type through the driver.
    static func integer(_ cell: PostgresCell) throws -> Int64 {
        if cell.dataType == .int8, cell.format == .binary, let bytes = cell.bytes, bytes.readableBytes == 8,
            let v = bytes.getInteger(at: bytes.readerIndex, as: Int64.self)
        {
            return v
        }
        return try cell.decode(Int64.self)
    }

    func take(_ row: PostgresRow) throws {
        var cells = row.makeIterator()
        guard let c0 = cells.next(), let c1 = cells.next(), let c2 = cells.next(), let c3 = cells.next(),
            let c4 = cells.next(), let c5 = cells.next(), let c6 = cells.next(), let c7 = cells.next()
        else { throw LedgerError.internalInconsistency("a ticket line came with fewer columns than asked") }
        guard scan.enter(try PostgresScan.integer(c0), siteDays: siteDays) else { return }
        let rate = try PostgresScan.integer(c5), amount = try PostgresScan.integer(c6),
            share = try PostgresScan.integer(c7)
        PostgresScan.withBytes(c1) { t in
            PostgresScan.withBytes(c2) { c in
                PostgresScan.withBytes(c3) { k in
                    PostgresScan.withBytes(c4) { a in
                        scan.add(
                            ticket: t, client: c, category: k, activity: a, rate: rate, amount: amount, share: share)
                    }
                }
            }
        }
    }
}

/// The running sums of `periodRevenue`.
private struct Scan {
    struct Entry {
        var day: RevenueDay
        /// Per VAT rate: employer share, guests' amount, cafeteria amount (zero sums are dropped at the end, as SQL's would be).
        var rates: [(rate: Int64, share: Int64, guest: Int64, cafet: Int64)] = []
        /// Per VAT rate and share of a ticket: how many tickets (`RevenueDay.shareCounts`).
        var shareCounts: [(rate: Int64, share: Int64, tickets: Int)] = []
    }

    /// A ticket of the current file: its entry, the sum of its SELF/BRASS lines, and its employer share per VAT rate
    /// (the first rate inline: a ticket's share is nearly always at one rate).
    struct Ticket {
        var entry: Int
        var selfBrass: Int64 = 0
        var hasSelfBrass = false
        var shareRate: Int64 = 0
        var share: Int64 = 0
        var hasShare = false
        var otherShares: [(rate: Int64, share: Int64)] = []

        mutating func addShare(_ amount: Int64, rate: Int64) {
            if !hasShare {
                (shareRate, share, hasShare) = (rate, amount, true)
            } else if rate == shareRate {
                share += amount
            } else if let i = otherShares.firstIndex(where: { $0.rate == rate }) {
                otherShares[i].share += amount
            } else {
                otherShares.append((rate, amount))
            }
        }
    }

    let caps: [ClientCategory: Money]
    var entries: [Entry] = []
    /// (client, category) → entry, for the current file.
    var entryIndex: [String: Int] = [:]
    /// "ticket\0client\0category" → index in `ticketList`, for the current file.
    var tickets: [String: Int] = [:]
    var ticketList: [Ticket] = []
    /// The previous line's ticket, client and category (buffers reused, no allocation per line).
    var lastTicket: [UInt8] = [], lastClient: [UInt8] = [], lastCategory: [UInt8] = []
    var lastIndex = -1
    var keyBuffer: [UInt8] = []
    var site = ""
    var day = Day(ordinal: 0)
    var trays: [ClientCategory: Int64] = [:]
    var trayDays: [CappedTrayDay] = []

    init(caps: [ClientCategory: Money]) { self.caps = caps }

    /// The file the next line belongs to, and whether that line is counted. The lines come grouped by file: at a
    /// new file the one before is ended, and this one begun when `siteDays` names it (a file it does not name is
    /// skipped, line by line).
    private var currentFile: Int64 = -1
    private var fileKnown = false
    mutating func enter(_ file: Int64, siteDays: [Int64: (site: String, day: Day)]) -> Bool {
        if file != currentFile {
            endFile()
            currentFile = file
            if let sd = siteDays[file] {
                beginFile(file, site: sd.site, day: sd.day)
                fileKnown = true
            } else {
                fileKnown = false
            }
        }
        return fileKnown
    }

    static func bytes(_ s: OpaquePointer, _ column: Int32) -> UnsafeBufferPointer<UInt8> {
        guard let p = sqlite3_column_text(s, column) else { return UnsafeBufferPointer(start: nil, count: 0) }
        return UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(s, column)))
    }

    static func equal(_ a: [UInt8], _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard a.count == b.count else { return false }
        guard let q = b.baseAddress else { return a.isEmpty }
        return a.withUnsafeBufferPointer { x in x.baseAddress.map { memcmp($0, q, x.count) == 0 } ?? true }
    }

    static func replace(_ a: inout [UInt8], with b: UnsafeBufferPointer<UInt8>) {
        a.removeAll(keepingCapacity: true)
        a.append(contentsOf: b)
    }

    /// Where each file's entries start in `entries`, with its day and site.
    var fileStarts: [(start: Int, day: Day, site: String)] = []

    mutating func beginFile(_ file: Int64, site: String, day: Day) {
        self.site = site
        self.day = day
        fileStarts.append((entries.count, day, site))
    }

    mutating func add(
        ticket: UnsafeBufferPointer<UInt8>, client: UnsafeBufferPointer<UInt8>, category: UnsafeBufferPointer<UInt8>,
        activity: UnsafeBufferPointer<UInt8>, rate: Int64, amount: Int64, share: Int64
    ) {
        // The lines of a ticket usually follow each other: only a new ticket is looked up.
        let index: Int
        if lastIndex >= 0, Scan.equal(lastTicket, ticket), Scan.equal(lastClient, client),
            Scan.equal(lastCategory, category)
        {
            index = lastIndex
        } else {
            Scan.replace(&lastTicket, with: ticket)
            Scan.replace(&lastClient, with: client)
            Scan.replace(&lastCategory, with: category)
            keyBuffer.removeAll(keepingCapacity: true)
            keyBuffer.append(contentsOf: client)
            keyBuffer.append(0)
            keyBuffer.append(contentsOf: category)
            let pair = String(decoding: keyBuffer, as: UTF8.self)
            keyBuffer.append(0)
            keyBuffer.append(contentsOf: ticket)
            let key = String(decoding: keyBuffer, as: UTF8.self)
            if let i = tickets[key] {
                index = i
            } else {
                let e: Int
                if let i = entryIndex[pair] {
                    e = i
                } else {
                    e = entries.count
                    entries.append(
                        Entry(
                            day: RevenueDay(
                                client: String(decoding: client, as: UTF8.self), site: site, day: day,
                                category: String(decoding: category, as: UTF8.self))))
                    entryIndex[pair] = e
                }
                index = ticketList.count
                ticketList.append(Ticket(entry: e))
                tickets[key] = index
            }
            lastIndex = index
        }
        let e = ticketList[index].entry
        let isGuest = Scan.equal(Scan.inv, category)
        let isCafet = Scan.equal(Scan.cafet, activity)
        if Covers.counts(activity: activity) {
            ticketList[index].selfBrass += amount
            ticketList[index].hasSelfBrass = true
        }
        if share != 0 { ticketList[index].addShare(share, rate: rate) }
        if let r = entries[e].rates.firstIndex(where: { $0.rate == rate }) {
            entries[e].rates[r].share += share
            if isGuest { entries[e].rates[r].guest += amount }
            if isCafet { entries[e].rates[r].cafet += amount }
        } else {
            entries[e].rates.append((rate, share, isGuest ? amount : 0, isCafet ? amount : 0))
        }
    }

    static let inv = Array(DinerCategory.guests.utf8), cafet = Array("CAFET".utf8)

    /// Covers and capped trays of the file's tickets.
    mutating func endFile() {
        for t in ticketList where t.hasSelfBrass && Covers.isCover(countedCents: t.selfBrass) {
            entries[t.entry].day.covers += 1
            let d = entries[t.entry].day
            if let cap = caps[ClientCategory(client: d.client, category: d.category)] {
                trays[ClientCategory(client: d.client, category: d.category), default: 0] += min(cap.cents, t.selfBrass)
            }
        }
        for t in ticketList where t.hasShare {
            if t.share != 0 { Scan.count(&entries[t.entry], rate: t.shareRate, share: t.share) }
            for o in t.otherShares where o.share != 0 { Scan.count(&entries[t.entry], rate: o.rate, share: o.share) }
        }
        for (k, total) in trays {
            trayDays.append(
                CappedTrayDay(client: k.client, site: site, day: day, category: k.category, total: Money(cents: total)))
        }
        trays.removeAll(keepingCapacity: true)
        tickets.removeAll(keepingCapacity: true)
        ticketList.removeAll(keepingCapacity: true)
        entryIndex.removeAll(keepingCapacity: true)
        lastIndex = -1
    }

    static func count(_ e: inout Entry, rate: Int64, share: Int64) {
        if let i = e.shareCounts.firstIndex(where: { $0.rate == rate && $0.share == share }) {
            e.shareCounts[i].tickets += 1
        } else {
            e.shareCounts.append((rate, share, 1))
        }
    }

    func result() -> PeriodRevenue {
        // Sorted by (day, site, client, category) as `revenueDays` is: a file is one
        // site-day, so files are ordered by day and site and only their few entries by name.
        let files = fileStarts.indices.sorted {
            (fileStarts[$0].day, fileStarts[$0].site) < (fileStarts[$1].day, fileStarts[$1].site)
        }
        var days: [RevenueDay] = []
        days.reserveCapacity(entries.count)
        for f in files {
            let end = f + 1 < fileStarts.count ? fileStarts[f + 1].start : entries.count
            let group = entries[fileStarts[f].start..<end].map { e -> RevenueDay in
                var d = e.day
                for r in e.rates {
                    let rate = VATRate(tenThousandths: r.rate)
                    if r.share != 0 { d.employerShare[rate, default: .zero] += Money(cents: r.share) }
                    if r.guest != 0 { d.guestAmount[rate, default: .zero] += Money(cents: r.guest) }
                    if r.cafet != 0 { d.cafeteriaAmount[rate, default: .zero] += Money(cents: r.cafet) }
                }
                d.shareCounts = e.shareCounts.sorted { ($0.rate, $0.share) < ($1.rate, $1.share) }
                    .map {
                        ShareCount(
                            rate: VATRate(tenThousandths: $0.rate), share: Money(cents: $0.share), tickets: $0.tickets)
                    }
                return d
            }
            days += group.sorted { ($0.client, $0.category) < ($1.client, $1.category) }
        }
        return PeriodRevenue(days: days, trays: trayDays)
    }
}
