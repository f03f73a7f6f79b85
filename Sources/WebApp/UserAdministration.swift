import Ledger

/// Who may change which user, and how far: the `users: write` right lets a person manage the
/// accounts of their own team, never reach past their own rights and clients.
///
/// - Only an administrator creates an administrator, or changes, disables or re-enables one.
/// - Anyone else grants at most the level they hold themselves on each feature, and manages only
///   users whose clients are within their own (a new user starts with the creator's clients).
/// - The last active administrator is never disabled (the ledger refuses it for the CLI too).
struct UserAdministration {
    let actor: Identity

    /// The clients a user created by `actor` starts with: the actor's own (nil: every client).
    var clientsOfNewUser: [String]? {
        actor.isAdmin ? nil : actor.access.clients.map { $0.sorted() }
    }

    func checkCreate(admin: Bool) throws {
        if admin && !actor.isAdmin {
            throw WebError(.forbidden, "Seul un administrateur peut créer un administrateur.")
        }
    }

    /// Whether `actor` may change anything of `target`.
    func checkManage(_ target: UserAccess) throws {
        if actor.isAdmin { return }
        if target.user.admin {
            throw WebError(.forbidden, "Seul un administrateur peut modifier ou désactiver un administrateur.")
        }
        if !within(target.clients) {
            throw WebError(
                .forbidden,
                "Cet utilisateur voit des clients que vous ne voyez pas : seul un administrateur peut le modifier.")
        }
    }

    func checkGrant(_ feature: Feature, _ level: AccessLevel) throws {
        if actor.isAdmin || level <= actor.level(feature) { return }
        throw WebError(.forbidden, "Vous ne pouvez pas accorder sur « \(feature.title) » plus que vos propres droits.")
    }

    /// `clients` nil: every client.
    func checkScope(_ clients: [String]?) throws {
        if actor.isAdmin || within(clients.map(Set.init)) { return }
        throw WebError(.forbidden, "Vous ne pouvez donner accès qu'aux clients que vous voyez vous-même.")
    }

    /// Whether a set of clients (nil: all) lies within the actor's own.
    private func within(_ clients: Set<String>?) -> Bool {
        guard let own = actor.access.clients else { return true }
        guard let clients else { return false }
        return clients.isSubset(of: own)
    }
}
