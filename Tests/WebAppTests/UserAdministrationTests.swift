import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp

/// A user who may manage users (`users: write`) never reaches past their own rights and clients, and the
/// company always keeps an administrator.
@Suite(.serialized) struct UserAdministrationTests {
    @Test func aUserManagerCannotCreateAnAdministratorNorGiveMoreThanTheyHave() async throws {
        let f = try Fixture()
        let admin = try f.user("patronne", admin: true)
        let manager = try f.user("gestion", rights: [(.users, .write), (.invoices, .read)], clients: [f.clientIn])
        _ = try f.user("collegue", clients: [f.clientIn])
        _ = try f.user("autre", clients: [f.clientOut])
        try await f.app.application().test(.router) { client in
            // An administrator, created by someone who is not one: refused, nobody created.
            let escalate = try await send(
                client, .post, "/utilisateurs", as: manager,
                form: [("login", "intrus"), ("nom", "Intrus"), ("password", "0123456789ab"), ("admin", "1")])
            #expect(escalate.status == .forbidden)
            #expect(escalate.text.contains("Seul un administrateur peut créer un administrateur"))
            #expect(try f.ledger.user(login: "intrus") == nil)

            // A plain user created by a scoped manager sees only the manager's clients.
            let plain = try await send(
                client, .post, "/utilisateurs", as: manager,
                form: [("login", "stagiaire"), ("nom", "Stagiaire"), ("password", "0123456789ab")])
            #expect(plain.status == .seeOther)
            let made = try #require(try f.ledger.user(login: "stagiaire"))
            #expect(try f.ledger.access(userID: made.id ?? 0)?.clients == [f.clientIn])

            // Rights: at most the manager's own level, on features the manager holds.
            for (feature, level) in [("users", "write"), ("invoices", "read")] {
                let r = try await send(
                    client, .post, "/utilisateurs/collegue/droits", as: manager,
                    form: [("fonction", feature), ("niveau", level)])
                #expect(r.status == .seeOther, "\(feature) \(level): \(r.status)")
            }
            for (feature, level) in [("invoices", "write"), ("closing", "read"), ("audit", "read")] {
                let r = try await send(
                    client, .post, "/utilisateurs/gestion/droits", as: manager,
                    form: [("fonction", feature), ("niveau", level)])
                #expect(r.status == .forbidden, "\(feature) \(level) to oneself: \(r.status)")
                #expect(r.text.contains("plus que vos propres droits"))
            }
            #expect(
                try f.ledger.access(userID: try #require(f.ledger.user(login: "gestion")?.id))?.rights["invoices"]
                    == "read")

            // Clients: only within the manager's own; every client ("*") is refused.
            for clients in ["*", "\(f.clientIn),\(f.clientOut)"] {
                let r = try await send(
                    client, .post, "/utilisateurs/gestion/droits", as: manager, form: [("clients", clients)])
                #expect(r.status == .forbidden, "clients \(clients): \(r.status)")
            }
            #expect(
                try f.ledger.access(userID: try #require(f.ledger.user(login: "gestion")?.id))?.clients == [f.clientIn])

            // A user who sees other clients, and an administrator, are out of the manager's hands.
            for target in ["autre", "patronne"] {
                let rights = try await send(
                    client, .post, "/utilisateurs/\(target)/droits", as: manager,
                    form: [("fonction", "users"), ("niveau", "read")])
                #expect(rights.status == .forbidden, "rights of \(target): \(rights.status)")
                let off = try await send(
                    client, .post, "/utilisateurs/\(target)/activation", as: manager, form: [("actif", "0")])
                #expect(off.status == .forbidden, "disabling \(target): \(off.status)")
            }
            #expect(try f.ledger.user(login: "patronne")?.active == true)
            #expect(try f.ledger.user(login: "autre")?.active == true)

            // The administrator does all of it.
            let promote = try await send(
                client, .post, "/utilisateurs", as: admin,
                form: [("login", "adjointe"), ("nom", "Adjointe"), ("password", "0123456789ab"), ("admin", "1")])
            #expect(promote.status == .seeOther)
            #expect(try f.ledger.user(login: "adjointe")?.admin == true)
        }
    }

    @Test func theLastActiveAdministratorIsNeverDisabled() async throws {
        let f = try Fixture()
        let first = try f.user("premiere", admin: true)
        _ = try f.user("seconde", admin: true)
        try await f.app.application().test(.router) { client in
            let off = try await send(
                client, .post, "/utilisateurs/seconde/activation", as: first, form: [("actif", "0")])
            #expect(off.status == .seeOther)
            #expect(try f.ledger.user(login: "seconde")?.active == false)
        }
        // "premiere" is now the only active administrator: neither the web app nor the CLI's ledger call disables her.
        #expect(throws: UserError.self) { try f.ledger.setActive(login: "premiere", active: false, actor: "test") }
        #expect(try f.ledger.user(login: "premiere")?.active == true)
    }

    @Test func aSignInCostsTheSameForAnUnknownLoginAsForAWrongPassword() throws {
        let f = try Fixture()
        _ = try f.user("connu", password: "0123456789ab")
        _ = try f.user("sans-mot-de-passe")
        // The decoy checked for an unknown login (or a user without password) is a hash of the real cost:
        // bcrypt's cost is written in the hash (`$2b$04$…` here, the tests' cost), so compare the prefixes.
        let real = try #require(try f.ledger.user(login: "connu")?.passwordHash)
        let decoy = f.accounts.decoyHash
        #expect(decoy.prefix(7) == real.prefix(7), "decoy \(decoy.prefix(7)) vs real \(real.prefix(7))")
        for login in ["inconnu", "sans-mot-de-passe", "connu"] {
            #expect(try f.accounts.login(login, password: "mauvais-mot-de-passe") == .refused)
        }
    }
}
