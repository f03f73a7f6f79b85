import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Connexion: the sign-in form, signing in and out.
extension WebApp {
    // MARK: sign in and out

    func loginPage(_ call: Call, failed: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let token = signInToken.make()
        var context: [String: Any] = ["csrf": token]
        if let failed { context["failed"] = failed }
        var response = html(
            page(title: "Connexion", content: render("login", context), identity: nil, csrf: ""), status: status)
        response.setCookie(
            Cookie(
                name: Self.loginCookie, value: token, path: "/connexion", secure: options.secureCookies,
                httpOnly: true, sameSite: .strict))
        return response
    }

    func login(_ call: Call) throws -> Response {
        // The login form carries the value of its own cookie (double submit), and that value is one this server made
        // (signed): a form posted from elsewhere has neither, and a cookie planted with any value equal to the field fails.
        guard let sent = call.form["csrf"], let cookie = call.request.cookies[Self.loginCookie]?.value,
            constantTimeEqual(sent, cookie),
            signInToken.isGenuine(sent)
        else {
            return try loginPage(call, failed: "Le formulaire a expiré : veuillez recommencer.", status: .forbidden)
        }
        let login = call.form.trimmed("login") ?? ""
        switch try accounts.login(login, password: call.form["password"] ?? "", address: call.address) {
        case .throttled:
            return try loginPage(
                call, failed: "Trop de tentatives pour cet identifiant : réessayez dans 15 minutes.",
                status: .tooManyRequests)
        case .throttledAddress:
            return try loginPage(
                call, failed: "Trop de tentatives depuis votre adresse : réessayez dans 15 minutes.",
                status: .tooManyRequests)
        case .refused:
            return try loginPage(call, failed: "Identifiant ou mot de passe incorrect.", status: .unauthorized)
        case .success(let identity):
            guard let id = identity.access.user.id else { throw WebError(.internalServerError, "utilisateur sans id") }
            let session = try accounts.openSession(userID: id, lifetime: options.sessionLifetime)
            try ledger.audit(actor: identity.login, action: "sign in", AuditParameters(["via": .text("web")]))
            var response = redirect("/")
            response.setCookie(sessionCookie(session.token, maxAge: Int(options.sessionLifetime)))
            return response
        }
    }

    func sessionCookie(_ value: String, maxAge: Int) -> Cookie {
        Cookie(
            name: Self.sessionCookie, value: value, maxAge: maxAge, path: "/", secure: options.secureCookies,
            httpOnly: true, sameSite: .strict)
    }

    func logout(_ call: Call) throws -> Response {
        if let token = call.request.cookies[Self.sessionCookie]?.value {
            try ledger.deleteSession(tokenHash: Accounts.digest(token))
            sessionActivity.forget(token)
        }
        var response = redirect("/connexion")
        response.setCookie(sessionCookie("", maxAge: 0))
        return response
    }
}
