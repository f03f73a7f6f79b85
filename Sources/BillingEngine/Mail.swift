import Ledger
import Settings

extension Engine {
    /// The e-mail queued when `invoice` is issued: to the billed customer's
    /// billing contacts (the payer's when the document is billed to a payer).
    /// A customer missing from the settings, or without an address, still gets
    /// its row, blocked with the reason, so the document is not silently unsent.
    public func outboxRequest(for invoice: Invoice) -> OutboxRequest {
        let suffix = "\(settings.seller.siren)@\(Self.messageIDDomain(settings))"
        let customer = invoice.billedCustomer
        let emails: [String]?
        if let payer = invoice.payer {
            emails = settings.payer(payer)?.payer.emails
        } else {
            emails = settings.client(invoice.client)?.emails
        }
        guard let emails else {
            return OutboxRequest(
                recipients: [], messageIDSuffix: suffix,
                blockedReason: "customer `\(customer)` is not in the settings")
        }
        return OutboxRequest(
            recipients: emails, messageIDSuffix: suffix,
            blockedReason: emails.isEmpty ? "no billing e-mail address for `\(customer)` in the settings" : nil)
    }

    /// The domain of the Message-IDs: the sender address's when mail is
    /// configured, else `ardoise.invalid` (a reserved name, never anyone's).
    static func messageIDDomain(_ settings: MasterData) -> String {
        if let from = settings.smtp?.fromAddress, let at = from.lastIndex(of: "@") {
            let domain = from[from.index(after: at)...]
            if !domain.isEmpty { return String(domain) }
        }
        return "ardoise.invalid"
    }
}
