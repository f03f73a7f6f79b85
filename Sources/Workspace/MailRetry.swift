import Foundation
import Ledger

extension Installation {
    /// Makes failed messages (or those of `ids`) due now, with the billed customers' current addresses from the
    /// settings; the next `outbox send` (the daily run, or a person) sends them.
    public func requeueMail(ids: [Int64]?, now: Date = Date(), actor: String) throws -> [Int64] {
        let ledger = try self.ledger
        return try ledger.retryMail(ids: ids, now: now, actor: actor) { entry in
            if let payer = entry.payer { return self.settings.payer(payer)?.payer.emails }
            return self.settings.client(entry.client)?.emails
        }
    }
}
