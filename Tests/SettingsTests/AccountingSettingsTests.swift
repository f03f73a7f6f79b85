import BillingModel
import Diagnostics
import Settings
import Testing
import TestSupport

/// The sales journal's accounts: defaults from the French chart, overrides checked.
@Suite struct AccountingSettingsTests {
    @Test func withoutTheSectionTheDefaultsApply() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        let accounting = try #require(settings?.accounting)
        #expect(accounting.journalCode == "VT" && accounting.customerAccount == "411000")
        #expect(accounting.outputVATAccounts[Percentage(whole: 20)] == "445711")
        #expect(accounting.outputVATAccounts[Percentage(whole: 10)] == "445712")
    }

    @Test func aRateARevenueTypeBillsAtNeedsItsOutputVATAccount() {
        let yaml = Fixture.acme + """
        accounting:
          journal: VE
          output_vat_accounts:
            - rate: 20
              account: "445711"

        """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        #expect(Fixture.summary(diagnostics).contains { $0.hasPrefix("E0542") && $0.contains("no output VAT account for 10 %") })
    }

    @Test func accountsMustHaveTheShapeOfTheFrenchChart() {
        let yaml = Fixture.acme + """
        accounting:
          journal: "V T"
          customer_account: "512000"
          default_revenue_account: "606000"
          output_vat_accounts:
            - rate: 20
              account: "445661"
            - rate: 7
              account: "445799"

        """
        let (_, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        let codes = diagnostics.map(\.code)
        #expect(codes.filter { $0 == "E0521" }.count == 3, "\(Fixture.summary(diagnostics))")
        #expect(codes.contains("E0509"))
        #expect(codes.contains("E0515"))
    }

    @Test func overridesAreRead() throws {
        let yaml = Fixture.acme + """
        accounting:
          journal: VE
          journal_label: Ventes restauration
          customer_account: 411CLI
          default_revenue_account: "708800"
          output_vat_accounts:
            - { rate: 20, account: "4457120" }
            - { rate: 10, account: "4457110" }

        """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let accounting = try #require(settings?.accounting)
        #expect(accounting.journalCode == "VE" && accounting.journalLabel == "Ventes restauration")
        #expect(accounting.customerAccount == "411CLI" && accounting.defaultRevenueAccount == "708800")
        #expect(accounting.outputVATAccounts == [Percentage(whole: 20): "4457120", Percentage(whole: 10): "4457110"])
    }
}
