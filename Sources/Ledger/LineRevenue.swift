import BillingModel
import Diagnostics
import Foundation
import GRDB

/// What a document line was computed from, read from the stored line alone
/// (its order, service period, site, label and explanation): the contract may
/// have changed since, the line has not.
public enum RevenueBasis: Sendable, Hashable {
    /// The client's register revenue at `site` (nil: every site the document
    /// billed) over `period`; of one diner `category` (nil: every category,
    /// guests included); only its cafeteria tickets when `cafeteria`.
    case registers(site: String?, period: Period, category: String?, cafeteria: Bool)
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

    /// The basis of `line` of `invoice`. The explanations are the engine's
    /// (English, stored as written at billing; a person's edits are appended
    /// after `; edited by`), so their phrases are stable.
    public static func of(_ line: InvoiceLine, in invoice: Invoice) -> RevenueBasis {
        let base = line.explanation.components(separatedBy: "; edited by ")[0]
        if let order = line.orderId { return .order(id: order, revision: line.orderRevision ?? invoice.orderRevision) }
        if base.hasPrefix("credits line ") || invoice.origin == .credit { return .credit }
        if base.hasPrefix("typed in: ") || invoice.origin == .manual { return .typedIn }
        guard let start = line.serviceStart.flatMap(Day.init(iso:)), let end = line.serviceEnd.flatMap(Day.init(iso:)), start <= end else {
            return .unknown
        }
        let period = Period(start: start, end: end)
        if base.contains(" HT per month ") || base.contains(" HT per quarter ") { return .fixedFee(period: period) }
        if base.contains(" guest tickets, ") { return .registers(site: line.site, period: period, category: "INV", cafeteria: false) }
        if base.contains("badge holders' cafeteria tickets") { return .registers(site: line.site, period: period, category: nil, cafeteria: true) }
        let category = word(after: "covers of category ", in: base) ?? word(after: "catégorie ", in: line.label)
        return .registers(site: line.site, period: period, category: category, cafeteria: false)
    }

    /// The word following `marker` in `text` (up to a space, comma or parenthesis).
    static func word(after marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        let w = text[r.upperBound...].prefix { !" ,()".contains($0) }
        return w.isEmpty ? nil : String(w)
    }
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

extension Ledger {
    /// The register revenue each line of `document` was computed from, in line
    /// order, in two statements whatever the number of lines and days: the
    /// site-days in the lines' periods with the file version to read (the one
    /// the document recorded in `invoice_site_day` when it was generated, a
    /// proforma's included; else the current one), then the client's tickets
    /// of those files summed per file and category.
    public func revenueBehind(_ document: StoredInvoice) throws -> [LineRevenue] {
        let invoice = document.invoice
        let bases = document.lines.map { (line: $0, basis: RevenueBasis.of($0, in: invoice)) }
        var lo = Int.max, hi = Int.min
        var sites = Set(document.lines.compactMap(\.site))
        if let s = invoice.site { sites.insert(s) }
        for b in bases {
            if case .registers(_, let p, _, _) = b.basis { lo = min(lo, p.start.ordinal); hi = max(hi, p.end.ordinal) }
        }
        guard lo <= hi, let id = invoice.id else { return bases.map { LineRevenue(position: $0.line.position, basis: $0.basis, days: []) } }

        struct Figures { var tickets = 0, covers = 0, amount: Int64 = 0, share: Int64 = 0, cafetTickets = 0, cafet: Int64 = 0, cafetShare: Int64 = 0 }
        struct File { var site: String, day: Int, name: String, version: Int, recorded: Bool }
        let (files, figures): ([Int64: File], [Int64: [String: Figures]]) = try pool.read { db in
            // The document's own sites: a fee counted over every site (no site on the line) reads those.
            for s in try String.fetchAll(db, sql: "SELECT DISTINCT site FROM invoice_site_day WHERE invoice_id = ?", arguments: [id]) {
                sites.insert(s)
            }
            var files: [Int64: File] = [:]
            let siteList = "[" + sites.sorted().map(JSON.string).joined(separator: ",") + "]"
            for r in try Row.fetchAll(db, sql: """
                SELECT COALESCE(r.file_id, sd.current_file_id), sd.site, sd.day, f.name, f.version, r.file_id IS NOT NULL
                FROM site_day sd
                LEFT JOIN invoice_site_day r ON r.invoice_id = ? AND r.site = sd.site AND r.day = sd.day
                JOIN imported_file f ON f.id = COALESCE(r.file_id, sd.current_file_id)
                WHERE sd.site IN (SELECT value FROM json_each(?)) AND sd.day BETWEEN ? AND ?
                """, arguments: [id, siteList, lo, hi]) {
                files[r[0]] = File(site: r[1], day: r[2], name: r[3], version: r[4], recorded: r[5])
            }
            var figures: [Int64: [String: Figures]] = [:]
            // A ticket is (file, ticket, category) of the client, as the engine sums them.
            let rows = try Row.fetchCursor(db, sql: """
                SELECT file_id, category, COUNT(*), SUM(has_meal AND meal > 0), SUM(amount), SUM(share),
                       SUM(has_cafet), SUM(cafet), SUM(cafet_share)
                FROM (SELECT file_id, category, ticket,
                             SUM(CASE WHEN activity <> 'CAFET' THEN amount ELSE 0 END) AS meal, MAX(activity <> 'CAFET') AS has_meal,
                             SUM(CASE WHEN activity = 'CAFET' THEN amount ELSE 0 END) AS cafet, MAX(activity = 'CAFET') AS has_cafet,
                             SUM(CASE WHEN activity = 'CAFET' THEN employer_share ELSE 0 END) AS cafet_share,
                             SUM(amount) AS amount, SUM(employer_share) AS share
                      FROM ticket_line WHERE file_id IN (SELECT value FROM json_each(?)) AND client = ?
                      GROUP BY file_id, ticket, category)
                GROUP BY file_id, category
                """, arguments: [Ledger.jsonArray(files.keys), invoice.client])
            while let r = try rows.next() {
                figures[r[0], default: [:]][r[1]] = Figures(tickets: r[2], covers: r[3], amount: r[4], share: r[5], cafetTickets: r[6],
                                                             cafet: r[7], cafetShare: r[8])
            }
            return (files, figures)
        }
        let ordered = files.sorted { ($0.value.day, $0.value.site) < ($1.value.day, $1.value.site) }
        return bases.map { line, basis in
            guard case .registers(let site, let period, let category, let cafeteria) = basis else {
                return LineRevenue(position: line.position, basis: basis, days: [])
            }
            var days: [RevenueSiteDay] = []
            for (fileID, f) in ordered where (site == nil || f.site == site) && f.day >= period.start.ordinal && f.day <= period.end.ordinal {
                var d = RevenueSiteDay(site: f.site, day: Day(ordinal: f.day), fileName: f.name, fileVersion: f.version, recorded: f.recorded,
                                       tickets: 0, covers: 0, amountTTC: .zero, employerShare: .zero)
                for (c, x) in figures[fileID] ?? [:] where category == nil || c == category {
                    if cafeteria {
                        d.tickets += x.cafetTickets
                        d.amountTTC += Money(cents: x.cafet)
                        d.employerShare += Money(cents: x.cafetShare)
                    } else {
                        d.tickets += x.tickets
                        d.covers += x.covers
                        d.amountTTC += Money(cents: x.amount)
                        d.employerShare += Money(cents: x.share)
                    }
                }
                if d.tickets > 0 { days.append(d) }
            }
            return LineRevenue(position: line.position, basis: basis, days: days)
        }
    }
}
