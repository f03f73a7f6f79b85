import BillingModel
import Foundation
import Ledger
import Settings

extension Camt053Writer {
    /// The demo's bank statement of a billed month (`demoCredits`: exact, partial, grouped, unmatched and duplicate
    /// payments of the ledger's open invoices), written as camt.053 to `releve-<day>.xml` in `documentsDirectory`
    /// (the workspace's `documents:` folder); returns its path. `ardoise-dev demo run` and the benchmarks import it.
    public static func writeDemoStatement(
        settings: MasterData, documentsDirectory: String, ledger: LedgerDatabase, bookedOn day: Day
    ) throws -> String {
        var names: [String: String] = [:]
        for c in settings.clients {
            names[c.code] = c.legalName
            for p in c.payers { names[p.code] = p.legalName }
        }
        let credits = demoCredits(invoices: try ledger.openInvoices(asOf: day), names: names, bookedOn: day)
        let statement = xml(
            messageID: "RELEVE-\(day.compact)", created: day, account: settings.seller.iban,
            opening: Money(cents: 250_000_00), credits: credits)
        let folder = URL(fileURLWithPath: documentsDirectory)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("releve-\(day).xml")
        try Data(statement.utf8).write(to: url, options: .atomic)
        return url.path
    }
}
