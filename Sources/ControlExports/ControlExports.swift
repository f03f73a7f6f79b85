import BillingModel
import Foundation
import Ledger
import Settings
import Spreadsheets

/// The control exports of the ledger to XLSX files, for finance staff and
/// auditors: what the registers recorded beside the invoices that billed it,
/// event orders beside their documents, and the revenue no invoice carries.
/// They read the ledger only.
public struct ControlExports: Sendable {
    public let ledger: LedgerDatabase
    public let settings: MasterData

    public init(ledger: LedgerDatabase, settings: MasterData) {
        self.ledger = ledger
        self.settings = settings
    }

    /// The kinds of export, with their default file names.
    public enum Kind: String, Sendable, CaseIterable {
        case restaurants, events, unbilled, closing

        /// `restaurants-2026-10.xlsx`
        public func fileName(_ period: Period) -> String { "\(rawValue)-\(period.name).xlsx" }
    }
}

/// What an export wrote: the file and the rows of each sheet.
public struct ExportSummary: Sendable, CustomStringConvertible {
    public var path: String
    public var sheets: [(name: String, rows: Int)]

    init(path: String, sheets: [Sheet]) {
        self.path = path
        self.sheets = sheets.map { ($0.name, $0.rowCount) }
    }

    public var description: String {
        "wrote \(path) (" + sheets.map { "\($0.name): \($0.rows) rows" }.joined(separator: ", ") + ")"
    }
}

extension Cell {
    /// A VAT rate stored in ten-thousandths of a percent, shown as `10` or `5.5`.
    static func vatRate(_ tenThousandths: Int64) -> Cell { .decimal(tenThousandths, scale: 4, places: 1) }
    /// A unit price stored in ten-thousandths of a euro, shown with 2 to 4 decimals.
    static func unitPrice(_ tenThousandths: Int64) -> Cell { .decimal(tenThousandths, scale: 4, places: 2) }
}

/// The words the workbooks write in their cells, in French as their headers (finance staff read them).
enum FrenchCells {
    static func documentType(creditNote: Bool) -> String { creditNote ? "avoir" : "facture" }

    /// A document's origin as stored (`contract`, `correction`, `manual`, `credit`, `events`).
    static func origin(_ stored: String) -> String {
        switch stored {
        case "contract": return "contrat"
        case "correction": return "correction"
        case "manual": return "saisie manuelle"
        case "credit": return "avoir"
        case "events": return "événement"
        default: return stored
        }
    }

    /// An event order's status as stored (`confirmed`, `delivered`, `cancelled`).
    static func orderStatus(_ stored: String) -> String {
        switch stored {
        case "confirmed": return "confirmée"
        case "delivered": return "livrée"
        case "cancelled": return "annulée"
        default: return stored
        }
    }
}

/// An amount of an export that does not fit in cents (register rows or
/// orders past any sane bound): the export stops with this error, naming
/// what it was summing, never a trap.
public struct ExportOverflow: Error, Sendable, CustomStringConvertible {
    public var what: String
    public init(_ what: String) { self.what = what }
    public var description: String { "\(what): amount out of range" }
}

/// `a + b` in cents, or an error naming `what`.
@inline(__always)
func addCents(_ a: Int64, _ b: Int64, _ what: @autoclosure () -> String) throws(ExportOverflow) -> Int64 {
    let (s, o) = a.addingReportingOverflow(b)
    if o { throw ExportOverflow(what()) }
    return s
}
