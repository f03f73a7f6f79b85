import Foundation
import Ledger
import Testing
import TestSupport

/// Several `ardoise serve` processes and the scheduler share one ledger: what a server keeps between requests (its
/// page cache) is kept under the ledger's change counter (SQLite's `data_version`; on PostgreSQL the
/// `ledger_change` row every writing transaction moves), so a write by another server or by a command is on the
/// next page of every server, never a page computed before it.
@Suite struct PagesFollowOtherProcessesTests {
    /// A workspace with October billed (proformas waiting), and an API token of a user who reads the dashboard and
    /// validates proformas.
    static func workspace() throws -> (ScratchWorkspace, token: String) {
        let ws = try ScratchWorkspace()
        expectRuns(try ws.run("bill", "--period", "2026-10", "--date", "2026-11-02"))
        expectRuns(
            try Executable.run(
                ["users", "add", "crm", "--name", "CRM", "--password-stdin"], in: ws.dir, input: "mot-de-passe-du-crm\n"
            ))
        expectRuns(try ws.run("users", "scope", "crm", "--all"))
        expectRuns(try ws.run("users", "grant", "crm", "dashboard", "read"))
        expectRuns(try ws.run("users", "grant", "crm", "proformas", "write"))
        let token = try ws.run("users", "token", "crm")
        expectRuns(token)
        return (ws, token.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    @Test func aWriteByAnotherServerOrACommandIsOnTheNextPageOfAServer() throws {
        let (ws, token) = try Self.workspace()
        let date = ["--date", "2026-11-02"]
        let a = try RunningServer(in: ws.dir, arguments: date), b = try RunningServer(in: ws.dir, arguments: date)
        let revenue = "/api/v1/revenue?period=2026-10"
        let before = try a.request(revenue, token: token)
        #expect(before.status == 200, "\(before.body)\n\(a.output)")
        #expect(try a.request(revenue, token: token).body == before.body, "nothing written: the same figures")

        // Server B validates a proforma: server A's next answer counts it as invoiced.
        let proforma = try #require(try ws.ledger().invoices(status: .proforma).first?.id)
        let validated = try b.request("/api/v1/proformas/\(proforma)/validate", method: "POST", token: token)
        #expect(validated.status == 200, "\(validated.body)\n\(b.output)")
        let afterServer = try a.request(revenue, token: token)
        #expect(afterServer.body != before.body, "server A kept the figures from before server B's validation")

        // A command in a terminal (another process) validates the rest: both servers show it on their next answer.
        expectRuns(try ws.run(["validate", "--all", "--period", "2026-10"] + date))
        let afterCommand = try a.request(revenue, token: token)
        #expect(afterCommand.body != afterServer.body, "server A kept the figures from before the command")
        #expect(try b.request(revenue, token: token).body == afterCommand.body)
        // What a server started now computes from scratch.
        let fresh = try RunningServer(in: ws.dir, arguments: date)
        #expect(try fresh.request(revenue, token: token).body == afterCommand.body)
        #expect(try ws.ledger().invoices(status: .proforma).isEmpty)
    }
}
