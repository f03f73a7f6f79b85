import BillingModel
import Diagnostics
import Documents
import Foundation
import Ledger
import MailDispatch
import Settings

/// What one sending run did, message by message.
public struct OutboxReport: Sendable {
    public struct Item: Sendable, Hashable {
        public var outboxID: Int64
        public var number: String
        /// `sent`, `retry` (a temporary failure, tried again at `nextAttempt`), `failed`, or `uncertain`
        /// (handed to the server, never acknowledged: perhaps delivered; left to a person, see `outbox retry`).
        public var outcome: String
        /// The server's reply or the error.
        public var detail: String
        public var nextAttempt: String?
    }

    public var items: [Item] = []
    /// Why the run stopped before every due message was tried (the server
    /// could not be reached: the others wait for the next run, no attempt counted).
    public var stoppedEarly: String?

    public var sent: [Item] { items.filter { $0.outcome == "sent" } }
    public var retrying: [Item] { items.filter { $0.outcome == "retry" } }
    /// Failed, and uncertain: both wait for a person.
    public var failed: [Item] { items.filter { $0.outcome == "failed" || $0.outcome == "uncertain" } }
    public var uncertain: [Item] { items.filter { $0.outcome == "uncertain" } }

    /// One line per message, then a summary.
    public var text: String {
        var out = ""
        for i in items {
            out += "\(i.outcome)\t\(i.number)\t\(i.detail)\(i.nextAttempt.map { "\tnext attempt \($0)" } ?? "")\n"
        }
        if let stoppedEarly { out += "stopped: \(stoppedEarly)\n" }
        return out + "\(sent.count) sent, \(retrying.count) to retry, \(failed.count) failed"
            + (uncertain.isEmpty
                ? "" : " (\(uncertain.count) of delivery uncertain: check, then `ardoise outbox retry ID`)") + "\n"
    }
}

/// Delivers the outbox: each due pending message is claimed, its Factur-X
/// (the PDF stored when it was issued) attached, sent over SMTP, and its outcome recorded.
///
/// Exactly once, as far as a sender can: a message is claimed (attempt
/// counted, next attempt pushed past a lease) in one transaction before it is
/// sent, and marked sent in another right after the server's 250; a sent
/// message is final (a trigger refuses any change). The one window left is a
/// crash after the server accepted the message and before `sent` is
/// recorded: the message is sent again after the lease, with the same
/// Message-ID, so the receiver can recognise the repeat.
///
/// At most once in the other window: a message whose content was handed to
/// the server (DATA) and never acknowledged (a stall, a dropped connection)
/// may have been delivered; it is recorded `uncertain` (status `failed`) and
/// never sent again automatically, only by `ardoise outbox retry`. No message
/// is attempted twice in one run, every wait of the SMTP exchange is bounded
/// (the settings' `smtp` timeouts), and a run stops claiming messages at its
/// `deadline` (`smtp.run_deadline`): the rest wait for the next run.
public struct OutboxSender: Sendable {
    public var ledger: LedgerDatabase
    public var documents: InvoiceDocuments
    public var facturX: FacturX
    public var smtp: SMTPConfiguration
    public var policy: RetryPolicy
    /// How long a claimed message is left to its sender before another run may try it
    /// (never less than one message's whole exchange).
    public var lease: TimeInterval
    /// How long a sending run may go on claiming messages, in seconds (nil: until none is due).
    public var deadline: TimeInterval?

    public init(
        ledger: LedgerDatabase, documents: InvoiceDocuments, facturX: FacturX, smtp: SMTPConfiguration,
        policy: RetryPolicy = .standard, lease: TimeInterval = 600, deadline: TimeInterval? = nil
    ) {
        self.ledger = ledger
        self.documents = documents
        self.facturX = facturX
        self.smtp = smtp
        self.policy = policy
        self.lease = max(lease, TimeInterval(smtp.timeoutSeconds + smtp.commandTimeoutSeconds + 60))
        self.deadline = deadline
    }

    /// Sends every message due at `now` (and those falling due while it runs).
    public func send(now: Date = Date()) throws -> OutboxReport {
        var report = OutboxReport()
        let clock = ContinuousClock()
        let start = clock.now
        func current() -> Date {
            let elapsed = (clock.now - start).components
            return now.addingTimeInterval(TimeInterval(elapsed.seconds) + TimeInterval(elapsed.attoseconds) / 1e18)
        }
        let sender = SMTPSender(configuration: smtp)
        var tried = Set<Int64>()
        while true {
            let claimedAt = current()
            if let deadline, claimedAt.timeIntervalSince(now) >= deadline {
                if try ledger.dueMailCount(now: claimedAt, excluding: tried) > 0 {
                    report.stoppedEarly =
                        "the sending deadline (\(Int(deadline)) s, `smtp.run_deadline`) was reached; the other due messages wait for the next run"
                }
                break
            }
            guard let claimed = try ledger.claimDueMail(now: claimedAt, lease: lease, excluding: tried),
                let id = claimed.id
            else { break }
            tried.insert(id)
            guard let stored = try ledger.invoice(id: claimed.invoiceId) else { continue }
            let number = stored.invoice.number ?? "#\(claimed.invoiceId)"
            let outcome: DeliveryOutcome
            var unreachable = false
            do {
                let message = try self.message(claimed, stored)
                outcome = .sent(response: try sender.send(message))
            } catch let error as DeliveryError {
                switch error {
                case .uncertain: outcome = .uncertain(error: error.description)
                case .refused: outcome = .refused(error: error.description)
                case .temporary(let code, _):
                    unreachable = code == nil
                    // Delays count from the attempt's start, as the policy says.
                    outcome = .temporary(
                        error: error.description, retryAt: policy.nextAttempt(after: claimed.attempts, at: claimedAt))
                }
            } catch {
                outcome = .refused(error: "\(error)")
            }
            let at = current()
            try ledger.recordDelivery(outboxID: id, outcome: outcome, at: at)
            switch outcome {
            case .sent(let response):
                report.items.append(.init(outboxID: id, number: number, outcome: "sent", detail: response))
            case .temporary(let error, let retryAt?):
                report.items.append(
                    .init(
                        outboxID: id, number: number, outcome: "retry", detail: error,
                        nextAttempt: LedgerDatabase.timestamp(retryAt)))
            case .temporary(let error, nil):
                report.items.append(
                    .init(
                        outboxID: id, number: number, outcome: "failed",
                        detail: "gave up after \(claimed.attempts) attempts: \(error)"))
            case .refused(let error):
                report.items.append(.init(outboxID: id, number: number, outcome: "failed", detail: error))
            case .uncertain(let error):
                report.items.append(.init(outboxID: id, number: number, outcome: "uncertain", detail: error))
            }
            if unreachable {
                // The server is down or dropping connections: trying every other
                // message now would only count failed attempts against each.
                report.stoppedEarly =
                    "the mail server \(smtp.host):\(smtp.port) could not be reached; the other due messages wait for the next run"
                break
            }
        }
        return report
    }

    /// The e-mail of a queued message: a short French text and the Factur-X PDF.
    public func message(_ queued: OutboxMessage, _ stored: StoredInvoice) throws -> OutgoingMessage {
        let document = try documents.document(stored, references: ledger.references(of: stored.invoice))
        // The PDF stored when the document was issued, byte for byte.
        guard
            let files = try ledger.issuedFiles(
                invoiceID: queued.invoiceId, render: documents.renderer(facturX: facturX), actor: "ardoise")
        else {
            throw InvoiceError.notIssued(document: document.number, action: .send)
        }
        return OutgoingMessage(
            messageID: queued.messageId, from: smtp.fromAddress, to: queued.recipientList,
            subject: Self.subject(document), body: Self.body(document),
            attachments: [
                Attachment(
                    fileName: "\(document.number).pdf", mimeType: "application/pdf",
                    bytes: files.pdf)
            ],
            date: Date())
    }

    /// `Facture n° FA-2026-000001 du 02/11/2026 — Serenest Restauration SAS`.
    public static func subject(_ d: InvoiceDocument) -> String {
        "\(d.kind.frenchTitle) n° \(d.number) du \(d.issueDate.french) — \(d.seller.legalName)"
    }

    public static func body(_ d: InvoiceDocument) -> String {
        let amount = "\(d.totals.totalTTC.french) € TTC"
        let what: String
        if let c = d.creditedInvoice {
            what =
                "l'avoir n° \(d.number) du \(d.issueDate.french), sur la facture n° \(c.number) du \(c.issueDate.french), d'un montant de \(amount)."
        } else {
            what =
                "la facture n° \(d.number) du \(d.issueDate.french), période \(periodWords(d.period)), d'un montant de \(amount), "
                + "à régler au plus tard le \(d.dueDate.french) par virement (IBAN \(d.seller.iban))."
        }
        return """
            Bonjour,

            Veuillez trouver ci-joint \(what)

            Le PDF joint est une facture électronique Factur-X : ses données structurées (factur-x.xml) y sont incluses.

            Cordialement,
            Le service facturation
            \(d.seller.legalName)

            """
    }

    static func periodWords(_ p: Period) -> String {
        p.start == p.end ? "le \(p.start.french)" : "du \(p.start.french) au \(p.end.french)"
    }
}

extension Installation {
    /// The mail server of the settings (`smtp`), the password read from the
    /// environment variable they name.
    public func smtpConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(WorkspaceError) -> SMTPConfiguration
    {
        guard let s = settings.smtp else {
            throw WorkspaceError("the settings have no `smtp` section: nothing can be sent (see examples/SETTINGS.md)")
        }
        var password: String?
        if let name = s.passwordEnvironmentVariable {
            guard let value = environment[name], !value.isEmpty else {
                throw WorkspaceError(
                    "the SMTP password is read from the environment variable `\(name)`, which is not set")
            }
            password = value
        }
        return SMTPConfiguration(
            host: s.host, port: s.port, startTLS: s.startTLS ? .required : .none, username: s.username,
            password: password, fromAddress: s.fromAddress, timeoutSeconds: s.messageTimeoutSeconds,
            connectTimeoutSeconds: s.connectTimeoutSeconds, commandTimeoutSeconds: s.commandTimeoutSeconds)
    }

    /// Sends the outbox's due messages over the settings' SMTP server and
    /// records every attempt; what `ardoise outbox send` and `ardoise run` call.
    public func sendOutbox(now: Date = Date(), policy: RetryPolicy = .standard) throws -> OutboxReport {
        let ledger = try self.ledger
        return try OutboxSender(
            ledger: ledger, documents: documents, facturX: Installation.facturX(), smtp: smtpConfiguration(),
            policy: policy, deadline: settings.smtp.map { TimeInterval($0.runDeadlineSeconds) }
        ).send(now: now)
    }

    /// Makes failed or pending messages due now (all when `ids` is nil), with
    /// the billed customers' current addresses, then sends what is due.
    public func retryOutbox(
        ids: [Int64]?, now: Date = Date(), actor: String = "ardoise",
        policy: RetryPolicy = .standard
    ) throws -> (retried: [Int64], report: OutboxReport) {
        // Nothing is made due when nothing could be sent (no `smtp`, a password variable unset).
        _ = try smtpConfiguration()
        let retried = try requeueMail(ids: ids, now: now, actor: actor)
        return (retried, try sendOutbox(now: now, policy: policy))
    }
}

/// Outbox messages as JSON for `ardoise outbox list --format json`.
public enum OutboxJSON {
    public static func encode(_ e: OutboxEntry) -> String {
        let m = e.message
        func opt(_ v: String?) -> String { v.map(JSON.string) ?? "null" }
        return JSON.object([
            ("id", String(m.id ?? 0)), ("invoice_id", String(m.invoiceId)), ("number", JSON.string(e.number)),
            ("type", JSON.string(e.type.rawValue)), ("client", JSON.string(e.client)), ("payer", opt(e.payer)),
            ("message_id", JSON.string(m.messageId)), ("recipients", JSON.array(m.recipientList.map(JSON.string))),
            ("status", JSON.string(m.status.rawValue)), ("attempts", String(m.attempts)),
            ("next_attempt_at", opt(m.nextAttemptAt)), ("last_error", opt(m.lastError)), ("sent_at", opt(m.sentAt)),
            ("created_at", JSON.string(m.createdAt))
        ])
    }
}
