import Foundation
import Ledger

/// Imports register files and event orders, whichever each file is: the
/// entry point of `ardoise import [FILE|DIR...]`.
public struct Importer: Sendable {
    public let ledger: Ledger
    public var knownClients: Set<String>?
    public var timeZone: TimeZone
    /// The VAT rates event order lines may carry (ten-thousandths); nil: the French rates.
    public var vatRates: Set<Int64>?

    public init(ledger: Ledger, knownClients: Set<String>? = nil,
                timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt, vatRates: Set<Int64>? = nil) {
        self.ledger = ledger
        self.knownClients = knownClients
        self.timeZone = timeZone
        self.vatRates = vatRates
    }

    /// Imports one file, chosen by its name (`PIE_...csv` or `EVT_...jsonl`).
    public func importFile(at url: URL) -> ImportResult {
        let name = url.lastPathComponent
        if name.hasPrefix("PIE_") {
            return RegisterImporter(ledger: ledger, knownClients: knownClients).importFile(at: url)
        }
        if name.hasPrefix("EVT_") {
            return EventOrderImporter(ledger: ledger, knownClients: knownClients, timeZone: timeZone, vatRates: vatRates)
                .importFile(at: url)
        }
        return .refused(url.path, "`\(name)` is neither a register file `PIE_<SITE>_<YYYYMMDD>.csv` "
            + "nor an event-order file `EVT_<YYYYMMDD>[_<n>].jsonl`")
    }

    /// Imports files and the files of directories (not recursive), each
    /// directory's files in name order, so days come in order.
    public func importPaths(_ urls: [URL]) -> [ImportResult] {
        var results: [ImportResult] = []
        for url in urls {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") {
                    results.append(importFile(at: url.appendingPathComponent(name)))
                }
            } else {
                results.append(importFile(at: url))
            }
        }
        return results
    }
}
