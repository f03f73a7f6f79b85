/// When an invoice must be paid, as its contract says (T15).
public enum PaymentTerms: Hashable, Sendable, Codable, CustomStringConvertible {
    case onReceipt
    /// N days after the invoice date.
    case days(Int)
    /// (a) add N days to the invoice date, then go to the end of that month.
    case daysThenEndOfMonth(Int)
    /// (b) go to the end of the invoice date's month, then add N days.
    case endOfMonthThenDays(Int)

    /// French law: at most 60 days, or 45 days end of month.
    public static let legalMaximumDays = 60
    public static let legalMaximumDaysEndOfMonth = 45

    /// Periodic invoices (monthly, weekly: CGI art. 289 I 3) are due at most 45 days
    /// after their issue date (Code de commerce L441-10 II).
    public static let periodicMaximumDays = 45

    /// The most days these terms can put between an issue date and its due date, over every
    /// issue date: an end of month adds up to 30 days (landing on the 1st of a 31-day month).
    public var longestDelay: Int {
        switch self {
        case .onReceipt: return 0
        case .days(let n): return n
        case .daysThenEndOfMonth(let n), .endOfMonthThenDays(let n): return n + 30
        }
    }

    /// True when a periodic invoice under these terms could fall due more than 45 days after issue.
    public var exceedsPeriodicCap: Bool { longestDelay > Self.periodicMaximumDays }

    public func dueDate(issuedOn day: Day) -> Day {
        switch self {
        case .onReceipt: return day
        case .days(let n): return day.adding(days: n)
        case .daysThenEndOfMonth(let n): return day.adding(days: n).lastOfMonth
        case .endOfMonthThenDays(let n): return day.lastOfMonth.adding(days: n)
        }
    }

    /// The legal cap this term is over, or nil when it is lawful.
    public var legalCapExceeded: Int? {
        switch self {
        case .onReceipt: return nil
        case .days(let n): return n > Self.legalMaximumDays ? Self.legalMaximumDays : nil
        case .daysThenEndOfMonth(let n), .endOfMonthThenDays(let n):
            return n > Self.legalMaximumDaysEndOfMonth ? Self.legalMaximumDaysEndOfMonth : nil
        }
    }

    /// The words printed on an invoice.
    public var description: String {
        switch self {
        case .onReceipt: return "on receipt"
        case .days(let n): return "\(n) days"
        case .daysThenEndOfMonth(let n): return "\(n) days, then end of month"
        case .endOfMonthThenDays(let n): return "end of month, then \(n) days"
        }
    }

    /// French wording for documents.
    public var french: String {
        switch self {
        case .onReceipt: return "à réception"
        case .days(let n): return "\(n) jours date de facture"
        case .daysThenEndOfMonth(let n): return "\(n) jours fin de mois"
        case .endOfMonthThenDays(let n): return "fin de mois le \(n)"
        }
    }
}

extension PaymentTerms {
    /// Reads back the words of `description` (as stored with an invoice).
    public init?(description text: String) {
        let words = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
        if text == "on receipt" { self = .onReceipt; return }
        if words.count == 2, words[1] == "days", let n = Int(words[0]) { self = .days(n); return }
        if words.count == 6, words[1] == "days", let n = Int(words[0]), words[2...] == ["then", "end", "of", "month"] {
            self = .daysThenEndOfMonth(n); return
        }
        if words.count == 6, words[0...3] == ["end", "of", "month", "then"], let n = Int(words[4]), words[5] == "days" {
            self = .endOfMonthThenDays(n); return
        }
        return nil
    }
}
