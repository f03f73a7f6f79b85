// Tools these tests need (CI installs them; the live-server tests skip with a message without them):
//   apt-get install -y libcurl4-openssl-dev python3
//   pip install aiosmtpd
import Foundation
import MailDispatch
import TestSupport
import Testing

@Suite struct MIMETests {
    @Test func subjectWithAccentsIsEncodedWordsAndAttachmentsBase64() {
        let m = LoopbackSMTP.message()
        let text = String(decoding: m.mime(), as: UTF8.self)
        #expect(text.contains("Subject: =?UTF-8?B?"))
        #expect(text.contains("Message-ID: <FA-2026-000142@ardoise.example>\r\n"))
        #expect(text.contains("Content-Type: multipart/mixed; boundary="))
        #expect(text.contains("Content-Disposition: attachment; filename=\"FA-2026-000142.pdf\""))
        #expect(text.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 998 })
        #expect(m.mime() == m.mime(), "stable bytes")
    }
}

@Suite struct RetryPolicyTests {
    @Test func delaysGrowThenStop() throws {
        let p = RetryPolicy.standard
        let t0 = Date(timeIntervalSince1970: 1_790_000_000)
        let waits = (1...5).map { p.nextAttempt(after: $0, at: t0).map { $0.timeIntervalSince(t0) } }
        #expect(waits == [60, 300, 1800, 7200, 43200])
        #expect(p.maxAttempts == 6)
        #expect(p.nextAttempt(after: 6, at: t0) == nil)
        #expect(p.nextAttempt(after: 0, at: t0) == nil)
    }
}

@Suite(.serialized, .enabled(if: LoopbackSMTP.available, "needs python3 with aiosmtpd (pip install aiosmtpd)"))
struct SMTPSenderTests {
    @Test func deliversToALoopbackServer() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        let message = LoopbackSMTP.message()
        let reply = try SMTPSender(configuration: server.configuration).send(message)
        #expect(reply.hasPrefix("250"))
        let record = try server.received(1)
        #expect(record["mail_from"] as? String == "factures@serenest.example")
        #expect(record["rcpt_tos"] as? [String] == message.to)
        #expect(record["subject"] as? String == message.subject)
        #expect(record["body"] as? String == message.body)
        #expect(record["message_id"] as? String == "<FA-2026-000142@ardoise.example>")
        let attachments = try #require(record["attachments"] as? [[String: Any]])
        #expect(attachments.count == 1)
        #expect(attachments.first?["filename"] as? String == "FA-2026-000142.pdf")
        #expect(attachments.first?["content_type"] as? String == "application/pdf")
        #expect(attachments.first?["base64"] as? String == Data(message.attachments[0].bytes).base64EncodedString())
    }

    @Test func a550IsPermanent() throws {
        let server = try LoopbackSMTP(mode: "refuse")
        defer { server.stop() }
        #expect {
            try SMTPSender(configuration: server.configuration).send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .refused(let code, _) = e else { return false }
            return code == 550 && e.isPermanent
        }
    }

    @Test func a451IsTemporary() throws {
        let server = try LoopbackSMTP(mode: "later")
        defer { server.stop() }
        #expect {
            try SMTPSender(configuration: server.configuration).send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .temporary(let code, _) = e else { return false }
            return code == 451 && !e.isPermanent
        }
    }

    @Test func aDroppedConnectionIsTemporary() throws {
        let server = try LoopbackSMTP(mode: "drop")
        defer { server.stop() }
        #expect {
            try SMTPSender(configuration: server.configuration).send(LoopbackSMTP.message())
        } throws: { error in
            (error as? DeliveryError)?.isPermanent == false
        }
    }

    @Test func nothingListeningIsTemporary() throws {
        let config = SMTPConfiguration(
            host: "127.0.0.1", port: 1, startTLS: .none,
            fromAddress: "factures@serenest.example", timeoutSeconds: 5)
        #expect {
            try SMTPSender(configuration: config).send(LoopbackSMTP.message())
        } throws: { error in
            guard let e = error as? DeliveryError, case .temporary(nil, _) = e else { return false }
            return true
        }
    }

    @Test func starttlsRequiredButNotOfferedIsRefused() throws {
        let server = try LoopbackSMTP(mode: "accept")
        defer { server.stop() }
        var config = server.configuration
        config.startTLS = .required
        #expect {
            try SMTPSender(configuration: config).send(LoopbackSMTP.message())
        } throws: { error in
            (error as? DeliveryError)?.isPermanent == true
        }
    }
}

/// The shared loopback server (TestSupport), with what these tests send.
extension LoopbackSMTP {
    var configuration: SMTPConfiguration {
        SMTPConfiguration(
            host: "127.0.0.1", port: port, startTLS: .none, fromAddress: "factures@serenest.example",
            timeoutSeconds: 10)
    }

    static func message() -> OutgoingMessage {
        var pdf: [UInt8] = Array("%PDF-1.7\n".utf8)
        for i in 0..<5000 { pdf.append(UInt8(truncatingIfNeeded: i &* 31 &+ 7)) }
        return OutgoingMessage(
            messageID: "FA-2026-000142@ardoise.example", from: "factures@serenest.example",
            to: ["comptabilite@acme.example", "services.generaux@acme.example"],
            subject: "Facture FA-2026-000142 — octobre 2026, Serenest Restauration (échéance 31/12/2026)",
            body:
                "Bonjour,\n\nVeuillez trouver ci-joint la facture n° FA-2026-000142 d'un montant de 23 910,00 € TTC, à régler avant le 31/12/2026.\n\nCordialement,\nLe service facturation de Serenest\n",
            attachments: [Attachment(fileName: "FA-2026-000142.pdf", mimeType: "application/pdf", bytes: pdf)],
            date: Date(timeIntervalSince1970: 1_793_610_000))
    }
}
