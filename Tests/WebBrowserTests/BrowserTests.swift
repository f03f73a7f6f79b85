import Foundation
import Ledger
import Testing
import TestSupport

/// The web app as its users see it: `ardoise serve` started for real on
/// loopback over a small billed month, driven by headless Chromium (selenium,
/// `Resources/browse.py`) as an accountant, a read-only controller and a user
/// scoped to three clients. Every screen passed is saved as a PNG in
/// `.build/browser-screenshots/` for a person to look at.
@Suite(
    .serialized,
    .enabled(if: Tools.pythonHas("selenium") && Tools.exists("chromium"), "needs chromium and selenium: run .ci/setup"))
struct BrowserTests {
    static let password = "mot-de-passe-de-test"
    static let scoped = ["C0002", "C0005", "C0010"]

    /// A small month billed on 2 November: automatic contracts issued, the others waiting for an accountant.
    static func workspace() throws -> URL {
        let root = Repository.temporaryDirectory("ardoise-browser")
        let ws = try Executable.demoWorkspace(in: root)
        for args in [["import"], ["bill", "--period", "2026-10", "--date", "2026-11-02"]] {
            let r = try Executable.run(args, in: ws)
            guard r.status == 0 else { throw HarnessError("\(r)") }
        }
        let users: [[String]] = [
            ["users", "add", "compta", "--name", "Camille Comptable", "--password-stdin"],
            ["users", "add", "controle", "--name", "Dominique Contrôle", "--password-stdin"],
            ["users", "add", "portee", "--name", "Sacha Périmètre", "--password-stdin"]
        ]
        for u in users {
            let r = try Executable.run(u, in: ws, input: password + "\n")
            guard r.status == 0 else { throw HarnessError("\(r)") }
        }
        var rights: [[String]] = [
            ["users", "scope", "compta", "--all"], ["users", "scope", "controle", "--all"],
            ["users", "scope", "portee", "--clients", scoped.joined(separator: ",")],
            ["users", "grant", "portee", "invoices", "read"]
        ]
        for f in [
            "dashboard", "proformas", "invoices", "manual-invoices", "unbilled", "imports", "clients", "audit",
            "exports", "closing"
        ] {
            rights.append([
                "users", "grant", "compta", f,
                ["proformas", "invoices", "manual-invoices", "closing"].contains(f) ? "write" : "read"
            ])
        }
        for f in ["dashboard", "proformas", "invoices", "unbilled", "audit"] {
            rights.append(["users", "grant", "controle", f, "read"])
        }
        for args in rights {
            let r = try Executable.run(args, in: ws)
            guard r.status == 0 else { throw HarnessError("\(r)") }
        }
        // The bank's payments of 2 November: one invoice paid in full, one in part, and a transfer no invoice matches.
        let ledger = try TestEngine.ledger(of: ws)
        let issued = try ledger.invoices(status: .issued).filter { $0.type == .invoice }
        guard issued.count >= 2 else { throw HarnessError("no issued invoices to pay: \(issued.count)") }
        func amount(_ cents: Int64) -> String { "\(cents / 100).\(String(format: "%02d", cents % 100))" }
        let statement = ws.appendingPathComponent("paiements.csv")
        try """
        reference;date;amount;debtor;iban;remittance
        VIR-1;2026-11-02;\(amount(issued[0].totalTtc));;;Facture \(issued[0].number ?? "")
        VIR-2;2026-11-02;\(amount(issued[1].totalTtc - 1_000));;;Facture \(issued[1].number ?? "")
        VIR-3;2026-11-02;42.00;Inconnu SA;;virement divers

        """.write(to: statement, atomically: true, encoding: .utf8)
        let paid = try Executable.run(["payments", "import", statement.path, "--date", "2026-11-02"], in: ws)
        guard paid.status == 1, paid.stdout.contains("2 matched, 1 unmatched") else { throw HarnessError("\(paid)") }
        // A pending change of contracts: C0004 (whose client lists fees) gets a monthly fee, to see its impact on the clients screen.
        let rules = ws.appendingPathComponent("rules"), pending = ws.appendingPathComponent("rules-pending")
        try FileManager.default.copyItem(at: rules, to: pending)
        let contract = pending.appendingPathComponent("c0004.ard")
        var lines = try String(contentsOf: contract, encoding: .utf8).components(separatedBy: "\n")
        guard let header = lines.firstIndex(where: { $0.hasPrefix("  validation") }) else {
            throw HarnessError("no validation line in c0004.ard")
        }
        lines.insert("  fee \"Frais de dossier\" 100.00 HT per month at 20% VAT, in arrears", at: header + 1)
        try lines.joined(separator: "\n").write(to: contract, atomically: true, encoding: .utf8)
        return ws
    }

    static func freePort() -> Int { LoopbackSMTP.closedPort() }

    @Test func threeKindsOfUsersSeeExactlyWhatTheyShould() throws {
        let ws = try Self.workspace()
        let port = Self.freePort()
        guard let binary = Executable.url else { throw HarnessError("no ardoise binary") }
        let server = Process()
        server.executableURL = binary
        server.arguments = ["serve", "--port", "\(port)", "--date", "2026-11-02", "--rules-pending", "rules-pending"]
        server.currentDirectoryURL = ws
        let log = ws.appendingPathComponent("serve.log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        server.standardOutput = try FileHandle(forWritingTo: log)
        server.standardError = try FileHandle(forWritingTo: log)
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        // Ready when the login page answers.
        var ready = false
        for _ in 0..<100 where !ready {
            if let r = try? Tools.run(
                "curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", "http://127.0.0.1:\(port)/connexion"]),
                r.output == "200"
            {
                ready = true
            } else {
                Thread.sleep(forTimeInterval: 0.2)
            }
        }
        #expect(
            ready,
            "the server did not answer: \(String(decoding: FileManager.default.contents(atPath: log.path) ?? Data(), as: UTF8.self))"
        )
        guard ready else { return }

        // A document outside the scoped user's clients, which must answer 404 to them.
        let ledger = try TestEngine.ledger(of: ws)
        let outside = try ledger.invoices(status: .issued).first { !Self.scoped.contains($0.client) }?.id
        // One folder per engine: the two passes may run at once on one checkout, and each empties its own first.
        let shots = Repository.root.appendingPathComponent(
            TestEngine.postgres ? ".build/browser-screenshots-postgres" : ".build/browser-screenshots")
        try? FileManager.default.removeItem(at: shots)
        let script = Repository.root.appendingPathComponent("Tests/WebBrowserTests/Resources/browse.py").path
        let env =
            "SCOPED_CLIENTS=\(Self.scoped.joined(separator: ",")) OUTSIDE_DOCUMENT=\(outside.map(String.init) ?? "")"
        let run = try Tools.run(
            "sh",
            ["-c", "\(env) '\(Tools.python)' '\(script)' http://127.0.0.1:\(port) '\(shots.path)' '\(Self.password)'"])
        print(run.output)
        #expect(run.status == 0, "\(run.output)")
        let pngs =
            (try? FileManager.default.contentsOfDirectory(atPath: shots.path))?.filter { $0.hasSuffix(".png") } ?? []
        #expect(pngs.count >= 25, "screenshots: \(pngs.sorted())")
    }
}
