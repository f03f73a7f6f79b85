import BillingModel
import Foundation
import Hummingbird
import HummingbirdTesting
@testable import Ledger
import Testing
import TestSupport
@testable import WebApp
import Workspace

/// Facts as data, words at the edges: the demo month is run twice by the
/// `ardoise` binary, once with the test-only switch that rewords every English
/// text the engine writes (`ARDOISE_TEST_REWORDING`: each explanation and each
/// audit message as the CLI words it starts with a marker), and every screen,
/// export and explanation is compared: the revenue behind each line, the
/// French of the audit log, the refusals and the exports are the same, because
/// nothing reads those words back.
@Suite(.serialized) struct WordsAtTheEdgesTests {
    static let marker = "«reworded» "

    struct Month {
        let dir: URL
        let ledger: LedgerDatabase
        let app: WebApp
        let env: [String: String]
        let credited: String
        let creditedID: Int64
    }

    /// The demo month (generated, imported, billed, validated, closed, its bank statement imported),
    /// then a credit note and a discarded proforma of December, all by the binary.
    static func month(reworded: Bool) throws -> Month {
        let root = Repository.temporaryDirectory("words-at-the-edges")
        let env = reworded ? ["ARDOISE_TEST_REWORDING": marker] : [:]
        let run = try Executable.run(
            ["demo", "run", "--out", "ws", "--sites", "2", "--clients", "6"], in: root, environment: env,
            tool: .ardoiseDev)
        guard run.status == 0 else { throw HarnessError("demo run: \(run)") }
        let dir = root.appendingPathComponent("ws")
        let ledger = try TestEngine.ledger(of: dir)
        guard let invoice = try ledger.invoices(status: .issued).first(where: { $0.type == .invoice }),
            let number = invoice.number
        else {
            throw HarnessError("no issued invoice")
        }
        let credit = try Executable.run(
            ["credit", number, "--line", "1", "--reason", "geste commercial"], in: dir, environment: env)
        guard credit.status == 0 else { throw HarnessError("credit: \(credit)") }
        let workspace = try Installation.open(configPath: dir.appendingPathComponent("ardoise.yaml").path)
        let today = try #require(Day(iso: Executable.today))
        let app = try WebApp(workspace: workspace, options: Fixture.options(today: today))
        return Month(dir: dir, ledger: ledger, app: app, env: env, credited: number, creditedID: invoice.id ?? 0)
    }

    static func admin(_ app: WebApp) throws -> TestUser {
        let u = try app.accounts.addUser(login: "admin", name: "Admin", password: nil, admin: true, actor: "test")
        guard let id = u.id else { throw HarnessError("user without id") }
        let session = try app.accounts.openSession(userID: id, lifetime: 3600)
        return TestUser(
            login: "admin", cookie: session.token, csrf: session.csrf,
            token: try app.accounts.newAPIToken(login: "admin", actor: "test"))
    }

    /// The `<details id="revenu-ligne-N">` blocks of a document page: the revenue behind each line, in French.
    static func revenueBlocks(_ html: String) -> [String] {
        var out: [String] = []
        var rest = html[...]
        while let start = rest.range(of: "<details id=\"revenu-ligne-"),
            let end = rest[start.upperBound...].range(of: "</details>")
        {
            out.append(String(rest[start.lowerBound..<end.upperBound]))
            rest = rest[end.upperBound...]
        }
        return out
    }

    /// The sheets of an XLSX export (its metadata holds the time it was written).
    static func sheets(_ data: ByteBuffer, in dir: URL) throws -> String {
        let file = dir.appendingPathComponent("export-\(UUID().uuidString).xlsx")
        try Data(buffer: data).write(to: file)
        let unzip = Process()
        unzip.executableURL = URL(fileURLWithPath: "/usr/bin/unzip")
        unzip.arguments = ["-p", file.path, "xl/worksheets/*", "xl/sharedStrings.xml"]
        let pipe = Pipe()
        unzip.standardOutput = pipe
        try unzip.run()
        let out = pipe.fileHandleForReading.readDataToEndOfFile()
        unzip.waitUntilExit()
        return String(decoding: out, as: UTF8.self)
    }

    @Test func rewordingEveryEngineSentenceChangesNoFigureAndNoFrenchText() async throws {
        let plain = try Self.month(reworded: false), reworded = try Self.month(reworded: true)

        // The switch reached every explanation the engine wrote, and only with it on.
        let docs = try plain.ledger.invoices(includeDiscarded: true)
        let rewordedDocs = try reworded.ledger.invoices(includeDiscarded: true)
        #expect(
            docs.count == rewordedDocs.count && docs.count > 20, "\(docs.count) and \(rewordedDocs.count) documents")
        var lines = 0
        for (a, b) in zip(docs, rewordedDocs) {
            let ida = try #require(a.id), idb = try #require(b.id)
            let x = try #require(try plain.ledger.invoice(id: ida)),
                y = try #require(try reworded.ledger.invoice(id: idb))
            #expect(x.invoice.number == y.invoice.number && x.invoice.totalTtc == y.invoice.totalTtc)
            #expect(x.lines.map(\.net) == y.lines.map(\.net) && x.lines.map(\.basis) == y.lines.map(\.basis))
            for (l, m) in zip(x.lines, y.lines) {
                #expect(!l.explanation.contains(Self.marker))
                #expect(
                    m.explanation.hasPrefix(Self.marker),
                    "line \(m.position) of \(y.invoice.number ?? "proforma \(y.invoice.id ?? 0)"): \(m.explanation)")
                lines += 1
            }
            // The revenue behind each line: the same site-days, tickets, covers and amounts.
            let behind = try plain.ledger.revenueBehind(x), rewordedBehind = try reworded.ledger.revenueBehind(y)
            #expect(behind == rewordedBehind, "\(x.invoice.number ?? "")")
            // And the right one: a line billed per cover HT bills the covers shown behind it.
            for (l, r) in zip(y.lines, rewordedBehind)
            where [.subsidyPerCover, .admissionFee].contains(l.basisKind) && l.quantity > 1 {
                #expect(
                    r.covers == l.quantity,
                    "line \(l.position) of \(y.invoice.number ?? ""): \(l.quantity) covers billed, \(r.covers) shown")
            }
        }
        #expect(lines > 100)
        let unknown = try await reworded.ledger.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM invoice_line WHERE basis_kind IS NULL")
        }
        #expect(unknown == 0)

        // The audit log: the CLI's English is reworded, the French is made from the same facts in both.
        let entries = try plain.ledger.auditLog(), rewordedEntries = try reworded.ledger.auditLog()
        #expect(entries.map(\.action) == rewordedEntries.map(\.action) && entries.count > 20)
        let french = entries.map { French.auditDetails($0.action, details: $0.details, parameters: $0.parameters) }
        let rewordedFrench = rewordedEntries.map {
            French.auditDetails($0.action, details: $0.details, parameters: $0.parameters)
        }
        #expect(french == rewordedFrench)
        #expect(!rewordedFrench.contains { $0.contains(Self.marker) || $0.contains("issued as") })
        #expect(
            rewordedFrench.contains { $0.hasPrefix("émise sous le numéro ") }
                && rewordedFrench.contains { $0.hasPrefix("avoir sur \(reworded.credited) : geste commercial") })
        let explain = try Executable.run(["explain", reworded.credited], in: reworded.dir, environment: reworded.env)
        #expect(
            explain.status == 0 && explain.stdout.contains("validate: \(Self.marker)issued as \(reworded.credited)"),
            "\(explain)")

        // Every screen of a document, the audit page, the refusals and the exports, as the web app shows them.
        let pages = try await Self.pages(plain), rewordedPages = try await Self.pages(reworded)
        #expect(pages.keys.sorted() == rewordedPages.keys.sorted())
        for (path, text) in pages {
            #expect(rewordedPages[path] == text, "\(path) differs")
        }
        #expect(
            try #require(rewordedPages["/cloture?mois=2026-11"]).contains(" : en attente"),
            "November's mail check and its details")
        let refusal = try #require(rewordedPages["refusal"])
        #expect(
            refusal.hasPrefix("La ligne 1 de \(reworded.credited) a déjà reçu un avoir pour la totalité."), "\(refusal)"
        )
        #expect(!refusal.contains("ardoise ") && !refusal.contains("credited in full"), "\(refusal)")
    }

    /// What the web app shows that must not depend on the engine's English: per path, the part compared.
    static func pages(_ month: Month) async throws -> [String: String] {
        let admin = try Self.admin(month.app)
        let issued = try month.ledger.invoices(status: .issued)
        return try await month.app.application().test(.router) { client in
            var out: [String: String] = [:]
            for doc in issued {
                let id = doc.id ?? 0
                let page = try await send(client, .get, "/factures/\(id)", as: admin)
                #expect(page.status == .ok)
                out["/factures/\(id) revenue"] = revenueBlocks(page.text).joined(separator: "\n")
                // The lines' explanations in French: worded from the facts stored with each line, not from its English.
                out["/factures/\(id) explanations"] = FrenchTests.explanations(page.text).joined(separator: "\n")
            }
            let audit = try await send(client, .get, "/audit", as: admin)
            // The details column only (the times differ between the runs).
            let cells = audit.text.components(separatedBy: "<tr>").map { row in
                row.components(separatedBy: "<td").dropFirst(4).joined()
            }
            out["/audit details"] = cells.joined(separator: "\n")
            for kind in ["restaurants", "evenements", "non-factures"] {
                let export = try await send(client, .get, "/exports/\(kind)?periode=2026-10", as: admin)
                #expect(export.status == .ok, "\(kind)")
                out["/exports/\(kind)"] = try sheets(export.body, in: month.dir)
            }
            for kind in ["fec", "ecritures"] {
                let export = try await send(client, .get, "/exports/\(kind)?periode=2026-10", as: admin)
                #expect(export.status == .ok, "\(kind)")
                out["/exports/\(kind)"] = export.text
            }
            // The closing screens (checks with their details, totals) and the unbilled revenue: worded from the engine's
            // typed results, so the same whatever its English (November's e-mails are pending: its mail check has details).
            for path in ["/cloture?mois=2026-10", "/cloture?mois=2026-11", "/non-factures?periode=2026-10"] {
                let page = try await send(client, .get, path, as: admin)
                #expect(page.status == .ok, "\(path)")
                let main = page.text.components(separatedBy: "<main").dropFirst().joined()
                out[path] = main.replacingOccurrences(
                    of: #"name="csrf" value="[^"]*""#, with: "", options: .regularExpression)
                #expect(!main.contains(Self.marker), "\(path) shows the engine's English")
            }
            // Crediting again a line credited in full: the engine's refusal, in French, as a conflict.
            let refused = try await send(
                client, .post, "/factures/\(month.creditedID)/avoir", as: admin,
                form: [("confirme", "1"), ("motif", "encore"), ("ligne", "1")])
            #expect(refused.status == .conflict, "\(refused.status)")
            out["refusal"] =
                refused.text.components(separatedBy: "Refusé : ").dropFirst().first.map { String($0.prefix(200)) }
                ?? refused.text
            return out
        }
    }
}
