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
        let yaml =
            Fixture.acme + """
                accounting:
                  journal: VE
                  output_vat_accounts:
                    - rate: 20
                      account: "445711"

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        #expect(
            Fixture.summary(diagnostics).contains {
                $0.hasPrefix("E0542") && $0.contains("no output VAT account for 10 %")
            })
    }

    @Test func accountsMustHaveTheShapeOfTheFrenchChart() {
        let yaml =
            Fixture.acme + """
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
        let yaml =
            Fixture.acme + """
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

    @Test func vatOnReceiptsHasPendingAccountsByDefaultAndItsOwnJournal() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        let accounting = try #require(settings?.accounting)
        #expect(accounting.pendingVATAccounts[Percentage(whole: 10)] == "445742")
        #expect(accounting.pendingVATAccounts[Percentage(whole: 20)] == "445741")
        #expect(accounting.vatJournalCode == "OD")
    }

    @Test func aServiceRateNeedsItsPendingVATAccountAndLintSaysWhere() {
        let yaml =
            Fixture.acme + """
                accounting:
                  vat_journal: TVA
                  pending_vat_accounts:
                    - rate: 20
                      account: "445741"
                    - rate: 5.5
                      account: "445712"

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        let summary = Fixture.summary(diagnostics)
        // 445712 is the output account of 10 %: a move to it would post nothing.
        #expect(
            summary.contains {
                $0.hasPrefix("E0521 clients.yaml:18:") && $0.contains("invalid pending VAT account `445712`")
            }, "\(summary)")

        let missing =
            Fixture.acme + """
                accounting:
                  pending_vat_accounts:
                    - rate: 20
                      account: "445741"

                """
        let (none, diagnostics2, _) = Fixture.load([("clients.yaml", missing)])
        #expect(none == nil)
        let summary2 = Fixture.summary(diagnostics2)
        #expect(
            summary2.contains {
                $0.hasPrefix("E0544 clients.yaml:12:") && $0.contains("no pending VAT account for 10 %")
            }, "\(summary2)")
        // A seller that opted for VAT on debits needs none.
        let debits = Fixture.seller.replacingOccurrences(
            of: "  early_payment_discount", with: "  vat_on_debits: true\n  early_payment_discount")
        let (settings3, diagnostics3, _) = Fixture.load([("clients.yaml", missing)], base: debits + Fixture.catalog)
        #expect(settings3 != nil, "\(Fixture.summary(diagnostics3))")
    }
}
