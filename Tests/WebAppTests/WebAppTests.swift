import BillingModel
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Testing
import WebApp

/// Both ways of running the app: in-process (the router alone) and live (HTTP on loopback).
enum Mode: String, CaseIterable, Sendable {
    case router, live
    var setup: TestingSetup { self == .router ? .router : .live }
}

func expectSecurityHeaders(_ r: TestResponse, _ what: String) {
    #expect(r.header("Content-Security-Policy")?.contains("script-src 'self'") == true, "\(what): CSP")
    #expect(r.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(what): frame-ancestors")
    #expect(r.header("X-Content-Type-Options") == "nosniff", "\(what): nosniff")
    #expect(r.header("X-Frame-Options") == "DENY", "\(what): X-Frame-Options")
    #expect(r.header("Referrer-Policy") != nil, "\(what): Referrer-Policy")
}

func cookieValue(_ r: TestResponse, _ name: String) -> String? {
    r.setCookies.first { $0.hasPrefix("\(name)=") }.map { String($0.dropFirst(name.count + 1).prefix { $0 != ";" }) }
}

func hiddenCSRF(_ html: String) -> String? {
    guard let r = html.range(of: "name=\"csrf\" value=\"") else { return nil }
    return String(html[r.upperBound...].prefix { $0 != "\"" })
}

@Suite(.serialized) struct WebAppTests {
    /// Signs in with the form, as a browser does: the login page's cookie and token, then the session cookie.
    static func signIn(_ client: any TestClientProtocol, _ login: String, _ password: String) async throws -> (
        TestResponse, TestUser?
    ) {
        let page = try await client.execute(uri: "/connexion", method: .get)
        let loginCookie = cookieValue(page, WebApp.loginCookie) ?? ""
        let token = hiddenCSRF(page.text) ?? ""
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        headers[.cookie] = "\(WebApp.loginCookie)=\(loginCookie)"
        let r = try await client.execute(
            uri: "/connexion", method: .post, headers: headers,
            body: ByteBuffer(string: encode([("csrf", token), ("login", login), ("password", password)])))
        guard let session = cookieValue(r, WebApp.sessionCookie) else { return (r, nil) }
        let home = try await send(client, .get, "/", as: TestUser(login: login, cookie: session, csrf: "", token: ""))
        return (r, TestUser(login: login, cookie: session, csrf: hiddenCSRF(home.text) ?? "", token: ""))
    }

    @Test(arguments: Mode.allCases) func signInUseTheAppAndSignOut(mode: Mode) async throws {
        let f = try Fixture()
        _ = try f.user("compta", rights: [(.proformas, .write), (.invoices, .read)], password: "un-mot-de-passe-long")
        try await f.app.application().test(mode.setup) { client in
            let anonymous = try await client.execute(uri: "/proformas", method: .get)
            #expect(anonymous.status == .seeOther && anonymous.header("Location") == "/connexion")
            expectSecurityHeaders(anonymous, "redirect")
            let (wrong, none) = try await Self.signIn(client, "compta", "pas-le-bon")
            #expect(wrong.status == .unauthorized && none == nil)
            #expect(wrong.text.contains("Identifiant ou mot de passe incorrect"))
            let (ok, signed) = try await Self.signIn(client, "compta", "un-mot-de-passe-long")
            #expect(ok.status == .seeOther)
            let cookie = try #require(ok.setCookies.first { $0.hasPrefix(WebApp.sessionCookie) })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("Secure"))
            let user = try #require(signed)
            #expect(!user.csrf.isEmpty)
            // The menu shows the features the user may read, and only those.
            let home = try await send(client, .get, "/", as: user)
            #expect(home.status == .ok)
            expectSecurityHeaders(home, "home")
            #expect(home.text.contains("id=\"menu-proformas\"") && home.text.contains("id=\"menu-invoices\""))
            #expect(!home.text.contains("id=\"menu-users\"") && !home.text.contains("id=\"menu-audit\""))
            #expect(!home.text.contains("<script"))
            // A proforma validated from the list, through the engine; the audit log names the user.
            let list = try await send(client, .get, "/proformas?periode=2026-10", as: user)
            #expect(list.text.contains("id=\"choix-\(f.proforma)\""))
            let validated = try await send(
                client, .post, "/proformas/valider", as: user, form: [("id", String(f.proforma)), ("confirme", "1")])
            #expect(validated.status == .seeOther, "\(validated.text)")
            #expect(try f.ledger.invoice(id: f.proforma)?.invoice.status == .issued)
            #expect(
                try f.ledger.auditLog(invoiceID: f.proforma).contains {
                    $0.actor == "compta" && $0.action == "validate"
                })
            // The confirmation comes from a fixed list: a URL cannot put its own words on the page.
            #expect(validated.header("Location") == "/proformas?fait=validee")
            #expect(try await send(client, .get, "/proformas?fait=validee", as: user).text.contains("Proforma validée"))
            #expect(!(try await send(client, .get, "/proformas?fait=Appelez+le+0800", as: user).text.contains("0800")))
            // Signed out: the session no longer opens anything.
            let out = try await send(client, .post, "/deconnexion", as: user)
            #expect(out.status == .seeOther && out.header("Location") == "/connexion")
            let after = try await send(client, .get, "/proformas", as: user)
            #expect(after.status == .seeOther && after.header("Location") == "/connexion")
        }
    }

    @Test(arguments: Mode.allCases) func everyFormPostNeedsTheSessionsCSRFToken(mode: Mode) async throws {
        let f = try Fixture()
        let user = try f.user("compta", rights: [(.proformas, .write)])
        let other = try f.user("autre", rights: [(.proformas, .write)])
        try await f.app.application().test(mode.setup) { client in
            let missing = try await send(
                client, .post, "/proformas/valider", as: user, form: [("id", String(f.proforma))], csrf: false)
            #expect(missing.status == .forbidden)
            #expect(missing.text.contains("jeton CSRF"))
            var forged = user
            forged.csrf = other.csrf
            let wrong = try await send(
                client, .post, "/proformas/valider", as: forged, form: [("id", String(f.proforma))])
            #expect(wrong.status == .forbidden)
            #expect(try f.ledger.invoice(id: f.proforma)?.invoice.status == .proforma, "nothing done without the token")
            // The login form has its own token too.
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            headers[.cookie] = "\(WebApp.loginCookie)=abc"
            let login = try await client.execute(
                uri: "/connexion", method: .post, headers: headers,
                body: ByteBuffer(string: "csrf=def&login=compta&password=x"))
            #expect(login.status == .forbidden)
        }
    }

    @Test func anExpiredOrDisabledSessionIsRefused() async throws {
        let f = try Fixture()
        let user = try f.user("compta", rights: [(.proformas, .read)])
        let u = try #require(try f.ledger.user(login: "compta")?.id)
        let expired = try f.accounts.openSession(userID: u, lifetime: -1)
        try await f.app.application().test(.router) { client in
            #expect(try await send(client, .get, "/proformas", as: user).status == .ok)
            let old = TestUser(login: "compta", cookie: expired.token, csrf: expired.csrf, token: "")
            #expect(try await send(client, .get, "/proformas", as: old).status == .seeOther)
            try f.ledger.setActive(login: "compta", active: false, actor: "test")
            #expect(try await send(client, .get, "/proformas", as: user).status == .seeOther)
            var forged = user
            forged.cookie = "0000"
            #expect(try await send(client, .get, "/proformas", as: forged).status == .seeOther)
            #expect(
                try await send(client, .get, "/api/v1/documents", as: user).status == .unauthorized,
                "a disabled user's token is revoked")
        }
    }

    @Test func fiveFailedPasswordsThrottleTheLogin() async throws {
        let f = try Fixture()
        _ = try f.user("compta", rights: [(.proformas, .read)], password: "le-bon-mot-de-passe")
        try await f.app.application().test(.router) { client in
            for _ in 0..<Accounts.throttleFailures {
                let (r, _) = try await Self.signIn(client, "compta", "mauvais")
                #expect(r.status == .unauthorized)
            }
            let (blocked, session) = try await Self.signIn(client, "compta", "le-bon-mot-de-passe")
            #expect(blocked.status == .tooManyRequests && session == nil)
            #expect(blocked.text.contains("Trop de tentatives"))
            // Another login is not held up.
            _ = try f.user("autre", rights: [(.proformas, .read)], password: "un-autre-mot-de-passe")
            let (ok, _) = try await Self.signIn(client, "autre", "un-autre-mot-de-passe")
            #expect(ok.status == .seeOther)
        }
    }

    @Test func securityHeadersAndFrenchErrorPagesOnEveryResponse() async throws {
        let f = try Fixture()
        let user = try f.user("compta", rights: [(.invoices, .read)])
        try await f.app.application().test(.router) { client in
            for (uri, status) in [
                ("/connexion", HTTPResponse.Status.ok), ("/static/style.css", .ok), ("/nulle-part", .notFound),
                ("/factures", .ok), ("/factures/999999", .notFound), ("/audit", .forbidden)
            ] {
                let r = try await send(client, .get, uri, as: user)
                #expect(r.status == status, "\(uri)")
                expectSecurityHeaders(r, uri)
                if status != .ok {
                    #expect(r.text.contains("lang=\"fr\""), "\(uri): a French page")
                    #expect(!r.text.contains("Error") && !r.text.contains(".swift"), "\(uri): no stack trace")
                }
            }
        }
    }

    @Test func secureCookiesWhenServedBehindTLS() async throws {
        let f = try Fixture()
        let app = try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(secureCookies: true))
        _ = try f.user("compta", password: "un-mot-de-passe-long")
        try await app.application().test(.router) { client in
            let (r, _) = try await Self.signIn(client, "compta", "un-mot-de-passe-long")
            #expect(r.setCookies.first { $0.hasPrefix(WebApp.sessionCookie) }?.contains("Secure") == true)
        }
    }

    @Test func aReadOnlyUserSeesNoEditControlsAndAScopedUserOnlyTheirClients() async throws {
        let f = try Fixture()
        let reader = try f.user("lecteur", rights: [(.proformas, .read), (.invoices, .read)], clients: [f.clientIn])
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/proformas/\(f.proforma)", as: reader)
            #expect(page.status == .ok)
            #expect(
                !page.text.contains("id=\"valider\"") && !page.text.contains("id=\"ecarter\"")
                    && !page.text.contains("modifier-ligne"))
            let invoice = try await send(client, .get, "/factures/\(f.issued)", as: reader)
            #expect(invoice.status == .ok && !invoice.text.contains("creer-avoir"))
            let list = try await send(client, .get, "/factures", as: reader)
            let visible = try f.ledger.invoices(status: .issued).filter { $0.client != f.clientIn }.compactMap(\.number)
            #expect(!visible.isEmpty)
            for n in visible { #expect(!list.text.contains(n), "\(n) of another client listed") }
            let api = try await send(client, .get, "/api/v1/documents", as: reader)
            #expect(api.status == .ok && api.text.contains(f.clientIn))
            for n in visible { #expect(!api.text.contains(n)) }
            let other = try #require(try f.ledger.invoices(status: .issued).first { $0.client != f.clientIn }?.id)
            #expect(try await send(client, .get, "/api/v1/documents/\(other)/pdf", as: reader).status == .notFound)
        }
    }

    @Test func theProformaListIsPagedAndItsTotalsCoverEveryPage() async throws {
        let f = try Fixture()
        let day = try #require(Day(iso: "2026-10-31"))
        let october = Period(start: day.firstOfMonth, end: day)
        let line = NewInvoiceLine(
            label: "Prestation", quantity: 1, unitPrice: Price(tenThousandths: 100_000), net: Money(cents: 1000),
            vat: VATRate(whole: 20))
        for _ in 0..<120 {
            _ = try f.ledger.createProforma(
                NewInvoice(
                    type: .invoice, series: "FA", client: f.clientIn, period: october, issueDate: day,
                    dueDate: day, paymentTerms: .onReceipt, origin: .manual, lines: [line]), actor: "test")
        }
        let waiting = try f.ledger.invoices(status: .proforma).count
        let user = try f.user("pages", rights: [(.proformas, .read)])
        try await f.app.application().test(.router) { client in
            let first = try await send(client, .get, "/proformas", as: user)
            #expect(first.status == .ok)
            #expect(first.text.components(separatedBy: "href=\"/proformas/").count - 1 == 100)
            #expect(
                first.text.contains("page 1 sur \((waiting + 99) / 100) (100 sur \(waiting))"),
                "\(first.text.prefix(0))")
            #expect(first.text.contains("id=\"page-suivante\"") && !first.text.contains("id=\"page-precedente\""))
            #expect(first.text.contains("\(waiting) documents"))
            let last = try await send(client, .get, "/proformas?page=\((waiting + 99) / 100)", as: user)
            #expect(
                last.text.components(separatedBy: "href=\"/proformas/").count - 1 == waiting - ((waiting - 1) / 100)
                    * 100)
            #expect(last.text.contains("id=\"page-precedente\"") && !last.text.contains("id=\"page-suivante\""))
            let filtered = try await send(client, .get, "/proformas?client=\(f.clientIn)&page=2", as: user)
            #expect(
                filtered.text.contains("client=\(f.clientIn)&amp;page=1")
                    || filtered.text.contains("client=\(f.clientIn)&page=1"))
        }
    }

    @Test func theRevenueAPIGivesTheScopedClientsFiguresOnly() async throws {
        let f = try Fixture()
        let scoped = try f.user("crm", rights: [(.dashboard, .read)], clients: [f.clientIn])
        let everyone = try f.user("direction", rights: [(.dashboard, .read)])
        // The figures as SQL over the ticket lines of the current register files (cents).
        func ticketTotal(_ client: String?) throws -> Int64 {
            try f.ledger.engine.read { db in
                try db.fetchValue(
                    Int64.self,
                    sql: """
                        SELECT COALESCE(SUM(t.amount), 0) FROM ticket_line t JOIN site_day s ON s.current_file_id = t.file_id
                        WHERE s.day BETWEEN ? AND ? \(client == nil ? "" : "AND t.client = ?")
                        """, arguments: client == nil ? [20727, 20757] : [20727, 20757, client]) ?? -1
            }
        }
        let expectedMine = try ticketTotal(f.clientIn), expectedAll = try ticketTotal(nil)
        try await f.app.application().test(.router) { client in
            let mine = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: scoped)
            #expect(
                mine.status == .ok
                    && mine.text.hasPrefix("{\"period\":{\"start\":\"2026-10-01\",\"end\":\"2026-10-31\"}"))
            let all = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: everyone)
            func registerTotal(_ text: String) -> Int64 {
                // SELF + CAFET + BRASS amounts of the "activities" object (TTC cents).
                let json = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
                let activities = json?["activities"] as? [String: [String: Any]] ?? [:]
                return ["SELF", "CAFET", "BRASS"].reduce(Int64(0)) { sum, a in
                    let amount = (activities[a]?["amount"] as? String).flatMap { Money($0) } ?? Money(cents: -1_000_000)
                    return sum + amount.cents
                }
            }
            #expect(registerTotal(mine.text) == expectedMine)
            #expect(registerTotal(all.text) == expectedAll)
            #expect(!mine.text.contains(f.clientOut))
            let malformed = try await send(client, .get, "/api/v1/revenue?period=2026-1l", as: scoped)
            #expect((400..<500).contains(malformed.status.code), "\(malformed.status)")
        }
    }

    @Test func anAdministratorSeesEveryClientsRevenueWhateverScopeIsStored() async throws {
        let f = try Fixture()
        let admin = try f.user("chef", clients: [f.clientIn], admin: true)
        let everyone = try f.user("direction", rights: [(.dashboard, .read)])
        try await f.app.application().test(.router) { client in
            let mine = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: admin)
            let all = try await send(client, .get, "/api/v1/revenue?period=2026-10", as: everyone)
            #expect(mine.status == .ok && mine.text == all.text)
            let board = try await send(client, .get, "/tableau-de-bord?periode=2026-10", as: admin)
            #expect(board.text.contains("tous les clients"))
        }
    }

    @Test func creditNoteAndManualInvoiceFromTheScreensGoThroughTheEngine() async throws {
        let f = try Fixture()
        let user = try f.user("compta", rights: [(.invoices, .write), (.manual, .write), (.proformas, .write)])
        try await f.app.application().test(.router) { client in
            let credit = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: user,
                form: [("confirme", "1"), ("ligne", "1"), ("montant-1", "1,00"), ("motif", "geste commercial")])
            #expect(credit.status == .seeOther, "\(credit.text)")
            let note = try #require(try f.ledger.invoices(status: .issued).first { $0.creditedInvoiceId == f.issued })
            #expect(note.type == .creditNote && note.totalHt == 100)
            #expect(try f.ledger.auditLog(invoiceID: note.id).contains { $0.actor == "compta" })
            let badRate = try await send(
                client, .post, "/factures-manuelles", as: user,
                form: [
                    ("type", "invoice"), ("client", f.clientIn), ("libelle-1", "X"), ("quantite-1", "1"),
                    ("prix-1", "10"), ("tva-1", "19.6"),
                    ("motif", "essai")
                ])
            #expect(badRate.status == .unprocessableContent && badRate.text.contains("taux français"))
            let manual = try await send(
                client, .post, "/factures-manuelles", as: user,
                form: [
                    ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"),
                    ("libelle-1", "Prestation exceptionnelle"),
                    ("quantite-1", "2"), ("prix-1", "150,00"), ("tva-1", "20"), ("motif", "cocktail")
                ])
            #expect(manual.status == .seeOther, "\(manual.text)")
            let doc = try #require(
                try f.ledger.invoices(status: .proforma, client: f.clientIn).first { $0.origin == .manual })
            #expect(doc.totalHt == 30000 && doc.totalTtc == 36000)
            // A line edited with its reason, as `ardoise edit` does.
            let edit = try await send(
                client, .post, "/proformas/\(f.proforma)/lignes", as: user,
                form: [("position", "1"), ("quantite", "3"), ("motif", "recompté")])
            #expect(edit.status == .seeOther, "\(edit.text)")
            #expect(try f.ledger.invoice(id: f.proforma)?.lines.first?.quantity == 3)
            #expect(
                try f.ledger.auditLog(invoiceID: f.proforma).contains { $0.actor == "compta" && $0.action == "edit" })
        }
    }

    @Test func theAPIListsShowsAndValidatesWithABearerToken() async throws {
        let f = try Fixture()
        let user = try f.user("erp", rights: [(.invoices, .read), (.proformas, .write)])
        try await f.app.application().test(.live) { client in
            let one = try await send(client, .get, "/api/v1/documents/\(f.issued)", as: user)
            #expect(one.status == .ok && one.header("Content-Type")?.hasPrefix("application/json") == true)
            #expect(one.text.contains("\"id\":\(f.issued)"))
            let xml = try await send(client, .get, "/api/v1/documents/\(f.issued)/xml", as: user)
            #expect(xml.status == .ok && xml.text.contains("CrossIndustryInvoice"))
            let validated = try await send(client, .post, "/api/v1/proformas/\(f.proforma)/validate", as: user)
            #expect(validated.status == .ok, "\(validated.text)")
            #expect(validated.text.contains("\"numbers\":[\"FA-"))
            let again = try await send(client, .post, "/api/v1/proformas/\(f.proforma)/validate", as: user)
            #expect(again.status == .unprocessableContent && again.text.hasPrefix("{\"error\":"))
            var bad = user
            bad.token = "ard_faux"
            #expect(try await send(client, .get, "/api/v1/documents", as: bad).status == .unauthorized)
        }
    }
}
