/// The words every module shares: what a document is, a postal address, a month, the guests'
/// diner category. One type for one idea, so that the ledger, the settings,
/// the documents and the entries cannot disagree on it.

/// Invoice or credit note: stored in the ledger (`invoice`, `credit_note`),
/// named by the settings' number series, printed on documents and posted.
public enum DocumentKind: String, Sendable, Hashable, Codable, CaseIterable {
    case invoice
    case creditNote = "credit_note"

    /// The UNTDID 1001 code of the e-invoice (BT-3): 380 commercial invoice, 381 credit note.
    public var typeCode: String { self == .invoice ? "380" : "381" }
    /// The title printed on the PDF.
    public var frenchTitle: String { self == .invoice ? "Facture" : "Avoir" }
}

/// A postal address as the settings give it, printed on documents and sent in the e-invoice.
public struct Address: Sendable, Hashable {
    /// Street lines, first to last (building, street, ...).
    public var lines: [String]
    public var postcode: String
    public var city: String
    /// ISO 3166-1 alpha-2 country code, `FR`.
    public var countryCode: String

    public init(lines: [String], postcode: String, city: String, countryCode: String = "FR") {
        self.lines = lines
        self.postcode = postcode
        self.city = city
        self.countryCode = countryCode
    }
}

/// A site's activity: the registers' (`SELF`, `CAFET`, `BRASS`, as their ticket lines name it), the event
/// orders' and the contracts' fees. One type for the settings (a revenue type's activity), the ledger's daily
/// revenue, the dashboards and the closing report; the raw value is the settings' word.
public enum Activity: String, Sendable, Hashable, CaseIterable, Comparable {
    case selfService = "SELF"
    case cafeteria = "CAFET"
    case brasserie = "BRASS"
    case events = "EVENTS"
    case fees = "FEES"

    /// The activities with revenue of their own day by day (the registers' and the event orders'), in the order
    /// the dashboards show them; fees are billed by contracts, not sold.
    public static let withDailyRevenue: [Activity] = [.selfService, .cafeteria, .brasserie, .events]

    public static func < (a: Activity, b: Activity) -> Bool {
        (allCases.firstIndex(of: a) ?? 0) < (allCases.firstIndex(of: b) ?? 0)
    }
}

/// The diner categories of the registers' badges that have a meaning of their own.
public enum DinerCategory {
    /// Guests' tickets (`INV`): billed by a contract's guest meals term, not as covers of a category.
    public static let guests = "INV"
}

/// A calendar month, `2026-09`: the key of index values, of closed months and of monthly billing.
public struct Month: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var year: Int
    public var month: Int

    public init?(year: Int, month: Int) {
        guard (1...12).contains(month), (1900...9999).contains(year) else { return nil }
        self.year = year
        self.month = month
    }

    /// Parses exactly `YYYY-MM`.
    public init?(_ text: String) {
        let c = Array(text)
        guard c.count == 7, c[4] == "-",
            c[0..<4].allSatisfy({ $0.isASCII && $0.isWholeNumber }),
            c[5...].allSatisfy({ $0.isASCII && $0.isWholeNumber }),
            let y = Int(String(c[0..<4])), let m = Int(String(c[5...]))
        else { return nil }
        self.init(year: y, month: m)
    }

    public init(_ day: Day) {
        year = day.year
        month = day.month
    }

    /// The month's days.
    public var period: Period { Period.month(of: firstDay) }
    /// Its first day (a month always has one: its year and month are checked when it is made).
    public var firstDay: Day { Day(ordinal: Day.daysFromCivil(year, month, 1)) }

    public var next: Month {
        month == 12 ? Month(uncheckedYear: year + 1, month: 1) : Month(uncheckedYear: year, month: month + 1)
    }

    init(uncheckedYear year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    public var description: String {
        let y = String(year), m = String(month)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + (m.count == 1 ? "0" + m : m)
    }

    public static func < (a: Month, b: Month) -> Bool { (a.year, a.month) < (b.year, b.month) }
}
