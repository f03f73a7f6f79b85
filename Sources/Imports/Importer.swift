import Foundation
import Ledger

/// Imports register files and event orders, whichever each file is: the
/// entry point of `ardoise import [FILE|DIR...]`.
public struct Importer: Sendable {
    public let ledger: LedgerDatabase
    public var knownClients: Set<String>?
    public var timeZone: TimeZone
    /// The VAT rates event order lines may carry (ten-thousandths); nil: the French rates.
    public var vatRates: Set<Int64>?

    public init(
        ledger: LedgerDatabase, knownClients: Set<String>? = nil,
        timeZone: TimeZone = TimeZone(identifier: "Europe/Paris") ?? .gmt, vatRates: Set<Int64>? = nil
    ) {
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
            return EventOrderImporter(
                ledger: ledger, knownClients: knownClients, timeZone: timeZone, vatRates: vatRates
            )
            .importFile(at: url)
        }
        return .refused(
            url.path,
            "`\(name)` is neither a register file `PIE_<SITE>_<YYYYMMDD>.csv` "
                + "nor an event-order file `EVT_<YYYYMMDD>[_<n>].jsonl`")
    }

    /// Imports files and the files of directories (not recursive), each
    /// directory's files in name order, so days come in order. Each file is
    /// its own transaction, in that order; the next register file is read,
    /// checked and converted on another core while the ledger writes this one.
    public func importPaths(_ urls: [URL]) -> [ImportResult] {
        var files: [URL] = []
        for url in urls {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
                for name in names.sorted() where !name.hasPrefix(".") { files.append(url.appendingPathComponent(name)) }
            } else {
                files.append(url)
            }
        }
        let registers = RegisterImporter(ledger: ledger, knownClients: knownClients)
        func parseAhead(_ i: Int) -> ParseAhead? {
            guard i < files.count, files[i].lastPathComponent.hasPrefix("PIE_") else { return nil }
            let url = files[i]
            return ParseAhead { registers.parse(at: url) }
        }
        var results: [ImportResult] = []
        results.reserveCapacity(files.count)
        var ahead = parseAhead(0)
        for (i, url) in files.enumerated() {
            let parsed = ahead?.wait()
            ahead = parseAhead(i + 1)
            results.append(parsed.map(registers.write) ?? importFile(at: url))
        }
        return results
    }
}

/// One register file parsed on a thread of its own while the caller writes the file before.
private final class ParseAhead: @unchecked Sendable {
    static let queue = DispatchQueue(label: "ardoise.import.parse-ahead")
    private let done = DispatchSemaphore(value: 0)
    private var parsed: ParsedRegisterFile?

    init(_ parse: @escaping @Sendable () -> ParsedRegisterFile) {
        // On a queue of its own (a serial queue: dispatch reuses its thread and gives it one even when every other is busy or
        // blocked): a thread started and ended per file was found ending with a damaged heap in the test suite.
        ParseAhead.queue.async { [self] in
            parsed = parse()
            done.signal()
        }
    }

    /// The parsed file (the semaphore orders the write of `parsed` before this read).
    func wait() -> ParsedRegisterFile? {
        done.wait()
        return parsed
    }
}
