import BillingModel
import Foundation
import HummingbirdTesting
import Ledger
import Testing
import TestSupport
import WebApp

/// The exports screen: the control workbooks cut to the user's clients, the entries (whole company) only for
/// users who see every client. Workbooks are read back with openpyxl.
@Suite(.serialized) struct ExportsScreenTests {
    /// The client codes in the first column of every sheet of a workbook (the header rows aside).
    static func clientsIn(_ xlsx: [UInt8]) throws -> Set<String> {
        let url = Repository.temporaryDirectory("ardoise-web-export").appendingPathComponent(
            "export-\(UUID().uuidString).xlsx")
        try Data(xlsx).write(to: url)
        let script = """
            import sys, openpyxl
            wb = openpyxl.load_workbook(sys.argv[1], read_only=True)
            for ws in wb.worksheets:
                for row in ws.iter_rows(min_row=2, max_col=1, values_only=True):
                    if row and isinstance(row[0], str) and row[0].startswith('C0'): print(row[0])
            """
        let r = try Tools.run(Tools.python, ["-c", script, url.path])
        guard r.status == 0 else { throw FixtureError("openpyxl: \(r.output)") }
        return Set(r.output.split(separator: "\n").map(String.init))
    }

    /// The fixture with one invoice of the client out of scope issued too.
    static func fixture() throws -> Fixture {
        let f = try Fixture()
        let engine = try f.app.workspace.engine(today: Fixture.today, actor: "test")
        let other = try #require(
            try f.ledger.invoices(status: .proforma, client: f.clientOut).first { $0.origin == .contract }?.id)
        _ = try engine.validate(ids: [other], on: Fixture.today)
        return f
    }

    @Test(.enabled(if: Tools.pythonHas("openpyxl"))) func aScopedUserDownloadsOnlyTheirClientsAndNoEntries()
        async throws
    {
        let f = try Self.fixture()
        let scoped = try f.user("suivi", rights: [(.exports, .read)], clients: [f.clientIn])
        try await f.app.application().test(.router) { client in
            let page = try await send(client, .get, "/exports", as: scoped)
            #expect(page.status == .ok && page.text.contains("id=\"menu-exports\""))
            #expect(page.text.contains("Période 2026-10") && page.text.contains("vos 1 clients uniquement"))
            #expect(page.text.contains("href=\"/exports/restaurants?periode=2026-10\""))
            #expect(
                !page.text.contains("href=\"/exports/fec")
                    && page.text.contains("réservé aux utilisateurs qui voient tous les clients"))
            let restaurants = try await send(client, .get, "/exports/restaurants?periode=2026-10", as: scoped)
            #expect(restaurants.status == .ok)
            #expect(restaurants.header("Content-Disposition") == "attachment; filename=\"restaurants-2026-10.xlsx\"")
            #expect(try Self.clientsIn(Array(restaurants.body.readableBytesView)) == [f.clientIn])
            let unbilled = try await send(client, .get, "/exports/non-factures?periode=2026-10", as: scoped)
            #expect(unbilled.status == .ok)
            #expect(try Self.clientsIn(Array(unbilled.body.readableBytesView)).isSubset(of: [f.clientIn]))
            let events = try await send(client, .get, "/exports/evenements?periode=2026-10", as: scoped)
            #expect(events.status == .ok)
            for entries in ["fec", "ecritures"] {
                let r = try await send(client, .get, "/exports/\(entries)?periode=2026-11", as: scoped)
                #expect(r.status == .forbidden && r.text.contains("toute la société"), "\(entries): \(r.status)")
            }
            #expect(try await send(client, .get, "/exports/inconnu", as: scoped).status == .notFound)
            #expect(
                try await send(client, .get, "/exports/restaurants?periode=2026-1l", as: scoped).status
                    == .unprocessableContent)
        }
    }

    @Test(.enabled(if: Tools.pythonHas("openpyxl"))) func aUserOfEveryClientGetsTheWholeMonthAndTheEntries()
        async throws
    {
        let f = try Self.fixture()
        let controller = try f.user("controle", rights: [(.exports, .read)])
        let issued = try f.ledger.invoices(status: .issued).compactMap(\.number)
        #expect(issued.count >= 2)
        try await f.app.application().test(.router) { client in
            let restaurants = try await send(client, .get, "/exports/restaurants?periode=2026-10", as: controller)
            let seen = try Self.clientsIn(Array(restaurants.body.readableBytesView))
            // Every client with an issued contract invoice of October (automatic contracts were validated at generation).
            let billed = Set(
                try f.ledger.invoices(status: .issued)
                    .filter { $0.origin == .contract && "\($0.periodEnd)".hasPrefix("2026-10") }.map(\.client))
            #expect(seen == billed && seen.isSuperset(of: [f.clientIn, f.clientOut]), "\(seen) against \(billed)")
            // The entries are dated on the issue day, in November.
            let fec = try await send(client, .get, "/exports/fec?periode=2026-11", as: controller)
            #expect(fec.status == .ok && fec.header("Content-Type")?.hasPrefix("text/plain") == true)
            #expect(fec.text.hasPrefix("JournalCode\tJournalLib\t"))
            for number in issued { #expect(fec.text.contains(number), "\(number) in the FEC") }
            let csv = try await send(client, .get, "/exports/ecritures?periode=2026-11", as: controller)
            #expect(csv.status == .ok && issued.allSatisfy { csv.text.contains($0) })
        }
    }
}
