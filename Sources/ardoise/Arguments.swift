import ArgumentParser
import BillingModel
import CommandSupport
import Ledger
import Foundation
import Workspace

// Every option's value is a type: a malformed value is refused while the
// arguments are parsed, before anything is opened or written, with a message
// naming the option and the expected shape (exit 2, see `Ardoise.main`).
// A typo is never read as "no filter".

/// A period as typed: `2026-10`, `2026-W42`, `2026-Q4`, `2026-10-14` or `2026-10-01..2026-10-15`.
struct PeriodArgument: ExpressibleByArgument, Sendable {
    var period: Period
    /// `2026-10-01..2026-10-15` is billed as it is; a named period bills each cadence's periods ending inside it.
    var isExplicitRange: Bool
    var text: String

    static let shape =
        "expected a month 2026-10, an ISO week 2026-W42, a quarter 2026-Q4, a day 2026-10-14 or a range 2026-10-01..2026-10-15"

    init?(argument: String) {
        guard let p = Period(parsing: argument) else { return nil }
        period = p
        isExplicitRange = argument.contains("..")
        text = argument
    }

    static func parse(_ text: String) throws -> PeriodArgument {
        guard let p = PeriodArgument(argument: text) else { throw ExpectedShape(shape) }
        return p
    }
}

/// A day, `2026-10-14`.
struct DayArgument: ExpressibleByArgument, Sendable {
    var day: Day

    init?(argument: String) {
        guard let d = Day(iso: argument) else { return nil }
        day = d
    }

    static func parse(_ text: String) throws -> DayArgument {
        guard let d = DayArgument(argument: text) else {
            throw ExpectedShape("expected a date YYYY-MM-DD, e.g. 2026-10-14")
        }
        return d
    }
}

/// An amount in euros with at most two decimals: `150.00`, `1,500`, `0.5`.
struct AmountArgument: ExpressibleByArgument, Sendable {
    var money: Money

    init?(argument: String) {
        guard let m = Money(argument), m.cents > 0 else { return nil }
        money = m
    }

    static func parse(_ text: String) throws -> AmountArgument {
        guard let a = AmountArgument(argument: text) else {
            throw ExpectedShape("expected a positive amount HT with at most two decimals, e.g. 150.00")
        }
        return a
    }
}

/// A document line, `LABEL|QUANTITY|UNIT PRICE HT|VAT %`, every field given.
struct LineArgument: Sendable {
    var line: LineText.Parsed

    static func parse(_ text: String) throws -> LineArgument {
        do {
            return LineArgument(line: try LineText.parse(text))
        } catch {
            throw ExpectedShape(
                "\(error); expected \"LABEL|QUANTITY|UNIT PRICE HT|VAT %\", e.g. \"Prestation|2|150.00|20\"")
        }
    }
}

/// `--format` of listing commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable, Sendable { case text, json }

/// `--type` of `ardoise manual`.
enum ManualType: String, ExpressibleByArgument, CaseIterable, Sendable {
    case invoice
    case creditNote = "credit-note"

    var kind: DocumentKind { self == .invoice ? .invoice : .creditNote }
}

extension InvoiceStatus: ExpressibleByArgument {}
extension OutboxStatus: ExpressibleByArgument {}

/// Files or folders named on the command line must exist: a misspelled path
/// is an error (exit 2), never an empty selection that checks or formats nothing.
func requireExisting(_ paths: [String]) throws {
    let missing = paths.filter { !FileManager.default.fileExists(atPath: $0) }
    guard missing.isEmpty else {
        throw ValidationError("no such file or folder: \(missing.map { "`\($0)`" }.joined(separator: ", "))")
    }
}
