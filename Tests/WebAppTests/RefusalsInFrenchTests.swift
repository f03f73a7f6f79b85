import BillingEngine
import BillingModel
import DemoMonthSupport
import Foundation
import HummingbirdTesting
import Ledger
import Testing
import TestSupport
@testable import WebApp
import Workspace

/// The engine's refusals reach the accountant in French, worded from their facts (no English, no command
/// line), with the status they deserve: 409 for a conflict with a document's state, 422 for what was typed.
@Suite struct RefusalsInFrenchTests {
    static let day = Day(iso: "2026-11-02") ?? Day(ordinal: 0)

    /// One of each refusal the ledger and the engine type.
    static let every: [InvoiceError] = [
        .noInvoice("FA-9"), .noLine(document: "FA-2026-000001", line: 9, lines: 3),
        .notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .validate),
        .notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .discard),
        .notProforma(id: 4, status: .discarded, number: nil, action: .edit),
        .monthClosed(month: "2026-10", day: nil, what: nil),
        .monthClosed(month: "2026-10", day: day, what: .creditNote),
        .revenueCorrected(proforma: 3, siteDays: 2),
        .orderChanged(
            order: "EVT-1", proforma: 3, priced: 1, now: 2, origin: .contract, client: "C0001",
            period: "2026-10-01..2026-10-31"),
        .datedBeforeLast(
            kind: .invoice, id: 3, client: "C0001", day: day, series: "FA", last: "FA-2026-000009",
            lastDate: "2026-11-05"),
        .datedBeforeLast(
            kind: .creditNote, id: nil, client: nil, day: day, series: nil, last: "AV-2026-000001",
            lastDate: "2026-11-05"),
        .proformasPending(count: 3, month: "2026-11"), .creditOfNotIssued(number: "FA-1", status: .proforma),
        .creditOfCreditNote(number: "AV-1"), .lineCreditedInFull(line: 1, number: "FA-1"),
        .lineCreditTooMuch(
            line: 1, number: "FA-1", left: Money(cents: 100), of: Money(cents: 1000), asked: Money(cents: 200)),
        .creditTooMuch(
            number: "FA-1", total: Money(cents: 1000), credited: Money(cents: 900), waiting: Money(cents: 100),
            asked: Money(cents: 200)),
        .reasonRequired, .lineNotPositive(line: 2, number: "FA-1"), .creditAmountNotPositive(line: 2),
        .unknownClient("C9"),
        .notAPayer(payer: "P1", client: "C1"), .noLines, .notFrenchRate(label: "Plat", rate: VATRate(whole: 7)),
        .creditNamesNoInvoice,
        .notAnIssuedInvoice("FA-3"), .invoiceOfAnotherClient(number: "FA-3", client: "C1", expected: "C2"),
        .doesNotAddUp(kind: .invoice, client: "C1", period: "2026-10", overflow: MoneyOverflow("1 × 2")), .lastLine,
        .noNumberSeries("ZZ"), .lineText(text: "Plat|x|1|10", problem: .quantityNotWhole("x")),
        .noReceivableAccount(document: nil, proforma: 3, client: "C1", customer: "C1"), .discardedHasNoDocument(id: 3),
        .proformaHasNoEInvoice(id: 3), .noPayment(4), .paymentFullyAllocated(4), .owesNothing(number: "FA-1"),
        // Those that were one English string before: documents made into files, sending, submitting, posting,
        // reminders, the outbox and the platform.
        .documentFile(document: "AV-1", problem: .creditNamesNoIssuedInvoice),
        .documentFile(document: "FA-1", problem: .linesDoNotAddUp(MoneyOverflow("1 × 2"))),
        .documentFile(document: "FA-1", problem: .totalsDiffer(lines: Money(cents: 100), ledger: Money(cents: 200))),
        .documentFile(document: "FA-1", problem: .payerNotInSettings("P1")),
        .documentFile(document: "FA-1", problem: .clientNotInSettings("C1")),
        .documentFile(document: "FA-1", problem: .cannotRender("pango: no font `Foo`")),
        .documentFile(document: "FA-1", problem: .noEInvoice),
        .notIssued(document: "FA-1", action: .send), .notIssued(document: "FA-1", action: .submit),
        .notIssued(document: "FA-1", action: .lifeCycle), .notIssuedByArdoise(document: "FA-2026-000009", series: "FA"),
        .malformedStoredValue(document: "proforma 12", field: "payment terms", value: "30 jrs"),
        .cannotPost(document: "FA-1", problem: .noVATAccount(rate: "7")),
        .cannotPost(document: "FA-1", problem: .unbalanced(debit: Money(cents: 100), credit: Money(cents: 99))),
        .unknownReminderTarget("X1"), .remindersAlreadyPaused("C1"), .remindersNotPaused("C1"), .noNotice(3),
        .noticeFinal(id: 3, status: "sent"), .noOutboxMessage(3),
        .messageSent(id: 3, number: "FA-1", at: "2026-11-02T09:00:00Z"),
        .noIssuedDocument("FA-9"), .noPlatformFlow(3),
        .flowSubmitted(id: 3, number: "FA-1", at: "2026-11-02T09:00:00Z", flowID: "F-1"),
        .noReportFile, .noLineNamed(proforma: 3, line: "x", lines: 2)
    ]

    /// English words the engine's refusals use and no French refusal keeps.
    static let englishWords = [
        "document file", "cannot", "not issued", "is not", "has no", "nothing to", "already", "paused",
        "notice", "message", "flow", "submitted", "posted", "settings", "rendered", "series", "pango"
    ]

    @Test func everyRefusalThatWasAnEnglishStringIsFrenchNow() {
        for e in Self.every {
            let french = French.refusal(e)
            for w in Self.englishWords { #expect(!french.contains(w), "« \(w) » in « \(french) » (\(e))") }
        }
        #expect(
            French.refusal(.cannotPost(document: "FA-1", problem: .noVATAccount(rate: "5.5")))
                == "FA-1 ne peut pas être passé en comptabilité : aucun compte de TVA collectée pour 5,5 % dans les réglages."
        )
        #expect(
            French.status(.noOutboxMessage(3)) == .notFound
                && French.status(.messageSent(id: 3, number: "FA-1", at: nil)) == .conflict)
        // The workspace's and the users' refusals the web app meets.
        let contracts = WorkspaceError(
            "the contracts have errors: run `ardoise lint`", reason: .contractsHaveErrors(files: ["/x/rules/c0001.ard"])
        )
        #expect(
            French.refusal(contracts)
                == "Des contrats ont des erreurs (c0001.ard) : rien n'est fait sur les documents tant qu'ils ne sont pas corrigés (écran Clients)."
        )
        let fec = WorkspaceError("fec.txt: …", reason: .fecCharacter(line: 12, column: "EcritureLib", character: "’"))
        #expect(French.refusal(fec).contains("« ’ » (ligne 12, colonne EcritureLib)"))
        for e in [UserError.unknownUser("x"), .duplicate("x"), .lastAdministrator("x")] {
            #expect(
                !French.refusal(e).contains("`") && !French.refusal(e).contains("ardoise ")
                    && French.refusal(e) != e.description)
        }
    }

    /// Through the pages: a login taken or malformed, and documents acted on while a contract has errors.
    @Test func theUsersAndTheWorkspacesRefusalsArePagesInFrench() async throws {
        let f = try Fixture()
        let admin = try f.user("admin-refus", admin: true)
        try await f.app.application().test(.router) { client in
            let form = [("login", "admin-refus"), ("nom", "Autre"), ("password", "mot-de-passe-long")]
            let taken = try await send(client, .post, "/utilisateurs", as: admin, form: form)
            #expect(taken.status == .conflict, "\(taken.status)")
            #expect(taken.text.contains("Un utilisateur « admin-refus » existe déjà."), "\(taken.text)")
            let malformed = try await send(
                client, .post, "/utilisateurs", as: admin,
                form: [("login", "é t é"), ("nom", "X"), ("password", "mot-de-passe-long")])
            #expect(malformed.status == .unprocessableContent)
            #expect(malformed.text.contains("L&#39;identifiant « é t é » ne peut contenir que"), "\(malformed.text)")
            #expect(!malformed.text.contains("a login is"))
        }

        // A contract broken after the ledger was billed: documents are not acted on, and the page says why in French.
        let month = try DemoMonth("refusals-contracts", sites: 2, clients: 6, seed: 11)
        try month.bill(validateAll: false)
        let rules = month.folder.appendingPathComponent("rules")
        let file = try #require(
            try FileManager.default.contentsOfDirectory(atPath: rules.path).filter { $0.hasSuffix(".ard") }.sorted()
                .first)
        let path = rules.appendingPathComponent(file)
        try (try String(contentsOf: path, encoding: .utf8) + "\nterm broken: per cover\n").write(
            to: path, atomically: true, encoding: .utf8)
        let workspace = try Installation.open(configPath: month.folder.appendingPathComponent("ardoise.yaml").path)
        let app = try WebApp(workspace: workspace, options: Fixture.options())
        let proforma = try #require(try month.ledger.invoices(status: .proforma).first?.id)
        let u = try app.accounts.addUser(login: "compta", name: "Compta", password: nil, admin: true, actor: "test")
        let session = try app.accounts.openSession(userID: try #require(u.id), lifetime: 3600)
        let accountant = TestUser(login: "compta", cookie: session.token, csrf: session.csrf, token: "")
        try await app.application().test(.router) { client in
            let refused = try await send(
                client, .post, "/proformas/valider", as: accountant, form: [("id", String(proforma)), ("confirme", "1")]
            )
            #expect(refused.status == .unprocessableContent, "\(refused.status)")
            #expect(refused.text.contains("Des contrats ont des erreurs (\(file))"), "\(refused.text)")
            #expect(!refused.text.contains("ardoise lint") && !refused.text.contains("have errors"))
        }
        #expect(try month.ledger.invoice(id: proforma)?.invoice.status == .proforma, "nothing issued")
    }

    @Test func everyTypedRefusalHasItsFrenchWithoutACommandLine() {
        for e in Self.every {
            let french = French.refusal(e)
            #expect(french != e.description, "\(e): no French")
            #expect(!french.contains("ardoise ") && !french.contains("--") && !french.contains("`"), "\(french)")
        }
        #expect(
            French.refusal(.notProforma(id: 4, status: .issued, number: "FA-2026-000004", action: .edit))
                == "Ce document est émis sous le numéro FA-2026-000004 : un document émis ne change jamais ; faites un avoir (document 4)."
        )
        #expect(
            French.refusal(.monthClosed(month: "2026-10", day: nil, what: nil))
                == "Le mois d'octobre 2026 est clôturé : rien ne peut y être émis.")
        #expect(French.status(.lineCreditedInFull(line: 1, number: "FA-1")) == .conflict)
        #expect(French.status(.reasonRequired) == .unprocessableContent)
        #expect(French.status(.noInvoice("x")) == .notFound)
    }

    @Test func aCreditTheEngineRefusesIsAFrenchPageWithItsStatus() async throws {
        let f = try Fixture()
        let accountant = try f.user("compta-avoir", rights: [(.invoices, .write)])
        let issued = try #require(try f.ledger.invoice(id: f.issued))
        let number = try #require(issued.invoice.number)
        let line = try #require(issued.lines.first)
        try await f.app.application().test(.router) { client in
            // Typed: a line the invoice does not have.
            let noLine = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: accountant,
                form: [("confirme", "1"), ("motif", "geste"), ("ligne", "99")])
            #expect(noLine.status == .unprocessableContent, "\(noLine.status)")
            #expect(
                noLine.text.contains("\(number) n&#39;a pas de ligne 99 (lignes 1 à \(issued.lines.count))."),
                "\(noLine.text)")
            // A conflict: more than what is left of the line.
            let tooMuch = Money(cents: line.net + 100)
            let over = try await send(
                client, .post, "/factures/\(f.issued)/avoir", as: accountant,
                form: [
                    ("confirme", "1"), ("motif", "geste"), ("ligne", "\(line.position)"),
                    ("montant-\(line.position)", tooMuch.description)
                ])
            #expect(over.status == .conflict, "\(over.status)")
            #expect(over.text.contains("La ligne \(line.position) de \(number) n&#39;a plus que"), "\(over.text)")
            #expect(!over.text.contains("left to credit") && !over.text.contains("ardoise "))
            // The menu and the sign-out stay on the error page.
            #expect(over.text.contains("/deconnexion"))
        }
    }
}
