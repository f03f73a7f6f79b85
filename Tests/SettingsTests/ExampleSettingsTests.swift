import BillingModel
import Diagnostics
import Foundation
import Settings
import Testing
import TestSupport

@Suite struct ExampleSettingsTests {
    let examples = Repository.root.appendingPathComponent("examples")

    @Test func exampleSettingsLoadWithoutAnyDiagnostic() throws {
        let (settings, diagnostics) = SettingsLoader.load(files: [examples.appendingPathComponent("settings.yaml").path]
        )
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let s = try #require(settings)
        #expect(s.seller.legalName == "Serenest SAS")
        #expect(s.seller.iban == "FR7630004008230001045871294")
        #expect(s.seller.recoveryIndemnity == Money(cents: 4000))
        #expect(s.seller.latePaymentPenaltyRate == Percentage(tenThousandths: 121_500))
        #expect(s.timeZone == "Europe/Paris" && s.currency == "EUR")
        #expect(s.clients.map(\.code) == ["ACME", "C0013", "C0014", "C0025", "C0027"])
        #expect(s.sites.map(\.code) == ["LD01", "LD02"])
        #expect(s.site("LD02")?.name == "Issy - Cœur de Ville")
        #expect(s.revenueTypes.map(\.code) == ["SUBV", "DROIT", "INVIT", "CAFET", "FRAIS", "GARANTIE", "EVT"])
        #expect(s.revenueType("FRAIS")?.vatRate == Percentage(whole: 20))
        #expect(s.revenueType("GARANTIE")?.kind == .minimumGuarantee)
        #expect(s.revenueTypes(of: .guestMeals).map(\.code) == ["INVIT"])
        #expect(s.client("C0025")?.sites == ["LD01", "LD02"])
        #expect(s.client("C0025")?.dinerCategories == ["A", "STA", "INV"])
        #expect(s.client("ACME")?.revenueTypes == ["SUBV", "INVIT", "DROIT", "FRAIS"])
        #expect(s.payer("C0013-CSE")?.client.code == "C0013")
        #expect(s.payer("C0013-CSE")?.payer.vatNumber == nil)
        #expect(s.clients(atSite: "LD02").map(\.code) == ["C0025"])
        #expect(s.numberSeries(for: .invoice)?.number(42) == "FA-2026-000042")
        #expect(s.numberSeries("AV")?.number(7) == "AV-2026-000007")
    }

    @Test func exampleIndexHasEveryMonthAndTheContractualValues() throws {
        let (settings, _) = SettingsLoader.load(files: [examples.appendingPathComponent("settings.yaml").path])
        let index = try #require(settings?.indexSeries("ILC-RESTO"))
        #expect(index.months.count == 34)
        #expect(index.months.first?.description == "2024-01" && index.months.last?.description == "2026-10")
        #expect(index.value(for: try #require(Month("2025-09")))?.tenThousandths == 1_182_000)
        #expect(index.value(for: try #require(Month("2026-09")))?.tenThousandths == 1_217_000)
        #expect(index.value(for: try #require(Month("2023-12"))) == nil)
    }

    @Test func exampleConfigResolvesPathsAgainstItsFolder() throws {
        let path = examples.appendingPathComponent("ardoise.yaml").path
        let (config, diagnostics) = ArdoiseConfig.load(file: path)
        #expect(diagnostics.isEmpty, "\(Fixture.summary(diagnostics))")
        let c = try #require(config)
        #expect(c.settingsFiles == [examples.appendingPathComponent("settings.yaml").path])
        #expect(c.rulesDirectory == examples.path + "/../rules")
        #expect(c.databasePath == examples.path + "/../out/ardoise.sqlite")
        #expect(c.inboxDirectory == examples.path + "/inbox")
        #expect(c.documentsDirectory == examples.path + "/out")
        let (settings, settingsDiagnostics) = c.loadSettings()
        #expect(settings != nil && settingsDiagnostics.isEmpty)
    }

    @Test func configDefaults() throws {
        let (config, diagnostics) = ArdoiseConfig.load(
            source: SourceFile(path: "proj/ardoise.yaml", text: "settings: [s.yaml]\n"),
            fileExists: { _ in true })
        #expect(diagnostics.isEmpty)
        let c = try #require(config)
        #expect(c.settingsFiles == ["proj/s.yaml"])
        #expect(c.rulesDirectory == "proj/rules" && c.databasePath == "proj/ardoise.sqlite")
        #expect(c.inboxDirectory == "proj/inbox" && c.documentsDirectory == "proj/out")
        #expect(c.issueDateTimeZone == nil)
    }

    @Test func everyCodeHasAnExplanation() {
        let codes = Set(SettingsExplanations.all.map(\.code))
        #expect(codes.count == SettingsExplanations.all.count)
        #expect(codes == Set(SettingsCode.all))
        for code in SettingsCode.all {
            #expect(codes.contains(code), "no explanation for \(code)")
        }
        for e in SettingsExplanations.all {
            #expect(!e.title.isEmpty && !e.body.isEmpty && !e.wrong.isEmpty && !e.fixed.isEmpty)
        }
        let rendered = SettingsExplanations.explanation(for: "E0510")?.rendered ?? ""
        Golden.assertMatches(rendered, file: Fixture.golden("explain-E0510"))
    }
}

@Suite struct IdentifierTests {
    @Test func siren() {
        #expect(Identifiers.isValidSIREN("812457638"))
        #expect(Identifiers.isValidSIREN("552100554"))
        #expect(!Identifiers.isValidSIREN("812457639"))
        #expect(!Identifiers.isValidSIREN("81245763"))
        #expect(!Identifiers.isValidSIREN("81245763A"))
    }

    @Test func frenchVATNumber() {
        #expect(Identifiers.frenchVATNumber(siren: "404833048") == "FR83404833048")
        #expect(Identifiers.isValidFrenchVATNumber("FR91812457638"))
        #expect(!Identifiers.isValidFrenchVATNumber("FR92812457638"))
        #expect(Identifiers.frenchVATKey(siren: "000000002") == "18")
    }

    @Test func iban() {
        #expect(Identifiers.isValidIBAN("FR7630004008230001045871294"))
        #expect(Identifiers.isValidIBAN("FR76 3000 4008 2300 0104 5871 294"))
        #expect(Identifiers.isValidIBAN("DE89370400440532013000"))
        #expect(!Identifiers.isValidIBAN("FR7630004008230001045871295"))
        #expect(!Identifiers.isValidIBAN("FR763000400823000104587129"))
    }

    @Test func bicAndEmail() {
        #expect(Identifiers.isValidBIC("BNPAFRPPXXX") && Identifiers.isValidBIC("BNPAFRPP"))
        #expect(!Identifiers.isValidBIC("BNP1FRPP"))
        #expect(Identifiers.isValidEmail("factures@acme-industries.fr"))
        #expect(Identifiers.isValidEmail("jean.dupont+compta@exemple.co.uk"))
        #expect(!Identifiers.isValidEmail("factures@acme"))
        #expect(!Identifiers.isValidEmail("factures.acme.fr"))
        #expect(!Identifiers.isValidEmail("a@b@c.fr"))
        #expect(!Identifiers.isValidEmail("jean dupont@acme.fr"))
    }

    @Test func invoiceNumbers() {
        #expect(Identifiers.isValidInvoiceNumber("FA-2026-000001"))
        #expect(!Identifiers.isValidInvoiceNumber("FA 2026 000001"))
        #expect(!Identifiers.isValidInvoiceNumber(String(repeating: "A", count: 36)))
        let series = NumberSeries(code: "FA", prefix: "FA-", width: 3, documentType: .invoice)
        #expect(series.number(5) == "FA-005" && series.number(1234) == "FA-1234" && series.capacity == 999)
    }

    @Test func months() {
        #expect(Month("2025-09")?.description == "2025-09")
        #expect(Month("2025-13") == nil && Month("2025-9") == nil && Month("25-09") == nil)
        #expect(Month("2025-12")?.next.description == "2026-01")
    }
}
