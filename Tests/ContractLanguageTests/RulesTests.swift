import BillingModel
import ContractLanguage
import Diagnostics
import Testing

@Suite struct RulesTests {
    @Test func everyContractInRulesIsLintCleanAndItsExamplesPass() throws {
        let files = try Fixtures.ruleFiles()
        #expect(files.count >= 5)
        let set = RuleSet(files: files, context: Fixtures.context)
        let rendered = DiagnosticRenderer(sources: set.sources).render(set.diagnostics, format: .text)
        #expect(set.diagnostics.isEmpty, "\(rendered)")
        for (client, contract) in set.contracts {
            for r in ExampleRunner.run(contract, indexSeries: Fixtures.context.indexSeries) {
                #expect(r.passed, "\(client) example `\(r.example)`:\n\(r.failures.joined(separator: "\n"))\n\(r.report)")
            }
        }
    }

    @Test func theRulesUseEveryTermOfTheCatalogue() throws {
        let set = RuleSet(files: try Fixtures.ruleFiles(), context: Fixtures.context)
        var used: Set<String> = []
        for c in set.contracts.values {
            used.insert("T15")  // payment terms
            used.insert("T16:\(c.cadence.rawValue)")
            used.insert(c.automaticValidation ? "T17:auto" : "T17:accountant")
            if c.perSite { used.insert("T18:site") }
            if c.validUntil != nil || c.validFrom > Day(iso: "2026-01-01")! { used.insert("T20") }
            if case .daysThenEndOfMonth = c.payment { used.insert("T15a") }
            if case .endOfMonthThenDays = c.payment { used.insert("T15b") }
            if !c.notBilled.isEmpty { used.insert("T1") }
            for t in c.terms {
                if t.payer != nil { used.insert("T18:payer") }
                if t.revision != nil { used.insert("T14") }
                switch t.rule {
                case .subsidyPerCover(_, let cats):
                    used.insert("T2")
                    if cats.contains(where: { !($0.price?.changes.isEmpty ?? true) }) { used.insert("T13") }
                case .subsidyAsRecorded: used.insert("T3")
                case .subsidyCappedByTray: used.insert("T4")
                case .guestMeals: used.insert("T5")
                case .admissionFee(_, _, let share): used.insert("T6"); if share != .full { used.insert("T6:share") }
                case .cafeteriaParticipation: used.insert("T7")
                case .flatFee(_, let per, _, let timing):
                    used.insert("T8:\(timing.rawValue)")
                    if per == .quarter { used.insert("T16:quarterly fee") }
                    if c.validFrom.dayOfMonth != 1 { used.insert("T12") }
                case .floorFee: used.insert("T9")
                case .tieredFee(let mode, _, _, _): used.insert("T10:\(mode.rawValue)")
                case .minimumGuarantee: used.insert("T11")
                case .events(let e):
                    used.insert("T19:\(e.grouping.rawValue)")
                    if e.discount != nil { used.insert("T19:discount") }
                    if e.deliveryFee != nil { used.insert("T19:delivery fee") }
                }
            }
        }
        let expected: Set<String> = ["T1", "T2", "T3", "T4", "T5", "T6", "T6:share", "T7", "T8:in arrears", "T8:in advance", "T9",
                                     "T10:graduated", "T10:volume", "T11", "T12", "T13", "T14", "T15", "T15a", "T15b", "T16:monthly",
                                     "T16:weekly", "T16:quarterly fee", "T17:auto", "T17:accountant", "T18:site", "T18:payer",
                                     "T19:one invoice per order", "T19:grouped monthly", "T19:discount", "T19:delivery fee", "T20"]
        #expect(expected.subtracting(used).isEmpty, "not used: \(expected.subtracting(used).sorted())")
    }
}
