import BillingModel
import Diagnostics
import Settings
import Testing
import TestSupport

/// `limits:` in the settings: defaults, values, faults named at their place.
@Suite struct AmountLimitSettings {
    @Test func withoutTheSectionTheDefaultsApply() throws {
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", Fixture.acme)])
        #expect(diagnostics.isEmpty)
        let s = try #require(settings)
        #expect(s.limits == AmountLimits.standard)
        #expect(s.limits.maxDocumentTTC == Money(cents: 100_000_000) && s.limits.maxLineHT == Money(cents: 50_000_000))
    }

    @Test func theLimitsAreRead() throws {
        let yaml =
            Fixture.acme + """
                limits:
                  max_line_ht: 20,000.00
                  max_document_ttc: 50000.00

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let s = try #require(settings)
        #expect(s.limits == AmountLimits(maxLineHT: Money(cents: 2_000_000), maxDocumentTTC: Money(cents: 5_000_000)))
    }

    @Test func aWrongLimitIsNamedAtItsPlace() {
        let yaml =
            Fixture.acme + """
                limits:
                  max_line_ht: lots
                  max_document_ttc: 0
                  max_quantity: 5

                """
        let (settings, diagnostics, _) = Fixture.load([("clients.yaml", yaml)])
        #expect(settings == nil)
        let summary = Fixture.summary(diagnostics)
        #expect(
            summary.contains {
                $0.contains("clients.yaml:") && $0.contains("`max_line_ht` must be an amount") && $0.contains("`lots`")
            }, "\(summary)")
        #expect(summary.contains { $0.contains("`max_document_ttc` must be an amount above 0") }, "\(summary)")
        #expect(summary.contains { $0.contains("max_quantity") }, "\(summary)")
    }
}
