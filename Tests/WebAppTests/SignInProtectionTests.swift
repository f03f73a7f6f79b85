import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Testing
import WebApp

/// Password guessing is slowed per login and per address, and a new password signs out whoever used the old one.
@Suite(.serialized) struct SignInProtectionTests {
    static func addresses(_ f: Fixture) throws -> [String?] {
        try f.ledger.engine.read { db in
            try db.fetchColumn(
                String?.self,
                sql: "SELECT address FROM login_attempt ORDER BY \(db.sql(sqlite: "rowid", postgres: "ctid"))")
        }
    }

    @Test func guessingOverManyLoginsFromOneAddressIsThrottled() async throws {
        let f = try Fixture()
        let app = try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(behindProxy: true))
        _ = try f.user("compta", rights: [(.proformas, .read)], password: "le-bon-mot-de-passe")
        try await app.application().test(.router) { client in
            // Behind the proxy, the address is the entry the proxy added last; what the client sent before it is ignored.
            func attempt(_ login: String, _ password: String, from address: String) async throws -> TestResponse {
                let page = try await client.execute(uri: "/connexion", method: .get)
                var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
                headers[.cookie] = "\(WebApp.loginCookie)=\(cookieValue(page, WebApp.loginCookie) ?? "")"
                if let name = HTTPField.Name("X-Forwarded-For") { headers[name] = "10.9.9.9, \(address)" }
                return try await client.execute(
                    uri: "/connexion", method: .post, headers: headers,
                    body: ByteBuffer(
                        string: encode([
                            ("csrf", hiddenCSRF(page.text) ?? ""), ("login", login), ("password", password)
                        ])))
            }
            // Fewer failures per login than its own limit, but many logins: only the address's limit can stop this.
            for n in 0..<Accounts.throttleFailuresPerAddress {
                let r = try await attempt("inconnu-\(n)", "devine", from: "203.0.113.7")
                #expect(r.status == .unauthorized, "attempt \(n)")
            }
            let blocked = try await attempt("compta", "le-bon-mot-de-passe", from: "203.0.113.7")
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.text.contains("Trop de tentatives depuis votre adresse"))
            #expect(cookieValue(blocked, WebApp.sessionCookie) == nil, "no session while the address is throttled")
            // The same user from another address signs in.
            let elsewhere = try await attempt("compta", "le-bon-mot-de-passe", from: "198.51.100.4")
            #expect(elsewhere.status == .seeOther && cookieValue(elsewhere, WebApp.sessionCookie) != nil)
        }
        let recorded = try Self.addresses(f)
        #expect(recorded.filter { $0 == "203.0.113.7" }.count == Accounts.throttleFailuresPerAddress + 1)
        #expect(recorded.last == "198.51.100.4")
        #expect(!recorded.contains("10.9.9.9"), "an address the client wrote itself is never trusted")
    }

    @Test func withoutAProxyTheAddressIsThePeersAndForwardedHeadersAreIgnored() async throws {
        let f = try Fixture()
        _ = try f.user("compta", rights: [(.proformas, .read)], password: "le-bon-mot-de-passe")
        try await f.app.application().test(.live) { client in
            let page = try await client.execute(uri: "/connexion", method: .get)
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            headers[.cookie] = "\(WebApp.loginCookie)=\(cookieValue(page, WebApp.loginCookie) ?? "")"
            if let name = HTTPField.Name("X-Forwarded-For") { headers[name] = "203.0.113.99" }
            let r = try await client.execute(
                uri: "/connexion", method: .post, headers: headers,
                body: ByteBuffer(
                    string: encode([
                        ("csrf", hiddenCSRF(page.text) ?? ""), ("login", "compta"), ("password", "faux")
                    ])))
            #expect(r.status == .unauthorized)
        }
        #expect(try Self.addresses(f) == ["127.0.0.1"])
    }

    @Test func aSuccessDoesNotResetTheAddressCount() throws {
        let f = try Fixture()
        _ = try f.user("compta", rights: [(.proformas, .read)], password: "le-bon-mot-de-passe")
        let now = Date()
        for n in 0..<(Accounts.throttleFailuresPerAddress - 1) {
            #expect(try f.accounts.login("autre-\(n)", password: "x", address: "192.0.2.1", now: now) == .refused)
        }
        #expect(
            try f.accounts.login("compta", password: "le-bon-mot-de-passe", address: "192.0.2.1", now: now) != .refused)
        #expect(try f.accounts.login("autre", password: "x", address: "192.0.2.1", now: now) == .refused)
        #expect(
            try f.accounts.login("compta", password: "le-bon-mot-de-passe", address: "192.0.2.1", now: now)
                == .throttledAddress)
        // After the window, the address may try again.
        let later = now.addingTimeInterval(Accounts.throttleWindow + 1)
        #expect(
            try f.accounts.login("compta", password: "le-bon-mot-de-passe", address: "192.0.2.1", now: later)
                != .throttledAddress)
    }

    @Test func aNewPasswordSignsOutTheUsersSessions() async throws {
        let f = try Fixture()
        let user = try f.user(
            "compta", rights: [(.proformas, .read), (.invoices, .read)], password: "l-ancien-mot-de-passe")
        let other = try f.user("autre", rights: [(.proformas, .read)])
        try await f.app.application().test(.router) { client in
            #expect(try await send(client, .get, "/proformas", as: user).status == .ok)
            try f.ledger.setPassword(
                login: "compta", hash: f.accounts.hash(password: "le-nouveau-mot-de-passe"), actor: "admin")
            let after = try await send(client, .get, "/proformas", as: user)
            #expect(after.status == .seeOther && after.header("Location") == "/connexion")
            #expect(try await send(client, .get, "/proformas", as: other).status == .ok, "other users stay signed in")
            #expect(
                try await send(client, .get, "/api/v1/documents", as: user).status == .ok,
                "API tokens are separate credentials")
            let (ok, _) = try await WebAppTests.signIn(client, "compta", "le-nouveau-mot-de-passe")
            #expect(ok.status == .seeOther)
        }
        #expect(
            try f.ledger.auditLog().contains { $0.action == "user password" && $0.facts?.text("login") == "compta" })
    }
}
