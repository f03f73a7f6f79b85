import BillingModel
import Foundation
import GRDB

/// "v18 line facts": each invoice line stores every fact its explanation
/// states (`LineFacts`, as JSON in `invoice_line.facts`), written by the engine
/// when it stores the line; the CLI words them in English and the web app in
/// French. Lines stored before are filled once here from their explanation as
/// the engine wrote it up to this migration; a line whose explanation does not
/// read keeps a null `facts` (its stored English is then all there is) and the
/// migration lists it in the audit log (`line-facts`).
///
/// The reading below is frozen with the migration and used nowhere else:
/// nothing reads an explanation after it.
///
/// SQLite only, on GRDB: a PostgreSQL ledger has no lines stored before this migration (it starts at the
/// current schema, or is copied from a SQLite ledger already migrated), so its twin in `PostgresSchema` only
/// adds the column(s).
enum LineFactsMigration {
    static func register(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v18 line facts") { db in
            try db.execute(
                sql: "ALTER TABLE invoice_line ADD COLUMN facts TEXT CHECK (facts IS NULL OR json_valid(facts))")
            // The lines of issued documents are frozen by triggers: they are lifted for this one fill (the column is
            // new, no figure of a line changes) and put back exactly as they were.
            let freezes = try String.fetchAll(
                db,
                sql: """
                    SELECT sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'invoice_line' AND sql LIKE '%BEFORE UPDATE%'
                    """)
            let names = try String.fetchAll(
                db,
                sql: """
                    SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'invoice_line' AND sql LIKE '%BEFORE UPDATE%'
                    """)
            for n in names { try db.execute(sql: "DROP TRIGGER \"\(n)\"") }
            let update = try db.makeStatement(
                sql: "UPDATE invoice_line SET facts = ? WHERE invoice_id = ? AND position = ?")
            let encoder = LineFacts.storedEncoder
            var filled = 0
            var unknown: [String] = []
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT l.invoice_id, l.position, l.explanation, v.number, v.period_start, v.period_end, l.vat_rate
                    FROM invoice_line l JOIN invoice v ON v.id = l.invoice_id ORDER BY l.invoice_id, l.position
                    """)
            for r in rows {
                let id: Int64 = r[0], position: Int = r[1]
                let invoicePeriod = (r[4] as String?).flatMap(Day.init(iso:)).flatMap { s in
                    (r[5] as String?).flatMap(Day.init(iso:)).map { Period(start: s, end: $0) }
                }
                guard let facts = read(r[2], invoicePeriod: invoicePeriod, vat: VATRate(tenThousandths: r[6])) else {
                    let number: String? = r[3]
                    unknown.append("\(number ?? "proforma \(id)") line \(position)")
                    continue
                }
                try update.execute(arguments: [String(decoding: try encoder.encode(facts), as: UTF8.self), id, position]
                )
                filled += 1
            }
            for sql in freezes { try db.execute(sql: sql) }
            guard !rows.isEmpty else { return }
            try LedgerDatabase.appendAudit(
                GRDBSession(db: db), at: LedgerDatabase.timestamp(), actor: "ardoise", action: "line-facts",
                invoiceID: nil,
                parameters: AuditParameters(["filled": .integer(Int64(filled)), "unknown": .list(unknown)]))
        }
    }

    /// The facts of an explanation as the engine wrote it up to this migration; nil when it does not read.
    static func read(_ explanation: String, invoicePeriod: Period?, vat: VATRate) -> LineFacts? {
        var parts = explanation.components(separatedBy: "; edited by ")
        var edits: [LineFacts.Edit] = []
        for p in parts.dropFirst() {
            guard let e = edit(p) else { return nil }
            edits.append(e)
        }
        if parts[0].hasPrefix("edited by ") {
            // Edits only: the computation was never written.
            guard let e = edit(String(parts[0].dropFirst("edited by ".count))) else { return nil }
            return LineFacts(.notRecorded, edits: [e] + edits)
        }
        var sites: [String]?
        if let m = match(#"^(.*) \(only at sites? ([^()]+)\)$"#, parts[0]) {
            parts[0] = m[1]
            sites = m[2].components(separatedBy: ", ")
        }
        guard let c = computation(parts[0], invoicePeriod: invoicePeriod, vat: vat) else { return nil }
        return LineFacts(c, sites: sites, edits: edits)
    }

    static func edit(_ text: String) -> LineFacts.Edit? {
        guard let colon = text.range(of: ": ") else { return nil }
        return LineFacts.Edit(by: String(text[..<colon.lowerBound]), reason: String(text[colon.upperBound...]))
    }

    static let money = #"(-?[\d.]+)"#

    /// `vat`: the line's rate (an HT line's explanation does not write it).
    static func computation(_ s: String, invoicePeriod: Period?, vat lineRate: VATRate) -> LineFacts.Computation? {
        let n = money
        func int(_ t: String) -> Int? { Int(t) }
        func tally(_ all: String, _ q: String, _ net: String) -> LineFacts.Tally?? {
            if all == "nothing" { return .some(nil) }
            guard let q = Int(q), let m = Money(net) else { return nil }
            return .some(LineFacts.Tally(quantity: q, net: m))
        }
        if let m = match(#"^(\d+) covers of category (\S+) × \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT$"#, s),
            let c = int(m[1]), let p = Price(m[3]), let v = VATRate(m[4]), let net = Money(m[5])
        {
            return .subsidyPerCover(covers: c, category: m[2], price: p, includesVAT: true, vat: v, net: net)
        }
        if let m = match(#"^(\d+) covers of category (\S+) × \#(n) HT = \#(n)$"#, s), let c = int(m[1]),
            let p = Price(m[3]), let net = Money(m[4])
        {
            return .subsidyPerCover(covers: c, category: m[2], price: p, includesVAT: false, vat: lineRate, net: net)
        }
        if let m = match(
            #"^(\d+) covers of category (\S+), each min\(\#(n) TTC, tray TTC\), sum \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT$"#,
            s),
            let c = int(m[1]), let cap = Money(m[3]), let sum = Money(m[4]), let v = VATRate(m[5]),
            let net = Money(m[6])
        {
            return .subsidyCappedByTray(covers: c, category: m[2], cap: cap, capped: sum, vat: v, net: net)
        }
        if let m = match(
            #"^employer share recorded by the registers \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT(, guests billed apart)?$"#,
            s),
            let t = Money(m[1]), let v = VATRate(m[2]), let net = Money(m[3])
        {
            return .subsidyAsRecorded(ttc: t, vat: v, net: net, guestsBilledApart: !m[4].isEmpty)
        }
        if let m = match(#"^(\d+) guest tickets, \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT$"#, s),
            let k = int(m[1]), let t = Money(m[2]), let v = VATRate(m[3]), let net = Money(m[4])
        {
            return .guestMeals(tickets: k, ttc: t, vat: v, net: net)
        }
        let admission = #"(, client pays ([\d.]+)%: \#(n) × [\d.]+% = [-\d.]+)?( \((revised on .*)\))?$"#
        if let m = match(#"^(\d+) covers × \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT"# + admission, s),
            let c = int(m[1]), let u = Price(m[2]), let v = VATRate(m[3]), let net = Money(m[4]),
            let detail = admissionDetail(m[6], m[7], m[9])
        {
            return .admissionFee(
                covers: c, unit: u, includesVAT: true, vat: v, net: net, share: detail.0, revision: detail.1)
        }
        if let m = match(#"^(\d+) covers \(guests included\) × \#(n) HT = \#(n)"# + admission, s),
            let c = int(m[1]), let u = Price(m[2]), let net = Money(m[3]),
            let detail = admissionDetail(m[5], m[6], m[8])
        {
            return .admissionFee(
                covers: c, unit: u, includesVAT: false, vat: lineRate, net: net, share: detail.0, revision: detail.1)
        }
        if let m = match(
            #"^([\d.]+)% of badge holders' cafeteria tickets \#(n) TTC / \(1 \+ ([\d.]+)%\) = \#(n) HT$"#, s),
            let p = Percentage(m[1]), let t = Money(m[2]), let v = VATRate(m[3]), let net = Money(m[4])
        {
            return .cafeteriaParticipation(percent: p, ttc: t, vat: v, net: net)
        }
        if let m = match(
            #"^\#(n) HT per (month|quarter) (in arrears|in advance)(, prorated (\d+)/(\d+) days)? = \#(n)( \((revised on .*)\))?$"#,
            s),
            let full = Money(m[1]), let per = LineFacts.Cadence(rawValue: m[2]),
            let timing = LineFacts.Timing(rawValue: m[3]), let net = Money(m[7])
        {
            let prorata =
                m[4].isEmpty ? nil : int(m[5]).flatMap { d in int(m[6]).map { LineFacts.Prorata(days: d, of: $0) } }
            guard m[4].isEmpty || prorata != nil, let revision = optionalRevision(m[9]) else { return nil }
            return .flatFee(full: full, per: per, timing: timing, prorata: prorata, net: net, revision: revision)
        }
        if let m = match(
            #"^max\(\#(n)( \(floor prorated (\d+)/(\d+) days\))?, \#(n) × (\d+) covers = \#(n)\) = \#(n)$"#, s),
            let floor = Money(m[1]), let per = Price(m[5]), let c = int(m[6]), let variable = Money(m[7]),
            let billed = Money(m[8])
        {
            let prorata =
                m[2].isEmpty ? nil : int(m[3]).flatMap { d in int(m[4]).map { LineFacts.Prorata(days: d, of: $0) } }
            return .floorFee(
                floor: floor, prorata: prorata, perCover: per, covers: c, variable: variable, billed: billed)
        }
        if let m = match(#"^graduated: (\d+) covers, (\d+) in the band (.+) × \#(n) = \#(n)$"#, s),
            let c = int(m[1]), let k = int(m[2]), let band = band(m[3]), let p = Price(m[4]), let net = Money(m[5])
        {
            return .graduatedFee(covers: c, inBand: k, band: band, price: p, net: net)
        }
        if let m = match(#"^volume: (\d+) covers reach the band (.+), all at \#(n) = \#(n)$"#, s),
            let c = int(m[1]), let band = band(m[2]), let p = Price(m[3]), let net = Money(m[4])
        {
            return .volumeFee(covers: c, band: band, price: p, net: net)
        }
        if let m = match(
            #"^(\d+) of (\d+) open days under (\d+) covers at (\S+): (\d+) missing covers × \#(n) = \#(n)( \((revised on .*)\))?$"#,
            s),
            let short = int(m[1]), let open = int(m[2]), let t = int(m[3]), let missing = int(m[5]),
            let p = Price(m[6]), let net = Money(m[7]),
            let revision = optionalRevision(m[9])
        {
            return .minimumGuarantee(
                shortDays: short, openDays: open, threshold: t, site: m[4], missing: missing, price: p, net: net,
                revision: revision)
        }
        if let m = match(
            #"^order (\S+) revision (\d+): (-?\d+) × \#(n)(, discount ([\d.]+)%: \#(n) → [-\d.]+)? = \#(n)$"#, s),
            let r = int(m[2]), let q = int(m[3]), let u = Price(m[4]), let net = Money(m[8])
        {
            let discount =
                m[5].isEmpty
                ? nil : Percentage(m[6]).flatMap { d in Price(m[7]).map { LineFacts.Discount(percent: d, gross: $0) } }
            guard m[5].isEmpty || discount != nil else { return nil }
            return .orderLine(order: m[1], revision: r, quantity: q, unit: u, discount: discount, net: net)
        }
        if let m = match(#"^order (\S+) totals \#(n) HT after discount, under \#(n): delivery fee \#(n)$"#, s),
            let total = Money(m[2]), let under = Money(m[3]), let fee = Money(m[4])
        {
            return .deliveryFee(order: m[1], orderHT: total, under: under, fee: fee)
        }
        if let m = match(
            #"^order (\S+) (cancelled|changed) \(revision (\d+)\): credits (-?\d+) × \#(n) = \#(n) billed before$"#, s),
            let r = int(m[3]), let q = int(m[4]), let u = Price(m[5]), let net = Money(m[6])
        {
            return .orderCredit(
                order: m[1], cancelled: m[2] == "cancelled", revision: r, quantity: q, unit: u, net: net)
        }
        let billed = #"(nothing|(-?\d+) for \#(n))"#
        if let m = match(#"^order (\S+) revision (\d+): billed \#(billed), now \#(billed)$"#, s), let r = int(m[2]),
            let b = tally(m[3], m[4], m[5]), let a = tally(m[6], m[7], m[8])
        {
            return .orderDifference(order: m[1], revision: r, billed: b, now: a)
        }
        if let m = match(
            #"^late revenue for (.+), priced by the contract as it stands: billed \#(billed) on the revenue as invoiced, \#(billed) on the revenue now$"#,
            s),
            let period = invoicePeriod, period.frenchName == m[1], let b = tally(m[2], m[3], m[4]),
            let a = tally(m[5], m[6], m[7])
        {
            return .lateRevenue(period: period, invoiced: b, now: a)
        }
        if let m = match(#"^credits line (\d+) of (\S+) of (\d{4}-\d{2}-\d{2}): (.*)$"#, s), let line = int(m[1]),
            let day = Day(iso: m[3])
        {
            return .credit(line: line, number: m[2], issued: day, reason: m[4])
        }
        if let m = match(#"^typed in: (.*)$"#, s) { return .typedIn(reason: m[1]) }
        if let m = match(#"^added by ([^:]+): (.*)$"#, s) { return .added(by: m[1], reason: m[2]) }
        return nil
    }

    /// A client's share and a revision after an admission fee; nil when present and unread.
    static func admissionDetail(_ share: String, _ full: String, _ revision: String) -> (
        LineFacts.ClientShare?, LineFacts.Revision?
    )? {
        var s: LineFacts.ClientShare?
        if !share.isEmpty {
            guard let p = Percentage(share), let f = Price(full) else { return nil }
            s = LineFacts.ClientShare(percent: p, fullPrice: f)
        }
        guard let r = optionalRevision(revision) else { return nil }
        return (s, r)
    }

    /// `.some(nil)` for no revision, nil when one is written and does not read.
    static func optionalRevision(_ text: String) -> LineFacts.Revision?? {
        guard !text.isEmpty else { return .some(nil) }
        guard
            let m = match(
                #"^revised on (\d{4}-\d{2}-\d{2}): \#(money) × \(([\d.]+) \+ ([\d.]+) × ([\d.]+) / ([\d.]+)\) = \#(money)$"#,
                text),
            let day = Day(iso: m[1]), let base = Price(m[2]), let a = Percentage(m[3]), let b = Percentage(m[4]),
            let i = Percentage(m[5]), let i0 = Percentage(m[6]), let price = Price(m[7])
        else { return nil }
        return .some(
            LineFacts.Revision(
                on: day, series: nil, referenceMonth: nil, base: base, fixedPart: a, indexedPart: b, index: i,
                baseIndex: i0, price: price))
    }

    /// A band as the engine named it: `de 2001 à 4000 couverts`, `jusqu'à 4000 couverts`, `au-delà de 4000 couverts`.
    static func band(_ text: String) -> LineFacts.Band? {
        if let m = match(#"^de (\d+) à (\d+) couverts$"#, text), let a = Int(m[1]), let b = Int(m[2]) {
            return LineFacts.Band(from: a - 1, upTo: b)
        }
        if let m = match(#"^jusqu'à (\d+) couverts$"#, text), let b = Int(m[1]) {
            return LineFacts.Band(from: 0, upTo: b)
        }
        if let m = match(#"^au-delà de (\d+) couverts$"#, text), let a = Int(m[1]) {
            return LineFacts.Band(from: a, upTo: nil)
        }
        return nil
    }

    /// The groups of `pattern`'s match of the whole of `text` (an unmatched group is empty).
    static func match(_ pattern: String, _ text: String) -> [String]? {
        guard let r = try? NSRegularExpression(pattern: pattern),
            let m = r.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        else { return nil }
        return (0..<m.numberOfRanges).map { i in Range(m.range(at: i), in: text).map { String(text[$0]) } ?? "" }
    }
}

extension LineFacts {
    /// The encoder of the stored JSON (keys sorted: the same facts are the same text).
    static var storedEncoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
