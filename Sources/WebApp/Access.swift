import Foundation
import HummingbirdBcrypt
import Imports
import Ledger
import Synchronization

/// A feature of the web app; each has its own right per user.
public enum Feature: String, CaseIterable, Sendable {
    case dashboard, proformas, invoices, manual = "manual-invoices", unbilled, imports, clients, audit, users, exports,
        closing

    /// The French name shown in menus and on the users screen.
    public var title: String {
        switch self {
        case .dashboard: return "Tableau de bord"
        case .proformas: return "Proformas à contrôler"
        case .invoices: return "Factures et avoirs"
        case .manual: return "Factures manuelles"
        case .unbilled: return "Revenus non facturés"
        case .imports: return "Imports"
        case .clients: return "Clients et contrats"
        case .audit: return "Journal d'audit"
        case .users: return "Utilisateurs"
        case .exports: return "Exports"
        case .closing: return "Clôture"
        }
    }

    /// The page a menu entry opens; nil for features without a screen yet.
    public var home: String? {
        switch self {
        case .dashboard: return "/tableau-de-bord"
        case .proformas: return "/proformas"
        case .invoices: return "/factures"
        case .manual: return "/factures-manuelles"
        case .unbilled: return "/non-factures"
        case .imports: return "/imports"
        case .clients: return "/clients"
        case .audit: return "/audit"
        case .users: return "/utilisateurs"
        case .exports: return "/exports"
        case .closing: return "/cloture"
        }
    }
}

/// None, read or write: the level of a right, ordered.
public enum AccessLevel: Int, Comparable, Sendable, CaseIterable {
    case none = 0, read, write
    public static func < (a: AccessLevel, b: AccessLevel) -> Bool { a.rawValue < b.rawValue }
    public init?(name: String) {
        switch name {
        case "read": self = .read
        case "write": self = .write
        case "none": self = .none
        default: return nil
        }
    }
    public var name: String { ["none", "read", "write"][rawValue] }
}

/// Who is calling, and what they may see and do.
public struct Identity: Sendable {
    public var access: UserAccess
    public var login: String { access.user.login }
    public var isAdmin: Bool { access.user.admin }

    public init(access: UserAccess) { self.access = access }

    /// An administrator has every right on every client.
    public func level(_ feature: Feature) -> AccessLevel {
        if isAdmin { return .write }
        return access.rights[feature.rawValue].flatMap { AccessLevel(name: $0) } ?? .none
    }
    public func can(_ feature: Feature, _ level: AccessLevel) -> Bool { self.level(feature) >= level }

    /// Whether the user may see this client's documents and figures.
    public func sees(client: String) -> Bool {
        if isAdmin { return true }
        guard let clients = access.clients else { return true }
        return clients.contains(client)
    }
}

/// Users, passwords and tokens over the ledger: what `ardoise users` and the
/// web app share. Passwords are bcrypt hashes; session and API tokens are
/// random and stored as their SHA-256, so a copy of the ledger opens nothing.
public struct Accounts: Sendable {
    public let ledger: LedgerDatabase
    /// bcrypt's cost (log2 rounds): 12 in production; tests lower it.
    public let cost: UInt8

    public init(ledger: LedgerDatabase, cost: UInt8 = 12) {
        self.ledger = ledger
        self.cost = cost
    }

    public static let throttleWindow: TimeInterval = 15 * 60
    /// Failures of one login within the window (since its last success) before it is refused without checking.
    public static let throttleFailures = 5
    /// Failures from one address within the window, whatever the logins, before it is refused without checking:
    /// higher than per login, since an office behind one address has many users who mistype.
    public static let throttleFailuresPerAddress = 20

    public func hash(password: String) -> String { Bcrypt.hash(password, cost: cost) }

    /// A new random token: 32 bytes from the system's secure generator, in hex.
    public static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: .min ... .max, using: &g)) }.joined()
    }

    public static func digest(_ token: String) -> String { ContentHash.sha256(Array(token.utf8)) }

    public func addUser(login: String, name: String, password: String?, admin: Bool, actor: String) throws -> AppUser {
        guard Accounts.validLogin(login) else {
            throw UserInputError("`\(login)`: a login is letters, digits, `.`, `-` or `_`")
        }
        return try ledger.addUser(
            login: login, displayName: name, passwordHash: password.map(hash) ?? "", admin: admin, actor: actor)
    }

    public static func validLogin(_ login: String) -> Bool {
        !login.isEmpty && login.count <= 64
            && login.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) }
    }

    /// Prints once, stores only the hash.
    public func newAPIToken(login: String, actor: String) throws -> String {
        let token = "ard_" + Accounts.randomToken()
        try ledger.addAPIToken(login: login, tokenHash: Accounts.digest(token), actor: actor)
        return token
    }

    public enum LoginOutcome: Sendable, Equatable {
        case success(Identity)
        case refused
        /// Too many failures for this login.
        case throttled
        /// Too many failures from this address, over any logins.
        case throttledAddress

        public static func == (a: LoginOutcome, b: LoginOutcome) -> Bool {
            switch (a, b) {
            case (.success(let x), .success(let y)): return x.login == y.login
            case (.refused, .refused), (.throttled, .throttled), (.throttledAddress, .throttledAddress): return true
            default: return false
            }
        }
    }

    /// Checks a password, counting failures: after `throttleFailures` failures of a login, or
    /// `throttleFailuresPerAddress` failures from an address (nil: unknown, not counted), within
    /// `throttleWindow`, the attempt is refused without checking (and counted).
    public func login(_ login: String, password: String, address: String? = nil, now: Date = Date()) throws
        -> LoginOutcome
    {
        let since = now.addingTimeInterval(-Accounts.throttleWindow)
        if let address, try ledger.failedLogins(address: address, since: since) >= Accounts.throttleFailuresPerAddress {
            try ledger.recordLoginAttempt(login: login, address: address, succeeded: false, at: now)
            return .throttledAddress
        }
        if try ledger.failedLogins(login: login, since: since) >= Accounts.throttleFailures {
            try ledger.recordLoginAttempt(login: login, address: address, succeeded: false, at: now)
            return .throttled
        }
        let user = try ledger.user(login: login)
        // A hash is checked even for an unknown login, so timing does not tell which logins exist.
        // The decoy has the cost of real hashes, so an unknown login (or a user without a password) costs the same.
        let decoy = decoyHash
        let stored = user.flatMap { $0.passwordHash.isEmpty ? nil : $0.passwordHash } ?? decoy
        let ok = Bcrypt.verify(password, hash: stored) && user?.active == true && stored != decoy
        try ledger.recordLoginAttempt(login: login, address: address, succeeded: ok, at: now)
        guard ok, let id = user?.id, let access = try ledger.access(userID: id) else { return .refused }
        return .success(Identity(access: access))
    }

    /// A bcrypt hash of a random password nobody knows, at this instance's cost, checked for unknown logins.
    /// Made once per cost (a hash at cost 12 takes a quarter of a second).
    public var decoyHash: String {
        Accounts.decoys.withLock { decoys in
            if let known = decoys[cost] { return known }
            let made = Bcrypt.hash(Accounts.randomToken(), cost: cost)
            decoys[cost] = made
            return made
        }
    }
    private static let decoys = Mutex<[UInt8: String]>([:])

    public struct NewSession: Sendable {
        public var token: String
        public var csrf: String
    }

    public func openSession(userID: Int64, lifetime: TimeInterval, now: Date = Date()) throws -> NewSession {
        let token = Accounts.randomToken(), csrf = Accounts.randomToken()
        try ledger.createSession(
            tokenHash: Accounts.digest(token), userID: userID, csrfToken: csrf,
            expiresAt: now.addingTimeInterval(lifetime))
        return NewSession(token: token, csrf: csrf)
    }

    /// The active user of a session cookie, with the session's CSRF token.
    public func identity(sessionToken: String, now: Date = Date()) throws -> (Identity, String)? {
        guard let s = try ledger.session(tokenHash: Accounts.digest(sessionToken), now: now),
            let access = try ledger.access(userID: s.userID), access.user.active
        else { return nil }
        return (Identity(access: access), s.csrfToken)
    }

    public func identity(apiToken: String) throws -> Identity? {
        guard let id = try ledger.userID(apiTokenHash: Accounts.digest(apiToken)),
            let access = try ledger.access(userID: id), access.user.active
        else { return nil }
        return Identity(access: access)
    }
}

/// A wrong value typed by a person (CLI or form): exit 2 or a 422 page.
public struct UserInputError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
