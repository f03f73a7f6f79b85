/// A closed range of days, both ends included: a billing period, a fee
/// period, a contract's validity.
public struct Period: Hashable, Sendable, Codable, CustomStringConvertible {
    public var start: Day
    public var end: Day

    public init(start: Day, end: Day) {
        self.start = start
        self.end = end
    }

    public var dayCount: Int { end.ordinal - start.ordinal + 1 }
    public var isEmpty: Bool { end < start }
    public func contains(_ day: Day) -> Bool { start <= day && day <= end }
    public var days: [Day] { isEmpty ? [] : Array(start...end) }

    /// The days common to both periods, or nil.
    public func intersection(_ other: Period) -> Period? {
        let p = Period(start: max(start, other.start), end: min(end, other.end))
        return p.isEmpty ? nil : p
    }

    public static func month(of day: Day) -> Period { Period(start: day.firstOfMonth, end: day.lastOfMonth) }

    public static func quarter(of day: Day) -> Period {
        let c = day.civil
        let firstMonth = (c.month - 1) / 3 * 3 + 1
        let start = Day(year: c.year, month: firstMonth, day: 1) ?? day.firstOfMonth
        return Period(start: start, end: start.addingMonths(2).lastOfMonth)
    }

    /// The ISO week (Monday to Sunday) containing `day`.
    public static func isoWeek(of day: Day) -> Period {
        let monday = day.adding(days: 1 - day.isoWeekday)
        return Period(start: monday, end: monday.adding(days: 6))
    }

    /// ISO year and week number of a day.
    public static func isoWeekNumber(of day: Day) -> (year: Int, week: Int) {
        let thursday = day.adding(days: 4 - day.isoWeekday)
        let y = thursday.year
        guard let jan1 = Day(year: y, month: 1, day: 1) else { return (y, 1) }
        return (y, (thursday.ordinal - jan1.ordinal) / 7 + 1)
    }

    /// Parses `2026-10` (a month), `2026-W42` (an ISO week), `2026-Q4`,
    /// `2026-10-14` (a day) or `2026-10-01..2026-10-15`.
    public init?(parsing text: String) {
        let chars = Array(text)
        if let dot = chars.indices.first(where: { $0 + 1 < chars.count && chars[$0] == "." && chars[$0 + 1] == "." }) {
            guard let a = Day(iso: String(chars[..<dot])), let b = Day(iso: String(chars[(dot + 2)...])), a <= b else {
                return nil
            }
            self.init(start: a, end: b)
            return
        }
        if let d = Day(iso: text) {
            self.init(start: d, end: d)
            return
        }
        let parts = text.split(separator: "-")
        guard parts.count == 2, parts[0].count == 4, let y = Int(parts[0]) else { return nil }
        let p = parts[1]
        if p.first == "W", let w = Int(p.dropFirst()), (1...53).contains(w) {
            guard let jan4 = Day(year: y, month: 1, day: 4) else { return nil }
            let week1 = Period.isoWeek(of: jan4).start
            let monday = week1.adding(days: (w - 1) * 7)
            guard Period.isoWeekNumber(of: monday).year == y else { return nil }
            self.init(start: monday, end: monday.adding(days: 6))
            return
        }
        if p.first == "Q", let q = Int(p.dropFirst()), (1...4).contains(q),
            let d = Day(year: y, month: q * 3 - 2, day: 1)
        {
            self = Period.quarter(of: d)
            return
        }
        guard p.count == 2, let m = Int(p), let first = Day(year: y, month: m, day: 1) else { return nil }
        self = Period.month(of: first)
    }

    /// `2026-10-01..2026-10-31`.
    public var description: String { start == end ? start.description : "\(start)..\(end)" }

    /// The shortest name of the period: `2026-10`, `2026-W42`, `2026-Q4`, a day, or a range.
    public var name: String {
        if start == end { return start.description }
        if start.dayOfMonth == 1, end == start.lastOfMonth {
            return Month(start).description
        }
        if start.isoWeekday == 1, dayCount == 7 {
            let w = Period.isoWeekNumber(of: start)
            return "\(w.year)-W\(Day.pad(w.week, 2))"
        }
        if Period.quarter(of: start) == self {
            return "\(start.year)-Q\((start.month - 1) / 3 + 1)"
        }
        return description
    }
}

/// How often a contract's invoices are made.
public enum Cadence: String, Sendable, Codable, CaseIterable {
    case monthly, weekly, quarterly
    /// Events only: an invoice the day an order is delivered.
    case onDelivery = "on delivery"

    /// The billing period of this cadence that contains `day`.
    public func period(containing day: Day) -> Period {
        switch self {
        case .monthly: return .month(of: day)
        case .weekly: return .isoWeek(of: day)
        case .quarterly: return .quarter(of: day)
        case .onDelivery: return Period(start: day, end: day)
        }
    }
}

extension Period {
    static let frenchMonths = [
        "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre",
        "décembre"
    ]

    /// The period as an invoice names it: `octobre 2026`, `T4 2026`, `du 01/10/2026 au 15/10/2026`.
    public var frenchName: String {
        if start.dayOfMonth == 1, end == start.lastOfMonth {
            return "\(Period.frenchMonths[start.month - 1]) \(start.year)"
        }
        if Period.quarter(of: start) == self { return "T\((start.month - 1) / 3 + 1) \(start.year)" }
        return "du \(start.french) au \(end.french)"
    }
}
