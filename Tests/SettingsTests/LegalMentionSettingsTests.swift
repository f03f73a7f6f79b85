import BillingModel
import Diagnostics
import Settings
import Testing
import TestSupport

/// The seller's legal form, share capital and RCS city, and each revenue type's nature (goods or services): read,
/// and every fault named at its file and line.
@Suite struct LegalMentionSettings {
    static let registered = """
          legal_form: SAS
          share_capital: 150000.00
          rcs_city: Nanterre

        """

    @Test func theSellersRegistrationAndTheRevenueTypesNatureAreRead() throws {
        let base =
            Fixture.seller + Self.registered
            + Fixture.catalog.replacingOccurrences(
                of: "vat_rate: 20 }",
                with:
                    "vat_rate: 20 }\n  - { code: CAFET, label: Cafétéria, activity: CAFET, kind: cafeteria, revenue_account: \"706400\", vat_rate: 5.5, nature: goods }"
            )
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)], base: base)
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let s = try #require(settings)
        #expect(s.seller.legalForm == "SAS")
        #expect(s.seller.shareCapital == Money(cents: 15_000_000))
        #expect(s.seller.rcsCity == "Nanterre")
        #expect(s.revenueType("CAFET")?.nature == .goods)
        #expect(s.revenueType("SUBV")?.nature == .services, "services by default")
    }

    @Test func withoutThemTheSettingsStillLoad() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        #expect(try #require(settings).seller.legalForm == nil)
    }

    @Test func aWrongOrIncompleteRegistrationIsNamedAtItsPlace() {
        let wrong =
            Fixture.seller + """
                  legal_form: Société
                  share_capital: 0
                  rcs_city: "92000"

                """ + Fixture.catalog
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)], base: wrong)
        #expect(settings == nil)
        let summary = Fixture.summary(diagnostics)
        #expect(
            summary.contains { $0.contains("base.yaml:10:") && $0.contains("unknown legal form `Société`") },
            "\(summary)")
        #expect(summary.contains { $0.contains("base.yaml:11:") && $0.contains("share capital") }, "\(summary)")
        #expect(
            summary.contains { $0.contains("base.yaml:12:") && $0.contains("invalid rcs city `92000`") }, "\(summary)")

        let partial = Fixture.seller + "  legal_form: SAS\n" + Fixture.catalog
        let (none, missing, _) = Fixture.load([("clients.yaml", Fixture.acme)], base: partial)
        #expect(none == nil)
        let said = Fixture.summary(missing)
        #expect(said.contains { $0.contains("base.yaml:") && $0.contains("missing key `share_capital`") }, "\(said)")
        #expect(said.contains { $0.contains("missing key `rcs_city`") }, "\(said)")

        let nature =
            Fixture.seller
            + Fixture.catalog.replacingOccurrences(of: "vat_rate: 20 }", with: "vat_rate: 20, nature: food }")
        let (noNature, natureSaid, _) = Fixture.load([("clients.yaml", Fixture.acme)], base: nature)
        #expect(noNature == nil)
        #expect(
            Fixture.summary(natureSaid).contains { $0.contains("base.yaml:") && $0.contains("`food`") },
            "\(Fixture.summary(natureSaid))")
    }
}
