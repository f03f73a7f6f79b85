import BillingModel
import Diagnostics
import Foundation
import GRDB

/// What a document line was computed from, read from the stored line alone
/// (its order, service period, site and basis columns): the contract may
/// have changed since, the line has not.
public enum RevenueBasis: Sendable, Hashable {
    /// The client's register revenue the line was computed from.
    case registers(RegisterSelection)
    /// An event order, as the line priced (or credited) it.
    case order(id: String, revision: Int?)
    /// A fee fixed by the contract (`fee … per month`): no revenue behind it.
    case fixedFee(period: Period)
    /// A line of a credit note: it credits a line of another document.
    case credit
    /// A line typed in by a person (a manual invoice or credit note).
    case typedIn
    /// Nothing recorded says what the line was computed from.
    case unknown

    /// The basis of `line` of `invoice`, from the line's typed columns ("v16 line basis"): its kind of
    /// term, category, rate and guests, its site, service period, order and revision. Never its words.
    public init(_ line: InvoiceLine, of invoice: Invoice) {
        if let order = line.orderId {
            self = .order(id: order, revision: line.orderRevision ?? invoice.orderRevision)
            return
        }
        guard let basis = line.basis else { self = .unknown; return }
        switch basis.kind {
        case .credit: self = .credit; return
        case .typedIn: self = .typedIn; return
        case .eventOrder, .deliveryFee: self = .unknown; return  // an order's line always names its order
        default: break
        }
        guard let start = line.serviceStart, let end = line.serviceEnd,
            start <= end
        else {
            self = .unknown
            return
        }
        let period = Period(start: start, end: end)
        if basis.kind == .flatFee { self = .fixedFee(period: period); return }
        self = .registers(
            RegisterSelection(
                site: line.site, period: period, category: basis.category, guests: basis.guests,
                cafeteria: basis.kind == .cafeteriaParticipation, rate: basis.rate))
    }
}

/// Which of the client's register revenue a line was computed from.
public struct RegisterSelection: Sendable, Hashable {
    /// The site (nil: every site the document billed).
    public var site: String?
    /// The line's service period.
    public var period: Period
    /// One diner category (nil: every category).
    public var category: String?
    /// Whether guest tickets (`INV`) count when `category` is nil.
    public var guests: Bool
    /// Only the cafeteria lines of the tickets.
    public var cafeteria: Bool
    /// Only the ticket lines at this VAT rate: the terms that bill TTC amounts per rate (guests,
    /// cafeteria participation, subsidy as recorded) make one line per rate.
    public var rate: VATRate?

    public init(
        site: String?, period: Period, category: String? = nil, guests: Bool = true, cafeteria: Bool = false,
        rate: VATRate? = nil
    ) {
        self.site = site; self.period = period; self.category = category; self.guests = guests;
        self.cafeteria = cafeteria; self.rate = rate
    }

    func includes(category c: String) -> Bool { category.map { $0 == c } ?? (guests || c != DinerCategory.guests) }
}

/// The client's register revenue of one site-day behind a line.
public struct RevenueSiteDay: Sendable, Hashable {
    public var site: String
    public var day: Day
    /// The register file (`imported_file`) the figures are read from.
    public var fileName: String
    public var fileVersion: Int
    /// True when the document recorded this version when it was generated
    /// (`invoice_site_day`); false for a site-day it did not record (a fee's
    /// window before the billing period), read at its current version.
    public var recorded: Bool
    /// The current version of the site-day's file when a corrected file replaced the one read (nil: it is current).
    public var currentVersion: Int?
    /// Tickets of the client (of the category; cafeteria tickets for a cafeteria line).
    public var tickets: Int
    /// Covers as the engine counts them: tickets whose self-service and brasserie lines sum above zero.
    public var covers: Int
    /// The tickets' amount TTC as the registers charged it (cafeteria lines only, for a cafeteria line).
    public var amountTTC: Money
    /// The registers' employer share (`part_patronale`) of those lines.
    public var employerShare: Money
}

/// The revenue behind one line of a document.
public struct LineRevenue: Sendable, Hashable {
    public var position: Int
    public var basis: RevenueBasis
    /// Site-days with revenue of the client under the line's basis, by day then site (empty unless `registers`).
    public var days: [RevenueSiteDay]

    public var tickets: Int { days.reduce(0) { $0 + $1.tickets } }
    public var covers: Int { days.reduce(0) { $0 + $1.covers } }
    public var amountTTC: Money { days.reduce(Money.zero) { $0 + $1.amountTTC } }
    public var employerShare: Money { days.reduce(Money.zero) { $0 + $1.employerShare } }
}

extension LedgerDatabase {
    /// The register revenue each line of `document` was computed from, in line
    /// order, in two statements whatever the number of lines and days: the
    /// site-days of the document's sites in the lines' periods with the file
    /// version to read (the one the document recorded in `invoice_site_day`
    /// when it was generated, a proforma's included; else the current one),
    /// then the client's ticket lines of those files summed per ticket and VAT
    /// rate. A ticket is a cover as the engine counts them: its self-service
    /// and brasserie lines sum above zero.
    public func revenueBehind(_ document: StoredInvoice) throws -> [LineRevenue] {
        let invoice = document.invoice
        let bases = document.lines.map { (line: $0, basis: RevenueBasis($0, of: invoice)) }
        var lo = Int.max, hi = Int.min
        var sites = Set(document.lines.compactMap(\.site))
        if let s = invoice.site { sites.insert(s) }
        for b in bases {
            if case .registers(let r) = b.basis {
                lo = min(lo, r.period.start.ordinal); hi = max(hi, r.period.end.ordinal)
            }
        }
        guard lo <= hi, let id = invoice.id else {
            return bases.map { LineRevenue(position: $0.line.position, basis: $0.basis, days: []) }
        }

        /// One ticket of the client (a file, ticket and category, as the engine sums them): whether it is a
        /// cover, and its figures per VAT rate.
        struct Ticket { var meal: Int64 = 0, hasMeal = false, rates: [Int64: Figures] = [:] }
        struct Figures {
            var amount: Int64 = 0, share: Int64 = 0, cafet: Int64 = 0, cafetShare: Int64 = 0, hasCafet = false
        }
        struct File { var site: String, day: Int, name: String, version: Int, recorded: Bool, current: Int? }
        let (files, tickets): ([Int64: File], [Int64: [(category: String, ticket: Ticket)]]) = try engine.read { db in
            // The lines' sites and the document's own (a fee counted over every site, no site on its line, reads those).
            var files: [Int64: File] = [:]
            let siteList = "[" + sites.sorted().map(JSON.string).joined(separator: ",") + "]"
            for r in try db.fetchAll(
                sql: """
                    SELECT COALESCE(r.file_id, sd.current_file_id), sd.site, sd.day, f.name, f.version, r.file_id IS NOT NULL,
                           CASE WHEN c.id <> f.id THEN c.version END
                    FROM site_day sd
                    LEFT JOIN invoice_site_day r ON r.invoice_id = ? AND r.site = sd.site AND r.day = sd.day
                    JOIN imported_file f ON f.id = COALESCE(r.file_id, sd.current_file_id)
                    JOIN imported_file c ON c.id = sd.current_file_id
                    WHERE sd.site IN (\(db.stringsOfJSONArgument) UNION SELECT site FROM invoice_site_day WHERE invoice_id = ?)
                      AND sd.day BETWEEN ? AND ?
                    """, arguments: [id, siteList, id, lo, hi])
            {
                files[try r[0]] = try File(
                    site: r[1], day: r[2], name: r[3], version: r[4], recorded: r[5], current: r[6])
            }
            // The client's ticket lines of those files, summed per ticket and VAT rate (a few thousand rows a month).
            struct Key: Hashable { var file: Int64, ticket: String, category: String }
            var byTicket: [Key: Ticket] = [:]
            let any = db.sql(sqlite: "MAX", postgres: "BOOL_OR")
            try db.forEach(
                sql: """
                    SELECT file_id, ticket, category, vat_rate,
                           SUM(CASE WHEN activity <> 'CAFET' THEN amount ELSE 0 END), \(any)(activity <> 'CAFET'), SUM(amount), SUM(employer_share),
                           SUM(CASE WHEN activity = 'CAFET' THEN amount ELSE 0 END), SUM(CASE WHEN activity = 'CAFET' THEN employer_share ELSE 0 END),
                           \(any)(activity = 'CAFET')
                    FROM ticket_line WHERE file_id IN (\(db.integersOfJSONArgument)) AND client = ?
                    GROUP BY file_id, ticket, category, vat_rate
                    """, arguments: [LedgerDatabase.jsonArray(files.keys), invoice.client]
            ) { r in
                let key = try Key(file: r[0], ticket: r[1], category: r[2])
                var t = byTicket[key] ?? Ticket()
                t.meal += try r[4] as Int64
                t.hasMeal = try t.hasMeal || r[5]
                t.rates[try r[3]] = try Figures(
                    amount: r[6], share: r[7], cafet: r[8], cafetShare: r[9], hasCafet: r[10])
                byTicket[key] = t
            }
            var tickets: [Int64: [(category: String, ticket: Ticket)]] = [:]
            for (k, t) in byTicket { tickets[k.file, default: []].append((k.category, t)) }
            return (files, tickets)
        }
        let ordered = files.sorted { ($0.value.day, $0.value.site) < ($1.value.day, $1.value.site) }
        return bases.map { line, basis in
            guard case .registers(let selection) = basis else {
                return LineRevenue(position: line.position, basis: basis, days: [])
            }
            var days: [RevenueSiteDay] = []
            let period = selection.period
            for (fileID, f) in ordered
            where (selection.site == nil || f.site == selection.site)
                && f.day >= period.start.ordinal && f.day <= period.end.ordinal
            {
                var d = RevenueSiteDay(
                    site: f.site, day: Day(ordinal: f.day), fileName: f.name, fileVersion: f.version,
                    recorded: f.recorded,
                    currentVersion: f.current, tickets: 0, covers: 0, amountTTC: .zero, employerShare: .zero)
                for (c, t) in tickets[fileID] ?? [] where selection.includes(category: c) {
                    let figures =
                        selection.rate.map { r in t.rates[r.tenThousandths].map { [$0] } ?? [] }
                        ?? Array(t.rates.values)
                    guard !figures.isEmpty else { continue }
                    if selection.cafeteria {
                        guard figures.contains(where: \.hasCafet) else { continue }
                        d.tickets += 1
                        for x in figures {
                            d.amountTTC += Money(cents: x.cafet); d.employerShare += Money(cents: x.cafetShare)
                        }
                    } else {
                        d.tickets += 1
                        if t.hasMeal && t.meal > 0 { d.covers += 1 }
                        for x in figures {
                            d.amountTTC += Money(cents: x.amount); d.employerShare += Money(cents: x.share)
                        }
                    }
                }
                if d.tickets > 0 { days.append(d) }
            }
            return LineRevenue(position: line.position, basis: basis, days: days)
        }
    }
}
