import BillingModel
import Documents
import Foundation
import Ledger
import MailDispatch
import Settings

/// A step of an invoice's reminder schedule.
public struct ReminderStep: Sendable, Hashable {
    public var day: Day
    public var kind: NoticeKind
    /// `FA-2026-000001/-5`, `FA-2026-000001/+7`.
    public var key: String
    /// 1 for the first reminder after the due date (0 for the courtesy notice).
    public var rank: Int
    public var amountDue: Money
}

/// The French texts of reminders; the settings' templates replace them.
/// Placeholders: {numero} {date_facture} {echeance} {montant_ttc} {montant_du}
/// {jours_retard} {rang} {taux} {penalites} {indemnite} {vendeur} {iban} {client}.
public enum ReminderTexts {
    public static let courtesySubject = "Échéance prochaine : facture n° {numero} — {vendeur}"
    public static let courtesyBody = """
        Bonjour,

        Pour mémoire, la facture n° {numero} du {date_facture}, dont {montant_du} € TTC restent à régler, arrive à échéance le {echeance}.

        Si le règlement est déjà parti, merci de ne pas tenir compte de ce message. Sinon, vous pouvez régler par virement (IBAN {iban}) en rappelant le numéro de la facture.

        La facture est jointe à ce message.

        Cordialement,
        Le service comptabilité clients
        {vendeur}

        """
    public static let reminderSubject = "Relance n° {rang} : facture n° {numero} échue le {echeance} — {vendeur}"
    public static let reminderBody = """
        Bonjour,

        Sauf erreur de notre part, la facture n° {numero} du {date_facture}, échue le {echeance}, reste impayée à ce jour pour un montant de {montant_du} € TTC ({jours_retard} jours de retard).

        Nous vous remercions de procéder à son règlement dans les meilleurs délais par virement (IBAN {iban}) en rappelant le numéro de la facture.

        Conformément à l'article L. 441-10 du Code de commerce, tout retard de paiement entraîne de plein droit des pénalités de retard au taux annuel de {taux} %, calculées par jour de retard sur le montant restant dû, soit {penalites} € à ce jour, ainsi qu'une indemnité forfaitaire pour frais de recouvrement de {indemnite} € par facture (article D. 441-5 du Code de commerce).

        La facture est jointe à ce message. Si le règlement a été effectué entre-temps, merci de ne pas tenir compte de cette relance.

        Cordialement,
        Le service comptabilité clients
        {vendeur}

        """

    public static func fill(_ template: String, _ values: [String: String]) -> String {
        var out = template
        for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
        return out
    }

    /// Late-payment penalties: `balance × annual rate × days late / 365`, rounded to the cent (half away from zero).
    public static func penalties(balance: Money, rate: Percentage, daysLate: Int) -> Money {
        guard daysLate > 0 else { return .zero }
        let n = Int128(balance.cents) * Int128(rate.tenThousandths) * Int128(daysLate)
        return Money(cents: Int64(divideRoundingHalfAwayFromZero(n, Percentage.hundred * 365)))
    }
}

extension Installation {
    /// The steps of an open invoice's schedule (its billed customer's, or the default).
    public func reminderSteps(_ inv: OpenInvoice) -> [ReminderStep] {
        let schedule = settings.reminders.schedule(for: inv.customer)
        guard schedule.enabled else { return [] }
        var out: [ReminderStep] = []
        // No courtesy notice for an invoice issued within those days of its due date (due on receipt).
        if let c = schedule.courtesyDaysBefore, inv.dueDate.ordinal - c > inv.issueDate.ordinal {
            out.append(
                ReminderStep(
                    day: Day(ordinal: inv.dueDate.ordinal - c), kind: .courtesy, key: "\(inv.number)/-\(c)", rank: 0,
                    amountDue: inv.balance))
        }
        for (i, k) in schedule.afterDueDays.enumerated() {
            out.append(
                ReminderStep(
                    day: Day(ordinal: inv.dueDate.ordinal + k), kind: .reminder, key: "\(inv.number)/+\(k)",
                    rank: i + 1,
                    amountDue: inv.balance))
        }
        return out
    }

    func isPaused(_ inv: OpenInvoice, _ pauses: [String: ReminderPause]) -> Bool {
        pauses[inv.client] != nil || inv.payer.map { pauses[$0] != nil } == true || pauses[inv.number] != nil
    }

    /// The step due on `day` for each open invoice: the latest step not after
    /// `day` (a courtesy notice only up to the due date), unless already
    /// queued; so a missed run catches up with one notice, never a burst.
    public func dueReminders(on day: Day) throws -> [(OpenInvoice, ReminderStep)] {
        let ledger = try self.ledger
        let pauses = try ledger.reminderPauses()
        let queued = try ledger.noticeKeys()
        var out: [(OpenInvoice, ReminderStep)] = []
        for inv in try ledger.openInvoices(asOf: day) where !isPaused(inv, pauses) {
            guard let step = reminderSteps(inv).last(where: { $0.day <= day }) else { continue }
            if step.kind == .courtesy && day > inv.dueDate { continue }
            if queued.contains(step.key) { continue }
            out.append((inv, step))
        }
        return out
    }

    /// What the daily runs from `from` to `until` would queue if nothing were paid.
    public func plannedReminders(from: Day, until: Day) throws -> [ReminderStep] {
        let ledger = try self.ledger
        let pauses = try ledger.reminderPauses()
        let queued = try ledger.noticeKeys()
        var out: [ReminderStep] = []
        for inv in try ledger.openInvoices(asOf: from) where !isPaused(inv, pauses) {
            for s in reminderSteps(inv) where s.day >= from && s.day <= until && !queued.contains(s.key) {
                out.append(s)
            }
        }
        return out.sorted { ($0.day, $0.key) < ($1.day, $1.key) }
    }

    /// Refuses a pause target that is neither a client, a payer nor an invoice number.
    public func checkReminderTarget(_ target: String) throws {
        let ledger = try self.ledger
        if settings.client(target) != nil || settings.payer(target) != nil { return }
        if try ledger.invoice(number: target) != nil { return }
        throw InvoiceError.unknownReminderTarget(target)
    }

    /// Queues the notices due on `day` (each once); returns them.
    @discardableResult
    public func queueReminders(on day: Day, at date: Date = Date()) throws -> [Notice] {
        let ledger = try self.ledger
        let r = settings.reminders
        let seller = settings.seller
        let domain = settings.smtp?.fromAddress.split(separator: "@").last.map(String.init) ?? "ardoise.invalid"
        var out: [Notice] = []
        for (inv, step) in try dueReminders(on: day) {
            let daysLate = max(0, day.ordinal - inv.dueDate.ordinal)
            let values: [String: String] = [
                "numero": inv.number, "date_facture": inv.issueDate.french, "echeance": inv.dueDate.french,
                "montant_ttc": inv.totalTTC.french, "montant_du": inv.balance.french, "jours_retard": String(daysLate),
                "rang": String(step.rank), "taux": seller.latePaymentPenaltyRate.french,
                "penalites": ReminderTexts.penalties(
                    balance: inv.balance, rate: seller.latePaymentPenaltyRate, daysLate: daysLate
                ).french,
                "indemnite": seller.recoveryIndemnity.french, "vendeur": seller.legalName, "iban": seller.iban,
                "client": inv.customer
            ]
            let courtesy = step.kind == .courtesy
            let subject = ReminderTexts.fill(
                courtesy
                    ? r.courtesySubject ?? ReminderTexts.courtesySubject
                    : r.reminderSubject ?? ReminderTexts.reminderSubject, values)
            let body = ReminderTexts.fill(
                courtesy
                    ? r.courtesyBody ?? ReminderTexts.courtesyBody
                    : r.reminderBody ?? ReminderTexts.reminderBody, values)
            let emails =
                inv.payer.flatMap { settings.payer($0)?.payer.emails } ?? settings.client(inv.client)?.emails ?? []
            // `FA-2026-000001/+7` → `FA-2026-000001.p7`: a Message-ID's left part.
            let safeKey = step.key.replacingOccurrences(of: "/", with: ".").replacingOccurrences(of: "+", with: "p")
            let notice = Notice(
                kind: step.kind, key: step.key, invoiceId: inv.id, customer: inv.customer, dueOn: step.day,
                messageId: "<\(safeKey).\(seller.siren)@\(domain)>", recipients: emails, subject: subject, body: body,
                createdAt: LedgerDatabase.timestamp(date))
            if try ledger.queueNotice(notice) { out.append(notice) }
        }
        return out
    }

    /// Makes failed notices due now with the current addresses of the settings.
    public func retryNotices(ids: [Int64]?, actor: String, now: Date = Date()) throws -> [Int64] {
        let ledger = try self.ledger
        return try ledger.retryNotices(ids: ids, now: now, actor: actor) { n in
            if n.kind == .contractEnd { return self.settings.reminders.financeEmail.map { [$0] } ?? [] }
            return self.settings.payer(n.customer)?.payer.emails ?? self.settings.client(n.customer)?.emails ?? []
        }
    }

    /// Sends the due notices: a reminder whose invoice was paid, credited or
    /// paused since it was queued is cancelled, not sent; a reminder carries the invoice's PDF.
    public func sendNotices(smtp: SMTPConfiguration, now: Date = Date(), policy: RetryPolicy = .standard)
        throws -> (sent: Int, cancelled: Int, failed: Int)
    {
        let ledger = try self.ledger
        let sender = SMTPSender(configuration: smtp)
        var sent = 0, cancelled = 0, failed = 0
        let facturX = try Installation.facturX()
        // The sending run's deadline (`smtp.run_deadline`) bounds the notices too: the rest wait for the next run.
        let clock = ContinuousClock(), start = clock.now
        let deadline = Duration.seconds(settings.smtp?.runDeadlineSeconds ?? SMTPSettings.defaultRunDeadline)
        while clock.now - start < deadline, let n = try ledger.claimDueNotice(now: now, lease: 600) {
            guard let id = n.id else { break }
            var attachments: [Attachment] = []
            if let invoiceID = n.invoiceId {
                let open = try ledger.openInvoices(includePaid: true).first { $0.id == invoiceID }
                let pauses = try ledger.reminderPauses()
                if let open, open.balance == .zero || isPaused(open, pauses) {
                    try ledger.recordNotice(
                        id: id, outcome: nil, cancelled: open.balance == .zero ? "paid or credited" : "paused", at: now)
                    cancelled += 1
                    continue
                }
                if let stored = try ledger.invoice(id: invoiceID) {
                    do {
                        let d = try documents.document(stored, references: ledger.references(of: stored.invoice))
                        attachments.append(
                            Attachment(
                                fileName: "\(d.number).pdf", mimeType: "application/pdf",
                                bytes: try documents.render(d, facturX: facturX).pdf))
                    } catch {
                        try ledger.recordNotice(
                            id: id, outcome: .refused(error: "the invoice cannot be rendered: \(error)"), at: now)
                        failed += 1
                        continue
                    }
                }
            }
            let message = OutgoingMessage(
                messageID: n.messageId, from: smtp.fromAddress, to: n.recipientList, subject: n.subject,
                body: n.body, attachments: attachments, date: now)
            let outcome = deliver(sender, message, attempts: n.attempts, policy: policy, now: now)
            try ledger.recordNotice(id: id, outcome: outcome, at: now)
            var stop = false
            switch outcome {
            case .sent: sent += 1
            case .temporary: failed += 1; stop = true
            case .refused, .uncertain: failed += 1
            }
            if stop { break }
        }
        return (sent, cancelled, failed)
    }

    func deliver(_ sender: SMTPSender, _ message: OutgoingMessage, attempts: Int, policy: RetryPolicy, now: Date)
        -> DeliveryOutcome
    {
        do {
            return .sent(response: try sender.send(message))
        } catch {
            if case .uncertain = error { return .uncertain(error: error.description) }
            if error.isPermanent { return .refused(error: error.description) }
            return .temporary(error: error.description, retryAt: policy.nextAttempt(after: attempts, at: now))
        }
    }
}
