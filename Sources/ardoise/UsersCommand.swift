import ArgumentParser
import CommandSupport
import Foundation
import Ledger
import WebApp
import Workspace

extension Feature: ExpressibleByArgument {}

/// A right's level as typed: `read` or `write` (`users revoke` removes it).
enum GrantLevel: String, ExpressibleByArgument, CaseIterable {
    case read, write
}

/// `ardoise users …`: the web app's users, their rights and client scope, in the ledger.
struct UsersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "users",
        abstract: "Manage the web app's users: add, grant, revoke, scope, list, disable, password, token.",
        discussion:
            "Features: \(Feature.allCases.map(\.rawValue).joined(separator: ", ")). An administrator has every right on every client.",
        subcommands: [
            Add.self, Grant.self, Revoke.self, Scope.self, List.self, Disable.self, Enable.self, Password.self,
            Token.self
        ]
    )

    /// Runs a users command; unknown users and malformed values exit 2, nothing done.
    static func run(_ global: GlobalOptions, _ body: (LedgerDatabase) throws -> Void) throws {
        try run(global) { _, ledger in try body(ledger) }
    }

    static func run(_ global: GlobalOptions, _ body: (Installation, LedgerDatabase) throws -> Void) throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.openLedger()
            do {
                try body(workspace, ledger)
            } catch let error as UserError {
                printError("ardoise: \(error.description)")
                return 2
            } catch let error as UserInputError {
                printError("ardoise: \(error.message)")
                return 2
            }
            return 0
        }
    }

    static func readPassword() throws -> String {
        guard let line = readLine(strippingNewline: true), line.count >= 10 else {
            throw UserInputError("the password read from standard input must have at least 10 characters")
        }
        return line
    }

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user (with --admin, an administrator: every right, every client).")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The login (letters, digits, . - _).") var login: String
        @Option(help: "The name shown in the app.") var name: String
        @Flag(help: "An administrator.") var admin = false
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() throws {
            try UsersCommand.run(global) { ledger in
                let password = passwordStdin ? try UsersCommand.readPassword() : nil
                _ = try Accounts(ledger: ledger).addUser(
                    login: login, name: name, password: password, admin: admin, actor: global.who)
                emit(
                    "added \(admin ? "administrator" : "user") \(login)\(password == nil ? " (no password: `ardoise users password \(login) --password-stdin`)" : "")\n"
                )
            }
        }
    }

    struct Grant: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Give a user read or write on a feature.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Argument(help: "The feature.") var feature: Feature
        @Argument(help: "read or write.") var level: GrantLevel

        func run() throws {
            try UsersCommand.run(global) { ledger in
                try ledger.setRight(login: login, feature: feature.rawValue, level: level.rawValue, actor: global.who)
                emit("\(login): \(feature.rawValue) \(level.rawValue)\n")
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Take a feature's right away from a user.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Argument(help: "The feature.") var feature: Feature

        func run() throws {
            try UsersCommand.run(global) { ledger in
                try ledger.setRight(login: login, feature: feature.rawValue, level: nil, actor: global.who)
                emit("\(login): \(feature.rawValue) none\n")
            }
        }
    }

    struct Scope: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the clients a user sees: --clients C1,C2 or --all.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Option(help: "Client codes, comma-separated.") var clients: String?
        @Flag(help: "Every client.") var all = false

        func validate() throws {
            if all == (clients != nil) { throw ValidationError("give --clients C1,C2 or --all") }
            if let clients, clients.split(separator: ",").isEmpty {
                throw ValidationError("--clients: expected client codes, e.g. ACME,GLOBEX")
            }
        }

        func run() throws {
            try UsersCommand.run(global) { workspace, ledger in
                let codes = clients.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
                // A code the settings do not know is a typo: the user would silently see one client fewer.
                for code in codes ?? [] where workspace.settings.client(code) == nil {
                    throw UserInputError("--clients: `\(code)` is not a client of the settings")
                }
                try ledger.setScope(login: login, clients: all ? nil : codes, actor: global.who)
                emit("\(login): \(codes?.joined(separator: ",") ?? "all clients")\n")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The users, their rights and client scope.")
        @OptionGroup var global: GlobalOptions

        func run() throws {
            try UsersCommand.run(global) { ledger in
                for u in try ledger.users() {
                    guard let id = u.id, let a = try ledger.access(userID: id) else { continue }
                    let rights =
                        u.admin
                        ? "admin"
                        : Feature.allCases.compactMap { f in a.rights[f.rawValue].map { "\(f.rawValue)=\($0)" } }
                            .joined(separator: ",")
                    emit(
                        "\(u.login)\t\(u.displayName)\t\(u.active ? "active" : "disabled")\t\(rights.isEmpty ? "-" : rights)\t"
                            + "\(a.clients.map { $0.sorted().joined(separator: ",") } ?? "all clients")\n")
                }
            }
        }
    }

    struct Disable: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable a user: sessions closed, API tokens revoked.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String

        func run() throws {
            try UsersCommand.run(global) { ledger in
                try ledger.setActive(login: login, active: false, actor: global.who)
                emit("disabled \(login)\n")
            }
        }
    }

    struct Enable: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled user again.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String

        func run() throws {
            try UsersCommand.run(global) { ledger in
                try ledger.setActive(login: login, active: true, actor: global.who)
                emit("enabled \(login)\n")
            }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password, read from standard input; closes their web sessions.")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String
        @Flag(help: "Read the password from the first line of standard input (required).") var passwordStdin = false

        func validate() throws {
            if !passwordStdin { throw ValidationError("give --password-stdin and type the password on standard input") }
        }

        func run() throws {
            try UsersCommand.run(global) { ledger in
                let password = try UsersCommand.readPassword()
                try ledger.setPassword(
                    login: login, hash: Accounts(ledger: ledger).hash(password: password), actor: global.who)
                emit("password set for \(login); their web sessions are closed\n")
            }
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new API token for a user (shown once; only its hash is kept).")
        @OptionGroup var global: GlobalOptions
        @Argument var login: String

        func run() throws {
            try UsersCommand.run(global) { ledger in
                emit(try Accounts(ledger: ledger).newAPIToken(login: login, actor: global.who) + "\n")
            }
        }
    }
}

/// `ardoise serve`: the web app on the ledger of the configuration.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Serve the web app (French screens and the /api/v1 JSON API) over HTTP.",
        discussion: "Listens on 127.0.0.1:8080 by default; put it behind a TLS reverse proxy and pass --secure-cookies."
    )
    @OptionGroup var global: GlobalOptions
    @Option(help: "The port to listen on.") var port: Int = 8080
    @Option(help: "The address to listen on.") var host: String = "127.0.0.1"
    @Flag(
        name: [.customLong("secure-cookies"), .customLong("tls")],
        help: "Mark the session cookie Secure (served over TLS by a reverse proxy).") var secureCookies = false
    @Flag(
        name: .customLong("behind-proxy"),
        help:
            "Served behind a reverse proxy: the caller's address (for sign-in throttling) is the last X-Forwarded-For entry."
    )
    var behindProxy = false
    @Option(
        name: .customLong("rules-pending"),
        help:
            "A rules folder with a pending change of contracts (a checkout of the pull request): the clients screen shows its billing impact."
    )
    var rulesPending: String?
    @Option(
        name: .customLong("idle-timeout"),
        help: "Seconds a connection may stay without a complete request before it is closed.")
    var idleTimeout: Int = 30
    @Option(
        name: .customLong("max-connections"), help: "Connections served at once; more wait in the system's backlog.")
    var maxConnections: Int = 512

    func validate() throws {
        guard (1...65535).contains(port) else { throw ValidationError("--port: expected 1 to 65535") }
        guard (1...3600).contains(idleTimeout) else {
            throw ValidationError("--idle-timeout: expected 1 to 3600 seconds")
        }
        guard (1...100_000).contains(maxConnections) else {
            throw ValidationError("--max-connections: expected 1 to 100000")
        }
        if let rulesPending { try requireExisting([rulesPending]) }
    }

    func run() throws {
        try Outcome.run {
            let workspace = try Installation.open(configPath: global.config)
            let ledger = try workspace.openLedger()
            // The screens validate and credit as of this day: never one after today.
            if let day = global.date?.day {
                try workspace.checkNotFuture(day, command: "serve", force: nil, actor: global.who)
            }
            let app = try WebApp(
                workspace: workspace,
                options: WebOptions(
                    host: host, port: port, secureCookies: secureCookies, today: global.date?.day,
                    behindProxy: behindProxy, pendingRules: rulesPending,
                    idleTimeout: idleTimeout, maximumConnections: maxConnections))
            if try ledger.users().isEmpty {
                printError(
                    "ardoise: no user yet: create the first administrator with `ardoise users add LOGIN --name N --admin --password-stdin`"
                )
            }
            emit("serving on http://\(host):\(port)\n")
            try WebServer.runBlocking(app)
            return 0
        }
    }
}
