import BillingModel
import ContractLanguage
import Foundation
import HummingbirdTesting
@testable import Ledger
import Testing
import TestSupport
@testable import WebApp
import Workspace

/// A line's French explanation is worded from the facts the engine stored with it ("v18 line facts"), never from
/// its English sentence: every term of the catalogue is explained in French, and rewriting the stored English
/// changes nothing the web app shows.
@Suite struct ExplanationsFromFactsTests {
    /// Every example of the contracts of rules/ (the catalogue's terms), evaluated as the engine bills them: each
    /// line carries its facts, and its French has no English word and no decimal point.
    @Test func everyTermOfTheCatalogueIsExplainedInFrenchFromItsFacts() throws {
        let workspace = try Installation.open(
            configPath: Repository.root.appendingPathComponent("examples/ardoise.yaml").path)
        let today = try #require(Day(iso: "2026-11-23"))
        let set = workspace.rules(today: today)
        #expect(set.contracts.count >= 5)
        var kinds = Set<LineBasis.Kind>()
        var lines = 0
        for contract in set.contracts.values.sorted(by: { $0.client < $1.client }) {
            let compiled = CompiledContract(contract, indexSeries: workspace.indexValues)
            for example in contract.examples {
                var billed = try compiled.evaluate(
                    period: example.period, issueDate: example.issued, revenue: example.revenue
                ).lines
                for o in example.revenue.orders where example.period.contains(o.deliveredOn) {
                    billed += try compiled.priceOrder(o)
                }
                for l in billed {
                    let facts = try #require(l.facts, "\(contract.client) `\(example.name)`: \(l.label) has no facts")
                    #expect(facts.english == l.explanation, "the English is worded from the same facts")
                    let french = French.explanation(facts)
                    #expect(!french.isEmpty)
                    for w in FrenchTests.englishWords { #expect(!french.contains(w), "« \(w) » in « \(french) »") }
                    #expect(
                        french.range(of: #"\d\.\d"#, options: .regularExpression) == nil,
                        "a decimal point in « \(french) »")
                    kinds.insert(l.basis.kind)
                    lines += 1
                }
            }
        }
        let terms: Set<LineBasis.Kind> = [
            .subsidyPerCover, .subsidyCappedByTray, .subsidyAsRecorded, .guestMeals, .admissionFee,
            .cafeteriaParticipation, .flatFee, .floorFee, .tieredFee, .minimumGuarantee, .eventOrder
        ]
        #expect(terms.subtracting(kinds).isEmpty, "not explained by an example: \(terms.subtracting(kinds))")
        #expect(lines > 30)
    }

    /// The stored English of every line of a proforma rewritten in the ledger (as a rewording of the engine would):
    /// the page shows the same French, because it reads the line's facts, never its words.
    @Test func rewritingTheStoredEnglishChangesNoFrenchExplanation() async throws {
        let f = try Fixture()
        let admin = try f.user("admin", admin: true)
        let path = "/proformas/\(f.proforma)"
        try await f.app.application().test(.router) { client in
            let before = FrenchTests.explanations(try await send(client, .get, path, as: admin).text)
            #expect(before.count >= 3 && before.allSatisfy { !$0.isEmpty && !$0.contains("anglais") }, "\(before)")
            try f.ledger.engine.write { db in
                try db.execute(
                    sql: "UPDATE invoice_line SET explanation = 'reworded: nothing to read here' WHERE invoice_id = ?",
                    arguments: [f.proforma])
            }
            let after = FrenchTests.explanations(try await send(client, .get, path, as: admin).text)
            #expect(after == before)
            // The CLI's English is worded from the same facts: the stored words are not read either.
            let stored = try #require(try f.ledger.invoice(id: f.proforma))
            #expect(
                stored.lines.allSatisfy {
                    $0.explanation.hasPrefix("reworded") && !$0.englishExplanation.hasPrefix("reworded")
                })
        }
    }

    /// A line stored before "v18 line facts" whose explanation the migration could not read has no facts: the page
    /// shows its stored English, said to be English, rather than a guess.
    @Test func aLineWithoutFactsShowsItsStoredEnglishAsSuch() throws {
        let line = InvoiceLine(
            invoiceId: 1, position: 1, label: "Prestation", quantity: 1, unitPrice: 10_000, net: 100, vatRate: 100_000,
            explanation: "a sentence nobody wrote")
        #expect(French.explanation(line) == "explication enregistrée en anglais : « a sentence nobody wrote »")
    }
}
