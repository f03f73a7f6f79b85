import BillingEngine
import BillingModel
import DemoMonthSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger

import TestSupport
import WebApp
import Workspace

/// A small real ledger: the demo month imported and billed on 2 November, one
/// proforma of C0003 validated, so C0003 has issued invoices and proformas.
struct Fixture {
    let app: WebApp
    let ledger: LedgerDatabase
    /// The workspace's ardoise.yaml, for a test opening it again as another process does.
    let configPath: String
    let clientIn = "C0003"
    let clientOut = "C0004"
    let proforma: Int64
    let issued: Int64
    /// Other proformas of `clientIn`, for routes that must not find `proforma` already discarded or validated.
    let spare: [Int64]

    static let today = DemoMonth.issueDay

    init() throws {
        let month = try DemoMonth("webapp", sites: 2, clients: 6, seed: 11)
        let (workspace, ledger) = (month.workspace, month.ledger)
        let engine = try month.bill(actor: "controller", validateAll: false)
        let proformas = try ledger.invoices(status: .proforma, client: clientIn).compactMap(\.id)
        guard proformas.count >= 4 else { throw FixtureError("expected proformas for \(clientIn), got \(proformas)") }
        _ = try engine.validate(ids: [proformas[0]], on: Self.today)
        guard let issued = try ledger.invoices(status: .issued, client: clientIn).first?.id else {
            throw FixtureError("no issued invoice")
        }
        self.ledger = ledger
        self.configPath = workspace.config.file
        self.proforma = proformas[1]
        self.spare = Array(proformas[2...])
        self.issued = issued
        self.app = try WebApp(workspace: workspace, options: Self.options())
    }

    var accounts: Accounts { app.accounts }

    /// A test server's options. Its connections wait ten minutes for a request, not the product's 30 s:
    /// on CI's two cores, hundreds of tests share the cooperative threads, and a test task may wait
    /// longer than 30 s for its turn between opening its connection and sending its first request
    /// (the live client then wrote on a connection the server had closed). The idle timeout itself is
    /// tested with its own short value (`RequestLimitsTests`).
    static func options(
        today: Day = Fixture.today, secureCookies: Bool = false, behindProxy: Bool = false,
        pendingRules: String? = nil, idleTimeout: Int = 600, sessionIdleTimeout: TimeInterval = 30 * 60,
        clock: (@Sendable () -> Date)? = nil
    ) -> WebOptions {
        WebOptions(
            port: 0, secureCookies: secureCookies, today: today, bcryptCost: 4, behindProxy: behindProxy,
            pendingRules: pendingRules, idleTimeout: idleTimeout, sessionIdleTimeout: sessionIdleTimeout,
            clock: clock)
    }

    /// A user with one right (or none), scoped to the given clients, signed in: its session cookie, CSRF token and API token.
    func user(
        _ login: String, rights: [(Feature, AccessLevel)] = [], clients: [String]? = nil, admin: Bool = false,
        password: String? = nil
    ) throws -> TestUser {
        let u = try accounts.addUser(
            login: login, name: "Test \(login)", password: password, admin: admin, actor: "test")
        for (f, l) in rights where l != .none {
            try ledger.setRight(login: login, feature: f.rawValue, level: l.name, actor: "test")
        }
        if let clients { try ledger.setScope(login: login, clients: clients, actor: "test") }
        guard let id = u.id else { throw FixtureError("user without id") }
        let session = try accounts.openSession(userID: id, lifetime: 3600)
        return TestUser(
            login: login, cookie: session.token, csrf: session.csrf,
            token: try accounts.newAPIToken(login: login, actor: "test"))
    }
}

struct TestUser: Sendable {
    var login: String
    var cookie: String
    var csrf: String
    var token: String
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Sends a request as a user: the session cookie for pages (and the CSRF token in forms), the bearer token for the API.
func send(
    _ client: any TestClientProtocol, _ method: HTTPRequest.Method, _ uri: String, as user: TestUser? = nil,
    form: [(String, String)]? = nil, csrf: Bool = true, extraHeaders: HTTPFields = [:]
) async throws -> TestResponse {
    var headers = extraHeaders
    if let user {
        if uri.hasPrefix("/api/") {
            headers[.authorization] = "Bearer \(user.token)"
        } else {
            headers[.cookie] = "\(WebApp.sessionCookie)=\(user.cookie)"
        }
    }
    var body: ByteBuffer?
    if method == .post {
        var fields = form ?? []
        if let user, csrf, !uri.hasPrefix("/api/") { fields.append(("csrf", user.csrf)) }
        headers[.contentType] = "application/x-www-form-urlencoded"
        body = ByteBuffer(string: encode(fields))
    }
    return try await client.execute(uri: uri, method: method, headers: headers, body: body)
}

func encode(_ fields: [(String, String)]) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return fields.map {
        "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
    }
    .joined(separator: "&")
}

extension TestResponse {
    var text: String { String(buffer: body) }
    func header(_ name: String) -> String? { HTTPField.Name(name).flatMap { headers[$0] } }
    var setCookies: [String] { headers[values: .setCookie] }
}
