/// A calendar day (a civil date with no time and no time zone): what invoices,
/// periods and business days are made of.
public struct Day: Hashable, Comparable, Sendable, Codable, CustomStringConvertible, Strideable {
    /// Days since 1970-01-01.
    public let ordinal: Int

    @inlinable public init(ordinal: Int) { self.ordinal = ordinal }

    /// The day `year-month-day`; nil when it does not exist (2026-02-30).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysIn(year: year, month: month) else { return nil }
        ordinal = Day.daysFromCivil(year, month, day)
    }

    /// Parses ISO `2026-10-05`.
    public init?(iso text: some StringProtocol) {
        let s = Array(text.utf8)
        guard s.count == 10, s[4] == 45, s[7] == 45,
            let y = Day.number(s[0..<4]), let m = Day.number(s[5..<7]), let d = Day.number(s[8..<10]),
            let day = Day(year: y, month: m, day: d)
        else { return nil }
        self = day
    }

    /// Parses the registers' `05/10/2026`.
    public init?(french text: some StringProtocol) {
        let s = Array(text.utf8)
        guard s.count == 10, s[2] == 47, s[5] == 47,
            let d = Day.number(s[0..<2]), let m = Day.number(s[3..<5]), let y = Day.number(s[6..<10]),
            let day = Day(year: y, month: m, day: d)
        else { return nil }
        self = day
    }

    static func number(_ bytes: ArraySlice<UInt8>) -> Int? {
        var v = 0
        for b in bytes {
            guard b >= 48, b <= 57 else { return nil }
            v = v * 10 + Int(b - 48)
        }
        return v
    }

    public var year: Int { civil.year }
    public var month: Int { civil.month }
    public var dayOfMonth: Int { civil.day }

    /// (year, month, day) of this day.
    public var civil: (year: Int, month: Int, day: Int) { Day.civilFromDays(ordinal) }

    /// ISO weekday: 1 = Monday ... 7 = Sunday.
    public var isoWeekday: Int { ((ordinal % 7 + 7 + 3) % 7) + 1 }

    /// `2026-10-05`.
    public var description: String {
        let c = civil
        return "\(Day.pad(c.year, 4))-\(Day.pad(c.month, 2))-\(Day.pad(c.day, 2))"
    }
    /// `05/10/2026`.
    public var french: String {
        let c = civil
        return "\(Day.pad(c.day, 2))/\(Day.pad(c.month, 2))/\(Day.pad(c.year, 4))"
    }
    /// `20261005`, the form of file names and the FEC.
    public var compact: String {
        let c = civil
        return "\(Day.pad(c.year, 4))\(Day.pad(c.month, 2))\(Day.pad(c.day, 2))"
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    public var firstOfMonth: Day { Day(ordinal: ordinal - dayOfMonth + 1) }
    public var lastOfMonth: Day {
        let c = civil
        return Day(ordinal: ordinal - c.day + Day.daysIn(year: c.year, month: c.month))
    }

    /// The same day of month `count` months later, clamped to the month's end.
    public func addingMonths(_ count: Int) -> Day {
        let c = civil
        let total = c.year * 12 + (c.month - 1) + count
        let y = total >= 0 ? total / 12 : (total - 11) / 12
        let m = total - y * 12 + 1
        let d = min(c.day, Day.daysIn(year: y, month: m))
        return Day(ordinal: Day.daysFromCivil(y, m, d))
    }

    public func adding(days: Int) -> Day { Day(ordinal: ordinal + days) }

    @inlinable public static func < (a: Day, b: Day) -> Bool { a.ordinal < b.ordinal }
    @inlinable public func distance(to other: Day) -> Int { other.ordinal - ordinal }
    @inlinable public func advanced(by n: Int) -> Day { Day(ordinal: ordinal + n) }

    public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }
    public static func daysIn(year: Int, month: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    // Howard Hinnant's days_from_civil / civil_from_days algorithms.
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (m + 9) % 12
        let doy = (153 * mp + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = Day(iso: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a date YYYY-MM-DD: \(s)")
        }
        self = d
    }
}
