import Foundation
import MailDispatch
import TestSupport
import Testing

/// Every wait of an SMTP exchange is bounded by the configuration's timeouts, against
/// real servers on loopback that misbehave (`smtp_server.py`'s scripted modes); a message
/// handed over and never acknowledged is reported as uncertain, never as worth retrying.
/// No durations are asserted: a wait that was not bounded would hang the test.
@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 with aiosmtpd (pip install aiosmtpd)"))
struct MisbehavingSMTPServerTests {
    static func configuration(port: Int) -> SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, startTLS: .none, fromAddress: "factures@serenest.example",
            timeoutSeconds: 20, connectTimeoutSeconds: 2, commandTimeoutSeconds: 2)
    }

    @Test func aServerStallingAfterTheDataMakesTheDeliveryUncertainNotRetryable() throws {
        let server = try LoopbackSMTP(mode: "stall-after-data")
        defer { server.stop() }
        #expect {
            try SMTPSender(configuration: Self.configuration(port: server.port)).send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .uncertain = e else { return false }
            return e.isPermanent && e.description.contains("delivery uncertain")
                && e.description.contains("outbox retry")
        }
        #expect(server.receivedCount == 1, "the server got the data once")
    }

    @Test func aServerStallingOnQuitStillCountsAsDelivered() throws {
        let server = try LoopbackSMTP(mode: "stall-on-quit")
        defer { server.stop() }
        let reply = try SMTPSender(configuration: Self.configuration(port: server.port)).send(LoopbackSMTP.message())
        #expect(reply.hasPrefix("250"))
        #expect(server.receivedCount == 1)
    }

    @Test func aServerThatNeverAnswersIsATemporaryFailureWithNothingHandedOver() throws {
        let server = try LoopbackSMTP(mode: "silent")
        defer { server.stop() }
        #expect {
            try SMTPSender(configuration: Self.configuration(port: server.port)).send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .temporary = e else { return false }
            return !e.isPermanent
        }
        #expect(server.receivedCount == 0)
    }

    @Test func a4xxThenA2xxDeliversOnTheSecondAttemptOnly() throws {
        let server = try LoopbackSMTP(mode: "later-then-accept")
        defer { server.stop() }
        let sender = SMTPSender(configuration: Self.configuration(port: server.port))
        #expect {
            try sender.send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .temporary(let code, _) = e else { return false }
            return code == 451
        }
        #expect(server.receivedCount == 0)
        #expect(try sender.send(LoopbackSMTP.message()).hasPrefix("250"))
        #expect(server.receivedCount == 1)
    }
}
