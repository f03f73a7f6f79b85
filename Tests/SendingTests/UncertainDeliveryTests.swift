import Documents
import Foundation
import Ledger
import MailDispatch
import Testing
import TestSupport
import Workspace

/// The outbox over servers that stall: a message handed over and never
/// acknowledged is flagged for a person and never sent again by itself (the
/// at-most-once window), a sending run stops claiming at its deadline, and
/// the settings' `smtp` timeouts are the sender's.
@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 with aiosmtpd (pip install aiosmtpd)"))
struct UncertainDeliveryTests {
    @Test func aMessageHandedOverAndNeverAcknowledgedIsFlaggedAndOnlyAPersonSendsItAgain() throws {
        let m = try BilledMonth()
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        _ = try m.sender(port: accept.port).send(now: BilledMonth.t0)
        let (id, number) = try m.validateOneProforma()
        let stall = try LoopbackSMTP(mode: "stall-after-data")
        defer { stall.stop() }
        var smtp = m.smtp(port: stall.port)
        smtp.commandTimeoutSeconds = 2
        let sender = OutboxSender(
            ledger: m.ledger, documents: m.workspace.documents, facturX: try FacturX.withSystemProfile(),
            smtp: smtp, policy: RetryPolicy(delays: [.seconds(1)]))
        let report = try sender.send(now: BilledMonth.t0)
        #expect(report.uncertain.map(\.number) == [number])
        #expect(report.failed.map(\.number) == [number])
        #expect(report.text.contains("delivery uncertain"))
        #expect(stall.receivedCount == 1, "handed over once in the run")
        let flagged = try m.message(invoiceID: id)
        #expect(flagged.status == .failed)
        #expect(flagged.lastError?.contains("delivery uncertain") == true)
        let outboxID = try #require(flagged.id)
        #expect(try m.ledger.outboxAttempts(outboxID: outboxID).map(\.outcome) == ["uncertain"])
        // Never again by itself, even long after.
        #expect(try sender.send(now: BilledMonth.t0.addingTimeInterval(86_400)).items.isEmpty)
        #expect(stall.receivedCount == 1)
        // A person who checked resends it deliberately, with the same Message-ID.
        let before = accept.receivedCount
        #expect(
            try m.ledger.retryMail(ids: [outboxID], now: BilledMonth.t0.addingTimeInterval(90_000), actor: "test") == [
                outboxID
            ])
        let resent = try m.sender(port: accept.port).send(now: BilledMonth.t0.addingTimeInterval(90_000))
        #expect(resent.sent.map(\.number) == [number])
        #expect(accept.receivedCount == before + 1)
        #expect(try accept.received(before + 1)["message_id"] as? String == flagged.messageId)
    }

    @Test func aSendingRunPastItsDeadlineStopsClaimingAndLeavesTheRestPending() throws {
        let m = try BilledMonth()
        let pending = try m.ledger.outbox(status: .pending)
        #expect(!pending.isEmpty)
        let accept = try LoopbackSMTP(mode: "accept")
        defer { accept.stop() }
        let sender = OutboxSender(
            ledger: m.ledger, documents: m.workspace.documents, facturX: try FacturX.withSystemProfile(),
            smtp: m.smtp(port: accept.port), deadline: 0)
        let report = try sender.send(now: BilledMonth.t0)
        #expect(report.items.isEmpty)
        #expect(report.stoppedEarly?.contains("deadline") == true)
        #expect(accept.receivedCount == 0)
        #expect(try m.ledger.outbox(status: .pending).map(\.message.attempts) == pending.map { _ in 0 })
    }

    @Test func theSettingsTimeoutsAreTheSendersAndTheRunsDeadline() throws {
        let m = try BilledMonth(smtpPort: 2525)
        let settings = m.folder.appendingPathComponent("settings.yaml")
        let text = try String(contentsOf: settings, encoding: .utf8)
        try (text + "  connect_timeout: 3\n  command_timeout: 7\n  message_timeout: 40\n  run_deadline: 90\n")
            .write(to: settings, atomically: true, encoding: .utf8)
        let ws = try Installation.open(configPath: m.folder.appendingPathComponent("ardoise.yaml").path)
        let smtp = try ws.smtpConfiguration()
        #expect(smtp.connectTimeoutSeconds == 3)
        #expect(smtp.commandTimeoutSeconds == 7)
        #expect(smtp.timeoutSeconds == 40)
        #expect(ws.settings.smtp?.runDeadlineSeconds == 90)
        // Without the keys: bounded defaults, not the old fixed 60 s per message only.
        let plain = try BilledMonth(smtpPort: 2525)
        let defaults = try Installation.open(configPath: plain.folder.appendingPathComponent("ardoise.yaml").path)
            .smtpConfiguration()
        #expect(
            defaults.commandTimeoutSeconds == 60 && defaults.connectTimeoutSeconds == 30
                && defaults.timeoutSeconds == 300)
    }
}
