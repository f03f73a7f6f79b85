import Foundation
import Ledger
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
        #expect(list.stdout == "marie\tMarie Curie\tactive\tproformas=write\tC0001,C0002\nroot\tRoot\tactive\tadmin\tall clients\n", "\(list)")
        let token = try ws.run("users", "token", "marie")
        #expect(token.status == 0 && token.stdout.hasPrefix("ard_") && token.stdout.count == 4 + 64 + 1, "\(token)")
        let ledger = try ws.ledger()
        // Only the token's hash is kept.
        let stored = try ledger.pool.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM api_token") }
        #expect(stored.count == 1 && !stored[0].contains(token.stdout.trimmingCharacters(in: .whitespacesAndNewlines)))
        #expect(try ws.run("users", "disable", "marie").status == 0)
        #expect(try ws.run("users", "list").stdout.contains("marie\tMarie Curie\tdisabled"))
        let audit = try ledger.auditLog().filter { $0.action.hasPrefix("user ") }
        #expect(audit.map(\.action) == ["user add", "user add", "user grant", "user grant", "user scope", "user revoke", "user token", "user disable"])
        #expect(audit.first?.actor == "admin")
    }

    @Test func wrongUsersArgumentsExit2AndChangeNothing() throws {
        let ws = try ScratchWorkspace()
        #expect(try ws.run("users", "add", "marie", "--name", "Marie").status == 0)
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
        ]
        for c in cases {
            let r = try ws.run(c.arguments)
            #expect(r.status == 2, "\(r)")
            #expect(r.stderr.contains(c.says), "\(r)")
        }
        #expect(try ws.run("users", "list").stdout == "marie\tMarie\tactive\t-\tall clients\n")
    }
}
