import Accounting
import BillingEngine
import BillingModel
import Foundation
import Ledger

/// The formats the sales journal is exported in.
public enum EntriesFormat: String, CaseIterable, Sendable {
    /// The legal FEC (article A47 A-1 LPF).
    case fec
    /// One row per entry line, for accounting software.
    case csv
}

/// An export of the sales journal for a period: its default file name and text.
public struct EntriesExport: Sendable {
    public var fileName: String
    public var text: String
    /// What is written: the FEC in ISO 8859-15 (article A47 A-1 LPF allows it or ASCII), the CSV in UTF-8.
    public var bytes: [UInt8]
    /// The MIME type of `bytes`, with its character set.
    public var mediaType: String
    public var entries: Int
    public var lines: Int
    public var debit: Money
    public var credit: Money
}

extension Installation {
    /// Posts the sales entries of issued documents that have none (ledgers
    /// issued before the journal existed). Idempotent; the daily run calls it.
    /// Then the VAT on receipts' moves that lag the payments (dated `today`, default the UTC day), counted with them.
    public func postMissingEntries(actor: String, today: Day? = nil) throws -> Int {
        let ledger = try self.ledger
        let posting = settings.salesPosting
        let documents = try ledger.postMissingEntries(posting: posting, actor: actor)
        let day = today ?? Day(iso: String(LedgerDatabase.timestamp().prefix(10))) ?? Day(ordinal: 0)
        return documents + (try ledger.postMissingVATMoves(journal: posting.vatJournal, today: day, actor: actor))
    }

    /// The entries dated within `period` as a FEC or CSV file. The FEC's name
    /// is `<SIREN>FEC<YYYYMMDD>.txt`, the date being the period's last day
    /// (the closing date of the month exported).
    public func exportEntries(period: Period, format: EntriesFormat) throws -> EntriesExport {
        let ledger = try self.ledger
        let entries = try ledger.entries(in: period)
        let stored = entries.map(\.entry)
        let lines = stored.flatMap(\.lines)
        let text: String
        let name: String
        switch format {
        case .fec:
            // Lettering: the customer lines of a paid invoice's sales entry and of its payments' bank entries.
            let letters = try ledger.lettering(entriesIn: period)
            var byEntry: [JournalEntry: (code: String, date: Day)] = [:]
            for e in entries { if let l = letters[e.id] { byEntry[e.entry] = l } }
            let customerAccount = settings.accounting.customerAccount
            text = FEC.text(stored) { entry, line in line.account == customerAccount ? byEntry[entry] : nil }
            name = FEC.fileName(siren: settings.seller.siren, closingDate: period.end)
        case .csv:
            text = EntriesCSV.text(stored)
            name = "ecritures-\(period.start.compact)-\(period.end.compact).csv"
        }
        let bytes: [UInt8]
        do throws(FECCharacterError) { bytes = format == .fec ? try FEC.latin9(text) : Array(text.utf8) } catch {
            throw WorkspaceError(
                "\(name): \(error)",
                reason: .fecCharacter(line: error.line, column: error.column, character: String(error.character)))
        }
        return EntriesExport(
            fileName: name, text: text, bytes: bytes,
            mediaType: format == .fec ? "text/plain; charset=iso-8859-15" : "text/csv; charset=utf-8",
            entries: stored.count, lines: lines.count, debit: lines.map(\.debit).sum(),
            credit: lines.map(\.credit).sum())
    }
}
