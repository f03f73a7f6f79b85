import Foundation
@testable import Ledger
import Testing
import TestSupport

/// `ardoise users …` and `ardoise serve` run as a person does: output, exit code, the ledger's users and audit log.
@Suite struct UsersCommandTests {
    @Test func usersAreAddedGrantedScopedListedAndDisabled() throws {
        let ws = try ScratchWorkspace()
        let add = try ws.run("users", "add", "marie", "--name", "Marie Curie", "--actor", "admin")
        #expect(add.status == 0 && add.stdout.hasPrefix("added user marie"), "\(add)")
        #expect(try ws.run("users", "add", "root", "--name", "Root", "--admin").status == 0)
        #expect(try ws.run("users", "grant", "marie", "proformas", "write").status == 0)
        #expect(try ws.run("users", "grant", "marie", "invoices", "read").status == 0)
        #expect(try ws.run("users", "scope", "marie", "--clients", "C0001,C0002").status == 0)
        #expect(try ws.run("users", "revoke", "marie", "invoices").status == 0)
        let list = try ws.run("users", "list")
        #expect(list.status == 0)
        #expect(
            list.stdout
                == "marie\tMarie Curie\tactive\tproformas=write\tC0001,C0002\nroot\tRoot\tactive\tadmin\tall clients\n",
            "\(list)")
        let token = try ws.run("users", "token", "marie")
        #expect(token.status == 0 && token.stdout.hasPrefix("ard_") && token.stdout.count == 4 + 64 + 1, "\(token)")
        let ledger = try ws.ledger()
        // Only the token's hash is kept.
        let stored = try ledger.engine.read { db in
            try db.fetchColumn(String.self, sql: "SELECT token_hash FROM api_token")
        }
        #expect(stored.count == 1 && !stored[0].contains(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try ws.run("users", "disable", "marie").status == 0)
        #expect(try ws.run("users", "list").stdout.contains("marie\tMarie Curie\tdisabled"))
        let audit = try ledger.auditLog().filter { $0.action.hasPrefix("user ") }
        #expect(
            audit.map(\.action) == [
                "user add", "user add", "user grant", "user grant", "user scope", "user revoke", "user token",
                "user disable"
            ])
        #expect(audit.first?.actor == "admin")
    }

    @Test func aNewPasswordReplacesTheOldOneAndClosesTheUsersSessions() throws {
        let ws = try ScratchWorkspace()
        let add = try Executable.run(
            ["users", "add", "marie", "--name", "Marie", "--password-stdin"], in: ws.dir,
            input: "l-ancien-mot-de-passe\n")
        #expect(add.status == 0, "\(add)")
        let ledger = try ws.ledger()
        let marie = try #require(try ledger.user(login: "marie"))
        try ledger.createSession(
            tokenHash: String(repeating: "a", count: 64), userID: try #require(marie.id), csrfToken: "c",
            expiresAt: Date().addingTimeInterval(3600))
        let set = try Executable.run(
            ["users", "password", "marie", "--password-stdin"], in: ws.dir, input: "le-nouveau-mot-de-passe\n")
        #expect(set.status == 0 && set.stdout == "password set for marie; their web sessions are closed\n", "\(set)")
        let after = try #require(try ledger.user(login: "marie"))
        #expect(after.passwordHash != marie.passwordHash && after.passwordHash.hasPrefix("$2"))
        #expect(try ledger.session(tokenHash: String(repeating: "a", count: 64)) == nil)
        let short = try Executable.run(["users", "password", "marie", "--password-stdin"], in: ws.dir, input: "court\n")
        #expect(short.status == 2 && short.stderr.contains("at least 10 characters"), "\(short)")
        #expect(
            try ledger.user(login: "marie")?.passwordHash == after.passwordHash, "a refused password changes nothing")
    }

    @Test func wrongUsersArgumentsExit2AndChangeNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("users", "add", "marie", "--name", "Marie").status == 0)
        #expect(try ws.run("users", "add", "root", "--name", "Root", "--admin").status == 0)
        let cases: [(arguments: [String], says: String)] = [
            (["users", "grant", "marie", "proforma", "read"], "<feature>"),
            (["users", "grant", "marie", "proformas", "admin"], "<level>"),
            (["users", "grant", "personne", "proformas", "read"], "no user `personne`"),
            (["users", "scope", "marie"], "--clients"),
            (["users", "scope", "marie", "--clients", "C1", "--all"], "--clients"),
            (["users", "add", "marie", "--name", "Encore"], "already exists"),
            (["users", "add", "ma rie", "--name", "Espace"], "a login is"),
            (["users", "add", "paul", "--name", "Paul", "--password-stdin"], "at least 10 characters"),
            (["users", "password", "marie"], "--password-stdin"),
            (["serve", "--port", "0"], "--port"),
            (["serve", "--port", "http"], "--port"),
            (["serve", "--rules-pending", "nulle-part"], "no such file or folder: `nulle-part`"),
            (["serve", "--idle-timeout", "0"], "--idle-timeout"),
            (["serve", "--max-connections", "0"], "--max-connections"),
            (["users", "scope", "marie", "--clients", "C0001,C9999"], "`C9999` is not a client of the settings"),
            (["users", "disable", "root"], "`root` is the last active administrator")
        ]
        for c in cases {
            let r = try ws.run(c.arguments)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains(c.says), "\(r)")
        }
        #expect(
            try ws.run("users", "list").stdout
                == "marie\tMarie\tactive\t-\tall clients\nroot\tRoot\tactive\tadmin\tall clients\n")
    }
}

/// `ardoise serve` as a process: it starts on the configuration's ledger, answers over HTTP, and stops on SIGTERM.
@Suite struct ServeCommandTests {
    @Test func serveAnswersTheLoginPageAndStopsOnSIGTERM() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("users", "add", "marie", "--name", "Marie", "--admin").status == 0)
        guard let url = Executable.url else { throw HarnessError("no ardoise binary") }
        let port = Int.random(in: 20000...40000)
        let process = Process()
        process.executableURL = url
        // Behind a proxy, with a pending change of contracts to show (the rules themselves: no change).
        process.arguments = ["serve", "--port", String(port), "--behind-proxy", "--rules-pending", "rules"]
        process.currentDirectoryURL = ws.dir
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        var page = ""
        for _ in 0..<100 where !page.contains("form-connexion") {
            Thread.sleep(forTimeInterval: 0.1)
            page = try curl("-s", "-i", "http://127.0.0.1:\(port)/connexion")
        }
        #expect(page.hasPrefix("HTTP/1.1 200"), "\(page)")
        #expect(page.contains("X-Frame-Options: DENY") && page.contains("<h1>Connexion</h1>"))
        let protected = try curl(
            "-s", "-o", "/dev/null", "-w", "%{http_code} %{redirect_url}", "http://127.0.0.1:\(port)/factures")
        #expect(protected.hasPrefix("303") && protected.hasSuffix("/connexion"), "\(protected)")
        process.terminate()
        process.waitUntilExit()
        #expect(!process.isRunning)
    }

    func curl(_ arguments: String...) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
