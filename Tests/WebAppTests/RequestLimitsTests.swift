import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Logging
import Synchronization
import Testing
import WebApp

#if canImport(Glibc)
    import Glibc
#endif

/// What the server answers to requests it should not serve: too big, wrong method, forged sign-in, connections
/// that never finish a request, and rights a user does not have.
@Suite(.serialized) struct RequestLimitsTests {
    @Test func anOversizedFormIsRefusedWith413AndNothingLogged() async throws {
        let f = try Fixture()
        let lines = LogLines()
        let app = try WebApp(
            workspace: f.app.workspace, options: Fixture.options(),
            logger: Logger(label: "test") { _ in CapturingLogHandler(lines: lines) })
        let user = try f.user("compta-413", rights: [(.proformas, .write)])
        try await app.application().test(.router) { client in
            let big = String(repeating: "x", count: 2 << 20)
            let r = try await send(
                client, .post, "/proformas/valider", as: user, form: [("id", String(f.proforma)), ("motif", big)])
            #expect(r.status == .contentTooLarge)
            #expect(r.text.contains("trop gros"))
        }
        #expect(lines.count == 0, "logged: \(lines.all)")
        #expect(try f.ledger.invoice(id: f.proforma)?.invoice.status == .proforma)
    }

    @Test func aWrongMethodIs405NamingTheAllowedOnesAndHeadAnswersLikeGet() async throws {
        let f = try Fixture()
        let user = try f.user("compta-405", rights: [(.invoices, .read)])
        try await f.app.application().test(.router) { client in
            let put = try await send(client, .put, "/factures", as: user)
            #expect(put.status == .methodNotAllowed)
            #expect(put.header("Allow") == "GET, HEAD")
            let get = try await send(client, .get, "/deconnexion", as: user)
            #expect(get.status == .methodNotAllowed)
            #expect(get.header("Allow") == "POST")
            let head = try await send(client, .head, "/factures/\(f.issued)", as: user)
            #expect(head.status == .ok)
            #expect(head.text.isEmpty)
            let nowhere = try await send(client, .put, "/nulle-part", as: user)
            #expect(nowhere.status == .notFound)
        }
    }

    @Test func aSignInCookiePlantedWithTheFieldsValueIsRefused() async throws {
        let f = try Fixture()
        _ = try f.user("compta-csrf", password: "0123456789ab")
        try await f.app.application().test(.router) { client in
            // Equal cookie and field, chosen by whoever planted the cookie: refused.
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            let planted = String(repeating: "a", count: 64) + "." + String(repeating: "b", count: 64)
            headers[.cookie] = "\(WebApp.loginCookie)=\(planted)"
            let forged = try await client.execute(
                uri: "/connexion", method: .post, headers: headers,
                body: ByteBuffer(string: "csrf=\(planted)&login=compta-csrf&password=0123456789ab"))
            #expect(forged.status == .forbidden)
            // The token of the server's own form works.
            let page = try await client.execute(uri: "/connexion", method: .get)
            let token = try #require(cookieValue(page, WebApp.loginCookie))
            headers[.cookie] = "\(WebApp.loginCookie)=\(token)"
            let genuine = try await client.execute(
                uri: "/connexion", method: .post, headers: headers,
                body: ByteBuffer(string: "csrf=\(token)&login=compta-csrf&password=0123456789ab"))
            #expect(genuine.status == .seeOther)
        }
    }

    @Test func aUserWithNoRightIsNotToldTheyCanRead() async throws {
        let f = try Fixture()
        let none = try f.user("sans-droit")
        let reader = try f.user("lecteur", rights: [(.proformas, .read)])
        try await f.app.application().test(.router) { client in
            let r = try await send(client, .post, "/proformas/\(f.proforma)/ecarter", as: none, form: [("motif", "x")])
            #expect(r.status == .forbidden)
            #expect(r.text.contains("avez pas accès"))
            #expect(!r.text.contains("que la lecture"))
            let read = try await send(
                client, .post, "/proformas/\(f.proforma)/ecarter", as: reader, form: [("motif", "x")])
            #expect(read.status == .forbidden)
            #expect(read.text.contains("que la lecture"))
        }
    }

    @Test func aProformasPDFNeedsTheProformasRight() async throws {
        let f = try Fixture()
        let invoicesOnly = try f.user("factures-seules", rights: [(.invoices, .read)])
        let both = try f.user("les-deux", rights: [(.invoices, .read), (.proformas, .read)])
        try await f.app.application().test(.router) { client in
            let refused = try await send(client, .get, "/factures/\(f.proforma)/pdf", as: invoicesOnly)
            #expect(refused.status == .notFound)
            let issued = try await send(client, .get, "/factures/\(f.issued)/pdf", as: invoicesOnly)
            #expect(issued.status == .ok)
            let allowed = try await send(client, .get, "/factures/\(f.proforma)/pdf", as: both)
            #expect(allowed.status == .ok)
        }
    }

    @Test func theManualCreditFormDoesNotTellWhoseAnInvoiceNumberIs() async throws {
        let f = try Fixture()
        let user = try f.user("saisie", rights: [(.manual, .write)], clients: [f.clientOut])
        let number = try #require(try f.ledger.invoice(id: f.issued)?.invoice.number)
        try await f.app.application().test(.router) { client in
            var answers: [String] = []
            for credits in [number, "FA-2099-000001"] {
                let r = try await send(
                    client, .post, "/factures-manuelles", as: user,
                    form: [
                        ("type", "credit-note"), ("client", f.clientOut), ("credite", credits), ("periode", "2026-10"),
                        ("libelle-1", "Geste"), ("quantite-1", "1"), ("prix-1", "10.00"), ("tva-1", "20"),
                        ("motif", "test")
                    ])
                #expect(r.status == .unprocessableContent)
                #expect(!r.text.contains(f.clientIn), "names the invoice's client: \(r.text.prefix(400))")
                answers.append(r.text.replacingOccurrences(of: credits, with: "NUMERO"))
            }
            #expect(answers[0] == answers[1], "the answer differs for an existing number of another client")
        }
    }

    @Test func aConnectionThatNeverFinishesItsRequestIsClosed() async throws {
        let f = try Fixture()
        let app = try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(idleTimeout: 1))
        try await app.application().test(.live) { client in
            let port = try #require(client.port)
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            #expect(fd >= 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let connected = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            #expect(connected == 0)
            let half = "GET /connexion HTTP/1.1\r\nHost: x\r\nX-Slow: "
            _ = half.withCString { send(fd, $0, strlen($0), 0) }
            // Wait up to 10 s for the server to close it (read returns 0); the timeout is 1 s.
            var timeout = timeval(tv_sec: 10, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            var buffer = [UInt8](repeating: 0, count: 512)
            var received = 1
            while received > 0 { received = recv(fd, &buffer, buffer.count, 0) }
            #expect(
                received == 0,
                "the half-sent request's connection is still open after 10 s (recv \(received), errno \(errno))")
        }
    }
}

final class LogLines: Sendable {
    private let lines = Mutex<[String]>([])
    func append(_ line: String) { lines.withLock { $0.append(line) } }
    var count: Int { lines.withLock { $0.count } }
    var all: [String] { lines.withLock { $0 } }
}

struct CapturingLogHandler: LogHandler {
    let lines: LogLines
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(
        level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String, file: String,
        function: String,
        line: UInt
    ) {
        if level >= .warning { lines.append("\(level): \(message)") }
    }
}

/// A clock a test moves.
final class TestClock: Sendable {
    private let time = Mutex(Date())
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite(.serialized) struct SessionIdleTimeoutTests {
    @Test func aSessionLeftAloneLongerThanTheIdleTimeoutIsClosed() async throws {
        let f = try Fixture()
        let clock = TestClock()
        let app = try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(
                sessionIdleTimeout: 30 * 60,
                clock: { clock.now }))
        let user = try f.user("oubli", rights: [(.invoices, .read)])
        try await app.application().test(.router) { client in
            #expect(try await send(client, .get, "/factures", as: user).status == .ok)
            clock.advance(29 * 60)
            #expect(try await send(client, .get, "/factures", as: user).status == .ok, "used within the idle time")
            clock.advance(29 * 60)
            #expect(
                try await send(client, .get, "/factures", as: user).status == .ok, "each use starts the idle time again"
            )
            clock.advance(31 * 60)
            let idle = try await send(client, .get, "/factures", as: user)
            #expect(idle.status == .seeOther && idle.header("Location") == "/connexion")
            #expect(
                try await send(client, .get, "/factures", as: user).status == .seeOther,
                "the session is closed for good")
        }
    }
}
