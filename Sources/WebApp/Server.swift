import BillingEngine
import BillingModel
import ControlExports
import Dashboards
import Diagnostics
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Ledger
import Logging
import Mustache
import Workspace

/// How `ardoise serve` runs.
public struct WebOptions: Sendable {
    public var host: String
    public var port: Int
    /// Adds `Secure` to the session cookie: served over TLS, or behind a TLS proxy.
    public var secureCookies: Bool
    public var sessionLifetime: TimeInterval
    /// The business day to act as of (tests, `--date`); nil: today in Europe/Paris.
    public var today: Day?
    public var bcryptCost: UInt8
    /// Served behind a reverse proxy: the caller's address is the last entry of
    /// `X-Forwarded-For` (the one the proxy added), not the proxy's own address.
    public var behindProxy: Bool
    /// A rules folder holding a pending change of contracts (a checkout of the
    /// pull request): the clients screen shows what it would bill differently.
    public var pendingRules: String?
    /// Seconds a connection may stay without a complete request before it is closed: a client that opens
    /// connections and sends nothing (or half a request) cannot hold the server's connections for ever.
    public var idleTimeout: Int
    /// Connections served at once; past it, new ones wait in the system's backlog until one closes.
    public var maximumConnections: Int
    /// A session unused this long is closed (the person signs in again), whatever its lifetime left.
    public var sessionIdleTimeout: TimeInterval
    /// The time for session idleness; nil: the system's clock (tests pass their own).
    public var clock: (@Sendable () -> Date)?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false,
        sessionLifetime: TimeInterval = 8 * 3600,
        today: Day? = nil, bcryptCost: UInt8 = 12, behindProxy: Bool = false, pendingRules: String? = nil,
        idleTimeout: Int = 30, maximumConnections: Int = 512, sessionIdleTimeout: TimeInterval = 30 * 60,
        clock: (@Sendable () -> Date)? = nil
    ) {
        self.sessionIdleTimeout = sessionIdleTimeout
        self.clock = clock
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.sessionLifetime = sessionLifetime
        self.today = today
        self.bcryptCost = bcryptCost
        self.behindProxy = behindProxy
        self.pendingRules = pendingRules
    }
}

/// The context of a request: Hummingbird's own, and the address of the peer
/// that opened the connection (to throttle sign-in attempts by address).
public struct WebContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The peer's IP address; nil when the connection has none (in-process tests).
    public let peerAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress?.ipAddress
    }
}

/// What a route needs to know of a request to check the client scope, for
/// the permission matrix: where the client's resource is named.
public enum ScopeTarget: Sendable, Equatable {
    /// Not a client's resource (the handler filters lists by scope).
    case none
    /// The path's `:id` is a document.
    case documentInPath
    /// The form's `id` fields are documents.
    case documentsInForm
    /// The form's `client` field is a client code.
    case clientInForm
    /// The path's `:code` is a client code.
    case clientInPath
    /// The whole company's books (the closing): only users who see every client; a scoped user gets 403.
    case wholeCompany
}

/// Who may call a route.
public enum Guard: Sendable, Equatable {
    /// Anyone (the login page, the style sheet).
    case open
    /// Any signed-in user (home, logout).
    case signedIn
    /// A right on a feature.
    case feature(Feature, AccessLevel)
}

/// One entry of the route table, from which the router is built.
public struct Route: Sendable {
    public let method: HTTPRequest.Method
    public let path: String
    public let guardedBy: Guard
    public let scope: ScopeTarget
    /// `/api/v1/…`: bearer token, JSON errors, no CSRF (no cookie is read).
    public var isAPI: Bool { path.hasPrefix("/api/") }
    let handler: @Sendable (Call) async throws -> Response
}

/// A request as a handler sees it: who calls, the form, the path's parameters.
struct Call: Sendable {
    let request: Request
    let parameters: Parameters
    let identity: Identity?
    let csrf: String
    let form: Form
    let app: WebApp
    /// The caller's IP address, nil when unknown.
    let address: String?

    var user: Identity {
        get throws {
            guard let identity else { throw WebError(.unauthorized, "Connexion requise.") }
            return identity
        }
    }
    func query(_ name: String) -> String? {
        request.uri.queryParameters[Substring(name)].map(String.init).flatMap { $0.isEmpty ? nil : $0 }
    }
    func parameter(_ name: String) throws -> String {
        guard let v = parameters.get(name) else { throw WebError(.notFound, "Page introuvable.") }
        return v
    }
}

/// A URL-encoded form's fields, in order, repeated names kept.
struct Form: Sendable {
    var fields: [(String, String)] = []
    init(fields: [(String, String)] = []) { self.fields = fields }
    init(encoded text: String) {
        fields = text.split(separator: "&").map { pair in
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ s: Substring) -> String {
                s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(s)
            }
            return (decode(kv[0]), kv.count > 1 ? decode(kv[1]) : "")
        }
    }
    subscript(_ name: String) -> String? { fields.first { $0.0 == name }.map(\.1) }
    func all(_ name: String) -> [String] { fields.filter { $0.0 == name }.map(\.1) }
    func trimmed(_ name: String) -> String? {
        self[name].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
    }
}

/// An error shown to the user as a French page (or JSON for the API).
struct WebError: Error {
    var status: HTTPResponse.Status
    var message: String
    init(_ status: HTTPResponse.Status, _ message: String) {
        self.status = status
        self.message = message
    }
    static let notFound = WebError(.notFound, "Cette page ou ce document n'existe pas, ou vous n'y avez pas accès.")
}

/// The web app: the route table, the checks every request goes through, the pages.
public final class WebApp: Sendable {
    public let workspace: Installation
    /// The workspace's ledger (`Installation.ledger`), which every page reads and writes.
    public let ledger: LedgerDatabase
    public let options: WebOptions
    public let accounts: Accounts
    let library: MustacheLibrary
    let logger: Logger
    /// Finished parts of pages (the dashboard's figures and charts, pages of lists), until the ledger changes.
    let cachedParts: LedgerCache<CachedPart, [String]>
    /// The contracts' evaluations of the closing's revenue check, kept per register file versions and order revisions
    /// read (not per commit: a write that changes neither, an edited proforma, leaves them valid).
    let unbilledEvaluations = UnbilledEvaluations()
    /// The billing engines, per day and actor (the contracts are the process's).
    let keptEngines = KeptEngines()
    /// Signs the sign-in form's double-submit token.
    let signInToken = SignInToken()
    /// When each session was last used (the idle timeout).
    let sessionActivity: SessionActivity

    public init(
        workspace: Installation, options: WebOptions = WebOptions(), logger: Logger = Logger(label: "ardoise.web")
    ) throws {
        self.workspace = workspace
        let ledger = try workspace.ledger
        self.ledger = ledger
        self.options = options
        self.accounts = Accounts(ledger: ledger, cost: options.bcryptCost)
        var library = MustacheLibrary()
        for (name, text) in Templates.all { try library.register(text, named: name) }
        self.library = library
        self.logger = logger
        self.cachedParts = try LedgerCache(ledger: ledger)
        self.sessionActivity = SessionActivity(idleTimeout: options.sessionIdleTimeout)
    }

    /// The clock of session idleness; tests move it.
    var now: Date { options.clock?() ?? Date() }

    var today: Day { options.today ?? BusinessCalendar.today() }

    public static let sessionCookie = "ardoise_session"
    public static let loginCookie = "ardoise_login"

    /// The single table of routes: the router is built from it and the permission matrix test reads it.
    public var routes: [Route] { Self.table }

    public func router() -> Router<WebContext> {
        let router = Router(context: WebContext.self)
        router.add(middleware: Protection(app: self))
        for route in routes {
            router.on(RouterPath(route.path), method: route.method) { [self] request, context in
                try await self.respond(route, request: request, context: context)
            }
            // HEAD asks what GET would answer, without the body.
            if route.method == .get {
                router.on(RouterPath(route.path), method: .head) { [self] request, context in
                    var response = try await self.respond(route, request: request, context: context)
                    response.body = .init()
                    return response
                }
            }
        }
        return router
    }

    /// The methods the route table answers on a path (HEAD with GET), for a 405 that names them.
    func methods(allowedOn path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var methods: [HTTPRequest.Method] = []
        for route in routes {
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            guard pattern.count == segments.count,
                zip(pattern, segments).allSatisfy({ p, s in p.hasPrefix(":") ? !s.isEmpty : p == s })
            else { continue }
            if !methods.contains(route.method) { methods.append(route.method) }
            if route.method == .get && !methods.contains(.head) { methods.append(.head) }
        }
        return methods
    }

    public func application() -> some ApplicationProtocol {
        Application(
            router: router(), server: .http1(configuration: .init(idleTimeout: .seconds(Int64(options.idleTimeout)))),
            configuration: .init(
                address: .hostname(options.host, port: options.port), serverName: nil,
                availableConnectionsDelegate: MaximumAvailableConnections(options.maximumConnections)),
            logger: logger)
    }

    /// Authentication, the feature right, CSRF, then the handler; errors become pages.
    func respond(_ route: Route, request: Request, context: WebContext) async throws -> Response {
        var request = request
        // Known before anything can fail, so that an error page keeps the user's menu and sign-out.
        var identity: Identity?
        var csrf = ""
        do {
            if route.isAPI {
                if let auth = request.headers[.authorization], auth.hasPrefix("Bearer ") {
                    identity = try accounts.identity(apiToken: String(auth.dropFirst("Bearer ".count)))
                }
            } else if let token = request.cookies[Self.sessionCookie]?.value,
                let (who, csrfToken) = try accounts.identity(sessionToken: token)
            {
                if sessionActivity.touch(token, now: now) {
                    identity = who
                    csrf = csrfToken
                } else {
                    try ledger.deleteSession(tokenHash: Accounts.digest(token))
                }
            }
            switch route.guardedBy {
            case .open: break
            case .signedIn:
                if identity == nil { throw WebError(.unauthorized, "Connexion requise.") }
            case .feature(let feature, let level):
                guard let identity else { throw WebError(.unauthorized, "Connexion requise.") }
                if !identity.can(feature, level) {
                    let readOnly = level == .write && identity.can(feature, .read)
                    throw WebError(
                        .forbidden,
                        readOnly
                            ? "Vous n'avez que la lecture sur « \(feature.title) »."
                            : "Vous n'avez pas accès à « \(feature.title) ».")
                }
            }
            if route.scope == .wholeCompany, let identity, !seesEveryClient(identity) {
                throw WebError(
                    .forbidden,
                    "Cette page couvre toute la société : elle est réservée aux utilisateurs qui voient tous les clients."
                )
            }
            var form = Form()
            if route.method == .post {
                let body = try await request.collectBody(upTo: 1 << 20)
                form = Form(encoded: String(buffer: body))
                if !route.isAPI && route.guardedBy != .open {
                    guard let sent = form["csrf"], !csrf.isEmpty, constantTimeEqual(sent, csrf) else {
                        throw WebError(
                            .forbidden,
                            "Le formulaire a expiré ou ne vient pas d'Ardoise (jeton CSRF) : rechargez la page.")
                    }
                }
            }
            let call = Call(
                request: request, parameters: context.parameters, identity: identity, csrf: csrf, form: form, app: self,
                address: callerAddress(request, peer: context.peerAddress))
            return try await route.handler(call)
        } catch let error as WebError {
            if error.status == .unauthorized && !route.isAPI {
                return Response(status: .seeOther, headers: [.location: "/connexion"])
            }
            return errorResponse(error, api: route.isAPI, identity: identity, csrf: csrf)
        } catch let error as UserInputError {
            return errorResponse(
                WebError(.unprocessableContent, error.message), api: route.isAPI, identity: identity, csrf: csrf)
        } catch let error as AmountRefusal {
            return errorResponse(
                WebError(.unprocessableContent, "Refusé : \(French.amountRefusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as ExportOverflow {
            return errorResponse(
                WebError(
                    .unprocessableContent,
                    "Refusé : un montant est hors de toute limite (\(error.what)) ; rien n'a été exporté."),
                api: route.isAPI, identity: identity, csrf: csrf)
        } catch let error as IssueRefusal {
            return errorResponse(
                WebError(.unprocessableContent, "Refusé : \(French.refusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as InvoiceError {
            return errorResponse(
                WebError(French.status(error), "Refusé : \(French.refusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as ClosingError {
            return errorResponse(
                WebError(French.status(error), "Refusé : \(French.refusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as WorkspaceError where error.reason != nil {
            return errorResponse(
                WebError(.unprocessableContent, "Refusé : \(French.refusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as UserError {
            return errorResponse(
                WebError(French.status(error), "Refusé : \(French.refusal(error))"), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch let error as HTTPResponseError where error.status == .contentTooLarge {
            // A body over the limit is the sender's doing: answered, not logged (a flood of them would fill the log).
            return errorResponse(
                WebError(.contentTooLarge, "Le formulaire envoyé est trop gros (1 Mo au plus)."), api: route.isAPI,
                identity: identity, csrf: csrf)
        } catch {
            // Never shown to the browser: it goes to the log only.
            logger.error("\(request.method) \(request.uri.path): \(String(reflecting: error))")
            return errorResponse(
                WebError(.internalServerError, "Une erreur interne est survenue ; elle a été consignée."),
                api: route.isAPI, identity: identity, csrf: csrf)
        }
    }

    /// The caller's address: the peer's, or behind a proxy the last `X-Forwarded-For` entry
    /// (earlier entries are whatever the client sent, and could be forged).
    func callerAddress(_ request: Request, peer: String?) -> String? {
        guard options.behindProxy else { return peer }
        guard let name = HTTPField.Name("X-Forwarded-For"), let forwarded = request.headers[values: name].last,
            let last = forwarded.split(separator: ",").last?.trimmingCharacters(in: .whitespaces), !last.isEmpty
        else { return peer }
        return last
    }

    /// The error as JSON (API) or as a French page; the page keeps the menu and sign-out of the user signed in.
    func errorResponse(_ error: WebError, api: Bool, identity: Identity? = nil, csrf: String = "") -> Response {
        if api { return json("{\"error\":\(jsonString(error.message))}", status: error.status) }
        let heading: String
        switch error.status {
        case .forbidden: heading = "Accès refusé"
        case .notFound: heading = "Introuvable"
        case .tooManyRequests: heading = "Trop de tentatives"
        case .internalServerError: heading = "Erreur"
        default: heading = "Action impossible"
        }
        let body = library.render(["heading": heading, "detail": error.message], withTemplate: "error") ?? ""
        return html(page(title: heading, content: body, identity: identity, csrf: csrf), status: error.status)
    }

    /// The layout around a page's content, with the menu of the features the user may read.
    func page(
        title: String, content: String, identity: Identity?, csrf: String, current: Feature? = nil,
        notice: String? = nil
    ) -> String {
        var context: [String: Any] = ["title": title, "content": content]
        if let notice { context["notice"] = notice }
        if let identity {
            let menu: [[String: Any]] = Feature.allCases.compactMap { f in
                guard identity.can(f, .read), let href = f.home else { return nil }
                // The closing covers the whole company: not offered to a user who sees some clients only.
                if f == .closing && !seesEveryClient(identity) { return nil }
                return ["href": href, "label": f.title, "feature": f.rawValue, "current": f == current]
            }
            context["user"] = ["menu": menu, "csrf": csrf, "name": identity.access.user.displayName] as [String: Any]
        }
        return library.render(context, withTemplate: "layout") ?? ""
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "text/html; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}

func json(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
    Response(
        status: status, headers: [.contentType: "application/json; charset=utf-8"],
        body: .init(byteBuffer: ByteBuffer(string: text)))
}

func redirect(_ location: String) -> Response {
    Response(status: .seeOther, headers: [.location: location])
}

/// A JSON string literal: the one writer the diagnostics' and the CLI's JSON use too.
func jsonString(_ s: String) -> String { JSON.string(s) }

func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8), y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var d: UInt8 = 0
    for i in x.indices { d |= x[i] ^ y[i] }
    return d == 0
}

/// Security headers on every response, the router's own 404 included, and
/// a French page instead of whatever an unexpected error would show.
struct Protection: RouterMiddleware {
    typealias Context = WebContext
    let app: WebApp

    static let headers: [(String, String)] = [
        (
            "Content-Security-Policy",
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        ),
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "same-origin"),
        ("Cache-Control", "no-store")
    ]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            let allowed = app.methods(allowedOn: request.uri.path)
            if allowed.isEmpty || allowed.contains(request.method) {
                response = app.errorResponse(WebError.notFound, api: request.uri.path.hasPrefix("/api/"))
            } else {
                response = app.errorResponse(
                    WebError(.methodNotAllowed, "Cette adresse ne répond pas à \(request.method.rawValue)."),
                    api: request.uri.path.hasPrefix("/api/"))
                response.headers[.allow] = allowed.map(\.rawValue).joined(separator: ", ")
            }
        } catch {
            app.logger.error("\(request.method) \(request.uri.path): \(String(reflecting: error))")
            response = app.errorResponse(
                WebError(.internalServerError, "Une erreur interne est survenue ; elle a été consignée."),
                api: request.uri.path.hasPrefix("/api/"))
        }
        for (name, value) in Self.headers {
            if let n = HTTPField.Name(name) { response.headers[n] = value }
        }
        return response
    }
}

/// Runs the server from synchronous code (the CLI's `run`), until it stops.
public enum WebServer {
    public static func runBlocking(_ app: WebApp) throws {
        final class Outcome: @unchecked Sendable { var error: (any Error)? }
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do { try await app.application().runService() } catch { outcome.error = error }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }
}
