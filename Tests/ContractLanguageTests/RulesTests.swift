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
        // Only the coming revisions' index values, not yet published, are said (W0802): no error.
        #expect(set.diagnostics.allSatisfy { $0.code == "W0802" }, "\(rendered)")
        for (client, contract) in set.contracts {
            for r in ExampleRunner.run(contract, indexSeries: Fixtures.context.indexSeries) {
                #expect(
                    r.passed, "\(client) example `\(r.example)`:\n\(r.failures.joined(separator: "\n"))\n\(r.report)")
            }
        }
    }

    @Test func theRulesUseEveryTermOfTheCatalogue() throws {
        let set = RuleSet(files: try Fixtures.ruleFiles(), context: Fixtures.context)
        let used = CatalogueCoverage.terms(usedBy: set.contracts.values)
        let expected: Set<String> = [
            "T1", "T2", "T3", "T4", "T5", "T6", "T6:share", "T7", "T8:in arrears", "T8:in advance", "T9",
            "T10:graduated", "T10:volume", "T11", "T12", "T13", "T14", "T15", "T15a", "T15b", "T16:monthly",
            "T16:weekly", "T16:quarterly fee", "T17:auto", "T17:accountant", "T18:site", "T18:payer",
            "T19:one invoice per order", "T19:grouped monthly", "T19:discount", "T19:delivery fee", "T20"
        ]
        #expect(expected.subtracting(used).isEmpty, "not used: \(expected.subtracting(used).sorted())")
    }
}
