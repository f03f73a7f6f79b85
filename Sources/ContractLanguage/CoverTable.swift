import BillingModel

/// Where a compiled contract's day figures go: its sites and the categories
/// whose covers a term prices, each given a column once, at compile time.
struct TableLayout: Sendable {
    /// The contract's sites, in order.
    let sites: [String]
    /// For each site of `sites`, the index of its first occurrence (a site is matched by its name).
    let siteSlots: [Int]
    /// The categories whose covers terms read, each once.
    let categories: [String]

    init(_ contract: Contract) {
        sites = contract.sites
        siteSlots = contract.sites.map { s in contract.sites.firstIndex(of: s) ?? 0 }
        var cats: [String] = []
        for t in contract.terms {
            switch t.rule {
            case .subsidyPerCover(_, let list):
                for c in list where c.price != nil && !cats.contains(c.category) { cats.append(c.category) }
            case .subsidyCappedByTray(_, let list):
                for c in list where !cats.contains(c.category) { cats.append(c.category) }
            default: break
            }
        }
        categories = cats
    }

    /// The column of `category`'s covers (it must be one of `categories`).
    func column(of category: String) -> Int { CoverTable.firstCategory + (categories.firstIndex(of: category) ?? 0) }

    /// The site filters of a term: each site when billing per site, else one for all sites;
    /// a term bound to some sites (`at sites LD01`) sees only theirs.
    func filters(perSite: Bool, only: [String]? = nil) -> [SiteFilter] {
        let chosen = sites.indices.filter { only?.contains(sites[$0]) ?? true }
        if perSite { return chosen.map { SiteFilter(name: sites[$0], slot: siteSlots[$0]) } }
        guard only != nil else { return [SiteFilter(name: nil, slot: CoverTable.anySite)] }
        return [SiteFilter(name: nil, slot: CoverTable.someSites, slots: chosen.map { siteSlots[$0] })]
    }
}

/// A site a term bills apart (its name and slot), all sites (`name` nil, `anySite`), or some
/// sites together (`name` nil, `someSites`, their `slots`).
struct SiteFilter: Sendable {
    var name: String?
    var slot: Int
    var slots: [Int] = []

    /// Whether a row of site slot `rowSlot` is one of the filter's.
    @inline(__always)
    func matches(_ rowSlot: Int) -> Bool {
        slot == CoverTable.anySite || rowSlot == slot || (slot == CoverTable.someSites && slots.contains(rowSlot))
    }
}

/// The integer figures of every revenue day, gathered in one pass per
/// evaluation so that terms sum plain integers instead of each walking the
/// days' dictionaries (and hashing category names) again. Row `i` is
/// `revenue.days[i]`: its day's ordinal, site slot (-1 for a site not of the
/// contract), open flag, guest covers, total covers (guests included), then
/// the covers of each category of the layout.
struct CoverTable: Sendable {
    static let ordinal = 0, site = 1, open = 2, guests = 3, total = 4, firstCategory = 5
    /// A site filter that matches every row.
    static let anySite = Int.min
    /// A site filter that matches the rows of the filter's `slots`.
    static let someSites = Int.min + 1

    let width: Int
    let rows: [Int]

    static let empty = CoverTable(width: firstCategory, rows: [])

    private init(width: Int, rows: [Int]) {
        self.width = width
        self.rows = rows
    }

    init(_ days: [RevenueDay], layout: TableLayout) {
        let width = CoverTable.firstCategory + layout.categories.count
        let categories = layout.categories, sites = layout.sites
        self.width = width
        rows = Array(unsafeUninitializedCapacity: days.count * width) { out, initialized in
            days.withUnsafeBufferPointer { days in
                var o = 0
                for i in 0..<days.count {
                    out[o + CoverTable.ordinal] = days[i].day.ordinal
                    var slot = -1
                    for j in 0..<sites.count where sites[j] == days[i].site { slot = j; break }
                    out[o + CoverTable.site] = slot
                    out[o + CoverTable.open] = days[i].siteOpen ? 1 : 0
                    let guests = days[i].guestCovers
                    out[o + CoverTable.guests] = guests
                    for j in 0..<categories.count { out[o + CoverTable.firstCategory + j] = 0 }
                    // One walk of the day's covers gives its total (as `RevenueDay.totalCovers`) and each
                    // category's covers (as `covers[category] ?? 0`: keys are unique, compared as the dictionary does).
                    var total = guests
                    for (category, covers) in days[i].covers {
                        total += covers
                        for j in 0..<categories.count where categories[j] == category {
                            out[o + CoverTable.firstCategory + j] = covers
                            break
                        }
                    }
                    out[o + CoverTable.total] = total
                    o += width
                }
            }
            initialized = days.count * width
        }
    }

    /// Σ `column` over the rows of the days of `period` at the filter's sites.
    @inline(__always)
    func sum(_ column: Int, in period: Period, site filter: SiteFilter) -> Int {
        let lo = period.start.ordinal, hi = period.end.ordinal, width = width
        return rows.withUnsafeBufferPointer { r in
            var total = 0
            var o = 0
            while o < r.count {
                let day = r[o + CoverTable.ordinal]
                if day >= lo, day <= hi, filter.matches(r[o + CoverTable.site]) { total += r[o + column] }
                o += width
            }
            return total
        }
    }

    /// Whether row `i` is a day of `period` at one of the filter's sites.
    @inline(__always)
    func matches(_ i: Int, lo: Int, hi: Int, site filter: SiteFilter) -> Bool {
        let o = i * width
        let day = rows[o + CoverTable.ordinal]
        return day >= lo && day <= hi && filter.matches(rows[o + CoverTable.site])
    }

    @inline(__always)
    subscript(row: Int, column: Int) -> Int { rows[row * width + column] }
}

/// Amounts summed by VAT rate: the few rates of a term, in a small array
/// rather than a dictionary (no hashing per day); read back by increasing rate.
struct RateTotals {
    var entries: [(rate: VATRate, amount: Money)] = []

    @inline(__always)
    mutating func add(_ rate: VATRate, _ amount: Money) throws(MoneyOverflow) {
        for i in entries.indices where entries[i].rate == rate {
            entries[i].amount = try entries[i].amount.adding(amount)
            return
        }
        entries.append((rate, amount))
    }

    /// The rates seen (zero totals included), as `Dictionary.count` would count them.
    var count: Int { entries.count }

    /// The totals by increasing rate.
    func sorted() -> [(rate: VATRate, amount: Money)] {
        entries.count < 2 ? entries : entries.sorted { $0.rate < $1.rate }
    }
}
