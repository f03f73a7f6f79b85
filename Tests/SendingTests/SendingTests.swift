// Tools these tests need (CI installs them with .ci/setup; a test skips with a message without them):
//   apt-get install -y libcairo2-dev libpango1.0-dev libcurl4-openssl-dev fonts-dejavu-core icc-profiles-free poppler-utils
//   pip install factur-x saxonche lxml aiosmtpd
import BillingEngine
import BillingModel
import Demo
import Documents
import Foundation
import GRDB
@testable import Ledger
import Logging
import MailDispatch
import Settings
import Testing
import TestSupport
import Workspace

/// A generated month (2 sites, 8 clients) imported and billed on a real SQLite
/// ledger: the automatic contracts' invoices are issued (and their e-mails
/// queued), the others wait as proformas.
struct BilledMonth {
    let workspace: Installation
    let ledger: LedgerDatabase
    let engine: Engine
    let folder: URL
    static let issueDay = Day(iso: "2026-11-01") ?? Day(ordinal: 0)
    /// The instant of validation and of the first send: a fixed clock, so retry times are exact.
    static let t0 = Date(timeIntervalSince1970: 1_793_520_000)  // 2026-11-01T08:00:00Z

    /// `smtpPort`: the settings' `smtp` section points at 127.0.0.1 on that port.
    /// `storing: false` gives an engine without a renderer, issuing as ledgers did before documents were stored.
    init(smtpPort: Int? = nil, settings edit: ((MasterData) -> MasterData)? = nil, storing: Bool = true) throws {
        folder = Repository.temporaryDirectory("ardoise-sending")
        _ = try DemoWorkspace.write(to: folder, sites: 2, clients: 8, month: "2026-10", seed: 1)
        try TestEngine.follow(workspace: folder)
        if let smtpPort {
            let settings = folder.appendingPathComponent("settings.yaml")
            let text = try String(contentsOf: settings, encoding: .utf8)
            try
                (text
                + "\nsmtp:\n  host: 127.0.0.1\n  port: \(smtpPort)\n  starttls: false\n  from: factures@serenest.example\n")
                .write(to: settings, atomically: true, encoding: .utf8)
        }
        var ws = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        ledger = try ws.openLedger(creating: true)
        _ = try ws.importFiles([])
        var engine = try ws.engine(today: Self.issueDay)
        if let edit {
            ws = ws.with(settings: edit(ws.settings))
            engine = try ws.engine(today: Self.issueDay)
        }
        if !storing {
            engine = Engine(
                ledger: ledger, settings: ws.settings, contracts: ws.rules(today: Self.issueDay).contracts, render: nil)
        }
        workspace = ws
        self.engine = engine
        let october = Period(
            start: Day(iso: "2026-10-01") ?? Self.issueDay, end: Day(iso: "2026-10-31") ?? Self.issueDay)
        _ = try engine.generate(period: october, issueDate: Self.issueDay, now: Self.t0)
    }

    func smtp(port: Int) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, startTLS: .none, fromAddress: "factures@serenest.example", timeoutSeconds: 10
        )
    }

    func sender(port: Int, policy: RetryPolicy = .standard) throws -> OutboxSender {
        OutboxSender(
            ledger: ledger, documents: workspace.documents, facturX: try FacturX.withSystemProfile(),
            smtp: smtp(port: port), policy: policy)
    }

    /// Validates one proforma (its e-mail is then the only pending one once the rest is sent).
    func validateOneProforma(at now: Date = BilledMonth.t0) throws -> (id: Int64, number: String) {
        let id = try #require(try ledger.invoices(status: .proforma).first?.id)
        let number = try #require(try engine.validate(ids: [id], on: Self.issueDay, now: now).first)
        return (id, number)
    }

    func message(invoiceID: Int64) throws -> OutboxMessage {
        try #require(try ledger.outboxMessage(invoiceID: invoiceID))
    }

    /// The billing contacts of the customer a document is billed to.
    func recipients(_ i: Invoice) -> [String] {
        if let p = i.payer { return workspace.settings.payer(p)?.payer.emails ?? [] }
        return workspace.settings.client(i.client)?.emails ?? []
    }

    func facturX(_ stored: StoredInvoice) throws -> (pdf: [UInt8], xml: String) {
        try FacturX.withSystemProfile().render(workspace.document(stored))
    }
}

@Suite(.serialized) struct OutboxQueueTests {
    @Test func everyIssuedInvoiceHasItsMessageQueuedAndNoProformaHasOne() throws {
        let m = try BilledMonth()
        let issued = try m.ledger.invoices(status: .issued)
        let proformas = try m.ledger.invoices(status: .proforma)
        #expect(!issued.isEmpty && !proformas.isEmpty)
        #expect(issued.contains { $0.payer != nil }, "the month bills a payer")
        let outbox = try m.ledger.outbox()
        #expect(outbox.count == issued.count)
        for i in issued {
            let msg = try m.message(invoiceID: try #require(i.id))
            #expect(msg.status == .pending)
            #expect(msg.attempts == 0)
            #expect(msg.messageId == "<\(i.number ?? "").\(m.workspace.settings.seller.siren)@ardoise.invalid>")
            #expect(msg.recipientList == m.recipients(i), "\(i.number ?? "") goes to the billed customer")
            #expect(!msg.recipientList.isEmpty)
        }
        for p in proformas { #expect(try m.ledger.outboxMessage(invoiceID: try #require(p.id)) == nil) }
    }

    @Test func numberAndMessageCommitOrRollBackTogether() throws {
        let m = try BilledMonth()
        let id = try #require(try m.ledger.invoices(status: .proforma).first?.id)
        let stored = try #require(try m.ledger.invoice(id: id))
        let request = m.engine.outboxRequest(for: stored.invoice)
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try m.ledger.engine.write { db in
                _ = try m.ledger.issue(
                    id: id, on: BilledMonth.issueDay, dueDate: BilledMonth.issueDay,
                    format: SeriesFormat(prefix: "FA-2026-", width: 6),
                    actor: "test", at: BilledMonth.t0, mail: request, posting: m.engine.settings.salesPosting, db: db)
                #expect(
                    try db.fetchValue(
                        Int.self, sql: "SELECT COUNT(*) FROM outbox WHERE invoice_id = ?", arguments: [id]) == 1)
                #expect(
                    try db.fetchValue(
                        Int.self, sql: "SELECT COUNT(*) FROM journal_entry WHERE invoice_id = ?", arguments: [id]) == 1)
                throw Crash()
            }
        }
        #expect(try m.ledger.invoice(id: id)?.invoice.status == .proforma)
        #expect(try m.ledger.outboxMessage(invoiceID: id) == nil)
        #expect(try m.ledger.entries().allSatisfy { $0.invoiceID != id })
        let number = try m.validateOneProforma().number
        #expect(try m.message(invoiceID: id).messageId.hasPrefix("<\(number)."))
    }

    @Test(.enabled(if: LoopbackSMTP.available, "needs aiosmtpd in .venv: run .ci/setup"))
    func aCustomerWithoutAddressIsBlockedVisiblyThenSentOnceFixed() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        // The settings as they were when validating: C0001 had lost its address.
        let m = try BilledMonth(smtpPort: server.port) { s in
            MasterData(
                seller: s.seller, numberSeries: s.numberSeries, revenueTypes: s.revenueTypes, sites: s.sites,
                clients: s.clients.map { c in
                    var c = c
                    if c.code == "C0001" { c.emails = [] }
                    return c
                }, indexSeries: s.indexSeries, smtp: s.smtp)
        }
        let ids =
            try m.ledger.invoices(status: .proforma).filter { $0.client == "C0001" && $0.payer == nil }.compactMap(\.id)
            + m.ledger.invoices(status: .issued).filter { $0.client == "C0001" && $0.payer == nil }.compactMap(\.id)
        let id = try #require(ids.first)
        if try m.ledger.invoice(id: id)?.invoice.status == .proforma {
            _ = try m.engine.validate(ids: [id], on: BilledMonth.issueDay, now: BilledMonth.t0)
        }
        let blocked = try m.message(invoiceID: id)
        #expect(blocked.status == .failed)
        #expect(blocked.recipients.isEmpty)
        #expect(blocked.lastError == "blocked: no billing e-mail address for `C0001` in the settings")
        #expect(try m.ledger.outbox(status: .failed).map(\.message.id) == [blocked.id])

        // Sending skips it (nothing to send it to) and sends the others.
        let first = try m.sender(port: server.port).send(now: BilledMonth.t0)
        #expect(!first.items.contains { $0.outboxID == blocked.id })
        #expect(try m.message(invoiceID: id).status == .failed)

        // The settings on disk have the address: `outbox retry` takes it and sends.
        let fixed = try Installation.open(configPath: m.folder.appendingPathComponent("ardoise.yaml").path)
        let (retried, report) = try fixed.retryOutbox(
            ids: [try #require(blocked.id)], now: BilledMonth.t0.addingTimeInterval(60))
        #expect(retried == [blocked.id])
        #expect(report.sent.map(\.outboxID) == [blocked.id])
        let sent = try m.message(invoiceID: id)
        #expect(sent.status == .sent)
        #expect(sent.recipientList == ["facturation@c0001.example"])
        let record = try server.received(server.receivedCount)
        #expect(record["rcpt_tos"] as? [String] == ["facturation@c0001.example"])
        #expect(try m.ledger.auditLog(invoiceID: id).contains { $0.action == "outbox retry" })
    }
}

@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 with aiosmtpd (pip install aiosmtpd)"))
struct OutboxSendingTests {
    @Test func sendsEachFacturXToItsCustomerOnceThroughTheSettingsServer() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let m = try BilledMonth(smtpPort: server.port)
        let issued = try m.ledger.invoices(status: .issued)
        let report = try m.workspace.sendOutbox(now: BilledMonth.t0)
        #expect(report.sent.count == issued.count)
        #expect(report.failed.isEmpty && report.retrying.isEmpty && report.stoppedEarly == nil)
        #expect(server.receivedCount == issued.count)

        var byMessageID: [String: [String: Any]] = [:]
        for n in 1...server.receivedCount {
            let r = try server.received(n)
            byMessageID[r["message_id"] as? String ?? ""] = r
        }
        for i in issued {
            let id = try #require(i.id)
            let number = try #require(i.number)
            let msg = try m.message(invoiceID: id)
            #expect(msg.status == .sent)
            #expect((msg.sentAt ?? "") >= LedgerDatabase.timestamp(BilledMonth.t0))
            let attempts = try m.ledger.outboxAttempts(outboxID: try #require(msg.id))
            #expect(attempts.map(\.outcome) == ["sent"])
            #expect(attempts.first?.response.hasPrefix("250") == true)

            let r = try #require(byMessageID[msg.messageId], "\(number) was received")
            #expect(r["mail_from"] as? String == "factures@serenest.example")
            #expect(r["rcpt_tos"] as? [String] == m.recipients(i))
            let stored = try #require(try m.ledger.invoice(id: id))
            let fx = try m.facturX(stored)
            #expect(
                r["subject"] as? String
                    == "Facture n° \(number) du 01/11/2026 — \(m.workspace.settings.seller.legalName)")
            let body = try #require(r["body"] as? String)
            #expect(body.hasPrefix("Bonjour,"))
            #expect(body.contains("la facture n° \(number) du 01/11/2026"))
            #expect(body.contains("\(Money(cents: i.totalTtc).french) € TTC"))
            #expect(body.contains("au plus tard le \(i.dueDate.french)"))
            let attachments = try #require(r["attachments"] as? [[String: Any]])
            #expect(attachments.count == 1)
            #expect(attachments.first?["filename"] as? String == "\(number).pdf")
            #expect(attachments.first?["content_type"] as? String == "application/pdf")
            let sameBytes = attachments.first?["base64"] as? String == Data(fx.pdf).base64EncodedString()
            #expect(sameBytes, "the attachment of \(number) is its Factur-X, byte for byte")
        }

        // Sending again sends nothing; a sent message cannot be retried nor changed.
        let again = try m.workspace.sendOutbox(now: BilledMonth.t0.addingTimeInterval(86_400))
        #expect(again.items.isEmpty)
        #expect(server.receivedCount == issued.count)
        let sentID = try #require(try m.ledger.outbox().first?.message.id)
        #expect(throws: InvoiceError.self) { try m.ledger.retryMail(ids: [sentID], now: BilledMonth.t0, actor: "test") }
        #expect(try m.ledger.retryMail(ids: nil, now: BilledMonth.t0, actor: "test").isEmpty)
        #expect(throws: (any Error).self) {
            try m.ledger.engine.write { db in
                try db.execute(sql: "UPDATE outbox SET status = 'pending' WHERE id = ?", arguments: [sentID])
            }
        }
    }

    @Test func theDailyRunSendsWhatItIssuedOnceAndRunningAgainSendsNothing() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let folder = Repository.temporaryDirectory("ardoise-run-send")
        _ = try DemoWorkspace.write(to: folder, sites: 2, clients: 8, month: "2026-10", seed: 1)
        try TestEngine.follow(workspace: folder)
        let settings = folder.appendingPathComponent("settings.yaml")
        try
            (try String(contentsOf: settings, encoding: .utf8)
            + "\nsmtp:\n  host: 127.0.0.1\n  port: \(server.port)\n  starttls: false\n  from: factures@serenest.example\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let ws = try Installation.open(configPath: folder.appendingPathComponent("ardoise.yaml").path)
        _ = try ws.initLedger(actor: "test")
        let run = ScheduledRun(workspace: ws, logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        let first = try run.run(on: BilledMonth.issueDay)
        let issued = try ws.openLedger(creating: true).invoices(status: .issued)
        #expect(!issued.isEmpty && first.exitCode == 0)
        #expect(first.sending?.hasPrefix("\(issued.count) sent") == true)
        #expect(server.receivedCount == issued.count)
        let second = try run.run(on: BilledMonth.issueDay)
        #expect(second.documentsCreated == 0 && second.sending?.hasPrefix("0 sent") == true)
        #expect(server.receivedCount == issued.count)
    }

    @Test func a550FailsForGoodThenAManualRetrySends() throws {
        let m = try BilledMonth()
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        _ = try m.sender(port: accept.port).send(now: BilledMonth.t0)
        let (id, number) = try m.validateOneProforma()
        let refuse = try LoopbackSMTP(mode: "refuse")
        defer { refuse.stop() }
        let report = try m.sender(port: refuse.port).send(now: BilledMonth.t0)
        #expect(report.failed.map(\.number) == [number])
        let failed = try m.message(invoiceID: id)
        #expect(failed.status == .failed)
        #expect(failed.attempts == 1)
        #expect(failed.nextAttemptAt == nil)
        #expect(failed.lastError?.contains("550") == true)
        let attempts = try m.ledger.outboxAttempts(outboxID: try #require(failed.id))
        #expect(attempts.map(\.outcome) == ["refused"])
        // Not retried by itself, even much later.
        #expect(try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(86_400)).items.isEmpty)
        // By hand: due now, sent.
        #expect(
            try m.ledger.retryMail(
                ids: [try #require(failed.id)], now: BilledMonth.t0.addingTimeInterval(90_000), actor: "test") == [
                    failed.id
                ])
        let retried = try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(90_000))
        #expect(retried.sent.map(\.number) == [number])
        #expect(try m.ledger.outboxAttempts(outboxID: try #require(failed.id)).map(\.outcome) == ["refused", "sent"])
        #expect(try m.message(invoiceID: id).status == .sent)
    }

    @Test func aServerThatIsDownIsRetriedWithGrowingDelaysThenSent() throws {
        let m = try BilledMonth()
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        _ = try m.sender(port: accept.port).send(now: BilledMonth.t0)
        let before = accept.receivedCount
        let (id, number) = try m.validateOneProforma()
        let down = LoopbackSMTP.closedPort()
        let policy = RetryPolicy(delays: [.seconds(60), .seconds(300)])

        let first = try m.sender(port: down, policy: policy).send(now: BilledMonth.t0)
        #expect(first.retrying.map(\.number) == [number])
        #expect(first.stoppedEarly != nil)
        var msg = try m.message(invoiceID: id)
        #expect(msg.status == .pending)
        #expect(msg.attempts == 1)
        #expect(msg.nextAttemptAt == LedgerDatabase.timestamp(BilledMonth.t0.addingTimeInterval(60)))

        // Not due 30 s later, even with the server back.
        #expect(
            try m.sender(port: accept.port, policy: policy).send(now: BilledMonth.t0.addingTimeInterval(30)).items
                .isEmpty)
        #expect(accept.receivedCount == before)
        // Due after 60 s: down again, the next wait is 300 s.
        let second = try m.sender(port: down, policy: policy).send(now: BilledMonth.t0.addingTimeInterval(61))
        #expect(second.retrying.count == 1)
        msg = try m.message(invoiceID: id)
        #expect(msg.attempts == 2)
        #expect(msg.nextAttemptAt == LedgerDatabase.timestamp(BilledMonth.t0.addingTimeInterval(361)))
        // The server is back: sent once.
        let third = try m.sender(port: accept.port, policy: policy).send(now: BilledMonth.t0.addingTimeInterval(400))
        #expect(third.sent.map(\.number) == [number])
        #expect(accept.receivedCount == before + 1)
        msg = try m.message(invoiceID: id)
        #expect(msg.status == .sent)
        #expect(
            try m.ledger.outboxAttempts(outboxID: try #require(msg.id)).map(\.outcome) == [
                "temporary", "temporary", "sent"
            ])
    }

    @Test func aDroppedConnectionExhaustsTheAttemptsThenFails() throws {
        let m = try BilledMonth()
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        _ = try m.sender(port: accept.port).send(now: BilledMonth.t0)
        let (id, _) = try m.validateOneProforma()
        let drop = try LoopbackSMTP(mode: "drop")
        defer { drop.stop() }
        let policy = RetryPolicy(delays: [.seconds(60)])
        #expect(try m.sender(port: drop.port, policy: policy).send(now: BilledMonth.t0).retrying.count == 1)
        let last = try m.sender(port: drop.port, policy: policy).send(now: BilledMonth.t0.addingTimeInterval(120))
        #expect(last.failed.count == 1)
        let msg = try m.message(invoiceID: id)
        #expect(msg.status == .failed)
        #expect(msg.attempts == 2)
        #expect(msg.lastError?.hasPrefix("gave up after 2 attempts") == true)
        #expect(
            try m.ledger.outboxAttempts(outboxID: try #require(msg.id)).map(\.outcome) == ["temporary", "temporary"])
        #expect(try m.ledger.outbox(status: .failed).map(\.message.invoiceId) == [id])
    }

    @Test func aMessageClaimedByASenderThatDiedIsNeverSentAgainByARun() throws {
        let m = try BilledMonth()
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        _ = try m.sender(port: accept.port).send(now: BilledMonth.t0)
        let before = accept.receivedCount
        let (id, number) = try m.validateOneProforma()
        // A sender claims it and dies before sending or recording anything.
        let claimed = try #require(try m.ledger.claimDueMail(now: BilledMonth.t0, lease: 600))
        #expect(claimed.invoiceId == id)
        #expect(try m.ledger.claimDueMail(now: BilledMonth.t0, lease: 600) == nil)
        #expect(try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(599)).items.isEmpty)
        #expect(accept.receivedCount == before)
        // After the lease it may have been delivered by the dead sender: no run sends it, it waits for a person.
        #expect(try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(601)).sent.isEmpty)
        #expect(accept.receivedCount == before)
        let held = try m.message(invoiceID: id)
        #expect(held.status == .failed && held.lastError?.hasPrefix("uncertain:") == true)
        // A person who checked with the client sends it again, once.
        _ = try m.ledger.retryMail(ids: [held.id ?? 0], now: BilledMonth.t0.addingTimeInterval(700), actor: "ops")
        #expect(
            try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(701)).sent.map(\.number) == [
                number
            ])
        #expect(accept.receivedCount == before + 1)
    }
}
