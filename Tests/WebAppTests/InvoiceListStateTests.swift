import BillingEngine
import BillingModel
import Foundation
import Hummingbird
import HummingbirdTesting
import Ledger
import Testing
import WebApp
import Workspace

/// The invoice list sorts by number or date (both ways) in SQL, after the user's scope, shows the TTC total of the
/// listed documents with credit notes deducted, and says of each invoice whether it is paid, partly paid (and what is
/// left), to pay or late, from the ledger's payment allocations and credit notes.
@Suite(.serialized) struct InvoiceListStateTests {
    /// The text of the list row that links to document `id` (from its link to the end of the row).
    static func row(_ html: String, _ id: Int64) -> String? {
        guard let start = html.range(of: "<a href=\"/factures/\(id)\">") else { return nil }
        let rest = html[start.lowerBound...]
        return rest.range(of: "</tr>").map { String(rest[..<$0.lowerBound]) }
    }

    @Test func theListSortsByNumberAndByDateAfterTheScope() async throws {
        let f = try Fixture()
        // The other client's documents, issued last with the highest numbers: more than a page of them, so a scope
        // applied after the limit would leave the scoped user an empty first page when sorted by number descending.
        for n in 0..<105 {
            try ListPagingTests.proforma(f, client: f.clientOut, site: nil, automatic: false, cents: Int64(700 + n))
        }
        let mineWaiting = try f.ledger.invoices(status: .proforma, client: f.clientIn).compactMap(\.id)
        let later = Fixture.today.adding(days: 1)
        let engine = try f.app.workspace.engine(today: later, actor: "test")
        _ = try engine.validate(ids: mineWaiting, on: later)
        let first = try #require(try f.ledger.invoice(id: f.issued)?.invoice.number)
        _ = try engine.credit(
            invoice: first, selections: [CreditSelection(line: 1, amount: Money(cents: 100))], reason: "geste",
            on: later, issue: true)
        let outWaiting = try f.ledger.invoices(status: .proforma, client: f.clientOut).compactMap(\.id)
        let latest = later.adding(days: 1)
        _ = try f.app.workspace.engine(today: latest, actor: "test").validate(ids: outWaiting, on: latest)
        let scoped = try f.user("compta-tri", rights: [(.invoices, .read)], clients: [f.clientIn])
        let mine = try f.ledger.invoices(status: .issued, client: f.clientIn)
        #expect(mine.count >= 4 && mine.contains { $0.type == .creditNote })
        let byNumber = mine.sorted { ($0.number ?? "", $0.id ?? 0) < ($1.number ?? "", $1.id ?? 0) }
        let byDate = mine.sorted {
            ($0.issueDate, $0.number ?? "", $0.id ?? 0) < ($1.issueDate, $1.number ?? "", $1.id ?? 0)
        }
        #expect(Set(mine.map(\.issueDate)).count >= 2, "documents of two days at least")
        try await f.app.application().test(.router) { client in
            let ascending = try await send(client, .get, "/factures?tri=numero", as: scoped)
            #expect(ascending.status == .ok)
            #expect(linkedIDs(ascending.text, "/factures") == byNumber.compactMap(\.id))
            let descending = try await send(client, .get, "/factures?tri=-numero", as: scoped)
            #expect(
                linkedIDs(descending.text, "/factures") == byNumber.reversed().compactMap(\.id),
                "the scope is applied before the page")
            #expect(!descending.text.contains(f.clientOut))
            let dated = try await send(client, .get, "/factures?tri=date", as: scoped)
            #expect(linkedIDs(dated.text, "/factures") == byDate.compactMap(\.id))
            let lastFirst = try await send(client, .get, "/factures?tri=-date", as: scoped)
            #expect(linkedIDs(lastFirst.text, "/factures") == byDate.reversed().compactMap(\.id))
            #expect(
                lastFirst.text.contains("<option value=\"-date\" selected>date décroissante</option>"),
                "the chosen order is shown")
            // An order the list does not know is the default, creation order.
            let unknown = try await send(client, .get, "/factures?tri=montant", as: scoped)
            #expect(linkedIDs(unknown.text, "/factures") == mine.compactMap(\.id))
            // Every client for an administrator: the first page sorted by number descending is the other client's last ones.
            let admin = try f.user("admin-tri", admin: true)
            let all = try f.ledger.invoices(status: .issued).sorted {
                ($0.number ?? "", $0.id ?? 0) > ($1.number ?? "", $1.id ?? 0)
            }
            let page = try await send(client, .get, "/factures?tri=-numero", as: admin)
            #expect(linkedIDs(page.text, "/factures") == all.prefix(100).compactMap(\.id))
            let next = try await send(client, .get, "/factures?tri=-numero&page=2", as: admin)
            #expect(
                linkedIDs(next.text, "/factures") == all.dropFirst(100).prefix(100).compactMap(\.id),
                "page 2 keeps the order")
            #expect(
                page.text.contains("tri=-numero&amp;page=2") || page.text.contains("tri=-numero&page=2"),
                "the pager keeps the order")
        }
    }

    @Test func eachInvoiceSaysWhatIsPaidAndTheTotalIsTTCWithCreditNotesDeducted() async throws {
        let f = try Fixture()
        for n in 0..<2 {
            try ListPagingTests.proforma(f, client: f.clientIn, site: nil, automatic: false, cents: Int64(50_000 + n))
        }
        let engine = try f.app.workspace.engine(today: Fixture.today, actor: "test")
        _ = try engine.validate(
            ids: try f.ledger.invoices(status: .proforma, client: f.clientIn).compactMap(\.id), on: Fixture.today)
        let invoices = try f.ledger.invoices(status: .issued, client: f.clientIn).filter { $0.type == .invoice }
        #expect(invoices.count >= 5)
        let (paid, partly, untouched, credited, creditedAndPaid) = (
            invoices[0], invoices[1], invoices[2], invoices[3], invoices[4]
        )
        // A credit note of 10.00 HT on one invoice, and on another, which is then paid what is left.
        for i in [credited, creditedAndPaid] {
            _ = try engine.credit(
                invoice: i.number ?? "", selections: [CreditSelection(line: 1, amount: Money(cents: 1_000))],
                reason: "geste",
                on: Fixture.today, issue: true)
        }
        let creditNotes = try f.ledger.creditNotes(of: creditedAndPaid.id ?? 0).map(\.invoice)
        let creditedTTC = creditNotes.map(\.totalTtc).reduce(0, +)
        #expect(creditedTTC > 0)
        let settings = f.app.workspace.settings
        let credits = [
            (paid, paid.totalTtc), (partly, partly.totalTtc - 1_234),
            (creditedAndPaid, creditedAndPaid.totalTtc - creditedTTC)
        ].enumerated().map { n, p in
            BankCredit(
                reference: "REF-\(n)", bookingDate: Fixture.today, amount: Money(cents: p.1), debtorName: nil,
                debtorIBAN: nil,
                remittance: "Facture \(p.0.number ?? "")")
        }
        let stray = BankCredit(
            reference: "REF-X", bookingDate: Fixture.today, amount: Money(cents: 4_200), debtorName: "Inconnu SA",
            debtorIBAN: nil, remittance: "virement divers")
        let imported = try f.ledger.importPayments(
            credits + [stray], file: "releve.csv", customers: settings.customersByName,
            posting: settings.bankPosting, actor: "test", today: Fixture.today)
        #expect(
            imported.prefix(3).allSatisfy { !$0.allocations.isEmpty } && imported.last?.allocations.isEmpty == true,
            "\(imported)")
        let user = try f.user("compta-etat", rights: [(.invoices, .read)], clients: [f.clientIn])
        let mine = try f.ledger.invoices(status: .issued, client: f.clientIn)
        try await f.app.application().test(.router) { client in
            let list = try await send(client, .get, "/factures", as: user).text
            #expect(list.contains("<th>Paiement</th>"))
            #expect(
                Self.row(list, paid.id ?? 0)?.contains("<td>payée</td>") == true,
                "\(Self.row(list, paid.id ?? 0) ?? list)")
            #expect(Self.row(list, partly.id ?? 0)?.contains("<td>partiellement payée, reste 12,34 €</td>") == true)
            #expect(Self.row(list, untouched.id ?? 0)?.contains("<td>à payer</td>") == true)
            let left = euroText(
                credited.totalTtc
                    - (try f.ledger.creditNotes(of: credited.id ?? 0).map(\.invoice.totalTtc).reduce(0, +)))
            #expect(
                Self.row(list, credited.id ?? 0)?.contains("<td>partiellement payée, reste \(left)</td>") == true,
                "a credit note counts")
            #expect(
                Self.row(list, creditedAndPaid.id ?? 0)?.contains("<td>payée</td>") == true,
                "credited, then paid the rest")
            for note in creditNotes { #expect(Self.row(list, note.id ?? 0)?.contains("<td>—</td>") == true) }
            // The totals of the listed documents: HT and TTC, credit notes deducted, and said so.
            let totals = listTotals(mine)
            #expect(
                list.contains(
                    "\(mine.count) documents · total HT \(euroText(totals.ht)) · TTC \(euroText(totals.ttc)) (avoirs déduits)"
                ))

            // The payments received, unmatched first, each with the invoices it settled; the company's account, so only
            // for users who see every client.
            let everyClient = try f.user("compta-paiements", rights: [(.invoices, .read)])
            let home = try await send(client, .get, "/", as: everyClient).text
            #expect(
                home.contains("<a href=\"/paiements?non-rapproches=1\">1 paiement reçu non rapproché (42,00 €)"),
                "\(home)")
            let payments = try await send(client, .get, "/paiements", as: everyClient)
            #expect(payments.status == .ok)
            #expect(payments.text.contains("4 paiements reçus") && payments.text.contains("1 non rapproché (42,00 €)"))
            #expect(payments.text.contains("<a href=\"/factures/\(paid.id ?? 0)\">\(paid.number ?? "") ("))
            let stray = try #require(payments.text.range(of: "REF-X")),
                settled = try #require(payments.text.range(of: "REF-0"))
            #expect(stray.lowerBound < settled.lowerBound, "unmatched first")
            let open = try await send(client, .get, "/paiements?non-rapproches=1", as: everyClient).text
            #expect(open.contains("REF-X") && !open.contains("REF-0"))
            #expect(try await send(client, .get, "/paiements", as: user).status == .forbidden, "a scoped user")
        }
        // Past the due date, what is not paid is late, with what is left when part was settled.
        let late = try WebApp(
            workspace: f.app.workspace,
            options: Fixture.options(today: try #require(Day(iso: "2027-06-30"))))
        try await late.application().test(.router) { client in
            let list = try await send(client, .get, "/factures", as: user).text
            #expect(Self.row(list, paid.id ?? 0)?.contains("<td>payée</td>") == true)
            #expect(Self.row(list, untouched.id ?? 0)?.contains("<td>en retard</td>") == true)
            #expect(Self.row(list, partly.id ?? 0)?.contains("<td>en retard, reste 12,34 €</td>") == true)
        }
    }
}
