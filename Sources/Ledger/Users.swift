import Foundation
import GRDB

/// A person who signs in to the web app or calls its API (table `app_user`).
public struct AppUser: Codable, Sendable, Hashable, FetchableRecord, MutablePersistableRecord {
    public var id: Int64?
    public var login: String
    public var displayName: String
    /// bcrypt hash; empty when no password was set (API token only).
    public var passwordHash: String
    public var active: Bool
    public var admin: Bool
    /// Whether the user sees every client; otherwise only those of `user_client`.
    public var allClients: Bool
    public var createdAt: String

    public static let databaseTableName = "app_user"
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase
    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A user with the rights and the client scope that decide what they see.
public struct UserAccess: Sendable, Hashable {
    public var user: AppUser
    /// Feature name → "read" or "write" (absent: none).
    public var rights: [String: String]
    /// The client codes the user may see; nil: all clients.
    public var clients: Set<String>?
}

/// A web session: the cookie's token is random, only its hash is stored.
public struct SessionRecord: Sendable, Hashable {
    public var userID: Int64
    public var csrfToken: String
    public var expiresAt: String
}

public enum UserError: Error, CustomStringConvertible, Sendable {
    case unknownUser(String)
    case duplicate(String)
    /// Disabling the last active administrator would leave nobody able to manage users.
    case lastAdministrator(String)
    public var description: String {
        switch self {
        case .lastAdministrator(let l): return "`\(l)` is the last active administrator: it cannot be disabled"
        case .unknownUser(let l): return "no user `\(l)` (see `ardoise users list`)"
        case .duplicate(let l): return "a user `\(l)` already exists"
        }
    }
}

extension Schema {
    /// "v10 users and permissions": the web app's users, their rights per
    /// feature and client scope, sessions and API tokens (hashed), and the
    /// login attempts used to throttle password guessing.
    static func registerUsers(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10 users and permissions") { db in
            try db.execute(
                sql: """
                    CREATE TABLE app_user (
                      id INTEGER PRIMARY KEY,
                      login TEXT NOT NULL UNIQUE CHECK (login <> ''),
                      display_name TEXT NOT NULL,
                      password_hash TEXT NOT NULL DEFAULT '',
                      active INTEGER NOT NULL DEFAULT 1,
                      admin INTEGER NOT NULL DEFAULT 0,
                      all_clients INTEGER NOT NULL DEFAULT 1,
                      created_at TEXT NOT NULL
                    );
                    CREATE TABLE user_right (
                      user_id INTEGER NOT NULL REFERENCES app_user(id),
                      feature TEXT NOT NULL,
                      level TEXT NOT NULL CHECK (level IN ('read', 'write')),
                      PRIMARY KEY (user_id, feature)
                    ) WITHOUT ROWID;
                    CREATE TABLE user_client (
                      user_id INTEGER NOT NULL REFERENCES app_user(id),
                      client TEXT NOT NULL,
                      PRIMARY KEY (user_id, client)
                    ) WITHOUT ROWID;
                    CREATE TABLE web_session (
                      token_hash TEXT PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES app_user(id),
                      csrf_token TEXT NOT NULL,
                      created_at TEXT NOT NULL,
                      expires_at TEXT NOT NULL
                    );
                    CREATE INDEX web_session_user ON web_session(user_id);
                    CREATE TABLE api_token (
                      token_hash TEXT PRIMARY KEY,
                      user_id INTEGER NOT NULL REFERENCES app_user(id),
                      created_at TEXT NOT NULL,
                      revoked INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE TABLE login_attempt (
                      login TEXT NOT NULL,
                      at TEXT NOT NULL,
                      succeeded INTEGER NOT NULL
                    );
                    CREATE INDEX login_attempt_login ON login_attempt(login, at);
                    """)
        }
    }

    /// "v14 login attempt address": the address each sign-in attempt came
    /// from, so that guessing spread over many logins from one address is
    /// throttled too. Attempts before it have none (NULL).
    static func registerLoginAddresses(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v14 login attempt address") { db in
            try db.execute(
                sql: """
                    ALTER TABLE login_attempt ADD COLUMN address TEXT;
                    CREATE INDEX login_attempt_address ON login_attempt(address, at);
                    """)
        }
    }
}

extension LedgerDatabase {
    public func addUser(login: String, displayName: String, passwordHash: String, admin: Bool, actor: String) throws
        -> AppUser
    {
        try engine.write { db in
            if try findUser(db, login) != nil { throw UserError.duplicate(login) }
            var user = AppUser(
                id: nil, login: login, displayName: displayName, passwordHash: passwordHash, active: true,
                admin: admin, allClients: true, createdAt: LedgerDatabase.timestamp())
            user.id = try db.insert(user)
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor, action: "user add", invoiceID: nil,
                AuditParameters(["login": .text(login), "name": .text(displayName), "admin": .of(admin)]))
            return user
        }
    }

    public func user(login: String) throws -> AppUser? {
        try engine.read { db in try findUser(db, login) }
    }

    public func users() throws -> [AppUser] {
        // In code-point order on both engines (PostgreSQL would otherwise follow the database's collation).
        try engine.read { db in
            try db.fetchRecords(
                AppUser.self,
                sql: "SELECT * FROM app_user ORDER BY login\(db.sql(sqlite: "", postgres: " COLLATE \"C\""))")
        }
    }

    private func findUser(_ db: any SQLSession, _ login: String) throws -> AppUser? {
        try db.fetchRecord(AppUser.self, sql: "SELECT * FROM app_user WHERE login = ?", arguments: [login])
    }

    private func requireUser(_ db: any SQLSession, _ login: String) throws -> (user: AppUser, id: Int64) {
        guard let u = try findUser(db, login), let id = u.id else { throw UserError.unknownUser(login) }
        return (u, id)
    }

    /// Sets a feature's level: "read", "write", or nil (none).
    public func setRight(login: String, feature: String, level: String?, actor: String) throws {
        try engine.write { db in
            let (_, id) = try requireUser(db, login)
            try db.execute(sql: "DELETE FROM user_right WHERE user_id = ? AND feature = ?", arguments: [id, feature])
            if let level {
                try db.execute(
                    sql: "INSERT INTO user_right(user_id, feature, level) VALUES (?, ?, ?)",
                    arguments: [id, feature, level])
            }
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor,
                action: level == nil ? "user revoke" : "user grant", invoiceID: nil,
                AuditParameters([
                    "login": .text(login), "feature": .text("\(feature)"), "level": .of(level.map { "\($0)" })
                ]))
        }
    }

    /// The clients a user may see: nil for all.
    public func setScope(login: String, clients: [String]?, actor: String) throws {
        try engine.write { db in
            let (_, id) = try requireUser(db, login)
            try db.execute(sql: "DELETE FROM user_client WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "UPDATE app_user SET all_clients = ? WHERE id = ?", arguments: [clients == nil, id])
            for c in clients ?? [] {
                try db.execute(
                    sql: "INSERT INTO user_client(user_id, client) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    arguments: [id, c])
            }
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor, action: "user scope", invoiceID: nil,
                AuditParameters(["login": .text(login), "clients": clients.map { .list($0) }]))
        }
    }

    public func setActive(login: String, active: Bool, actor: String) throws {
        try engine.write { db in
            let (u, id) = try requireUser(db, login)
            if !active && u.admin && u.active {
                let others =
                    try db.fetchValue(
                        Int.self, sql: "SELECT count(*) FROM app_user WHERE admin = 1 AND active = 1 AND id <> ?",
                        arguments: [id]) ?? 0
                if others == 0 { throw UserError.lastAdministrator(login) }
            }
            try db.execute(sql: "UPDATE app_user SET active = ? WHERE id = ?", arguments: [active, id])
            if !active {
                try db.execute(sql: "DELETE FROM web_session WHERE user_id = ?", arguments: [id])
                try db.execute(sql: "UPDATE api_token SET revoked = 1 WHERE user_id = ?", arguments: [id])
            }
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor,
                action: active ? "user enable" : "user disable", invoiceID: nil,
                AuditParameters(["login": .text(login)]))
        }
    }

    /// A new password closes the user's web sessions: whoever signed in with
    /// the old one (a shared or stolen password) is signed out. API tokens are
    /// separate credentials and stay valid (revoke them by disabling the user).
    public func setPassword(login: String, hash: String, actor: String) throws {
        try engine.write { db in
            let (_, id) = try requireUser(db, login)
            try db.execute(sql: "UPDATE app_user SET password_hash = ? WHERE id = ?", arguments: [hash, id])
            try db.execute(sql: "DELETE FROM web_session WHERE user_id = ?", arguments: [id])
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor, action: "user password",
                invoiceID: nil, AuditParameters(["login": .text(login)]))
        }
    }

    public func access(userID: Int64) throws -> UserAccess? {
        try engine.read { db in
            guard let u = try db.fetchRecord(AppUser.self, id: userID) else { return nil }
            var rights: [String: String] = [:]
            for row in try db.fetchAll(
                sql: "SELECT feature, level FROM user_right WHERE user_id = ?", arguments: [userID])
            {
                let feature: String = try row["feature"]
                rights[feature] = try row["level"] as String
            }
            let clients: Set<String>? =
                u.allClients
                ? nil
                : Set(
                    try db.fetchColumn(
                        String.self, sql: "SELECT client FROM user_client WHERE user_id = ?", arguments: [userID]))
            return UserAccess(user: u, rights: rights, clients: clients)
        }
    }

    // MARK: sessions and tokens (hashes only)

    public func createSession(tokenHash: String, userID: Int64, csrfToken: String, expiresAt: Date) throws {
        try engine.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE expires_at < ?", arguments: [LedgerDatabase.timestamp()])
            try db.execute(
                sql:
                    "INSERT INTO web_session(token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    tokenHash, userID, csrfToken, LedgerDatabase.timestamp(), LedgerDatabase.timestamp(expiresAt)
                ])
        }
    }

    /// The session of a token hash, if it has not expired.
    public func session(tokenHash: String, now: Date = Date()) throws -> SessionRecord? {
        try engine.read { db in
            guard
                let row = try db.fetchOne(
                    sql:
                        "SELECT user_id, csrf_token, expires_at FROM web_session WHERE token_hash = ? AND expires_at > ?",
                    arguments: [tokenHash, LedgerDatabase.timestamp(now)])
            else { return nil }
            return SessionRecord(
                userID: try row["user_id"], csrfToken: try row["csrf_token"], expiresAt: try row["expires_at"])
        }
    }

    public func deleteSession(tokenHash: String) throws {
        _ = try engine.write { db in
            try db.execute(sql: "DELETE FROM web_session WHERE token_hash = ?", arguments: [tokenHash])
        }
    }

    public func addAPIToken(login: String, tokenHash: String, actor: String) throws {
        try engine.write { db in
            let (_, id) = try requireUser(db, login)
            try db.execute(
                sql: "INSERT INTO api_token(token_hash, user_id, created_at) VALUES (?, ?, ?)",
                arguments: [tokenHash, id, LedgerDatabase.timestamp()])
            try appendAudit(
                db, at: LedgerDatabase.timestamp(), actor: actor, action: "user token", invoiceID: nil,
                AuditParameters(["login": .text(login)]))
        }
    }

    public func userID(apiTokenHash: String) throws -> Int64? {
        try engine.read { db in
            try db.fetchValue(
                Int64.self, sql: "SELECT user_id FROM api_token WHERE token_hash = ? AND revoked = 0",
                arguments: [apiTokenHash])
        }
    }

    /// `address`: the client's IP address, nil when unknown.
    public func recordLoginAttempt(login: String, address: String? = nil, succeeded: Bool, at date: Date = Date())
        throws
    {
        _ = try engine.write { db in
            try db.execute(
                sql: "INSERT INTO login_attempt(login, at, succeeded, address) VALUES (?, ?, ?, ?)",
                arguments: [login, LedgerDatabase.timestamp(date), succeeded, address])
        }
    }

    /// Failed attempts from an address since `date`, whatever the login. A
    /// success does not reset them: one valid account must not let an address
    /// go on guessing the others' passwords.
    public func failedLogins(address: String, since date: Date) throws -> Int {
        try engine.read { db in
            try db.fetchValue(
                Int.self, sql: "SELECT count(*) FROM login_attempt WHERE address = ? AND succeeded = 0 AND at >= ?",
                arguments: [address, LedgerDatabase.timestamp(date)]) ?? 0
        }
    }

    /// Failed attempts for a login since `date`, counted after its last success.
    public func failedLogins(login: String, since date: Date) throws -> Int {
        try engine.read { db in
            let since = LedgerDatabase.timestamp(date)
            let lastSuccess = try db.fetchValue(
                String.self, sql: "SELECT max(at) FROM login_attempt WHERE login = ? AND succeeded = 1",
                arguments: [login])
            let from = max(since, lastSuccess ?? "")
            return try db.fetchValue(
                Int.self, sql: "SELECT count(*) FROM login_attempt WHERE login = ? AND succeeded = 0 AND at >= ?",
                arguments: [login, from]) ?? 0
        }
    }
}
