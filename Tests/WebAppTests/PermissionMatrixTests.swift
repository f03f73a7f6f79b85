import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// Every route of the table × right none/read/write on its feature × client in or out of the user's scope.
@Suite(.serialized) struct PermissionMatrixTests {
    /// The request the matrix sends to each route (beyond the path's parameters). A route of the table
    /// without an entry here fails the test: a new route is never left out of the matrix.
    static func sample(_ route: Route, _ f: Fixture) -> [(String, String)]? {
        switch "\(route.method) \(route.path)" {
        case "GET /static/style.css", "GET /connexion", "GET /", "GET /tableau-de-bord", "GET /proformas",
            "GET /proformas/:id",
            "GET /factures", "GET /factures/:id", "GET /factures/:id/pdf", "GET /factures/:id/xml",
            "GET /factures-manuelles",
            "GET /imports", "GET /clients", "GET /clients/:code", "GET /audit", "GET /utilisateurs",
            "GET /api/v1/documents", "GET /api/v1/documents/:id", "GET /api/v1/documents/:id/pdf",
            "GET /api/v1/documents/:id/xml",
            "GET /api/v1/revenue", "GET /exports", "GET /exports/:kind", "GET /exports/fec", "GET /exports/ecritures",
            "GET /cloture",
            "GET /paiements":
            return []
        case "GET /non-factures": return []
        case "POST /connexion": return [("login", "x"), ("password", "y")]
        case "POST /deconnexion": return []
        case "POST /proformas/:id/lignes": return [("position", "1"), ("quantite", "2"), ("motif", "matrice")]
        case "POST /proformas/:id/ecarter": return [("motif", "matrice")]
        case "POST /proformas/valider": return [("id", String(f.proforma))]
        case "POST /factures/:id/avoir": return [("ligne", "1"), ("montant-1", "1.00"), ("motif", "matrice")]
        case "POST /factures-manuelles":
            return [
                ("type", "invoice"), ("client", f.clientIn), ("periode", "2026-10"), ("libelle-1", "Prestation"),
                ("quantite-1", "1"), ("prix-1", "10.00"), ("tva-1", "20"), ("motif", "matrice")
            ]
        case "POST /utilisateurs":
            return [("login", "nouveau\(UUID().uuidString.prefix(6))"), ("nom", "N"), ("password", "0123456789ab")]
        // A right the acting user holds (users: write), given to a user who sees no client: no escalation, so it succeeds.
        case "POST /utilisateurs/:login/droits": return [("fonction", "users"), ("niveau", "read")]
        case "POST /utilisateurs/:login/activation": return [("actif", "1")]
        case "POST /api/v1/proformas/:id/validate": return []
        // Checks fail (proformas wait) and no reason is given: refused, nothing closed, so the other routes still work.
        case "POST /cloture": return [("mois", "2026-10")]
        // Posting the entries issued documents lack: none lack any, so it succeeds and changes nothing.
        case "POST /cloture/actions": return [("mois", "2026-10"), ("action", "ecritures")]
        default: return nil
        }
    }

    static func path(_ route: Route, _ f: Fixture) -> String {
        let document =
            route.path.hasSuffix("/ecarter")
            ? f.spare[0]
            : route.path.hasSuffix("/validate")
                ? f.spare[1]
                : route.path.contains("proformas") ? f.proforma : f.issued
        return route.path.replacingOccurrences(of: ":id", with: String(document))
            .replacingOccurrences(of: ":code", with: f.clientIn)
            .replacingOccurrences(of: ":login", with: "cible")
            .replacingOccurrences(of: ":kind", with: "restaurants")
    }

    @Test func everyRouteAnswersEachRightAndScopeAsTheTableSays() async throws {
        let f = try Fixture()
        _ = try f.user("cible", clients: [])
        var made: [String: TestUser] = [:]
        for feature in Feature.allCases {
            for level in AccessLevel.allCases {
                for inScope in [true, false] {
                    let login = "m-\(feature.rawValue)-\(level.name)-\(inScope ? "in" : "out")"
                    made[login] = try f.user(
                        login, rights: [(feature, level)], clients: [inScope ? f.clientIn : f.clientOut])
                }
                made["m-\(feature.rawValue)-\(level.name)-all"] = try f.user(
                    "m-\(feature.rawValue)-\(level.name)-all", rights: [(feature, level)])
            }
        }
        let users = made
        let routes = f.app.routes
        #expect(
            Set(routes.map { "\($0.method) \($0.path)" }).count == routes.count, "a route appears twice in the table")
        try await f.app.application().test(.router) { client in
            var cells = 0
            var succeeded: Set<String> = []
            for route in routes {
                guard let form = Self.sample(route, f) else {
                    Issue.record("route \(route.method) \(route.path) has no entry in the permission matrix")
                    continue
                }
                guard case .feature(let feature, let needed) = route.guardedBy else { continue }
                // Without credentials: the login page (web) or 401 (API), never the content.
                let anonymous = try await send(client, route.method, Self.path(route, f), form: form)
                #expect(
                    anonymous.status == (route.isAPI ? .unauthorized : .seeOther),
                    "\(route.method) \(route.path) anonymous")
                for level in AccessLevel.allCases {
                    for inScope in [true, false] {
                        let user = try #require(users["m-\(feature.rawValue)-\(level.name)-\(inScope ? "in" : "out")"])
                        var fields = form
                        if route.method == .post && route.path == "/utilisateurs" { fields[0].1 = "n\(cells)" }
                        let response = try await send(client, route.method, Self.path(route, f), as: user, form: fields)
                        let what =
                            "\(route.method) \(route.path) as \(feature.rawValue)=\(level.name) \(inScope ? "in" : "out of") scope"
                        if level < needed {
                            #expect(response.status == .forbidden, "\(what): \(response.status)")
                        } else if route.scope == .wholeCompany {
                            #expect(
                                response.status == .forbidden,
                                "\(what): the whole company's books to a scoped user: \(response.status)")
                        } else if route.scope != .none && !inScope {
                            #expect(response.status == .notFound, "\(what): \(response.status)")
                            #expect(!response.text.contains(f.clientIn), "\(what): the 404 names the client")
                        } else {
                            #expect(
                                ![.unauthorized, .forbidden, .notFound].contains(response.status)
                                    && response.status.code < 500,
                                "\(what): \(response.status) \(response.text.prefix(300))")
                            if response.status.code < 400 { succeeded.insert("\(route.method) \(route.path)") }
                        }
                        cells += 1
                    }
                }
                // Whole-company routes: a user who sees every client, at each level.
                if route.scope == .wholeCompany {
                    for level in AccessLevel.allCases {
                        let user = try #require(users["m-\(feature.rawValue)-\(level.name)-all"])
                        let response = try await send(client, route.method, Self.path(route, f), as: user, form: form)
                        let what = "\(route.method) \(route.path) as \(feature.rawValue)=\(level.name) on every client"
                        if level < needed {
                            #expect(response.status == .forbidden, "\(what): \(response.status)")
                        } else {
                            #expect(
                                ![.unauthorized, .forbidden, .notFound].contains(response.status)
                                    && response.status.code < 500,
                                "\(what): \(response.status) \(response.text.prefix(300))")
                            if response.status.code < 400 { succeeded.insert("\(route.method) \(route.path)") }
                        }
                    }
                }
            }
            // Each route did its work at least once for a user allowed to (a write is not just refused for another reason).
            for route in routes where route.guardedBy != .open && route.guardedBy != .signedIn {
                #expect(
                    succeeded.contains("\(route.method) \(route.path)"), "\(route.method) \(route.path) never succeeded"
                )
            }
            #expect(
                cells == routes.filter { if case .feature = $0.guardedBy { return true } else { return false } }.count
                    * 6)
        }
    }

    @Test func aUserWithTheRightOfAnotherFeatureIsRefusedEverywhereElse() async throws {
        let f = try Fixture()
        let auditor = try f.user("auditeur", rights: [(.audit, .write)])
        try await f.app.application().test(.router) { client in
            for route in f.app.routes {
                guard case .feature(let feature, _) = route.guardedBy, feature != .audit,
                    let form = Self.sample(route, f)
                else { continue }
                let response = try await send(client, route.method, Self.path(route, f), as: auditor, form: form)
                #expect(response.status == .forbidden, "\(route.method) \(route.path): \(response.status)")
            }
        }
    }
}
