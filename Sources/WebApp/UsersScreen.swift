import BillingEngine
import BillingModel
import ContractLanguage
import Dashboards
import Foundation
import Hummingbird
import Ledger
import Settings
import Workspace

/// Utilisateurs: the users, their rights and scope.
extension WebApp {
    // MARK: users

    func usersPage(_ call: Call) throws -> Response {
        let user = try call.user
        let users: [[String: Any]] = try ledger.users().compactMap { u in
            guard let id = u.id, let a = try ledger.access(userID: id) else { return nil }
            let rights =
                u.admin
                ? "administrateur (tous les droits)"
                : Feature.allCases.compactMap { f in
                    a.rights[f.rawValue].map { "\(f.title) : \($0 == "write" ? "écriture" : "lecture")" }
                }
                .joined(separator: " ; ")
            return [
                "login": u.login, "name": u.displayName, "status": u.active ? "actif" : "désactivé",
                "rights": rights.isEmpty ? "aucun" : rights,
                "scope": a.clients.map { $0.sorted().joined(separator: ", ") } ?? "tous",
                "canWrite": user.can(.users, .write), "csrf": call.csrf,
                "toggle": u.active ? "0" : "1", "toggleLabel": u.active ? "Désactiver" : "Réactiver",
                "features": Feature.allCases.map { ["value": $0.rawValue, "text": $0.title] }
            ]
        }
        let context: [String: Any] = ["users": users, "canWrite": user.can(.users, .write), "csrf": call.csrf]
        return html(
            page(
                title: "Utilisateurs", content: render("users", context), identity: user, csrf: call.csrf,
                current: .users,
                notice: notice(call)))
    }

    func createUser(_ call: Call) throws -> Response {
        let user = try call.user
        guard let login = call.form.trimmed("login"), let name = call.form.trimmed("nom") else {
            throw UserInputError("Indiquez l'identifiant et le nom.")
        }
        guard let password = call.form["password"], password.count >= 10 else {
            throw UserInputError("Le mot de passe doit faire au moins 10 caractères.")
        }
        guard Accounts.validLogin(login) else {
            throw UserInputError(
                "L'identifiant « \(login) » ne peut contenir que des lettres, des chiffres, « . », « - » ou « _ » (64 au plus)."
            )
        }
        let admin = call.form["admin"] == "1", policy = UserAdministration(actor: user)
        try policy.checkCreate(admin: admin)
        _ = try accounts.addUser(login: login, name: name, password: password, admin: admin, actor: user.login)
        if let clients = policy.clientsOfNewUser {
            try ledger.setScope(login: login, clients: clients, actor: user.login)
        }
        return redirect("/utilisateurs?fait=utilisateur")
    }

    func setRights(_ call: Call) throws -> Response {
        let user = try call.user
        let login = try call.parameter("login"), policy = UserAdministration(actor: user)
        try policy.checkManage(try target(login))
        if let f = call.form.trimmed("fonction") {
            guard let feature = Feature(rawValue: f), let level = AccessLevel(name: call.form["niveau"] ?? "") else {
                throw UserInputError("Fonction ou niveau inconnu.")
            }
            try policy.checkGrant(feature, level)
            try ledger.setRight(
                login: login, feature: feature.rawValue, level: level == .none ? nil : level.name, actor: user.login)
        }
        if let clients = call.form.trimmed("clients") {
            let codes = clients.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            let scope = clients == "*" ? nil : codes
            for code in codes where clients != "*" && workspace.settings.client(code) == nil {
                throw UserInputError("« \(code) » n'est pas un client des paramètres.")
            }
            try policy.checkScope(scope)
            try ledger.setScope(login: login, clients: scope, actor: user.login)
        }
        return redirect("/utilisateurs?fait=droits")
    }

    func setActivation(_ call: Call) throws -> Response {
        let user = try call.user
        let login = try call.parameter("login")
        if login == user.login && call.form["actif"] != "1" {
            throw UserInputError("Vous ne pouvez pas vous désactiver vous-même.")
        }
        try UserAdministration(actor: user).checkManage(try target(login))
        do {
            try ledger.setActive(login: login, active: call.form["actif"] == "1", actor: user.login)
        } catch UserError.lastAdministrator {
            throw UserInputError("C'est le dernier administrateur actif : il ne peut pas être désactivé.")
        }
        return redirect("/utilisateurs?fait=activation")
    }

    /// The user a users-screen form acts on, with their rights and clients.
    private func target(_ login: String) throws -> UserAccess {
        guard let u = try ledger.user(login: login), let id = u.id, let access = try ledger.access(userID: id) else {
            throw WebError.notFound
        }
        return access
    }
}
